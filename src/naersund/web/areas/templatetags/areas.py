"""``{% comparable_municipalities kommunekode year %}``: the Kommuneprofil's block of comparable
municipalities (:func:`naersund.web.areas.present.comparable`), so that the profile's view
stays as it is."""

from __future__ import annotations

from typing import Any

from django import template

from naersund.web.areas.present import comparable

register = template.Library()


@register.inclusion_tag("areas/comparable.html")
def comparable_municipalities(kommunekode: int, year: int) -> dict[str, Any]:
    return {"c": comparable(int(kommunekode), int(year))}
