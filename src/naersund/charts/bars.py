"""Sorted bars with 95 % intervals and Denmark's value as a line (see the package docstring
for the contract)."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from naersund import fmt
from naersund.charts.base import (
    NUM,
    PALETTE,
    WIDTH,
    Chart,
    chart_spec,
    comparison_label,
    comparison_scale,
    records,
)


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
    df["sammenligning"] = df["comparison"].map(comparison_label)
    df["valgt"] = df["area_code"] == highlight if highlight is not None else False
    df["value_txt"] = df["value"].map(fmt.number)
    df["ci_txt"] = [
        f"{fmt.number(lo)}–{fmt.number(hi)}"
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
    spec = chart_spec(
        title,
        f"Søjlediagram: {title}, sorteret efter værdi, med 95 %-konfidensintervaller og "
        f"Danmarks værdi ({fmt.number(national)}) som lodret linje.{own}",
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
