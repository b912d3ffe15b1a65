"""The front page (``/``) for a logged-in user: their area (municipality, KKR or Denmark, from
their role), the latest headline figures of that area (the KKR's central indicators first),
the open status round and what is missing in it for them, and the latest release. When the
results are public, an anonymous visitor gets a national overview (:func:`public_front_page`).

A reader module: it fetches, authorises and returns a plain :class:`FrontPage` that the
template renders; the view only calls :func:`front_page`. Figures come from the one owner of
figures, :meth:`naersund.analysis.PublishedResults.figure`; nothing is computed here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import timezone

from naersund.analysis import PublishedResults
from naersund.analysis.benchmark import comparison_label
from naersund.analysis.profiles import IndicatorInfo, municipality_names, municipality_region
from naersund.analysis.published import Figure
from naersund.catalogue.central import SOURCE_SENTENCE_DA, central_order
from naersund.refdata import KKR_NAMES, NATIONAL_CODE, scopes
from naersund.web.accounts import access
from naersund.web.accounts.models import Role
from naersund.web.dashboard import context as ctx
from naersund.web.dashboard import releases
from naersund.web.dashboard.models import Release
from naersund.web.dashboard.templatetags.dashboard import BADGES, SYMBOLS
from naersund.web.survey import completion, services
from naersund.web.survey.models import Round

MISSING_SHOWN = 5  # questions named on the front page; the questionnaire lists all


@dataclass(frozen=True)
class Area:
    """The area a user follows: ``level`` is the results' level (kommune, region, land)."""

    level: str
    code: int
    name: str
    scope_level: str = "kkr"  # a secretariat's area level (its Områdeoverblik's)

    @property
    def kind_da(self) -> str:
        return {"kommune": "Kommune", "region": "KKR", "land": "Hele landet"}[self.level]


@dataclass(frozen=True)
class HeadlineFigure:
    """One indicator's latest figure for the area, as the front page shows it."""

    info: IndicatorInfo
    figure: Figure
    url: str
    central: bool = False

    @property
    def verdict_da(self) -> str:
        return comparison_label(self.figure.verdict)

    @property
    def symbol(self) -> str:
        return SYMBOLS.get(self.figure.verdict, "–")

    @property
    def badge(self) -> str:
        return BADGES.get(self.figure.verdict, "")

    @property
    def compared(self) -> bool:
        return self.figure.level != "land"


@dataclass(frozen=True)
class RoundStatus:
    """The open round as the user answers or follows it.

    For a municipality (``own`` set): its response state and the status questions it has
    not answered. For a KKR or Denmark (``counts`` set): how many municipalities have
    submitted, and which have not."""

    round: Round
    own: bool = False
    state_da: str = ""
    answered: int = 0
    asked: int = 0
    missing: list[str] = field(default_factory=list)
    n_missing: int = 0
    answer_url: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    not_submitted: list[str] = field(default_factory=list)
    overview_url: str = ""

    @property
    def missing_more(self) -> int:
        return max(0, self.n_missing - len(self.missing))

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class FrontPage:
    area: Area | None
    role_da: str
    release: Release | None
    figures: list[HeadlineFigure]
    open_round: Round | None
    round_status: RoundStatus | None
    kkr_name: str = ""  # the KKR whose central indicators lead the figures

    @property
    def central_figures(self) -> list[HeadlineFigure]:
        return [h for h in self.figures if h.central]

    @property
    def other_figures(self) -> list[HeadlineFigure]:
        return [h for h in self.figures if not h.central]

    @property
    def source_sentence(self) -> str:
        return SOURCE_SENTENCE_DA


def area_of(user: Any) -> Area | None:
    """The user's area from their role: an editor's municipality, a secretariat's KKR, and
    Denmark for national administrators and readers; None without a role."""
    m = access.role_of(user)
    if m is None:
        return None
    if m.role == Role.MUNICIPALITY_EDITOR and m.kommunekode is not None:
        name = municipality_names().get(m.kommunekode, str(m.kommunekode))
        return Area("kommune", m.kommunekode, name)
    if m.role == Role.KKR_SECRETARY and m.region_code is not None:
        return Area("region", m.region_code, scopes.name(m.region_code), m.area_level or "kkr")
    return Area("land", NATIONAL_CODE, "Danmark")


def _figure_url(area: Area, indicator: str, year: int) -> str:
    if area.level == "kommune":
        return reverse("dashboard:kommune", args=[area.code]) + f"?aar={year}"
    if area.level == "region":
        args = [area.scope_level, area.code]
        return reverse("dashboard:omraade", args=args) + f"?aar={year}"
    return reverse("dashboard:sammenlign") + f"?indikator={indicator}&aar={year}"


def kkr_of(area: Area) -> int | None:
    """The KKR (region code) whose central indicators lead the area's page: a KKR's own, a
    municipality's KKR's; None for Denmark."""
    if area.level == "region":
        return area.code
    if area.level == "kommune":
        return municipality_region().get(area.code)
    return None


def headline_figures(
    pub: PublishedResults, area: Area, infos: dict[str, IndicatorInfo], catalogue: Any = None
) -> list[HeadlineFigure]:
    """Each indicator's figure for the area in the latest year the release has it
    (:meth:`PublishedResults.figure`, the headline measure): the area's KKR's central
    indicators first, in the KKR's chosen order (:func:`central_order`, as the political pack
    and the Områdeoverblik), then the others in definition order."""
    order = central_order(catalogue, kkr_of(area), infos)
    out = []
    for ind in order.ordered:
        info = infos[ind]
        for year in reversed(pub.years):
            f = pub.figure(info.id, area.level, area.code, year, catalogue)
            if f.present:
                url = _figure_url(area, info.id, year)
                out.append(HeadlineFigure(info, f, url, order.is_central(ind)))
                break
    return out


def open_round(today: dt.date | None = None) -> Round | None:
    """The status round open for answers today (the one closing first, when several are)."""
    day = today or timezone.localdate()
    return (
        Round.objects.filter(opens_on__lte=day, closes_on__gte=day)
        .order_by("closes_on", "-year", "slug")
        .first()
    )


def round_status(user: Any, area: Area, rnd: Round) -> RoundStatus | None:
    """What the user answers or follows in ``rnd``: a municipality's own response (for those
    who may see it, ``access.can_view_response``), a KKR's or all municipalities' completion
    (for those who manage it, ``access.managed_regions``); None for everyone else."""
    if area.level == "kommune":
        if not access.can_view_response(user, area.code):
            return None
        response = services.response_of(rnd, area.code)
        asked = services.questions_for(rnd, area.code)
        answers = services.answers_of(response)
        answered = sum(1 for q in asked if q.qid in answers and answers[q.qid].value is not None)
        missing = services.missing_status(rnd, response)
        if response is None:
            missing = [q for q in missing if q.applies_to(area.code)]
        state = "not_started" if response is None else response.state
        can_edit = access.can_edit_municipality(user, area.code)
        return RoundStatus(
            round=rnd,
            own=True,
            state_da=completion.COMPLETION_LABELS[state],
            answered=answered,
            asked=len(asked),
            missing=[q.text_da for q in missing[:MISSING_SHOWN]],
            n_missing=len(missing),
            answer_url=(
                reverse("survey:questionnaire", args=[rnd.slug, area.code]) if can_edit else ""
            ),
        )
    managed = access.managed_regions(user)
    if area.level == "region" and area.code in managed:
        rows = completion.completion(rnd, region_code=area.code)
        url = reverse("survey:overview", args=[rnd.slug]) + f"?kkr={area.code}"
    elif area.level == "land" and access.is_national_admin(user):
        rows = completion.completion(rnd)
        url = reverse("survey:overview", args=[rnd.slug])
    else:
        return None
    counts = {state: sum(r.state == state for r in rows) for state in completion.COMPLETION_LABELS}
    return RoundStatus(
        round=rnd,
        counts=counts,
        not_submitted=[r.name for r in rows if r.state != "submitted"],
        overview_url=url,
    )


def front_page(user: Any, today: dt.date | None = None) -> FrontPage:
    """Everything the front page shows for ``user`` (logged in)."""
    area = area_of(user)
    m = access.role_of(user)
    role_da = Role(m.role).label if m is not None else "Ingen rolle"
    release = releases.current_release()
    figures: list[HeadlineFigure] = []
    if release is not None and area is not None:
        pub = releases.results_of(release)
        figures = headline_figures(pub, area, ctx.infos(), ctx.catalogue_state()[0])
    rnd = open_round(today)
    status = round_status(user, area, rnd) if rnd is not None and area is not None else None
    kkr = kkr_of(area) if area is not None else None
    return FrontPage(
        area=area,
        role_da=role_da,
        release=release,
        figures=figures,
        open_round=rnd,
        round_status=status,
        kkr_name=KKR_NAMES.get(kkr, "") if kkr is not None else "",
    )


def public_front_page() -> FrontPage:
    """The front page for an anonymous visitor when the results are public
    (``access.results_are_public``): Denmark's latest headline figures and the latest
    release; nothing of any round in progress and nothing of a municipality's answers."""
    release = releases.current_release()
    area = Area("land", NATIONAL_CODE, "Danmark")
    figures: list[HeadlineFigure] = []
    if release is not None:
        pub = releases.results_of(release)
        figures = headline_figures(pub, area, ctx.infos(), ctx.catalogue_state()[0])
    return FrontPage(
        area=area,
        role_da="",
        release=release,
        figures=figures,
        open_round=None,
        round_status=None,
    )
