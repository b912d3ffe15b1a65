"""Goal catalogue: the schema of ``data/catalogue.yaml``.

The catalogue holds what the municipalities have committed to: the four national goals (ØA 2014),
KL's focus areas and, per KKR, its political goals with skal-/kan-initiatives, the baseline
figures the KKR's paper states ("Udgangspunkt for indfrielse af mål") and targets that tie a goal
to an indicator. Danish text (``*_da``) is shown to users as it is; ids are ASCII slugs
that must never change once published, because survey answers and reports refer to them.

Field-level rules live on the models; rules that look across the whole catalogue (unique ids,
references to national goals, focus areas and indicators) are in :func:`reference_problems`, so
that the loader can name the line of each offending field.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from naersund.refdata import scopes

Kind = Literal["skal", "kan"]
# The fixed status scale of the survey's question per initiative, lowest first. Baselines that
# the survey measures name the statuses they count in these codes.
STATUSES = ("ikke_paabegyndt", "planlagt", "under_implementering", "implementeret")
Loc = tuple[str | int, ...]

ID = r"^[a-z0-9_]+$"
QID = r"^[a-z]+\.[a-z0-9_-]+$"  # a survey question's id, e.g. status.<initiative id>
SKIP_REFERENCES = "skip_references"  # validation context key: the loader checks them itself


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NationalGoal(_Strict):
    """One of the four goals for the patient-oriented prevention effort (ØA 2014)."""

    id: str = Field(pattern=ID)
    title_da: str
    description_da: str | None = None
    indicators: list[str] = Field(default_factory=list)
    source: str


class FocusArea(_Strict):
    """An area KL's follow-up process asks every municipality to move on."""

    id: str = Field(pattern=ID)
    title_da: str
    source: str


class Initiative(_Strict):
    """A skal-initiative (every municipality) or kan-initiative (volunteers, often as pilots).

    ``kind`` is empty where the document lists an initiative without saying skal or kan.
    ``short_da`` is the initiative as a short noun phrase for sentences such as "68 pct. af
    kommunerne har indført opfølgende hjemmebesøg" (without it the title is quoted).
    """

    id: str = Field(pattern=ID)
    kind: Kind | None = None
    title_da: str
    short_da: str | None = None
    description_da: str | None = None
    deadline_year: int | None = Field(default=None, ge=2000, le=2100)
    deadline_da: str | None = None
    pilot: bool = False
    cross_municipal: bool = False

    @model_validator(mode="after")
    def _pilot_is_kan(self) -> Initiative:
        if self.pilot and self.kind != "kan":
            raise ValueError("only a kan-initiative can be meant for pilots")
        return self


class Baseline(_Strict):
    """A figure the paper states as the starting point, e.g. 68 pct. of the municipalities.

    ``survey_question`` (optional) says how a status round measures the same thing, so the
    results can show the baseline beside today's figure: the question's id, stable across
    rounds (``status.<initiative id>`` or a free question's ``fri.<name>``, see
    :mod:`naersund.survey.questions`), ``survey_answers`` the answers that count (statuses of
    :data:`STATUSES`, choices of the free question, ``ja``/``nej`` for a yes/no question; a
    municipality counts when its answer, or one of its choices, is among them),
    ``survey_region`` a KKR when the paper's figure is that KKR's only ("25 ud af 29
    kommuner").
    """

    id: str = Field(pattern=ID)
    text_da: str
    unit: Literal["pct", "antal"]
    value: float = Field(ge=0)
    value_max: float | None = Field(default=None, ge=0)
    of: int | None = Field(default=None, ge=1)
    year: int = Field(ge=2000, le=2100)
    source: str
    survey_question: str | None = Field(default=None, pattern=QID)
    survey_answers: list[str] = Field(default_factory=list)
    survey_region: int | None = None

    @model_validator(mode="after")
    def _range(self) -> Baseline:
        if self.unit == "pct" and max(self.value, self.value_max or 0) > 100:
            raise ValueError("a share in pct cannot exceed 100")
        if (self.survey_question is None) != (not self.survey_answers):
            raise ValueError("survey_question and survey_answers go together")
        if self.survey_region is not None and self.survey_question is None:
            raise ValueError("survey_region needs a survey_question")
        if self.survey_region is not None and not scopes.is_scope(self.survey_region):
            raise ValueError(
                f"ukendt områdekode {self.survey_region} (KKR 1081-1085, sundhedsråd 2701-2717, "
                "region fra 2027 1081-1083 og 1086)"
            )
        if self.value_max is not None and self.value_max <= self.value:
            raise ValueError("value_max must be greater than value")
        if self.of is not None and self.unit != "antal":
            raise ValueError("'of' is only used with unit 'antal'")
        return self


class Target(_Strict):
    """Where an indicator should be by ``target_year``: a value, or a change relative to the
    value of ``baseline_year`` (in pct., negative = fewer), for the KKR or one municipality."""

    indicator: str
    baseline_year: int = Field(ge=2000, le=2100)
    target_year: int = Field(ge=2000, le=2100)
    target_value: float | None = None
    relative_change_pct: float | None = Field(default=None, ge=-100)
    scope: Literal["kkr", "kommune"] = "kkr"
    kommunekode: int | None = None
    source: str

    @model_validator(mode="after")
    def _consistent(self) -> Target:
        if self.target_year <= self.baseline_year:
            raise ValueError(
                f"target_year ({self.target_year}) must be after baseline_year "
                f"({self.baseline_year})"
            )
        if (self.target_value is None) == (self.relative_change_pct is None):
            raise ValueError("give exactly one of target_value and relative_change_pct")
        if (self.scope == "kommune") != (self.kommunekode is not None):
            raise ValueError("kommunekode is needed for scope 'kommune' and only there")
        return self

    def value_for(self, baseline_value: float) -> float:
        """The target as a value, given the indicator's value in the baseline year."""
        if self.target_value is not None:
            return self.target_value
        assert self.relative_change_pct is not None  # one of the two, by validation
        return baseline_value * (1 + self.relative_change_pct / 100)


class Goal(_Strict):
    """A KKR's political goal (or goal area) with its initiatives, baselines and targets."""

    id: str = Field(pattern=ID)
    number: int | None = Field(default=None, ge=1)
    title_da: str
    description_da: str | None = None
    focus_areas: list[str] = Field(default_factory=list)
    national_goals: list[str] = Field(default_factory=list)
    indicators: list[str] = Field(default_factory=list)
    initiatives: list[Initiative] = Field(default_factory=list)
    baselines: list[Baseline] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)

    def initiatives_of(self, kind: Kind) -> list[Initiative]:
        return [i for i in self.initiatives if i.kind == kind]


class ActionPlan(_Strict):
    """A national plan a KKR works within, e.g. the one for the elderly medical patient.
    ``initiatives_total`` is the plan's own count; ``initiatives`` only those the text names."""

    id: str = Field(pattern=ID)
    title_da: str
    description_da: str | None = None
    purposes_da: list[str] = Field(default_factory=list)
    initiatives_total: int | None = Field(default=None, ge=1)
    initiatives: list[Initiative] = Field(default_factory=list)
    national_goals: list[str] = Field(default_factory=list)
    source: str

    @model_validator(mode="after")
    def _count(self) -> ActionPlan:
        if self.initiatives_total is not None and len(self.initiatives) > self.initiatives_total:
            raise ValueError(
                f"names {len(self.initiatives)} initiatives but initiatives_total is "
                f"{self.initiatives_total}"
            )
        return self


class Kkr(_Strict):
    """One area and the goals it has adopted: a KKR (= region, by its DAGI code 1081-1085, the
    default ``level``), or any other area of a scope level (:mod:`naersund.refdata.scopes`),
    e.g. a sundhedsråd's goals in its sundhedsplan (``level: sundhedsraad``, ``region_code``
    2701-2717). A status round asks an area's initiatives of that area's municipalities."""

    level: str = scopes.DEFAULT_LEVEL
    region_code: int
    name_da: str
    source: str | None = None
    vision_da: str | None = None
    aims_da: list[str] = Field(default_factory=list)
    national_goals: list[str] = Field(default_factory=list)
    goals: list[Goal] = Field(default_factory=list)
    action_plans: list[ActionPlan] = Field(default_factory=list)
    # "Der udvælges 3-6 centrale indikatorer til opfølgning": the KKR's choice, in its order
    # (indicator ids); the political pack leads with them. Empty until the KKR has chosen.
    central_indicators: list[str] = Field(default_factory=list)

    @field_validator("central_indicators")
    @classmethod
    def _central(cls, v: list[str]) -> list[str]:
        if v and not 3 <= len(v) <= 6:
            raise ValueError(f"choose 3-6 central indicators, not {len(v)}")
        if len(set(v)) != len(v):
            raise ValueError("a central indicator is chosen twice")
        return v

    @field_validator("level")
    @classmethod
    def _level(cls, v: str) -> str:
        scopes.get_level(v)  # a ScopeError (a ValueError) names the known levels
        return v

    @field_validator("region_code")
    @classmethod
    def _region(cls, v: int, info: ValidationInfo) -> int:
        level = info.data.get("level")
        if level is not None:  # None: the level itself was refused
            scopes.get(level, v)
        return v

    @property
    def members(self) -> frozenset[int]:
        """The kommunekoder of the area."""
        return frozenset(scopes.get(self.level, self.region_code).members)

    @property
    def initiatives(self) -> list[Initiative]:
        """Every initiative of the KKR's goals (not those of its action plans)."""
        return [i for g in self.goals for i in g.initiatives]


class Catalogue(_Strict):
    version: str = Field(pattern=r"^\d+(\.\d+)*$")
    title_da: str
    national_goals: list[NationalGoal]
    focus_areas: list[FocusArea] = Field(default_factory=list)
    kkr: list[Kkr]

    @model_validator(mode="after")
    def _references(self, info: ValidationInfo) -> Catalogue:
        if info.context and info.context.get(SKIP_REFERENCES):
            return self
        problems = reference_problems(self)
        if problems:
            raise ValueError("; ".join(f"{_field(loc)}: {msg}" for loc, msg in problems))
        return self

    def kkr_by_code(self, region_code: int) -> Kkr:
        for k in self.kkr:
            if k.region_code == region_code:
                return k
        raise KeyError(region_code)


def _field(loc: Loc) -> str:
    return ".".join(str(p) for p in loc)


def _ids(cat: Catalogue) -> Iterator[tuple[Loc, str]]:
    for i, n in enumerate(cat.national_goals):
        yield ("national_goals", i, "id"), n.id
    for i, f in enumerate(cat.focus_areas):
        yield ("focus_areas", i, "id"), f.id
    for k, kkr in enumerate(cat.kkr):
        for g, goal in enumerate(kkr.goals):
            yield ("kkr", k, "goals", g, "id"), goal.id
            for i, ini in enumerate(goal.initiatives):
                yield ("kkr", k, "goals", g, "initiatives", i, "id"), ini.id
            for b, base in enumerate(goal.baselines):
                yield ("kkr", k, "goals", g, "baselines", b, "id"), base.id
        for p, plan in enumerate(kkr.action_plans):
            yield ("kkr", k, "action_plans", p, "id"), plan.id
            for i, ini in enumerate(plan.initiatives):
                yield ("kkr", k, "action_plans", p, "initiatives", i, "id"), ini.id


def _indicator_ids() -> set[str]:
    from naersund.indicators import load_definitions  # reads files: only when checking

    return {d.id for d in load_definitions()}


def reference_problems(
    cat: Catalogue, indicator_ids: set[str] | None = None
) -> list[tuple[Loc, str]]:
    """Rules across the catalogue: every id used once; references to national goals, focus
    areas and indicators (default: the shipped definitions) resolve; each KKR once; a
    municipality target names a municipality of its KKR."""
    known_indicators = _indicator_ids() if indicator_ids is None else indicator_ids
    problems: list[tuple[Loc, str]] = []
    seen: dict[str, Loc] = {}
    for loc, id_ in _ids(cat):
        if id_ in seen:
            problems.append((loc, f"duplicate id '{id_}' (first used at '{_field(seen[id_])}')"))
        else:
            seen[id_] = loc
    national = {n.id for n in cat.national_goals}
    focus = {f.id for f in cat.focus_areas}

    def refs(loc: Loc, values: list[str], known: set[str], what: str) -> None:
        for i, v in enumerate(values):
            if v not in known:
                problems.append(((*loc, i), f"unknown {what} '{v}' (known: {_known(known)})"))

    for i, n in enumerate(cat.national_goals):
        refs(("national_goals", i, "indicators"), n.indicators, known_indicators, "indicator")
    regions: dict[int, int] = {}
    for k, kkr in enumerate(cat.kkr):
        if kkr.region_code in regions:
            problems.append(
                (("kkr", k, "region_code"), f"region code {kkr.region_code} appears twice")
            )
        regions[kkr.region_code] = k
        refs(("kkr", k, "national_goals"), kkr.national_goals, national, "national goal")
        for g, goal in enumerate(kkr.goals):
            at: Loc = ("kkr", k, "goals", g)
            refs((*at, "focus_areas"), goal.focus_areas, focus, "focus area")
            refs((*at, "national_goals"), goal.national_goals, national, "national goal")
            refs((*at, "indicators"), goal.indicators, known_indicators, "indicator")
            for t, target in enumerate(goal.targets):
                tloc: Loc = (*at, "targets", t)
                if target.indicator not in known_indicators:
                    problems.append(
                        (
                            (*tloc, "indicator"),
                            f"unknown indicator '{target.indicator}' "
                            f"(known: {_known(known_indicators)})",
                        )
                    )
                code = target.kommunekode
                if code is not None and code not in kkr.members:
                    problems.append(
                        (
                            (*tloc, "kommunekode"),
                            f"kommunekode {code} is not a municipality of {kkr.name_da}",
                        )
                    )
        for p, plan in enumerate(kkr.action_plans):
            refs(
                ("kkr", k, "action_plans", p, "national_goals"),
                plan.national_goals,
                national,
                "national goal",
            )
    initiative_ids = {ini.id for _, _, ini in iter_initiatives(cat)}
    for k, kkr in enumerate(cat.kkr):
        for g, goal in enumerate(kkr.goals):
            for b, base in enumerate(goal.baselines):
                kind, _, name = (base.survey_question or "").partition(".")
                if kind != "status":
                    continue  # a free question's choices are the round's business
                bloc: Loc = ("kkr", k, "goals", g, "baselines", b)
                if name not in initiative_ids:
                    problems.append(((*bloc, "survey_question"), f"unknown initiative '{name}'"))
                for a, answer in enumerate(base.survey_answers):
                    if answer not in STATUSES:
                        problems.append(
                            (
                                (*bloc, "survey_answers", a),
                                f"unknown status '{answer}' for initiative '{name}' "
                                f"(known: {', '.join(STATUSES)})",
                            )
                        )
    return problems


def _known(values: set[str]) -> str:
    return ", ".join(sorted(values)) or "none"


def all_ids(cat: Catalogue) -> set[str]:
    """Every id the catalogue defines (goals, initiatives, baselines, plans, ...)."""
    return {id_ for _, id_ in _ids(cat)}


def removed_ids(old: Catalogue, new: Catalogue) -> list[str]:
    """Ids of ``old`` that ``new`` no longer has. Survey answers refer to ids, so a new
    catalogue version should only drop one on purpose; the app asks before it does."""
    return sorted(all_ids(old) - all_ids(new))


def iter_initiatives(cat: Catalogue) -> Iterator[tuple[Kkr, Goal | ActionPlan, Initiative]]:
    """Every initiative with the KKR and goal (or action plan) it belongs to."""
    for kkr in cat.kkr:
        for goal in kkr.goals:
            for ini in goal.initiatives:
                yield kkr, goal, ini
        for plan in kkr.action_plans:
            for ini in plan.initiatives:
                yield kkr, plan, ini
