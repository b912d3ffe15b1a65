"""The synthetic national registry: layout, types, markers, determinism and calibration.

Calibration is checked with a small, plain pandas computation of stays written here from
DOMAIN.md (contacts of a person joined when the gap is at most 4 hours), not with the engine.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from naersund.catalogue import iter_initiatives, load_catalogue
from naersund.engine.inputs import has_person_key
from naersund.indicators import IndicatorDefinition, load_definitions
from naersund.indicators.model import CONTACT_SCOPES
from naersund.refdata import municipalities, region_of
from naersund.registry.ingest import find_table
from naersund.registry.schema import CONTACTS, PERSON_KEY, READY_FOR_DISCHARGE
from naersund.registry.synth import INITIATIVES, MARKER, generate

YEARS = [2013, 2014]
ARROW_TYPES = {"string": "string", "int": "int64", "date": "date32[day]", "bool": "bool"}
OLD = ["65-69", "70-74", "75-79", "80-84", "85+"]


def _definition(id_: str) -> IndicatorDefinition:
    return next(d for d in load_definitions() if d.id == id_)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("synth") / "small"
    return out, generate(out, YEARS, scale=0.01, seed=7)


@pytest.fixture(scope="module")
def moderate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame, dict]:
    out = tmp_path_factory.mktemp("synth") / "moderate"
    manifest = generate(out, YEARS, scale=0.05, seed=3)
    return out, _stays(pd.read_parquet(out / "contacts")), manifest


def _stays(c: pd.DataFrame) -> pd.DataFrame:
    """One row per stay: the first contact's attributes, the latest end."""
    c = c.sort_values(["person_id", "start", "end"], kind="mergesort").reset_index(drop=True)
    latest = c.groupby("person_id")["end"].cummax().groupby(c["person_id"]).shift()
    new = latest.isna() | (c["start"] - latest > pd.Timedelta(hours=4))
    g = c.groupby(new.cumsum())
    s = g.first()[["person_id", "kommunekode", "birth_date", "start", "acute"]]
    s["dx"] = g["primary_diagnosis"].first()
    s["specialty"] = g["specialty"].first()
    s["end"], s["died"], s["n"] = g["end"].max(), g["died"].any(), g.size()
    s["hours"] = (s["end"] - s["start"]).dt.total_seconds() / 3600
    birth = pd.to_datetime(s["birth_date"])
    before = s["start"].dt.month * 100 + s["start"].dt.day < birth.dt.month * 100 + birth.dt.day
    s["age"] = s["start"].dt.year - birth.dt.year - before.astype(int)
    return s


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_it_writes_the_canonical_layout(small: tuple[Path, dict]) -> None:
    root, _ = small
    names = {p.relative_to(root).as_posix() for p in _files(root)}
    parts = {
        f"{t}/year={y}/part-0.parquet" for t in ("contacts", "ready_for_discharge") for y in YEARS
    }
    assert names == parts | {
        "population/population.parquet",
        "manifest.json",
        "SYNTETISKE_DATA.txt",
    }


def test_contacts_have_exactly_the_schema_columns_and_types(small: tuple[Path, dict]) -> None:
    root, _ = small
    for table, columns in (("contacts", CONTACTS), ("ready_for_discharge", READY_FOR_DISCHARGE)):
        for year in YEARS:
            schema = pq.read_schema(root / table / f"year={year}" / "part-0.parquet")
            # no partition column inside; contacts carry naersund's person key last
            extra = [PERSON_KEY] if table == "contacts" else []
            assert schema.names == [c.name for c in columns] + extra
            if extra:
                assert str(schema.field(PERSON_KEY).type) == "int64"
            for c in columns:
                got = str(schema.field(c.name).type)
                if c.dtype == "timestamp":
                    assert got in ("timestamp[us]", "timestamp[s]")
                else:
                    assert got == ARROW_TYPES[c.dtype], c.name
    pop = pq.read_schema(root / "population" / "population.parquet")
    assert pop.names == ["year", "kommunekode", "age_group", "sex", "count", "estimated"]
    assert [str(t) for t in pop.types] == ["int64", "int64", "string", "string", "int64", "bool"]


def test_contacts_are_partitioned_by_the_year_of_their_start(small: tuple[Path, dict]) -> None:
    root, manifest = small
    for year in YEARS:
        c = pd.read_parquet(root / "contacts" / f"year={year}" / "part-0.parquet")
        assert (c["start"].dt.year == year).all()
        assert (c["end"] > c["start"]).all()
        assert c["sex"].isin(["M", "F"]).all()
        assert c["primary_diagnosis"].str.fullmatch(r"D[A-Z][0-9A-Z]{2,4}").all()
        assert len(c) == manifest["counts"]["contacts"][str(year)]


def test_the_same_seed_gives_byte_identical_files(small: tuple[Path, dict], tmp_path: Path) -> None:
    root, _ = small
    again = tmp_path / "again"
    generate(again, YEARS, scale=0.01, seed=7)

    def digest(r: Path) -> dict[str, str]:
        return {
            p.relative_to(r).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in _files(r)
        }

    assert digest(again) == digest(root)
    other = tmp_path / "other"
    generate(other, YEARS, scale=0.01, seed=8)
    assert (
        digest(other)["contacts/year=2013/part-0.parquet"]
        != digest(root)["contacts/year=2013/part-0.parquet"]
    )


def test_every_output_is_marked_synthetic(small: tuple[Path, dict]) -> None:
    root, manifest = small
    assert "SYNTETISKE DATA" in (root / "SYNTETISKE_DATA.txt").read_text(encoding="utf-8")
    on_disk = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk == manifest
    assert manifest["synthetic"] is True and manifest["marker"] == MARKER == "SYNTETISKE DATA"
    assert (manifest["seed"], manifest["years"], manifest["scale"]) == (7, YEARS, 0.01)
    for f in root.rglob("*.parquet"):
        assert pq.read_schema(f).metadata[b"naersund.synthetic"] == b"true"
    c = pd.read_parquet(root / "contacts")
    assert c["person_id"].str.fullmatch(r"SYN\d{11}").all()
    assert c["hospital"].str.startswith("Syntetisk ").all()


def test_municipalities_are_the_98_real_ones(small: tuple[Path, dict]) -> None:
    root, _ = small
    real = set(municipalities()["kommunekode"])
    assert set(pd.read_parquet(root / "contacts")["kommunekode"]) == real
    assert set(pd.read_parquet(root / "ready_for_discharge")["kommunekode"]) <= real
    pop = pd.read_parquet(root / "population")
    assert set(pop["kommunekode"]) == real and sorted(pop["year"].unique()) == YEARS


def test_persons_follow_the_real_population(small: tuple[Path, dict]) -> None:
    root, _ = small
    c = pd.read_parquet(root / "contacts" / "year=2013")
    pop = pd.read_parquet(root / "population").query("year == 2013")
    persons = c.drop_duplicates("person_id")
    by_muni = persons.groupby("kommunekode").size()
    people = pop.groupby("kommunekode")["count"].sum().reindex(by_muni.index)
    assert np.corrcoef(by_muni, people)[0, 1] > 0.97
    # a person keeps municipality, sex and birth date
    assert c.groupby("person_id")[["kommunekode", "sex", "birth_date"]].nunique().max().max() == 1
    # hospital use rises steeply with age: contacts per person in the population
    age = 2013 - pd.to_datetime(c["birth_date"]).dt.year

    def share(lo: int, hi: int, groups: list[str]) -> float:
        n = age.between(lo, hi).sum()
        return float(n / pop.loc[pop["age_group"].isin(groups), "count"].sum())

    young = share(21, 50, ["20-24", "25-29", "30-34", "35-39", "40-44", "45-49"])
    old = share(81, 120, ["80-84", "85+"])
    assert old > 3 * young
    # persons are a pool: many are seen again the next year
    seen = set(c["person_id"]) & set(pd.read_parquet(root / "contacts" / "year=2014")["person_id"])
    assert len(seen) > 0.1 * persons.shape[0]


def test_calibration_of_the_national_goals(moderate: tuple[Path, pd.DataFrame, dict]) -> None:
    root, s, manifest = moderate
    pop = pd.read_parquet(root / "population")
    total = pop.groupby("year")["count"].sum()
    old = pop[pop["age_group"].isin(OLD)].groupby("year")["count"].sum()
    prev = tuple(_definition("forebyggelige_indlaeggelser_65").diagnosis_prefixes)
    s = s.assign(year=s["start"].dt.year)
    s = s[s["year"].isin(YEARS)]

    preventable = s[
        s["acute"] & (s["hours"] >= 12) & (s["age"] >= 65) & s["dx"].str.startswith(prev)
    ]
    rate = preventable.groupby("year").size() / old * 1000
    assert rate.between(40, 80).all(), rate

    # acute short stays whose first contact is medical, as the indicator counts them (the acute
    # outpatient visits in surgical and other departments are not)
    short_definition = _definition("akutte_korttidsindlaeggelser")
    assert short_definition.selection is not None
    medical = short_definition.selection.include_specialties
    short = s[s["acute"] & (s["hours"] < 24) & s["specialty"].isin(medical)]
    short_rate = short.groupby("year").size() / total * 1000
    assert short_rate.between(20, 100).all(), short_rate

    # the real national volume: about 12 million contacts a year, most of them outpatient
    per_national_year = manifest["counts"]["contacts_total"] / len(YEARS) / manifest["scale"]
    assert 10.5e6 < per_national_year < 13.5e6
    outpatient = s[(s["n"] == 1) & (s["hours"] < 12)]
    assert 0.8 < len(outpatient) / len(s) < 0.95
    assert 0.06 < outpatient["acute"].mean() < 0.15  # about 90 % planned


def test_readmission_share_is_plausible(moderate: tuple[Path, pd.DataFrame, dict]) -> None:
    _, s, _ = moderate
    d = _definition("genindlaeggelser_30d_65")
    assert d.selection is not None and d.followup is not None
    # Every exclusion's prefixes, whichever contact it tests (s holds one contact per stay here).
    ex_index, ex_follow = (
        tuple(p for scope in CONTACT_SCOPES for e in x.scoped(scope) for p in e.diagnoses)
        for x in (d.selection, d.followup)
    )
    s = s.reset_index(drop=True)
    index = s[
        (s["hours"] >= 12)
        & (s["age"] >= 65)
        & ~s["died"]
        & (s["specialty"] != "hospice")
        & ~s["dx"].str.startswith(ex_index)
        & s["end"].dt.year.isin(YEARS)
    ]
    follow = s[
        s["acute"]
        & (s["hours"] >= 12)
        & (s["specialty"] != "hospice")
        & ~s["dx"].str.startswith(ex_follow)
    ]
    pairs = index.reset_index()[["index", "person_id", "end"]].merge(
        follow[["person_id", "start"]], on="person_id"
    )
    hours = (pairs["start"] - pairs["end"]).dt.total_seconds() / 3600
    readmitted = set(pairs.loc[(hours > 0) & (hours <= 720), "index"])
    share = index.index.isin(readmitted).mean() * 100
    assert 8 <= share <= 22, share


def test_transfers_are_joined_and_near_misses_are_not(
    moderate: tuple[Path, pd.DataFrame, dict],
) -> None:
    root, s, _ = moderate
    c = pd.read_parquet(root / "contacts").sort_values(["person_id", "start"])
    same = c["person_id"].eq(c["person_id"].shift())
    gap = (c["start"] - c["end"].shift())[same]
    # counted against the admissions (stays of 12 hours or more), not the outpatient visits
    admissions = int((s["hours"] >= 12).sum())
    assert (gap <= pd.Timedelta(hours=4)).sum() > 0.2 * admissions  # transfers, overlaps
    assert (gap == pd.Timedelta(hours=4)).sum() > 0  # the edge still joins
    just_over = (gap > pd.Timedelta(hours=4)) & (gap <= pd.Timedelta(hours=7))
    assert just_over.sum() > 0.01 * admissions
    multi = s[(s["n"] > 1) & (s["hours"] >= 12)]
    assert 0.2 < len(multi) / admissions < 0.6
    # the contacts of a transferred stay differ in hospital or specialty
    c["stay"] = (~same | (gap > pd.Timedelta(hours=4)).reindex(c.index, fill_value=True)).cumsum()
    per_stay = c.groupby("stay")[["hospital", "specialty"]].nunique()
    moved = per_stay[c.groupby("stay").size() > 1]
    assert ((moved["hospital"] > 1) | (moved["specialty"] > 1)).mean() > 0.9


def test_the_chronically_ill_attend_year_after_year(
    moderate: tuple[Path, pd.DataFrame, dict],
) -> None:
    """Type 2 diabetes (DE11) and KOL (DJ44) on outpatient visits at the public prevalences
    (about 6.5 % of adults with type 2 diabetes in 2022, 110,000-130,000 treated for KOL)."""
    root, _, _ = moderate
    c = pd.read_parquet(root / "contacts", columns=["person_id", "birth_date", "start", "acute"])
    dx = pd.read_parquet(root / "contacts", columns=["primary_diagnosis"])["primary_diagnosis"]
    pop = pd.read_parquet(root / "population")
    adults = pop[~pop["age_group"].isin(["0-4", "5-9", "10-14", "15-19"])]
    adults = adults.groupby("year")["count"].sum()
    year = c["start"].dt.year
    for prefix, lo, hi in (("DE11", 0.045, 0.08), ("DJ44", 0.015, 0.035)):
        ill = c[dx.str.startswith(prefix) & ~c["acute"]]
        persons = ill.groupby(year[ill.index])["person_id"].nunique()
        share = persons / adults.reindex(persons.index)
        assert share.between(lo, hi).all(), (prefix, share)
        first, second = (set(ill.loc[year[ill.index] == y, "person_id"]) for y in YEARS)
        assert len(first & second) > 0.85 * len(first), prefix  # the same persons again


def test_a_planned_visit_before_an_acute_admission_and_er_visits_that_become_admissions(
    moderate: tuple[Path, pd.DataFrame, dict],
) -> None:
    """The first-contact rule's cases: a planned visit 1-4 h before an acute admission makes
    one planned stay; an emergency-room contact that turns into an admission one acute stay."""
    root, s, _ = moderate
    c = pd.read_parquet(root / "contacts").sort_values(["person_id", "start"], kind="stable")
    nxt = c.groupby("person_id").shift(-1)
    gap = nxt["start"] - c["end"]
    joined = (gap >= pd.Timedelta(0)) & (gap <= pd.Timedelta(hours=4))
    admission = nxt["end"] - nxt["start"] >= pd.Timedelta(hours=12)
    before = joined & admission & ~c["acute"] & nxt["acute"].astype(bool)
    before &= c["end"] - c["start"] <= pd.Timedelta(hours=2)
    acute_admissions = int((s["acute"] & (s["hours"] >= 12)).sum())
    assert 0.003 * acute_admissions < before.sum() < 0.03 * acute_admissions
    # the emergency-room contact ends on the hour and hands over to the ward with no gap
    er = (gap == pd.Timedelta(0)) & c["acute"] & admission & (c["specialty"] == "akutmedicin")
    assert (c.loc[er, "end"].dt.minute == 0).all()
    # (transfers from an acute short stay in akutmedicin may carry a new diagnosis)
    assert (nxt.loc[er, "primary_diagnosis"] == c.loc[er, "primary_diagnosis"]).mean() > 0.9
    assert 0.1 * acute_admissions < er.sum() < 0.4 * acute_admissions
    stays = s[(s["hours"] >= 24) & s["acute"]]
    assert (stays["specialty"] == "akutmedicin").mean() > 0.1  # the stay's first contact


def test_nobody_has_contacts_after_dying(moderate: tuple[Path, pd.DataFrame, dict]) -> None:
    _, s, _ = moderate
    s = s.sort_values(["person_id", "start"])
    died_before = s.groupby("person_id")["died"].cumsum() - s["died"] > 0
    assert not died_before.any()
    rate = s.groupby(s["age"] >= 80)["died"].mean()
    assert 0 < rate[False] < rate[True] < 0.1


def test_a_contact_is_marked_died_only_when_it_ends_on_the_day_of_death() -> None:
    """LPR3 can say only "ended on the date of death" (CPR_PERSON.D_DODDATO), so synth marks
    exactly those contacts died, in every format. Person 1 (minutes from 1 January 2012, day
    0): a visit on day 5 (an earlier stay, left out), the fatal contact ending on day 5 at
    20:10 and an overlapping contact drawn as fatal too but ending on day 6 (not died: the
    person died on day 5). Person 2 did not die. Hand-computed."""
    from naersund.registry.synth._model import DAY, HOUR, died_on_the_day

    day5 = 5 * DAY
    c = {
        "key": np.array([1, 1, 1, 2]),
        "start": np.array([day5 + 8 * HOUR, day5 + 14 * HOUR, day5 + 19 * HOUR, day5]),
        "end": np.array(
            [day5 + 9 * HOUR, day5 + 20 * HOUR + 10, DAY + day5 + 22 * HOUR, day5 + HOUR]
        ),
        "died": np.array([False, True, True, False]),
    }
    out = died_on_the_day(c)
    assert out["start"].tolist() == [day5 + 14 * HOUR, day5 + 19 * HOUR, day5]
    assert out["died"].tolist() == [True, False, False]


def test_days_ready_for_discharge(moderate: tuple[Path, pd.DataFrame, dict]) -> None:
    root, _, _ = moderate
    r = pd.read_parquet(root / "ready_for_discharge")
    ready, out = pd.to_datetime(r["ready_date"]), pd.to_datetime(r["discharge_date"])
    days = (out - ready).dt.days
    assert days.between(1, 15).all()
    assert (ready.dt.year < out.dt.year).any()  # some periods cross New Year
    pop = pd.read_parquet(root / "population").groupby("year")["count"].sum()
    per_1000 = days.groupby(ready.dt.year).sum() / pop * 1000
    assert per_1000.between(10, 35).all(), per_1000
    by_muni = days.groupby(r["kommunekode"]).sum()
    assert by_muni.std() > 0


def test_manifest_lists_the_planted_effects(small: tuple[Path, dict]) -> None:
    _, manifest = small
    planted = manifest["planted_effects"]
    ids = {d.id for d in load_definitions()}
    real = set(municipalities()["kommunekode"])
    assert {p["initiative"] for p in planted} == {i.initiative for i in INITIATIVES}
    catalogue = {ini.id: kkr.region_code for kkr, _, ini in iter_initiatives(load_catalogue())}
    region = region_of()
    for p in planted:
        assert p["kommunekode"] in real and p["indicator"] in ids
        assert p["start_year"] in YEARS[1:] and -0.5 < p["relative_effect"] <= 0
        # a catalogue initiative, in municipalities of the KKR whose initiative it is
        assert region[p["kommunekode"]] == catalogue[p["initiative"]] == p["region_code"]
    effects = {(p["initiative"], p["indicator"], p["relative_effect"]) for p in planted}
    assert ("hovedstaden_forloebskoordinering", "genindlaeggelser_30d_65", -0.15) in effects
    assert (
        "hovedstaden_akutteams_doegnpladser",
        "forebyggelige_indlaeggelser_65",
        -0.10,
    ) in effects
    counts = {i.initiative: i.municipalities for i in INITIATIVES}
    for name, n in counts.items():
        assert sum(p["initiative"] == name for p in planted) == n


def test_lpr2_holds_the_same_contacts_with_ends_rounded_to_the_hour(
    small: tuple[Path, dict], tmp_path: Path
) -> None:
    root, _ = small
    out = tmp_path / "lpr2"
    manifest = generate(out, YEARS, scale=0.01, seed=7, fmt="lpr2")
    assert {p.name for p in _files(out)} == {
        "LPR_ADM.csv",
        "LPR_DIAG.csv",
        "CPR_PERSON.csv",
        "ready_for_discharge.csv",
        "population.csv",
        "manifest.json",
        "SYNTETISKE_DATA.txt",
    }
    assert manifest["synthetic"] is True and manifest["format"] == "lpr2"
    adm = pd.read_csv(out / "LPR_ADM.csv", dtype=str)
    assert list(adm.columns) == [
        "PNR",
        "RECNUM",
        "C_KOM",
        "D_INDDTO",
        "V_INDTIME",
        "V_INDMINUT",
        "D_UDDTO",
        "V_UDTIME",
        "C_PATTYPE",
        "C_INDM",
        "C_ADIAG",
        "C_SGH",
        "C_AFD",
        "C_SPEC",
        "V_ALDER",
        "C_UDM",
    ]
    assert adm["C_KOM"].str.fullmatch(r"\d{4}").all() and adm["RECNUM"].is_unique
    assert set(adm["C_PATTYPE"]) == {"0", "2", "3"} and set(adm["C_INDM"]) == {"1", "2"}
    assert (adm.loc[adm["C_PATTYPE"] == "2", "C_INDM"] == "2").all()  # planned outpatient
    assert set(adm["C_UDM"]) == {"1", "8"}
    diag = pd.read_csv(out / "LPR_DIAG.csv", dtype=str)
    assert set(diag["C_DIAGTYPE"]) == {"A", "B"}
    primary = diag[diag["C_DIAGTYPE"] == "A"].set_index("RECNUM")["C_DIAG"]
    assert primary.reindex(adm["RECNUM"]).tolist() == adm["C_ADIAG"].tolist()
    cpr = pd.read_csv(out / "CPR_PERSON.csv", dtype=str)
    assert set(cpr["PNR"]) == set(adm["PNR"]) and set(cpr["C_KON"]) == {"M", "K"}

    canon = pd.read_parquet(root / "contacts")
    as_lpr = pd.DataFrame(
        {
            "PNR": canon["person_id"],
            "C_KOM": canon["kommunekode"].map("{:04d}".format),
            "start": canon["start"],
            "end": canon["end"].dt.floor("h"),
            "C_ADIAG": canon["primary_diagnosis"],
            "C_SPEC": canon["specialty"],
            "C_SGH": canon["hospital"],
            "acute": canon["acute"],
        }
    )
    lpr = pd.DataFrame(
        {
            "PNR": adm["PNR"],
            "C_KOM": adm["C_KOM"],
            "start": pd.to_datetime(adm["D_INDDTO"])
            + pd.to_timedelta(adm["V_INDTIME"].astype(int), "h")
            + pd.to_timedelta(adm["V_INDMINUT"].astype(int), "min"),
            "end": pd.to_datetime(adm["D_UDDTO"])
            + pd.to_timedelta(adm["V_UDTIME"].astype(int), "h"),
            "C_ADIAG": adm["C_ADIAG"],
            "C_SPEC": adm["C_SPEC"],
            "C_SGH": adm["C_SGH"],
            "acute": adm["C_INDM"] == "1",
        }
    )
    key = list(as_lpr.columns)
    left = as_lpr.sort_values(key).reset_index(drop=True)
    right = lpr.astype({"start": left["start"].dtype, "end": left["end"].dtype}).sort_values(key)
    pd.testing.assert_frame_equal(left, right.reset_index(drop=True))
    # the only difference: canonical ends carry minutes
    assert (canon["end"].dt.minute != 0).any()
    ready = pd.read_csv(out / "ready_for_discharge.csv")
    assert len(ready) == len(pd.read_parquet(root / "ready_for_discharge"))


def test_progress_is_reported_from_zero_to_one(tmp_path: Path) -> None:
    seen: list[tuple[str, float]] = []
    generate(tmp_path / "p", [2014], scale=0.01, progress=lambda step, f: seen.append((step, f)))
    fractions = [f for _, f in seen]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0 and fractions == sorted(fractions)
    assert all(isinstance(step, str) and step for step, _ in seen)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"years": []},
        {"years": [1850]},
        {"scale": 0},
        {"seed": -1},
        {"fmt": "lpr4"},
        {"fmt": "lpr2", "sas": True},
    ],
)
def test_bad_arguments_are_refused(tmp_path: Path, kwargs: dict) -> None:
    args = {"years": [2014], "scale": 0.01} | kwargs
    with pytest.raises(ValueError):
        generate(tmp_path / "x", **args)
    assert not (tmp_path / "x").exists()


def test_a_tiny_scale_still_writes_a_complete_folder(tmp_path: Path) -> None:
    for fmt, sas in (("canonical", False), ("lpr2", False), ("lpr3", False), ("lpr3", True)):
        out = tmp_path / f"{fmt}-{sas}"
        manifest = generate(out, [2014], scale=0.00001, fmt=fmt, sas=sas)
        assert manifest["synthetic"] is True
        assert (out / "SYNTETISKE_DATA.txt").exists()


def test_the_person_key_numbers_persons_exactly_and_the_same_in_every_run(
    small: tuple[Path, dict],
) -> None:
    root, _ = small
    contacts = pd.concat(
        [pd.read_parquet(f) for f in find_table(root, "contacts")], ignore_index=True
    )
    pairs = contacts[["person_id", PERSON_KEY]].drop_duplicates()
    # one key per person and one person per key
    assert pairs["person_id"].is_unique and pairs[PERSON_KEY].is_unique
    # the key is the number in the id, so separate synth runs agree on it
    assert (pairs["person_id"].str[3:].astype("int64") == pairs[PERSON_KEY]).all()
    assert has_person_key(find_table(root, "contacts"))


def test_it_writes_no_duplicate_ready_for_discharge_rows(
    moderate: tuple[Path, pd.DataFrame, dict],
) -> None:
    # Ingest rejects an exact duplicate row, so synth must not write one (the same person,
    # municipality and dates: two short stays on one day used to give two).
    root, _, manifest = moderate
    ready = pd.read_parquet(root / "ready_for_discharge")
    assert not ready.duplicated().any()
    assert len(ready) == sum(manifest["counts"]["ready_for_discharge"].values())


def test_exact_duplicate_contacts_are_left_out() -> None:
    """Two visits alike to the hour of their end (as LPR2 writes it) keep only the first:
    ingest would reject the second."""
    from naersund.registry.synth._outpatient import distinct_contacts

    def rows(**columns: list[int]) -> dict[str, np.ndarray]:
        base = {"key": [1, 1, 1, 2], "start": [5, 5, 5, 5], "end": [60, 61, 125, 60]}
        base |= {"dx": [3, 3, 3, 3], "spec": [4, 4, 4, 4], "hosp": [7, 7, 7, 7]}
        base |= {"acute": [1, 1, 1, 1], "died": [0, 0, 0, 0]}
        return {k: np.array(v) for k, v in (base | columns).items()}

    assert distinct_contacts(rows())["end"].tolist() == [60, 125, 60]
    assert distinct_contacts(rows(dx=[3, 2, 3, 3]))["end"].tolist() == [60, 61, 125, 60]
