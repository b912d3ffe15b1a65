"""What a status round shows: results (national and per KKR), "Bilag 1: Kommunefordelte data",
the pilot overview, and their CSV/XLSX downloads.

Access (see ``naersund.web.accounts.access``): results for every logged-in user (and for
everyone once the round has closed, when the results are public); Bilag 1 and
the pilots (per-municipality answers) for national administrators and the KKR's secretariat,
and for every logged-in user once a national administrator has published the round
(:func:`publish`, a POST form on the results page, the round's page).
The views read the submitted answers into :class:`~naersund.survey.aggregate.RoundAnswers` and
leave the counting to :mod:`naersund.survey.aggregate`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from naersund.catalogue import Catalogue, Initiative, iter_initiatives
from naersund.refdata import KKR_NAMES, scopes
from naersund.survey import aggregate as agg
from naersund.survey.answer_values import format_value
from naersund.survey.export import Cell, Table, write_csv, write_xlsx
from naersund.survey.questions import STATUS_LABELS, STATUS_VALUES
from naersund.web.accounts import access
from naersund.web.accounts.decorators import login_required_unless_public, refuse
from naersund.web.catalogue.store import catalogue_from_db, current_version
from naersund.web.params import query_int
from naersund.web.survey import result_areas, services
from naersund.web.survey.models import Answer, Question, Response, ResponseState, Round

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Bilag 1: a symbol and a short text beside the colour of each status (never colour alone).
STATUS_SYMBOLS = {
    "implementeret": ("●", "Impl."),
    "under_implementering": ("◐", "Under impl."),
    "planlagt": ("○", "Planlagt"),
    "ikke_paabegyndt": ("✕", "Ikke påb."),
}
KIND_HEADINGS = {"skal": "Skal-indsatser", "kan": "Kan-opgaver", None: "Indsatser uden skal/kan"}
COLUMN_PREFIX = {"skal": "Skal", "kan": "Kan", None: "Indsats"}


def _capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- reading a round ----------------------------------------------------------------------------


def round_answers(rnd: Round) -> agg.RoundAnswers:
    """The round's submitted responses as plain values (drafts are left out)."""
    submitted = Response.objects.filter(round=rnd, state=ResponseState.SUBMITTED)
    answers: dict[int, dict[str, Any]] = {}
    texts: dict[int, str] = {}
    for code, text in submitted.values_list("kommunekode", "tilbagemelding"):
        answers[code] = {}
        if text:
            texts[code] = text
    rows = Answer.objects.filter(
        response__round=rnd, response__state=ResponseState.SUBMITTED
    ).values_list("response__kommunekode", "question__qid", "value")
    for code, qid, value in rows:
        if value is not None:
            answers[code][qid] = value
    regional = rnd.questions.filter(region_code__isnull=False)
    asked = {
        qid: agg.kkr_area(region).members
        for qid, region in regional.values_list("qid", "region_code")
        if region is not None
    }
    return agg.RoundAnswers(rnd.slug, rnd.title_da, rnd.year, answers, texts, asked)


def _catalogue(rnd: Round) -> Catalogue:
    version = rnd.catalogue or current_version()
    if version is None:
        raise Http404("Runden har intet katalog")
    return catalogue_from_db(version)


def _round(slug: str) -> Round:
    return get_object_or_404(Round, slug=slug)


def _asked(rnd: Round, kind: str) -> list[Question]:
    return list(rnd.questions.filter(kind=kind).order_by("position"))


def _area(request: HttpRequest) -> agg.Area:
    """The chosen area (``?kkr=<code>``), among those the user may choose (:mod:`.result_areas`);
    Denmark without one."""
    area = result_areas.chosen_area(request.user, query_int(request.GET, "kkr", max_digits=4))
    if area is None:
        raise Http404("Ukendt område")
    return area


def _initiatives(catalogue: Catalogue) -> dict[str, tuple[int, Initiative]]:
    return {ini.id: (kkr.region_code, ini) for kkr, _, ini in iter_initiatives(catalogue)}


# --- results ------------------------------------------------------------------------------------


@dataclass
class ResultGroup:
    kkr_name_da: str
    title_da: str
    results: list[agg.InitiativeResult]


@dataclass
class FreeResult:
    question: Question
    rows: list[agg.ChoiceRow]
    number: tuple[int, float, float] | None = None


def _results(rnd: Round, area: agg.Area) -> dict[str, Any]:
    catalogue = _catalogue(rnd)
    current = round_answers(rnd)
    previous = round_answers(rnd.previous) if rnd.previous is not None else None
    asked = [q.initiative_slug for q in _asked(rnd, "status")]
    results = agg.initiative_results(catalogue, current, previous, area, asked)
    groups: list[ResultGroup] = []
    for r in results:
        if not groups or (groups[-1].kkr_name_da, groups[-1].title_da) != (
            r.kkr_name_da,
            r.parent_title_da,
        ):
            groups.append(ResultGroup(r.kkr_name_da, r.parent_title_da, []))
        groups[-1].results.append(r)
    if not area.is_national:  # the KKR's own goals first
        groups.sort(key=lambda g: g.kkr_name_da != area.name_da)
    free = []
    for q in rnd.questions.filter(kind__in=["yesno", "choice", "multichoice", "number"]):
        if q.kind == "number":
            free.append(FreeResult(q, [], agg.number_summary(current, q.qid, area)))
            continue
        choices = (
            [("ja", "Ja"), ("nej", "Nej")]
            if q.kind == "yesno"
            else [(c["value"], c["label_da"]) for c in q.choices]
        )
        free.append(FreeResult(q, agg.choice_shares(current, previous, q.qid, choices, area)))
    return {
        "round": rnd,
        "area": area,
        "area_note": None if area.is_national else scopes.unverified_note(area.code),
        "previous": rnd.previous,
        "answered": len(current.submitted_in(area)),
        "members": len(area.members),
        "groups": groups,
        "baselines": agg.baseline_figures(catalogue, current, area),
        "free": free,
    }


@login_required_unless_public
def results(request: HttpRequest, slug: str) -> HttpResponseBase:
    if not access.can_view_survey_results(request.user):
        raise PermissionDenied
    rnd = _round(slug)
    if not access.can_view_round_results(request.user, rnd):
        return refuse(request)
    area = _area(request)
    ctx = _results(rnd, area)
    ctx["area_groups"] = result_areas.area_groups(request.user)
    ctx["statuses"] = [(s, STATUS_LABELS[s]) for s in reversed(STATUS_VALUES)]
    # the five KKR and the user's own area (a sundhedsråd secretariat's)
    codes = sorted(set(KKR_NAMES) | set(access.managed_regions(request.user)))
    ctx["kkr_links"] = [
        (code, scopes.name(code))
        for code in codes
        if access.can_view_kkr_answers(request.user, code, rnd)
    ]
    ctx["published"] = access.is_published(rnd)
    ctx["can_publish"] = access.can_publish_round(request.user)
    return render(request, "survey/results.html", ctx)


@login_required
@require_POST
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    """Publish the round's per-municipality answers (``handling=offentliggoer``) or withdraw
    the publication (``handling=tilbagekald``): national administrators only."""
    if not access.can_publish_round(request.user):
        raise PermissionDenied
    rnd = _round(slug)
    action = request.POST.get("handling", "")
    if action not in ("offentliggoer", "tilbagekald"):
        messages.error(request, "Vælg at offentliggøre runden eller at trække den tilbage.")
        return redirect(reverse("survey:results", args=[rnd.slug]))
    try:
        services.publish_round(rnd, request.user, publish=action == "offentliggoer")
    except services.SurveyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Runden »{rnd.title_da}« er offentliggjort: alle brugere kan nu se kommunernes svar."
            if action == "offentliggoer"
            else f"Offentliggørelsen af »{rnd.title_da}« er trukket tilbage: kommunernes svar "
            "vises igen kun for kommunen selv, dens KKR-sekretariat og nationale administratorer.",
        )
    return redirect(reverse("survey:results", args=[rnd.slug]))


def _results_tables(ctx: dict[str, Any]) -> list[Table]:
    area: agg.Area = ctx["area"]
    rnd: Round = ctx["round"]
    notes = [f"{rnd.title_da}: {area.name_da}", f"Svar fra {ctx['answered']} af {ctx['members']}"]
    # a sundhedsråd's membership is not verified (issue 14): said as the results page says it
    area_notes = (
        [f"{area.name_da}s sammensætning er {ctx['area_note']}."] if ctx["area_note"] else []
    )
    notes += area_notes
    rows: list[list[Cell]] = []
    for group in ctx["groups"]:
        for r in group.results:
            for row in r.rows:
                rows.append(
                    [
                        group.kkr_name_da,
                        group.title_da,
                        agg.initiative_phrase(r.initiative),
                        r.initiative.kind or "",
                        row.label_da,
                        row.share.count,
                        row.share.total,
                        row.share.pct,
                        None if row.previous is None else row.previous.pct,
                        row.change_pp,
                        agg.sentence(row.share, row.status, r.initiative, area, asked=r.asked),
                    ]
                )
    status_table = Table(
        "Status pr. indsats",
        [
            "KKR-katalog",
            "Mål",
            "Indsats",
            "Skal/kan",
            "Status",
            "Antal kommuner",
            "Kommuner der har svaret",
            "Andel (pct.)",
            "Forrige runde (pct.)",
            "Ændring (procentpoint)",
            "Sætning",
        ],
        rows,
        notes,
    )
    base_rows: list[list[Cell]] = [
        [
            f.baseline.text_da,
            f.paper_text,
            f.area.name_da,
            f.measured.count,
            f.measured.total,
            f.measured.pct,
            f.change_pp(),
        ]
        for f in ctx["baselines"]
    ]
    baseline_table = Table(
        "Udgangspunkt",
        [
            "Udgangspunkt (rammepapiret)",
            "Rammepapiret",
            "Opgjort for",
            "Antal kommuner",
            "Kommuner der har svaret",
            "Andel nu (pct.)",
            "Ændring (procentpoint)",
        ],
        base_rows,
        [f"{rnd.title_da}: rammepapirets udgangspunkt opgjort efter samme definition", *area_notes],
    )
    free_rows: list[list[Cell]] = []
    for f in ctx["free"]:
        if f.number is not None:
            n, total, median = f.number
            free_rows.append([f.question.text_da, "Antal i alt", n, None, total, None])
            free_rows.append([f.question.text_da, "Median", n, None, median, None])
        for row in f.rows:
            free_rows.append(
                [
                    f.question.text_da,
                    row.label_da,
                    row.share.total,
                    row.share.count,
                    row.share.pct,
                    row.change_pp,
                ]
            )
    free_table = Table(
        "Øvrige spørgsmål",
        [
            "Spørgsmål",
            "Svar",
            "Kommuner der har svaret",
            "Antal kommuner",
            "Andel (pct.) / tal",
            "Ændring (procentpoint)",
        ],
        free_rows,
        notes,
    )
    return [status_table, baseline_table, free_table]


@login_required_unless_public
def results_download(request: HttpRequest, slug: str, fmt: str) -> HttpResponseBase:
    if fmt not in FORMATS:
        raise Http404("Ukendt format")
    if not access.can_view_survey_results(request.user):
        raise PermissionDenied
    rnd = _round(slug)
    if not access.can_view_round_results(request.user, rnd):
        return refuse(request)
    area = _area(request)
    tables = _results_tables(_results(rnd, area))
    name = f"resultater-{rnd.slug}-{slugify(area.name_da)}"
    return _download(tables, fmt, name)


def _download(tables: list[Table], fmt: str, name: str) -> HttpResponse:
    data = write_csv(tables[0]) if fmt == "csv" else write_xlsx(tables)
    response = HttpResponse(data, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# --- Bilag 1 and the pilots ------------------------------------------------------------------------


@dataclass
class Bilag1Table:
    heading: str
    initiatives: list[Initiative]
    rows: list[tuple[agg.MunicipalityRow, list[tuple[str | None, str, str, str]]]]


def _kkr_initiatives(rnd: Round, catalogue: Catalogue, region_code: int) -> list[Initiative]:
    """The KKR's own initiatives that the round asks about; a KKR without its own goals gets
    every initiative of the round (the common frame)."""
    asked = [q.initiative_slug for q in _asked(rnd, "status")]
    known = _initiatives(catalogue)
    own = [known[i][1] for i in asked if i in known and known[i][0] == region_code]
    return own or [known[i][1] for i in asked if i in known]


def _get_round_for_kkr_answers(request: HttpRequest, slug: str, region_code: int) -> Round:
    """The round, when the user may see every answer of the KKR's municipalities in it."""
    if not scopes.is_scope(region_code):
        raise Http404("Ukendt KKR")
    rnd = _round(slug)
    if not access.can_view_kkr_answers(request.user, region_code, rnd):
        raise PermissionDenied
    return rnd


def _bilag1(rnd: Round, region_code: int) -> dict[str, Any]:
    catalogue = _catalogue(rnd)
    current = round_answers(rnd)
    initiatives = _kkr_initiatives(rnd, catalogue, region_code)
    tables = []
    for kind in ("skal", "kan", None):
        chosen = [i for i in initiatives if i.kind == kind]
        if not chosen:
            continue
        rows = []
        for row in agg.municipality_table(current, [i.id for i in chosen], region_code):
            cells: list[tuple[str | None, str, str, str]] = []
            for ini, status in zip(chosen, row.statuses, strict=True):
                if status is None:
                    label = (
                        "Ikke indsendt"
                        if not row.submitted
                        else agg.NO_ANSWER_LABEL
                        if current.was_asked(row.kommunekode, agg.status_qid(ini.id))
                        else "Ikke spurgt"
                    )
                    cells.append((None, "·", "–", label))
                else:
                    symbol, short = STATUS_SYMBOLS[status]
                    cells.append((status, symbol, short, STATUS_LABELS[status]))
            rows.append((row, cells))
        tables.append(Bilag1Table(KIND_HEADINGS[kind], chosen, rows))
    kan = [i.id for i in initiatives if i.kind == "kan"]
    area = agg.kkr_area(region_code)
    pilots = [
        (next(i for i in initiatives if i.id == ini), found)
        for ini, found in agg.pilot_overview(current, kan, area)
    ]
    free = list(rnd.questions.filter(kind__in=["yesno", "choice", "multichoice", "number", "text"]))
    free_rows: list[list[Cell]] = []
    for r in agg.municipality_table(current, [], region_code):
        if r.submitted:
            line: list[Cell] = [r.name_da, r.kommunekode]
            line += [_cell(q, current.value(r.kommunekode, q.qid)) for q in free]
            free_rows.append(line)
    texts = [
        (r.kommunekode, r.name_da, current.tilbagemeldinger.get(r.kommunekode, ""))
        for r in agg.municipality_table(current, [], region_code)
        if r.submitted
    ]
    return {
        "round": rnd,
        "region_code": region_code,
        "kkr_name": scopes.name(region_code),
        "area_note": scopes.unverified_note(region_code),
        "tables": tables,
        "pilots": pilots,
        "tilbagemeldinger": texts,
        "free_questions": free,
        "free_rows": free_rows,
        "answered": len(current.submitted_in(area)),
        "members": len(area.members),
        "legend": [(s, *STATUS_SYMBOLS[s], STATUS_LABELS[s]) for s in reversed(STATUS_VALUES)],
    }


@login_required
def bilag1(request: HttpRequest, slug: str, region_code: int) -> HttpResponse:
    rnd = _get_round_for_kkr_answers(request, slug, region_code)
    return render(request, "survey/bilag1.html", _bilag1(rnd, region_code))


@login_required
def pilots(request: HttpRequest, slug: str, region_code: int) -> HttpResponse:
    rnd = _get_round_for_kkr_answers(request, slug, region_code)
    return render(request, "survey/pilots.html", _bilag1(rnd, region_code))


def _bilag1_tables(ctx: dict[str, Any]) -> list[Table]:
    rnd: Round = ctx["round"]
    note = [f"Bilag 1: Kommunefordelte data – {ctx['kkr_name']}, {rnd.title_da}"]
    sheets = []
    texts = {code: text for code, _, text in ctx["tilbagemeldinger"]}
    combined_cols: list[str] = ["Kommune", "Kommunekode", "Indsendt"]
    combined: dict[int, list[Cell]] = {}
    for t in ctx["tables"]:
        cols = [
            f"{COLUMN_PREFIX[i.kind]}: {_capfirst(agg.initiative_phrase(i))}" for i in t.initiatives
        ]
        combined_cols += cols
        rows: list[list[Cell]] = []
        for row, cells in t.rows:
            labels: list[Cell] = [label if s is not None else "" for s, _, _, label in cells]
            base: list[Cell] = [row.name_da, row.kommunekode, "ja" if row.submitted else "nej"]
            rows.append(base + labels)
            combined.setdefault(row.kommunekode, base)
            combined[row.kommunekode] = combined[row.kommunekode] + labels
        sheets.append(
            Table(
                f"Bilag 1 {t.heading}",
                ["Kommune", "Kommunekode", "Indsendt", *cols],
                rows,
                note,
            )
        )
    combined_rows = [[*row, texts.get(code, "")] for code, row in combined.items()]
    first = Table("Bilag 1", [*combined_cols, "Tilbagemelding"], combined_rows, note)
    pilot_rows: list[list[Cell]] = [
        [agg.initiative_phrase(ini), p.name_da, p.kommunekode, p.partners_text]
        for ini, found in ctx["pilots"]
        for p in found
    ]
    pilots_sheet = Table(
        "Pilotkommuner", ["Kan-opgave", "Kommune", "Kommunekode", "Sammen med"], pilot_rows, note
    )
    text_sheet = Table(
        "Tilbagemeldinger",
        ["Kommunekode", "Kommune", "Tilbagemelding"],
        [[code, name, text] for code, name, text in ctx["tilbagemeldinger"]],
        note,
    )
    free_sheet = Table(
        "Øvrige svar",
        ["Kommune", "Kommunekode", *(q.text_da for q in ctx["free_questions"])],
        ctx["free_rows"],
        note,
    )
    return [first, *sheets, pilots_sheet, free_sheet, text_sheet]


def _cell(question: Question, value: Any) -> Cell:
    """A free question's answer for a spreadsheet: numbers as numbers, the rest as Danish text."""
    if value is None:
        return None
    if question.kind == "number":
        return value if isinstance(value, int | float) and not isinstance(value, bool) else None
    return format_value(question.spec(), value)


@login_required
def bilag1_download(request: HttpRequest, slug: str, region_code: int, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404("Ukendt format")
    rnd = _get_round_for_kkr_answers(request, slug, region_code)
    tables = _bilag1_tables(_bilag1(rnd, region_code))
    return _download(tables, fmt, f"bilag1-{rnd.slug}-{slugify(scopes.name(region_code))}")
