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

from naersund.registry.schema import PERSON_KEY, PERSON_KEY_METADATA
from naersund.registry.synth import _tables as T
from naersund.registry.synth._model import DAY, HOUR, Arr, Stays, decode_key, person_id_number

METADATA = {"naersund.synthetic": "true", "naersund.marker": T.MARKER}
# person_key is the number in the person id (SYN + 11 digits): the same person gets the same key
# in every run, so every synthetic registry is one numbering.
CONTACTS_METADATA = {**METADATA, PERSON_KEY_METADATA: "synth:person_id_number"}
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
        adm: dict[str, Any] = {
            "PNR": person_ids(c["key"]),
            "RECNUM": recnum,
            "C_KOM": pc.utf8_lpad(pa.array(self.codes[c["kidx"]].astype(str)), 4, "0"),
            "D_INDDTO": _dates(start // DAY),
            "V_INDTIME": (start % DAY) // HOUR,
            "V_INDMINUT": start % HOUR,
            "D_UDDTO": _dates(end // DAY),
            "V_UDTIME": (end % DAY) // HOUR,
            "C_PATTYPE": np.where(er, 3, 0),
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
