"""Report packs from what the web app holds: the published release, the current goal
catalogue and the latest status round. Reads, then hands plain data to
:mod:`naersund.reports` (the library builds and renders); the CLI (``naersund report``) and
the download view both come through here."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from naersund.analysis import PublishedResults
from naersund.catalogue import Catalogue, load_catalogue
from naersund.refdata import region_of
from naersund.reports import ReportInput
from naersund.reports.load import release_definitions
from naersund.reports.model import PackEffects
from naersund.survey.aggregate import RoundAnswers
from naersund.web.accounts import access
from naersund.web.catalogue.store import catalogue_from_db, current_version
from naersund.web.dashboard import context as ctx
from naersund.web.dashboard import releases
from naersund.web.dashboard.breakdowns import breakdowns_of
from naersund.web.dashboard.models import Release, ReleaseQuality
from naersund.web.economy.reader import economy_figures
from naersund.web.survey.followup_answers import followup_answers
from naersund.web.survey.models import Round
from naersund.web.survey.views_results import round_answers

_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")


def current_catalogue() -> Catalogue:
    """The catalogue version in force in the app database (the shipped one before any load)."""
    version = current_version()
    return catalogue_from_db(version) if version is not None else load_catalogue()


def latest_round(year: int) -> Round | None:
    """The status round a pack of ``year`` uses by default: the latest *closed* round of
    ``year`` or before (a 2014 pack shows the 2014 round, not a later one; an open round's
    half-filled answers never mix in unasked); None when none has closed."""
    return ctx.latest_closed_round(year)


def pack_round(year: int, slug: str | None = None) -> Round | None:
    """The round the user chose (``slug``, an open one included), else :func:`latest_round`.
    A ``slug`` that cannot be a round's id (e.g. a NUL byte from a query string, which
    PostgreSQL refuses) is no round."""
    if slug and not _SLUG.fullmatch(slug):
        return None
    if slug:
        rnd = Round.objects.filter(slug=slug).first()
        if rnd is not None:
            return rnd
    return latest_round(year)


def survey_of(rnd: Round) -> RoundAnswers:
    """The round's submitted answers, its title marked "foreløbig (runden er åben)" while
    it is open (every figure from the survey names its round)."""
    return replace(round_answers(rnd), title_da=ctx.round_label(rnd))


def visible_answers(user: Any, rnd: Round | None) -> frozenset[int]:
    """The municipalities whose own survey answers in ``rnd`` ``user`` may read
    (:func:`access.answers_visible_to`)."""
    return access.answers_visible_to(user, rnd)


def report_input(
    year: int,
    release_id: int | None = None,
    user: Any | None = None,
    round_slug: str | None = None,
    level: str | None = None,
) -> ReportInput:
    """Everything a pack needs. ``user`` limits which municipalities' own survey answers the
    pack may show (None: all, for the command line run by an operator of the data);
    ``round_slug`` chooses the status round (default: the latest closed one); ``level``
    (the pack's level) leaves out the initiative effects for the political pack, which does
    not show them (reading them may estimate a set nobody stored yet: tens of seconds).
    Raises :class:`releases.NoRelease` with a Danish message when nothing is published."""
    published = releases.load_release(release_id)
    release = Release.objects.get(pk=published.release_id)
    label = f"nr. {published.release_id} af {published.created_at:%d.%m.%Y}"
    rnd = pack_round(year, round_slug)
    return ReportInput(
        published=published,
        definitions=release_definitions(published.results),
        catalogue=current_catalogue(),
        release=label,
        survey=survey_of(rnd) if rnd is not None else None,
        survey_visible=None if user is None else visible_answers(user, rnd),
        economy=economy_figures("budget"),
        effects=None if level == "politisk" else _effects(published, rnd),
        followup=followup_answers(rnd, sorted(region_of()), user),
        # the breakdowns published with the release (the web's Opdeling page reads the same)
        drilldown=breakdowns_of(release),
        data_quality=ReleaseQuality.rows_of(published.release_id),
        stays_without_specialty=ReleaseQuality.rows_of(
            published.release_id, "stays_without_specialty"
        ),
    )


def _effects(published: PublishedResults, rnd: Round | None) -> PackEffects | None:
    """The effects the page shows for this release and round (stored at publish time)."""
    from naersund.web.effectsdata import effects_of  # it reads this module's helpers

    if rnd is None:
        return None
    made = effects_of(published, rnd)
    return PackEffects(made.estimated, made.round)
