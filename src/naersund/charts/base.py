"""The :class:`Chart` value, the palette and Danish number formatting."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

#: Okabe & Ito (2008) colour-blind safe colours, darkened where text sits on them.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#D55E00",
    "sky": "#56B4E9",
    "yellow": "#E69F00",
    "green": "#009E73",
    "purple": "#CC79A7",
    "grey": "#9E9E9E",
    "dark": "#1A1A1A",
    "light": "#E8E8E8",
    "mid": "#BDBDBD",
}
COMPARISON_ORDER = ["better", "similar", "worse", "not_compared"]
COMPARISON_LABELS = {
    "better": "Bedre end landet",
    "similar": "Som landet",
    "worse": "Dårligere end landet",
    "not_compared": "Ikke sammenlignet",
}
COMPARISON_COLOURS = {
    "better": PALETTE["blue"],
    "similar": PALETTE["mid"],
    "worse": PALETTE["orange"],
    "not_compared": "#FFFFFF",
}
#: Vega-Lite point shapes, so that the comparison never rests on colour alone.
COMPARISON_SHAPES = {
    "better": "triangle-up",
    "similar": "circle",
    "worse": "triangle-down",
    "not_compared": "square",
}
#: d3-format locale for Danish numbers (decimal comma, thousands point).
DANISH_LOCALE = {
    "number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " kr."]}
}
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
#: The Vega-Lite version that renders the SVG (and that the web's vendored bundle contains).
VL_VERSION = "6.4"
FONT = "DejaVu Sans, Arial, sans-serif"
#: A chart's width in px (the maps' too).
WIDTH = 560
#: d3-format of the value axes (Danish separators through the locale).
NUM = ",.1f"


def base_config() -> dict[str, Any]:
    return {
        "locale": DANISH_LOCALE,
        "font": FONT,
        "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": "#1A1A1A"},
        "legend": {"labelFontSize": 12, "titleFontSize": 12},
        "title": {"fontSize": 14, "anchor": "start"},
        "view": {"stroke": None},
    }


def chart_spec(title: str, description: str, **rest: Any) -> dict[str, Any]:
    """A Vega-Lite spec with the shared head (schema, title, description, config)."""
    return {
        "$schema": SCHEMA,
        "title": title,
        "description": description,
        "config": base_config(),
        "background": "white",
        **rest,
    }


def comparison_label(comparison: Any) -> str:
    """The Danish label of a comparison with Denmark (unknown or missing: not compared)."""
    return COMPARISON_LABELS.get(str(comparison), COMPARISON_LABELS["not_compared"])


def area_points(
    x: dict[str, Any],
    colour: dict[str, Any],
    shapes: dict[str, Any],
    tooltip: list[dict[str, str]],
    size: int = 60,
) -> dict[str, Any]:
    """A layer of filled points at each area's ``value``, coloured (``colour``: the encoding)
    *and* shaped (``shapes``: the scale) per area, so that no area rests on colour alone."""
    return {
        "mark": {"type": "point", "filled": True, "size": size},
        "encoding": {
            "x": x,
            "y": {"field": "value", "type": "quantitative"},
            "color": colour,
            "shape": {"field": "area", "type": "nominal", "scale": shapes, "title": "Område"},
            "tooltip": tooltip,
        },
    }


def comparison_scale() -> dict[str, Any]:
    """Colour scale with the Danish comparison labels in the legend."""
    return {
        "domain": [COMPARISON_LABELS[c] for c in COMPARISON_ORDER],
        "range": [COMPARISON_COLOURS[c] for c in COMPARISON_ORDER],
    }


def shape_scale() -> dict[str, Any]:
    return {
        "domain": [COMPARISON_LABELS[c] for c in COMPARISON_ORDER],
        "range": [COMPARISON_SHAPES[c] for c in COMPARISON_ORDER],
    }


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """DataFrame rows as JSON-safe dicts (NaN becomes null)."""
    out = json.loads(df.to_json(orient="records", force_ascii=False))
    return list(out)


@lru_cache(maxsize=512)
def _render_svg(spec_json: str) -> str:
    import vl_convert as vlc

    svg: str = vlc.vegalite_to_svg(spec_json, vl_version=VL_VERSION)
    return svg


@dataclass(frozen=True)
class Chart:
    """A chart: its Vega-Lite ``spec``, its numbers ``table`` (Danish headers), a ``title`` and
    a Danish ``description`` (alt text). Frozen; ``spec`` must not be modified after building."""

    spec: dict[str, Any]
    table: pd.DataFrame
    title: str
    description: str

    def spec_json(self) -> str:
        return json.dumps(self.spec, ensure_ascii=False, sort_keys=True)

    def svg(self) -> str:
        """The chart as SVG (vl-convert; cached per spec, so a second call is free)."""
        return _render_svg(self.spec_json())

    def csv(self) -> str:
        """The table as CSV for Danish spreadsheets: ``;``, decimal comma, UTF-8 BOM."""
        buf = io.StringIO()
        self.table.to_csv(buf, sep=";", decimal=",", index=False)
        return "\ufeff" + buf.getvalue()
