"""Writing the synthetic registry: canonical Parquet or an LPR2-style CSV extract."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from naersund.registry.schema import PERSON_KEY, PERSON_KEY_METADATA, WHOLE_SECONDS_METADATA
from naersund.registry.synth import _tables as T
from naersund.registry.synth._model import DAY, HOUR, Arr, Stays, decode_key, person_id_number
from naersund.registry.synth._outpatient import OUTPATIENT_STREAMS
from naersund.registry.xport_write import write_table

METADATA = {"naersund.synthetic": "true", "naersund.marker": T.MARKER}
# person_key is the number in the person id (SYN + 11 digits): the same person gets the same key
# in every run, so every synthetic registry is one numbering.
# Every time is a whole minute (see _timestamps), so compute need not scan for fractions.
CONTACTS_METADATA = {
    **METADATA,
    PERSON_KEY_METADATA: "synth:person_id_number",
    WHOLE_SECONDS_METADATA: "true",
}
# dates are Arrow dates (DATE9. by default), times Arrow times: the formats SAS users see
SAS_FORMATS = {"TIDSPUNKT_START": "TIME8.", "TIDSPUNKT_SLUT": "TIME8."}
_CSV = pacsv.WriteOptions(include_header=True, quoting_style="none")


def person_ids(key: Arr) -> pa.Array:
    """``SYN`` followed by 11 digits, built straight into an Arrow buffer."""
    num = person_id_number(key)
    n = len(num)
    width = 14
    buf = np.empty((n, width), dtype=np.uint8)
    buf[:, :3] = np.frombuffer(b"SYN", dtype=np.uint8)
    for p in range(11):
        buf[:, 3 + p] = (num // 10 ** (10 - p)) % 10 + 48
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(buf.tobytes()))


def _lookup(names: tuple[str, ...] | list[str], idx: Arr) -> pa.Array:
    return pc.take(pa.array(list(names), pa.string()), pa.array(idx.astype(np.int32)))


def _timestamps(minutes: Arr) -> pa.Array:
    return pa.array((minutes * 60_000_000).astype("datetime64[us]"))


def _dates(days: Arr) -> pa.Array:
    return pa.array(days.astype("datetime64[D]"))


def _sorted(c: Stays) -> Stays:
    order = np.argsort(c["start"], kind="stable")
    return {k: v[order] for k, v in c.items()}


def contacts_table(c: Stays, kommunekoder: Arr) -> pa.Table:
    """Contacts in the canonical schema (``registry.schema.CONTACTS``)."""
    _, _, birth = decode_key(c["key"])
    return pa.table(
        {
            "person_id": person_ids(c["key"]),
            "kommunekode": pa.array(kommunekoder[c["kidx"]].astype(np.int64)),
            "sex": _lookup(("M", "F"), c["sex"]),
            "birth_date": _dates(birth),
            "start": _timestamps(c["start"]),
            "end": _timestamps(c["end"]),
            "acute": pa.array(c["acute"].astype(bool)),
            "primary_diagnosis": _lookup(T.code_tables().codes, c["dx"]),
            "specialty": _lookup(T.SPECIALTIES, c["spec"]),
            "hospital": _lookup(T.hospitals().names, c["hosp"]),
            "died": pa.array(c["died"].astype(bool)),
            PERSON_KEY: pa.array(person_id_number(c["key"]).astype(np.int64)),
        }
    )


def ready_table(r: Stays, kommunekoder: Arr) -> pa.Table:
    order = np.lexsort((r["key"], r["ready_day"]))
    return pa.table(
        {
            "person_id": person_ids(r["key"][order]),
            "kommunekode": pa.array(kommunekoder[r["kidx"][order]].astype(np.int64)),
            "ready_date": _dates(r["ready_day"][order]),
            "discharge_date": _dates(r["ready_day"][order] + r["ready_len"][order]),
        }
    )


def population_table(pop: pd.DataFrame) -> pa.Table:
    schema = pa.schema(
        [
            ("year", pa.int64()),
            ("kommunekode", pa.int64()),
            ("age_group", pa.string()),
            ("sex", pa.string()),
            ("count", pa.int64()),
            ("estimated", pa.bool_()),
        ]
    )
    data = pop.sort_values(["year", "kommunekode", "age_group", "sex"])
    return pa.table({f.name: pa.array(data[f.name].tolist(), f.type) for f in schema}, schema)


def _parquet(table: pa.Table, path: Path, metadata: dict[str, str] = METADATA) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table.replace_schema_metadata(metadata), path, compression="zstd")


def _age(birth: Arr, day: Arr) -> Arr:
    b, d = birth.astype("datetime64[D]"), day.astype("datetime64[D]")
    by, dy = b.astype("datetime64[Y]"), d.astype("datetime64[Y]")
    years = dy.astype(np.int64) - by.astype(np.int64)
    return years - ((d - dy).astype(np.int64) < (b - by).astype(np.int64))


class CanonicalWriter:
    """``contacts/year=YYYY/part-0.parquet``, ``ready_for_discharge/...``, ``population/``."""

    def __init__(self, root: Path, kommunekoder: Arr, seed: int) -> None:
        self.root, self.codes = root, kommunekoder

    def year(self, year: int, c: Stays, r: Stays) -> None:
        part = f"year={year}/part-0.parquet"
        _parquet(
            contacts_table(_sorted(c), self.codes), self.root / "contacts" / part, CONTACTS_METADATA
        )
        _parquet(ready_table(r, self.codes), self.root / "ready_for_discharge" / part)

    def finish(self, pop: pd.DataFrame, persons: Arr) -> None:
        _parquet(population_table(pop), self.root / "population" / "population.parquet")


class Lpr2Writer:
    """``LPR_ADM.csv``, ``LPR_DIAG.csv``, ``CPR_PERSON.csv`` plus canonical
    ``ready_for_discharge.csv`` and ``population.csv``. Contact ends are rounded down to the
    hour (LPR2 has no discharge minute); everything else equals the canonical output."""

    def __init__(self, root: Path, kommunekoder: Arr, seed: int) -> None:
        self.root, self.codes, self.seed = root, kommunekoder, seed
        self.recnum = 0
        self.writers: dict[str, pacsv.CSVWriter] = {}

    def _write(self, name: str, table: pa.Table) -> None:
        if name not in self.writers:
            self.writers[name] = pacsv.CSVWriter(self.root / name, table.schema, write_options=_CSV)
        self.writers[name].write_table(table)

    def year(self, year: int, c: Stays, r: Stays) -> None:
        c = _sorted(c)
        n = len(c["key"])
        recnum = np.arange(self.recnum + 1, self.recnum + n + 1, dtype=np.int64)
        self.recnum += n
        _, _, birth = decode_key(c["key"])
        start, end = c["start"], c["end"] - c["end"] % HOUR
        dx = _lookup(T.code_tables().codes, c["dx"])
        er = c["acute"] & (c["end"] - start < 12 * HOUR)
        # planned outpatient attendances: one C_PATTYPE 2 row each (ingest keeps them only
        # with Lpr2Options.include_outpatient, as for a real extract)
        outpatient = np.isin(c["stream"], OUTPATIENT_STREAMS) & ~c["acute"]
        adm: dict[str, Any] = {
            "PNR": person_ids(c["key"]),
            "RECNUM": recnum,
            "C_KOM": pc.utf8_lpad(pa.array(self.codes[c["kidx"]].astype(str)), 4, "0"),
            "D_INDDTO": _dates(start // DAY),
            "V_INDTIME": (start % DAY) // HOUR,
            "V_INDMINUT": start % HOUR,
            "D_UDDTO": _dates(end // DAY),
            "V_UDTIME": (end % DAY) // HOUR,
            "C_PATTYPE": np.where(outpatient, 2, np.where(er, 3, 0)),
            "C_INDM": np.where(c["acute"], 1, 2),
            "C_ADIAG": dx,
            "C_SGH": _lookup(T.hospitals().names, c["hosp"]),
            "C_AFD": _lookup([f"{i + 1:03d}" for i in range(len(T.SPECIALTIES))], c["spec"]),
            "C_SPEC": _lookup(T.SPECIALTIES, c["spec"]),
            "V_ALDER": _age(birth, start // DAY),
            "C_UDM": _lookup(("1", "8"), c["died"].astype(np.int64)),
        }
        self._write("LPR_ADM.csv", pa.table(adm))
        # A few secondary diagnoses; their own random stream keeps the contacts identical
        rng = np.random.default_rng([self.seed, year, 99])
        b = np.flatnonzero(rng.random(n) < 0.15)
        sec = np.array([T.code_tables().codes.index(x) for x in T.SECONDARY])
        recs = np.concatenate([recnum, recnum[b]])
        diag = pa.concat_arrays(
            [dx, _lookup(T.code_tables().codes, sec[rng.integers(0, 8, len(b))])]
        )
        kind = np.concatenate([np.zeros(n, np.int64), np.ones(len(b), np.int64)])
        order = np.argsort(recs, kind="stable")
        self._write(
            "LPR_DIAG.csv",
            pa.table(
                {
                    "RECNUM": recs[order],
                    "C_DIAG": diag.take(pa.array(order)),
                    "C_DIAGTYPE": _lookup(("A", "B"), kind[order]),
                }
            ),
        )
        self._write("ready_for_discharge.csv", ready_table(r, self.codes))

    def finish(self, pop: pd.DataFrame, persons: Arr) -> None:
        _, sex, birth = decode_key(persons)
        people = {"PNR": person_ids(persons), "C_KON": _lookup(("M", "K"), sex)}
        self._write("CPR_PERSON.csv", pa.table(people | {"D_FODDATO": _dates(birth)}))
        self._write("population.csv", population_table(pop))
        for w in self.writers.values():
            w.close()


class Lpr3Writer:
    """An LPR3-style extract: ``kontakter``, ``diagnoser`` and ``CPR_PERSON`` as CSV
    (``kontakter.csv`` with semicolons, as Danish Excel writes it) or, with ``sas``, as SAS
    transport files (v8: LPR3's column names are longer than v5 allows; written by
    :mod:`naersund.registry.xport_write`, dates and times as SAS numbers with formats) in one
    folder per table with a file per year; plus canonical ``ready_for_discharge.csv`` and ``population.csv``.

    The contacts equal the canonical output (LPR3 has minutes, so nothing is rounded). To
    exercise the adapter, some contacts leave ``AKTIONSDIAGNOSE`` empty (it is then in
    ``diagnoser``), ``diagnoser`` holds B-diagnoses and disproven A-diagnoses
    (``SENERE_AFKRAEFTET`` ``Ja``), and ``kontakter`` holds extra rows of other contact types
    (``ALCA10``, ``ALCA20``) that are not contacts. LPR3 has no discharge mode for death: a
    person's ``D_DODDATO`` is the end date of the contact the person died in."""

    def __init__(self, root: Path, kommunekoder: Arr, seed: int, sas: bool = False) -> None:
        self.root, self.codes, self.seed, self.sas = root, kommunekoder, seed, sas
        self.contact_id = 0
        self.writers: dict[str, pacsv.CSVWriter] = {}
        self.death_key: list[Arr] = []
        self.death_day: list[Arr] = []

    def _write(self, name: str, table: pa.Table, delimiter: str = ",") -> None:
        if name not in self.writers:
            options = pacsv.WriteOptions(
                include_header=True, quoting_style="needed", delimiter=delimiter
            )
            self.writers[name] = pacsv.CSVWriter(
                self.root / name, table.schema, write_options=options
            )
        self.writers[name].write_table(table)

    def _table(self, name: str, table: pa.Table, part: str, delimiter: str = ",") -> None:
        if self.sas:
            path = self.root / name / f"{name}_{part}.xpt"
            write_table(table, path, name.upper(), formats=SAS_FORMATS)
        else:
            self._write(f"{name}.csv", table, delimiter)

    def year(self, year: int, c: Stays, r: Stays) -> None:
        c = _sorted(c)
        n = len(c["key"])
        ids = np.arange(self.contact_id + 1, self.contact_id + n + 1, dtype=np.int64)
        self.contact_id += n
        start, end = c["start"], c["end"]
        dx = _lookup(T.code_tables().codes, c["dx"])
        # own random stream: the contacts themselves stay identical to the canonical output
        rng = np.random.default_rng([self.seed, year, 103])
        blank = rng.random(n) < 0.1
        # SAS: times as numbers with a SAS time format; CSV: as text
        clock = _seconds_of_day if self.sas else _clock
        kontakter: dict[str, Any] = {
            "PNR": person_ids(c["key"]),
            "DW_EK_KONTAKT": pa.array(ids.astype(str)),
            "KOMMUNEKODE": pc.utf8_lpad(pa.array(self.codes[c["kidx"]].astype(str)), 4, "0"),
            "DATO_START": _dates(start // DAY),
            "TIDSPUNKT_START": clock(start),
            "DATO_SLUT": _dates(end // DAY),
            "TIDSPUNKT_SLUT": clock(end),
            "PRIORITET": _lookup(("ATA3", "ATA1"), c["acute"].astype(np.int64)),
            "KONTAKTTYPE": pa.array(np.full(n, "ALCA00")),
            "AKTIONSDIAGNOSE": pc.if_else(pa.array(blank), pa.scalar(None, pa.string()), dx),
            "HOVEDSPECIALE_ANS": _lookup(T.SPECIALTIES, c["spec"]),
            "SORENHED_ANS": _lookup(T.hospitals().names, c["hosp"]),
        }
        table = pa.table(kontakter)
        # other contact types (virtual, out-of-hospital): copies that ingest must leave out
        other = np.flatnonzero(rng.random(n) < 0.04)
        extra = table.take(pa.array(other)).set_column(
            8, "KONTAKTTYPE", _lookup(("ALCA10", "ALCA20"), rng.integers(0, 2, len(other)))
        )
        extra_ids = pa.array((np.arange(len(other)) + self.contact_id + 1).astype(str))
        self.contact_id += len(other)
        extra = extra.set_column(1, "DW_EK_KONTAKT", extra_ids)
        self._table("kontakter", pa.concat_tables([table, extra]), str(year), ";")
        # diagnoser: every A-diagnosis, some B-diagnoses and some disproven A-diagnoses
        codes = T.code_tables().codes
        sec = np.array([codes.index(x) for x in T.SECONDARY])
        b = np.flatnonzero(rng.random(n) < 0.15)
        wrong = np.flatnonzero(rng.random(n) < 0.03)
        rec = np.concatenate([ids, ids[b], ids[wrong]])
        diag = pa.concat_arrays(
            [
                dx,
                _lookup(codes, sec[rng.integers(0, len(sec), len(b))]),
                _lookup(codes, sec[rng.integers(0, len(sec), len(wrong))]),
            ]
        )
        kind = np.concatenate(
            [np.zeros(n, np.int64), np.ones(len(b), np.int64), np.zeros(len(wrong), np.int64)]
        )
        disproven = np.concatenate([np.zeros(n + len(b), np.int64), np.ones(len(wrong), np.int64)])
        order = np.argsort(rec, kind="stable")
        diagnoser = {
            "DW_EK_KONTAKT": pa.array(rec[order].astype(str)),
            "DIAGNOSEKODE": diag.take(pa.array(order)),
            "DIAGNOSETYPE": _lookup(("A", "B"), kind[order]),
            "SENERE_AFKRAEFTET": _lookup(("Nej", "Ja"), disproven[order]),
        }
        self._table("diagnoser", pa.table(diagnoser), str(year))
        died = c["died"].astype(bool)
        self.death_key.append(c["key"][died])
        self.death_day.append(end[died] // DAY)
        self._write("ready_for_discharge.csv", ready_table(r, self.codes))

    def finish(self, pop: pd.DataFrame, persons: Arr) -> None:
        _, sex, birth = decode_key(persons)
        keys, days = np.concatenate(self.death_key), np.concatenate(self.death_day)
        order = np.lexsort((days, keys))
        keys, days = keys[order], days[order]
        first = np.r_[True, keys[1:] != keys[:-1]] if len(keys) else np.zeros(0, bool)
        keys, days = keys[first], days[first]
        at = np.minimum(np.searchsorted(keys, persons), max(len(keys) - 1, 0))
        dead = (keys[at] == persons) if len(keys) else np.zeros(len(persons), bool)
        death = pa.array(
            np.where(dead, days[at] if len(keys) else 0, 0).astype("datetime64[D]"),
            mask=~dead,
        )
        people = {
            "PNR": person_ids(persons),
            "C_KON": _lookup(("M", "K"), sex),
            "D_FODDATO": _dates(birth),
            "D_DODDATO": death,
        }
        self._table("CPR_PERSON", pa.table(people), "alle")
        self._write("population.csv", population_table(pop))
        for w in self.writers.values():
            w.close()


def _clock(minutes: Arr) -> pa.Array:
    """Minutes since 1970 as the time of day ``HH:MM:00``."""
    return pc.strftime(_timestamps(minutes), format="%H:%M:00")


def _seconds_of_day(minutes: Arr) -> pa.Array:
    """Minutes since 1970 as the time of day (a SAS time: seconds since midnight)."""
    return pa.array(((minutes % DAY) * 60).astype(np.int32), pa.time32("s"))
