"""Area levels as versioned data (naersund.refdata.areas): the shipped levels, every
validation message, user groups and the generated docs page."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from naersund import refdata
from naersund.refdata import areas
from naersund.refdata.areas import AreaError

CODES = set(refdata.region_of())
HOVEDSTADEN, SJAELLAND, OESTDANMARK = 1084, 1085, 1086


def _members(level: str) -> dict[int, set[int]]:
    return {a.code: set(a.members) for a in areas.area_levels()[level].latest.areas}


def test_it_ships_the_levels_of_issue_14() -> None:
    assert areas.level_ids() == ["kommune", "region", "region2027", "kkr", "sundhedsraad", "land"]
    counts = {i: len(lv.latest.areas) for i, lv in areas.area_levels().items()}
    assert counts == {
        "kommune": 98,
        "region": 5,
        "region2027": 4,
        "kkr": 5,
        "sundhedsraad": 17,
        "land": 1,
    }


def test_every_municipality_is_in_exactly_one_area_per_partition_and_version() -> None:
    for level in areas.area_levels().values():
        assert level.partition
        for version in level.versions:
            listed = [k for a in version.areas for k in a.members]
            assert len(listed) == 98 == len(set(listed)), (level.id, version.file)
            assert set(listed) == CODES
            assert set(version.area_of()) == CODES


def test_the_2007_regions_and_kkr_are_the_shipped_municipalities_regions() -> None:
    assert areas.area_levels()["region"].latest.area_of() == refdata.region_of()
    assert areas.area_levels()["kkr"].latest.area_of() == refdata.region_of()
    assert areas.area_levels()["kkr"].latest.names() == refdata.KKR_NAMES
    region = areas.area_levels()["region"]
    assert region.latest.valid_to == dt.date(2026, 12, 31)
    assert region.version_at(dt.date(2027, 1, 1)) is None


def test_region_oestdanmark_is_hovedstaden_and_sjaelland() -> None:
    old, new = _members("region"), _members("region2027")
    assert new[OESTDANMARK] == old[HOVEDSTADEN] | old[SJAELLAND]
    assert len(new[OESTDANMARK]) == 46
    assert {c: new[c] for c in (1081, 1082, 1083)} == {c: old[c] for c in (1081, 1082, 1083)}
    level = areas.area_levels()["region2027"]
    assert level.latest.names()[OESTDANMARK] == "Region Østdanmark"
    assert level.exists_from == dt.date(2027, 1, 1)
    assert level.notes_da() == [
        "beregnet som summen af kommunerne",
        "findes som organisation fra 2027",
    ]


def test_sundhedsraad_are_marked_unverified_and_lie_within_one_2027_region() -> None:
    level = areas.area_levels()["sundhedsraad"]
    assert not level.verified
    assert "ikke verificeret mod officiel liste" in level.notes_da()
    region = areas.area_levels()["region2027"].latest.area_of()
    for council in level.latest.areas:
        assert len({region[k] for k in council.members}) == 1, council.name
    names = level.latest.names()
    assert names[2712] == "Sundhedsråd Amager og Vestegnen"
    assert len(_members("sundhedsraad")[2712]) == 9


def test_the_areas_frame_lists_every_member_with_its_period() -> None:
    frame = areas.areas_frame(areas.choose_levels(["region2027", "land"]))
    assert list(frame.columns) == list(areas.AREAS_FILE_COLUMNS)
    assert len(frame) == 2 * 98
    oest = frame[(frame["level"] == "region2027") & (frame["area_code"] == OESTDANMARK)]
    assert len(oest) == 46
    assert set(oest["valid_from"]) == {"2027-01-01"} and set(oest["valid_to"]) == {""}


def test_it_refuses_an_unknown_level() -> None:
    with pytest.raises(AreaError) as exc:
        areas.choose_levels(["kommune", "amt"])
    assert str(exc.value) == (
        "ukendt områdeniveau: amt (kendte niveauer: kommune, region, region2027, kkr, "
        "sundhedsraad, land)"
    )


# --- member files -----------------------------------------------------------------------------


def _csv(tmp_path: Path, body: str, name: str = "m.csv") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def _all_but(*skip: int, area: str = "1,Alle") -> str:
    return "".join(f"{k},{area}\n" for k in sorted(CODES) if k not in skip)


HEADER = "kommunekode,area_code,area_name\n"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "kode,area_code,area_name\n",
            "{f}, række 1: kolonnerne skal være kommunekode, area_code, area_name "
            "(fandt: kode, area_code, area_name)",
        ),
        (
            HEADER + "1x1,1,Alle\n" + _all_but(101),
            "{f}, række 2, felt 'kommunekode': '1x1' er ikke et heltal",
        ),
        (
            HEADER + "999,1,Alle\n" + _all_but(),
            "{f}, række 2, felt 'kommunekode': 999 er ikke en af de 98 kommuner",
        ),
        (
            HEADER + _all_but() + "101,1,Alle\n",
            "{f}, række 100, felt 'kommunekode': kommune 101 står også i række 2; hver kommune "
            "skal høre til præcis ét område",
        ),
        (
            HEADER + "101,-1,Alle\n" + _all_but(101),
            "{f}, række 2, felt 'area_code': '-1' er ikke et heltal på 0 eller derover",
        ),
        (
            HEADER + "101,1,\n" + _all_but(101),
            "{f}, række 2, felt 'area_name': mangler",
        ),
        (
            HEADER + _all_but(101) + "101,1,Andet\n",
            "{f}, række 99, felt 'area_name': område 1 hedder 'Alle' i række 2, ikke 'Andet'",
        ),
        (
            HEADER + _all_but(253, 259),
            "{f}: 2 kommune(r) mangler: 253 Greve, 259 Køge; hver kommune skal høre til præcis "
            "ét område",
        ),
    ],
)
def test_every_member_file_error_names_file_row_and_field(
    tmp_path: Path, body: str, message: str
) -> None:
    path = _csv(tmp_path, body)
    with pytest.raises(AreaError) as exc:
        areas.read_members(path, "test")
    assert str(exc.value) == message.format(f=path)


def test_a_member_file_in_windows_1252_is_read(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_bytes((HEADER + _all_but(area="1,Sjælland")).encode("cp1252"))
    (area,) = areas.read_members(path, "test")
    assert area.name == "Sjælland" and len(area.members) == 98


# --- levels.yaml ------------------------------------------------------------------------------


def _levels(tmp_path: Path, yaml_text: str) -> Path:
    _csv(tmp_path, HEADER + _all_but(), "all.csv")
    path = tmp_path / "levels.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    return path


GOOD = """levels:
  - id: test
    name_da: Test
    versions:
      - file: all.csv
        valid_from: 2020-01-01
        source: en kilde
"""


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("levels: []\n", "{f}: filen skal have en liste 'levels' med mindst ét niveau"),
        (
            "levels: [\n",
            "{f}, linje 2: ugyldig YAML (expected the node content, but found '<stream end>')",
        ),
        (
            GOOD.replace("id: test", "id: Test-2"),
            "{f}, linje 2, felt 'levels[0].id': 'Test-2' skal være små bogstaver a-z, tal og _ "
            "og begynde med et bogstav (fx sundhedsraad)",
        ),
        (
            GOOD.replace("    name_da: Test\n", ""),
            "{f}, linje 2, felt 'levels[0].name_da': mangler (skal være en tekst)",
        ),
        (
            GOOD + GOOD.replace("levels:\n", ""),
            "{f}, linje 8, felt 'levels[1].id': niveauet 'test' er defineret to gange",
        ),
        (
            GOOD.split("    versions:")[0] + "    versions: []\n",
            "{f}, linje 4, felt 'levels[0].versions': skal være en liste med mindst én version",
        ),
        (
            GOOD.replace("2020-01-01", "1. januar 2020"),
            "{f}, linje 6, felt 'levels[0].versions[0].valid_from': '1. januar 2020' er ikke en "
            "dato (ÅÅÅÅ-MM-DD)",
        ),
        (
            GOOD.replace("        source", "        valid_to: 2019-12-31\n        source"),
            "{f}, linje 7, felt 'levels[0].versions[0].valid_to': 2019-12-31 ligger før "
            "valid_from 2020-01-01",
        ),
        (
            GOOD.replace("        source: en kilde\n", ""),
            "{f}, linje 5, felt 'levels[0].versions[0].source': mangler (skal være en tekst)",
        ),
        (
            GOOD + "        verified: måske\n",
            "{f}, linje 8, felt 'levels[0].versions[0].verified': 'måske' skal være true eller "
            "false",
        ),
        (
            GOOD.replace("all.csv", "none.csv"),
            "{f}, linje 5, felt 'levels[0].versions[0].file': filen {d}/none.csv findes ikke",
        ),
        (
            GOOD + "      - file: all.csv\n        valid_from: 2024-01-01\n        source: ny\n",
            "{f}, linje 9, felt 'levels[0].versions[1].valid_from': perioden 2024-01-01 – … "
            "overlapper version 0 (2020-01-01 – …); hver dato må kun have én version af et niveau",
        ),
    ],
)
def test_every_levels_file_error_names_file_line_and_field(
    tmp_path: Path, yaml_text: str, message: str
) -> None:
    path = _levels(tmp_path, yaml_text)
    with pytest.raises(AreaError) as exc:
        areas.load_levels(path)
    assert str(exc.value) == message.format(f=path, d=tmp_path)


def test_a_level_or_version_is_added_without_code(tmp_path: Path) -> None:
    shutil.copytree(areas.areas_dir(), tmp_path / "areas")
    path = tmp_path / "areas" / "levels.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "  - id: land\n",
        "  - id: kkr\n".replace("kkr", "kkr2027") + "    name_da: KKR (fra 2027)\n    versions:\n"
        "      - file: region-2027.csv\n        valid_from: 2027-01-01\n"
        "        source: antaget\n        verified: false\n  - id: land\n",
    )
    path.write_text(text, encoding="utf-8")
    levels = areas.load_levels(path)
    assert len(levels["kkr2027"].latest.areas) == 4
    assert not levels["kkr2027"].verified


# --- user groups ------------------------------------------------------------------------------

GROUPS = "group_id,group_name,kommunekode\n"


def test_user_groups_are_named_sets_of_municipalities(tmp_path: Path) -> None:
    path = _csv(tmp_path, GROUPS + "oer,Ø-kommuner,825\noer,Ø-kommuner,741\nstor,Store,101\n")
    groups = areas.load_groups(path, areas.level_ids())
    assert list(groups) == ["oer", "stor"]
    (area,) = groups["oer"].latest.areas
    assert area.members == (741, 825) and area.code == 1 and area.name == "Ø-kommuner"
    assert not groups["oer"].partition
    chosen = areas.choose_levels(["kommune", "oer"], groups)
    assert [lv.id for lv in chosen] == ["kommune", "oer"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            GROUPS + "Øer,Ø-kommuner,825\n",
            "{f}, række 2, felt 'group_id': 'Øer' skal være små bogstaver a-z, tal og _ og "
            "begynde med et bogstav",
        ),
        (
            GROUPS + "region,Mine,825\n",
            "{f}, række 2, felt 'group_id': 'region' er allerede et niveau i naersund; vælg et "
            "andet id",
        ),
        (GROUPS + "oer,,825\n", "{f}, række 2, felt 'group_name': mangler"),
        (
            GROUPS + "oer,Øer,825\noer,Ø-kommuner,741\n",
            "{f}, række 3, felt 'group_name': gruppen oer hedder 'Øer' i række 2, ikke "
            "'Ø-kommuner'",
        ),
        (
            GROUPS + "oer,Øer,825\noer,Øer,825\n",
            "{f}, række 3, felt 'kommunekode': kommune 825 står to gange i gruppen oer",
        ),
        (
            GROUPS + "oer,Øer,8250\n",
            "{f}, række 2, felt 'kommunekode': 8250 er ikke en af de 98 kommuner",
        ),
        (GROUPS, "{f}: filen har ingen grupper"),
    ],
)
def test_every_group_file_error_names_file_row_and_field(
    tmp_path: Path, body: str, message: str
) -> None:
    path = _csv(tmp_path, body)
    with pytest.raises(AreaError) as exc:
        areas.load_groups(path, areas.level_ids())
    assert str(exc.value) == message.format(f=path)


def test_the_docs_page_lists_every_level_and_says_sundhedsraad_are_unverified() -> None:
    page = areas.levels_markdown(areas.area_levels())
    for level in areas.level_ids():
        assert f"## `{level}`" in page
    section = page.split("## `sundhedsraad`")[1].split("## `land`")[0]
    assert "Ikke verificeret mod officiel liste" in section
    assert "Sundhedsråd Amager og Vestegnen | 9:" in section
