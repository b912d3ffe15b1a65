"""The only writer of the economy tables: imports of BUDK32/REGK31 files and of a distribution
key, each read whole by the library first and then stored in one transaction (all or nothing).
Called by the upload page, ``naersund economy import`` and the demo."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from naersund.economy.key import read_key
from naersund.economy.statbank import TABLE_NAMES, read_statbank_accounts
from naersund.web.economy.models import DistributionKey, EconomyAmount, EconomyImport


@dataclass(frozen=True)
class ImportResult:
    source: EconomyImport
    skipped: dict[str, int]

    def lines(self) -> list[str]:
        """What was imported, in Danish (for the CLI and the page's message)."""
        s = self.source
        years = (
            f"{s.first_year}-{s.last_year}" if s.first_year != s.last_year else str(s.first_year)
        )
        out = [
            f"{s.file_name}: {TABLE_NAMES[s.table]} {years} indlæst, {s.n_rows} beløb for 98 "
            f"kommuner{' (SYNTETISKE DATA)' if s.synthetic else ''}."
        ]
        left = {k: v for k, v in self.skipped.items() if v}
        if left:
            out.append(
                "Udeladt: " + ", ".join(f"{v} rækker med {k}" for k, v in sorted(left.items()))
            )
        return out


def import_accounts(
    data: bytes,
    file_name: str,
    user: Any = None,
    table: str | None = None,
    synthetic: bool = False,
) -> ImportResult:
    """Read and store a BUDK32/REGK31 export. For each year the newest import holding it is
    used. Raises :class:`naersund.errors.InputError` and stores nothing on any error."""
    accounts = read_statbank_accounts(data, file_name, table)
    rows = accounts.rows
    with transaction.atomic():
        source = EconomyImport.objects.create(
            table=accounts.table,
            file_name=file_name[:255],
            first_year=min(accounts.years),
            last_year=max(accounts.years),
            synthetic=synthetic,
            n_rows=len(rows),
            imported_by=user if getattr(user, "is_authenticated", False) else None,
        )
        EconomyAmount.objects.bulk_create(
            [
                EconomyAmount(
                    source=source,
                    year=year,
                    kommunekode=kommune,
                    function=function,
                    function_name=name[:200],
                    amount=None if math.isnan(amount) else amount,
                )
                for year, kommune, function, name, amount in zip(
                    rows["year"].astype(int).tolist(),
                    rows["kommunekode"].astype(int).tolist(),
                    rows["function"].astype(str).tolist(),
                    rows["function_name"].astype(str).tolist(),
                    rows["amount"].astype(float).tolist(),
                    strict=True,
                )
            ],
            batch_size=2000,
        )
    return ImportResult(source, accounts.skipped)


def import_key(data: bytes, file_name: str, user: Any = None) -> DistributionKey:
    """Read and store a distribution key (``kommunekode;andel``); it replaces the previous one
    as the key in use. Raises :class:`naersund.errors.InputError`, storing nothing."""
    key = read_key(data, file_name)
    shares = {str(int(k)): float(v) for k, v in zip(key["kommunekode"], key["share"], strict=True)}
    return DistributionKey.objects.create(
        file_name=file_name[:255],
        shares=shares,
        imported_by=user if getattr(user, "is_authenticated", False) else None,
    )
