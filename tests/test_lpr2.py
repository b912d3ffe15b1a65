"""LPR2 research extracts to canonical contacts: the mapping, its options and its messages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from naersund.errors import InputError
from naersund.registry.ingest import find_table, ingest
from naersund.registry.lpr2 import Lpr2Options

ADM_HEAD = "PNR,RECNUM,C_KOM,D_INDDTO,V_INDTIME,V_INDMINUT,D_UDDTO,V_UDTIME,C_PATTYPE,C_INDM,C_ADIAG,C_SGH,C_AFD,C_SPEC,V_ALDER,C_UDM"
ADM = [
    "P1,R1,0101,2014-03-01,8,30,2014-03-02,10,0,1,DJ189,1301,011,08,74,1",
    "P2,R2,147,01-03-2014,23,5,02.03.2014,1,3,2,DS720,1301,011,08,80,8",
    "P3,R3,101,2014-03-05,9,0,2014-03-05,9,2,2,DZ000,1301,011,08,80,1",
    "P1,R4,101,2014-03-07,10,15,2014-03-07,10,0,1,DJ189,Sygehus Sønderjylland,011,08,74,",
]
DIAG = "RECNUM,C_DIAG,C_DIAGTYPE\nR1,DJ440,A\nR1,DI10,B\nR2,ds7200,A\n"
PERSON = "PNR,C_KON,D_FODDATO\nP1,M,1940-01-01\nP2,K,15.06.1933\nP3,K,1950-01-01\n"


def extract(src: Path, adm: list[str], diag: str = DIAG, person: str = PERSON) -> Path:
    src.mkdir(parents=True, exist_ok=True)
    (src / "LPR_ADM_2014.csv").write_text("\n".join([ADM_HEAD, *adm]) + "\n", encoding="utf-8")
    (src / "LPR_DIAG_2014.csv").write_text(diag, encoding="utf-8")
    (src / "CPR_PERSON.csv").write_text(person, encoding="utf-8")
    return src


def contacts(dest: Path) -> list[dict[str, object]]:
    """The canonical columns of the contacts written (the person key is tested in test_ingest:
    here only that it is the rank of person_id)."""
    t = pa.concat_tables([pq.read_table(f) for f in find_table(dest, "contacts")])
    ids = sorted(set(t["person_id"].to_pylist()))
    assert t["person_key"].to_pylist() == [ids.index(p) + 1 for p in t["person_id"].to_pylist()]
    t = t.drop_columns(["person_key"])
    return t.sort_by([("person_id", "ascending"), ("start", "ascending")]).to_pylist()


def contact(pid: str, kom: int, sex: str, born: dt.date, start: dt.datetime, end: dt.datetime,
            acute: bool, dx: str, hospital: str = "1301", died: bool = False) -> dict[str, object]:  # fmt: skip
    return {
        "person_id": pid, "kommunekode": kom, "sex": sex, "birth_date": born, "start": start,
        "end": end, "acute": acute, "primary_diagnosis": dx, "specialty": "intern medicin",
        "hospital": hospital, "died": died,
    }  # fmt: skip


P1 = ("P1", 101, "M", dt.date(1940, 1, 1))
EXPECTED = [
    # the LPR_DIAG A diagnosis wins over C_ADIAG; end has no minutes in LPR2
    contact(*P1, dt.datetime(2014, 3, 1, 8, 30), dt.datetime(2014, 3, 2, 10), True, "DJ440"),
    # discharged in the admission hour: end = start; no LPR_DIAG row: C_ADIAG
    contact(
        *P1,
        dt.datetime(2014, 3, 7, 10, 15),
        dt.datetime(2014, 3, 7, 10, 15),
        True,
        "DJ189",
        hospital="Sygehus Sønderjylland",
    ),
    # DD-MM-YYYY and DD.MM.YYYY dates, K -> F, C_UDM 8 = died, C_INDM 2 = planned
    contact(
        "P2",
        147,
        "F",
        dt.date(1933, 6, 15),
        dt.datetime(2014, 3, 1, 23, 5),
        dt.datetime(2014, 3, 2, 1),
        False,
        "DS7200",
        died=True,
    ),
]


def test_a_handmade_extract_maps_to_these_contacts(tmp_path: Path) -> None:
    report = ingest(extract(tmp_path / "src", ADM), tmp_path / "dest", fmt="lpr2")
    assert contacts(tmp_path / "dest") == EXPECTED
    assert report.tables == {"contacts": 3}
    assert report.messages == [
        "LPR2: 1 række med C_PATTYPE 2 (ambulant) er udeladt: sådan en række dækker et helt "
        "ambulant forløb, ikke et fysisk fremmøde"
    ]


def test_lpr2_specialty_codes_become_the_lpr3_texts_and_unknown_codes_are_named(
    tmp_path: Path,
) -> None:
    adm = [
        ADM[0].replace(",011,08,", ",011,8,"),  # one digit: as 08
        ADM[1].replace(",011,08,", ",011,04,"),
        ADM[3].replace(",011,08,", ",011,99,"),  # not in the mapping: kept, and named
    ]
    report = ingest(extract(tmp_path / "src", adm), tmp_path / "dest", fmt="lpr2")
    got = contacts(tmp_path / "dest")
    assert [(c["person_id"], c["specialty"]) for c in got] == [
        ("P1", "intern medicin"),
        ("P1", "99"),
        ("P2", "dermato-venerologi"),
    ]
    assert report.messages == [
        "LPR2: C_SPEC-koder uden tekst i naersunds specialeliste (lpr2_specialties.csv) beholdes "
        "som koder og tæller ikke som medicinske specialer: 99 (1 række)"
    ]


def test_the_shipped_specialty_mapping_is_unverified_data_with_its_source() -> None:
    from naersund.refdata import data_path
    from naersund.registry.lpr2 import specialty_codes

    assert specialty_codes()["08"] == "intern medicin"
    rows = data_path("lpr2_specialties.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "code,specialty,name_in_source,verified"
    assert all(r.endswith(",false") for r in rows[1:])
    sources = data_path("SOURCES.md").read_text(encoding="utf-8")
    assert "## `lpr2_specialties.csv`: LPR2 specialty codes (unverified)" in sources


def test_an_acute_short_lpr2_stay_in_intern_medicin_counts_as_medical(tmp_path: Path) -> None:
    """akutte_korttidsindlaeggelser matches LPR3 specialty texts; LPR2's code 08 reaches it
    through the mapping, a surgical code (09) does not."""
    from naersund.engine.compute import ComputeOptions, compute
    from naersund.suppression import SuppressionRule

    adm = [
        # acute, 3 hours, intern medicin (08): a medical acute short stay
        "P1,R1,0101,2014-03-01,8,30,2014-03-01,11,3,1,DJ189,1301,011,08,74,1",
        # acute, 3 hours, kirurgi (09): not medical
        "P2,R2,0101,2014-05-01,8,30,2014-05-01,11,3,1,DS720,1301,011,09,80,1",
    ]
    ingest(extract(tmp_path / "src", adm), tmp_path / "dest", fmt="lpr2")
    options = ComputeOptions(
        indicators=("akutte_korttidsindlaeggelser",), suppression=SuppressionRule(min_count=1)
    )
    r = compute(tmp_path / "dest", options).results
    row = r[(r["level"] == "kommune") & (r["area_code"] == 101) & (r["year"] == 2014)]
    assert row["numerator"].tolist() == [1.0]


def test_options_keep_outpatients_and_choose_the_death_codes(tmp_path: Path) -> None:
    options = Lpr2Options(died_codes=("1",), include_outpatient=True)
    report = ingest(
        extract(tmp_path / "src", ADM), tmp_path / "dest", fmt="lpr2", lpr2_options=options
    )
    assert report.messages == []
    got = contacts(tmp_path / "dest")
    assert [(c["person_id"], c["died"]) for c in got] == [
        ("P1", True),
        ("P1", False),
        ("P2", False),
        ("P3", True),
    ]


def test_canonical_population_and_ready_for_discharge_pass_through(tmp_path: Path) -> None:
    src = extract(tmp_path / "src", ADM)
    (src / "ready_for_discharge.csv").write_text(
        "person_id,kommunekode,ready_date,discharge_date\nP1,101,2014-03-02,2014-03-04\n",
        encoding="utf-8",
    )
    (src / "population.csv").write_text(
        "year,kommunekode,age_group,sex,count\n2014,101,65-69,F,3\n"
    )
    report = ingest(src, tmp_path / "dest", fmt="lpr2")
    assert report.tables == {"contacts": 3, "population": 1, "ready_for_discharge": 1}


BAD = {
    "P9,R9,0101,2014-03-01,8,30,2014-03-02,10,0,1,DJ189,1301,011,08,74,1": "felt 'PNR': PNR 'P9' findes ikke i CPR_PERSON",
    "P2,R5,0999,2014-03-01,8,30,2014-03-02,10,0,1,DJ189,1301,011,08,74,1": "felt 'C_KOM': ukendt kommunekode '0999'",
    "P2,R6,101,2014-13-01,8,30,2014-03-02,10,0,1,DJ189,1301,011,08,74,1": "felt 'D_INDDTO': ugyldig dato '2014-13-01' (forventet ÅÅÅÅ-MM-DD, DD-MM-ÅÅÅÅ eller DD.MM.ÅÅÅÅ)",
    "P2,R7,101,2014-03-01,24,30,2014-03-02,10,0,1,DJ189,1301,011,08,74,1": "felt 'V_INDTIME': ugyldig time '24' (forventet 0-23)",
    "P2,R7,101,2014-03-01,8,60,2014-03-02,10,0,1,DJ189,1301,011,08,74,1": "felt 'V_INDMINUT': ugyldigt minut '60' (forventet 0-59)",
    "P2,R7,101,2014-03-01,8,,2014-03-02,10,0,1,DJ189,1301,011,08,74,1": "felt 'V_INDMINUT': mangler værdi",
    "P2,R7,101,2014-03-01,8,30,2014/03/02,10,0,1,DJ189,1301,011,08,74,1": "felt 'D_UDDTO': ugyldig dato '2014/03/02' (forventet ÅÅÅÅ-MM-DD, DD-MM-ÅÅÅÅ eller DD.MM.ÅÅÅÅ)",
    "P2,R7,101,2014-03-01,8,30,2014-03-02,x,0,1,DJ189,1301,011,08,74,1": "felt 'V_UDTIME': ugyldig time 'x' (forventet 0-23)",
    "P2,R8,101,2014-03-01,8,30,2014-03-02,10,5,1,DJ189,1301,011,08,74,1": "felt 'C_PATTYPE': ukendt patienttype '5' (forventet 0, 2 eller 3)",
    "P2,R8,101,2014-03-01,8,30,2014-03-02,10,0,3,DJ189,1301,011,08,74,1": "felt 'C_INDM': ukendt indlæggelsesmåde '3' (forventet 1 akut eller 2 planlagt)",
    "P2,RX,101,2014-03-01,8,30,2014-03-02,10,0,1,DJ189,1301,011,08,74,1": "felt 'LPR_DIAG.C_DIAG': ugyldig diagnosekode 'J440' (forventet SKS-kode med D-præfiks, fx DJ189)",
    "P2,RY,101,2014-03-01,8,30,2014-03-02,10,0,1,DJ189,1301,011,08,74,1": "felt 'LPR_DIAG.C_DIAG': flere aktionsdiagnoser (C_DIAGTYPE A) for RECNUM 'RY'",
    "P2,R8,101,2014-03-01,8,30,2014-03-02,10,0,1,J189,1301,011,08,74,1": "felt 'C_ADIAG': ugyldig diagnosekode 'J189' (forventet SKS-kode med D-præfiks, fx DJ189)",
    "P2,R8,101,2014-03-01,8,30,2014-03-01,7,0,1,DJ189,1301,011,08,74,1": "felt 'D_UDDTO': slut '2014-03-01 07:00' er før start '2014-03-01 08:30'",
    "P4,R8,101,2014-03-01,8,30,2014-03-02,10,0,1,DJ189,1301,011,08,74,1": "felt 'CPR_PERSON.C_KON': ukendt køn 'F' (forventet M eller K)",
    "P5,R8,101,2014-03-01,8,30,2014-03-02,10,0,1,DJ189,1301,011,08,74,1": "felt 'CPR_PERSON.D_FODDATO': ugyldig dato '1940-02-30' (forventet ÅÅÅÅ-MM-DD, DD-MM-ÅÅÅÅ eller DD.MM.ÅÅÅÅ)",
    "P6,R8,101,2014-03-01,8,30,2014-03-02,10,0,1,DJ189,1301,011,08,74,1": "felt 'PNR': PNR 'P6' har flere forskellige rækker i CPR_PERSON",
    "P7,R8,101,2014-03-01,8,30,2014-03-02,10,0,1,DJ189,1301,011,08,74,1": "felt 'CPR_PERSON.D_FODDATO': mangler værdi",
    "P1,R8,101,2014-03-01,8,30,2014-03-02,10,0,1,DJ189,1301,011,08,74,1": "felt 'CPR_PERSON.D_FODDATO': fødselsdato '2015-01-01' er efter kontaktens start '2014-03-01 08:30'",
    ",R8,101,2014-03-01,8,30,2014-03-02,10,0,1,DJ189,1301,011,08,74,1": "felt 'PNR': mangler værdi",
}  # fmt: skip
DIAG_BAD = DIAG + "RX,J440,A\nRY,DJ440,A\nRY,DJ441,a\n"
PERSON_BAD = "PNR,C_KON,D_FODDATO\nP1,M,2015-01-01\nP2,K,1933-06-15\nP4,F,1940-01-01\nP5,M,1940-02-30\nP6,M,1940-01-01\nP6,K,1940-01-01\nP7,M,\n"


def test_each_lpr2_problem_names_the_lpr_adm_row_and_the_lpr2_field(tmp_path: Path) -> None:
    src = extract(tmp_path / "src", list(BAD), diag=DIAG_BAD, person=PERSON_BAD)
    with pytest.raises(InputError) as e:
        ingest(src, tmp_path / "dest", fmt="lpr2", max_errors=100)
    expected = [f"LPR_ADM_2014.csv, række {i + 2}, {m}" for i, m in enumerate(BAD.values())]
    assert str(e.value).splitlines() == [
        f"Indlæsning afvist: {len(BAD)} rækker med fejl; intet er skrevet.",
        *expected,
    ]


def test_the_rejects_report_holds_the_lpr_adm_values(tmp_path: Path) -> None:
    src = extract(tmp_path / "src", [ADM[0], ADM[0].replace("0101", "0999")])
    report = ingest(src, tmp_path / "dest", fmt="lpr2", rejects=tmp_path / "rejects.csv")
    assert report.rejected == {"contacts": 1}
    assert (tmp_path / "rejects.csv").read_text(encoding="utf-8-sig").splitlines() == [
        "fil,række,felt,årsag," + ADM_HEAD,
        "LPR_ADM_2014.csv,3,C_KOM,ukendt kommunekode '0999',P1,R1,0999,2014-03-01,8,30,2014-03-02,10,0,1,DJ189,1301,011,08,74,1",
    ]


def test_missing_files_and_columns(tmp_path: Path) -> None:
    src = extract(tmp_path / "src", ADM)
    (src / "LPR_DIAG_2014.csv").unlink()
    with pytest.raises(InputError) as e:
        ingest(src, tmp_path / "dest", fmt="lpr2")
    assert str(e.value) == f"{src}: ingen LPR_DIAG*.csv fundet (LPR2-udtræk)"
    extract(src, ADM, person="PNR;C_KON\nP1;M\n")
    with pytest.raises(InputError) as e:
        ingest(src, tmp_path / "dest", fmt="lpr2")
    assert (
        str(e.value)
        == "CPR_PERSON.csv: mangler den påkrævede kolonne 'D_FODDATO' (filen har: PNR, C_KON)"
    )


def test_the_synthetic_lpr2_extract_ingests_to_the_canonical_contacts(tmp_path: Path) -> None:
    """``naersund synth`` writes the same contacts in both formats (LPR2 ends cut to the hour).

    Its planned outpatient attendances are ``C_PATTYPE`` 2 rows, one per attendance, which
    ingest keeps only when told to (by default it leaves them out, as for a real extract)."""
    from naersund.registry.synth import generate

    generate(tmp_path / "canonical", [2014], scale=0.002, seed=5)
    generate(tmp_path / "lpr2", [2014], scale=0.002, seed=5, fmt="lpr2")
    report = ingest(tmp_path / "lpr2", tmp_path / "default", fmt="lpr2")
    assert any("C_PATTYPE 2 (ambulant) er udeladt" in m for m in report.messages)
    options = Lpr2Options(include_outpatient=True)
    ingest(tmp_path / "lpr2", tmp_path / "dest", fmt="lpr2", lpr2_options=options)
    got = pa.concat_tables([pq.read_table(f) for f in find_table(tmp_path / "dest", "contacts")])
    want = pa.concat_tables(
        [pq.read_table(f) for f in find_table(tmp_path / "canonical", "contacts")]
    )
    # Each run numbers the persons its own way (synth: the number in the id; ingest: the rank).
    got, want = got.drop_columns(["person_key"]), want.drop_columns(["person_key"])
    want = want.select(got.column_names).cast(got.schema)
    hour = pc.floor_temporal(want["end"], unit="hour")
    same_hour = pc.equal(pc.floor_temporal(want["start"], unit="hour"), hour)
    want = want.set_column(5, "end", pc.if_else(same_hour, want["start"], hour))
    keys = [(c, "ascending") for c in got.column_names]
    assert got.num_rows > 100
    assert got.sort_by(keys).to_pylist() == want.sort_by(keys).to_pylist()


def test_a_malformed_csv_row_gets_a_message_not_a_traceback(tmp_path: Path) -> None:
    src = extract(tmp_path / "src", [*ADM, ADM[0] + ",extra"])
    with pytest.raises(InputError) as e:
        ingest(src, tmp_path / "dest", fmt="lpr2")
    assert str(e.value) == (
        "LPR_ADM_2014.csv, række 6: forventede 16 felter, fandt 17 (tjek skilletegn og "
        "anførselstegn)"
    )


def test_a_malformed_row_in_lpr_diag_names_lpr_diag(tmp_path: Path) -> None:
    src = extract(tmp_path / "src", ADM, diag=DIAG + "R1,DI10,B,x\n")
    with pytest.raises(InputError) as e:
        ingest(src, tmp_path / "dest", fmt="lpr2")
    assert str(e.value) == (
        "LPR_DIAG_2014.csv, række 5: forventede 3 felter, fandt 4 (tjek skilletegn og "
        "anførselstegn)"
    )
