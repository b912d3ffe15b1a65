"""The chart builders (see the package docstring for the contract)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from naersund.analysis.funnel import POSITIONS, FunnelData
from naersund.analysis.trend import GlidePath
from naersund.charts.base import (
    COMPARISON_LABELS,
    PALETTE,
    WIDTH,
    Chart,
    chart_spec,
    comparison_scale,
    format_number,
    records,
    shape_scale,
)
from naersund.charts.geo import clockwise, simplified_boundaries
from naersund.charts.maps import map_chart

NUM = ",.1f"


def _label(comparison: Any) -> str:
    return COMPARISON_LABELS.get(str(comparison), COMPARISON_LABELS["not_compared"])


_spec = chart_spec  # the charts modules' name for it


# --- spine chart -----------------------------------------------------------------------------


def spine_chart(rows: pd.DataFrame, area: str, region: str, title: str | None = None) -> Chart:
    """A Fingertips-style spine chart: one row per indicator.

    ``rows`` has ``indicator`` (Danish name, the row label, in display order), ``unit``,
    ``comparison`` and the output of :func:`naersund.analysis.spine_rows` (``value, national,
    region, min, q25, median, q75, max`` and their ``pos_*`` on the 0-1 scale, better to the
    right). Grey bar: the range of all municipalities; dark grey: 25th-75th percentile; black
    line: Denmark; diamond: the KKR; the municipality is a point coloured *and* shaped by its
    comparison with Denmark.
    """
    title = title or f"{area} sammenlignet med alle kommuner"
    df = rows.copy()
    df["sammenligning"] = df["comparison"].map(_label)
    df["lo"] = np.fmin(df["pos_min"], df["pos_max"])
    df["hi"] = np.fmax(df["pos_min"], df["pos_max"])
    df["qlo"] = np.fmin(df["pos_q25"], df["pos_q75"])
    df["qhi"] = np.fmax(df["pos_q25"], df["pos_q75"])
    for c in ("value", "national", "region", "min", "max"):
        df[f"{c}_txt"] = df[c].map(format_number)
    order = df["indicator"].tolist()
    y = {
        "field": "indicator",
        "type": "nominal",
        "sort": order,
        "title": None,
        "axis": {"labelLimit": 330},
    }
    x_scale = {"domain": [0, 1]}
    tooltip = [
        {"field": "indicator", "title": "Indikator"},
        {"field": "value_txt", "title": area},
        {"field": "region_txt", "title": region},
        {"field": "national_txt", "title": "Danmark"},
        {"field": "sammenligning", "title": "Sammenligning"},
    ]
    spec = _spec(
        title,
        f"Spine-diagram: {area} for hver indikator, placeret i forhold til Danmark (midterlinjen) "
        "og spændet for alle kommuner; bedre til højre.",
        width=420,
        height={"step": 34},
        data={"values": records(df)},
        encoding={"y": y},
        layer=[
            {
                "mark": {"type": "bar", "color": PALETTE["light"], "height": 18},
                "encoding": {
                    "x": {
                        "field": "lo",
                        "type": "quantitative",
                        "scale": x_scale,
                        "axis": {
                            "labels": False,
                            "ticks": False,
                            "grid": False,
                            "title": "← dårligere          bedre →",
                        },
                    },
                    "x2": {"field": "hi"},
                },
            },
            {
                "mark": {"type": "bar", "color": PALETTE["grey"], "height": 18},
                "encoding": {
                    "x": {"field": "qlo", "type": "quantitative", "scale": x_scale},
                    "x2": {"field": "qhi"},
                },
            },
            {
                "mark": {"type": "tick", "color": PALETTE["dark"], "thickness": 2, "size": 26},
                "encoding": {"x": {"field": "pos_national", "type": "quantitative"}},
            },
            {
                "mark": {
                    "type": "point",
                    "shape": "diamond",
                    "filled": False,
                    "color": PALETTE["dark"],
                    "size": 90,
                    "strokeWidth": 1.5,
                },
                "encoding": {
                    "x": {"field": "pos_region", "type": "quantitative"},
                    "tooltip": tooltip,
                },
            },
            {
                "mark": {
                    "type": "point",
                    "filled": True,
                    "size": 150,
                    "stroke": PALETTE["dark"],
                    "strokeWidth": 1,
                },
                "encoding": {
                    "x": {"field": "pos_value", "type": "quantitative"},
                    "color": {
                        "field": "sammenligning",
                        "type": "nominal",
                        "scale": comparison_scale(),
                        "title": area,
                    },
                    "shape": {
                        "field": "sammenligning",
                        "type": "nominal",
                        "scale": shape_scale(),
                        "title": area,
                    },
                    "tooltip": tooltip,
                },
            },
        ],
    )
    table = pd.DataFrame(
        {
            "Indikator": df["indicator"],
            "Enhed": df["unit"],
            area: df["value"],
            region: df["region"],
            "Danmark": df["national"],
            "Laveste kommune": df["min"],
            "25 %-fraktil": df["q25"],
            "75 %-fraktil": df["q75"],
            "Højeste kommune": df["max"],
            "Sammenligning": df["sammenligning"],
        }
    )
    return Chart(spec, table, title, spec["description"])


# --- sorted bars with intervals --------------------------------------------------------------


def ci_bars(
    rows: pd.DataFrame,
    national: float,
    unit: str,
    title: str,
    highlight: int | None = None,
) -> Chart:
    """Horizontal bars sorted by value (largest on top) with 95 % intervals and a line for
    Denmark. ``rows`` has ``area_code, name, value, lower, upper, comparison``; rows without a
    value (suppressed) are listed in the table as hidden and left out of the bars. The bar of
    ``highlight`` (a kommunekode) is outlined and its label bold."""
    df = rows.sort_values("value", ascending=False, na_position="last").reset_index(drop=True)
    df["sammenligning"] = df["comparison"].map(_label)
    df["valgt"] = df["area_code"] == highlight if highlight is not None else False
    df["value_txt"] = df["value"].map(format_number)
    df["ci_txt"] = [
        f"{format_number(lo)}–{format_number(hi)}"
        for lo, hi in zip(df["lower"], df["upper"], strict=True)
    ]
    shown = df[df["value"].notna()]
    order = shown["name"].tolist()
    tooltip = [
        {"field": "name", "title": "Område"},
        {"field": "value_txt", "title": unit},
        {"field": "ci_txt", "title": "95 %-konfidensinterval"},
        {"field": "sammenligning", "title": "Sammenligning"},
    ]
    y: dict[str, Any] = {"field": "name", "type": "nominal", "sort": order, "title": None}
    chosen = df.loc[df["valgt"].astype(bool), "name"].tolist()
    own = ""
    if chosen:
        # the axis label of the highlighted municipality in bold (its bar is outlined)
        y["axis"] = {
            "labelFontWeight": {
                "condition": {"test": f"datum.value === {json.dumps(chosen[0])}", "value": "bold"},
                "value": "normal",
            }
        }
        own = f" {chosen[0]} er fremhævet med fed skrift og sort kant."
    spec = _spec(
        title,
        f"Søjlediagram: {title}, sorteret efter værdi, med 95 %-konfidensintervaller og "
        f"Danmarks værdi ({format_number(national)}) som lodret linje.{own}",
        width=WIDTH - 160,
        height={"step": 16},
        data={"values": records(shown)},
        layer=[
            {
                "mark": {"type": "bar", "height": 11},
                "encoding": {
                    "y": y,
                    "x": {
                        "field": "value",
                        "type": "quantitative",
                        "title": unit,
                        "axis": {"format": NUM},
                    },
                    "color": {
                        "field": "sammenligning",
                        "type": "nominal",
                        "scale": comparison_scale(),
                        "title": "Sammenlignet med landet",
                    },
                    "stroke": {
                        "condition": {"test": "datum.valgt", "value": PALETTE["dark"]},
                        "value": PALETTE["grey"],
                    },
                    "strokeWidth": {
                        "condition": {"test": "datum.valgt", "value": 2.5},
                        "value": 0.5,
                    },
                    "tooltip": tooltip,
                },
            },
            {
                "mark": {"type": "rule", "color": PALETTE["dark"]},
                "encoding": {
                    "y": y,
                    "x": {"field": "lower", "type": "quantitative"},
                    "x2": {"field": "upper"},
                },
            },
            {
                "data": {"values": [{"national": national}]},
                "mark": {
                    "type": "rule",
                    "color": PALETTE["dark"],
                    "strokeDash": [4, 3],
                    "strokeWidth": 1.5,
                },
                "encoding": {"x": {"field": "national", "type": "quantitative"}},
            },
        ],
    )
    table = pd.DataFrame(
        {
            "Område": df["name"],
            f"Værdi ({unit})": df["value"],
            "Nedre 95 %-grænse": df["lower"],
            "Øvre 95 %-grænse": df["upper"],
            "Sammenligning": df["sammenligning"].where(df["value"].notna(), "Skjult (få tilfælde)"),
        }
    )
    return Chart(spec, table, title, spec["description"])


# --- funnel plot -----------------------------------------------------------------------------


def funnel_plot(
    funnel: FunnelData,
    names: dict[int, str],
    unit: str,
    size_label: str,
    title: str,
    highlight: int | None = None,
) -> Chart:
    """Funnel plot (Spiegelhalter 2005): each municipality's value against its size
    (``size_label``, e.g. "Borgere 65+" or "Indeksindlæggelser"), Denmark's value as the
    centre line and the 95 % (dashed) and 99.8 % (solid) control limits. Points outside a limit
    differ from Denmark by more than chance; the point's shape says which side."""
    pts = funnel.points.copy()
    pts["name"] = pts["area_code"].map(lambda c: names.get(int(c), str(c)))
    pts["valgt"] = pts["area_code"] == highlight if highlight is not None else False
    pts["value_txt"] = pts["value"].map(format_number)
    pts["size_txt"] = pts["size"].map(lambda v: format_number(v, 0))
    lim = funnel.limits.melt(
        id_vars="size",
        value_vars=["lower_998", "lower_95", "baseline", "upper_95", "upper_998"],
        var_name="line",
        value_name="limit",
    )
    line_names = {
        "lower_998": "99,8 %-grænse",
        "upper_998": "99,8 %-grænse",
        "lower_95": "95 %-grænse",
        "upper_95": "95 %-grænse",
        "baseline": "Danmark",
    }
    lim["kind"] = lim["line"].map(line_names)
    shapes = {
        "domain": POSITIONS,
        "range": ["triangle-up", "diamond", "circle", "square", "triangle-down"],
    }
    chosen = pts.loc[pts["valgt"].astype(bool), "name"].tolist()
    if chosen:
        own = f" {chosen[0]} er fremhævet og navngivet."
    elif highlight is not None:
        # its row was diskretioneret or had no events, so it has no point to name; say so
        # rather than leave the reader looking for it
        name = names.get(int(highlight), str(highlight))
        own = f" {name} har intet punkt: tallet er diskretioneret eller uden hændelser."
    else:
        own = ""
    # the highlighted municipality's name, always shown beside its point; without one the layer
    # would be empty, and Vega-Lite warns about its scale's infinite extent
    labels: list[dict[str, Any]] = (
        [
            {
                "data": {"values": records(pts[pts["valgt"].astype(bool)])},
                "mark": {
                    "type": "text",
                    "align": "left",
                    "dx": 9,
                    "dy": -9,
                    "fontSize": 12,
                    "fontWeight": "bold",
                    "color": PALETTE["dark"],
                },
                "encoding": {
                    "x": {"field": "size", "type": "quantitative"},
                    "y": {"field": "value", "type": "quantitative"},
                    "text": {"field": "name"},
                },
            }
        ]
        if chosen
        else []
    )
    spec = _spec(
        title,
        f"Tragtdiagram: {title}. Hver kommune er et punkt (værdi mod størrelse; navnet vises, "
        f"når man peger på punktet); linjerne er Danmarks værdi "
        f"({format_number(funnel.baseline)}) og 95 %- og 99,8 %-kontrolgrænserne.{own}",
        width=WIDTH,
        height=360,
        layer=[
            {
                "data": {"values": records(lim)},
                "mark": {"type": "line", "clip": True},
                "encoding": {
                    "x": {
                        "field": "size",
                        "type": "quantitative",
                        "scale": {"type": "log"},
                        "title": size_label,
                        "axis": {"format": ",.0f", "labelOverlap": "greedy", "tickCount": 6},
                    },
                    "y": {
                        "field": "limit",
                        "type": "quantitative",
                        "title": unit,
                        "scale": {"zero": False},
                    },
                    "detail": {"field": "line"},
                    "strokeDash": {
                        "field": "kind",
                        "type": "nominal",
                        "title": "Linjer",
                        "scale": {
                            "domain": ["Danmark", "95 %-grænse", "99,8 %-grænse"],
                            "range": [[1, 0], [5, 3], [1, 0]],
                        },
                    },
                    "color": {
                        "field": "kind",
                        "type": "nominal",
                        "legend": None,
                        "scale": {
                            "domain": ["Danmark", "95 %-grænse", "99,8 %-grænse"],
                            "range": [PALETTE["dark"], PALETTE["grey"], PALETTE["grey"]],
                        },
                    },
                },
            },
            {
                "data": {"values": records(pts)},
                "mark": {"type": "point", "filled": True, "size": 60, "opacity": 0.9},
                "encoding": {
                    "x": {"field": "size", "type": "quantitative"},
                    "y": {"field": "value", "type": "quantitative"},
                    "shape": {
                        "field": "position",
                        "type": "nominal",
                        "scale": shapes,
                        "title": "Placering",
                    },
                    "fill": {
                        "condition": {"test": "datum.valgt", "value": PALETTE["orange"]},
                        "value": PALETTE["blue"],
                    },
                    "stroke": {"value": PALETTE["dark"]},
                    "strokeWidth": {"condition": {"test": "datum.valgt", "value": 2}, "value": 0.5},
                    "size": {"condition": {"test": "datum.valgt", "value": 160}, "value": 60},
                    "tooltip": [
                        {"field": "name", "title": "Kommune"},
                        {"field": "value_txt", "title": unit},
                        {"field": "size_txt", "title": size_label},
                        {"field": "position", "title": "Placering"},
                    ],
                },
            },
            *labels,
        ],
    )
    table = pd.DataFrame(
        {
            "Kommune": pts["name"],
            size_label: pts["size"],
            f"Værdi ({unit})": pts["value"],
            "Placering i tragten": pts["position"],
        }
    ).sort_values(f"Værdi ({unit})", ascending=False)
    return Chart(spec, table.reset_index(drop=True), title, spec["description"])


# --- map ---------------------------------------------------------------------------------------


BORNHOLM = 400
# Bornholm's inset: just right of the other drawn municipalities' top right corner (over the
# Kattegat on the national map, over the Øresund on KKR Hovedstaden's), where nothing Danish is.
INSET_GAP = 0.15
INSET_PAD = 0.08


def _shift(geometry: dict[str, Any], dx: float, dy: float) -> dict[str, Any]:
    return {
        "type": "MultiPolygon",
        "coordinates": [
            [[[round(x + dx, 4), round(y + dy, 4)] for x, y in ring] for ring in poly]
            for poly in geometry["coordinates"]
        ],
    }


def _bounds(geometry: dict[str, Any]) -> tuple[float, float, float, float]:
    pts = np.array([p for poly in geometry["coordinates"] for ring in poly for p in ring])
    return (
        float(pts[:, 0].min()),
        float(pts[:, 1].min()),
        float(pts[:, 0].max()),
        float(pts[:, 1].max()),
    )


def _inset_frame(bounds: tuple[float, float, float, float]) -> dict[str, Any]:
    """The inset's frame as a GeoJSON polygon (clockwise, as d3-geo wants an exterior ring)."""
    x0, y0, x1, y1 = bounds
    x0, y0, x1, y1 = x0 - INSET_PAD, y0 - INSET_PAD, x1 + INSET_PAD, y1 + INSET_PAD
    ring = clockwise(np.array([[x0, y0], [x0, y1], [x1, y1], [x1, y0], [x0, y0]]))
    return {
        "type": "Feature",
        "properties": {"name": "Bornholm (flyttet)"},
        "geometry": {"type": "Polygon", "coordinates": [ring.round(4).tolist()]},
    }


def choropleth(
    rows: pd.DataFrame,
    unit: str,
    title: str,
    area_codes: list[int] | None = None,
    highlight: int | None = None,
    area: str | None = None,
) -> Chart:
    """Map of the municipalities coloured by their comparison with Denmark (legend in words);
    the tooltip and the table give the value. ``rows`` has ``area_code, name, value, lower,
    upper, comparison``. With ``area_codes`` only those municipalities are drawn (e.g. a
    KKR's, ``area`` its name) and the map zooms to them. Where Bornholm is drawn with others
    (the whole country, KKR Hovedstaden) it is moved into a framed inset just right of their
    top right corner, so the map need not span the Baltic.
    Boundaries are the shipped ones, simplified (:mod:`naersund.charts.geo`)."""
    by_code = rows.set_index("area_code")
    geo = simplified_boundaries()
    whole_country = area_codes is None
    features = []
    inset: dict[str, Any] | None = None
    drawn_codes = [
        f["properties"]["kommunekode"]
        for f in geo["features"]
        if area_codes is None or f["properties"]["kommunekode"] in area_codes
    ]
    corner: tuple[float, float] | None = None
    if BORNHOLM in drawn_codes and len(drawn_codes) > 1:
        others = [
            _bounds(f["geometry"])
            for f in geo["features"]
            if f["properties"]["kommunekode"] in drawn_codes
            and f["properties"]["kommunekode"] != BORNHOLM
        ]
        own = next(f for f in geo["features"] if f["properties"]["kommunekode"] == BORNHOLM)
        _, by0, _, by1 = _bounds(own["geometry"])
        corner = (max(b[2] for b in others) + INSET_GAP, max(b[3] for b in others) - (by1 - by0))
    for f in geo["features"]:
        code = f["properties"]["kommunekode"]
        if area_codes is not None and code not in area_codes:
            continue
        r = by_code.loc[code] if code in by_code.index else None
        value = None if r is None or pd.isna(r["value"]) else float(r["value"])
        comparison = "not_compared" if r is None else str(r["comparison"])
        props = {
            "kommunekode": code,
            "name": f["properties"]["name"],
            "value_txt": format_number(value) if value is not None else "skjult/ingen værdi",
            "sammenligning": _label(comparison),
            "valgt": code == highlight,
        }
        geometry = f["geometry"]
        if corner is not None and code == BORNHOLM:
            x0, y0, _, _ = _bounds(geometry)
            geometry = _shift(geometry, corner[0] - x0, corner[1] - y0)
            inset = _inset_frame(_bounds(geometry))
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
    n = len(features)
    if whole_country:
        drawn = f"alle {n} kommuner"
    else:
        drawn = f"de {n} kommuner i {area}" if area else f"{n} udvalgte kommuner"
    if inset:
        drawn += "; Bornholm er flyttet op i rammen øverst til højre"
    chosen = [f["properties"]["name"] for f in features if f["properties"]["valgt"]]
    own = f" {chosen[0]} har sort kant." if chosen else ""
    return map_chart(
        features,
        inset,
        by_code,
        unit,
        title,
        f"Kort over {drawn}: {title}. Hver kommune er farvet efter, om den er bedre, som eller "
        f"dårligere end landet; tallene står i tabellen.{own}",
        key="kommunekode",
        name_column="Kommune",
        stroke="#6b6b6b",
        stroke_width=0.4,
    )


# --- trend -------------------------------------------------------------------------------------


def trend_chart(
    series: pd.DataFrame, unit: str, title: str, glide: GlidePath | None = None
) -> Chart:
    """Values per year for one or more areas (``series``: ``year, area, value, lower, upper``;
    ``area`` in display order) with 95 % intervals as bands, and the target ``glide`` path as
    a dashed line ending in the target. Colours and point shapes differ per area."""
    df = series.copy()
    df["value_txt"] = df["value"].map(format_number)
    areas = list(dict.fromkeys(df["area"].tolist()))
    colours = [PALETTE["blue"], PALETTE["orange"], PALETTE["dark"], PALETTE["green"]]
    shapes = ["circle", "square", "diamond", "triangle-up"]
    col_scale = {"domain": areas, "range": colours[: len(areas)]}
    shp_scale = {"domain": areas, "range": shapes[: len(areas)]}
    years = sorted(df["year"].unique().tolist())
    x = {"field": "year", "type": "ordinal", "title": "År", "axis": {"labelAngle": 0}}
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "area", "opacity": 0.15},
            "encoding": {
                "x": x,
                "y": {"field": "lower", "type": "quantitative"},
                "y2": {"field": "upper"},
                "fill": {
                    "field": "area",
                    "type": "nominal",
                    "scale": col_scale,
                    "title": "Område",
                    # The bands' legend is the areas' legend: solid symbols, not the bands' tint.
                    "legend": {"symbolOpacity": 1},
                },
            },
        },
        {
            "mark": {"type": "line", "point": False, "strokeWidth": 2},
            "encoding": {
                "x": x,
                "y": {
                    "field": "value",
                    "type": "quantitative",
                    "title": unit,
                    "scale": {"zero": False},
                    "axis": {"format": NUM},
                },
                "color": {
                    "field": "area",
                    "type": "nominal",
                    "scale": col_scale,
                    "title": "Område",
                },
            },
        },
        {
            "mark": {"type": "point", "filled": True, "size": 60},
            "encoding": {
                "x": x,
                "y": {"field": "value", "type": "quantitative"},
                "color": {
                    "field": "area",
                    "type": "nominal",
                    "scale": col_scale,
                    "title": "Område",
                },
                "shape": {
                    "field": "area",
                    "type": "nominal",
                    "scale": shp_scale,
                    "title": "Område",
                },
                "tooltip": [
                    {"field": "area", "title": "Område"},
                    {"field": "year", "title": "År"},
                    {"field": "value_txt", "title": unit},
                ],
            },
        },
    ]
    glide_rows: list[dict[str, Any]] = []
    if glide is not None:
        glide_rows = [
            {"year": int(y), "glide": float(v)}
            for y, v in zip(glide.points["year"], glide.points["value"], strict=True)
        ]
        years = sorted(set(years) | {r["year"] for r in glide_rows})
        layers.append(
            {
                "data": {"values": glide_rows},
                "mark": {
                    "type": "line",
                    "strokeDash": [6, 4],
                    "color": PALETTE["green"],
                    "strokeWidth": 2,
                },
                "encoding": {"x": x, "y": {"field": "glide", "type": "quantitative"}},
            }
        )
        layers.append(
            {
                "data": {"values": [glide_rows[-1] | {"label": "Mål"}]},
                "mark": {"type": "text", "dy": -10, "color": "#006B4F", "fontWeight": "bold"},
                "encoding": {
                    "x": x,
                    "y": {"field": "glide", "type": "quantitative"},
                    "text": {"field": "label"},
                },
            }
        )
    x["scale"] = {"domain": years}
    desc = f"Udviklingsdiagram: {title}, pr. år for {', '.join(areas)}"
    desc += " med glidebane mod målet." if glide is not None else "."
    spec = _spec(title, desc, width=WIDTH, height=300, data={"values": records(df)}, layer=layers)
    table = df.pivot_table(index="year", columns="area", values="value", sort=False)
    table = table.reindex(columns=areas).reset_index().rename(columns={"year": "År"})
    if glide is not None:
        g = pd.DataFrame(glide_rows).rename(columns={"year": "År", "glide": "Glidebane (mål)"})
        table = table.merge(g, on="År", how="outer").sort_values("År")
    table.columns.name = None
    return Chart(spec, table.reset_index(drop=True), title, desc)


# --- monthly values --------------------------------------------------------------------------

SUPPRESSED_TEXT = "skjult"


def monthly_chart(series: pd.DataFrame, unit: str, title: str) -> Chart:
    """Values per month for one or more areas (``series``: ``year, month, area, value, lower,
    upper, suppressed``; ``area`` in display order) with 95 % intervals as bands. A suppressed
    month has no value and leaves a gap in its line; the table says "skjult" there."""
    df = series.copy()
    df["date"] = [
        f"{int(y):04d}-{int(m):02d}-01" for y, m in zip(df["year"], df["month"], strict=True)
    ]
    df["label"] = [
        f"{int(y):04d}-{int(m):02d}" for y, m in zip(df["year"], df["month"], strict=True)
    ]
    df["value_txt"] = [
        SUPPRESSED_TEXT if s else format_number(v)
        for v, s in zip(df["value"], df["suppressed"], strict=True)
    ]
    areas = list(dict.fromkeys(df["area"].tolist()))
    # A masked month ends a line piece: each piece is drawn on its own (``detail``), so the
    # line and band break there instead of bridging the month or dropping to zero.
    df = df.sort_values(["year", "month"], kind="stable")
    df["piece"] = df.groupby("area", sort=False)["suppressed"].cumsum().astype(int)
    detail = {"field": "piece", "type": "ordinal"}
    colours = [PALETTE["blue"], PALETTE["orange"], PALETTE["dark"], PALETTE["green"]]
    shapes = ["circle", "square", "diamond", "triangle-up"]
    col_scale = {"domain": areas, "range": colours[: len(areas)]}
    colour = {"field": "area", "type": "nominal", "scale": col_scale, "title": "Område"}
    x = {
        "field": "date",
        "type": "temporal",
        "timeUnit": "yearmonth",
        "title": "Måned",
        "axis": {
            "format": "%Y-%m",
            "labelAngle": -45,
            "tickCount": {"interval": "month", "step": 3},
        },
    }
    y = {
        "field": "value",
        "type": "quantitative",
        "title": unit,
        "scale": {"zero": False},
        "axis": {"format": NUM},
    }
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "area", "opacity": 0.15},
            "encoding": {
                "x": x,
                "y": {"field": "lower", "type": "quantitative"},
                "y2": {"field": "upper"},
                "fill": colour | {"legend": {"symbolOpacity": 1}},
                "detail": detail,
            },
        },
        {
            "mark": {"type": "line", "strokeWidth": 2},
            "encoding": {"x": x, "y": y, "color": colour, "detail": detail},
        },
        {
            "mark": {"type": "point", "filled": True, "size": 30},
            "encoding": {
                "x": x,
                "y": {"field": "value", "type": "quantitative"},
                "color": colour,
                "shape": {
                    "field": "area",
                    "type": "nominal",
                    "scale": {"domain": areas, "range": shapes[: len(areas)]},
                    "title": "Område",
                },
                "tooltip": [
                    {"field": "area", "title": "Område"},
                    {"field": "label", "title": "Måned"},
                    {"field": "value_txt", "title": unit},
                ],
            },
        },
    ]
    n_hidden = int(df["suppressed"].sum())
    desc = f"Udviklingsdiagram pr. måned for {', '.join(areas)} med 95 %-konfidensintervaller."
    if n_hidden:
        what = (
            "diskretioneret måned er et hul"
            if n_hidden == 1
            else "diskretionerede måneder er huller"
        )
        desc += f" {n_hidden} {what} i kurverne (skjult i tabellen)."
    spec = _spec(
        title,
        desc,
        width=WIDTH,
        height=300,
        data={"values": records(df.drop(columns=["suppressed"]))},
        layer=layers,
    )
    cells = df.assign(
        shown=[
            SUPPRESSED_TEXT if s else v for v, s in zip(df["value"], df["suppressed"], strict=True)
        ]
    )
    table = cells.pivot(index="label", columns="area", values="shown")
    table = table.reindex(columns=areas).reset_index().rename(columns={"label": "Måned"})
    table.columns.name = None
    return Chart(spec, table.reset_index(drop=True), title, desc)
