"""The "Opret statusrunde" page as plain objects: the round's form, and the follow-up
proposals of the latest release for the municipalities the user manages
(:func:`naersund.analysis.followup.proposals`), each kept or dropped by the KKR secretariat
(default: keep). The view checks access and renders; :func:`create` writes through
:func:`naersund.web.survey.services.create_round`, the only writer of rounds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from django import forms

from naersund.analysis.followup import Proposal, proposals
from naersund.catalogue import Catalogue, iter_initiatives
from naersund.refdata import scopes
from naersund.survey.followup import followup_questions
from naersund.survey.questions import municipality_name
from naersund.web.catalogue.models import CatalogueVersion
from naersund.web.catalogue.store import catalogue_from_db, current_version
from naersund.web.dashboard import context as ctx
from naersund.web.dashboard import releases
from naersund.web.dkfds import style_widgets
from naersund.web.survey import services
from naersund.web.survey.models import Round

KEEP = "behold"
RELEASE = "udgivelse"


class RoundForm(forms.Form):
    title_da = forms.CharField(label="Titel", max_length=200, help_text="Fx »Opfølgning 2015«.")
    slug = forms.SlugField(
        label="Id",
        max_length=50,
        help_text="Kort id i adressen: små bogstaver, tal og bindestreg, fx opfoelgning-2015.",
    )
    year = forms.IntegerField(label="År", min_value=2000, max_value=2100)
    opens_on = forms.DateField(
        label="Åbner", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    closes_on = forms.DateField(
        label="Lukker", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    catalogue = forms.ModelChoiceField(
        label="Katalogversion",
        queryset=CatalogueVersion.objects.all(),
        empty_label=None,
        help_text="Runden spørger til indsatserne i denne version af målkataloget.",
    )
    previous = forms.ModelChoiceField(
        label="Forrige runde",
        queryset=Round.objects.all(),
        required=False,
        empty_label="(ingen)",
        help_text="Kommunerne ser deres svar fra forrige runde ved siden af spørgsmålene.",
    )
    money = forms.BooleanField(
        label="Spørg til økonomien",
        required=False,
        initial=True,
        help_text="Pr. indsats: hvor mange kr. af sundhedsbudgettet bruges på den i året; og "
        "hvad løftet bruges til, fordelt på temaer. Frivillige spørgsmål med »Ved ikke«.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self, widths={"title_da": "l", "slug": "l", "year": "xs", "catalogue": "xl"})

    def clean_slug(self) -> str:
        slug = str(self.cleaned_data["slug"])
        if Round.objects.filter(slug=slug).exists():
            raise forms.ValidationError(f"Der findes allerede en runde med id '{slug}'.")
        return slug

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", "Runden skal lukke samme dag eller efter, den åbner.")
        return data


def initial(today: dt.date) -> dict[str, Any]:
    """The form's defaults: this year, open for two months from today, the current catalogue
    version and the latest round as the previous one."""
    return {
        "year": today.year,
        "opens_on": today,
        "closes_on": today + dt.timedelta(days=61),
        "catalogue": current_version(),
        "previous": Round.objects.order_by("-closes_on", "-created_at").first(),
    }


@dataclass(frozen=True)
class ShownProposal:
    """A proposal as the page shows it: the municipality, the indicator, why, the options."""

    proposal: Proposal
    name: str
    indicator_name: str
    initiatives: tuple[str, ...]  # titles
    keep: bool

    @property
    def key(self) -> str:
        return f"{self.proposal.kommunekode}-{self.proposal.indicator}"

    @property
    def reasons(self) -> str:
        return " og ".join(self.proposal.reasons)


@dataclass(frozen=True)
class Proposals:
    release_id: int | None
    year: int | None
    items: list[ShownProposal]
    regions: list[str]
    areas: tuple[int, ...] = ()  # the scope areas' codes


def _titles(catalogue: Catalogue) -> dict[str, str]:
    return {ini.id: ini.title_da for _, _, ini in iter_initiatives(catalogue)}


def proposals_for(regions: Iterable[int], kept: set[str] | None = None) -> Proposals:
    """The follow-up proposals of the current release's latest year for the municipalities
    of ``regions``, with the current catalogue's initiatives; ``kept``: the keys the user kept
    (None: every one, the default)."""
    wanted = set(regions)  # areas of any scope level: KKR, sundhedsråd, 2027 region
    names = [scopes.name(r) for r in sorted(wanted)]
    members = frozenset().union(*(scopes.members(r) for r in wanted))
    release = releases.current_release()
    catalogue = ctx.catalogue_state()[0]
    if release is None or catalogue is None:
        return Proposals(None, None, [], names, tuple(sorted(wanted)))
    pub = releases.results_of(release)
    year = pub.years[-1]
    titles = _titles(catalogue)
    infos = ctx.infos()
    items = []
    for p in proposals(pub, catalogue, year):
        if p.kommunekode not in members:
            continue
        info = infos.get(p.indicator)
        shown = ShownProposal(
            proposal=p,
            name=municipality_name(p.kommunekode),
            indicator_name=info.name_da if info is not None else p.indicator,
            initiatives=tuple(titles.get(i, i) for i in p.initiatives),
            keep=True,
        )
        if kept is not None:
            shown = replace(shown, keep=shown.key in kept)
        items.append(shown)
    return Proposals(release.pk, year, items, names, tuple(sorted(wanted)))


def create(form: RoundForm, shown: Proposals) -> Round:
    """The round of a valid form, with a follow-up question for each kept proposal (asked of
    its municipality only). Raises :class:`services.SurveyError` (Danish) when refused."""
    data = form.cleaned_data
    version: CatalogueVersion = data["catalogue"]
    titles = _titles(catalogue_from_db(version))
    kept = [
        (
            s.proposal.kommunekode,
            s.proposal.indicator,
            s.indicator_name,
            s.proposal.reasons,
            tuple(i for i in s.proposal.initiatives if i in titles),
        )
        for s in shown.items
        if s.keep
    ]
    return services.create_round(
        slug=data["slug"],
        title_da=data["title_da"],
        year=data["year"],
        opens_on=data["opens_on"],
        closes_on=data["closes_on"],
        previous=data["previous"],
        catalogue=version,
        followup=followup_questions(kept, lambda i: titles.get(i, i)),
        level=_round_level(shown.areas),
        money=bool(data.get("money")),
    )


def _round_level(areas: Iterable[int]) -> str | None:
    """A sundhedsråd's (or 2027 region's) secretariat makes a round of its level's catalogue
    sections; KKR secretariats and administrators a round of the KKR sections, as before."""
    levels = {a.level for a in (scopes.find(code) for code in areas) if a is not None}
    return None if levels <= {"kkr"} or len(levels) != 1 else levels.pop()
