"""The charts of the packs: data from the published results, Vega-Lite specs for print.

Specs are plain dicts rendered to SVG (``naersund.reports.render.svg``), so the HTML and the
PDF show the same picture. Suppressed cells are left out of every chart.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from naersund import refdata, stats
from naersund.reports import common as c
from naersund.reports.model import Area, Chart, ReportInput

FONT = "DejaVu Sans"
INK = "#1b1b1b"
HIGHLIGHT = "#b3261e"
BASE = "#4a6fa5"
GREY = "#767676"


def _config(spec: dict[str, Any]) -> dict[str, Any]:
    spec["$schema"] = "https://vega.github.io/schema/vega-lite/v5.json"
    spec["config"] = {
        "font": FONT,
        "view": {"stroke": None},
        "axis": {"labelColor": INK, "titleColor": INK, "labelFontSize": 10, "titleFontSize": 10},
        "legend": {"labelColor": INK, "titleColor": INK, "labelFontSize": 10},
        "title": {"color": INK, "fontSize": 12, "anchor": "start"},
    }
    spec["background"] = "white"
    return spec


def trend_spec(points: list[dict[str, Any]], title: str, unit: str) -> dict[str, Any]:
    return _config(
        {
            "title": {"text": title, "subtitle": unit},
            "width": 230,
            "height": 120,
            "data": {"values": points},
            "mark": {"type": "line", "point": {"filled": True, "size": 30}, "strokeWidth": 2},
            "encoding": {
                "x": {"field": "year", "type": "ordinal", "title": None, "axis": {"labelAngle": 0}},
                "y": {
                    "field": "value",
                    "type": "quantitative",
                    "title": None,
                    "scale": {"zero": False},
                },
                "color": {
                    "field": "series",
                    "type": "nominal",
                    "title": None,
                    "sort": None,
                    "scale": {"range": [HIGHLIGHT, BASE, GREY]},
                    "legend": {"orient": "bottom"},
                },
                "strokeDash": {
                    "field": "series",
                    "type": "nominal",
                    "sort": None,
                    "legend": None,
                    "scale": {"range": [[1, 0], [6, 3], [2, 2]]},
                },
            },
        }
    )


def trend_charts(data: ReportInput, area: Area, year: int) -> list[Chart]:
    """Per indicator: the area, its KKR (for a municipality) and Denmark over the years up to
    ``year``."""
    out = []
    series: list[tuple[str, str, int]] = [(area.name, area.level, area.code)]
    if area.level == "kommune":
        series.append((refdata.KKR_NAMES[area.region_code], "region", area.region_code))
    series.append(("Hele landet", "land", 0))
    for d in c.indicators_in(data):
        points: list[dict[str, Any]] = []
        for label, level, code in series:
            for r in c.rows_of(data, d.id, level, code).to_dict("records"):
                v = c.num(r["value"])
                if int(r["year"]) <= year and v is not None and not bool(r["suppressed"]):
                    points.append({"series": label, "year": int(r["year"]), "value": round(v, 2)})
        if not points:
            continue
        desc = "; ".join(
            f"{p['series']} {p['year']}: {p['value']:.1f}".replace(".", ",") for p in points
        )
        out.append(Chart(d.name_da, trend_spec(points, d.name_da, c.unit_of(d)), desc))
    return out


def bars_spec(
    points: list[dict[str, Any]], title: str, unit: str, national: float | None
) -> dict[str, Any]:
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "rule", "color": GREY},
            "encoding": {"x": {"field": "lo", "type": "quantitative"}, "x2": {"field": "hi"}},
        },
        {
            "mark": {"type": "point", "filled": True, "size": 45},
            "encoding": {
                "x": {
                    "field": "value",
                    "type": "quantitative",
                    "title": unit,
                    "scale": {"zero": False},
                },
                "color": {
                    "field": "mark",
                    "type": "nominal",
                    "legend": None,
                    "scale": {"domain": ["valgt", "andre"], "range": [HIGHLIGHT, BASE]},
                },
                "shape": {
                    "field": "mark",
                    "type": "nominal",
                    "legend": None,
                    "scale": {"domain": ["valgt", "andre"], "range": ["diamond", "circle"]},
                },
            },
        },
    ]
    if national is not None:
        layers.append(
            {
                "data": {"values": [{"land": national}]},
                "mark": {"type": "rule", "strokeDash": [4, 3], "color": INK},
                "encoding": {"x": {"field": "land", "type": "quantitative"}},
            }
        )
    return _config(
        {
            "title": {
                "text": title,
                "subtitle": "Værdi med 95 %-interval; stiplet linje: hele landet",
            },
            "width": 420,
            "height": {"step": 13},
            "data": {"values": points},
            "encoding": {
                "y": {
                    "field": "area",
                    "type": "nominal",
                    "title": None,
                    "sort": {"field": "value", "order": "ascending"},
                },
            },
            "layer": layers,
        }
    )


def comparison_chart(
    data: ReportInput, d: Any, region_code: int, year: int, highlight: int | None
) -> Chart | None:
    """Dots with 95 % intervals for the KKR's municipalities, sorted (standardised values where
    the indicator is standardised)."""
    points: list[dict[str, Any]] = []
    for m in c.municipalities_of(region_code):
        r = c.row(data, d.id, "kommune", m.code, year)
        if r is None or bool(r["suppressed"]):
            continue
        v, lo, hi = c.comparison_value(r)
        if v is None:
            continue
        points.append(
            {
                "area": m.name,
                "value": round(v, 2),
                "lo": lo,
                "hi": hi,
                "mark": "valgt" if m.code == highlight else "andre",
            }
        )
    if not points:
        return None
    land = c.national(data, d.id, year)
    nat = c.comparison_value(land)[0] if land is not None else None
    std = "standardiseret " if d.standardisation is not None else ""
    title = f"{d.name_da}, {year}"
    desc = f"{title}, {std}værdi pr. kommune: " + "; ".join(
        f"{p['area']} {p['value']:.1f}".replace(".", ",")
        for p in sorted(points, key=lambda p: p["value"])
    )
    return Chart(title, bars_spec(points, title, f"{std}{c.unit_of(d)}".strip(), nat), desc)


def funnel_chart(
    data: ReportInput, d: Any, region_code: int, year: int, highlight: int | None
) -> Chart | None:
    """Crude value against denominator for every municipality of the country, with 95 % and
    99.8 % limits around Denmark's value (Spiegelhalter 2005); the KKR's municipalities in
    colour."""
    r = data.results
    k = r[
        (r["indicator"] == d.id)
        & (r["level"] == "kommune")
        & (r["year"] == year)
        & ~r["suppressed"].astype(bool)
    ]
    k = k.dropna(subset=["value", "denominator"])
    k = k[k["denominator"] > 0]
    land = c.national(data, d.id, year)
    if k.empty or land is None or c.num(land["value"]) is None:
        return None
    target = float(land["value"])
    region = refdata.region_of()
    names = refdata.municipalities().set_index("kommunekode")["name"]
    lo_n, hi_n = float(k["denominator"].min()), float(k["denominator"].max())
    grid = np.geomspace(max(lo_n * 0.8, 1.0), hi_n * 1.2, 60)
    if d.is_proportion:
        lim = stats.funnel_limits_proportion(target / d.multiplier, grid, d.multiplier)
    else:
        lim = stats.funnel_limits_rate(max(target, 1e-9), grid, d.multiplier)
    limits = [
        {"n": float(n), "l95": float(a), "u95": float(b), "l998": float(e), "u998": float(f)}
        for n, a, b, e, f in zip(
            grid, lim.lower_95, lim.upper_95, lim.lower_998, lim.upper_998, strict=True
        )
    ]
    pts: list[dict[str, Any]] = []
    for row in k.itertuples():
        code = int(row.area_code)
        group = (
            "valgt"
            if code == highlight
            else ("KKR" if region.get(code) == region_code else "øvrige")
        )
        pts.append(
            {
                "n": float(row.denominator),
                "value": round(float(row.value), 2),
                "area": str(names.get(code, code)),
                "group": group,
            }
        )
    x = {
        "field": "n",
        "type": "quantitative",
        "scale": {"type": "log"},
        "title": "Nævner (befolkning eller indlæggelser)",
    }
    layers = []
    for lo, hi, dash in (("l95", "u95", [4, 3]), ("l998", "u998", [1, 0])):
        for f in (lo, hi):
            layers.append(
                {
                    "data": {"values": limits},
                    "mark": {"type": "line", "color": GREY, "strokeDash": dash, "strokeWidth": 1},
                    "encoding": {"x": x, "y": {"field": f, "type": "quantitative"}},
                }
            )
    layers.append(
        {
            "data": {"values": [{"t": target}]},
            "mark": {"type": "rule", "color": INK},
            "encoding": {"y": {"field": "t", "type": "quantitative"}},
        }
    )
    layers.append(
        {
            "data": {"values": pts},
            "mark": {"type": "point", "filled": True, "size": 30, "opacity": 0.85},
            "encoding": {
                "x": x,
                "y": {
                    "field": "value",
                    "type": "quantitative",
                    "title": c.unit_of(d),
                    "scale": {"zero": False},
                },
                "color": {
                    "field": "group",
                    "type": "nominal",
                    "title": None,
                    "scale": {
                        "domain": ["valgt", "KKR", "øvrige"],
                        "range": [HIGHLIGHT, BASE, "#c4c4c4"],
                    },
                    "legend": {"orient": "bottom"},
                },
                "shape": {
                    "field": "group",
                    "type": "nominal",
                    "title": None,
                    "scale": {
                        "domain": ["valgt", "KKR", "øvrige"],
                        "range": ["diamond", "circle", "circle"],
                    },
                },
            },
        }
    )
    title = f"Tragtdiagram: {d.name_da}, {year}"
    spec = _config(
        {
            "title": {
                "text": title,
                "subtitle": "Grænser: 95 % (stiplet) og 99,8 % (fuld) om landets værdi",
            },
            "width": 440,
            "height": 230,
            "layer": layers,
        }
    )
    outside = [p["area"] for p in pts if p["group"] != "øvrige"]
    desc = f"{title}. {len(pts)} kommuner; KKR'ens kommuner: " + ", ".join(outside)
    return Chart(title, spec, desc)
