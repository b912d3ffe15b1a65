"""Synthetic budgets (BUDK32) and accounts (REGK31) for the demo, marked SYNTETISKE DATA, in the
statbank's exact export layout.

Calibrated so that, read with the shipped ``functions.yaml`` and ``regulation.yaml``, Denmark's
figures reproduce the seeds' (KL, seed 002): in 2013 a lift of 270 mio. kr. = 3,9 pct. and in
2014 311 mio. kr. = 4,1 pct. (health excl. KMF, budgets). The national budgets follow from the
regulation (``grundlag = udgift(år-1) × (1 + PL) + regulering``); each municipality's share
follows its population with a fixed random level and growth of its own; rounding to 1.000 kr.
is settled on one cell so that Denmark's totals are exact. Accounts are the budgets with a
small random deviation. Every other figure is invented.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from naersund.atomic import atomic_path
from naersund.economy.config import Regulation, load_regulation
from naersund.economy.population import citizens
from naersund.refdata import KKR_NAMES, municipalities

YEARS = (2012, 2013, 2014, 2015, 2016)
# the seeds' lifts (mio. kr.) and growth (pct.), budgets, health excl. KMF
SEED_LIFTS = {2013: (270.0, 3.9), 2014: (311.0, 4.1)}
LATER_GROWTH = 0.022  # invented growth of the years after the seeds
KMF_2012 = 18_600.0  # mio. kr., invented order of magnitude
KMF_GROWTH = 0.025
FUNCTIONS = {  # code -> (statbank name, share of health excl. KMF); names unverified
    "4.62.82": ("Kommunal genoptræning og vedligeholdelsestræning", 0.30),
    "4.62.84": ("Vederlagsfri behandling hos en fysioterapeut", 0.12),
    "4.62.85": ("Kommunal tandpleje", 0.22),
    "4.62.88": ("Sundhedsfremme og forebyggelse", 0.10),
    "4.62.89": ("Kommunal sundhedstjeneste", 0.14),
    "4.62.90": ("Andre sundhedsudgifter", 0.12),
}
KMF = ("4.62.81", "Aktivitetsbestemt medfinansiering af sundhedsvæsenet")
OTHER = ("5.32.32", "Pleje og omsorg mv. af ældre og handicappede")  # not health: left out
HEADER = "OMRÅDE;FUNKTION;DRANST;ART;PRISENHED;TID;INDHOLD"
FILES = {"BUDK32": "BUDK32-syntetiske-data.csv", "REGK31": "REGK31-syntetiske-data.csv"}
MARKER = "SYNTETISKE_DATA.txt"


def national_budgets(regulation: Regulation) -> dict[int, float]:
    """Denmark's health budget excl. KMF per year (mio. kr.) that gives the seeds' lifts."""
    first, later = min(SEED_LIFTS), max(SEED_LIFTS)
    out: dict[int, float] = {}
    lift, growth = SEED_LIFTS[first]
    base = lift / (growth / 100)
    r = regulation.years[first]
    out[first - 1] = (base - r.regulation_mio_kr) / (1 + r.pl_pct / 100)
    out[first] = base + lift
    for year in range(first + 1, later + 1):
        lift, growth = SEED_LIFTS[year]
        r = regulation.years[year]
        base = out[year - 1] * (1 + r.pl_pct / 100) + r.regulation_mio_kr
        out[year] = base + lift
    for year in YEARS:
        if year not in out:
            out[year] = out[year - 1] * (1 + LATER_GROWTH)
    return out


def _municipal(
    totals: dict[int, float], weights: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """Whole 1.000 kr. per municipality × function × year, summing exactly to ``totals``."""
    codes = weights.columns.to_numpy()
    level = rng.uniform(0.85, 1.15, len(codes))
    drift = rng.normal(0.0, 0.01, len(codes))
    rows = []
    for i, year in enumerate(sorted(totals)):
        w = weights.loc[year].to_numpy() * level * (1 + drift) ** i
        amount = totals[year] * 1000 * w / w.sum()
        cells = {code: np.round(amount * share) for code, (_n, share) in FUNCTIONS.items()}
        residual = round(totals[year] * 1000) - sum(float(c.sum()) for c in cells.values())
        cells["4.62.90"][0] += residual
        for function, values in cells.items():
            rows.append(pd.DataFrame({"year": year, "kommunekode": codes, "function": function,
                                      "amount": values.astype("int64")}))  # fmt: skip
    return pd.concat(rows, ignore_index=True)


def _lines(frame: pd.DataFrame, kind_rows: bool) -> list[str]:
    """The statbank's rows: Denmark and the regions first, then the municipalities."""
    m = municipalities()
    names = dict(zip(m["kommunekode"], m["name"], strict=True))
    region = dict(zip(m["kommunekode"], m["region_name"], strict=True))
    all_names = {**dict(FUNCTIONS), KMF[0]: (KMF[1], 0.0), OTHER[0]: (OTHER[1], 0.0)}
    f = frame.assign(region=frame["kommunekode"].map(region))
    out = [HEADER]

    def add(area: str, part: pd.DataFrame) -> None:
        sums = part.groupby(["year", "function"])["amount"].sum()
        for (year, function), amount in zip(sums.index.tolist(), sums.tolist(), strict=True):
            label = f"{function} {all_names[str(function)][0]}"
            out.append(f"{area};{label};1 Drift;Art i alt;Løbende priser (1.000 kr.);{year};"
                       f"{int(amount)}")  # fmt: skip
            if kind_rows and function == "4.62.90":  # anlæg is left out by the reader
                out.append(f"{area};{label};3 Anlæg;Art i alt;Løbende priser (1.000 kr.);"
                           f"{year};{int(amount) // 20}")  # fmt: skip

    add("Hele landet", f)
    for name in sorted(set(f["region"])):
        add(str(name), f[f["region"] == name])
    for code in sorted(names):
        add(str(names[code]), f[f["kommunekode"] == code])
    return out


def generate_economy(out_dir: Path, seed: int = 13) -> dict[str, Path]:
    """Write ``BUDK32-syntetiske-data.csv`` and ``REGK31-syntetiske-data.csv`` (2012-2016,
    UTF-8 with BOM, statbank layout) and a marker file into ``out_dir``; returns the paths."""
    rng = np.random.default_rng(seed)
    regulation = load_regulation()
    pop = citizens(YEARS).frame
    weights = pop.pivot(index="year", columns="kommunekode", values="citizens").astype(float)
    budget = _municipal(national_budgets(regulation), weights, rng)
    old = pop.pivot(index="year", columns="kommunekode", values="citizens_65").astype(float)
    kmf_share = (old.to_numpy() / old.to_numpy().sum(axis=1, keepdims=True)).T
    kmf_rows = []
    for i, year in enumerate(YEARS):
        total = KMF_2012 * (1 + KMF_GROWTH) ** i * 1000
        kmf_rows.append(pd.DataFrame({"year": year, "kommunekode": old.columns.to_numpy(),
                                      "function": KMF[0],
                                      "amount": np.round(total * kmf_share[:, i]).astype("int64")}))  # fmt: skip
    kmf = pd.concat(kmf_rows, ignore_index=True)
    other = kmf.assign(function=OTHER[0], amount=(kmf["amount"] * 2.4).round().astype("int64"))
    budgets = pd.concat([budget, kmf, other], ignore_index=True)
    deviation = rng.normal(0.01, 0.02, len(budgets))
    accounts = budgets.assign(amount=(budgets["amount"] * (1 + deviation)).round().astype("int64"))
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for table, frame in (("BUDK32", budgets), ("REGK31", accounts)):
        path = out_dir / FILES[table]
        with atomic_path(path) as tmp:
            tmp.write_text("\n".join(_lines(frame, table == "BUDK32")) + "\n", encoding="utf-8-sig")
        paths[table] = path
    (out_dir / MARKER).write_text(
        "SYNTETISKE DATA: budgetter og regnskaber i denne mappe er opdigtede (naersund demo), "
        f"kalibreret til KL's tal for 2013 og 2014; KKR: {', '.join(KKR_NAMES.values())}.\n",
        encoding="utf-8",
    )
    return paths
