"""One series across 2019: an LPR2 extract (to 2018) and an LPR3 extract (from 2019) ingested
into one data directory (``naersund ingest --append``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from naersund.cli import cli
from naersund.engine.compute import ComputeOptions, compute
from naersund.errors import InputError
from naersund.refdata import data_path
from naersund.registry.ingest import find_table, ingest
from naersund.registry.lpr2 import Lpr2Options
from naersund.suppression import SuppressionRule

LPR2_HEAD = (
    "PNR,RECNUM,C_KOM,D_INDDTO,V_INDTIME,V_INDMINUT,D_UDDTO,V_UDTIME,C_PATTYPE,C_INDM,C_ADIAG,"
    "C_SGH,C_SPEC,C_UDM"
)
LPR3_HEAD = (
    "PNR;DW_EK_KONTAKT;KOMMUNEKODE;DATO_START;TIDSPUNKT_START;DATO_SLUT;TIDSPUNKT_SLUT;"
    "PRIORITET;KONTAKTTYPE;AKTIONSDIAGNOSE;HOVEDSPECIALE_ANS;SORENHED_ANS"
)
# P1 (born 1940, Albertslund 165): an acute admission on 31 December 2018 (LPR2, 10:00-23:00)
# continued by a contact on 1 January 2019 at 00:30 (LPR3): 1.5 hours apart, so one stay of 50
# hours, discharged 2 January 2019. An acute readmission on 10 January 2019 (LPR3, 48 hours).
# Joined, 2019 has two index stays (the joined one and the readmission) and one readmission, and
# 2018 has no index stay. Not joined, the 13-hour LPR2 contact would be a 2018 index stay
# readmitted on 1 January. P2 has one LPR2 contact in 2017 and one LPR3 contact in 2020.
# RECNUM and DW_EK_KONTAKT repeat across the two sources ("1"): ids of their own sources only.
LPR2_ADM = [
    "P1,1,0165,2018-12-31,10,0,2018-12-31,23,0,1,DJ189,1301,08,1",
    "P2,2,0101,2017-05-02,9,0,2017-05-04,12,0,1,DI10,1301,08,1",
]
LPR2_DIAG = "RECNUM,C_DIAG,C_DIAGTYPE\n1,DJ189,A\n2,DI10,A\n"
LPR2_PERSON = "PNR,C_KON,D_FODDATO\nP1,M,1940-01-01\nP2,K,1950-06-01\n"
LPR3_KONTAKTER = [
    "P1;1;0165;2019-01-01;00:30;2019-01-02;12:00;ATA1;ALCA00;DJ189;intern medicin;Herlev",
    "P1;2;0165;2019-01-10;08:00;2019-01-12;08:00;ATA1;ALCA00;DJ441;intern medicin;Herlev",
    "P2;3;0101;2020-02-01;08:00;2020-02-03;08:00;ATA1;ALCA00;DI10;kardiologi;Herlev",
]
LPR3_PERSON = "PNR,C_KON,D_FODDATO,D_DODDATO\nP1,M,1940-01-01,\nP2,K,1950-06-01,\n"
# The same contacts in the canonical format
CANONICAL = """\
person_id,kommunekode,sex,birth_date,start,end,acute,primary_diagnosis,specialty,hospital,died
P1,165,M,1940-01-01,2018-12-31 10:00,2018-12-31 23:00,true,DJ189,intern medicin,1301,false
P2,101,F,1950-06-01,2017-05-02 09:00,2017-05-04 12:00,true,DI10,kardiologi,1301,false
P1,165,M,1940-01-01,2019-01-01 00:30,2019-01-02 12:00,true,DJ189,intern medicin,Herlev,false
P1,165,M,1940-01-01,2019-01-10 08:00,2019-01-12 08:00,true,DJ441,intern medicin,Herlev,false
P2,101,F,1950-06-01,2020-02-01 08:00,2020-02-03 08:00,true,DI10,kardiologi,Herlev,false
"""


def lpr2(src: Path, adm: list[str] = LPR2_ADM, person: str = LPR2_PERSON) -> Path:
    src.mkdir(parents=True, exist_ok=True)
    (src / "LPR_ADM.csv").write_text("\n".join([LPR2_HEAD, *adm]) + "\n", encoding="utf-8")
    (src / "LPR_DIAG.csv").write_text(LPR2_DIAG, encoding="utf-8")
    (src / "CPR_PERSON.csv").write_text(person, encoding="utf-8")
    return src


def lpr3(src: Path, rows: list[str] = LPR3_KONTAKTER, person: str = LPR3_PERSON) -> Path:
    src.mkdir(parents=True, exist_ok=True)
    (src / "kontakter.csv").write_text("\n".join([LPR3_HEAD, *rows]) + "\n", encoding="utf-8")
    (src / "CPR_PERSON.csv").write_text(person, encoding="utf-8")
    return src


def spliced(tmp_path: Path) -> Path:
    dest = tmp_path / "data"
    ingest(lpr2(tmp_path / "lpr2"), dest, fmt="lpr2")
    ingest(lpr3(tmp_path / "lpr3"), dest, fmt="lpr3", append=True)
    return dest


def contacts(dest: Path) -> pa.Table:
    return pa.concat_tables([pq.read_table(f) for f in find_table(dest, "contacts")])


READMISSIONS = ComputeOptions(
    indicators=("genindlaeggelser_30d_65",), suppression=SuppressionRule(min_count=1)
)


def readmissions(dest: Path) -> pd.DataFrame:
    r = compute(dest, READMISSIONS).results
    r = r[(r["level"] == "kommune") & (r["area_code"] == 165)]
    return r[["year", "numerator", "denominator"]].reset_index(drop=True)


def test_the_stay_across_new_year_joins_and_counts_as_canonical_data_does(tmp_path: Path) -> None:
    dest = spliced(tmp_path)
    got = readmissions(dest)
    # by hand: 2019 has two index stays (the joined stay and the readmission), one readmitted;
    # no index stay is discharged in 2018 (it would be, readmitted, if the stay did not join)
    by_year = {int(y): (int(n), int(d)) for y, n, d in got.itertuples(index=False)}
    assert by_year.get(2019) == (1, 2)
    assert by_year.get(2018, (0, 0)) == (0, 0)
    (tmp_path / "canonical").mkdir()
    (tmp_path / "canonical" / "contacts.csv").write_text(CANONICAL, encoding="utf-8")
    ingest(tmp_path / "canonical", tmp_path / "canonical-data")
    pd.testing.assert_frame_equal(got, readmissions(tmp_path / "canonical-data"))


def test_the_spliced_directory_holds_both_sources_with_one_person_key(tmp_path: Path) -> None:
    dest = spliced(tmp_path)
    t = contacts(dest).sort_by([("person_id", "ascending"), ("start", "ascending")])
    assert t.num_rows == 5
    # one key per person over both sources, numbered by one run
    assert t["person_key"].to_pylist() == [1, 1, 1, 2, 2]
    runs = {
        pq.read_metadata(f).metadata[b"naersund.person_key"] for f in find_table(dest, "contacts")
    }
    assert len(runs) == 1
    record = json.loads((dest / "ingest.json").read_text(encoding="utf-8"))
    assert record["format"] == "lpr2+lpr3"
    assert record["written"] == {"contacts": 5}
    assert [(s["format"], s["first"], s["last"], s["written"]) for s in record["sources"]] == [
        ("lpr2", "2017-05-02", "2018-12-31", {"contacts": 2}),
        ("lpr3", "2019-01-01", "2020-02-01", {"contacts": 3}),
    ]
    assert record["rejected"] == {"contacts": 0}


def test_the_cli_appends_and_says_how_many_persons_are_in_both(tmp_path: Path) -> None:
    runner = CliRunner()
    dest = tmp_path / "data"
    first = runner.invoke(cli, ["ingest", "--format", "lpr2", str(lpr2(tmp_path / "a")), str(dest)])
    assert first.exit_code == 0, first.output
    args = ["ingest", "--format", "lpr3", "--append", str(lpr3(tmp_path / "b")), str(dest)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert (
        f"Lagt til {dest} (LPR2): 2 af udtrækkets 2 personer har også kontakter i datamappen"
        in (result.output)
    )
    assert contacts(dest).num_rows == 5


def _unchanged(dest: Path) -> list[tuple[str, bytes]]:
    return sorted(
        (p.relative_to(dest).as_posix(), p.read_bytes()) for p in dest.rglob("*") if p.is_file()
    )


@pytest.mark.parametrize(
    ("second", "fmt", "message"),
    [
        # the LPR3 extract starts in 2018, inside the LPR2 period
        (
            [*LPR3_KONTAKTER, "P2;9;0101;2018-06-01;08:00;2018-06-02;08:00;ATA1;ALCA00;DI10;;H"],
            "lpr3",
            "{src}: udtrækkets kontakter starter fra 2018-06-01 til 2020-02-01, men {dest} har "
            "allerede kontakter fra 2017-05-02 til 2018-12-31; perioderne må ikke overlappe "
            "(afgræns fx LPR2 til 2018 og LPR3 fra 2019)",
        ),
        (
            None,
            "lpr2",
            "{dest}: indeholder allerede et LPR2-udtræk (2017-05-02 – 2018-12-31); --append "
            "lægger et udtræk af et andet format til (fx LPR3 oven på LPR2). Flere LPR2-udtræk "
            "indlæses sammen i én kørsel uden --append (fx en mappe pr. tabel med en fil pr. år)",
        ),
    ],
)
def test_an_overlapping_period_or_the_same_format_again_is_refused(
    tmp_path: Path, second: list[str] | None, fmt: str, message: str
) -> None:
    dest = tmp_path / "data"
    ingest(lpr2(tmp_path / "lpr2"), dest, fmt="lpr2")
    before = _unchanged(dest)
    src = lpr3(tmp_path / "b", second) if second else lpr2(tmp_path / "b")
    with pytest.raises(InputError) as e:
        ingest(src, dest, fmt=fmt, append=True)  # type: ignore[arg-type]
    assert str(e.value) == message.format(src=src, dest=dest)
    assert _unchanged(dest) == before


def test_a_second_lpr3_on_top_of_a_splice_is_refused(tmp_path: Path) -> None:
    dest = spliced(tmp_path)
    before = _unchanged(dest)
    with pytest.raises(InputError, match="indeholder allerede et LPR3-udtræk"):
        ingest(lpr3(tmp_path / "more"), dest, fmt="lpr3", append=True)
    assert _unchanged(dest) == before


def test_a_person_with_another_sex_in_the_second_extract_is_refused(tmp_path: Path) -> None:
    dest = tmp_path / "data"
    ingest(lpr2(tmp_path / "lpr2"), dest, fmt="lpr2")
    before = _unchanged(dest)
    person = LPR3_PERSON.replace("P1,M,", "P1,K,")
    src = lpr3(tmp_path / "lpr3", person=person)
    with pytest.raises(InputError) as e:
        ingest(src, dest, fmt="lpr3", append=True)
    assert str(e.value) == (
        f"{src}: person 'P1' har køn F og fødselsdato 1940-01-01, men i {dest} køn M og "
        "fødselsdato 1940-01-01 (1 personer i alt er forskellige). De to udtræk skal være "
        "pseudonymiseret med samme nøgle, så en person har samme PNR i begge; intet er skrevet"
    )
    assert _unchanged(dest) == before


def test_append_needs_a_directory_written_by_ingest(tmp_path: Path) -> None:
    dest = tmp_path / "data"
    dest.mkdir()
    with pytest.raises(InputError) as e:
        ingest(lpr3(tmp_path / "lpr3"), dest, fmt="lpr3", append=True)
    assert str(e.value) == (
        f"{dest}: --append kræver en datamappe, som naersund ingest har skrevet (der er ingen "
        "ingest.json); indlæs først det første udtræk uden --append"
    )


def test_a_file_put_into_the_directory_by_hand_is_not_lost_by_append(tmp_path: Path) -> None:
    dest = tmp_path / "data"
    ingest(lpr2(tmp_path / "lpr2"), dest, fmt="lpr2")
    (dest / "population.csv").write_text("year,kommunekode,age_group,sex,count\n", encoding="utf-8")
    before = _unchanged(dest)
    with pytest.raises(InputError) as e:
        ingest(lpr3(tmp_path / "lpr3"), dest, fmt="lpr3", append=True)
    assert str(e.value) == (
        f"{dest / 'population.csv'}: filen er ikke skrevet af naersund ingest og ville gå tabt "
        "ved --append; flyt den ud af datamappen, læg udtrækkene sammen, og læg den så tilbage "
        "(eller læg den ved udtrækket, så indlæsningen kontrollerer den)"
    )
    assert _unchanged(dest) == before


def test_population_and_ready_rows_in_both_extracts_are_kept_once(tmp_path: Path) -> None:
    pop = "year,kommunekode,age_group,sex,count\n2018,165,75-79,M,400\n2019,165,75-79,M,410\n"
    ready = "person_id,kommunekode,ready_date,discharge_date\nP1,165,2018-12-31,2019-01-02\n"
    a, b = lpr2(tmp_path / "a"), lpr3(tmp_path / "b")
    for src in (a, b):
        (src / "population.csv").write_text(pop, encoding="utf-8")
        (src / "ready_for_discharge.csv").write_text(ready, encoding="utf-8")
    (b / "ready_for_discharge.csv").write_text(
        ready + "P1,165,2019-01-11,2019-01-12\n", encoding="utf-8"
    )
    dest = tmp_path / "data"
    ingest(a, dest, fmt="lpr2")
    ingest(b, dest, fmt="lpr3", append=True)
    population = pq.read_table(find_table(dest, "population")[0])
    assert sorted(population["count"].to_pylist()) == [400, 410]
    rows = pa.concat_tables([pq.read_table(f) for f in find_table(dest, "ready_for_discharge")])
    assert sorted(str(d) for d in rows["ready_date"].to_pylist()) == ["2018-12-31", "2019-01-11"]
    # a population cell the two give different counts is refused
    (b / "population.csv").write_text(pop.replace("410", "411"), encoding="utf-8")
    other = tmp_path / "other"
    ingest(a, other, fmt="lpr2")
    with pytest.raises(InputError) as e:
        ingest(b, other, fmt="lpr3", append=True)
    assert str(e.value) == (
        f"{b}: population for 2019, kommune 165, 75-79 år, køn M er 411, men 410 i datamappen; "
        "læg befolkningen ved kun ét af udtrækkene (eller den samme ved begge)"
    )


def _rounded_like_lpr2(src: Path, dest: Path, before: int) -> None:
    """The canonical contacts of ``src`` with the ends of contacts starting before ``before``
    cut to the hour as the LPR2 format cuts them (no discharge minute; within the admission
    hour, end = start), written as a canonical extract to ``dest``."""
    t = contacts(src).drop_columns(["person_key"])
    early = pc.less(pc.year(t["start"]), before)
    hour = pc.floor_temporal(t["end"], unit="hour")
    same = pc.equal(pc.floor_temporal(t["start"], unit="hour"), hour)
    cut = pc.if_else(same, t["start"], hour)
    t = t.set_column(t.column_names.index("end"), "end", pc.if_else(early, cut, t["end"]))
    (dest / "contacts").mkdir(parents=True)
    pq.write_table(t, dest / "contacts" / "contacts.parquet")
    for table in ("population", "ready_for_discharge"):
        files = [f for f in find_table(src, table) if f.suffix == ".parquet"]
        tables = [pq.read_table(f) for f in files]
        (dest / table).mkdir()
        pq.write_table(pa.concat_tables(tables), dest / table / f"{table}.parquet")


@pytest.mark.slow
def test_a_synthetic_series_split_at_2019_gives_the_same_results_on_every_path(
    tmp_path: Path,
) -> None:
    """synth 2012-2022: canonical, LPR3, and LPR2 (to 2018) + LPR3 (from 2019), cell by cell,
    all indicators. LPR2 has no discharge minute, so the canonical data the splice is compared
    with has the ends of its contacts before 2019 cut to the hour as LPR2 cuts them."""
    from naersund.registry.synth import generate

    years, scale, seed = list(range(2012, 2023)), 0.01, 7
    generate(tmp_path / "canonical", years, scale=scale, seed=seed)
    generate(tmp_path / "lpr3", years, scale=scale, seed=seed, fmt="lpr3")
    early, late = range(2012, 2019), range(2019, 2023)
    generate(tmp_path / "lpr2-part", years, scale=scale, seed=seed, fmt="lpr2", write_years=early)
    generate(tmp_path / "lpr3-part", years, scale=scale, seed=seed, fmt="lpr3", write_years=late)

    canonical = compute(tmp_path / "canonical").results
    assert canonical["numerator"].sum() > 0
    ingest(tmp_path / "lpr3", tmp_path / "from-lpr3", fmt="lpr3")
    pd.testing.assert_frame_equal(compute(tmp_path / "from-lpr3").results, canonical)

    dest = tmp_path / "spliced"
    # synth writes planned outpatient visits as LPR2 C_PATTYPE 2 rows; LPR3 has them as contacts
    outpatient = Lpr2Options(include_outpatient=True)
    ingest(tmp_path / "lpr2-part", dest, fmt="lpr2", lpr2_options=outpatient)
    ingest(tmp_path / "lpr3-part", dest, fmt="lpr3", append=True)
    _rounded_like_lpr2(tmp_path / "canonical", tmp_path / "canonical-lpr2-ends", 2019)
    ingest(tmp_path / "canonical-lpr2-ends", tmp_path / "canonical-cut")
    want = compute(tmp_path / "canonical-cut").results
    got = compute(dest).results
    assert set(got["indicator"]) == set(canonical["indicator"])
    pd.testing.assert_frame_equal(got, want)
    # the cut changed some results: the comparison is not between two copies of one thing
    assert not want.equals(canonical)


def test_compute_names_the_sources_also_with_a_population_csv_added_after_ingest(
    tmp_path: Path,
) -> None:
    """compute validates a CSV added to the directory (a FOLK1A population) into a copy; the
    release still names the sources and carries their data quality."""
    dest = spliced(tmp_path)
    shutil.copyfile(data_path("population.csv"), dest / "population.csv")
    meta = compute(dest, READMISSIONS).meta
    assert meta["ingest"]["format"] == "lpr2+lpr3"
    assert {r["source"] for r in meta["data_quality"]} == {"LPR2", "LPR3"}
