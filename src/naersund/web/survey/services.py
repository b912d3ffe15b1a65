"""The one place that writes survey answers: the web form, the import and the API all call these.

Every function runs in one transaction, checks the round's dates and the response's state,
and writes one :class:`~naersund.web.survey.models.Change` per changed thing. Access (who may
answer for which municipality) is checked by the caller with ``naersund.web.accounts.access``.

- :func:`create_round` – a round with questions generated from a catalogue version.
- :func:`save_answers` – answers (and the tilbagemelding) with the versions the user saw;
  refused as a whole with :class:`Conflict` when someone else saved in between.
- :func:`submit`, :func:`reopen` – draft ⇄ submitted while the round is open.
- :func:`import_answers` – an XLSX/CSV file of many municipalities, all or nothing.
- :func:`publish_round` – publish a closed round's per-municipality answers (or withdraw it).
- Readers: :func:`response_of`, :func:`questions_for`, :func:`answers_of`, :func:`versions_of`.

Errors are :class:`SurveyError` subclasses whose message is Danish and shown as it is.
``allow_closed=True`` lets management commands (demo data, back-filling a closed round) write
outside the round's dates; views and the API never pass it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from naersund.errors import NaersundError
from naersund.survey.answer_values import clean_value
from naersund.survey.importing import ImportFileError, parse_answers, read_table
from naersund.survey.money import with_money_questions
from naersund.survey.questions import (
    FREE_QUESTIONS,
    AnswerError,
    QuestionSpec,
    check_questions,
    municipality_name,
    questions_from_catalogue,
    scope_name,
)
from naersund.web.catalogue.models import CatalogueVersion
from naersund.web.catalogue.store import catalogue_from_db, current_version
from naersund.web.survey.models import (
    Answer,
    Change,
    ChangeField,
    Question,
    Response,
    ResponseState,
    Round,
)

log = logging.getLogger(__name__)


class SurveyError(NaersundError):
    """A refused survey action; the message is Danish and meant for the user."""


class RoundNotOpen(SurveyError):
    pass


class WrongState(SurveyError):
    pass


class InvalidAnswers(SurveyError):
    """Values that do not fit their questions: ``errors`` maps qid (or ``tilbagemelding``) to a
    Danish message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        n = len(self.errors)
        super().__init__(
            f"{n} svar kunne ikke gemmes; ret dem og prøv igen."
            if n > 1
            else "Et svar kunne ikke gemmes; ret det og prøv igen."
        )


class Conflict(SurveyError):
    """Someone else saved after the user opened the page; nothing was written. ``conflicts``
    maps qid (or ``tilbagemelding``/``state``) to a Danish message."""

    def __init__(self, conflicts: Mapping[str, str]) -> None:
        self.conflicts = dict(conflicts)
        super().__init__(next(iter(self.conflicts.values())))


class ImportRefused(SurveyError):
    """An import file with problems; ``problems`` lists each (file, row, column, message)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            f"Filen er ikke indlæst: {len(problems)} fejl. Intet er gemt.\n" + "\n".join(problems)
        )


# --- rounds -----------------------------------------------------------------------------------


@transaction.atomic
def create_round(
    *,
    slug: str,
    title_da: str,
    year: int,
    opens_on: dt.date,
    closes_on: dt.date,
    previous: Round | None = None,
    catalogue: CatalogueVersion | None = None,
    national: bool = False,
    free: Iterable[QuestionSpec] = FREE_QUESTIONS,
    followup: Iterable[QuestionSpec] = (),
    level: str | None = None,
    money: bool = False,
) -> Round:
    """A round with its questions, generated from ``catalogue`` (default: the current version)
    by :func:`naersund.survey.questions.questions_from_catalogue`: a KKR's initiatives are
    asked of its own municipalities only, unless ``national`` (back-filling a round of KL's
    national follow-up). qids depend only on the catalogue's initiative ids, so they match
    ``previous``'s wherever the initiative remains. ``followup``: the follow-up questions the
    KKR secretariat kept (:func:`naersund.survey.followup.followup_questions`), each asked of
    one municipality, numbered after the rest. ``level`` (e.g. ``sundhedsraad``) limits
    the round to the catalogue sections of that area level. ``money``: with the money questions
    of :mod:`naersund.survey.money` (kr. per initiative, the lift by theme)."""
    if closes_on < opens_on:
        raise SurveyError("Runden skal lukke samme dag eller efter, den åbner.")
    if Round.objects.filter(slug=slug).exists():
        raise SurveyError(f"Der findes allerede en runde med id '{slug}'.")
    version = catalogue or current_version()
    if version is None:
        raise SurveyError("Der er intet katalog i databasen; indlæs kataloget først.")
    specs = questions_from_catalogue(
        catalogue_from_db(version), national=national, free=list(free), level=level
    )
    if money:
        specs = with_money_questions(specs, year)
    specs += [replace(q, position=len(specs) + i) for i, q in enumerate(followup)]
    problems = check_questions(specs)
    if problems:
        raise SurveyError("Rundens spørgsmål kan ikke oprettes: " + "; ".join(problems))
    rnd = Round.objects.create(
        slug=slug,
        title_da=title_da,
        year=year,
        opens_on=opens_on,
        closes_on=closes_on,
        previous=previous,
        catalogue=version,
        catalogue_version=version.version,
    )
    Question.objects.bulk_create(Question.from_spec(rnd, s) for s in specs)
    return rnd


def response_of(rnd: Round, kommunekode: int) -> Response | None:
    """The municipality's response, or None when it has not started."""
    return Response.objects.filter(round=rnd, kommunekode=kommunekode).first()


def questions_for(rnd: Round, kommunekode: int, *, private: bool = True) -> list[Question]:
    """The questions the municipality is asked, in order; its own follow-up questions
    (``Question.kommunekode``) only with ``private`` (pass False where the reader may not see
    the municipality's answers)."""
    rows = Question.every if private else Question.objects
    return [q for q in rows.filter(round=rnd) if q.applies_to(kommunekode)]


def answers_of(response: Response | None) -> dict[str, Answer]:
    """qid -> answer row (only questions that have one)."""
    if response is None:
        return {}
    return {a.question.qid: a for a in response.answers.select_related("question", "updated_by")}


def versions_of(response: Response | None) -> dict[str, int]:
    """qid -> the answer's version (missing = 0), to send back with :func:`save_answers`."""
    return {qid: a.version for qid, a in answers_of(response).items()}


def user_name(user: Any) -> str:
    """How a person is named in messages and the history."""
    if user is None:
        return "en ukendt bruger"
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or user.get_username()


def _hhmm(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def _check_open(rnd: Round, allow_closed: bool) -> None:
    if allow_closed or rnd.is_open():
        return
    if rnd.phase() == "kommende":
        raise RoundNotOpen(
            f"Runden »{rnd.title_da}« åbner først {rnd.opens_on:%d.%m.%Y}; intet er gemt."
        )
    raise RoundNotOpen(f"Runden »{rnd.title_da}« lukkede {rnd.closes_on:%d.%m.%Y}; intet er gemt.")


def _locked_response(rnd: Round, kommunekode: int, user: Any, source: str) -> Response:
    """The response, locked for this transaction; made (as a draft) when there is none."""
    response = Response.objects.select_for_update().filter(round=rnd, kommunekode=kommunekode)
    found = response.first()
    if found is not None:
        return found
    now = timezone.now()
    try:
        with transaction.atomic():
            created = Response.objects.create(
                round=rnd, kommunekode=kommunekode, updated_by=_user(user), updated_at=now
            )
    except IntegrityError:  # made by someone else a moment ago
        return Response.objects.select_for_update().get(round=rnd, kommunekode=kommunekode)
    Change.objects.create(
        response=created,
        field=ChangeField.STATE,
        old_value=None,
        new_value=ResponseState.DRAFT,
        changed_at=now,
        changed_by=_user(user),
        source=source,
    )
    return created


def _user(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


# --- answers ----------------------------------------------------------------------------------


@dataclass
class SaveResult:
    response: Response
    changed: list[str] = field(default_factory=list)  # qids, and "tilbagemelding"


def _clean_all(
    rnd: Round, kommunekode: int, values: Mapping[str, Any]
) -> tuple[dict[str, Question], dict[str, Any]]:
    questions = {q.qid: q for q in Question.every.filter(round=rnd)}
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for qid, raw in values.items():
        question = questions.get(qid)
        if question is None:
            errors[qid] = f"Runden har intet spørgsmål med id '{qid}'."
            continue
        spec = question.spec()
        if spec.kommunekode is not None and spec.kommunekode != kommunekode:
            errors[qid] = f"Runden har intet spørgsmål med id '{qid}'."
            continue
        if not spec.applies_to(kommunekode):
            errors[qid] = (
                f"Spørgsmålet stilles kun til kommunerne i {scope_name(spec.region_code or 0)}."
            )
            continue
        try:
            cleaned[qid] = clean_value(spec, raw, kommunekode)
        except AnswerError as exc:
            errors[qid] = str(exc)
    if errors:
        raise InvalidAnswers(errors)
    return questions, cleaned


@transaction.atomic
def save_answers(
    rnd: Round,
    kommunekode: int,
    user: Any,
    values: Mapping[str, Any],
    versions: Mapping[str, int] | None = None,
    *,
    tilbagemelding: str | None = None,
    response_version: int | None = None,
    source: str = "web",
    allow_closed: bool = False,
) -> SaveResult:
    """Save answers (qid -> JSON value, ``None`` clears) and, unless None, the tilbagemelding.

    Only values that differ from what is stored are written. ``versions`` gives, per qid, the
    answer version the user saw (0 = none yet); ``response_version`` the response version the
    user saw (guards the tilbagemelding). If a value to be written was changed by someone else
    since (its version moved on), nothing at all is written and :class:`Conflict` says who
    changed it and when. Without ``versions`` (import, scripts) the last writer wins, and the
    history still records the old value. Refuses with :class:`RoundNotOpen` outside the
    round's dates, :class:`WrongState` for a submitted response (reopen it first) and
    :class:`InvalidAnswers` for values that do not fit.
    """
    _check_open(rnd, allow_closed)
    questions, cleaned = _clean_all(rnd, kommunekode, values)
    response = _locked_response(rnd, kommunekode, user, source)
    if response.state == ResponseState.SUBMITTED:
        raise WrongState(
            f"Besvarelsen er indsendt af {user_name(response.submitted_by)}"
            + (f" kl. {_hhmm(response.submitted_at)}" if response.submitted_at else "")
            + ". Genåbn den, før du retter; intet er gemt."
        )
    existing = answers_of(response)
    now = timezone.now()
    conflicts: dict[str, str] = {}
    to_write: list[tuple[Question, Answer | None, Any]] = []
    for qid, value in cleaned.items():
        answer = existing.get(qid)
        old = answer.value if answer is not None else None
        if old == value and (answer is None or type(old) is type(value)):
            continue
        if versions is not None and qid in versions:
            current = answer.version if answer is not None else 0
            if versions[qid] != current and answer is not None:
                conflicts[qid] = (
                    f"Svaret på »{questions[qid].text_da}« er ændret af "
                    f"{user_name(answer.updated_by)} kl. {_hhmm(answer.updated_at)}, efter du "
                    "åbnede siden. Dine ændringer er ikke gemt; genindlæs og prøv igen."
                )
                continue
        to_write.append((questions[qid], answer, value))
    new_text = None if tilbagemelding is None else tilbagemelding.strip()
    text_changes = new_text is not None and new_text != response.tilbagemelding
    if text_changes and response_version is not None and response_version != response.version:
        conflicts["tilbagemelding"] = (
            f"Tilbagemeldingen er ændret af {user_name(response.updated_by)} kl. "
            f"{_hhmm(response.updated_at)}, efter du åbnede siden. Dine ændringer er ikke "
            "gemt; genindlæs og prøv igen."
        )
    if conflicts:
        raise Conflict(conflicts)
    who = _user(user)
    changed: list[str] = []
    # New answers and all history rows are written in bulk: a whole questionnaire (the import,
    # the demo data) is two INSERTs instead of two per answer.
    new_answers: list[Answer] = []
    history: list[Change] = []
    for question, answer, value in to_write:
        old = answer.value if answer is not None else None
        if answer is None:
            new_answers.append(
                Answer(
                    response=response,
                    question=question,
                    value=value,
                    version=1,
                    updated_at=now,
                    updated_by=who,
                )
            )
        else:
            n = Answer.objects.filter(pk=answer.pk, version=answer.version).update(
                value=value, version=answer.version + 1, updated_at=now, updated_by=who
            )
            if n != 1:  # only without a row lock (never on PostgreSQL or SQLite)
                raise Conflict(
                    {question.qid: "Svaret blev ændret samtidig; genindlæs og prøv igen."}
                )
        history.append(
            Change(
                response=response,
                field=ChangeField.ANSWER,
                question=question,
                old_value=old,
                new_value=value,
                changed_at=now,
                changed_by=who,
                source=source,
            )
        )
        changed.append(question.qid)
    Answer.objects.bulk_create(new_answers)
    Change.objects.bulk_create(history)
    if text_changes:
        assert new_text is not None
        Change.objects.create(
            response=response,
            field=ChangeField.TILBAGEMELDING,
            old_value=response.tilbagemelding,
            new_value=new_text,
            changed_at=now,
            changed_by=who,
            source=source,
        )
        response.tilbagemelding = new_text
        response.version += 1
        changed.append("tilbagemelding")
    if changed:
        response.updated_at = now
        response.updated_by = who
        response.save()
    return SaveResult(response=response, changed=changed)


def missing_status(rnd: Round, response: Response | None) -> list[Question]:
    """Status questions the municipality has not answered (submitting needs them all)."""
    if response is None:
        return [q for q in rnd.questions.all() if q.kind == "status"]
    answered = {qid for qid, a in answers_of(response).items() if a.value is not None}
    return [
        q
        for q in questions_for(rnd, response.kommunekode)
        if q.kind == "status" and q.qid not in answered
    ]


def _set_state(response: Response, state: str, user: Any, source: str) -> Response:
    now = timezone.now()
    who = _user(user)
    Change.objects.create(
        response=response,
        field=ChangeField.STATE,
        old_value=response.state,
        new_value=state,
        changed_at=now,
        changed_by=who,
        source=source,
    )
    response.state = state
    response.version += 1
    response.updated_at = now
    response.updated_by = who
    if state == ResponseState.SUBMITTED:
        response.submitted_at = now
        response.submitted_by = who
    response.save()
    return response


@transaction.atomic
def submit(
    rnd: Round,
    kommunekode: int,
    user: Any,
    *,
    source: str = "web",
    allow_closed: bool = False,
) -> Response:
    """Submit the municipality's response. Every status question must be answered; refused
    outside the round's dates and when already submitted."""
    _check_open(rnd, allow_closed)
    response = _locked_response(rnd, kommunekode, user, source)
    if response.state == ResponseState.SUBMITTED:
        raise WrongState("Besvarelsen er allerede indsendt.")
    missing = missing_status(rnd, response)
    if missing:
        raise WrongState(
            f"Besvarelsen kan ikke indsendes: {len(missing)} statusspørgsmål mangler svar "
            f"(det første: »{missing[0].text_da}«)."
        )
    return _set_state(response, ResponseState.SUBMITTED, user, source)


@transaction.atomic
def reopen(
    rnd: Round,
    kommunekode: int,
    user: Any,
    *,
    source: str = "web",
    allow_closed: bool = False,
) -> Response:
    """Make a submitted response a draft again, so it can be corrected (until the round
    closes)."""
    _check_open(rnd, allow_closed)
    response = Response.objects.select_for_update().filter(round=rnd, kommunekode=kommunekode)
    found = response.first()
    if found is None or found.state != ResponseState.SUBMITTED:
        raise WrongState("Besvarelsen er ikke indsendt, så den kan ikke genåbnes.")
    return _set_state(found, ResponseState.DRAFT, user, source)


# --- publishing a round -------------------------------------------------------------------------


@transaction.atomic
def publish_round(rnd: Round, user: Any, *, publish: bool = True) -> Round:
    """Publish the round's submitted per-municipality answers to every logged-in user, or
    withdraw the publication (``publish=False``). Only a closed round can be published: its
    answers no longer change. Who and when is kept on the round and logged."""
    locked = Round.objects.select_for_update().get(pk=rnd.pk)
    if publish:
        if locked.published_at is not None:
            raise WrongState(f"Runden »{locked.title_da}« er allerede offentliggjort.")
        if locked.phase() != "lukket":
            raise RoundNotOpen(
                f"Runden »{locked.title_da}« kan først offentliggøres, når den er lukket "
                f"(den lukker {locked.closes_on:%d.%m.%Y})."
            )
        locked.published_at = timezone.now()
        locked.published_by = _user(user)
    else:
        if locked.published_at is None:
            raise WrongState(f"Runden »{locked.title_da}« er ikke offentliggjort.")
        locked.published_at = None
        locked.published_by = None
    locked.save(update_fields=["published_at", "published_by"])
    log.info(
        "round %s %s by %s",
        locked.slug,
        "published" if publish else "withdrawn",
        user_name(user),
    )
    return locked


# --- import -----------------------------------------------------------------------------------


@dataclass
class ImportResult:
    municipalities: int
    answers_changed: int
    submitted: int


@transaction.atomic
def import_answers(
    rnd: Round,
    data: bytes,
    filename: str,
    user: Any,
    *,
    region_code: int | None = None,
    submit_after: bool = False,
    allow_closed: bool = False,
) -> ImportResult:
    """Read an XLSX or CSV file (format: ``docs/survey-import.md``) and save every row's
    answers, all or nothing. ``region_code`` limits the rows to that KKR's municipalities (a
    KKR secretary's import). With ``submit_after`` each imported response is submitted.
    Problems raise :class:`ImportRefused` listing each with file, row and column."""
    _check_open(rnd, allow_closed)
    try:
        table = read_table(data, filename)
        specs = [q.spec() for q in rnd.questions.all()]
        rows = parse_answers(table, specs, region_code=region_code)
    except ImportFileError as exc:
        raise ImportRefused(exc.problems) from None
    changed = 0
    submitted = 0
    problems: list[str] = []
    for row in rows:
        try:
            response = response_of(rnd, row.kommunekode)
            if response is not None and response.is_submitted:
                reopened = response.state
                _set_state(response, ResponseState.DRAFT, user, "import")
            else:
                reopened = None
            result = save_answers(
                rnd,
                row.kommunekode,
                user,
                row.values,
                tilbagemelding=row.tilbagemelding,
                source="import",
                allow_closed=True,
            )
            changed += len([c for c in result.changed if c != "tilbagemelding"])
            if submit_after or reopened is not None:
                submit(rnd, row.kommunekode, user, source="import", allow_closed=True)
                submitted += 1
        except SurveyError as exc:
            problems.append(
                f"{table.filename}, række {row.row}: {municipality_name(row.kommunekode)}: {exc}"
            )
    if problems:  # raising leaves the transaction: nothing of the file is kept
        raise ImportRefused(problems)
    return ImportResult(municipalities=len(rows), answers_changed=changed, submitted=submitted)
