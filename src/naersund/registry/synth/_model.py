"""The simulation: stays drawn from the population, readmissions, deaths, days ready for
discharge and the split of stays into contacts. Everything is vectorised over stays; loops run
over streams, age classes or readmission generations only.

Times are whole minutes since 1970-01-01, dates whole days since then.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from naersund.registry.synth import _tables as T

Arr = npt.NDArray[Any]
Stays = dict[str, Arr]
DAY, HOUR = 1440, 60
N_BANDS = 18
AGE85_W = 0.82 ** np.arange(20)
AGE85_W /= AGE85_W.sum()
POOL_SIZE = 10**6  # person slots per municipality x sex x birth year
ID_MOD, ID_MUL, ID_ADD = 10**11, 7_654_321, 31_415_926_535
ID_MUL2, ID_ADD2 = 3_141_593, 27_182_818_284  # multipliers coprime to 10
FRAILTY = 1.3  # > 1 concentrates stays on fewer persons of a cohort


@dataclass(frozen=True)
class Effects:
    """Random municipality effects (index = municipality position) and planted initiatives."""

    muni: dict[str, Arr]  # stream name or "readmit" -> multiplier per municipality
    ready: Arr
    region: Arr  # region code per municipality
    initiatives: list[tuple[int, str, int, float]]  # (municipality index, name, start, effect)

    def factor(self, initiative: str, year: int, n: int) -> Arr:
        out = np.ones(n)
        for m, name, start, effect in self.initiatives:
            if name == initiative and year >= start:
                out[m] *= 1 + effect
        return out


def days_of(year: int) -> int:
    return int(np.datetime64(f"{year}-01-01", "D").astype(np.int64))


def person_id_number(key: Arr) -> Arr:
    """A bijection of the person key onto 11 digits, so ids look arbitrary: affine maps
    modulo 10**11 around a swap of the high and low digits."""
    x = (key.astype(np.int64) * ID_MUL + ID_ADD) % ID_MOD
    x = (x % 10**6) * 10**5 + x // 10**6
    return (x * ID_MUL2 + ID_ADD2) % ID_MOD


def sorted_union(known: Arr, new: Arr) -> Arr:
    """Union of a sorted unique array with any array, sorted (faster than ``np.union1d``)."""
    new = np.sort(new)
    new = new[np.r_[True, new[1:] != new[:-1]]] if len(new) else new
    new = new[~member(known, new)]
    return np.insert(known, np.searchsorted(known, new), new)


def member(known: Arr, x: Arr) -> Arr:
    """``np.isin(x, known)`` for a sorted ``known``."""
    if len(known) == 0:
        return np.zeros(len(x), dtype=bool)
    i = np.minimum(np.searchsorted(known, x), len(known) - 1)
    return np.asarray(known[i] == x)


def _hash(key: Arr, salt: int) -> Arr:
    h = (key.astype(np.uint64) + np.uint64(salt)) * np.uint64(0x9E3779B97F4A7C15)
    return (h >> np.uint64(29)).astype(np.int64)


def decode_key(key: Arr) -> tuple[Arr, Arr, Arr]:
    """Person key -> (municipality index, sex 0=M 1=F, birth date in days)."""
    rest = key // POOL_SIZE
    cohort = rest % 200 + 1880
    sex = (rest // 200) % 2
    kidx = rest // 400
    jan1 = (cohort - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
    n_days = 365 + ((cohort % 4 == 0) & ((cohort % 100 != 0) | (cohort % 400 == 0)))
    birth = jan1 + 1 + _hash(key, 1) % (n_days - 1)  # never 1 January: age at 1/1 is exact
    return kidx, sex, birth


def _persons(rng: np.random.Generator, year: int, cells: Arr, counts: Arr, dead: Arr) -> Stays:
    """Pick a person of the pool for each stay drawn in a population cell."""
    kidx, band, sex = np.unravel_index(cells, counts.shape)
    n = len(cells)
    age = np.where(band < 17, band * 5 + rng.integers(0, 5, n), 0)
    old = band == 17
    age[old] = 85 + rng.choice(20, size=int(old.sum()), p=AGE85_W)
    share = np.where(old, AGE85_W[np.clip(age - 85, 0, 19)], 0.2)
    slots = np.maximum(1, np.rint(counts[kidx, band, sex] * share)).astype(np.int64)
    base = ((kidx * 2 + sex) * 200 + (year - 1 - age - 1880)).astype(np.int64) * POOL_SIZE
    key = base + (slots * rng.random(n) ** FRAILTY).astype(np.int64)
    for _ in range(3):  # the dead do not come back: redraw their slot
        hit = member(dead, key)
        if not hit.any():
            break
        key[hit] = base[hit] + (slots[hit] * rng.random(int(hit.sum()))).astype(np.int64)
    keep = ~member(dead, key)
    _, _, birth = decode_key(key)
    return {
        "key": key[keep],
        "kidx": kidx[keep].astype(np.int16),
        "sex": sex[keep].astype(np.int8),
        "band": band[keep].astype(np.int8),
        "birth": birth[keep],
        "age": age[keep].astype(np.int16),
    }


def _categorical(rng: np.random.Generator, weights: Arr, group: Arr) -> Arr:
    """One draw per row from ``weights[group[row]]`` (rows of weights need not sum to 1)."""
    flat = weights.reshape(-1, weights.shape[-1])
    cdf = np.cumsum(flat, axis=1)
    u = rng.random(len(group))
    out = np.zeros(len(group), dtype=np.int64)
    for g in np.unique(group):
        m = group == g
        out[m] = np.searchsorted(cdf[g], u[m] * cdf[g, -1], side="right")
    return np.minimum(out, flat.shape[1] - 1)


def _diagnoses(rng: np.random.Generator, table: str, age: Arr, sex: Arr) -> tuple[Arr, Arr]:
    codes, specs, weights = T.code_tables().tables[table]
    age_class = np.where(age < 15, 0, np.where(age < 65, 1, 2))
    pick = _categorical(rng, weights, age_class * 2 + sex)
    return codes[pick], specs[pick].astype(np.int16)


def _lognormal(rng: np.random.Generator, median_h: float, sd: float, n: int) -> Arr:
    return median_h * HOUR * np.exp(sd * rng.standard_normal(n))


def _durations(rng: np.random.Generator, stream: str, n: int) -> Arr:
    """Stay length in minutes."""
    if stream == "prev":
        d = 12 * HOUR + _lognormal(rng, 72, 0.8, n)
    elif stream in ("acute", "readmit"):
        d = 12 * HOUR + _lognormal(rng, 46, 0.95, n)
        short = rng.random(n) < (0.15 if stream == "readmit" else 0.0)
        d[short] = rng.integers(60, 12 * HOUR, int(short.sum()))
    elif stream in ("short", "near"):
        d = np.minimum(HOUR + _lognormal(rng, 3, 0.6, n), 12 * HOUR - 1)
        long_ = rng.random(n) < (0.25 if stream == "short" else 0.0)
        d[long_] = rng.integers(12 * HOUR, 24 * HOUR, int(long_.sum()))
    elif stream == "birth":
        d = 12 * HOUR + _lognormal(rng, 30, 0.6, n)
    elif stream == "planned":
        d = 12 * HOUR + _lognormal(rng, 60, 0.7, n)
        day = rng.random(n) < 0.55
        d[day] = rng.integers(90, 540, int(day.sum()))
    else:  # psych, hospice
        d = 24 * HOUR + _lognormal(rng, 216, 0.8, n)
    return np.minimum(np.rint(d), 90 * DAY).astype(np.int64)


def _time_of_day(rng: np.random.Generator, acute: Arr) -> Arr:
    hour = np.where(
        acute,
        rng.choice(24, size=len(acute), p=T.HOUR_ACUTE / T.HOUR_ACUTE.sum()),
        rng.choice(24, size=len(acute), p=T.HOUR_PLANNED / T.HOUR_PLANNED.sum()),
    )
    return hour * HOUR + rng.integers(0, 60, len(acute))


def _complete(rng: np.random.Generator, s: Stays, stream: str, fx: Effects, year: int) -> Stays:
    """Add diagnosis, specialty, hospital, length, death and days ready for discharge."""
    n = len(s["key"])
    table = {"short": "short", "near": "short", "readmit": "acute"}.get(stream, stream)
    dx, spec = _diagnoses(rng, table, s["age"], s["sex"])
    if stream == "readmit":  # readmissions often carry a preventable-condition diagnosis
        team = fx.factor("akutteam", year, len(fx.ready))[s["kidx"]]
        prev = rng.random(n) < np.where(s["age"] >= 65, 0.24 * team, 0.08)
        pdx, pspec = _diagnoses(rng, "prev", s["age"][prev], s["sex"][prev])
        dx[prev], spec[prev] = pdx, pspec
    age = s["age"]
    spec[(age < 15) & np.isin(spec, [T.SPEC[x] for x in ("intern medicin", "kardiologi")])] = (
        T.SPEC["pædiatri"]
    )
    spec[(spec == T.SPEC["intern medicin"]) & (age >= 75) & (rng.random(n) < 0.35)] = T.SPEC[
        "geriatri"
    ]
    if table == "short":
        spec[(age >= 15) & (rng.random(n) < 0.5)] = T.SPEC["akutmedicin"]
    spec[(spec == T.SPEC["psykiatri"]) & (age < 18)] = T.SPEC["børne- og ungdomspsykiatri"]
    h = T.hospitals()
    region = fx.region[s["kidx"]]
    first = np.array([h.somatic[r][0] for r in range(1081, 1086)])[region - 1081]
    n_hosp = np.array([len(h.somatic[r]) for r in range(1081, 1086)])[region - 1081]
    home = np.where(rng.random(n) < 0.8, _hash(s["key"], 2), rng.integers(0, 99, n)) % n_hosp
    hosp = first + home
    if "hosp" in s:  # a readmission mostly returns to the same hospital
        same = rng.random(n) < 0.7
        hosp[same] = s["hosp"][same]
    psych = (spec == T.SPEC["psykiatri"]) | (spec == T.SPEC["børne- og ungdomspsykiatri"])
    hosp[psych] = np.array([h.psych[r] for r in range(1081, 1086)])[region[psych] - 1081]
    hospice = spec == T.SPEC["hospice"]
    hosp[hospice] = np.array([h.hospice[r] for r in range(1081, 1086)])[region[hospice] - 1081]
    dur = _durations(rng, stream, n)
    died_p = np.array(T.DIED_P)[s["band"]] * np.where(dur >= 12 * HOUR, 1.0, 0.1)
    died_p *= {"birth": 0.0, "planned": 0.3, "hospice": 0.0}.get(stream, 1.0)
    died = rng.random(n) < np.where(hospice, T.DIED_HOSPICE, died_p)
    end = s["start"] + dur
    ready_p = np.array(T.READY_P)[s["band"]] * fx.ready[s["kidx"]]
    ready_p *= fx.factor("forloebskoordinator", year, len(fx.ready))[s["kidx"]]
    ready = (
        (rng.random(n) < ready_p)
        & ~died
        & (dur >= 24 * HOUR)
        & (stream not in ("birth", "psych", "hospice"))
    )
    n_ready = int(ready.sum())
    decay = T.READY_DAYS_DECAY ** np.arange(15)
    length = 1 + rng.choice(15, size=n_ready, p=decay / decay.sum())
    ready_day = np.full(n, -1, dtype=np.int64)
    ready_day[ready] = end[ready] // DAY
    ready_len = np.zeros(n, dtype=np.int64)
    ready_len[ready] = length
    end[ready] = (ready_day[ready] + length) * DAY + rng.integers(9 * HOUR, 16 * HOUR, n_ready)
    return s | {
        "end": end,
        "dx": dx.astype(np.int32),
        "spec": spec,
        "hosp": hosp.astype(np.int16),
        "died": died,
        "ready_day": ready_day,
        "ready_len": ready_len,
    }


def concat(parts: list[Stays]) -> Stays:
    keys = parts[0].keys()
    return {k: np.concatenate([p[k] for p in parts]) for k in keys}


def take(s: Stays, idx: Arr) -> Stays:
    return {k: v[idx] for k, v in s.items()}


def draw_base(
    rng: np.random.Generator, year: int, counts: Arr, fx: Effects, dead: Arr
) -> list[Stays]:
    """Stays drawn from the population cells, one batch per stream."""
    out = []
    jan1 = days_of(year)
    n_days = days_of(year + 1) - jan1
    weekday = (jan1 + 3) % 7  # 1970-01-01 was a Thursday (Monday = 0)
    n_muni = counts.shape[0]
    for code, stream in enumerate(T.STREAMS):
        rate = np.array(T.RATES[stream])[None, :, None] / 1000
        rate = rate * np.array(T.SEX_FACTOR[stream])[None, None, :]
        rate = rate * fx.muni[stream][:, None, None]
        rate = rate * (1 + T.TREND.get(stream, 0.0)) ** (year - 2013)
        if stream == "prev":
            team = fx.factor("akutteam", year, n_muni)[:, None, None]
            rate = rate * np.where(np.arange(N_BANDS)[None, :, None] >= 13, team, 1.0)
        n = rng.poisson(counts * rate)
        cells = np.repeat(np.arange(counts.size), n.ravel())
        s = _persons(rng, year, cells, counts, dead)
        m = len(s["key"])
        acute = rng.random(m) < T.ACUTE_SHARE[stream]
        day = rng.choice(n_days, size=m, p=T.day_weights(stream, n_days, int(weekday)))
        s["start"] = (jan1 + day) * DAY + _time_of_day(rng, acute)
        s["acute"] = acute
        s["stream"] = np.full(m, code, dtype=np.int8)
        out.append(_complete(rng, s, stream, fx, year))
    return out


def readmissions(rng: np.random.Generator, batch: Stays, fx: Effects, year: int) -> Stays:
    """Acute follow-up stays of the same persons after their admissions."""
    n_muni = len(fx.ready)
    stream_mult = np.array([T.READMIT_STREAM.get(s, 1.0) for s in T.STREAMS] + [1.0, 0.0])
    visit = fx.factor("opfoelgende_hjemmebesoeg", year, n_muni)[batch["kidx"]]
    p = np.array(T.READMIT_P)[batch["band"]] * stream_mult[batch["stream"]]
    p = p * fx.muni["readmit"][batch["kidx"]] * np.where(batch["age"] >= 65, visit, 1.0)
    p = p * (1 - 0.01) ** (year - 2013)
    eligible = (batch["end"] - batch["start"] >= 12 * HOUR) & ~batch["died"]
    u = rng.random(len(p))
    early = eligible & (u < p)
    late = eligible & (u >= p) & (u < p * (1 + T.LATE_READMIT))
    idx = np.flatnonzero(early | late)
    s = take(batch, idx)
    n = len(idx)
    # 30-day follow-ups: 6 h + exponential (mean 8 days) truncated to the window
    span = 30 * DAY - 6 * HOUR
    mean = 8 * DAY
    gap = 6 * HOUR - mean * np.log1p(-rng.random(n) * (1 - np.exp(-span / mean)))
    is_late = late[idx]
    gap[is_late] = rng.integers(31 * DAY, 90 * DAY, int(is_late.sum()))
    s["start"] = s["end"] + np.rint(gap).astype(np.int64)
    s["acute"] = np.ones(n, dtype=bool)
    s["stream"] = np.full(n, T.READMIT, dtype=np.int8)
    return _complete(rng, s, "readmit", fx, year)


def near_misses(rng: np.random.Generator, stays: Stays, fx: Effects, year: int) -> Stays:
    """Emergency-room visits just over 4 hours after a discharge: separate stays."""
    pick = np.flatnonzero(~stays["died"] & (rng.random(len(stays["key"])) < T.NEAR_MISS_P))
    s = take(stays, pick)
    n = len(pick)
    s["start"] = s["end"] + rng.integers(4 * HOUR + 1, 7 * HOUR, n)
    s["acute"] = np.ones(n, dtype=bool)
    s["stream"] = np.full(n, T.NEAR_MISS, dtype=np.int8)
    del s["hosp"]
    return _complete(rng, s, "near", fx, year)


def drop_after_death(c: Stays, r: Stays) -> tuple[Stays, Stays]:
    """Drop contacts that start after their person died, and their days ready for discharge."""
    died = c["died"]
    if not died.any():
        return c, r
    keys, times = c["key"][died], c["end"][died]
    order = np.lexsort((times, keys))
    keys, times = keys[order], times[order]
    first = np.r_[True, keys[1:] != keys[:-1]]
    keys, times = keys[first], times[first]

    def after(key: Arr, t: Arr) -> Arr:
        i = np.minimum(np.searchsorted(keys, key), len(keys) - 1)
        return (keys[i] == key) & (t > times[i])

    late_ready = after(r["key"], r["ready_day"] * DAY + DAY - 1)
    return take(c, ~after(c["key"], c["start"])), take(r, ~late_ready)


def died_on_the_day(c: Stays) -> Stays:
    """Make ``died`` mean what LPR3 can say: a contact ending on the date its person died.

    LPR3 has no discharge mode for death, so a contact counts as died when it ends on the date
    of death. So that a synthetic series gives the same results in every format, the contacts
    of the fatal stay (contacts less than 4 hours apart, the engine's rule) that end on that
    date are marked died too, contacts of an earlier stay that end on that date are left
    out (a visit the same day before the fatal admission), and a contact marked died that
    ends on another date (an overlapping contact drawn as fatal too, ending after the first
    death) is not marked died: LPR3 would not say so of it (five contacts in the demo's
    10.8 million, found by comparing the demo's LPR3 path with the canonical one)."""
    died = c["died"]
    if not died.any():
        return c
    sub = np.flatnonzero(np.isin(c["key"], np.unique(c["key"][died])))
    order = np.lexsort((c["end"][sub], c["start"][sub], c["key"][sub]))
    idx = sub[order]
    key, start, end = c["key"][idx], c["start"][idx], c["end"][idx]
    first = np.r_[True, key[1:] != key[:-1]]
    group = np.cumsum(first)
    # the latest end so far within the person (the group number keeps persons apart)
    span = int(end.max() - end.min()) + 1
    latest = np.maximum.accumulate(group * span + (end - end.min())) - group * span + end.min()
    before = np.r_[0, latest[:-1]]
    stay = np.cumsum(first | (start - before > 4 * HOUR))
    # per person: the stay and the date of the first death
    dead = np.flatnonzero(died[idx])
    pick = dead[np.lexsort((end[dead], group[dead]))]
    pick = pick[np.r_[True, group[pick][1:] != group[pick][:-1]]]
    fatal_stay = np.zeros(group[-1] + 1, dtype=np.int64)
    death_day = np.full(group[-1] + 1, -1, dtype=np.int64)
    fatal_stay[group[pick]], death_day[group[pick]] = stay[pick], end[pick] // DAY
    on_day = end // DAY == death_day[group]
    in_fatal = stay == fatal_stay[group]
    out = {k: v.copy() for k, v in c.items()}
    out["died"][idx[on_day & in_fatal]] = True
    out["died"][idx[~on_day]] = False
    keep = np.ones(len(c["key"]), dtype=bool)
    keep[idx[on_day & ~in_fatal]] = False
    return take(out, keep)


def contacts(rng: np.random.Generator, s: Stays, region_of: Arr) -> Stays:
    """Split stays into contacts: transfers between hospitals or specialties with gaps of
    0-4 hours or overlaps. Only a stay's first contact keeps its acute flag and diagnosis
    for sure; its last contact carries the death."""
    n = len(s["key"])
    start, end = s["start"], s["end"]
    dur = end - start
    somatic = ~np.isin(s["spec"], [T.SPEC[x] for x in T.NON_SOMATIC])
    u = rng.random(n)
    n_c = np.ones(n, dtype=np.int64)
    n_c[somatic & (dur >= 12 * HOUR) & (u < T.TRANSFER_P[0] + T.TRANSFER_P[1])] = 2
    n_c[somatic & (dur >= 36 * HOUR) & (u < T.TRANSFER_P[1])] = 3

    def ceil_hour(t: Arr) -> Arr:
        return -(-t // HOUR) * HOUR

    def gaps(room: Arr) -> Arr:
        v = rng.random(n)
        g = np.where(v < 0.45, 0, rng.integers(1, 4 * HOUR + 1, n))
        g = np.where((v >= 0.45) & (v < 0.5), 4 * HOUR, g)  # exactly 4 h still joins
        return np.where(v >= 0.8, -np.minimum(rng.integers(1, 121, n), room // 2), g)

    f1 = np.where(n_c == 3, rng.uniform(0.15, 0.4, n), rng.uniform(0.15, 0.5, n))
    t1 = ceil_hour(start + np.rint(f1 * dur).astype(np.int64))
    s2 = t1 + gaps(t1 - start)
    t2 = ceil_hour(s2 + np.rint(rng.uniform(0.2, 0.5, n) * (end - s2)).astype(np.int64))
    s3 = t2 + gaps(t2 - s2)
    row = np.repeat(np.arange(n), n_c)
    j = np.arange(len(row)) - np.repeat(np.cumsum(n_c) - n_c, n_c)
    c = take(s, row)
    last = j == n_c[row] - 1
    c["start"] = np.choose(np.minimum(j, 2), [start[row], s2[row], s3[row]])
    c["end"] = np.where(last, end[row], np.where(j == 0, t1[row], t2[row]))
    later = j > 0
    m = int(later.sum())
    c["acute"] = c["acute"] & (~later | (rng.random(len(row)) < 0.5))
    extra = np.array([T.code_tables().codes.index(x) for x in T.TRANSFER_DX], dtype=np.int32)
    new_dx = later & (rng.random(len(row)) < 0.4)
    c["dx"][new_dx] = extra[rng.integers(0, len(extra), int(new_dx.sum()))]
    specs = np.array(T.TRANSFER_SPECS, dtype=np.int16)
    pos = rng.integers(0, len(specs), m)
    pos = np.where(specs[pos] == c["spec"][later], (pos + 1) % len(specs), pos)
    c["spec"][later] = specs[pos]
    # half of the transfers move to another somatic hospital of the same region
    move = np.flatnonzero(later & (rng.random(len(row)) < 0.5))
    h = T.hospitals()
    region = region_of[c["kidx"][move]] - 1081
    first = np.array([h.somatic[r][0] for r in range(1081, 1086)])[region]
    count = np.array([len(h.somatic[r]) for r in range(1081, 1086)])[region]
    shift = 1 + rng.integers(0, count - 1)
    c["hosp"][move] = first + (c["hosp"][move] - first + shift) % count
    c["died"] = c["died"] & last
    return c


def distinct_ready(r: Stays) -> Stays:
    """The ready-for-discharge periods without exact duplicates (the same person, municipality
    and dates, e.g. two short stays on one day): ingest would reject the second row, so synth
    never writes one."""
    rows = np.stack([r["key"], r["kidx"], r["ready_day"], r["ready_len"]]).T
    _, first = np.unique(rows, axis=0, return_index=True)
    return take(r, np.sort(first))
