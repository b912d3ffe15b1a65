"""Økonomi i statusrunden: what the money answers of a round add up to (per area), beside each
initiative's status coverage and stored effect estimates, with the municipalities' own amounts
for those who may see them; and its XLSX. Thin: access, parameters, then
:mod:`naersund.web.survey.round_money`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify

from naersund.survey.export import write_xlsx
from naersund.survey.money_export import amount_text, money_tables, notes, share_text
from naersund.web.accounts import access
from naersund.web.survey.models import Round
from naersund.web.survey.result_areas import area_groups
from naersund.web.survey.round_money import is_synthetic, money_for, own_answers
from naersund.web.survey.views_results import FORMATS, _area


def _get_round_for_user(request: HttpRequest, slug: str) -> Round:
    """The round, when the user may see its aggregated results (every logged-in user)."""
    if not access.can_view_survey_results(request.user):
        raise PermissionDenied
    rnd = get_object_or_404(Round, slug=slug)
    if not access.can_view_round_results(request.user, rnd):
        raise PermissionDenied
    return rnd


@login_required
def round_money(request: HttpRequest, slug: str) -> HttpResponse:
    rnd = _get_round_for_user(request, slug)
    area = _area(request)
    money = money_for(request.user, rnd, area)
    synthetic = is_synthetic(rnd)
    questions, own = own_answers(request.user, rnd, area)
    labels = {i.initiative_id: i.money.label_da for i in money.initiatives}
    headers = [labels.get(q.initiative_slug, q.text_da) for q in questions]
    context = {
        "round": rnd,
        "area": area,
        "area_groups": area_groups(request.user),
        "money": money,
        "initiatives": [
            (i, amount_text(i.money, money.min_amounts), share_text(i.money))
            for i in money.initiatives
        ],
        "themes": [(t, amount_text(t, money.min_amounts), share_text(t)) for t in money.themes],
        "notes": notes(money, synthetic),
        "synthetic": synthetic,
        "headers": headers,
        "own": own,
    }
    return render(request, "survey/money.html", context)


@login_required
def round_money_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    rnd = _get_round_for_user(request, slug)
    area = _area(request)
    tables = money_tables(money_for(request.user, rnd, area), is_synthetic(rnd))
    response = HttpResponse(write_xlsx(tables), content_type=FORMATS["xlsx"])
    name = f"oekonomi-{rnd.slug}-{slugify(area.name_da)}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
