"""An imported distribution key for the ØA lift: which share of the lift each municipality is
expected to take, instead of its share of the population (the default).

The file is a CSV (semicolon or comma, UTF-8 or Windows-1252) with a header ``kommunekode;andel``
and one row per municipality, all 98; ``andel`` is a share (``0,0123``) or a percentage
(``1,23``) of the whole: the shares must add up to 1 (or 100) within rounding.
"""

from __future__ import annotations

import csv
import io

import pandas as pd

from naersund.economy.statbank import decode_text
from naersund.errors import InputError
from naersund.refdata import municipalities

COLUMNS = ("kommunekode", "andel")


def read_key(data: bytes, name: str) -> pd.DataFrame:
    """``kommunekode, share`` (shares adding up to 1). Raises :class:`InputError` naming file,
    row and field."""
    text = decode_text(data, name)
    if not text.strip():
        raise InputError(f"{name}: filen er tom")
    delimiter = ";" if ";" in text.splitlines()[0] else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header = [c.strip().lower() for c in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputError(
            f"{name}, række 1: kolonnen {', '.join(missing)} mangler; forventede kommunekode;andel"
        )
    at = {c: header.index(c) for c in COLUMNS}
    codes = {int(k) for k in municipalities()["kommunekode"]}
    shares: dict[int, float] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(v.strip() for v in row):
            continue
        if len(row) != len(header):
            raise InputError(
                f"{name}, række {number}: {len(row)} felter, men overskriften har {len(header)}"
            )
        code_text, share_text = row[at["kommunekode"]].strip(), row[at["andel"]].strip()
        if not (code_text.isdigit() and int(code_text) in codes):
            raise InputError(
                f"{name}, række {number}, felt 'kommunekode': '{code_text}' er ikke en af de 98 "
                "kommunekoder"
            )
        try:
            share = float(share_text.replace(",", "."))
        except ValueError:
            share = -1.0
        if not share >= 0:
            raise InputError(
                f"{name}, række {number}, felt 'andel': '{share_text}' er ikke en andel (fx 0,0123)"
            )
        if int(code_text) in shares:
            raise InputError(f"{name}, række {number}: kommune {code_text} står der to gange")
        shares[int(code_text)] = share
    missing_codes = sorted(codes - set(shares))
    if missing_codes:
        shown = ", ".join(str(k) for k in missing_codes[:5]) + (
            " …" if len(missing_codes) > 5 else ""
        )
        raise InputError(f"{name}: {len(missing_codes)} kommuner mangler ({shown})")
    total = sum(shares.values())
    scale = 1.0 if abs(total - 1) <= 0.001 else 100.0 if abs(total - 100) <= 0.1 else 0.0
    if not scale:
        raise InputError(
            f"{name}: andelene giver {f'{total:.4f}'.replace('.', ',')} tilsammen; de skal give 1 "
            "(eller 100 i procent)"
        )
    return pd.DataFrame(
        {"kommunekode": list(shares), "share": [v / scale for v in shares.values()]}
    )
