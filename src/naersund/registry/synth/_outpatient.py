"""Outpatient attendances: the bulk of real registry volume.

Sundhedsdatastyrelsen builds stays from *all* physical attendances, outpatient ones included.
There were almost 12 million somatic stays with physical attendance in 2022: about 11 million
outpatient and 750,000 admissions (KL, "Analyse af det somatiske sygehusvæsen", June 2024).
Statistics Denmark counts over 11 million outpatient visits a year in 2019-2021, about 90 %
of them planned (statbank table "Ambulante besøg", AMBU). With these attendances ``naersund
synth --scale 1.0`` writes about 12.5 million contacts for 2022 instead of about 1.7 million.

What is added, each with its own random stream (the admissions drawn by ``_model`` stay as
they were, so every indicator keeps its calibrated level):

- planned outpatient visits by age and sex (about 9 million a year at scale 1.0), in the
  morning on weekdays, 15-90 minutes, ending on the hour (so LPR2, which has no discharge
  minute, holds the same contacts);
- acute outpatient visits (about 0.8 million: emergency visits treated in surgical,
  orthopaedic, eye, ear-nose-throat and gynaecological departments; the medical emergency
  visits are the ``short`` stream of ``_model``), so that about 10 % of outpatient visits are
  acute, as Statistics Denmark says;
- the chronically ill: persistent cohorts of persons with type 2 diabetes (``DE11``) and KOL
  (``DJ44``) who attend year after year (one visit a year plus a Poisson number more), at the
  public prevalences: about 310,000 persons with type 2 diabetes in 2022, some 6.5 % of adults
  (Diabetesforeningen, "Diabetes i Danmark", 2023; 252,516 registered in 2017, Videncenter for
  Diabetes, "Diabetes i tal"), and 110,000-130,000 persons treated for KOL (Lungeforeningen,
  "Nøgletal om lungesygdomme", citing the Danish COPD register DrKOL's 2021 report). Whether a
  person is chronically ill is a hash of the person key under an age curve, so the same persons
  stay ill as they age. Most acute admissions *for* KOL or diabetes (``DJ44``/``DE11`` as the
  first contact's diagnosis) are moved to a person of the cohort in the same municipality, sex
  and birth year: the ``disease_rate`` indicators then get plausible levels;
- the cases the stay rules care about: a planned visit ending 1-4 hours before an acute
  admission (one stay, planned by the first-contact rule) and an emergency-room contact
  (``akutmedicin``; ``pædiatri`` for children) that turns into an admission of 24 hours or more
  (one stay, acute, the same diagnosis on both contacts).
"""

from __future__ import annotations

import numpy as np

from naersund.registry.synth import _model as M
from naersund.registry.synth import _tables as T
from naersund.registry.synth._model import DAY, HOUR, Arr, Stays

# Stream codes of the added rows (after _tables.READMIT and NEAR_MISS).
OUTPATIENT, OUT_ACUTE, CHRONIC, PRE_ADMISSION, ER = range(len(T.STREAMS) + 2, len(T.STREAMS) + 7)
OUTPATIENT_STREAMS = (OUTPATIENT, OUT_ACUTE, CHRONIC, PRE_ADMISSION)

# Visits per 1,000 persons per year by 5-year band (0-4 ... 85+), both sexes, in 2013; they grow
# by TREND a year. Chosen so that 2022 at scale 1.0 has about 11 million outpatient
# attendances (with the short and planned streams of _model), 10 % of them acute.
PLANNED_RATES = [
    1070, 650, 710, 860, 820, 1080, 1160, 1040, 960, 1050,
    1320, 1530, 1810, 2230, 2600, 2840, 3100, 2800,
]  # fmt: skip
ACUTE_RATES = [
    200, 150, 185, 205, 170, 135, 120, 110, 105, 105,
    105, 105, 110, 115, 125, 145, 175, 215,
]  # fmt: skip
SEX_FACTOR = {"planned": (0.86, 1.14), "acute": (1.1, 0.9)}  # (M, F)
TREND = 0.012

# Share of persons with the disease by 5-year band (age curves of the public figures above),
# for men and women; non-decreasing with age so that the ill stay ill.
DIABETES = np.array(
    [0.0, 0.0, 0.0, 0.0, 0.0033, 0.0058, 0.0091, 0.0141, 0.0216, 0.0315,
     0.0456, 0.0631, 0.083, 0.1037, 0.1203, 0.1286, 0.1286, 0.1286]
)  # fmt: skip
KOL = np.array(
    [0, 0, 0, 0, 0, 0, 0, 0.002, 0.004, 0.008,
     0.014, 0.024, 0.038, 0.052, 0.064, 0.072, 0.075, 0.075]
)  # fmt: skip
CHRONIC_SEX = {"diabetes": (1.2, 0.82), "kol": (0.95, 1.05)}  # (M, F)
CHRONIC_TREND = {"diabetes": 0.025, "kol": 0.0}  # a year from 2013
EXTRA_VISITS = 0.8  # visits a year beyond the first
CHRONIC_DX: dict[str, tuple[tuple[str, float], ...]] = {
    "diabetes": (("DE119", 0.7), ("DE112", 0.1), ("DE114", 0.1), ("DE116", 0.1)),
    "kol": (("DJ449", 0.8), ("DJ448", 0.2)),
}
ADMISSION_PREFIX = {"diabetes": "DE11", "kol": "DJ44"}
TO_COHORT = 0.85  # share of admissions for the disease given to a person of its cohort
PRE_ADMISSION_P = 0.01  # acute admissions with a planned visit 1-4 h before
ER_P = 0.35  # acute somatic admissions of >= 24 h that begin as an emergency-room contact

Row = tuple[str, str, float, float, float, str]
# code, specialty, weight for age <15, 15-64, 65+, sex
_PLANNED: list[Row] = [
    ("DH251", "oftalmologi", 0.1, 1, 6, ""),
    ("DH401", "oftalmologi", 0, 1, 3, ""),
    ("DH353", "oftalmologi", 0, 0.3, 3, ""),
    ("DM171", "ortopædkirurgi", 0, 2, 4, ""),
    ("DM545", "ortopædkirurgi", 0.5, 4, 2, ""),
    ("DS525", "ortopædkirurgi", 3, 2, 1, ""),
    ("DZ348", "gynækologi og obstetrik", 0, 8, 0, "F"),
    ("DN921", "gynækologi og obstetrik", 0, 3, 0.3, "F"),
    ("DC509", "onkologi", 0, 2, 3, "F"),
    ("DZ511", "onkologi", 0, 1.5, 3, ""),
    ("DC619", "urologi", 0, 0.3, 3, "M"),
    ("DN401", "urologi", 0, 0.5, 3, "M"),
    ("DI489", "kardiologi", 0, 1, 5, ""),
    ("DI251", "kardiologi", 0, 1, 4, ""),
    ("DH650", "oto-rhino-laryngologi", 5, 1, 1, ""),
    ("DH903", "oto-rhino-laryngologi", 0.5, 1, 3, ""),
    ("DZ038", "intern medicin", 1, 3, 3, ""),
    ("DK589", "intern medicin", 0.3, 2, 1, ""),
    ("DG409", "neurologi", 2, 1.5, 1, ""),
    ("DG439", "neurologi", 0.5, 2, 0.5, ""),
    ("DJ459", "pædiatri", 6, 0, 0, ""),
    ("DR628", "pædiatri", 5, 0, 0, ""),
]
_ACUTE: list[Row] = [
    ("DS934", "ortopædkirurgi", 3, 3, 1, ""),
    ("DS610", "ortopædkirurgi", 3, 3, 1, ""),
    ("DS525", "ortopædkirurgi", 3, 1, 1.5, ""),
    ("DS019", "kirurgi", 2, 2, 1, ""),
    ("DR104", "kirurgi", 1, 2, 1, ""),
    ("DH109", "oftalmologi", 1, 1, 1, ""),
    ("DT150", "oftalmologi", 1, 1, 0.5, ""),
    ("DJ039", "oto-rhino-laryngologi", 2, 1, 0.3, ""),
    ("DO209", "gynækologi og obstetrik", 0, 2, 0, "F"),
]


def extra_codes() -> list[str]:
    """Diagnosis codes these rows use (added to ``_tables.code_tables``)."""
    chronic = [c for rows in CHRONIC_DX.values() for c, _ in rows]
    return [r[0] for r in _PLANNED + _ACUTE] + chronic


def _table(rows: list[Row]) -> tuple[Arr, Arr, Arr]:
    codes = T.code_tables().codes
    idx = np.array([codes.index(r[0]) for r in rows], dtype=np.int32)
    spec = np.array([T.SPEC[r[1]] for r in rows], dtype=np.int16)
    w = np.zeros((3, 2, len(rows)))
    for j, (_, _, child, adult, old, sex) in enumerate(rows):
        for s, letter in enumerate("MF"):
            if sex in ("", letter):
                w[:, s, j] = (child, adult, old)
    return idx, spec, w


def _ceil_hour(t: Arr) -> Arr:
    return -(-t // HOUR) * HOUR


def _rows(
    rng: np.random.Generator, s: Stays, stream: int, dx: Arr, spec: Arr, fx: M.Effects
) -> Stays:
    """Visits of 15-90 minutes that end on the hour, in the person's home hospital."""
    n = len(s["key"])
    spec = spec.copy()
    age = s["age"]
    spec[(age < 15) & np.isin(spec, [T.SPEC[x] for x in ("intern medicin", "kardiologi")])] = (
        T.SPEC["pædiatri"]
    )
    h = T.hospitals()
    region = fx.region[s["kidx"]] - 1081
    first = np.array([h.somatic[r][0] for r in range(1081, 1086)])[region]
    count = np.array([len(h.somatic[r]) for r in range(1081, 1086)])[region]
    end = _ceil_hour(s["start"] + rng.integers(15, 91, n))
    return s | {
        "acute": s["acute"].astype(bool),
        "stream": np.full(n, stream, dtype=np.int8),
        "end": end,
        "dx": dx.astype(np.int32),
        "spec": spec.astype(np.int16),
        "hosp": (first + M._hash(s["key"], 2) % count).astype(np.int16),
        "died": np.zeros(n, dtype=bool),
        "ready_day": np.full(n, -1, dtype=np.int64),
        "ready_len": np.zeros(n, dtype=np.int64),
    }


def _draw(
    rng: np.random.Generator, year: int, counts: Arr, dead: Arr, kind: str, fx: M.Effects
) -> Stays:
    rates = PLANNED_RATES if kind == "planned" else ACUTE_RATES
    rate = np.array(rates)[None, :, None] / 1000 * np.array(SEX_FACTOR[kind])[None, None, :]
    rate = rate * (1 + TREND) ** (year - 2013)
    n = rng.poisson(counts * rate)
    cells = np.repeat(np.arange(counts.size), n.ravel())
    s = M._persons(rng, year, cells, counts, dead)
    m = len(s["key"])
    acute = kind == "acute"
    jan1 = M.days_of(year)
    n_days = M.days_of(year + 1) - jan1
    weights = T.day_weights("planned" if not acute else "short", n_days, (jan1 + 3) % 7)
    day = rng.choice(n_days, size=m, p=weights)
    flag = np.full(m, acute)
    s["start"] = (jan1 + day) * DAY + M._time_of_day(rng, flag)
    s["acute"] = flag
    idx, spec, w = _table(_PLANNED if not acute else _ACUTE)
    age_class = np.where(s["age"] < 15, 0, np.where(s["age"] < 65, 1, 2))
    pick = M._categorical(rng, w, age_class * 2 + s["sex"])
    return _rows(rng, s, OUT_ACUTE if acute else OUTPATIENT, idx[pick], spec[pick], fx)


def chronic_persons(year: int, counts: Arr, dead: Arr) -> dict[str, Arr]:
    """disease -> sorted keys of the living persons with it in ``year``, from the same person
    slots as ``_model._persons`` (a slot is a person of a municipality, sex and birth year)."""
    n_muni = counts.shape[0]
    ages = np.arange(18, 105)
    band = np.minimum(ages // 5, 17)
    share = np.where(band == 17, M.AGE85_W[np.clip(ages - 85, 0, 19)], 0.2)
    kidx, sex, a = (x.ravel() for x in np.meshgrid(np.arange(n_muni), [0, 1], ages, indexing="ij"))
    b = np.minimum(a // 5, 17)
    count = counts[kidx, b, sex]
    slots = np.where(count > 0, np.maximum(1, np.rint(count * share[a - 18])), 0).astype(np.int64)
    base = ((kidx * 2 + sex) * 200 + (year - 1 - a - 1880)).astype(np.int64) * M.POOL_SIZE
    total = int(slots.sum())
    key = np.repeat(base, slots) + (np.arange(total) - np.repeat(np.cumsum(slots) - slots, slots))
    age_band = np.repeat(b, slots)
    female = np.repeat(sex, slots)
    alive = ~M.member(dead, key)
    out = {}
    for salt, (name, curve) in enumerate((("diabetes", DIABETES), ("kol", KOL)), start=11):
        p = curve[age_band] * np.array(CHRONIC_SEX[name])[female]
        p = p * (1 + CHRONIC_TREND[name]) ** (year - 2013)
        u = M._hash(key, salt) / 2.0**35
        out[name] = np.sort(key[(u < p) & alive])
    return out


def _chronic_visits(
    rng: np.random.Generator, year: int, chronic: dict[str, Arr], fx: M.Effects
) -> Stays:
    codes = T.code_tables().codes
    parts = []
    for name, keys in chronic.items():
        visits = 1 + rng.poisson(EXTRA_VISITS, len(keys))
        key = np.repeat(keys, visits)
        n = len(key)
        kidx, sex, birth = M.decode_key(key)
        jan1 = M.days_of(year)
        n_days = M.days_of(year + 1) - jan1
        day = rng.choice(n_days, size=n, p=T.day_weights("planned", n_days, (jan1 + 3) % 7))
        age = year - 1 - (key // M.POOL_SIZE % 200 + 1880)
        s: Stays = {
            "key": key,
            "kidx": kidx.astype(np.int16),
            "sex": sex.astype(np.int8),
            "band": np.minimum(age // 5, 17).astype(np.int8),
            "birth": birth,
            "age": age.astype(np.int16),
            "acute": np.zeros(n, dtype=bool),
        }
        s["start"] = (jan1 + day) * DAY + M._time_of_day(rng, s["acute"])
        names = [c for c, _ in CHRONIC_DX[name]]
        p = np.array([w for _, w in CHRONIC_DX[name]])
        dx = np.array([codes.index(c) for c in names])[rng.choice(len(names), size=n, p=p)]
        parts.append(_rows(rng, s, CHRONIC, dx, np.full(n, T.SPEC["intern medicin"]), fx))
    return M.concat(parts)


def to_cohort(rng: np.random.Generator, batches: list[M.Stays], chronic: dict[str, Arr]) -> None:
    """Give most admissions for KOL or diabetes to a person of the cohort of the same
    municipality, sex and birth year (in place; readmissions then follow the person). At small
    scales many such cells have no one with the disease: the admissions stay where they are,
    and the disease rates' numerators are lower than at scale 1.0."""
    codes = np.array(T.code_tables().codes)
    for name, prefix in ADMISSION_PREFIX.items():
        keys = chronic[name]
        if not len(keys):
            continue
        cell = keys // M.POOL_SIZE
        is_dx = np.char.startswith(codes, prefix)
        for s in batches:
            hit = np.flatnonzero(is_dx[s["dx"]] & (rng.random(len(s["key"])) < TO_COHORT))
            if not len(hit):
                continue
            want = s["key"][hit] // M.POOL_SIZE
            lo = np.searchsorted(cell, want, "left")
            n = np.searchsorted(cell, want, "right") - lo
            move = n > 0
            pick = lo[move] + (rng.random(int(move.sum())) * n[move]).astype(np.int64)
            rows, new = hit[move], keys[pick]
            s["key"][rows] = new
            s["birth"][rows] = M.decode_key(new)[2]


def emergency_rooms(rng: np.random.Generator, stays: Stays) -> Stays:
    """Let some acute somatic admissions of 24 hours or more begin as an emergency-room contact
    ending on the hour; the admission's contact starts when it ends (one stay)."""
    n = len(stays["key"])
    somatic = ~np.isin(stays["spec"], [T.SPEC[x] for x in T.NON_SOMATIC])
    long_ = stays["end"] - stays["start"] >= 24 * HOUR
    streams = np.isin(stays["stream"], [T.STREAMS.index("prev"), T.STREAMS.index("acute")])
    streams |= stays["stream"] == T.READMIT
    pick = np.flatnonzero(stays["acute"] & somatic & long_ & streams & (rng.random(n) < ER_P))
    er = M.take(stays, pick)
    m = len(pick)
    handover = _ceil_hour(er["start"] + rng.integers(HOUR, 5 * HOUR, m))
    er["end"] = handover
    er["spec"] = np.where(er["age"] < 15, T.SPEC["pædiatri"], T.SPEC["akutmedicin"]).astype(
        np.int16
    )
    er["died"] = np.zeros(m, dtype=bool)
    er["ready_day"] = np.full(m, -1, dtype=np.int64)
    er["ready_len"] = np.zeros(m, dtype=np.int64)
    er["stream"] = np.full(m, ER, dtype=np.int8)
    out = {k: v.copy() for k, v in stays.items()}
    out["start"][pick] = handover
    return M.concat([out, er])


def before_admissions(rng: np.random.Generator, stays: Stays, fx: M.Effects) -> Stays:
    """Planned visits ending 1-4 hours before an acute admission, on the hour."""
    acute = stays["acute"] & (stays["end"] - stays["start"] >= 12 * HOUR)
    pick = np.flatnonzero(acute & (rng.random(len(acute)) < PRE_ADMISSION_P))
    s = {k: stays[k][pick] for k in ("key", "kidx", "sex", "band", "birth", "age")}
    m = len(pick)
    end = _ceil_hour(stays["start"][pick] - rng.integers(HOUR, 4 * HOUR + 1, m))
    s["start"] = end - rng.integers(15, 61, m)
    s["acute"] = np.zeros(m, dtype=bool)
    idx, spec, w = _table(_PLANNED)
    age_class = np.where(s["age"] < 15, 0, np.where(s["age"] < 65, 1, 2))
    choice = M._categorical(rng, w, age_class * 2 + s["sex"])
    rows = _rows(rng, s, PRE_ADMISSION, idx[choice], spec[choice], fx)
    rows["end"] = end
    return rows


def outpatient(
    rng: np.random.Generator,
    year: int,
    counts: Arr,
    fx: M.Effects,
    dead: Arr,
    chronic: dict[str, Arr],
    stays: Stays,
) -> Stays:
    """All outpatient attendances of ``year`` as contacts (one contact each)."""
    return M.concat(
        [
            _draw(rng, year, counts, dead, "planned", fx),
            _draw(rng, year, counts, dead, "acute", fx),
            _chronic_visits(rng, year, chronic, fx),
            before_admissions(rng, stays, fx),
        ]
    )


def distinct_contacts(c: Stays) -> Stays:
    """The contacts without exact duplicates (ingest would reject the second row). At the
    real volume a person now and then gets two visits alike to the minute. The end counts to
    the hour, as LPR2 writes it, so that every format leaves out the same rows."""
    fields = [c["key"], c["start"], c["end"] // HOUR, c["dx"], c["spec"], c["hosp"]]
    fields += [c["acute"], c["died"]]
    h = np.zeros(len(c["key"]), dtype=np.uint64)
    for f in fields:  # FNV-style mixing: equal rows get equal hashes
        h = (h ^ f.astype(np.uint64)) * np.uint64(0x100000001B3)
    order = np.argsort(h, kind="stable")
    same = np.flatnonzero(h[order][1:] == h[order][:-1])
    if not len(same):
        return c
    cand = np.unique(np.concatenate([order[same], order[same + 1]]))
    rows = np.stack([f[cand].astype(np.int64) for f in fields], axis=1)
    _, first = np.unique(rows, axis=0, return_index=True)
    keep = np.ones(len(c["key"]), dtype=bool)
    keep[np.setdiff1d(cand, cand[first])] = False
    return M.take(c, keep)
