"""The status-round pages. Each view checks access with ``naersund.web.accounts.access``, then
calls :mod:`naersund.web.survey.services` (the only writer) and renders.

Who may do what: a municipality's editors answer for it (draft, submit, reopen while the round
is open); national administrators may answer for any; a KKR secretariat reads its own
municipalities' answers, follows completion and imports answers for them; everyone else gets
403 on answers. The round list is open to every logged-in user (and its closed rounds to
everyone when the results are public, ``access.can_view_round_results``).
"""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from naersund.refdata import scopes
from naersund.survey.importing import LIMITS, MB
from naersund.survey.questions import (
    STATUS_LABELS,
    municipality_name,
    municipality_regions,
)
from naersund.web.accounts import access
from naersund.web.accounts.decorators import login_required_unless_public
from naersund.web.pagination import paginate
from naersund.web.params import query_int
from naersund.web.survey import completion, pdf, services
from naersund.web.survey import questionnaire as page
from naersund.web.survey.forms import ImportForm, build_items, read_post
from naersund.web.survey.models import Question, Round

IMPORT_PROBLEMS_SHOWN = 100


def _round(slug: str) -> Round:
    return get_object_or_404(Round, slug=slug)


def _municipality(kommunekode: int) -> int:
    if kommunekode not in municipality_regions():
        raise Http404("Ukendt kommune")
    return kommunekode


@login_required_unless_public
def round_list(request: HttpRequest) -> HttpResponse:
    if not access.can_view_survey_results(request.user):
        raise PermissionDenied
    membership = access.role_of(request.user)
    own = (
        membership.kommunekode if membership and membership.role == "municipality_editor" else None
    )
    regions = access.managed_regions(request.user)
    # the public (results open to everyone) sees the closed rounds, whose results it may read
    visible = [r for r in Round.objects.all() if access.can_view_round_results(request.user, r)]
    pages = paginate(request, visible, "Sider i listen over statusrunder")
    rounds = []
    for rnd in pages.rows:
        response = services.response_of(rnd, own) if own is not None else None
        rounds.append({"round": rnd, "own_response": response})
    ctx = {
        "rounds": rounds,
        "pages": pages,
        "own": own,
        "own_name": municipality_name(own) if own is not None else "",
        "regions": [(code, scopes.name(code)) for code in regions],
        "is_admin": access.is_national_admin(request.user),
    }
    return render(request, "survey/round_list.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire(request: HttpRequest, slug: str, kommunekode: int) -> HttpResponse:
    rnd = _round(slug)
    kommunekode = _municipality(kommunekode)
    if not access.can_view_response(request.user, kommunekode):
        raise PermissionDenied
    if request.method == "GET":
        return render(
            request,
            "survey/questionnaire.html",
            page.page_context(request.user, rnd, kommunekode),
        )
    if not access.can_edit_municipality(request.user, kommunekode):
        raise PermissionDenied
    action = request.POST.get("action", "gem")
    here = reverse("survey:questionnaire", args=[rnd.slug, kommunekode])
    try:
        if action == "overfoer":
            return _carry_over(request, rnd, kommunekode)
        if action == "genaabn":
            services.reopen(rnd, kommunekode, request.user)
            messages.success(request, "Besvarelsen er genåbnet. Du kan nu rette og indsende igen.")
            return redirect(here)
        return _save(request, rnd, kommunekode, submit=action == "indsend")
    except services.SurveyError as exc:
        messages.error(request, str(exc))
        return redirect(here)


def _save(request: HttpRequest, rnd: Round, kommunekode: int, submit: bool) -> HttpResponse:
    here = reverse("survey:questionnaire", args=[rnd.slug, kommunekode])
    questions = page.questions_of(rnd, kommunekode)
    posted = read_post(request.POST, questions, kommunekode)
    errors = dict(posted.errors)
    conflicts: dict[str, str] = {}
    versions = dict(posted.versions)
    if not errors:
        try:
            result = services.save_answers(
                rnd,
                kommunekode,
                request.user,
                posted.values,
                posted.versions,
                tilbagemelding=posted.tilbagemelding,
                response_version=posted.response_version,
            )
        except services.InvalidAnswers as exc:
            errors = exc.errors
        except services.Conflict as exc:
            conflicts = exc.conflicts
        else:
            if submit:
                try:
                    services.submit(rnd, kommunekode, request.user)
                except services.SurveyError as exc:
                    messages.error(request, f"Svarene er gemt som kladde, men {exc}")
                    return redirect(here)
                messages.success(request, "Besvarelsen er gemt og indsendt. Tak.")
            elif result.changed:
                messages.success(request, f"Kladden er gemt ({len(result.changed)} ændringer).")
            else:
                messages.info(request, "Der var ingen ændringer at gemme.")
            return redirect(here)
    # Show the form again: what the user typed, except where someone else's newer answer
    # must be seen first (a conflict shows the stored answer and its new version).
    answers = services.answers_of(services.response_of(rnd, kommunekode))
    values = dict(posted.values)
    for qid in conflicts:
        values.pop(qid, None)
        versions.pop(qid, None)
    items = build_items(questions, answers, values, posted.texts, versions)
    for item in items:
        item.error = errors.get(item.spec.qid, "")
        item.conflict = conflicts.get(item.spec.qid, "")
    ctx = page.page_context(request.user, rnd, kommunekode, items)
    ctx["errors"] = [(i, i.error) for i in items if i.error]
    ctx["conflicts"] = [(i, i.conflict) for i in items if i.conflict]
    ctx["text_conflict"] = conflicts.get("tilbagemelding", "")
    if "tilbagemelding" in conflicts:
        response = services.response_of(rnd, kommunekode)
        ctx["tilbagemelding"] = response.tilbagemelding if response else ""
        ctx["mine"] = posted.tilbagemelding
    else:
        ctx["tilbagemelding"] = posted.tilbagemelding
        if posted.response_version is not None:
            ctx["response_version"] = posted.response_version
    return render(request, "survey/questionnaire.html", ctx, status=400 if errors else 409)


def _carry_over(request: HttpRequest, rnd: Round, kommunekode: int) -> HttpResponse:
    """The form again, as posted, with last round's answers in the questions left empty; only
    saving or submitting writes them."""
    response = services.response_of(rnd, kommunekode)
    if not rnd.is_open() or (response is not None and response.is_submitted):
        raise services.WrongState("Besvarelsen kan ikke ændres nu; intet er overført.")
    questions = page.questions_of(rnd, kommunekode)
    posted = read_post(request.POST, questions, kommunekode)
    items, carried = page.carried_items(rnd, kommunekode, questions, posted)
    ctx = page.page_context(request.user, rnd, kommunekode, items)
    ctx["errors"] = [(i, i.error) for i in items if i.error]
    ctx["tilbagemelding"] = posted.tilbagemelding
    if posted.response_version is not None:
        ctx["response_version"] = posted.response_version
    title = ctx["previous_title"] or "forrige runde"
    ctx["notice"] = (
        f"{carried} svar er overført fra {title} og markeret »Overført«. De er ikke gemt: "
        "se dem igennem, ret det, der har ændret sig, og gem eller indsend."
        if carried
        else f"Der var ingen svar at overføre fra {title}: felterne er allerede udfyldt, "
        "eller kommunen svarede ikke på dem."
    )
    return render(request, "survey/questionnaire.html", ctx)


@login_required
def answers_pdf(request: HttpRequest, slug: str, kommunekode: int) -> HttpResponse:
    """A submitted response as a PDF for the municipality's own records: for those who may see
    the municipality's answers in the round (:func:`access.can_view_answers`)."""
    rnd = _round(slug)
    kommunekode = _municipality(kommunekode)
    if not access.can_view_answers(request.user, kommunekode, rnd):
        raise PermissionDenied
    response = services.response_of(rnd, kommunekode)
    if response is None or not response.is_submitted:
        raise Http404("Besvarelsen er ikke indsendt.")
    data = pdf.answers_pdf(
        pdf.pdf_context(
            rnd,
            kommunekode,
            response,
            name_submitter=access.can_view_response(request.user, kommunekode),
        )
    )
    out = HttpResponse(data, content_type="application/pdf")
    out["Content-Disposition"] = f'attachment; filename="besvarelse-{rnd.slug}-{kommunekode}.pdf"'
    return out


@login_required
def history(request: HttpRequest, slug: str, kommunekode: int) -> HttpResponse:
    rnd = _round(slug)
    kommunekode = _municipality(kommunekode)
    if not access.can_view_response(request.user, kommunekode):
        raise PermissionDenied
    response = services.response_of(rnd, kommunekode)
    changes = []
    if response is not None:
        for change in response.changes.select_related("question", "changed_by"):
            changes.append({"change": change, **change.describe()})
    ctx = {
        "round": rnd,
        "kommunekode": kommunekode,
        "name": municipality_name(kommunekode),
        "changes": changes,
    }
    return render(request, "survey/history.html", ctx)


def _regions_for(request: HttpRequest) -> list[int]:
    regions = access.managed_regions(request.user)
    if not regions:
        raise PermissionDenied
    return regions


@login_required
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    rnd = _round(slug)
    regions = _regions_for(request)
    wanted = query_int(request.GET, "kkr", max_digits=4)
    if wanted is not None:
        # a national administrator may ask for any area (a sundhedsråd), not only the five KKR
        if wanted not in regions and not access.can_manage_region(request.user, wanted):
            raise PermissionDenied
        regions = [wanted]
    blocks = []
    every = completion.completion(rnd, region_code=regions[0] if len(regions) == 1 else None)
    for code in regions:
        rows = [r for r in every if r.kommunekode in scopes.members(code)]
        counts = {
            state: sum(r.state == state for r in rows) for state in completion.COMPLETION_LABELS
        }
        blocks.append({"code": code, "name": scopes.name(code), "rows": rows, "counts": counts})
    ctx = {
        "round": rnd,
        "blocks": blocks,
        "labels": completion.COMPLETION_LABELS,
        "all_regions": [(c, scopes.name(c)) for c in access.managed_regions(request.user)],
        "selected": wanted,
    }
    return render(request, "survey/overview.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def import_answers(request: HttpRequest, slug: str) -> HttpResponse:
    rnd = _round(slug)
    regions = _regions_for(request)
    region = None if access.is_national_admin(request.user) else regions[0]
    problems: list[str] = []
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and _body_too_large(request):
        # The file was read past, not kept (settings: uploads); say so before any form error.
        form = ImportForm()
        problems = [f"Filen er for stor: grænsen er {LIMITS.max_bytes // MB} MB. Intet er indlæst."]
        status = 413
    else:
        form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and not problems and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.import_answers(
                rnd,
                upload.read(),
                upload.name,
                request.user,
                region_code=region,
                submit_after=form.cleaned_data["submit_after"],
            )
        except services.ImportRefused as exc:
            problems = exc.problems
        except services.SurveyError as exc:
            problems = [str(exc)]
        else:
            messages.success(
                request,
                f"{upload.name} er indlæst: {result.municipalities} kommuner, "
                f"{result.answers_changed} svar ændret, {result.submitted} besvarelser indsendt.",
            )
            return redirect(reverse("survey:overview", args=[rnd.slug]))
    questions = list(rnd.questions.all())
    ctx = {
        "round": rnd,
        "form": form,
        "problems": problems[:IMPORT_PROBLEMS_SHOWN],
        "more_problems": max(0, len(problems) - IMPORT_PROBLEMS_SHOWN),
        "region_name": scopes.name(region) if region else "alle KKR",
        "questions": questions,
        "status_labels": STATUS_LABELS,
        "limits": LIMITS.summary_da(),
    }
    return render(request, "survey/import.html", ctx, status=status)


def _body_too_large(request: HttpRequest) -> bool:
    """Whether the request body is larger than an upload may be (by its Content-Length, which
    is all Django reads of a body)."""
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not (length.isascii() and length.isdigit()):
        return False  # Django reads such a body as empty
    return int(length) > settings.NAERSUND_MAX_UPLOAD_BYTES


@login_required
def import_template(request: HttpRequest, slug: str) -> HttpResponse:
    """A CSV with one row per municipality the user may import for and a column per question
    asked of at least one of them."""
    rnd = _round(slug)
    regions = _regions_for(request)
    codes = sorted(k for code in regions for k in scopes.members(code))
    questions: list[Question] = [
        q for q in rnd.questions.all() if any(q.applies_to(code) for code in codes)
    ]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["kommunekode", "kommune", *[q.qid for q in questions], "tilbagemelding"])
    for code in codes:
        writer.writerow([code, municipality_name(code)] + [""] * (len(questions) + 1))
    response = HttpResponse(out.getvalue().encode("utf-8-sig"), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="skabelon-{rnd.slug}.csv"'
    return response
