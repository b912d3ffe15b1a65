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


@register.inclusion_tag("areas/member_of.html", takes_context=True)
def member_of(context: template.Context, kommunekode: int, year: int, name: str) -> dict[str, Any]:
    """``{% member_of kommunekode year name %}``: the Kommuneprofil's block of the areas the
    municipality belongs to on the page's release's levels (:mod:`.member_of`)."""
    from naersund.web.areas.member_of import areas_of
    from naersund.web.dashboard import releases

    release = context.get("release")
    found = [] if release is None else areas_of(releases.results_of(release), kommunekode, year)
    return {"areas": found, "name": name}


@register.inclusion_tag("dashboard/_compare_with.html", takes_context=True)
def compare_with(context: template.Context, page: str) -> dict[str, Any]:
    """``{% compare_with "/indikatorer/sammenlign/" %}``: the "Sammenlign med" form of the
    Sammenlign and Udvikling pages (the page's filters, the release's groups); the fragment
    cache is emptied when a user-defined group changes (``apps.AreasConfig.ready``)."""
    from naersund.web.dashboard import releases
    from naersund.web.dashboard.views_compare import compare_context, user_groups

    release = releases.current_release()
    keys = ("p", "indicators", "municipalities", "years", "std", "crude", "show")
    out: dict[str, Any] = {k: context.get(k) for k in keys}
    out["page"] = page
    if release is not None:
        out |= compare_context(releases.results_of(release), context["p"], user_groups(), "")
    return out
