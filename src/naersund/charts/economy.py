"""The economy's charts (page "Økonomi" and the packs): health spending excl. KMF per citizen
over the years for an area beside its KKR and Denmark, and the lift of a KKR's municipalities
against their expected share of the ØA lift."""

from __future__ import annotations

from typing import Any

import pandas as pd

from naersund import fmt
from naersund.charts.base import (
    PALETTE,
    SCHEMA,
    Chart,
    area_points,
    base_config,
    records,
)

NUM = ",.0f"


def spending_chart(series: pd.DataFrame, title: str) -> Chart:
    """Kr. per citizen per year (``series``: ``year, area, value``; ``area`` in display order),
    one line with its own colour and point shape per area."""
    df = series.copy()
    df["value_txt"] = df["value"].map(lambda v: fmt.number(v, 0))
    areas = list(dict.fromkeys(df["area"].tolist()))
    colours = {
        "domain": areas,
        "range": [PALETTE["blue"], PALETTE["orange"], PALETTE["dark"]][: len(areas)],
    }
    shapes = {"domain": areas, "range": ["circle", "square", "diamond"][: len(areas)]}
    x = {"field": "year", "type": "ordinal", "title": "År", "axis": {"labelAngle": 0}}
    y = {"field": "value", "type": "quantitative", "title": "Kr. pr. indbygger",
         "scale": {"zero": False}, "axis": {"format": NUM}}  # fmt: skip
    colour = {"field": "area", "type": "nominal", "scale": colours, "title": "Område"}
    spec: dict[str, Any] = {
        "$schema": SCHEMA,
        "title": title,
        "width": 520,
        "height": 240,
        "config": base_config(),
        "data": {"values": records(df)},
        "layer": [
            {
                "mark": {"type": "line", "strokeWidth": 2},
                "encoding": {"x": x, "y": y, "color": colour},
            },
            area_points(
                x,
                colour,
                shapes,
                [
                    {"field": "area", "title": "Område"},
                    {"field": "year", "title": "År"},
                    {"field": "value_txt", "title": "Kr. pr. indbygger"},
                ],
            ),
        ],
    }
    table = df.pivot(index="year", columns="area", values="value").reindex(columns=areas)
    table = table.reset_index().rename(columns={"year": "År"})
    description = (
        f"{title}: sundhedsudgifter ekskl. KMF i kr. pr. indbygger for {', '.join(areas)} "
        f"pr. år, {int(df['year'].min())}-{int(df['year'].max())}."
        if len(df)
        else f"{title}: ingen tal."
    )
    return Chart(spec, table, title, description)


def lift_chart(rows: pd.DataFrame, title: str) -> Chart:
    """Each municipality's lift (``rows``: ``area, growth, expected`` in mio. kr.) as a bar,
    its expected share of the ØA lift as a black tick."""
    df = rows.copy()
    df["growth_txt"] = df["growth"].map(lambda v: fmt.number(v, 1))
    df["expected_txt"] = df["expected"].map(lambda v: fmt.number(v, 1))
    y = {"field": "area", "type": "nominal", "title": None, "sort": None}
    spec: dict[str, Any] = {
        "$schema": SCHEMA,
        "title": title,
        "width": 420,
        "height": {"step": 16},
        "config": base_config(),
        "data": {"values": records(df)},
        "layer": [
            {
                "mark": {"type": "bar", "color": PALETTE["blue"]},
                "encoding": {
                    "y": y,
                    "x": {"field": "growth", "type": "quantitative", "title": "Mio. kr."},
                    "tooltip": [
                        {"field": "area", "title": "Kommune"},
                        {"field": "growth_txt", "title": "Løft, mio. kr."},
                        {"field": "expected_txt", "title": "Forventet andel af ØA-løftet"},
                    ],
                },
            },
            {
                "mark": {"type": "tick", "color": "#1A1A1A", "thickness": 3},
                "encoding": {"y": y, "x": {"field": "expected", "type": "quantitative"}},
            },
        ],
    }
    table = df[["area", "growth", "expected"]].rename(
        columns={
            "area": "Kommune",
            "growth": "Løft (mio. kr.)",
            "expected": "Forventet andel (mio. kr.)",
        }
    )
    description = (
        f"{title}: hver kommunes løft i mio. kr. (søjle) og dens forventede andel af "
        "ØA-løftet (sort streg)."
    )
    return Chart(spec, table, title, description)
