"""Danish numbers and comparison labels in the dashboard's templates."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from naersund.analysis.benchmark import comparison_label
from naersund.web.dashboard.present import cell

register = template.Library()

SYMBOLS = {"better": "▲", "similar": "●", "worse": "▼", "not_compared": "–"}


@register.filter
def num(value: Any, decimals: int = 1) -> str:
    """``12,3`` (decimal comma), ``–`` for missing."""
    try:
        return cell(float(value), int(decimals)) if value is not None else "–"
    except (TypeError, ValueError):
        return "–"


@register.filter
def cmp_text(value: Any) -> str:
    return comparison_label(str(value))


@register.filter
def cmp_symbol(value: Any) -> str:
    return SYMBOLS.get(str(value), "–")


@register.filter
def get(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None


BADGES = {"better": "success", "similar": "info", "worse": "warning"}


@register.filter
def cmp_badge(value: Any) -> str:
    """The DKFDS badge variant of a comparison verdict (``badge-<variant>``); the symbol and
    the text go with it, so the colour never stands alone."""
    return BADGES.get(str(value), "none")


@register.filter
def break_at_underscores(value: Any) -> str:
    """``value`` escaped, with a line-break opportunity after each underscore: a long id such
    as ``forebyggelige_indlaeggelser_65`` may wrap there instead of widening its column."""
    return mark_safe(escape(str(value)).replace("_", "_<wbr>"))
