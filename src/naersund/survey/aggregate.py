"""What a status round shows: shares of municipalities per status, nationally and per KKR,
written the way KL's papers write them, with the change since the previous round and the
paper's baseline beside them; the municipality × initiative table ("Bilag 1: Kommunefordelte
data") and the pilot overview.

Everything here works on :class:`RoundAnswers`, the submitted answers of one round as plain
values (the web app builds it from its tables, :mod:`naersund.survey.demo` generates it).
Shares are counted over the municipalities of the area that have **submitted** their answers;
a submitted response that leaves a question open counts as "Ikke besvaret", so the shares of
a question add up to 100 pct. of those who answered the round.

Percentages are rounded as the papers round them: to whole percent, halves up
(67 of 98 = 68.4 → 68 pct., 95 of 98 = 96.9 → 97 pct.). The change since the previous round is
the difference of the two rounded percentages, in percentage points, so that it agrees with
the figures a reader sees side by side.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from naersund.catalogue import Baseline, Catalogue, Initiative, iter_initiatives
from naersund.refdata import KKR_NAMES, region_of, scopes
from naersund.survey.questions import STATUS_LABELS, STATUS_VALUES, municipality_name

NATIONAL = 0  # the area code of Denmark as a whole
NO_ANSWER = "ubesvaret"
NO_ANSWER_LABEL = "Ikke besvaret"

# The verb phrase of each status in a sentence "<n> pct. af kommunerne <verb> <initiative>".
STATUS_VERBS_DA: dict[str, str] = {
    "implementeret": "har indført",
    "under_implementering": "er i gang med at indføre",
    "planlagt": "planlægger at indføre",
    "ikke_paabegyndt": "har endnu ikke påbegyndt arbejdet med",
}


def percent(count: int, total: int) -> int | None:
    """``count`` of ``total`` in whole percent, halves rounded up (None when total is 0).

    Integer arithmetic, so that 1 of 8 is 13 (12.5 up) and no float error decides a half."""
    if total <= 0:
        return None
    if not 0 <= count <= total:
        raise ValueError(f"count {count} must lie between 0 and total {total}")
    return (200 * count + total) // (2 * total)


@dataclass(frozen=True)
class Share:
    count: int
    total: int

    @property
    def pct(self) -> int | None:
        return percent(self.count, self.total)

    def pct_text(self) -> str:
        p = self.pct
        return "–" if p is None else f"{p} pct."

    def count_text(self) -> str:
        return f"{self.count} ud af {self.total}"


@dataclass(frozen=True)
class Area:
    """Denmark (code 0) or one KKR (its region code), or another scope area (a sundhedsråd),
    and its municipalities."""

    code: int
    name_da: str
    members: frozenset[int]

    @property
    def is_national(self) -> bool:
        return self.code == NATIONAL


def national_area() -> Area:
    return Area(NATIONAL, "Hele landet", frozenset(region_of()))


def kkr_area(region_code: int) -> Area:
    """A KKR, or any other scope area (a sundhedsråd, a 2027 region; see
    :mod:`naersund.refdata.scopes`) with its municipalities; KeyError for an unknown code."""
    area = scopes.find(region_code)
    if area is None:
        raise KeyError(region_code)
    return Area(region_code, area.name, frozenset(area.members))


def all_areas() -> list[Area]:
    """Denmark, then the five KKR by region code."""
    return [national_area(), *(kkr_area(code) for code in sorted(KKR_NAMES))]


@dataclass(frozen=True)
class RoundAnswers:
    """The submitted answers of one round.

    ``answers`` holds, for each municipality that has submitted, its answers by qid (values
    encoded as :mod:`naersund.survey.questions` says; a question left open is absent or
    ``None``). Drafts are not in it. ``tilbagemeldinger`` are the municipalities' texts.
    ``asked`` names, for a question put to some municipalities only (a round with regional
    questions), the municipalities it was put to; shares of that question count only them.
    """

    key: str
    title_da: str
    year: int
    answers: Mapping[int, Mapping[str, Any]]
    tilbagemeldinger: Mapping[int, str] = field(default_factory=dict)
    asked: Mapping[str, frozenset[int]] = field(default_factory=dict)

    def submitted_in(self, area: Area, qid: str | None = None) -> list[int]:
        """The area's municipalities that have submitted (and were asked ``qid``)."""
        who = self.asked.get(qid) if qid is not None else None
        return sorted(k for k in self.answers if k in area.members and (who is None or k in who))

    def asked_in(self, area: Area, qid: str) -> int:
        """How many of the area's municipalities were asked ``qid``."""
        who = self.asked.get(qid)
        return len(area.members if who is None else area.members & who)

    def was_asked(self, kommunekode: int, qid: str) -> bool:
        who = self.asked.get(qid)
        return who is None or kommunekode in who

    def value(self, kommunekode: int, qid: str) -> Any:
        return self.answers.get(kommunekode, {}).get(qid)


def status_qid(initiative_id: str) -> str:
    return f"status.{initiative_id}"


def pilot_qid(initiative_id: str) -> str:
    return f"pilot.{initiative_id}"


# --- status shares ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusCounts:
    """How many of the area's submitted municipalities are at each status of one initiative."""

    counts: Mapping[str, int]  # every status of the scale and NO_ANSWER
    total: int  # submitted municipalities in the area (that were asked)

    def share(self, status: str) -> Share:
        return Share(self.counts.get(status, 0), self.total)


def status_counts(answers: RoundAnswers, initiative_id: str, area: Area) -> StatusCounts:
    qid = status_qid(initiative_id)
    counts = dict.fromkeys((*STATUS_VALUES, NO_ANSWER), 0)
    codes = answers.submitted_in(area, qid)
    for code in codes:
        value = answers.value(code, qid)
        counts[value if value in STATUS_VALUES else NO_ANSWER] += 1
    return StatusCounts(counts, len(codes))


def initiative_phrase(initiative: Initiative) -> str:
    """The initiative as the object of a sentence: its short name, else its quoted title."""
    return initiative.short_da or f"»{initiative.title_da}«"


def sentence(
    share: Share,
    status: str,
    initiative: Initiative,
    area: Area,
    count_form: bool = False,
    asked: int | None = None,
) -> str:
    """The share as the papers write it: "68 pct. af kommunerne har indført opfølgende
    hjemmebesøg"; with ``count_form`` (for a KKR): "25 ud af 29 kommuner i KKR Hovedstaden
    har indført ...". When not every municipality of the area (or the ``asked`` of them) has
    answered, the sentence says how many did."""
    verb = STATUS_VERBS_DA[status]
    what = initiative_phrase(initiative)
    where = "" if area.is_national else f" i {area.name_da}"
    if asked == 0:
        return f"Spørgsmålet er ikke stillet til kommunerne{where}."
    if share.total == 0:
        return f"Ingen kommuner{where} har indsendt svar endnu."
    if count_form:
        kommuner = "kommune" if share.total == 1 else "kommuner"
        text = f"{share.count} ud af {share.total} {kommuner}{where} {verb} {what}"
    else:
        n_all = len(area.members)
        whom = "kommunerne" if asked is None or asked >= n_all else "de adspurgte kommuner"
        text = f"{share.pct} pct. af {whom}{where} {verb} {what}"
    n = len(area.members) if asked is None else asked
    if share.total < n and not count_form:
        text += f" (svar fra {share.total} af {n} kommuner)"
    return text + "."


def change_pp(current: Share, previous: Share | None) -> int | None:
    """Percentage points from ``previous`` to ``current`` (rounded percentages); None when
    either has no answers."""
    if previous is None or current.pct is None or previous.pct is None:
        return None
    return current.pct - previous.pct


def change_text(pp: int | None) -> str:
    """ "+6 procentpoint", "−3 procentpoint", "uændret" or "–" (no previous round)."""
    if pp is None:
        return "–"
    if pp == 0:
        return "uændret"
    sign = "+" if pp > 0 else "−"
    return f"{sign}{abs(pp)} procentpoint"


# --- baselines ------------------------------------------------------------------------------


def _counts_as(value: Any, wanted: Iterable[str]) -> bool:
    """Whether an answer is among the answers a baseline counts (see ``Baseline``)."""
    want = set(wanted)
    if value is None:
        return False
    if isinstance(value, bool):
        return ("ja" if value else "nej") in want
    if isinstance(value, list | tuple | set | frozenset):
        return any(str(v) in want for v in value)
    if isinstance(value, dict):  # a pilot answer
        return str(value.get("pilot")) in want
    return str(value) in want


@dataclass(frozen=True)
class BaselineFigure:
    """A paper's baseline beside what a round measures by the same definition."""

    baseline: Baseline
    area: Area  # where the paper counts: Denmark, or the baseline's survey_region
    measured: Share

    @property
    def paper_text(self) -> str:
        b = self.baseline
        if b.unit == "antal":
            return f"{_num(b.value)} ud af {b.of}" if b.of else _num(b.value)
        if b.value_max is not None:
            return f"{_num(b.value)}-{_num(b.value_max)} pct."
        return f"{_num(b.value)} pct."

    @property
    def measured_text(self) -> str:
        if self.baseline.unit == "antal":
            return self.measured.count_text()
        return self.measured.pct_text()

    def matches(self) -> bool:
        """Whether the round gives the paper's figure (as the paper rounds and writes it)."""
        b, m = self.baseline, self.measured
        if b.unit == "antal":
            return m.count == b.value and (b.of is None or m.total == b.of)
        if m.pct is None:
            return False
        if b.value_max is not None:
            return b.value <= m.pct <= b.value_max
        return m.pct == b.value

    @property
    def change_da(self) -> str:
        return change_text(self.change_pp())

    def change_pp(self) -> int | None:
        """Percentage points since the paper (pct. baselines with one value only)."""
        b, m = self.baseline, self.measured
        if b.unit != "pct" or b.value_max is not None or m.pct is None:
            return None
        return m.pct - round(b.value)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x).replace(".", ",")


def measure_baseline(
    answers: RoundAnswers, baseline: Baseline, area: Area | None = None
) -> BaselineFigure | None:
    """The round's figure by the baseline's definition (None when the catalogue does not say
    which question measures it): in the baseline's own KKR when it names one
    (``survey_region``), else in ``area`` (the KKR the user chose; default Denmark)."""
    if baseline.survey_question is None:
        return None
    if baseline.survey_region is not None:
        area = kkr_area(baseline.survey_region)
    elif area is None:
        area = national_area()
    codes = answers.submitted_in(area, baseline.survey_question)
    hits = sum(
        _counts_as(answers.value(code, baseline.survey_question), baseline.survey_answers)
        for code in codes
    )
    return BaselineFigure(baseline, area, Share(hits, len(codes)))


def baseline_figures(
    catalogue: Catalogue, answers: RoundAnswers, area: Area | None = None
) -> list[BaselineFigure]:
    """Every baseline of the catalogue that a round can measure, in catalogue order. With a
    KKR as ``area``: that KKR's baselines only, measured among its municipalities."""
    out = []
    for kkr in catalogue.kkr:
        if area is not None and not area.is_national and kkr.region_code != area.code:
            continue
        for goal in kkr.goals:
            for b in goal.baselines:
                fig = measure_baseline(answers, b, area)
                if fig is not None:
                    out.append(fig)
    return out


def baselines_by_question(catalogue: Catalogue) -> dict[str, list[Baseline]]:
    """qid -> the baselines measured by that question."""
    out: dict[str, list[Baseline]] = {}
    for kkr in catalogue.kkr:
        for goal in kkr.goals:
            for b in goal.baselines:
                if b.survey_question:
                    out.setdefault(b.survey_question, []).append(b)
    return out


# --- the results of a round ---------------------------------------------------------------------


@dataclass(frozen=True)
class StatusRow:
    status: str
    label_da: str
    share: Share
    previous: Share | None

    @property
    def change_pp(self) -> int | None:
        return change_pp(self.share, self.previous)

    @property
    def change_da(self) -> str:
        return change_text(self.change_pp)


@dataclass(frozen=True)
class InitiativeResult:
    """One initiative in one area: the share at each status now and in the previous round,
    the headline sentence, and the baselines the catalogue ties to its status question."""

    initiative: Initiative
    kkr_name_da: str  # the KKR whose catalogue holds the initiative
    parent_title_da: str  # its goal or action plan
    area: Area
    rows: list[StatusRow]
    no_answer: Share
    baselines: list[BaselineFigure]
    asked: int  # the area's municipalities that were asked

    @property
    def implemented(self) -> StatusRow:
        return next(r for r in self.rows if r.status == "implementeret")

    def headline(self) -> str:
        return sentence(
            self.implemented.share, "implementeret", self.initiative, self.area, asked=self.asked
        )

    def count_headline(self) -> str:
        return sentence(
            self.implemented.share,
            "implementeret",
            self.initiative,
            self.area,
            count_form=True,
            asked=self.asked,
        )


def initiative_results(
    catalogue: Catalogue,
    current: RoundAnswers,
    previous: RoundAnswers | None,
    area: Area,
    initiative_ids: Iterable[str] | None = None,
) -> list[InitiativeResult]:
    """The results of every initiative (or those of ``initiative_ids``, e.g. the initiatives
    the round asked about) in catalogue order."""
    wanted = None if initiative_ids is None else set(initiative_ids)
    by_question = baselines_by_question(catalogue)
    out = []
    for kkr, parent, ini in iter_initiatives(catalogue):
        if wanted is not None and ini.id not in wanted:
            continue
        now = status_counts(current, ini.id, area)
        before = None if previous is None else status_counts(previous, ini.id, area)
        rows = [
            StatusRow(
                s,
                STATUS_LABELS[s],
                now.share(s),
                None if before is None or before.total == 0 else before.share(s),
            )
            for s in reversed(STATUS_VALUES)
        ]
        figures = [
            fig
            for b in by_question.get(status_qid(ini.id), [])
            if (fig := measure_baseline(current, b, area)) is not None
        ]
        out.append(
            InitiativeResult(
                ini,
                kkr.name_da,
                parent.title_da,
                area,
                rows,
                now.share(NO_ANSWER),
                figures,
                current.asked_in(area, status_qid(ini.id)),
            )
        )
    return out


@dataclass(frozen=True)
class ChoiceRow:
    value: str
    label_da: str
    share: Share
    previous: Share | None

    @property
    def change_pp(self) -> int | None:
        return change_pp(self.share, self.previous)

    @property
    def change_da(self) -> str:
        return change_text(self.change_pp)


def choice_shares(
    current: RoundAnswers,
    previous: RoundAnswers | None,
    qid: str,
    choices: Iterable[tuple[str, str]],
    area: Area,
) -> list[ChoiceRow]:
    """For a yes/no, choice or multichoice question: the share of the area's submitted
    municipalities whose answer is (or includes) each choice. ``choices`` are (value, label);
    a yes/no question's are ("ja", "Ja"), ("nej", "Nej")."""

    def share(answers: RoundAnswers, value: str) -> Share:
        codes = answers.submitted_in(area, qid)
        return Share(sum(_counts_as(answers.value(c, qid), [value]) for c in codes), len(codes))

    rows = []
    for value, label in choices:
        before = None
        if previous is not None and previous.submitted_in(area, qid):
            before = share(previous, value)
        rows.append(ChoiceRow(value, label, share(current, value), before))
    return rows


def number_summary(answers: RoundAnswers, qid: str, area: Area) -> tuple[int, float, float]:
    """(municipalities that answered, sum, median) of a number question in the area."""
    values = sorted(
        float(v)
        for c in answers.submitted_in(area, qid)
        if isinstance(v := answers.value(c, qid), int | float) and not isinstance(v, bool)
    )
    if not values:
        return 0, 0.0, 0.0
    n = len(values)
    mid = values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2
    return n, sum(values), mid


# --- Bilag 1 and the pilots -------------------------------------------------------------------


@dataclass(frozen=True)
class MunicipalityRow:
    kommunekode: int
    name_da: str
    submitted: bool
    statuses: list[str | None]  # per initiative, in the table's order (None: no answer)


def municipality_table(
    answers: RoundAnswers, initiative_ids: list[str], region_code: int
) -> list[MunicipalityRow]:
    """ "Bilag 1: Kommunefordelte data": each municipality of the KKR (by name) with its
    submitted status of each initiative; a municipality that has not submitted (or was not
    asked) has none."""
    area = kkr_area(region_code)
    rows = []
    for code in sorted(area.members, key=municipality_name):
        submitted = code in answers.answers
        statuses: list[str | None] = []
        for ini in initiative_ids:
            value = answers.value(code, status_qid(ini)) if submitted else None
            statuses.append(value if value in STATUS_VALUES else None)
        rows.append(MunicipalityRow(code, municipality_name(code), submitted, statuses))
    return rows


@dataclass(frozen=True)
class Pilot:
    kommunekode: int
    name_da: str
    partners: list[tuple[int, str]]  # (kommunekode, name); empty: pilot alone

    @property
    def partners_text(self) -> str:
        if not self.partners:
            return "Alene"
        return "Sammen med " + _and([name for _, name in self.partners])


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " og " + names[-1]


def pilot_overview(
    answers: RoundAnswers, initiative_ids: list[str], area: Area
) -> list[tuple[str, list[Pilot]]]:
    """For each kan-initiative (in the given order): the area's submitted municipalities that
    are pilots, alone or together with named municipalities (which may lie in another KKR)."""
    out = []
    for ini in initiative_ids:
        pilots = []
        for code in answers.submitted_in(area, pilot_qid(ini)):
            value = answers.value(code, pilot_qid(ini))
            if not isinstance(value, dict) or value.get("pilot") not in ("alene", "sammen"):
                continue
            partners = [(int(c), municipality_name(int(c))) for c in value.get("med") or []]
            pilots.append(Pilot(code, municipality_name(code), partners))
        pilots.sort(key=lambda p: p.name_da)
        out.append((ini, pilots))
    return out
