"""Every initiative of the goal catalogue against every indicator its goal follows: the table
that ``naersund effects``, the page "Virker indsatserne?" and the packs show, from one function.

The start years come from a status round: a municipality that answered
``status.<initiative>`` "under implementering" or "implementeret" started in the year it gave for
``startaar.<initiative>``; one that answered "ikke påbegyndt" or "planlagt" has not started; a
municipality without those answers (not asked, not submitted, or started without a year) is not
used. The indicator values are the municipality rows of a results table (the unsuppressed
results at publish time: an estimate is an aggregate over at least
:data:`~naersund.analysis.effects.MIN_GROUP` municipalities in each group).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from naersund.analysis.effects import INTERVAL_DA, Effect, describe, estimate_effect
from naersund.atomic import atomic_path
from naersund.catalogue.model import Catalogue, Initiative
from naersund.errors import InputError

log = logging.getLogger(__name__)
STARTED = ("under_implementering", "implementeret")
NOT_STARTED = ("ikke_paabegyndt", "planlagt")
EFFECT_COLUMNS = [
    "initiative",
    "indicator",
    "estimate",
    "lower_ci",
    "upper_ci",
    "relative_estimate",
    "relative_lower_ci",
    "relative_upper_ci",
    "n_started",
    "n_not_started",
    "n_left_out",
    "n_incomplete",
    "pretrend_p",
    "first_year",
    "last_year",
    "note",
    "sentence",
]


def start_years(answers: Mapping[int, Mapping[str, Any]], initiative: str) -> dict[int, int | None]:
    """Municipality -> the year it started ``initiative``, or None if it has not started."""
    out: dict[int, int | None] = {}
    for kommunekode, given in answers.items():
        status = given.get(f"status.{initiative}")
        year = given.get(f"startaar.{initiative}")
        if status in NOT_STARTED:
            out[int(kommunekode)] = None
        elif status in STARTED and isinstance(year, int) and not isinstance(year, bool):
            out[int(kommunekode)] = year
    return out


def linked_pairs(catalogue: Catalogue) -> list[tuple[Initiative, str]]:
    """(initiative, indicator id) for every initiative and every indicator of its goal, in the
    catalogue's order, each pair once."""
    seen: set[tuple[str, str]] = set()
    pairs: list[tuple[Initiative, str]] = []
    for kkr in catalogue.kkr:
        for goal in kkr.goals:
            for initiative in goal.initiatives:
                for indicator in goal.indicators:
                    if (initiative.id, indicator) not in seen:
                        seen.add((initiative.id, indicator))
                        pairs.append((initiative, indicator))
    return pairs


def _phrase(initiative: Initiative) -> str:
    return initiative.short_da or f"«{initiative.title_da}»"


@dataclass(frozen=True)
class Estimated:
    """One initiative x indicator: the initiative, the indicator's id and Danish name, the
    effect and its Danish sentence."""

    initiative: Initiative
    indicator: str
    indicator_name: str
    effect: Effect

    @property
    def sentence(self) -> str:
        return describe(self.effect, _phrase(self.initiative), self.indicator_name)


def estimate_all(
    results: pd.DataFrame,
    answers: Mapping[int, Mapping[str, Any]],
    catalogue: Catalogue,
    indicators: Mapping[str, tuple[str, float]],
    progress: Callable[[str, float], None] | None = None,
) -> list[Estimated]:
    """Every initiative x linked indicator, estimated.

    ``results`` are result rows (``indicator, level, area_code, year, numerator,
    denominator``); ``answers`` a round's submitted answers by municipality;
    ``indicators`` maps each indicator id to (its Danish name in lower case, its multiplier).
    Indicators not in ``indicators`` or without municipality rows get a note, not a number.
    """
    municipal = results[results["level"] == "kommune"].rename(columns={"area_code": "kommunekode"})
    out: list[Estimated] = []
    pairs = linked_pairs(catalogue)
    for i, (initiative, indicator) in enumerate(pairs):
        if progress is not None:
            progress(f"Beregner effekter: {i + 1} af {len(pairs)}", i / max(len(pairs), 1))
        values = municipal[municipal["indicator"] == indicator]
        if indicator not in indicators or values.empty:
            effect = Effect(note="Indikatoren er ikke i udgivelsen.")
            name = indicator
        else:
            name, multiplier = indicators[indicator]
            effect = _estimate_or_note(
                values, start_years(answers, initiative.id), multiplier, (initiative.id, indicator)
            )
        out.append(Estimated(initiative, indicator, name, effect))
    if progress is not None:
        progress(f"Beregner effekter: {len(pairs)} af {len(pairs)}", 1.0)
    return out


def _estimate_or_note(
    values: pd.DataFrame,
    starts: Mapping[int, int | None],
    multiplier: float,
    pair: tuple[str, str],
) -> Effect:
    """The estimate, or a note when the estimator fails on these data: one pair the library
    cannot handle (a singular design, a degenerate bootstrap) must not stop a release's
    other estimates, nor its publication; the failure goes to the log."""
    try:
        return estimate_effect(values, starts, multiplier=multiplier)
    except Exception:
        log.exception("effect estimate failed for %s x %s", *pair)
        return Effect(note="Estimatoren kunne ikke give et tal for disse data.")


def effects_table(estimated: list[Estimated]) -> pd.DataFrame:
    """One row per initiative x linked indicator (columns :data:`EFFECT_COLUMNS`): what the
    command line writes, the page lists and the API answers."""
    return pd.DataFrame([_row(e) for e in estimated], columns=EFFECT_COLUMNS)


def _row(est: Estimated) -> dict[str, Any]:
    e = est.effect
    first, last = e.years if e.years is not None else (None, None)
    return {
        "initiative": est.initiative.id,
        "indicator": est.indicator,
        "estimate": e.estimate,
        "lower_ci": e.lower_ci,
        "upper_ci": e.upper_ci,
        "relative_estimate": e.relative_estimate,
        "relative_lower_ci": e.relative_lower_ci,
        "relative_upper_ci": e.relative_upper_ci,
        "n_started": e.n_started,
        "n_not_started": e.n_not_started,
        "n_left_out": e.n_left_out,
        "n_incomplete": e.n_incomplete,
        "pretrend_p": e.pretrend_p,
        "first_year": first,
        "last_year": last,
        "note": e.note,
        "sentence": est.sentence,
    }


EXPLANATION = [
    ("initiative", "Indsatsens id i målkataloget."),
    ("indicator", "Indikatorens id."),
    ("estimate, lower_ci, upper_ci", "Effekten i indikatorens enhed med 95 %-interval."),
    (
        "relative_estimate, relative_lower_ci, relative_upper_ci",
        "Effekten som andel af det forventede niveau uden indsatsen (fx -0.10 = 10 % færre).",
    ),
    ("n_started, n_not_started", "Kommuner, der startede i perioden, og kommuner, der ikke har."),
    ("n_left_out", "Kommuner, der startede før første år med data (ikke brugt)."),
    (
        "n_incomplete",
        "Kommuner uden tal i alle år, fx fordi et tal er diskretioneret (ikke brugt).",
    ),
    ("pretrend_p", "P-værdi for testen af, at der ingen forskel var før starten."),
    ("note", "Hvorfor der ikke er et skøn, når der ikke er et."),
    (
        "Metode",
        "Callaway & Sant'Anna (2021): kommuner, der startede, sammenlignet med kommuner, der "
        "ikke har startet; rater vægtet med befolkningen. " + INTERVAL_DA,
    ),
    (
        "Forbehold",
        "Kommunerne har selv valgt, hvornår de startede; en forskel kan også skyldes det, der "
        "fik dem til at starte.",
    ),
]


def write_effects(table: pd.DataFrame, path: Path, release: str, round_label: str) -> Path:
    """Write the table as CSV (UTF-8, comma, decimal point) or XLSX (the table and a sheet
    "Forklaring" naming the release, the round and every column), by the file's suffix; all or
    nothing."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InputError(f"{path.name}: filen skal ende på .csv eller .xlsx.")
    with atomic_path(path) as tmp:
        if suffix == ".csv":
            table.to_csv(tmp, index=False, encoding="utf-8")
        else:
            about = [
                ("Udgivelse", release),
                ("Statusrunde (startår)", round_label),
                *EXPLANATION,
            ]
            with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
                table.to_excel(xl, sheet_name="Effekter", index=False)
                pd.DataFrame(about, columns=["Felt", "Forklaring"]).to_excel(
                    xl, sheet_name="Forklaring", index=False
                )
    return path
