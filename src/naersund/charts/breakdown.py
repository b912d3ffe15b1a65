"""A breakdown as horizontal bars: one bar per category (diagnosis group, age band, sex or
month), its count or share readmitted; a masked cell has no bar and says "skjult"."""

from __future__ import annotations

import pandas as pd

from naersund import fmt
from naersund.analysis.breakdowns import Breakdown
from naersund.charts.base import PALETTE, SCHEMA, Chart, base_config, records

SUPPRESSED_TEXT = "skjult"


def breakdown_chart(b: Breakdown, title: str) -> Chart:
    """Bars of ``b``'s counts (or shares readmitted, %), in the breakdown's order; the table
    holds the same numbers as the breakdown's own table (masked cells empty)."""
    headers = b.headers_da()
    measure = headers[3] if b.proportion else headers[1]
    df = pd.DataFrame(
        {
            "category": [c.category for c in b.cells],
            "bar": [(c.value if b.proportion else c.numerator) for c in b.cells],
            "shown": [
                SUPPRESSED_TEXT
                if c.suppressed
                else fmt.number(c.value if b.proportion else c.numerator, 1 if b.proportion else 0)
                for c in b.cells
            ],
        }
    )
    order = df["category"].tolist()
    y = {"field": "category", "type": "nominal", "sort": order, "title": headers[0]}
    spec = {
        "$schema": SCHEMA,
        "title": title,
        "config": base_config(),
        "background": "white",
        "width": 400,
        "height": {"step": 18},
        "data": {"values": records(df)},
        "layer": [
            {
                "mark": {"type": "bar", "color": PALETTE["blue"]},
                "encoding": {
                    "y": y,
                    "x": {
                        "field": "bar",
                        "type": "quantitative",
                        "title": measure,
                        "axis": {"format": ",.0f" if not b.proportion else ",.1f"},
                    },
                    "tooltip": [
                        {"field": "category", "title": headers[0]},
                        {"field": "shown", "title": measure},
                    ],
                },
            },
            {
                "transform": [{"filter": f"datum.shown == '{SUPPRESSED_TEXT}'"}],
                "mark": {"type": "text", "align": "left", "dx": 3, "color": PALETTE["dark"]},
                "encoding": {
                    "y": y,
                    "x": {"datum": 0, "type": "quantitative"},
                    "text": {"field": "shown"},
                },
            },
        ],
    }
    hidden = b.masked
    desc = f"Søjlediagram: {measure.lower()} for hver {b.label_da} ({len(b.cells)} grupper)."
    if hidden:
        desc += f" {hidden} skjulte celler har ingen søjle og står som „skjult“."
    spec["description"] = desc
    table = pd.DataFrame(
        {
            headers[0]: [c.category for c in b.cells],
            **{h: [b.numbers(c)[i] for c in b.cells] for i, h in enumerate(headers[1:])},
        }
    )
    table[headers[1:]] = table[headers[1:]].astype(float)
    return Chart(spec, table, title, desc)
