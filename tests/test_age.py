"""Age at a contact: the engine's arithmetic short cut against the calendar.

The engine takes a person's age from the days since birth divided by the mean Gregorian year,
and falls back to the calendar (years, months and days of both dates) near a birthday. That is
exact only if every n-th birthday falls within ``BIRTHDAY_MARGIN_DAYS`` of ``n`` mean years
after the birth: the first test checks that day by day, the second the engine's ages.
"""

from __future__ import annotations

import datetime as dt

import ibis
import numpy as np
import pandas as pd

from naersund.engine import stays


def calendar_age(birth: dt.date, at: dt.date) -> int:
    """Whole years; born 29 February, a year older on 1 March in other years."""
    return at.year - birth.year - ((at.month, at.day) < (birth.month, birth.day))


def test_every_birthday_falls_near_the_mean_year() -> None:
    births = pd.date_range("1850-01-01", "2060-12-31", freq="D")
    birth_days = births.to_numpy().astype("datetime64[D]").astype(np.int64)
    month, day, year = births.month.to_numpy(), births.day.to_numpy(), births.year.to_numpy()
    worst = 0.0
    for n in range(1, 151):
        y = year + n
        leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
        moved = (month == 2) & (day == 29) & ~leap  # the birthday is 1 March that year
        birthday = pd.to_datetime(
            pd.DataFrame(
                {"year": y, "month": np.where(moved, 3, month), "day": np.where(moved, 1, day)}
            )
        )
        offset = birthday.to_numpy().astype("datetime64[D]").astype(np.int64) - birth_days
        worst = max(worst, float(np.abs(offset - n * stays.GREGORIAN_400 / 400).max()))
    assert worst < stays.BIRTHDAY_MARGIN_DAYS - 1, worst


def test_the_engine_age_equals_the_calendar() -> None:
    rng = np.random.default_rng(5)
    births = [
        dt.date(1904, 2, 29),
        dt.date(2000, 2, 29),
        dt.date(1900, 3, 1),
        dt.date(1999, 12, 31),
    ]
    births += [
        dt.date(1890, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 48_000, 300)
    ]
    rows = []
    for birth in births:
        for years in (0, 1, 4, 64, 65, 66, 99, 100, 120):
            try:
                anniversary = birth.replace(year=birth.year + years)
            except ValueError:  # 29 February in a year without one
                anniversary = dt.date(birth.year + years, 3, 1)
            for shift in range(-4, 5):
                at = anniversary + dt.timedelta(days=shift)
                if at >= birth:
                    rows.append((birth, at))
        for d in rng.integers(0, 45_000, 20):
            rows.append((birth, birth + dt.timedelta(days=int(d))))
    frame = pd.DataFrame(rows, columns=["birth", "at"])
    frame["at"] = pd.to_datetime(frame["at"]) + pd.to_timedelta(
        rng.integers(0, 86_400, len(frame)), "s"
    )
    t = ibis.memtable(frame, schema={"birth": "date", "at": "timestamp"})
    got = ibis.duckdb.connect().execute(t.select(age=stays._age(t.birth, t.at)))["age"].tolist()
    expected = [calendar_age(b, a.date()) for b, a in zip(frame["birth"], frame["at"], strict=True)]
    assert got == expected
