"""The synthetic registry's parameters: rates, code lists, specialties and hospital names.

Rates are invented to look like Danish hospital use (shape by age and sex, national volumes);
they are not estimates of anything. The preventable-condition codes come from the shipped
indicator definition so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from naersund.indicators import load_definitions

FloatArray = npt.NDArray[np.float64]
# code, specialty, weight for age <15, 15-64, 65+, sex ("" both, "M", "F"), short-stay multiplier
Row = tuple[str, str, float, float, float, str, float]

MARKER = "SYNTETISKE DATA"

# Streams of stays drawn from the population (readmissions and near misses come from stays).
STREAMS = ("prev", "acute", "short", "birth", "planned", "psych", "hospice")
READMIT, NEAR_MISS = len(STREAMS), len(STREAMS) + 1

# Stays per 1,000 persons per year by 5-year band (0-4 ... 85+), both sexes.
RATES: dict[str, list[float]] = {
    # acute admissions with a preventable-condition diagnosis
    "prev": [14, 3, 2, 2, 2, 2, 2, 3, 3, 4, 5, 7, 10, 20, 31, 54, 91, 155],
    # other acute admissions (>= 12 h)
    "acute": [48, 13, 13, 24, 30, 34, 36, 36, 36, 40, 48, 58, 72, 92, 118, 158, 205, 255],
    # acute short contacts (emergency room, mostly < 12 h)
    "short": [95, 42, 48, 58, 56, 46, 42, 40, 38, 38, 40, 42, 46, 55, 64, 78, 96, 122],
    # births and pregnancy (women only; the sex factor below removes men)
    "birth": [0, 0, 0, 6, 42, 100, 120, 62, 14, 1, 0, 0, 0, 0, 0, 0, 0, 0],
    # planned contacts (day procedures and elective admissions)
    "planned": [42, 22, 22, 27, 30, 37, 44, 47, 52, 62, 80, 100, 125, 155, 172, 170, 148, 115],
    # psychiatric admissions
    "psych": [0, 1, 3, 10, 14, 12, 10, 9, 8, 8, 7, 6, 5, 4, 4, 4, 5, 6],
    # hospice stays
    "hospice": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0.1, 0.2, 0.4, 0.7, 1.1, 1.6, 2.0, 2.4, 2.6],
}
SEX_FACTOR: dict[str, tuple[float, float]] = {  # (M, F)
    "prev": (1.04, 0.97),
    "acute": (1.08, 0.93),
    "short": (1.06, 0.95),
    "birth": (0.0, 1.5),
    "planned": (0.92, 1.08),
    "psych": (1.1, 0.9),
    "hospice": (1.0, 1.0),
}
ACUTE_SHARE = {"prev": 1.0, "acute": 1.0, "short": 1.0, "birth": 0.85, "planned": 0.0}
ACUTE_SHARE |= {"psych": 0.7, "hospice": 0.0}
TREND = {"prev": -0.012, "acute": -0.004, "short": 0.02, "planned": 0.01}  # per year from 2013

# 30-day readmission probability of a non-fatal admission, by band, and by index stream.
READMIT_P = [0.05] * 10 + [0.06, 0.085, 0.11, 0.145, 0.16, 0.175, 0.19, 0.2]
READMIT_STREAM = {"prev": 1.0, "acute": 1.0, "short": 1.0, "birth": 0.15, "planned": 0.55}
READMIT_STREAM |= {"psych": 0.4, "hospice": 0.0}
LATE_READMIT = 0.3  # extra follow-ups 31-90 days after discharge, relative to the 30-day ones
NEAR_MISS_P = 0.012  # share of stays followed by an ER visit just over 4 h after discharge

# Death at discharge: probability by band for admissions; short contacts use a tenth.
DIED_P = [0.0008] * 8 + [0.002, 0.004, 0.008, 0.012, 0.018, 0.026, 0.036, 0.05, 0.07, 0.1]
DIED_HOSPICE = 0.65

# Færdigbehandling: probability that a non-fatal admission of >= 24 h ends with days ready
# for discharge, by band.
READY_P = [0.0] * 4 + [0.004] * 9 + [0.055, 0.075, 0.1, 0.125, 0.15]
READY_DAYS_DECAY = 0.78  # P(L days) ~ decay**(L-1), L = 1..15

# Random municipality effects (lognormal sd).
MUNI_SD_COMMON, MUNI_SD_STREAM, MUNI_SD_READY = 0.15, 0.06, 0.4

# Share of admissions (>= 12 h) that are transferred once / twice within the stay.
TRANSFER_P = (0.14, 0.04)

SPECIALTIES = (
    "intern medicin", "geriatri", "kardiologi", "neurologi", "kirurgi", "ortopædkirurgi",
    "pædiatri", "gynækologi og obstetrik", "onkologi", "urologi", "oftalmologi",
    "oto-rhino-laryngologi", "akutmedicin", "psykiatri", "børne- og ungdomspsykiatri", "hospice",
)  # fmt: skip
SPEC = {name: i for i, name in enumerate(SPECIALTIES)}
NON_SOMATIC = ("psykiatri", "børne- og ungdomspsykiatri", "hospice")
TRANSFER_SPECS = [SPEC[s] for s in ("intern medicin", "geriatri", "kirurgi", "ortopædkirurgi")]
TRANSFER_SPECS += [SPEC["kardiologi"], SPEC["neurologi"]]

_PLACES = {
    1081: ("Nord", "Fjord", "Vest"),
    1082: ("Midt", "Hede", "Øst", "Vest"),
    1083: ("Syd", "Bælt", "Vade", "Ø"),
    1084: ("Hovedstad", "Kyst", "Nord", "Sø", "Vest"),
    1085: ("Sjælland", "Skov", "Syd"),
}
_REGION_WORD = {1081: "Nordjylland", 1082: "Midtjylland", 1083: "Syddanmark"}
_REGION_WORD |= {1084: "Hovedstaden", 1085: "Sjælland"}


@dataclass(frozen=True)
class Hospitals:
    names: tuple[str, ...]
    somatic: dict[int, list[int]]  # region code -> indices of somatic hospitals
    psych: dict[int, int]
    hospice: dict[int, int]


@cache
def hospitals() -> Hospitals:
    names: list[str] = []
    somatic: dict[int, list[int]] = {}
    psych: dict[int, int] = {}
    hospice: dict[int, int] = {}
    for region, places in _PLACES.items():
        somatic[region] = []
        for place in places:
            somatic[region].append(len(names))
            names.append(f"Syntetisk Sygehus {_REGION_WORD[region]} {place}")
        psych[region] = len(names)
        names.append(f"Syntetisk Psykiatri {_REGION_WORD[region]}")
        hospice[region] = len(names)
        names.append(f"Syntetisk Hospice {_REGION_WORD[region]}")
    return Hospitals(tuple(names), somatic, psych, hospice)


# Diagnosis tables: code, specialty, weight for children (<15), adults (15-64), elderly (65+),
# sex restriction ("" both, "M", "F"), multiplier of the weight for acute short contacts.
_ACUTE: list[Row] = [
    ("DR074", "kardiologi", 0.2, 8, 6, "", 2.0),
    ("DI214", "kardiologi", 0, 2, 4, "", 0.2),
    ("DI500", "kardiologi", 0, 1, 6, "", 0.3),
    ("DI489", "kardiologi", 0, 2, 5, "", 1.0),
    ("DI639", "neurologi", 0, 1.5, 5, "", 0.2),
    ("DG409", "neurologi", 3, 2, 1, "", 1.0),
    ("DR559", "intern medicin", 1, 2, 3, "", 2.0),
    ("DA419", "intern medicin", 1, 1, 4, "", 0.1),
    ("DN179", "intern medicin", 0, 0.5, 2, "", 0.3),
    ("DN109", "intern medicin", 1, 1, 1.5, "", 0.8),
    ("DK922", "kirurgi", 0, 1, 2, "", 0.4),
    ("DR109", "kirurgi", 4, 8, 3, "", 2.0),
    ("DK358", "kirurgi", 6, 4, 0.5, "", 0.2),
    ("DK802", "kirurgi", 0, 3, 2, "", 0.6),
    ("DK566", "kirurgi", 0.2, 1, 2, "", 0.3),
    ("DL039", "intern medicin", 1, 2, 2, "", 1.0),
    ("DR509", "intern medicin", 6, 2, 1.5, "", 2.0),
    ("DJ069", "intern medicin", 6, 1, 0.5, "", 2.5),
    ("DJ459", "intern medicin", 3, 1, 0.3, "", 1.5),
    ("DB349", "intern medicin", 5, 1, 0.3, "", 2.0),
    ("DE119", "intern medicin", 0, 1, 2, "", 0.6),
    ("DE101", "intern medicin", 1, 1, 0.2, "", 0.5),
    ("DZ038", "intern medicin", 4, 6, 4, "", 2.5),
    ("DR539", "intern medicin", 1, 2, 3, "", 1.5),
    ("DR060", "intern medicin", 0.5, 1, 2, "", 1.5),
    ("DI269", "intern medicin", 0, 1, 1.5, "", 0.4),
    ("DM545", "ortopædkirurgi", 0, 2, 1, "", 2.0),
    ("DS060", "ortopædkirurgi", 4, 3, 1, "", 3.0),
    ("DS934", "ortopædkirurgi", 2, 3, 0.5, "", 6.0),
    ("DS610", "ortopædkirurgi", 2, 3, 0.6, "", 6.0),
    ("DT391", "intern medicin", 0.5, 1.5, 0.2, "", 1.5),
    ("DF100", "intern medicin", 0, 2, 0.5, "", 2.0),
    ("DC349", "onkologi", 0, 0.6, 2.5, "", 0.2),
    ("DC189", "kirurgi", 0, 0.4, 1.5, "", 0.2),
    ("DC509", "onkologi", 0, 0.5, 0.6, "F", 0.2),
    ("DD059", "kirurgi", 0, 0.2, 0.2, "F", 0.2),
    ("DZ763", "pædiatri", 2, 0.3, 0.1, "", 1.0),
]
_PLANNED: list[Row] = [
    ("DM171", "ortopædkirurgi", 0, 2, 6, "", 1),
    ("DM161", "ortopædkirurgi", 0, 1.5, 5, "", 1),
    ("DM751", "ortopædkirurgi", 0, 3, 2, "", 1),
    ("DK409", "kirurgi", 2, 4, 3, "", 1),
    ("DK802", "kirurgi", 0, 4, 2, "", 1),
    ("DC189", "kirurgi", 0, 1, 3, "", 1),
    ("DC509", "kirurgi", 0, 2, 2, "F", 1),
    ("DD259", "gynækologi og obstetrik", 0, 2, 0.2, "F", 1),
    ("DN800", "gynækologi og obstetrik", 0, 2, 0, "F", 1),
    ("DC619", "urologi", 0, 0.5, 3, "M", 1),
    ("DN401", "urologi", 0, 0.5, 3, "M", 1),
    ("DH251", "oftalmologi", 0, 0.5, 4, "", 1),
    ("DJ350", "oto-rhino-laryngologi", 6, 1, 0, "", 1),
    ("DH650", "oto-rhino-laryngologi", 5, 0.3, 0, "", 1),
    ("DI251", "kardiologi", 0, 1.5, 4, "", 1),
    ("DZ511", "onkologi", 0.5, 2, 4, "", 1),
    ("DZ092", "intern medicin", 2, 3, 3, "", 1),
    ("DQ539", "pædiatri", 3, 0, 0, "M", 1),
]
_BIRTH: list[Row] = [
    ("DO800", "gynækologi og obstetrik", 0, 55, 0, "F", 1),
    ("DO809", "gynækologi og obstetrik", 0, 10, 0, "F", 1),
    ("DO829", "gynækologi og obstetrik", 0, 15, 0, "F", 1),
    ("DO479", "gynækologi og obstetrik", 0, 10, 0, "F", 1),
    ("DO420", "gynækologi og obstetrik", 0, 10, 0, "F", 1),
]
_PSYCH: list[Row] = [
    ("DF200", "psykiatri", 0, 4, 1, "", 1),
    ("DF329", "psykiatri", 1, 5, 3, "", 1),
    ("DF319", "psykiatri", 0, 2, 1, "", 1),
    ("DF431", "psykiatri", 1, 3, 0.5, "", 1),
    ("DF100", "psykiatri", 0, 3, 1, "", 1),
    ("DF603", "psykiatri", 0, 2, 0.2, "", 1),
    ("DF840", "psykiatri", 3, 0.2, 0, "", 1),
    ("DF900", "psykiatri", 3, 0.3, 0, "", 1),
    ("DF039", "psykiatri", 0, 0, 3, "", 1),
]
_HOSPICE: list[Row] = [
    (c, "hospice", 0, w, w, s, 1)
    for c, w, s in (
        ("DC349", 4, ""),
        ("DC189", 2, ""),
        ("DC509", 1.5, "F"),
        ("DC259", 1.5, ""),
        ("DC619", 1.5, "M"),
        ("DC169", 1, ""),
    )
]
SECONDARY = ("DE119", "DI109", "DJ449", "DI489", "DE785", "DN189", "DZ921", "DZ720")
TRANSFER_DX = ("DZ038", "DR539", "DZ509")

# Preventable-condition groups: weight of the group for 65+ and for younger, and weights of
# the code prefixes (prefixes not named here get 0.3). Full codes add a typical 5th character.
_PREV_GROUPS = {
    "nedre_luftvejssygdomme": (0.36, 0.45),
    "brud": (0.2, 0.15),
    "blaerebetaendelse": (0.12, 0.06),
    "dehydrering": (0.09, 0.06),
    "gastroenteritis": (0.08, 0.22),
    "forstoppelse": (0.05, 0.03),
    "ernaeringsbetinget_anaemi": (0.03, 0.01),
    "sociale_og_plejemaessige_forhold": (0.04, 0.01),
    "tryksaar": (0.03, 0.01),
}
_PREV_PREFIX_W = {"DJ18": 8, "DJ44": 8, "DJ15": 1.5, "DJ20": 1.5, "DJ22": 1.5, "DJ13": 0.6}
_PREV_PREFIX_W |= {"DS72": 6, "DS52": 3, "DS42": 2, "DS32": 2, "DS82": 1.5, "DS22": 1}
_PREV_PREFIX_W |= {"DN390": 4, "DA09": 4, "DA08": 2, "DK529": 2, "DD50": 3}
_SUFFIX = {"DS72": "0", "DS52": "5", "DS42": "2", "DS32": "2", "DS82": "3", "DS22": "0"}
_SUFFIX |= {"DJ44": "1", "DJ13": "", "DJ22": "", "DT08": "", "DE86": "9", "DS02": "6"}


def _prev_rows() -> list[Row]:
    """Preventable codes from the shipped definition, weighted per age class."""
    definition = next(d for d in load_definitions() if d.id == "forebyggelige_indlaeggelser_65")
    assert definition.selection is not None
    rows = []
    for gid, group in definition.selection.diagnosis_groups.items():
        old_w, young_w = _PREV_GROUPS.get(gid, (0.01, 0.01))
        prefix_w = [_PREV_PREFIX_W.get(p, 0.3) for p in group.codes]
        total = sum(prefix_w)
        for prefix, w in zip(group.codes, prefix_w, strict=True):
            code = prefix + _SUFFIX.get(prefix, "9" if len(prefix) == 4 else "")
            spec = "ortopædkirurgi" if gid == "brud" else "intern medicin"
            share = w / total
            rows.append((code, spec, young_w * share, young_w * share, old_w * share, "", 1.0))
    return rows


@dataclass(frozen=True)
class CodeTables:
    codes: tuple[str, ...]
    # stream name -> (code indices, specialty indices, weights[age_class, sex, code])
    tables: dict[str, tuple[npt.NDArray[np.int32], npt.NDArray[np.int16], FloatArray]]


@cache
def code_tables() -> CodeTables:
    raw: dict[str, list[Row]] = {
        "prev": _prev_rows(),
        "acute": _ACUTE,
        "birth": _BIRTH,
        "planned": _PLANNED,
        "psych": _PSYCH,
        "hospice": _HOSPICE,
    }
    from naersund.registry.synth._outpatient import extra_codes  # it builds on this module

    codes: dict[str, int] = {}
    every = [r[0] for rows in raw.values() for r in rows] + [*SECONDARY, *TRANSFER_DX]
    for code in every + extra_codes():
        codes.setdefault(code, len(codes))
    tables = {}
    for name, rows in [*raw.items(), ("short", _ACUTE)]:
        idx = np.array([codes[r[0]] for r in rows], dtype=np.int32)
        spec = np.array([SPEC[r[1]] for r in rows], dtype=np.int16)
        w = np.zeros((3, 2, len(rows)))
        for j, (_, _, child, adult, old, sex, short_mult) in enumerate(rows):
            mult = short_mult if name == "short" else 1.0
            for s, letter in enumerate("MF"):
                if sex in ("", letter):
                    w[:, s, j] = np.array([child, adult, old]) * mult
        tables[name] = (idx, spec, w)
    return CodeTables(tuple(codes), tables)


def day_weights(stream: str, n_days: int, jan1_weekday: int) -> FloatArray:
    """Relative chance of each day of the year: winter peak for acute, weekdays for planned."""
    day = np.arange(n_days)
    season = {"prev": 0.22, "acute": 0.06, "short": 0.04}.get(stream, 0.0)
    w = 1 + season * np.cos(2 * np.pi * (day - 20) / n_days)
    if stream in ("planned", "hospice"):
        weekday = (day + jan1_weekday) % 7
        w = np.where(weekday >= 5, 0.04, 1.0) * np.where((day > 185) & (day < 215), 0.45, 1.0)
    return w / w.sum()


# Start hour weights: acute through the day and evening, planned in the morning.
HOUR_ACUTE = np.array([2, 1.5, 1.2, 1, 1, 1, 1.3, 2, 3.5, 5, 6, 6, 5.5, 5.5, 5, 5, 5, 5])
HOUR_ACUTE = np.concatenate([HOUR_ACUTE, [4.5, 4, 3.5, 3, 2.6, 2.2]])
HOUR_PLANNED = np.zeros(24)
HOUR_PLANNED[7:15] = [6, 8, 7, 5, 4, 3, 2, 1]
