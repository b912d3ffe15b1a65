"""``Opret statusrunde``: a KKR secretariat (for its KKR's municipalities) or a national
administrator creates a status round and keeps or drops the follow-up questions the latest
release proposes (:mod:`naersund.web.survey.new_round` assembles the page and writes)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from naersund.web.accounts import access
from naersund.web.survey import new_round, services


@login_required
@require_http_methods(["GET", "POST"])
def create_round(request: HttpRequest) -> HttpResponse:
    regions = access.managed_regions(request.user)
    if not regions:
        raise PermissionDenied
    problem = ""
    if request.method == "POST":
        form = new_round.RoundForm(request.POST)
        kept = set(request.POST.getlist(new_round.KEEP))
        shown = new_round.proposals_for(regions, kept)
        seen = "" if shown.release_id is None else str(shown.release_id)
        if seen != request.POST.get(new_round.RELEASE, ""):
            problem = (
                "Der er kommet en ny udgivelse, siden siden blev åbnet; se forslagene igen og "
                "opret runden. Intet er gemt."
            )
            shown = new_round.proposals_for(regions)
        elif form.is_valid():
            try:
                rnd = new_round.create(form, shown)
            except services.SurveyError as exc:
                problem = f"{exc} Intet er gemt."
            else:
                n = sum(1 for s in shown.items if s.keep)
                messages.success(
                    request,
                    f"Runden »{rnd.title_da}« er oprettet med {n} opfølgningsspørgsmål.",
                )
                return redirect(reverse("survey:rounds"))
    else:
        form = new_round.RoundForm(initial=new_round.initial(timezone.localdate()))
        shown = new_round.proposals_for(regions)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "survey/new_round.html",
        {
            "form": form,
            "shown": shown,
            "problem": problem,
            "keep": new_round.KEEP,
            "release_field": new_round.RELEASE,
        },
        status=status,
    )
