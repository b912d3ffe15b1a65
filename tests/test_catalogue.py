"""The goal catalogue: the shipped YAML against the seed documents, every validation message,
the YAML round trip, and the glide-path status."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from pydantic import ValidationError

from naersund.catalogue import Catalogue, all_ids, dump_catalogue, load_catalogue, removed_ids
from naersund.catalogue.progress import glide_value, on_track
from naersund.errors import CatalogueError

INDICATORS = (
    "akutte_indlaeggelser_kol, akutte_indlaeggelser_type2_diabetes, "
    "akutte_korttidsindlaeggelser, faerdigbehandlingsdage, forebyggelige_indlaeggelser_65, "
    "genindlaeggelser_30d, genindlaeggelser_30d_65"
)


@pytest.fixture(scope="module")
def shipped() -> Catalogue:
    return load_catalogue()


# --- the shipped catalogue against the documents ----------------------------------------------


def test_the_shipped_catalogue_has_the_four_national_goals_on_the_four_indicators(
    shipped: Catalogue,
) -> None:
    # Aftale om kommunernes økonomi for 2014 (seed 003): "4 konkrete mål".
    assert [(g.id, g.indicators) for g in shipped.national_goals] == [
        ("faerre_genindlaeggelser", ["genindlaeggelser_30d_65"]),
        ("faerre_forebyggelige_indlaeggelser", ["forebyggelige_indlaeggelser_65"]),
        ("faerre_akutte_korttidsindlaeggelser", ["akutte_korttidsindlaeggelser"]),
        ("faerre_faerdigbehandlingsdage", ["faerdigbehandlingsdage"]),
    ]
    assert shipped.national_goals[1].title_da == "Færre forebyggelige indlæggelser"
    # KL's follow-up process: "fokuserer særligt på fire områder" (seed 001, slide 4).
    assert len(shipped.focus_areas) == 4


def test_every_kkr_is_there_once_with_the_national_frame(shipped: Catalogue) -> None:
    assert [k.region_code for k in shipped.kkr] == [1081, 1082, 1083, 1084, 1085]
    national = [g.id for g in shipped.national_goals]
    assert all(k.national_goals == national for k in shipped.kkr)
    for code in (1082, 1083, 1085):  # no goal paper of their own among the seeds
        assert shipped.kkr_by_code(code).goals == []


def test_hovedstaden_has_the_four_goals_and_every_skal_and_kan_initiative(
    shipped: Catalogue,
) -> None:
    # Hand-counted in seed 002 (rammepapir 15. januar 2013), per goal (skal, kan):
    # 1 Forebyggelse og sundhedsfremme: 3 skal (kortlægning, plan, hverdagsrehabilitering),
    #   2 kan (tværkommunale modeller, udviklingsniveauer);
    # 2 Forebyggelse af (gen)indlæggelser: 4 skal (opfølgende hjemmebesøg, kommunikationsaftale,
    #   forløbskoordinering, indsatser i ældreplejen - its 7 "o" bullets are examples of the
    #   last one), 3 kan (akutteams/døgnpladser, shared care, almen praksis/vagtlæge);
    # 3 Kronisk sygdom: 3 skal (KOL/diabetes/demens/kræft, hjerte-kar, tværdiagnostiske
    #   modeller), 7 kan (lænde-ryg, opsporing, sårbare, forløbskoordination, telemedicin,
    #   retningslinjer, frivillige);
    # 4 Dokumentation: 3 skal (dokumentere, ledelsesinformation, 3-6 indikatorer), 1 kan.
    kkr = shipped.kkr_by_code(1084)
    counts = [
        (g.number, len(g.initiatives_of("skal")), len(g.initiatives_of("kan"))) for g in kkr.goals
    ]
    assert counts == [(1, 3, 2), (2, 4, 3), (3, 3, 7), (4, 3, 1)]
    assert len(kkr.initiatives) == 26
    assert all(i.deadline_year == 2013 for i in kkr.initiatives)
    assert all(i.pilot == (i.kind == "kan") for i in kkr.initiatives)
    assert [g.title_da for g in kkr.goals] == [
        "Forebyggelse og sundhedsfremme",
        "Forebyggelse af (gen)indlæggelser",
        "Kronisk sygdom",
        "Dokumentation",
    ]


def test_hovedstaden_has_the_baseline_figures_of_the_paper(shipped: Catalogue) -> None:
    # "Udgangspunkt for indfrielse af mål", seed 002: 4 + 9 + 4 + 5 figures.
    kkr = shipped.kkr_by_code(1084)
    assert [len(g.baselines) for g in kkr.goals] == [4, 9, 4, 5]
    value = {b.id: (b.value, b.value_max, b.of) for g in kkr.goals for b in g.baselines}
    assert value["hovedstaden_sammenholdt_forebyggelsespakker"] == (64, 86, None)
    assert value["hovedstaden_hverdagsrehabilitering_indfoert"] == (96, None, None)
    assert value["hovedstaden_opfoelgende_hjemmebesoeg_indfoert"] == (68, None, None)
    assert value["hovedstaden_god_udskrivning"] == (93, None, None)
    assert value["hovedstaden_kommunikationsaftale_implementeret"] == (97, None, None)
    assert [value[f"hovedstaden_{k}"][0] for k in ("opkvalificering", "tidlig_opsporing")] == [
        78,
        70,
    ]
    assert value["hovedstaden_medicinhaandtering"][0] == 70
    assert value["hovedstaden_faldforebyggelse"][0] == 59
    assert value["hovedstaden_akutpladser"][0] == 82
    assert value["hovedstaden_ingen_akutpladser"][0] == 18
    assert value["hovedstaden_kraeftrehabilitering"][0] == 63
    assert value["hovedstaden_hjerte_kar_tilbud"][0] == 41
    assert value["hovedstaden_hjerte_kar_planer"] == (25, None, 29)
    levels = ("i_alt", "politisk", "direktoer", "faglig")
    assert [value[f"hovedstaden_ledelsesinformation_{k}"][0] for k in levels] == [64, 39, 32, 54]
    assert value["hovedstaden_ingen_ledelsesinformation"][0] == 36
    all_baselines = [b for g in kkr.goals for b in g.baselines]
    assert {b.year for b in all_baselines} == {2012}
    assert {b.unit for b in all_baselines} == {"pct", "antal"}


def test_nordjylland_has_its_goal_areas_and_the_elderly_patient_plan(shipped: Catalogue) -> None:
    # Seed 001: four areas (slide 4); KL's input (slide 10): opkvalificering, medicinhåndtering,
    # akutpladser, almen praksis, sygehus under area 1, kronikerindsatsen under 2, fælles
    # ledelsesinformation under 4; the oplæg does not say skal or kan.
    kkr = shipped.kkr_by_code(1081)
    assert [(g.number, len(g.initiatives)) for g in kkr.goals] == [(1, 5), (2, 1), (3, 0), (4, 1)]
    assert {i.kind for i in kkr.initiatives} == {None}
    assert len(kkr.aims_da) == 5  # the political sundhedsaftale's "Mål" (slide 8)
    (plan,) = kkr.action_plans
    # "Handlingsplanen består af 11 konkrete initiativer"; slide 11 names 3 of them.
    assert (plan.initiatives_total, len(plan.initiatives)) == (11, 3)
    assert plan.initiatives[1].title_da == "Forebyggende hjemmebesøg"


def test_no_target_is_invented(shipped: Catalogue) -> None:
    # No seed gives a number for an indicator, so no goal has a target.
    assert all(g.targets == [] for k in shipped.kkr for g in k.goals)


def test_the_shipped_catalogue_survives_a_round_trip(shipped: Catalogue, tmp_path: Path) -> None:
    text = dump_catalogue(shipped)
    assert "Færre færdigbehandlede patienter" in text  # Danish letters written as they are
    path = tmp_path / "catalogue.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_catalogue(path) == shipped


# --- validation messages -----------------------------------------------------------------------

MINIMAL = """\
version: "1"
title_da: Prøve
national_goals:
  - id: faerre_genindlaeggelser
    title_da: Færre genindlæggelser
    indicators: [genindlaeggelser_30d_65]
    source: prøve
kkr:
  - region_code: 1084
    name_da: KKR Hovedstaden
    national_goals: [faerre_genindlaeggelser]
    goals:
      - id: maal
        title_da: Mål
        initiatives:
          - id: indsats
            kind: kan
            title_da: Indsats
            pilot: true
        targets:
          - indicator: genindlaeggelser_30d_65
            baseline_year: 2013
            target_year: 2016
            relative_change_pct: -10
            source: prøve
          - indicator: forebyggelige_indlaeggelser_65
            baseline_year: 2013
            target_year: 2016
            target_value: 60.5
            scope: kommune
            kommunekode: 101
            source: prøve
"""


def _write(tmp_path: Path, old: str = "", new: str = "") -> Path:
    assert old in MINIMAL
    path = tmp_path / "katalog.yaml"
    path.write_text(MINIMAL.replace(old, new, 1), encoding="utf-8")
    return path


def _error(path: Path) -> str:
    with pytest.raises(CatalogueError) as exc:
        load_catalogue(path)
    return str(exc.value)


def test_a_minimal_catalogue_with_targets_survives_a_round_trip(tmp_path: Path) -> None:
    catalogue = load_catalogue(_write(tmp_path))
    assert catalogue.kkr[0].goals[0].targets[1].kommunekode == 101
    path = tmp_path / "again.yaml"
    path.write_text(dump_catalogue(catalogue), encoding="utf-8")
    assert load_catalogue(path) == catalogue


def test_a_target_gives_its_value_from_the_baseline(tmp_path: Path) -> None:
    change, value = load_catalogue(_write(tmp_path)).kkr[0].goals[0].targets
    assert change.value_for(80.0) == pytest.approx(72.0)  # -10 pct. of 80
    assert value.value_for(80.0) == 60.5


def test_it_tells_which_ids_a_new_version_drops(shipped: Catalogue, tmp_path: Path) -> None:
    # 4 national goals + 4 focus areas + (4 + 7) Nordjylland goals and initiatives + 1 plan
    # with 3 initiatives + (4 + 26 + 22) Hovedstaden goals, initiatives and baselines.
    assert len(all_ids(shipped)) == 75
    small = load_catalogue(_write(tmp_path))
    assert removed_ids(small, shipped) == ["indsats", "maal"]
    assert removed_ids(shipped, shipped) == []


# each: the text replaced in MINIMAL, its replacement, and the message after the file's name
ERRORS = [
    pytest.param(
        "- indicator: genindlaeggelser_30d_65",
        "- indicator: genindl",
        "line 21, field 'kkr.0.goals.0.targets.0.indicator': unknown indicator "
        f"'genindl' (known: {INDICATORS})",
        id="it_names_an_unknown_indicator",
    ),
    pytest.param(
        "indicators: [genindlaeggelser_30d_65]",
        "indicators: [x]",
        "line 6, field 'national_goals.0.indicators.0': unknown indicator 'x' "
        f"(known: {INDICATORS})",
        id="it_names_an_unknown_indicator_of_a_national_goal",
    ),
    pytest.param(
        "- id: indsats",
        "- id: maal",
        "line 16, field 'kkr.0.goals.0.initiatives.0.id': duplicate id 'maal' "
        "(first used at 'kkr.0.goals.0.id')",
        id="it_names_a_duplicate_id",
    ),
    pytest.param(
        "- id: indsats",
        "- id: Indsats-1",
        "line 16, field 'kkr.0.goals.0.initiatives.0.id': "
        "String should match pattern '^[a-z0-9_]+$'",
        id="it_refuses_an_id_that_is_not_a_slug",
    ),
    pytest.param(
        "kind: kan",
        "kind: bør",
        "line 17, field 'kkr.0.goals.0.initiatives.0.kind': Input should be 'skal' or 'kan'",
        id="it_refuses_a_kind_other_than_skal_or_kan",
    ),
    pytest.param(
        "kind: kan",
        "kind: skal",
        "line 16, field 'kkr.0.goals.0.initiatives.0': "
        "Value error, only a kan-initiative can be meant for pilots",
        id="it_refuses_a_pilot_on_a_skal_initiative",
    ),
    pytest.param(
        "target_year: 2016",
        "target_year: 2012",
        "line 21, field 'kkr.0.goals.0.targets.0': "
        "Value error, target_year (2012) must be after baseline_year (2013)",
        id="it_refuses_a_target_year_before_the_baseline_year",
    ),
    pytest.param(
        "kommunekode: 101",
        "kommunekode: 851",  # Aalborg: Nordjylland
        "line 31, field 'kkr.0.goals.0.targets.1.kommunekode': "
        "kommunekode 851 is not a municipality of KKR Hovedstaden",
        id="it_refuses_a_municipality_of_another_kkr",
    ),
    pytest.param(
        "region_code: 1084",
        "region_code: 1086",
        "line 9, field 'kkr.0.region_code': "
        "Value error, KKR har intet område med koden 1086 (koderne er 1081, 1082, 1083, 1084, 1085)",
        id="it_refuses_an_unknown_region",
    ),
    pytest.param(
        "  - region_code: 1084",
        "  - level: kommune\n    region_code: 1084",
        "line 9, field 'kkr.0.level': Value error, ukendt niveau 'kommune' for et "
        "område (kendte niveauer: kkr, sundhedsraad, region2027)",
        id="it_refuses_an_unknown_level",
    ),
    pytest.param(
        "national_goals: [faerre_genindlaeggelser]",
        "national_goals: [x]",
        "line 11, field 'kkr.0.national_goals.0': unknown national goal 'x' "
        "(known: faerre_genindlaeggelser)",
        id="it_refuses_an_unknown_national_goal",
    ),
    pytest.param(
        "title_da: Mål",
        "title_da: Mål\n        titel: Mål",
        "line 15, field 'kkr.0.goals.0.titel': Extra inputs are not permitted",
        id="it_refuses_a_field_it_does_not_know",
    ),
]


@pytest.mark.parametrize(("old", "new", "message"), ERRORS)
def test_it_names_the_line_and_field_of_a_mistake(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    path = _write(tmp_path, old, new)
    assert _error(path) == f"{path}, {message}"


def test_it_refuses_a_target_with_both_a_value_and_a_change(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "relative_change_pct: -10",
        "relative_change_pct: -10\n" + " " * 12 + "target_value: 1",
    )
    assert _error(path) == (
        f"{path}, line 21, field 'kkr.0.goals.0.targets.0': "
        "Value error, give exactly one of target_value and relative_change_pct"
    )


def test_a_section_can_be_a_sundhedsraad_with_its_own_municipalities(tmp_path: Path) -> None:
    # Issue 14: a sundhedsråd's goals in its sundhedsplan; Albertslund (165) belongs to
    # Sundhedsråd Amager og Vestegnen (2712), so the municipality target may name it.
    path = _write(
        tmp_path,
        "  - region_code: 1084\n    name_da: KKR Hovedstaden",
        "  - level: sundhedsraad\n    region_code: 2712\n    name_da: Sundhedsråd Amager og Vestegnen",
    )
    path.write_text(path.read_text().replace("kommunekode: 101", "kommunekode: 165"))
    section = load_catalogue(path).kkr[0]
    assert (section.level, section.region_code) == ("sundhedsraad", 2712)
    assert 165 in section.members and 101 not in section.members
    assert len(section.members) == 9


def test_it_refuses_a_sundhedsraad_target_outside_the_sundhedsraad(tmp_path: Path) -> None:
    # København (101) is KKR Hovedstaden's but not Amager og Vestegnen's
    path = _write(
        tmp_path,
        "  - region_code: 1084\n    name_da: KKR Hovedstaden",
        "  - level: sundhedsraad\n    region_code: 2712\n    name_da: Sundhedsråd Amager og Vestegnen",
    )
    assert _error(path) == (
        f"{path}, line 32, field 'kkr.0.goals.0.targets.1.kommunekode': "
        "kommunekode 101 is not a municipality of Sundhedsråd Amager og Vestegnen"
    )


def test_it_refuses_a_kkr_code_on_the_sundhedsraad_level(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "  - region_code: 1084", "  - level: sundhedsraad\n    region_code: 1084"
    )
    assert _error(path).startswith(
        f"{path}, line 10, field 'kkr.0.region_code': Value error, Sundhedsråd har intet område "
        "med koden 1084 (koderne er 2701, 2702,"
    )


def test_it_reports_every_problem_at_once(tmp_path: Path) -> None:
    path = _write(tmp_path, "kind: kan", "kind: bør")
    path.write_text(path.read_text(encoding="utf-8").replace("1084", "1086"), encoding="utf-8")
    assert len(_error(path).splitlines()) == 2


BASELINE = """\
        baselines:
          - id: udgangspunkt
            text_da: 68 pct. af kommunerne har indført indsatsen
            unit: pct
            value: 68
            year: 2012
            source: prøve
            survey_question: status.indsats
            survey_answers: [implementeret]
        targets:"""


def test_a_baseline_names_the_survey_question_and_answers_that_measure_it(
    tmp_path: Path,
) -> None:
    path = _write(tmp_path, "        targets:", BASELINE)
    base = load_catalogue(path).kkr[0].goals[0].baselines[0]
    assert (base.survey_question, base.survey_answers, base.survey_region) == (
        "status.indsats",
        ["implementeret"],
        None,
    )


def test_it_refuses_a_status_the_scale_does_not_have(tmp_path: Path) -> None:
    path = _write(tmp_path, "        targets:", BASELINE.replace("[implementeret]", "[færdig]"))
    assert _error(path) == (
        f"{path}, line 28, field 'kkr.0.goals.0.baselines.0.survey_answers.0': unknown status "
        "'færdig' for initiative 'indsats' (known: ikke_paabegyndt, planlagt, "
        "under_implementering, implementeret)"
    )


def test_it_refuses_a_status_question_of_an_unknown_initiative(tmp_path: Path) -> None:
    path = _write(tmp_path, "        targets:", BASELINE.replace("status.indsats", "status.x"))
    assert _error(path) == (
        f"{path}, line 27, field 'kkr.0.goals.0.baselines.0.survey_question': "
        "unknown initiative 'x'"
    )


def test_it_refuses_a_survey_question_without_answers(tmp_path: Path) -> None:
    text = BASELINE.replace("            survey_answers: [implementeret]\n", "")
    path = _write(tmp_path, "        targets:", text)
    assert _error(path) == (
        f"{path}, line 21, field 'kkr.0.goals.0.baselines.0': "
        "Value error, survey_question and survey_answers go together"
    )


def test_it_refuses_a_survey_region_that_is_no_kkr(tmp_path: Path) -> None:
    text = BASELINE.replace("[implementeret]", "[implementeret]\n            survey_region: 84")
    path = _write(tmp_path, "        targets:", text)
    assert _error(path) == (
        f"{path}, line 21, field 'kkr.0.goals.0.baselines.0': "
        "Value error, ukendt områdekode 84 (KKR 1081-1085, sundhedsråd 2701-2717, region fra "
        "2027 1081-1083 og 1086)"
    )


def test_every_initiative_of_the_shipped_catalogue_has_a_short_name(shipped: Catalogue) -> None:
    from naersund.catalogue import iter_initiatives

    assert [i.id for _, _, i in iter_initiatives(shipped) if not i.short_da] == []
    kkr = shipped.kkr_by_code(1084)
    ini = {i.id: i for i in kkr.initiatives}
    assert ini["hovedstaden_opfoelgende_hjemmebesoeg"].short_da == "opfølgende hjemmebesøg"
    base = {b.id: b for g in kkr.goals for b in g.baselines}
    assert base["hovedstaden_hjerte_kar_planer"].survey_region == 1084


def test_it_names_a_file_that_is_not_yaml(tmp_path: Path) -> None:
    path = tmp_path / "katalog.yaml"
    path.write_text("version: [1\n", encoding="utf-8")
    assert _error(path).startswith(f"{path}, line 2: not valid YAML (")
    path.write_text("- 1\n", encoding="utf-8")
    assert _error(path) == f"{path}: expected a mapping of fields at the top level"


def test_a_catalogue_built_in_code_is_checked_too() -> None:
    data = load_catalogue().model_dump()
    data["kkr"][0]["goals"][0]["indicators"] = ["x"]
    with pytest.raises(
        ValidationError, match=r"kkr\.0\.goals\.0\.indicators\.0: unknown indicator 'x'"
    ):
        Catalogue.model_validate(data)


# --- glide path ---------------------------------------------------------------------------------
# Lower is better: 100 in 2013 -> 80 in 2017, so the glide path is 95, 90, 85 in 2014-2016.
# Higher is better: 50 in 2014 -> 70 in 2018, so 2017 is 50 + 20 * 3/4 = 65.


def test_the_glide_path_is_a_straight_line_held_at_both_ends() -> None:
    assert [glide_value(2013, 100, 2017, 80, y) for y in range(2012, 2019)] == [
        100,
        100,
        95,
        90,
        85,
        80,
        80,
    ]


@pytest.mark.parametrize(
    ("year", "lower", "upper", "expected"),
    [
        (2015, 89.0, 95.0, "på sporet"),  # interval reaches below 90
        (2015, 90.0, 95.0, "på sporet"),  # touching the glide path counts
        (2015, 91.0, 95.0, "ikke på sporet"),
        (2013, 100.0, 104.0, "på sporet"),  # the baseline year: the glide path is the baseline
        (2019, 81.0, 84.0, "ikke på sporet"),  # after the target year: the target itself
        (2012, 50.0, 60.0, "ukendt"),  # before the baseline year
        (2015, math.nan, 95.0, "ukendt"),  # suppressed
        (2015, None, None, "ukendt"),
    ],
)
def test_lower_is_better(
    year: int, lower: float | None, upper: float | None, expected: str
) -> None:
    value = None if lower is None else 92.0
    assert on_track(2013, 100, 2017, 80, year, value, lower, upper, "lower_is_better") == expected


@pytest.mark.parametrize(
    ("upper", "expected"), [(66.0, "på sporet"), (65.0, "på sporet"), (64.9, "ikke på sporet")]
)
def test_higher_is_better(upper: float, expected: str) -> None:
    assert on_track(2014, 50, 2018, 70, 2017, 62.0, 60.0, upper, "higher_is_better") == expected


def test_a_missing_value_or_target_is_unknown() -> None:
    assert on_track(2013, 100, 2017, 80, 2015, None, 80.0, 95.0, "lower_is_better") == "ukendt"
    assert on_track(2013, 100, 2017, None, 2015, 92.0, 80.0, 95.0, "lower_is_better") == "ukendt"


def test_a_glide_path_needs_a_target_year_after_the_baseline_year() -> None:
    with pytest.raises(
        ValueError, match=r"^target_year \(2013\) must be after baseline_year \(2013\)$"
    ):
        on_track(2013, 100, 2013, 80, 2013, 92.0, 80.0, 95.0, "lower_is_better")
