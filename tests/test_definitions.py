from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from naersund.errors import DefinitionError
from naersund.indicators import (
    builtin_dir,
    load_definition,
    load_definitions,
    load_stay_rules,
    select_definitions,
)
from naersund.indicators.docs import definitions_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_it_ships_the_national_indicators_the_disease_rates_and_the_readmission_variant() -> None:
    ids = [d.id for d in load_definitions()]
    assert ids == [
        "akutte_indlaeggelser_kol",
        "akutte_indlaeggelser_type2_diabetes",
        "akutte_korttidsindlaeggelser",
        "faerdigbehandlingsdage",
        "forebyggelige_indlaeggelser_65",
        "genindlaeggelser_30d",
        "genindlaeggelser_30d_65",
    ]
    assert load_stay_rules().merge_gap_hours == 4


def test_a_deployment_computes_the_default_set_unless_it_names_its_indicators() -> None:
    defs = load_definitions()
    default = [d.id for d in select_definitions(defs, None)]
    assert "genindlaeggelser_30d" not in default and "genindlaeggelser_30d_65" in default
    assert "akutte_indlaeggelser_kol" not in default
    assert len(default) == 4
    named = select_definitions(defs, ["genindlaeggelser_30d", "faerdigbehandlingsdage"])
    assert [d.id for d in named] == ["faerdigbehandlingsdage", "genindlaeggelser_30d"]
    with pytest.raises(DefinitionError, match=r"^ukendt indikator: findes_ikke$"):
        select_definitions(defs, ["findes_ikke"])


def test_every_definition_has_a_status_and_the_redefined_ones_say_so() -> None:
    status = {d.id: d.status for d in load_definitions()}
    assert status["akutte_korttidsindlaeggelser"] == "under omdefinering"
    assert status["genindlaeggelser_30d_65"] == "gældende"
    readmission = next(d for d in load_definitions() if d.id == "genindlaeggelser_30d_65")
    assert readmission.version == 2 and [h.version for h in readmission.history] == [1, 2]


def test_the_disease_rates_count_a_five_year_cohort_of_adults_and_are_being_redefined() -> None:
    defs = {d.id: d for d in load_definitions()}
    for ident, code in (
        ("akutte_indlaeggelser_kol", "DJ44"),
        ("akutte_indlaeggelser_type2_diabetes", "DE11"),
    ):
        d = defs[ident]
        assert d.cohort is not None and d.selection is not None
        assert (d.kind, d.status, d.by_default) == ("disease_rate", "under omdefinering", False)
        assert (d.cohort.diagnoses, d.cohort.lookback_years, d.cohort.min_age) == ([code], 5, 18)
        assert d.diagnosis_prefixes == [code]  # admissions *for* the disease
        assert d.counted_denominator and not d.is_proportion


def test_a_disease_rate_needs_a_cohort(tmp_path: Path) -> None:
    text = (builtin_dir() / "akutte_indlaeggelser_kol.yaml").read_text(encoding="utf-8")
    start, end = text.index("cohort:"), text.index("  min_age: 18\n") + len("  min_age: 18\n")
    path = tmp_path / "akutte_indlaeggelser_kol.yaml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(DefinitionError, match="kind disease_rate needs a 'cohort'"):
        load_definition(path)


def test_a_history_must_end_with_the_current_version(tmp_path: Path) -> None:
    path = _copy(
        tmp_path,
        "genindlaeggelser_30d_65",
        ("id: genindlaeggelser_30d_65\nversion: 2", "id: genindlaeggelser_30d_65\nversion: 3"),
    )
    with pytest.raises(DefinitionError, match="history must list increasing versions"):
        load_definition(path)


def test_the_preventable_admissions_cover_nine_condition_groups() -> None:
    d = load_definition(builtin_dir() / "forebyggelige_indlaeggelser_65.yaml")
    assert d.selection is not None
    assert len(d.selection.diagnosis_groups) == 9
    assert d.selection.min_hours == 12 and d.selection.min_age == 65 and d.selection.acute
    assert d.codes_verified is False


def _copy(tmp_path: Path, name: str, replace: tuple[str, str]) -> Path:
    src = (builtin_dir() / f"{name}.yaml").read_text(encoding="utf-8")
    assert replace[0] in src
    path = tmp_path / f"{name}.yaml"
    path.write_text(src.replace(replace[0], replace[1]), encoding="utf-8")
    return path


def test_an_error_names_file_line_and_field(tmp_path: Path) -> None:
    path = _copy(tmp_path, "forebyggelige_indlaeggelser_65", ("  min_hours: 12", "  min_hours: -3"))
    with pytest.raises(DefinitionError) as exc:
        load_definition(path)
    assert str(exc.value) == (
        f"{path}, line 19, field 'selection.min_hours': Input should be greater than or equal to 0"
    )


def test_a_malformed_diagnosis_code_is_refused(tmp_path: Path) -> None:
    path = _copy(tmp_path, "forebyggelige_indlaeggelser_65", ("codes: [DE86]", "codes: [E86]"))
    with pytest.raises(DefinitionError) as exc:
        load_definition(path)
    assert str(exc.value) == (
        f"{path}, line 25, field 'selection.diagnosis_groups.dehydrering.codes': Value error, "
        "'E86' is not an SKS diagnosis prefix (capital D followed by letters/digits)"
    )


def test_unknown_fields_are_refused(tmp_path: Path) -> None:
    path = _copy(
        tmp_path, "faerdigbehandlingsdage", ("multiplier: 1000", "multiplier: 1000\nmultiplyer: 10")
    )
    with pytest.raises(
        DefinitionError, match=r"line 10, field 'multiplyer': Extra inputs are not permitted"
    ):
        load_definition(path)


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("id: x\nname_da: [unclosed\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"x.yaml, line 3: not valid YAML"):
        load_definition(path)


def test_the_id_must_match_the_file_name(tmp_path: Path) -> None:
    src = builtin_dir() / "faerdigbehandlingsdage.yaml"
    path = tmp_path / "other.yaml"
    shutil.copy(src, path)
    with pytest.raises(DefinitionError) as exc:
        load_definition(path)
    assert str(exc.value) == (
        f"{path}, line 2, field 'id': 'faerdigbehandlingsdage' must equal the file name 'other'"
    )


def test_an_empty_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match="no indicator definitions"):
        load_definitions(tmp_path)


def test_the_docs_page_is_generated_from_the_definitions() -> None:
    page = (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8")
    assert page.rstrip("\n") == definitions_markdown(load_definitions()).rstrip("\n"), (
        "run `make docs`"
    )
    for d in load_definitions():
        assert d.id in page


def test_every_generated_page_is_up_to_date() -> None:
    from naersund.docs import pages

    for name, text in pages().items():
        on_disk = (ROOT / "docs" / name).read_text(encoding="utf-8")
        assert on_disk.rstrip("\n") == text.rstrip("\n"), f"docs/{name} is stale: run `make docs`"
