from __future__ import annotations

import pandas as pd
import pytest

from naersund import refdata


def test_it_ships_98_municipalities_in_five_regions() -> None:
    m = refdata.municipalities()
    assert len(m) == 98
    counts = m.groupby("region_code").size().to_dict()
    assert counts == {1081: 11, 1082: 19, 1083: 22, 1084: 29, 1085: 17}
    assert refdata.region_of()[101] == 1084
    assert refdata.regions()["kkr_name"].tolist()[3] == "KKR Hovedstaden"


def test_known_years_are_used_as_they_are() -> None:
    raw = refdata.shipped_population()
    pop = refdata.derive_population(raw, [2013])
    assert not pop["estimated"].any()
    src = raw[
        (raw.year == 2013)
        & (raw.kommunekode == 101)
        & (raw.age_group == "65-69")
        & (raw.sex == "F")
    ]
    got = pop[(pop.kommunekode == 101) & (pop.age_group == "65-69") & (pop.sex == "F")]
    assert got["count"].item() == src["count"].item()
    # T, 65+ and total rows are not added to the bands
    assert pop["count"].sum() == 5_602_536


def test_missing_years_are_interpolated_and_marked_estimated() -> None:
    raw = refdata.shipped_population()
    pop = refdata.derive_population(raw, [2013, 2016, 2020])
    cell = pop[(pop.kommunekode == 147) & (pop.age_group == "85+") & (pop.sex == "F")].set_index(
        "year"
    )
    a, b = cell.loc[2013, "count"], cell.loc[2020, "count"]
    # 3/7 of the way from 2013 to 2020, then raked to the interpolated municipal total
    assert abs(cell.loc[2016, "count"] - (a + (b - a) * 3 / 7)) <= max(3, 0.02 * a)
    assert pop.set_index("year")["estimated"].groupby(level=0).all().to_dict() == {
        2013: False,
        2016: True,
        2020: False,
    }


def test_years_with_known_totals_are_raked_to_them() -> None:
    raw = refdata.shipped_population()
    pop = refdata.derive_population(raw, [2023])
    totals = raw[(raw.year == 2023) & (raw.age_group == "total") & (raw.kommunekode != 0)]
    got = pop.groupby("kommunekode")["count"].sum()
    diff = (got - totals.set_index("kommunekode")["count"]).abs()
    assert diff.max() <= 20  # rounding of 36 cells per municipality
    assert pop["estimated"].all()


def test_it_refuses_population_without_any_complete_year() -> None:
    raw = pd.DataFrame(
        {"year": [2013], "kommunekode": [101], "age_group": ["0-4"], "sex": ["M"], "count": [1]}
    )
    with pytest.raises(ValueError, match="no year has every municipality"):
        refdata.derive_population(raw, [2013])


def test_standard_population_is_denmark_of_the_year() -> None:
    std = refdata.standard_population(refdata.shipped_population(), 2013)
    assert std["standard_pop"].sum() == 5_602_628
    assert len(std) == 36
    with pytest.raises(ValueError, match="no population for the standard year 1999"):
        refdata.standard_population(refdata.shipped_population(), 1999)


def test_every_municipality_has_its_official_name() -> None:
    """``tests/data/official_municipality_names.csv``: the 98 municipalities' registered
    names (the authorities' register as published in the open GREG data model's
    ``d_basis_ansvarlig_myndighed``, which agrees with DAGI/DAWA's ``navn`` + " Kommune" for 96
    of them), checked against :func:`refdata.official_name` for every code."""
    from pathlib import Path

    want = pd.read_csv(Path(__file__).parent / "data" / "official_municipality_names.csv")
    assert len(want) == 98
    got = {int(c): refdata.official_name(int(c)) for c in refdata.municipalities()["kommunekode"]}
    assert got == dict(zip(want["kommunekode"], want["official_name"], strict=True))
    assert refdata.official_name(101) == "Københavns Kommune"
    assert refdata.official_name(400) == "Bornholms Regionskommune"


def test_reference_data_imports_nothing_of_naersund_above_it() -> None:
    """Issue 14: ``naersund.refdata`` is the bottom layer; its modules import only each other."""
    import ast
    from pathlib import Path

    upward = []
    for path in sorted(Path(refdata.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            upward += [
                f"{path.name}: {n}"
                for n in names
                if n.split(".")[0] == "naersund" and not n.startswith("naersund.refdata")
            ]
    assert upward == []
