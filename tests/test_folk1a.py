"""Population from Statistics Denmark's statbank (FOLK1A, BY2) in the exact layout the statbank's
CSV export writes: ``OMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD``, values as text, as codes, or as
both (the ``CodeAndValue`` presentation: ``101 København``), with the national, regional and
"I alt" rows that must not be added twice.

The files are built in code from a counting rule (``_count``), so the expected 5-year bands are
sums worked out independently of the reader.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from naersund.cli import cli
from naersund.refdata import AGE_GROUPS, municipalities
from naersund.refdata.folk1a import Folk1aError, read_statbank_population

MUNIS = municipalities()
HOVEDSTADEN = MUNIS[MUNIS["region_code"] == 1084]
SEXES = [("1", "Mænd"), ("2", "Kvinder")]
CIVIL = [("U", "Ugift"), ("G", "Gift/separeret")]


def _count(kommune: int, sex: str, age: int, civil: str, quarter: int) -> int:
    """A made-up count per cell; other quarters differ so that using them would show."""
    return (
        (kommune % 7 + 1) * (age % 3 + 1)
        + int(sex)
        + (3 if civil == "G" else 0)
        + 100 * (quarter - 1)
    )


def _value(code: str, text: str, presentation: str) -> str:
    return {"Value": text, "Code": code, "CodeAndValue": f"{code} {text}"}[presentation]


def folk1a_file(
    path: Path, presentation: str = "Value", year: int = 2014, bom: bool = False
) -> Path:
    """A FOLK1A export: Denmark, Region Hovedstaden and the 98 municipalities; I alt, men and
    women; Alder i alt and 0-100 år; civil status I alt and two categories; two quarters."""
    lines = ["OMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD"]
    areas = [("000", "Hele landet", MUNIS), ("084", "Region Hovedstaden", HOVEDSTADEN)]
    areas += [
        (f"{k}", n, MUNIS[MUNIS["kommunekode"] == k])
        for k, n in zip(MUNIS["kommunekode"], MUNIS["name"], strict=True)
    ]
    for quarter in (1, 2):
        tid = f"{year}K{quarter}"
        for code, name, members in areas:
            area = _value(code, name, presentation)
            for sex_code, sex_text in [("TOT", "I alt"), *SEXES]:
                sexes = [s for s, _ in SEXES] if sex_code == "TOT" else [sex_code]
                for age in [None, *range(101)]:
                    ages = list(range(101)) if age is None else [age]
                    age_code, age_text = (
                        ("IALT", "Alder i alt") if age is None else (str(age), f"{age} år")
                    )
                    for civil_code, civil_text in [("TOT", "I alt"), *CIVIL]:
                        civils = [c for c, _ in CIVIL] if civil_code == "TOT" else [civil_code]
                        n = sum(
                            _count(int(k), s, a, c, quarter)
                            for k in members["kommunekode"]
                            for s in sexes
                            for a in ages
                            for c in civils
                        )
                        row = [
                            area,
                            _value(sex_code, sex_text, presentation),
                            _value(age_code, age_text, presentation),
                            _value(civil_code, civil_text, presentation),
                            tid,
                            str(n),
                        ]
                        lines.append(";".join(row))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig" if bom else "utf-8")
    return path


def _expected(kommune: int, band: str, sex: str) -> int:
    lo = int(band.split("-")[0].rstrip("+"))
    ages = range(lo, 101) if band == "85+" else range(lo, lo + 5)
    code = "1" if sex == "M" else "2"
    return sum(_count(kommune, code, a, c, 1) for a in ages for c, _ in CIVIL)


@pytest.fixture(scope="module")
def folk1a(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return folk1a_file(tmp_path_factory.mktemp("folk1a") / "FOLK1A.csv")


def test_it_reads_every_municipality_band_and_sex_of_the_first_quarter(folk1a: Path) -> None:
    pop = read_statbank_population(folk1a)
    rows = pop.rows
    assert pop.years == [2014]
    assert list(rows.columns) == ["year", "kommunekode", "age_group", "sex", "count"]
    assert len(rows) == 98 * len(AGE_GROUPS) * 2
    got = rows.set_index(["kommunekode", "age_group", "sex"])["count"]
    for kommune in (101, 165, 400, 851):
        for band in ("0-4", "65-69", "85+"):
            for sex in ("M", "F"):
                assert got[(kommune, band, sex)] == _expected(kommune, band, sex)
    # København, 0-4, men: ages 0-4 (factors 1,2,3,1,2) x (101 % 7 + 1 = 4) = 36 per civil
    # status, + 1 for men, + 3 for the married: (36 + 5) + (36 + 5 + 15) = 97.
    assert got[(101, "0-4", "M")] == 97
    # Denmark, the region, the totals, civil status's total and the second quarter are left out.
    assert pop.skipped["kvartaler efter 1. januar"] > 0 and pop.skipped["områder og totaler"] > 0


@pytest.mark.parametrize("presentation", ["Code", "CodeAndValue"])
def test_codes_or_codes_and_values_give_the_same_population(
    folk1a: Path, tmp_path: Path, presentation: str
) -> None:
    other = folk1a_file(tmp_path / "f.csv", presentation, bom=True)
    pd.testing.assert_frame_equal(
        read_statbank_population(other).rows, read_statbank_population(folk1a).rows
    )


def test_by2_with_five_year_bands_and_years_sums_the_town_sizes(tmp_path: Path) -> None:
    # BY2: KOMK;BYST;ALDER;KØN;TID;INDHOLD, 5-year bands up to "85 år og derover", no total of
    # the town size: its categories are summed. 10 + 20 in every cell.
    lines = ["KOMK;BYST;ALDER;KØN;TID;INDHOLD"]
    bands = [f"{lo}-{lo + 4} år" for lo in range(0, 85, 5)] + ["85 år og derover"]
    for name in MUNIS["name"]:
        for byst, n in (("Hovedstadsområdet", 10), ("Landdistrikter", 20)):
            for band in bands:
                for sex in ("Mænd", "Kvinder"):
                    lines.append(f"{name};{byst};{band};{sex};2015;{n}")
    path = tmp_path / "BY2.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    pop = read_statbank_population(path)
    assert pop.years == [2015]
    assert set(pop.rows["count"]) == {30}
    assert set(pop.rows["age_group"]) == set(AGE_GROUPS)


def _one_line(
    tmp_path: Path, row: str, header: str = "OMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD"
) -> Path:
    path = tmp_path / "f.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "Atlantis;Mænd;0 år;I alt;2014K1;5",
            "f.csv, række 2, felt 'OMRÅDE': 'Atlantis' er hverken en af de 98 kommuner eller et kendt område",
        ),
        (
            "København;Børn;0 år;I alt;2014K1;5",
            "f.csv, række 2, felt 'KØN': 'Børn' er ikke et køn (Mænd, Kvinder eller I alt)",
        ),
        (
            "København;Mænd;12 aar;I alt;2014K1;5",
            "f.csv, række 2, felt 'ALDER': '12 aar' er ikke en alder (fx '12 år', '10-14 år' eller 'Alder i alt')",
        ),
        (
            "København;Mænd;10-19 år;I alt;2014K1;5",
            "f.csv, række 2, felt 'ALDER': aldersgruppen '10-19 år' passer ikke i 5-års grupperne 0-4 … 85+",
        ),
        (
            "København;Mænd;0 år;I alt;2014M01;5",
            "f.csv, række 2, felt 'TID': '2014M01' er ikke et år eller kvartal (fx 2014 eller 2014K1)",
        ),
        (
            "København;Mænd;0 år;I alt;2014K1;..",
            "f.csv, række 2, felt 'INDHOLD': '..' er ikke et antal personer",
        ),
        (
            "København;Mænd;0 år;I alt;2014K1;¹²",
            "f.csv, række 2, felt 'INDHOLD': '¹²' er ikke et antal personer",
        ),
        ("København;Mænd;0 år;2014K1;5", "f.csv, række 2: 5 felter, men overskriften har 6"),
    ],
)
def test_a_bad_cell_is_refused_naming_file_row_and_field(
    tmp_path: Path, row: str, message: str
) -> None:
    with pytest.raises(Folk1aError) as exc:
        read_statbank_population(_one_line(tmp_path, row))
    assert str(exc.value) == message


def test_whole_file_problems_are_refused_with_a_clear_message(tmp_path: Path) -> None:
    cases = [
        (
            "OMRÅDE;KØN;ALDER;TID\nKøbenhavn;Mænd;0 år;2014K1\n",
            "f.csv, række 1: kolonnen INDHOLD mangler; en eksport fra statistikbanken har fx "
            "OMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD",
        ),
        (
            "OMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD\n"
            "København;Mænd;0 år;I alt;2014K1;5\nKøbenhavn;Mænd;0 år;I alt;2014K1;6\n",
            "f.csv, række 3: samme celle som række 2",
        ),
        (
            "OMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD\n"
            "København;Mænd;0 år;I alt;2014K1;5\nKøbenhavn;Mænd;0-4 år;I alt;2014K1;6\n",
            "f.csv: filen blander enkelte aldre ('12 år') og aldersgrupper ('10-14 år'), som ville "
            "blive talt to gange; vælg det ene i statistikbanken",
        ),
        (
            "OMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD\nKøbenhavn;Mænd;0 år;I alt;2014K1;5\n",
            "f.csv: 2014 mangler 97 kommuner (147, 151, 153, 155, 157 …)",
        ),
        ("", "f.csv: filen er tom"),
    ]
    for text, message in cases:
        path = tmp_path / "f.csv"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(Folk1aError) as exc:
            read_statbank_population(path)
        assert str(exc.value) == message
    path.write_bytes(
        "OMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD\nKøbenhavn;Mænd;0 år;I alt;2014K1;5\n".encode(
            "cp1252"
        )
    )
    with pytest.raises(Folk1aError, match=r"^f\.csv, række 1: filen er ikke UTF-8"):
        read_statbank_population(path)


def test_official_municipality_names_are_understood(tmp_path: Path) -> None:
    from naersund.refdata.folk1a import _Reader

    reader = _Reader(tmp_path / "f.csv")
    assert reader.area("Københavns Kommune", 2, "OMRÅDE") == 101
    assert reader.area("Bornholms Regionskommune", 2, "OMRÅDE") == 400
    assert reader.area("0101", 2, "OMRÅDE") == 101
    assert reader.area("411 Christiansø", 2, "OMRÅDE") is None
    assert reader.area("085 Region Sjælland", 2, "OMRÅDE") is None


def test_compute_uses_the_imported_years_instead_of_estimates(folk1a: Path, tmp_path: Path) -> None:
    from naersund.registry.synth import generate

    data = tmp_path / "data"
    generate(data, [2014], scale=0.005, seed=3)
    runner = CliRunner()
    before = runner.invoke(cli, ["compute", "--data", str(data), "--out", str(tmp_path / "a.csv")])
    assert before.exit_code == 0, before.output
    # Synth writes its own population; the imported file replaces it.
    for p in data.glob("population*"):
        if p.is_dir():
            import shutil

            shutil.rmtree(p)
        else:
            p.unlink()
    result = runner.invoke(
        cli, ["refdata", "import-folk1a", str(folk1a), "--out", str(data / "population.csv")]
    )
    assert result.exit_code == 0, result.output
    assert "Skrevet:" in result.output and "2014: " in result.output
    after = runner.invoke(cli, ["compute", "--data", str(data), "--out", str(tmp_path / "b.csv")])
    assert after.exit_code == 0, after.output
    meta = json.loads((tmp_path / "b.csv.meta.json").read_text(encoding="utf-8"))
    assert 2014 not in meta["population_estimated_years"]
    assert "befolkningstal estimeret" not in meta["note"]
    before_meta = json.loads((tmp_path / "a.csv.meta.json").read_text(encoding="utf-8"))
    assert before_meta["population_estimated_years"] == [2014]
    written = pd.read_csv(data / "population.csv")
    assert (
        int(
            written.query("kommunekode == 101 and age_group == '0-4' and sex == 'M'")["count"].iloc[
                0
            ]
        )
        == 97
    )


def test_the_cli_says_a_bad_export_in_one_danish_line(tmp_path: Path) -> None:
    bad = tmp_path / "f.csv"
    bad.write_text("OMRÅDE;KØN;ALDER;TID\nKøbenhavn;Mænd;0 år;2014K1\n", encoding="utf-8")
    import subprocess
    import sys

    args = ["refdata", "import-folk1a", str(bad), "--out", str(tmp_path / "p.csv")]
    result = subprocess.run(
        [sys.executable, "-m", "naersund.cli", *args], capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "f.csv, række 1: kolonnen INDHOLD mangler" in result.stderr + result.stdout
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "p.csv").exists()
