"""Report packs from what the web app holds: the published release, the current goal
catalogue and the latest status round. Reads, then hands plain data to
:mod:`naersund.reports` (the library builds and renders); the CLI (``naersund report``) and
the download view both come through here."""

from __future__ import annotations

from typing import Any

from naersund.catalogue import Catalogue, load_catalogue
from naersund.refdata import region_of
from naersund.reports import ReportInput
from naersund.reports.load import release_definitions
from naersund.survey.aggregate import RoundAnswers
from naersund.web.accounts import access
from naersund.web.catalogue.store import catalogue_from_db, current_version
from naersund.web.dashboard import releases
from naersund.web.survey.models import Round
from naersund.web.survey.views_results import round_answers


def current_catalogue() -> Catalogue:
    """The catalogue version in force in the app database (the shipped one before any load)."""
    version = current_version()
    return catalogue_from_db(version) if version is not None else load_catalogue()


def latest_round(year: int) -> Round | None:
    """The latest status round of ``year`` or before (a 2014 pack shows the 2014 round, not
    a later one); None when there is none."""
    return Round.objects.filter(year__lte=year).order_by("-year", "-created_at").first()


def survey_answers(year: int) -> RoundAnswers | None:
    rnd = latest_round(year)
    return round_answers(rnd) if rnd is not None else None


def visible_answers(user: Any) -> frozenset[int]:
    """The municipalities whose own survey answers ``user`` may read
    (:func:`access.can_view_response`)."""
    return frozenset(k for k in region_of() if access.can_view_response(user, k))


def report_input(year: int, release_id: int | None = None, user: Any | None = None) -> ReportInput:
    """Everything a pack needs. ``user`` limits which municipalities' own survey answers the
    pack may show (None: all, for the command line run by an administrator of the data).
    Raises :class:`releases.NoRelease` with a Danish message when nothing is published."""
    published = releases.load_release(release_id)
    meta = {**published.meta, "synthetic": published.synthetic}
    label = f"nr. {published.release_id} af {published.created_at:%d.%m.%Y}"
    return ReportInput(
        results=published.results,
        meta=meta,
        definitions=release_definitions(published.results),
        catalogue=current_catalogue(),
        release=label,
        survey=survey_answers(year),
        survey_visible=None if user is None else visible_answers(user),
    )
