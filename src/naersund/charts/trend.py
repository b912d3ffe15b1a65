"""Values over time: per year with intervals and a target glide path, and per month with
suppressed months as gaps (see the package docstring for the contract)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from naersund import fmt
from naersund.analysis.trend import GlidePath
from naersund.charts.base import (
    NUM,
    PALETTE,
    WIDTH,
    Chart,
    area_points,
    chart_spec,
    records,
)

#: Each area's colour and point shape, in the order the areas come.
AREA_COLOURS = [PALETTE["blue"], PALETTE["orange"], PALETTE["dark"], PALETTE["green"]]
AREA_SHAPES = ["circle", "square", "diamond", "triangle-up"]


def _area_colour(areas: list[str]) -> dict[str, Any]:
    scale = {"domain": areas, "range": AREA_COLOURS[: len(areas)]}
    return {"field": "area", "type": "nominal", "scale": scale, "title": "Område"}


def _band(x: dict[str, Any], colour: dict[str, Any], **encoding: Any) -> dict[str, Any]:
    """The 95 % intervals as a tinted band per area behind its line."""
    return {
        "mark": {"type": "area", "opacity": 0.15},
        "encoding": {
            "x": x,
            "y": {"field": "lower", "type": "quantitative"},
            "y2": {"field": "upper"},
            # The bands' legend is the areas' legend: solid symbols, not the bands' tint.
            "fill": colour | {"legend": {"symbolOpacity": 1}},
            **encoding,
        },
    }


def trend_chart(
    series: pd.DataFrame, unit: str, title: str, glide: GlidePath | None = None
) -> Chart:
    """Values per year for one or more areas (``series``: ``year, area, value, lower, upper``;
    ``area`` in display order) with 95 % intervals as bands, and the target ``glide`` path as
    a dashed line ending in the target. Colours and point shapes differ per area."""
    df = series.copy()
    df["value_txt"] = df["value"].map(fmt.number)
    areas = list(dict.fromkeys(df["area"].tolist()))
    colour = _area_colour(areas)
    years = sorted(df["year"].unique().tolist())
    x = {"field": "year", "type": "ordinal", "title": "År", "axis": {"labelAngle": 0}}
    layers: list[dict[str, Any]] = [
        _band(x, colour),
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
                "color": colour,
            },
        },
        area_points(
            x,
            colour,
            {"domain": areas, "range": AREA_SHAPES[: len(areas)]},
            [
                {"field": "area", "title": "Område"},
                {"field": "year", "title": "År"},
                {"field": "value_txt", "title": unit},
            ],
        ),
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
    spec = chart_spec(
        title, desc, width=WIDTH, height=300, data={"values": records(df)}, layer=layers
    )
    table = df.pivot_table(index="year", columns="area", values="value", sort=False)
    table = table.reindex(columns=areas).reset_index().rename(columns={"year": "År"})
    if glide is not None:
        g = pd.DataFrame(glide_rows).rename(columns={"year": "År", "glide": "Glidebane (mål)"})
        table = table.merge(g, on="År", how="outer").sort_values("År")
    table.columns.name = None
    return Chart(spec, table.reset_index(drop=True), title, desc)


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
        SUPPRESSED_TEXT if s else fmt.number(v)
        for v, s in zip(df["value"], df["suppressed"], strict=True)
    ]
    areas = list(dict.fromkeys(df["area"].tolist()))
    # A masked month ends a line piece: each piece is drawn on its own (``detail``), so the
    # line and band break there instead of bridging the month or dropping to zero.
    df = df.sort_values(["year", "month"], kind="stable")
    df["piece"] = df.groupby("area", sort=False)["suppressed"].cumsum().astype(int)
    detail = {"field": "piece", "type": "ordinal"}
    colour = _area_colour(areas)
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
        _band(x, colour, detail=detail),
        {
            "mark": {"type": "line", "strokeWidth": 2},
            "encoding": {"x": x, "y": y, "color": colour, "detail": detail},
        },
        area_points(
            x,
            colour,
            {"domain": areas, "range": AREA_SHAPES[: len(areas)]},
            [
                {"field": "area", "title": "Område"},
                {"field": "label", "title": "Måned"},
                {"field": "value_txt", "title": unit},
            ],
            size=30,
        ),
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
    spec = chart_spec(
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
