"""A second, independent implementation of the indicator definitions in plain pandas.

Written from DOMAIN.md, the YAML definitions and the field semantics in
``naersund.indicators.model`` — deliberately not from the engine — so that the equivalence
tests catch a bug in either one. It favours being obviously right over being fast, but stays
vectorised (groupby/shift/cummax/merge_asof), so it copes with the synthetic data sets.

Semantics implemented here:

* A stay (sygehusophold) joins one person's contacts, sorted by start, while each contact starts
  at most ``merge_gap_hours`` after the latest end so far (overlap is a negative gap). Ties on the
  start are broken by the longest contact first, then acute before planned, then the lowest
  diagnosis code; the first contact of a stay gives its municipality, sex, birth date, acute
  flag, primary diagnosis and specialty. The stay ends at the latest end. Its last contact is
  the one with the latest end (ties: the latest start, then the lowest diagnosis code); the
  stay ends in death when its last contact does.
* An exclusion names the contact(s) it tests: ``first``, ``last`` or ``any`` (at least one
  contact of the stay has a listed diagnosis prefix or specialty). ``exclude_diagnoses`` and
  ``exclude_specialties`` test the first contact.
* Durations are end minus start of the stay; ``min_hours`` is inclusive, ``max_hours``
  exclusive. Age is in whole years at the stay's start (a birthday on the start date counts),
  grouped into 5-year bands by lower bound, capped at 85. Diagnoses match by prefix.
* A readmission proportion counts index stays (the selection, by year of discharge) and those of
  them followed by a follow-up stay of the same person starting more than ``window_hours_gt``
  and at most ``window_hours_le`` hours after the index discharge. Any qualifying stay in the
  window counts, not just the next stay, and a follow-up stay need not itself be an index stay.
* A disease rate (``disease_rate``) counts, per year, the disease cohort on 1 January: persons
  with a contact whose primary diagnosis starts with a cohort prefix and that started in the
  ``lookback_years`` calendar years before the year (not in the year itself), without a contact
  with death at discharge that ended before 1 January, and ``min_age`` or older on 1 January.
  Their municipality, sex and birth date come from their latest contact that started before 1
  January (latest start, then latest end, then the lowest municipality code). The numerator
  counts the selected stays (by year of start) of cohort members of that year, in the member's
  stratum on 1 January; a person outside the cohort is never counted.
* Days ready for discharge are the calendar days from ``ready_date`` (included) to
  ``discharge_date`` (excluded), each counted in the year it falls in.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from naersund.indicators.model import (
    CONTACT_SCOPES,
    Exclusion,
    Followup,
    IndicatorDefinition,
    StayRules,
    StaySelection,
)

KEYS = ["kommunekode", "year", "age_lower", "sex"]
STAY_ATTRIBUTES = [
    "person_id",
    "kommunekode",
    "sex",
    "birth_date",
    "start",
    "acute",
    "primary_diagnosis",
    "specialty",
]


def build_stays(contacts: pd.DataFrame, rules: StayRules) -> pd.DataFrame:
    """One row per stay with its attributes, ``end``, ``died``, ``hours`` and ``age``."""
    c = contacts.copy()
    c["start"] = pd.to_datetime(c["start"])
    c["end"] = pd.to_datetime(c["end"])
    for optional in ("specialty", "died"):
        if optional not in c.columns:
            c[optional] = None
    c["_minus_duration"] = c["start"] - c["end"]  # ascending = longest first
    c["_planned"] = ~c["acute"].astype(bool)  # ascending = acute first
    c["_died"] = c["died"].astype("boolean").fillna(False).astype(bool)
    c = c.sort_values(
        ["person_id", "start", "_minus_duration", "_planned", "primary_diagnosis"],
        kind="mergesort",
    ).reset_index(drop=True)

    latest_end_before = c.groupby("person_id")["end"].cummax().groupby(c["person_id"]).shift()
    gap = c["start"] - latest_end_before
    new_stay = latest_end_before.isna() | (gap > pd.Timedelta(hours=rules.merge_gap_hours))
    stay_no = new_stay.cumsum()

    stays = c.loc[new_stay, STAY_ATTRIBUTES].reset_index(drop=True)
    grouped = c.groupby(stay_no, sort=True)
    stays["end"] = grouped["end"].max().to_numpy()
    last = (
        c.assign(_stay=stay_no)
        .sort_values(
            ["_stay", "end", "start", "primary_diagnosis"],
            ascending=[True, False, False, True],
            kind="mergesort",
        )
        .drop_duplicates("_stay")
    )
    stays["last_diagnosis"] = last["primary_diagnosis"].to_numpy()
    stays["last_specialty"] = last["specialty"].to_numpy()
    stays["died"] = last["_died"].to_numpy()
    stays["diagnoses"] = grouped["primary_diagnosis"].agg(tuple).to_numpy()
    stays["specialties"] = grouped["specialty"].agg(tuple).to_numpy()
    stays["acute"] = stays["acute"].astype(bool)
    stays["duration"] = stays["end"] - stays["start"]

    birth = pd.to_datetime(stays["birth_date"])
    start = stays["start"]
    before_birthday = (start.dt.month * 100 + start.dt.day) < (birth.dt.month * 100 + birth.dt.day)
    stays["age"] = (start.dt.year - birth.dt.year - before_birthday.astype(int)).astype("int64")
    stays["age_lower"] = ((stays["age"] // 5) * 5).clip(upper=85).astype("int64")
    return stays


def _has_prefix(codes: pd.Series, prefixes: Sequence[str]) -> pd.Series:
    if not prefixes:
        return pd.Series(False, index=codes.index)
    return codes.fillna("").astype(str).str.startswith(tuple(prefixes))


def _hits(s: pd.DataFrame, e: Exclusion) -> pd.Series:
    """Which stays an exclusion removes."""
    if e.contact == "any":
        prefixes = tuple(e.diagnoses)
        specialties = {x.lower() for x in e.specialties}
        return pd.Series(
            [
                any(isinstance(x, str) and prefixes and x.startswith(prefixes) for x in codes)
                or any(isinstance(x, str) and x.lower() in specialties for x in specs)
                for codes, specs in zip(s["diagnoses"], s["specialties"], strict=True)
            ],
            index=s.index,
            dtype=bool,
        )
    code, specialty = (
        ("primary_diagnosis", "specialty")
        if e.contact == "first"
        else ("last_diagnosis", "last_specialty")
    )
    wanted = [x.lower() for x in e.specialties]
    return _has_prefix(s[code], e.diagnoses) | _lower(s[specialty]).isin(wanted)


def _lower(texts: pd.Series) -> pd.Series:
    """Specialties compare without regard to case (a missing one matches nothing)."""
    return texts.map(lambda x: x.lower() if isinstance(x, str) else x)


def _common_filter(
    s: pd.DataFrame,
    acute: bool | None,
    min_hours: float | None,
    exclusions: Sequence[Exclusion],
) -> pd.Series:
    keep = pd.Series(True, index=s.index)
    if acute is not None:
        keep &= s["acute"] == acute
    if min_hours is not None:
        keep &= s["duration"] >= pd.Timedelta(hours=min_hours)
    for e in exclusions:
        keep &= ~_hits(s, e)
    return keep


def _exclusions(x: StaySelection | Followup) -> list[Exclusion]:
    return [e for scope in CONTACT_SCOPES for e in x.scoped(scope)]


def select_stays(s: pd.DataFrame, sel: StaySelection) -> pd.Series:
    """Which stays meet a selection (a boolean mask)."""
    keep = _common_filter(s, sel.acute, sel.min_hours, _exclusions(sel))
    if sel.max_hours is not None:
        keep &= s["duration"] < pd.Timedelta(hours=sel.max_hours)
    if sel.min_age is not None:
        keep &= s["age"] >= sel.min_age
    if sel.max_age is not None:
        keep &= s["age"] <= sel.max_age
    prefixes = [code for group in sel.diagnosis_groups.values() for code in group.codes]
    if prefixes:
        keep &= _has_prefix(s["primary_diagnosis"], prefixes)
    if sel.include_specialties:
        keep &= _lower(s["specialty"]).isin([x.lower() for x in sel.include_specialties])
    if sel.exclude_died:
        keep &= ~s["died"]
    return keep


def _year(s: pd.DataFrame, year_of: str) -> pd.Series:
    return s["start" if year_of == "start" else "end"].dt.year.astype("int64")


def _count(s: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    out = s.groupby(KEYS, as_index=False)[columns].sum()
    return out.astype(dict.fromkeys(columns, "int64"))


def stay_rate(stays: pd.DataFrame, d: IndicatorDefinition) -> pd.DataFrame:
    assert d.selection is not None
    s = stays[select_stays(stays, d.selection)]
    s = s.assign(year=_year(s, d.selection.year_of), numerator=1)
    return _count(s, ["numerator"])


def followed_up(index: pd.DataFrame, stays: pd.DataFrame, f: Followup) -> pd.Series:
    """For each index stay: is a follow-up stay starting in (end + gt, end + le] hours?"""
    candidates = stays[_common_filter(stays, f.acute, f.min_hours, _exclusions(f))]
    left = index[["person_id", "end"]].assign(
        _from=index["end"] + pd.Timedelta(hours=f.window_hours_gt), _row=range(len(index))
    )
    right = candidates[["person_id", "start"]].rename(columns={"start": "_next_start"})
    # The earliest candidate strictly after end + gt: if any candidate is in the window, it is.
    hit = pd.merge_asof(
        left.sort_values("_from"),
        right.assign(_key=right["_next_start"]).sort_values("_key"),
        left_on="_from",
        right_on="_key",
        by="person_id",
        direction="forward",
        allow_exact_matches=False,
    )
    hit = hit.sort_values("_row")
    within = hit["_next_start"].notna() & (
        hit["_next_start"] - hit["end"] <= pd.Timedelta(hours=f.window_hours_le)
    )
    return pd.Series(within.to_numpy(), index=index.index)


def readmission_proportion(stays: pd.DataFrame, d: IndicatorDefinition) -> pd.DataFrame:
    assert d.selection is not None and d.followup is not None
    index = stays[select_stays(stays, d.selection)]
    index = index.assign(
        year=_year(index, d.selection.year_of),
        numerator=followed_up(index, stays, d.followup).astype("int64"),
        denominator=1,
    )
    return _count(index, ["numerator", "denominator"])


def disease_cohort(contacts: pd.DataFrame, d: IndicatorDefinition, year: int) -> pd.DataFrame:
    """The cohort of ``d`` on 1 January ``year``: one row per person with its stratum."""
    assert d.cohort is not None
    c = contacts.assign(
        start=pd.to_datetime(contacts["start"]), end=pd.to_datetime(contacts["end"])
    )
    jan1 = pd.Timestamp(year=year, month=1, day=1)
    lookback_from = pd.Timestamp(year=year - d.cohort.lookback_years, month=1, day=1)
    before = c[c["start"] < jan1]
    diagnosed = before[
        (before["start"] >= lookback_from)
        & _has_prefix(before["primary_diagnosis"], d.cohort.diagnoses)
    ]
    died = c["died"].astype("boolean").fillna(False).astype(bool)
    dead = set(c.loc[died & (c["end"] < jan1), "person_id"])
    members = set(diagnosed["person_id"]) - dead
    latest = before[before["person_id"].isin(members)].sort_values(
        ["person_id", "start", "end", "kommunekode"],
        ascending=[True, False, False, True],
        kind="mergesort",
    )
    latest = latest.drop_duplicates("person_id")
    birth = pd.to_datetime(latest["birth_date"])
    born_new_year = (birth.dt.month == 1) & (birth.dt.day == 1)
    age = year - birth.dt.year - (~born_new_year).astype(int)
    out = latest.assign(year=year, age=age.astype("int64"))
    out = out[out["age"] >= d.cohort.min_age]
    out = out.assign(age_lower=((out["age"] // 5) * 5).clip(upper=85).astype("int64"))
    return out[["person_id", "kommunekode", "sex", "year", "age_lower"]]


def disease_rate(
    contacts: pd.DataFrame, stays: pd.DataFrame, d: IndicatorDefinition, years: Sequence[int]
) -> pd.DataFrame:
    """Selected stays of cohort members over cohort members, in the members' strata."""
    assert d.selection is not None
    parts = [disease_cohort(contacts, d, year) for year in years]
    columns = ["person_id", "kommunekode", "sex", "year", "age_lower"]
    cohort = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    s = stays[select_stays(stays, d.selection)]
    s = s.assign(year=_year(s, d.selection.year_of))
    admissions = s.groupby(["person_id", "year"]).size().rename("numerator").reset_index()
    cohort = cohort.merge(admissions, on=["person_id", "year"], how="left")
    cohort = cohort.assign(numerator=cohort["numerator"].fillna(0), denominator=1)
    return _count(cohort, ["numerator", "denominator"])


def days_rate(ready: pd.DataFrame, years: Sequence[int]) -> pd.DataFrame:
    """Days ready for discharge per municipality and year (``age_lower``/``sex`` empty)."""
    r_from = pd.to_datetime(ready["ready_date"])
    r_to = pd.to_datetime(ready["discharge_date"])
    parts = []
    for year in years:
        lo = pd.Timestamp(year=year, month=1, day=1)
        hi = pd.Timestamp(year=year + 1, month=1, day=1)
        days = (r_to.clip(upper=hi) - r_from.clip(lower=lo)).dt.days.clip(lower=0)
        parts.append(
            pd.DataFrame({"kommunekode": ready["kommunekode"], "year": year, "numerator": days})
        )
    if not parts:
        return pd.DataFrame({k: [] for k in (*KEYS, "numerator")})
    all_days = pd.concat(parts, ignore_index=True)
    out = all_days.groupby(["kommunekode", "year"], as_index=False)["numerator"].sum()
    out = out[out["numerator"] > 0].astype(
        {"kommunekode": "int64", "year": "int64", "numerator": "int64"}
    )
    out["age_lower"] = None
    out["sex"] = None
    return out[[*KEYS, "numerator"]].reset_index(drop=True)


def normalise(agg: pd.DataFrame) -> pd.DataFrame:
    """An aggregate in one comparable shape: fixed dtypes, nulls as ``None``/``NA``, sorted."""
    cols = [c for c in (*KEYS, "numerator", "denominator") if c in agg.columns]
    out = agg[cols].copy()
    for c in ("kommunekode", "year", "numerator", "denominator"):
        if c in out.columns:
            out[c] = out[c].astype("int64")
    out["age_lower"] = out["age_lower"].astype("Int64")
    out["sex"] = out["sex"].astype(object).where(out["sex"].notna(), None)
    return out.sort_values(cols, na_position="first", kind="mergesort").reset_index(drop=True)


def as_tuples(agg: pd.DataFrame) -> list[tuple[object, ...]]:
    """An aggregate as sorted plain tuples (``None`` for null keys), for readable assertions."""
    return [
        tuple(None if pd.isna(v) else v for v in row)
        for row in normalise(agg).itertuples(index=False, name=None)
    ]


def aggregates(
    contacts: pd.DataFrame,
    ready: pd.DataFrame | None,
    definitions: Sequence[IndicatorDefinition],
    rules: StayRules,
    years: Sequence[int],
) -> dict[str, pd.DataFrame]:
    """Every indicator's aggregates, keyed by indicator id."""
    stays = build_stays(contacts, rules)
    out: dict[str, pd.DataFrame] = {}
    for d in definitions:
        if d.kind == "stay_rate":
            out[d.id] = stay_rate(stays, d)
        elif d.kind == "readmission_proportion":
            out[d.id] = readmission_proportion(stays, d)
        elif d.kind == "disease_rate":
            out[d.id] = disease_rate(contacts, stays, d, years)
        else:
            empty = pd.DataFrame({k: [] for k in (*KEYS, "numerator")})
            out[d.id] = days_rate(ready, years) if ready is not None else empty
    return out
