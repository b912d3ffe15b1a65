"""A submitted response as a PDF (WeasyPrint, like the report packs) for the municipality's own
records: the round, the municipality and its KKR, who submitted it and when, every question
asked with its answer, and the tilbagemelding."""

from __future__ import annotations

from typing import Any, NoReturn

from django.template.loader import render_to_string
from django.utils import timezone

from naersund.refdata import KKR_NAMES
from naersund.survey.questions import municipality_name, municipality_regions
from naersund.web.survey import services
from naersund.web.survey.forms import build_items
from naersund.web.survey.models import Response, Round
from naersund.web.survey.questionnaire import questions_of, sections_of


def pdf_context(
    rnd: Round, kommunekode: int, response: Response, *, name_submitter: bool
) -> dict[str, Any]:
    """What the PDF shows. ``name_submitter``: the user may see who submitted (the
    municipality's own people, its KKR, administrators; not every reader of a published
    round)."""
    items = build_items(questions_of(rnd, kommunekode), services.answers_of(response))
    return {
        "round": rnd,
        "kommunekode": kommunekode,
        "name": municipality_name(kommunekode),
        "region_name": KKR_NAMES.get(municipality_regions()[kommunekode], ""),
        "response": response,
        "submitted_by": services.user_name(response.submitted_by) if name_submitter else "",
        "sections": sections_of(items),
        "answered": sum(1 for i in items if i.value is not None),
        "asked": len(items),
        "has_money": any(i.spec.kind == "kroner" and i.spec.initiative_id for i in items),
        "printed_at": timezone.localtime(),
    }


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    """The page is self-contained: WeasyPrint fetches nothing (no file, no network)."""
    raise ValueError(f"no resources are fetched for the PDF ({url[:40]})")


def answers_pdf(context: dict[str, Any]) -> bytes:
    import weasyprint

    html = render_to_string("survey/answers_pdf.html", context)
    # the style sheet apart from the page (no <style> in templates: the site's CSP forbids it)
    css = weasyprint.CSS(string=render_to_string("survey/answers_pdf.css", context))
    page = weasyprint.HTML(string=html, url_fetcher=_no_fetching)
    out: bytes = page.write_pdf(stylesheets=[css])
    return out
