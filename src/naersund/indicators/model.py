"""Indicator definitions: the schema of the YAML files in ``definitions/``.

Each file declares one indicator. ``kind`` picks one of the engine's templates and the rest of
the file sets every threshold, code list and window that template uses, so that a user can
change a definition without touching Python.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Kind = Literal["stay_rate", "readmission_proportion", "days_rate", "disease_rate"]
# Which contact(s) of a stay a test looks at: the first (earliest start; ties go to the longest,
# then acute, then the lowest diagnosis code), the last (latest end; ties go to the latest
# start, then the lowest diagnosis code) or any of them.
ContactScope = Literal["first", "last", "any"]
CONTACT_SCOPES: tuple[ContactScope, ...] = ("first", "last", "any")
StdBy = Literal["age_group", "sex"]
STD_BY: tuple[StdBy, ...] = ("age_group", "sex")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_codes(codes: list[str]) -> list[str]:
    for code in codes:
        if not code or not code.isalnum() or not code.startswith("D") or code != code.upper():
            raise ValueError(
                f"'{code}' is not an SKS diagnosis prefix (capital D followed by letters/digits)"
            )
    return codes


class DiagnosisGroup(_Strict):
    label_da: str
    codes: list[str] = Field(min_length=1)

    _codes = field_validator("codes")(_check_codes)


class Exclusion(_Strict):
    """A stay is left out when the contact(s) named by ``contact`` have a diagnosis starting
    with one of ``diagnoses`` or one of ``specialties`` (``any``: at least one contact)."""

    contact: ContactScope
    diagnoses: list[str] = Field(default_factory=list)
    specialties: list[str] = Field(default_factory=list)

    _codes = field_validator("diagnoses")(_check_codes)

    @model_validator(mode="after")
    def _something(self) -> Exclusion:
        if not self.diagnoses and not self.specialties:
            raise ValueError("an exclusion needs 'diagnoses' or 'specialties'")
        return self


class _Excluding(_Strict):
    """The exclusions of a selection or follow-up. ``exclude_diagnoses`` and
    ``exclude_specialties`` test the first contact; ``exclusions`` name their contact(s)."""

    exclude_diagnoses: list[str] = Field(default_factory=list)
    exclude_specialties: list[str] = Field(default_factory=list)
    exclusions: list[Exclusion] = Field(default_factory=list)

    _codes = field_validator("exclude_diagnoses")(_check_codes)

    def scoped(self, scope: ContactScope) -> list[Exclusion]:
        """Every exclusion on the contact(s) ``scope``, the plain lists as ``first``."""
        out = [e for e in self.exclusions if e.contact == scope]
        if scope == "first" and (self.exclude_diagnoses or self.exclude_specialties):
            plain = Exclusion(
                contact="first",
                diagnoses=list(self.exclude_diagnoses),
                specialties=list(self.exclude_specialties),
            )
            out.insert(0, plain)
        return out


class Population(_Strict):
    """Who the denominator counts (population 1 January of the year)."""

    min_age: int | None = Field(default=None, ge=0, le=120)
    max_age: int | None = Field(default=None, ge=0, le=120)


class StaySelection(_Excluding):
    """Which hospital stays count. Durations in hours; ``min_hours`` inclusive, ``max_hours``
    exclusive; ages in whole years at the stay's start; diagnoses match by prefix. Acute flag,
    diagnosis groups and ``include_specialties`` test the stay's first contact;
    ``exclude_died`` the last one (LPR has death at discharge on the discharging contact)."""

    acute: bool | None = None
    min_hours: float | None = Field(default=None, ge=0)
    max_hours: float | None = Field(default=None, gt=0)
    min_age: int | None = Field(default=None, ge=0, le=120)
    max_age: int | None = Field(default=None, ge=0, le=120)
    year_of: Literal["start", "end"] = "start"
    diagnosis_groups: dict[str, DiagnosisGroup] = Field(default_factory=dict)
    include_specialties: list[str] = Field(default_factory=list)
    exclude_died: bool = False

    @model_validator(mode="after")
    def _ranges(self) -> StaySelection:
        if (
            self.min_hours is not None
            and self.max_hours is not None
            and self.min_hours >= self.max_hours
        ):
            raise ValueError("min_hours must be less than max_hours")
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise ValueError("min_age must not exceed max_age")
        return self


class Cohort(_Strict):
    """The disease cohort a ``disease_rate`` counts: on 1 January of a year, the persons with a
    contact whose primary diagnosis starts with one of ``diagnoses`` that started in the
    ``lookback_years`` whole calendar years before (the year itself does not count), who have
    no contact ending in death before 1 January, and who are ``min_age`` or older on 1
    January. Municipality, sex and birth date (hence age band) come from the person's latest
    contact before 1 January (latest start, then latest end, then the lowest municipality
    code). Only years with the whole look-back in the data get a value."""

    label_da: str
    diagnoses: list[str] = Field(min_length=1)
    lookback_years: int = Field(default=5, ge=1, le=20)
    min_age: int = Field(default=18, ge=0, le=120)

    _codes = field_validator("diagnoses")(_check_codes)


class Followup(_Excluding):
    """The event that makes an index stay count in the numerator (e.g. a readmission). The
    acute flag tests the follow-up stay's first contact."""

    acute: bool | None = True
    min_hours: float | None = Field(default=None, ge=0)
    window_hours_gt: float = Field(default=0, ge=0)
    window_hours_le: float = Field(gt=0)


class Standardisation(_Strict):
    """Direct standardisation by age and sex to Denmark's population of ``reference_year``
    (``standard: population``) or, for a disease rate, to Denmark's disease cohort of the same
    year (``standard: cohort``: a cohort's age mix is far from the population's).
    ``age_bands`` are the lower bounds of coarser bands (default: the 5-year bands)."""

    by: list[StdBy] = Field(default_factory=lambda: list(STD_BY))
    standard: Literal["population", "cohort"] = "population"
    reference_year: int = 2013
    age_bands: list[int] | None = None

    @field_validator("age_bands")
    @classmethod
    def _bands(cls, v: list[int] | None) -> list[int] | None:
        if v is not None and (v != sorted(set(v)) or any(b % 5 for b in v)):
            raise ValueError("age_bands must be increasing multiples of 5")
        return v


# Where a definition stands against the national one: in force ("gældende"), being redefined
# by the national authority ("under omdefinering", as eSundhed marks some indicators), or a
# deliberate local choice that differs from it ("lokal variant"). Shown beside every value.
DefinitionStatus = Literal["gældende", "under omdefinering", "lokal variant"]


class VersionNote(_Strict):
    """What changed in one version of a definition (shown in the docs and on its page)."""

    version: int = Field(ge=1)
    note_da: str


class IndicatorDefinition(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    version: int = Field(ge=1)
    name_da: str
    name_en: str
    goal: str
    kind: Kind
    unit_da: str
    multiplier: float = Field(gt=0)
    direction: Literal["lower_is_better", "higher_is_better"]
    description_da: str
    population: Population = Field(default_factory=Population)
    selection: StaySelection | None = None
    followup: Followup | None = None
    cohort: Cohort | None = None
    standardisation: Standardisation | None = None
    ci_method: Literal["byar", "wilson"]
    codes_verified: bool = False
    status: DefinitionStatus = "gældende"
    # Computed and published unless a deployment names its indicators (NAERSUND_INDICATORS or
    # --indicator); a variant such as the all-ages readmissions is off by default.
    by_default: bool = True
    history: list[VersionNote] = Field(default_factory=list)
    source: str

    @model_validator(mode="after")
    def _kind_needs(self) -> IndicatorDefinition:
        if self.kind in ("stay_rate", "readmission_proportion") and self.selection is None:
            raise ValueError(f"kind {self.kind} needs a 'selection'")
        if self.kind == "readmission_proportion" and self.followup is None:
            raise ValueError("kind readmission_proportion needs a 'followup'")
        if self.kind != "readmission_proportion" and self.followup is not None:
            raise ValueError("'followup' is only used by kind readmission_proportion")
        if self.kind == "days_rate" and self.selection is not None:
            raise ValueError("kind days_rate takes no 'selection'")
        if (self.kind == "disease_rate") != (self.cohort is not None):
            raise ValueError("kind disease_rate needs a 'cohort', and only it takes one")
        if self.kind == "disease_rate" and self.selection is None:
            raise ValueError("kind disease_rate needs a 'selection' (the admissions it counts)")
        if (
            self.standardisation is not None
            and self.standardisation.standard == "cohort"
            and self.kind != "disease_rate"
        ):
            raise ValueError("standardisation.standard 'cohort' needs kind disease_rate")
        if self.kind == "disease_rate" and self.ci_method != "byar":
            raise ValueError("a disease rate needs ci_method 'byar'")
        if self.kind == "readmission_proportion" and self.ci_method != "wilson":
            raise ValueError("a proportion needs ci_method 'wilson'")
        versions = [h.version for h in self.history]
        if versions and (versions != sorted(set(versions)) or versions[-1] != self.version):
            raise ValueError("history must list increasing versions ending with 'version'")
        return self

    @property
    def is_proportion(self) -> bool:
        """The denominator is a count of registry events (protected), not a population."""
        return self.kind == "readmission_proportion"

    @property
    def counted_denominator(self) -> bool:
        """The denominator is counted from the registry (index stays, a disease cohort) and is
        protected by suppression like a numerator; not a published population."""
        return self.kind in ("readmission_proportion", "disease_rate")

    @property
    def lowest_age(self) -> int | None:
        """The youngest age the denominator counts (the cohort's or the population's)."""
        return self.cohort.min_age if self.cohort is not None else self.population.min_age

    @property
    def diagnosis_prefixes(self) -> list[str]:
        groups = self.selection.diagnosis_groups if self.selection else {}
        return [c for g in groups.values() for c in g.codes]


class StayRules(_Strict):
    """How contacts join into stays (sygehusophold)."""

    merge_gap_hours: float = Field(default=4, ge=0)
