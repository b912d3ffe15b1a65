"""Disease rates (``kind: disease_rate``): admissions of the persons in a disease cohort per
1,000 of them, the cohort found in the registry itself.

A person is in a definition's cohort on 1 January of a year when a contact whose primary
diagnosis starts with one of ``cohort.diagnoses`` started in the ``cohort.lookback_years``
calendar years before (the year itself does not count: the cohort is fixed on 1 January), no
contact of theirs with death at discharge ended before 1 January, and they are
``cohort.min_age`` or older on 1 January. Their municipality, sex and birth date are those of
their latest contact that started before 1 January (latest start, then latest end, then the
lowest municipality code, then F before M, then the earliest birth date, so that the result
never depends on row order). The numerator counts the stays the definition's ``selection``
picks (by the year of ``year_of``) of persons in that year's cohort, in the stratum of the
person on 1 January, so numerator and denominator always share their strata. A person outside
the cohort (a diagnosis first made in the year, say) is not counted.

Stays are built from the contacts of the persons with a cohort diagnosis only (a person's stays
depend on their own contacts alone), so the disease rates cost a fraction of the stay pass.
Like the other expressions, this returns aggregates only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import ibis
import ibis.expr.types as ir

from naersund.engine import expressions as ex
from naersund.engine.contact_tests import prefix_match
from naersund.engine.stays import build_stays
from naersund.indicators.model import IndicatorDefinition, StayRules

# Sex as a small integer in the tie key of the latest contact: F before M, as text sorts.
_SEX_ORDER = {"F": 1, "M": 2}


def disease_definitions(definitions: Sequence[IndicatorDefinition]) -> list[IndicatorDefinition]:
    return [d for d in definitions if d.cohort is not None]


def max_lookback(definitions: Sequence[IndicatorDefinition]) -> int:
    """The longest look-back (years) of the disease definitions, 0 without any."""
    return max((d.cohort.lookback_years for d in definitions if d.cohort is not None), default=0)


def full_lookback_years(d: IndicatorDefinition, years: Sequence[int], first_year: int) -> list[int]:
    """The years of ``years`` whose whole look-back lies in data that start in ``first_year``."""
    assert d.cohort is not None
    return [y for y in years if y - d.cohort.lookback_years >= first_year]


def _person(t: ir.Table) -> str:
    return "person_key" if "person_key" in t.columns else "person_id"


def _cohort_prefixes(definitions: Sequence[IndicatorDefinition]) -> list[str]:
    return sorted({p for d in definitions if d.cohort is not None for p in d.cohort.diagnoses})


def _diagnosed(
    contacts: ir.Table, definitions: Sequence[IndicatorDefinition], years: Sequence[int]
) -> ir.Table:
    """The persons (``dx_person``) with a cohort diagnosis on a contact that started in a
    look-back of ``years``."""
    pk = _person(contacts)
    lo = min(years) - max_lookback(definitions)
    hi = max(years) - 1
    cy = contacts.start.year()
    hit = (
        (cy >= lo)
        & (cy <= hi)
        & prefix_match(contacts.primary_diagnosis, _cohort_prefixes(definitions))
    )
    return contacts.filter(hit).select(dx_person=contacts[pk]).distinct()


def cohorts(
    contacts: ir.Table,
    definitions: Sequence[IndicatorDefinition],
    years: Sequence[int],
    diagnosed: ir.Table | None = None,
) -> ir.Table:
    """One row per person and year with a cohort diagnosis in the look-back: the person's
    ``kommunekode``, ``sex``, ``age`` on 1 January and ``age_lower``, and per definition
    ``in__<id>``: whether the person is in its cohort that year (age and death applied).
    ``diagnosed`` is :func:`_diagnosed` when the caller has it already."""
    defs = disease_definitions(definitions)
    pk = _person(contacts)
    lookback = max_lookback(defs)
    lo, hi = min(years) - lookback, max(years) - 1
    c = contacts.mutate(cy=contacts.start.year().cast("int32"))
    c = c.filter((c.cy >= lo) & (c.cy <= hi))
    if diagnosed is None:
        diagnosed = _diagnosed(contacts, defs, years)
    c = c.semi_join(diagnosed, c[pk] == diagnosed.dx_person)
    # Per person and calendar year: the latest contact's attributes, and per definition
    # whether a cohort diagnosis was made. The key holds every attribute taken, so ties
    # between identical keys give identical values.
    sex_n = ibis.cases(*((c.sex == k, v) for k, v in _SEX_ORDER.items()), else_=0)
    latest = ibis.struct(
        {
            "start": c.start.epoch_seconds().cast("int64"),
            "end": c.end.epoch_seconds().cast("int64"),
            "kommune": -c.kommunekode.cast("int64"),
            "sex": -sex_n.cast("int64"),
            "birth": -c.birth_date.epoch_days().cast("int64"),
        }
    )
    py = c.group_by([pk, "cy"]).agg(
        kommunekode=c.kommunekode.argmax(latest),
        sex=c.sex.argmax(latest),
        birth_date=c.birth_date.argmax(latest),
        **{
            f"dx__{d.id}": prefix_match(c.primary_diagnosis, d.cohort.diagnoses).any()
            for d in defs
            if d.cohort is not None
        },
    )
    epoch = dt.date(1970, 1, 1)
    y = ibis.memtable(
        {
            "year": list(years),
            "jan1_s": [(dt.date(yr, 1, 1) - epoch).days * 86_400 for yr in years],
        },
        schema={"year": "int32", "jan1_s": "int64"},
    )
    j = py.cross_join(y)
    j = j.filter((j.cy < j.year) & (j.cy >= j.year - lookback))
    m = j.group_by([pk, "year", "jan1_s"]).agg(
        kommunekode=j.kommunekode.argmax(j.cy),
        sex=j.sex.argmax(j.cy),
        birth_date=j.birth_date.argmax(j.cy),
        **{
            f"dx__{d.id}": (j[f"dx__{d.id}"] & (j.cy >= j.year - d.cohort.lookback_years)).any()
            for d in defs
            if d.cohort is not None
        },
    )
    # Death at discharge: the earliest end of a contact with death, per person.
    dead = contacts.filter(contacts.died.fill_null(False))
    dead = dead.group_by(dead[pk].name("dead_person")).agg(
        death_s=dead.end.epoch_seconds().cast("int64").min()
    )
    m = m.left_join(dead, m[pk] == dead.dead_person)
    alive = m.death_s.isnull() | (m.death_s >= m.jan1_s)
    # Age on 1 January: a year less than the difference of the years unless born on 1 January.
    born_new_year = (m.birth_date.month() == 1) & (m.birth_date.day() == 1)
    age = m.year - m.birth_date.year() - ibis.ifelse(born_new_year, 0, 1)
    m = m.mutate(age=age.cast("int32"))
    band = (m.age // ex.AGE_BAND_WIDTH) * ex.AGE_BAND_WIDTH
    return m.select(
        pk,
        "year",
        "kommunekode",
        "sex",
        "age",
        age_lower=ibis.least(band, ex.TOP_BAND).cast("int32"),
        **{
            f"in__{d.id}": m[f"dx__{d.id}"] & alive & (m.age >= d.cohort.min_age)
            for d in defs
            if d.cohort is not None
        },
    )


def disease_aggregates(
    contacts: ir.Table,
    rules: StayRules,
    definitions: Sequence[IndicatorDefinition],
    years: Sequence[int],
) -> ir.Table:
    """Every disease rate of ``definitions`` for ``years``, as one query.

    Grouped by ``kommunekode, year, age_lower, sex`` with ``n__<id>`` (selected stays of
    cohort members) and ``d__<id>`` (cohort members) per definition; split per indicator with
    :func:`narrow`. ``contacts`` must reach ``max_lookback`` years before the first year.
    """
    defs = disease_definitions(definitions)
    if not defs or not years:
        raise ValueError("disease_aggregates needs disease definitions and years")
    pk = _person(contacts)
    # The numerator's stays, from the contacts of persons with a cohort diagnosis only.
    diagnosed = _diagnosed(contacts, defs, years)
    members = cohorts(contacts, defs, years, diagnosed)
    stays = build_stays(
        contacts.semi_join(diagnosed, contacts[pk] == diagnosed.dx_person), rules, defs
    )
    # Per definition its selected stays with the year they count in, one row each.
    per_year = []
    for d in defs:
        assert d.selection is not None
        s = stays.filter(ex.selected(stays, d))
        when = s.start if d.selection.year_of == "start" else s.end
        per_year.append(
            s.select(
                s_person=s[pk],
                s_year=when.year().cast("int32"),
                **{f"a__{x.id}": ibis.literal(int(x.id == d.id), "int64") for x in defs},
            )
        )
    admitted = ibis.union(*per_year, distinct=False)
    counts = admitted.group_by(["s_person", "s_year"]).agg(
        **{f"a__{d.id}": admitted[f"a__{d.id}"].sum() for d in defs}
    )
    j = members.left_join(counts, [members[pk] == counts.s_person, members.year == counts.s_year])
    return j.group_by(list(ex.AGG_KEYS)).agg(
        **{
            k: v
            for d in defs
            for k, v in (
                (f"d__{d.id}", j[f"in__{d.id}"].cast("int64").sum()),
                (
                    f"n__{d.id}",
                    ibis.ifelse(j[f"in__{d.id}"], j[f"a__{d.id}"].fill_null(0), 0)
                    .cast("int64")
                    .sum(),
                ),
            )
        }
    )


def narrow(wide: Any, d: IndicatorDefinition) -> Any:
    """One disease rate's aggregate (``AGG_KEYS``, numerator, denominator) from the executed
    wide one (a pandas DataFrame); strata without cohort members are left out."""
    df = wide.rename(columns={f"n__{d.id}": "numerator", f"d__{d.id}": "denominator"})
    df = df[df["denominator"] > 0]
    return df[[*ex.AGG_KEYS, "numerator", "denominator"]].reset_index(drop=True)
