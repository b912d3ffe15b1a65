"""What the Kommuneprofil shows beside the library's profile rows: the count of each
indicator's initiatives by the municipality's status (or only how many there are, where its
answers are not to be shown), and the rows of its spine chart. Plain values; the view
(:func:`naersund.web.dashboard.views.kommune`) only puts them in its context."""

from __future__ import annotations

import pandas as pd

from naersund.analysis.profiles import ProfileRow


def status_summary(labels: list[str]) -> str:
    """``"7 indsatser: 2 implementeret, 5 ikke besvaret"``."""
    if not labels:
        return ""
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    parts = ", ".join(f"{n} {label.lower()}" for label, n in counts.items())
    noun = "indsats" if len(labels) == 1 else "indsatser"
    return f"{len(labels)} {noun}: {parts}"


def count_only(n: int) -> str:
    """``"7 indsatser"``: the summary without the municipality's answers."""
    if not n:
        return ""
    return f"{n} {'indsats' if n == 1 else 'indsatser'}"


def spine_frame(rows: list[ProfileRow]) -> pd.DataFrame:
    """The spine chart's rows (:func:`naersund.charts.spine_chart`): one per indicator."""
    return pd.DataFrame(
        [
            {
                "indicator": r.info.name_da,
                "unit": r.info.unit_da,
                "comparison": r.comparison,
                **r.spine,
            }
            for r in rows
        ]
    )
