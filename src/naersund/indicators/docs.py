"""The indicator documentation page, generated from the definitions so it cannot drift."""

from __future__ import annotations

from dataclasses import dataclass

from naersund.indicators.model import (
    CONTACT_SCOPES,
    Exclusion,
    Followup,
    IndicatorDefinition,
    StaySelection,
)

KIND_DA = {
    "stay_rate": "antal sygehusophold pr. borger",
    "readmission_proportion": "andel af indeksindlæggelser med genindlæggelse",
    "days_rate": "antal dage pr. borger",
    "disease_rate": "antal indlæggelser pr. borger i en sygdomsgruppe",
}


SCOPE_DA = {
    "first": "den første kontakt",
    "last": "den sidste (udskrivende) kontakt",
    "any": "en hvilken som helst kontakt i opholdet",
}


def _exclusion_line(e: Exclusion) -> str:
    what = []
    if e.diagnoses:
        what.append("en aktionsdiagnose, der begynder med " + ", ".join(e.diagnoses))
    if e.specialties:
        what.append("specialet " + " eller ".join(e.specialties))
    return f"undtagen når {SCOPE_DA[e.contact]} har " + " eller ".join(what)


def exclusion_lines(x: StaySelection | Followup) -> list[str]:
    """One Danish line per exclusion, saying which contact(s) it tests."""
    return [_exclusion_line(e) for scope in CONTACT_SCOPES for e in x.scoped(scope)]


def _selection_lines(sel: StaySelection) -> list[str]:
    lines = []
    if sel.acute is not None:
        lines.append("akutte ophold" if sel.acute else "planlagte ophold")
    if sel.min_hours is not None:
        lines.append(f"varighed mindst {sel.min_hours:g} timer")
    if sel.max_hours is not None:
        lines.append(f"varighed under {sel.max_hours:g} timer")
    if sel.min_age is not None:
        lines.append(f"alder mindst {sel.min_age} år ved opholdets start")
    if sel.max_age is not None:
        lines.append(f"alder højst {sel.max_age} år ved opholdets start")
    lines.append(
        "året for opholdets " + ("start" if sel.year_of == "start" else "slut (udskrivning)")
    )
    if sel.include_specialties:
        lines.append("kun specialerne " + ", ".join(sel.include_specialties))
    lines += exclusion_lines(sel)
    if sel.exclude_died:
        lines.append("undtagen ophold, der slutter med død (den sidste kontakts dødsmarkering)")
    return lines


def _denominator(d: IndicatorDefinition) -> str:
    if d.is_proportion:
        return "indeksindlæggelser"
    if d.cohort is not None:
        c = d.cohort
        return (
            f"{c.label_da} 1. januar: personer med en kontakt med aktionsdiagnose, der begynder "
            f"med {', '.join(c.diagnoses)}, i de {c.lookback_years} kalenderår før året (året selv "
            f"tæller ikke), ikke døde ved en udskrivning før 1. januar, {c.min_age} år og derover "
            "1. januar; kommune, køn og alder fra den seneste kontakt før 1. januar, også for "
            "tællerens indlæggelser; kun år med hele tilbageblikket i data"
        )
    pop = d.population
    ages = f"{pop.min_age} år og derover" if pop.min_age is not None else "alle aldre"
    return "befolkningen 1. januar, " + ages


def definitions_markdown(defs: list[IndicatorDefinition]) -> str:
    """Markdown page documenting every definition (``docs/indicators.md``)."""
    out = [
        "# Indikatorer",
        "",
        "Genereret af `naersund indicators --markdown` fra definitionerne i",
        "`src/naersund/indicators/definitions/`. Redigér YAML-filerne, ikke denne side.",
        "",
        "Sygehusophold: kontakter for samme person samles til ét ophold, når de overlapper eller",
        "der højst er 4 timer (`_sygehusophold.yaml`) fra den seneste slut til næste start. Opholdets",
        "start, akut-markering, aktionsdiagnose, speciale og kommune kommer fra den første kontakt",
        "(tidligste start; ved lighed den længste, så den akutte, så den laveste diagnosekode). Død ved",
        "udskrivning kommer fra den sidste kontakt (seneste slut; ved lighed den seneste start, så den",
        "laveste diagnosekode). En eksklusion siger, om den ser på den første, den sidste eller enhver",
        "kontakt i opholdet.",
        "",
    ]
    for d in defs:
        out += [f"## {d.name_da} (`{d.id}`, version {d.version})", "", f"*{d.name_en}*", ""]
        out += [d.description_da, ""]
        out += [
            f"- Status: {d.status}",
            f"- Type: {KIND_DA[d.kind]}; enhed: {d.unit_da}",
            f"- Retning: {'lavere er bedre' if d.direction == 'lower_is_better' else 'højere er bedre'}",
            f"- Konfidensinterval: {'Wilson' if d.ci_method == 'wilson' else 'Byar (eksakt under 10 hændelser)'}",
        ]
        out.append(f"- Nævner: {_denominator(d)}")
        if d.standardisation:
            st = d.standardisation
            bands = ", ".join(f"{b}+" for b in st.age_bands) if st.age_bands else "5-årsgrupper"
            out.append(
                f"- Standardisering: direkte, alder ({bands}) og køn, "
                + (
                    f"Danmarks {d.cohort.label_da} samme år"
                    if st.standard == "cohort" and d.cohort is not None
                    else f"Danmarks befolkning {st.reference_year}"
                )
            )
        else:
            out.append("- Standardisering: ingen (data har ikke alder og køn)")
        if d.selection:
            out.append("- Udvælgelse: " + "; ".join(_selection_lines(d.selection)))
        if d.followup:
            f = d.followup
            out.append(
                f"- Genindlæggelse: {'akut ' if f.acute else ''}ophold"
                + (f" på mindst {f.min_hours:g} timer" if f.min_hours is not None else "")
                + f", der starter mere end {f.window_hours_gt:g} og højst {f.window_hours_le:g} timer efter udskrivningen"
                + "".join("; " + line for line in exclusion_lines(f))
            )
        if d.selection and d.selection.diagnosis_groups:
            out += ["", "| Gruppe | Diagnosekoder (præfiks) |", "|---|---|"]
            for g in d.selection.diagnosis_groups.values():
                out.append(f"| {g.label_da} | {', '.join(g.codes)} |")
        if not d.codes_verified:
            out += [
                "",
                "> Afgrænsningen er ikke verificeret mod den officielle definition og kan ændres i YAML-filen.",
            ]
        if d.history:
            out += ["", "Versioner:", ""]
            out += [f"- Version {h.version}: {h.note_da}" for h in d.history]
        out += ["", f"Kilde: {d.source}", ""]
    return "\n".join(out)


@dataclass(frozen=True)
class DefinitionPage:
    """What the definitions page of one indicator shows (the web renders it): what is
    counted, the code lists, the exclusions (and which contact each tests), the source,
    whether the codes are verified and the version history."""

    definition: IndicatorDefinition
    counted: list[str]
    denominator: str
    standardisation: str
    code_groups: list[tuple[str, list[str]]]
    exclusions: list[str]
    followup: list[str]
    history: list[tuple[int, str]]

    @property
    def status_note(self) -> str:
        return "under omdefinering" if self.definition.status == "under omdefinering" else ""


def definition_page(d: IndicatorDefinition) -> DefinitionPage:
    """The facts of :func:`definitions_markdown` for one definition, as data."""
    sel = d.selection
    counted = [KIND_DA[d.kind]]
    if sel is not None:
        counted += [line for line in _selection_lines(sel) if not line.startswith("undtagen")]
    pop = d.population
    ages = f"{pop.min_age} år og derover" if pop.min_age is not None else "alle aldre"
    denominator = "indeksindlæggelser" if d.is_proportion else "befolkningen 1. januar, " + ages
    if d.standardisation:
        st = d.standardisation
        bands = ", ".join(f"{b}+" for b in st.age_bands) if st.age_bands else "5-årsgrupper"
        standardisation = (
            f"direkte, alder ({bands}) og køn, Danmarks befolkning {st.reference_year}: "
            "tallene vises aldersstandardiseret"
        )
    else:
        standardisation = "ingen (data har ikke alder og køn): tallene vises rå"
    exclusions = exclusion_lines(sel) if sel is not None else []
    if sel is not None and sel.exclude_died:
        exclusions.append(
            "undtagen ophold, der slutter med død (den sidste kontakts dødsmarkering)"
        )
    followup: list[str] = []
    if d.followup is not None:
        f = d.followup
        followup.append(
            f"{'akut ' if f.acute else ''}ophold"
            + (f" på mindst {f.min_hours:g} timer" if f.min_hours is not None else "")
            + f", der starter mere end {f.window_hours_gt:g} og højst {f.window_hours_le:g} "
            "timer efter udskrivningen"
        )
        followup += exclusion_lines(f)
    groups = (
        [(g.label_da, list(g.codes)) for g in sel.diagnosis_groups.values()]
        if sel is not None and sel.diagnosis_groups
        else []
    )
    history = [(h.version, h.note_da) for h in d.history] or [(d.version, "Første version.")]
    return DefinitionPage(
        definition=d,
        counted=counted,
        denominator=denominator,
        standardisation=standardisation,
        code_groups=groups,
        exclusions=exclusions,
        followup=followup,
        history=history,
    )
