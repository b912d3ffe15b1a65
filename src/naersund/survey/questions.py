"""The questions of a status round, generated from the goal catalogue, and their answers' values.

A question has a **qid** that stays the same in every round, so that answers compare round to
round:

========================  =========  ====================================================
qid                       kind       asked
========================  =========  ====================================================
``status.<initiative>``   status     every initiative: how far the municipality has come
``startaar.<initiative>`` year       every initiative: the year implementation started
``pilot.<initiative>``    pilot      kan-initiatives only: pilot, alone or with others
``fri.<name>``            yesno,     the free questions of :data:`FREE_QUESTIONS`
                          choice,
                          multichoice,
                          number,
                          text
``kroner.<initiative>``   kroner     rounds with money questions: kr. spent on it that year
``loeft.<theme>``         kroner     rounds with money questions: kr. of the lift per theme
========================  =========  ====================================================

The money questions are added by :mod:`naersund.survey.money`.

``<initiative>`` is the initiative's id in the catalogue (unique across the catalogue and never
changed once published).

The values of the answers (what each kind stores, how a value is checked, read from a cell,
written back and shown) are in :mod:`naersund.survey.answer_values`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any, Literal

from naersund.catalogue import Catalogue, iter_initiatives
from naersund.errors import InputError

QuestionKind = Literal[
    "status", "year", "pilot", "yesno", "choice", "multichoice", "number", "text", "kroner"
]
KINDS: tuple[QuestionKind, ...] = (
    "status",
    "year",
    "pilot",
    "yesno",
    "choice",
    "multichoice",
    "number",
    "text",
    "kroner",
)
KIND_LABELS: dict[str, str] = {
    "status": "Status",
    "year": "Årstal",
    "pilot": "Pilotkommune",
    "yesno": "Ja/nej",
    "choice": "Ét valg",
    "multichoice": "Flere valg",
    "number": "Tal",
    "text": "Tekst",
    "kroner": "Hele kroner",
}

STATUS_VALUES = ("ikke_paabegyndt", "planlagt", "under_implementering", "implementeret")
STATUS_LABELS: dict[str, str] = {
    "ikke_paabegyndt": "Ikke påbegyndt",
    "planlagt": "Planlagt",
    "under_implementering": "Under implementering",
    "implementeret": "Implementeret",
}
PILOT_VALUES = ("nej", "alene", "sammen")
PILOT_LABELS: dict[str, str] = {
    "nej": "Ikke pilotkommune",
    "alene": "Pilotkommune alene",
    "sammen": "Pilotkommune sammen med andre kommuner",
}
MIN_YEAR = 1990
MAX_YEAR = 2100

QID = re.compile(r"^[a-z]+\.[a-z0-9_-]+$")


@dataclass(frozen=True)
class Choice:
    value: str
    label_da: str


@dataclass(frozen=True)
class QuestionSpec:
    """One question of a round, as data (the web app stores it as a ``Question`` row).

    ``owner_region_code`` is the area (KKR, sundhedsråd, 2027 region: a code of
    :mod:`naersund.refdata.scopes`) whose catalogue section the initiative comes from (None for
    free questions); ``region_code`` restricts who is asked to that area's municipalities: None
    means every municipality (the free questions, and every question of a round made with
    ``national=True``); ``kommunekode`` restricts it to one municipality (the follow-up questions of
    :mod:`naersund.survey.followup`, which only that municipality and those who may read its
    answers see).
    """

    qid: str
    kind: QuestionKind
    text_da: str
    help_da: str = ""
    choices: tuple[Choice, ...] = ()
    initiative_id: str | None = None
    initiative_kind: str | None = None  # "skal", "kan" or None
    owner_region_code: int | None = None
    region_code: int | None = None
    section_da: str = ""
    position: int = 0
    minimum: float | None = None
    kommunekode: int | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def applies_to(self, kommunekode: int) -> bool:
        """Whether the municipality is asked this question."""
        if self.kommunekode is not None and self.kommunekode != kommunekode:
            return False
        return self.region_code is None or kommunekode in scope_members(self.region_code)

    def choice_values(self) -> tuple[str, ...]:
        return tuple(c.value for c in self.choices)

    def label_of(self, value: str) -> str:
        for c in self.choices:
            if c.value == value:
                return c.label_da
        return value


class AnswerError(InputError):
    """A value that does not fit its question; the message is Danish and meant for a person."""


@cache
def municipality_regions() -> dict[int, int]:
    from naersund.refdata import region_of

    return region_of()


@cache
def scope_members(code: int) -> frozenset[int]:
    """The municipalities of the area ``code`` (a KKR, a sundhedsråd, a 2027 region)."""
    from naersund.refdata import scopes

    return scopes.members(code)


def scope_name(code: int) -> str:
    """The Danish name of the area ``code`` ("KKR Hovedstaden", "Sundhedsråd Fyn")."""
    from naersund.refdata import scopes

    return scopes.name(code)


@cache
def _names() -> dict[int, str]:
    from naersund.refdata import municipalities

    m = municipalities()
    return dict(zip(m["kommunekode"].tolist(), m["name"].tolist(), strict=True))


def municipality_name(kommunekode: int) -> str:
    """The municipality's Danish name, or the code as text for an unknown code."""
    return _names().get(kommunekode, str(kommunekode))


def _choices(*pairs: tuple[str, str]) -> tuple[Choice, ...]:
    return tuple(Choice(v, label) for v, label in pairs)


# The free questions every round asks of every municipality. Their topics are the baselines of
# KKR Hovedstaden's paper (seed 002) that are no initiative's status: so that a round can be
# compared with "Udgangspunkt for indfrielse af mål".
FREE_QUESTIONS: tuple[QuestionSpec, ...] = (
    QuestionSpec(
        qid="fri.ledelsesinformation-niveauer",
        kind="multichoice",
        text_da="På hvilke niveauer udarbejdes ledelsesinformation på sundhedsområdet?",
        help_da="Sæt ingen krydser, hvis kommunen ikke udarbejder systematisk ledelsesinformation.",
        choices=_choices(
            ("politisk", "Politisk niveau"),
            ("direktion", "Direktørniveau"),
            ("fagligt", "Faglederniveau"),
        ),
    ),
    QuestionSpec(
        qid="fri.indsatser-mod-indlaeggelser",
        kind="multichoice",
        text_da="Hvilke særlige indsatser har kommunen for at forebygge indlæggelser?",
        choices=_choices(
            ("opkvalificering", "Opkvalificering af medarbejderne"),
            ("tidlig_opsporing", "Redskaber til tidlig opsporing"),
            ("medicinhaandtering", "Medicinhåndtering"),
            ("faldforebyggelse", "Faldforebyggelse"),
        ),
    ),
    QuestionSpec(
        qid="fri.akutpladser",
        kind="choice",
        text_da="Har kommunen akutpladser med sygeplejefaglig indsats i hele døgnet?",
        choices=_choices(
            ("akutplejeenhed", "Ja, en akutplejeenhed i egne fysiske rammer"),
            ("midlertidige_pladser", "Ja, midlertidige pladser i eksisterende enheder"),
            ("nej", "Nej"),
        ),
    ),
    QuestionSpec(
        qid="fri.antal-akutpladser",
        kind="number",
        text_da="Hvor mange akutpladser har kommunen?",
        help_da="Skriv 0, hvis kommunen ingen akutpladser har.",
        minimum=0,
    ),
    QuestionSpec(
        qid="fri.god-udskrivning",
        kind="yesno",
        text_da=(
            "Har kommunen iværksat initiativer i samarbejde med hospitalet for at sikre den gode "
            "udskrivning (udskrivningskoordinatorer mv.)?"
        ),
    ),
    QuestionSpec(
        qid="fri.kraeftrehabilitering",
        kind="yesno",
        text_da=(
            "Har kommunen, eller er kommunen ved at etablere, rehabiliteringstilbud til "
            "kræftramte som en del af forløbsprogrammet?"
        ),
    ),
    QuestionSpec(
        qid="fri.hjerte-kar-tilbud",
        kind="yesno",
        text_da="Har kommunen patientrettede forebyggelsestilbud for hjerte-kar-sygdom?",
    ),
    QuestionSpec(
        qid="fri.bemaerkninger",
        kind="text",
        text_da="Øvrige bemærkninger til statusrunden",
    ),
)


def questions_from_catalogue(
    catalogue: Catalogue,
    national: bool = False,
    free: Sequence[QuestionSpec] = FREE_QUESTIONS,
    level: str | None = None,
) -> list[QuestionSpec]:
    """The questions of a round: for each initiative its status and start year, for each
    kan-initiative the pilot question, then the ``free`` questions; numbered in that order.

    The rule: a municipality answers the initiatives of its own KKR and the questions every
    municipality is asked (the free ones), nothing of another KKR, so a KKR's initiatives
    are asked only of that KKR's municipalities (:meth:`QuestionSpec.applies_to`). With
    ``national`` every municipality is asked every KKR's initiatives, as KL's national
    follow-up of 2013-2014 did (its baselines are shares of all 98); use it only to
    back-fill such a round. qids depend only on the initiative ids, so two rounds from the
    same (or a compatible later) catalogue have the same qids.

    The catalogue's sections may be areas of any scope level (a KKR, a sundhedsråd); ``level``
    (e.g. ``sundhedsraad``) makes a round of that level only: the initiatives of that level's
    areas, each asked of its own municipalities, plus the free questions every municipality
    is asked. None: every section.
    """
    out: list[QuestionSpec] = []
    for kkr, parent, ini in iter_initiatives(catalogue):
        if level is not None and kkr.level != level:
            continue
        common: dict[str, Any] = {
            "initiative_id": ini.id,
            "initiative_kind": ini.kind,
            "owner_region_code": kkr.region_code,
            "region_code": None if national else kkr.region_code,
            "section_da": f"{kkr.name_da}: {parent.title_da}",
        }
        if ini.deadline_da:
            deadline = ini.deadline_da if ini.deadline_da.endswith(".") else ini.deadline_da + "."
        elif ini.deadline_year:
            deadline = f"Frist: {ini.deadline_year}."
        else:
            deadline = ""
        out.append(
            QuestionSpec(
                qid=f"status.{ini.id}",
                kind="status",
                text_da=ini.title_da,
                help_da=deadline,
                choices=tuple(Choice(v, STATUS_LABELS[v]) for v in STATUS_VALUES),
                **common,
            )
        )
        out.append(
            QuestionSpec(
                qid=f"startaar.{ini.id}",
                kind="year",
                text_da=f"Hvilket år blev implementeringen påbegyndt? ({ini.title_da})",
                help_da="Lad feltet stå tomt, hvis implementeringen ikke er påbegyndt.",
                **common,
            )
        )
        if ini.kind == "kan":
            out.append(
                QuestionSpec(
                    qid=f"pilot.{ini.id}",
                    kind="pilot",
                    text_da=f"Er kommunen pilotkommune? ({ini.title_da})",
                    help_da=(
                        "Er kommunen pilot sammen med andre kommuner, så vælg hvilke "
                        "(i en importfil: deres kommunekoder, fx 147, 151)."
                    ),
                    choices=tuple(Choice(v, PILOT_LABELS[v]) for v in PILOT_VALUES),
                    **common,
                )
            )
    for spec in free:
        out.append(replace(spec, section_da=spec.section_da or "Øvrige spørgsmål"))
    problems = check_questions(out)
    if problems:
        raise AnswerError("; ".join(problems))
    return [replace(spec, position=i) for i, spec in enumerate(out)]


def check_questions(specs: Iterable[QuestionSpec]) -> list[str]:
    """Problems with a list of questions (qid form, repeated qids, choices where needed)."""
    problems: list[str] = []
    seen: set[str] = set()
    for s in specs:
        if not QID.match(s.qid):
            problems.append(f"qid '{s.qid}' skal have formen 'type.navn' (a-z, 0-9, _ og -)")
        if s.qid in seen:
            problems.append(f"qid '{s.qid}' findes to gange")
        seen.add(s.qid)
        if s.kind not in KINDS:
            problems.append(f"{s.qid}: ukendt spørgsmålstype '{s.kind}'")
        if s.kind in ("choice", "multichoice") and not s.choices:
            problems.append(f"{s.qid}: et valgspørgsmål skal have svarmuligheder")
    return problems
