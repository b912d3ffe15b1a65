"""The spine chart: a municipality's indicators against the range of all municipalities
(see the package docstring for the contract)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from naersund import fmt
from naersund.charts.base import (
    PALETTE,
    Chart,
    chart_spec,
    comparison_label,
    comparison_scale,
    records,
    shape_scale,
)


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
    df["sammenligning"] = df["comparison"].map(comparison_label)
    df["lo"] = np.fmin(df["pos_min"], df["pos_max"])
    df["hi"] = np.fmax(df["pos_min"], df["pos_max"])
    df["qlo"] = np.fmin(df["pos_q25"], df["pos_q75"])
    df["qhi"] = np.fmax(df["pos_q25"], df["pos_q75"])
    for c in ("value", "national", "region", "min", "max"):
        df[f"{c}_txt"] = df[c].map(fmt.number)
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
    spec = chart_spec(
        title,
        f"Spine-diagram: {area} for hver indikator, placeret i forhold til Danmark (midterlinjen) "
        "og spændet for alle kommuner; bedre til højre.",
        width=420,
        height={"step": 34},
        # On a phone the screen draws the rows' names above their bars at the box's width
        # instead of scaling the whole chart down (dashboard.js); print keeps this layout.
        usermeta={"narrow": "labels-above"},
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
