"""The canonical registry format: the tables, their columns and types.

A data directory holds one entry per table, as CSV or Parquet, in any of these shapes:
``DIR/contacts.csv``, ``DIR/contacts.parquet`` or a folder ``DIR/contacts/`` with any number of
CSV or Parquet files (hive partitions such as ``year=2014/`` are allowed and ignored).
``naersund synth`` and ``naersund ingest`` write Parquet partitioned by year.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis

from naersund.refdata import AGE_GROUPS as AGE_GROUPS  # reference data, re-exported


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # one of: string, int, date, timestamp, bool
    required: bool = True
    description: str = ""


CONTACTS: tuple[Column, ...] = (
    Column("person_id", "string", description="pseudonymiseret person-id"),
    Column("kommunekode", "int", description="bopælskommune (3-cifret kode)"),
    Column("sex", "string", description="køn: M eller F"),
    Column("birth_date", "date", description="fødselsdato"),
    Column("start", "timestamp", description="kontaktens start (ISO 8601)"),
    Column("end", "timestamp", description="kontaktens slut (ISO 8601)"),
    Column("acute", "bool", description="akut kontakt (true/false)"),
    Column("primary_diagnosis", "string", description="aktionsdiagnose, SKS med D-præfiks"),
    Column("specialty", "string", required=False, description="speciale"),
    Column("hospital", "string", required=False, description="sygehus"),
    Column("died", "bool", required=False, description="død ved udskrivning"),
)

POPULATION: tuple[Column, ...] = (
    Column("year", "int", description="år (befolkning pr. 1. januar)"),
    Column("kommunekode", "int", description="kommunekode"),
    Column("age_group", "string", description="5-års aldersgruppe 0-4 … 80-84, 85+"),
    Column("sex", "string", description="køn: M eller F"),
    Column("count", "int", description="antal personer"),
)

# An exact integer key per person that ``naersund synth`` and ``naersund ingest`` add to the
# contacts they write (not an input column: ingest ignores one in its input and numbers the
# persons itself). Every contacts file carries the Parquet key-value metadata
# ``PERSON_KEY_METADATA``, naming the run that numbered them; the engine sorts on the key
# instead of the text ``person_id`` only when every contacts file names the same run, so keys
# numbered by two different runs are never mixed.
PERSON_KEY = "person_key"
PERSON_KEY_METADATA = "naersund.person_key"

# Footer metadata of a contacts file: "true" when every start and end in it is a whole second,
# "false" when one is not. ``naersund ingest`` (every format) and ``naersund synth`` write it;
# compute trusts it when every contacts file says "true" and otherwise scans the times
# (``engine.inputs.choose_time_unit``): a file made by hand has no such key.
WHOLE_SECONDS_METADATA = "naersund.whole_seconds"

READY_FOR_DISCHARGE: tuple[Column, ...] = (
    Column("person_id", "string", description="pseudonymiseret person-id"),
    Column("kommunekode", "int", description="bopælskommune"),
    Column("ready_date", "date", description="dato for færdigbehandling"),
    Column("discharge_date", "date", description="udskrivningsdato"),
)

TABLES: dict[str, tuple[Column, ...]] = {
    "contacts": CONTACTS,
    "population": POPULATION,
    "ready_for_discharge": READY_FOR_DISCHARGE,
}

# Tables a data directory must hold; population falls back to the shipped reference data.
REQUIRED_TABLES = ("contacts",)


def age_group_of(age: int) -> str:
    """The 5-year band of an age in whole years (85 and over -> ``85+``)."""
    if age >= 85:
        return "85+"
    lo = (age // 5) * 5
    return f"{lo}-{lo + 4}"


def age_group_lower(group: str) -> int:
    """Lower bound of a band: ``"65-69"`` -> 65, ``"85+"`` -> 85."""
    return int(group.rstrip("+").split("-")[0])


IBIS_TYPES = {
    "string": "string",
    "int": "int64",
    "date": "date",
    "timestamp": "timestamp",
    "bool": "boolean",
}


def ibis_schema(table: str) -> ibis.Schema:
    """The Ibis schema of a canonical table (every column, optional ones included)."""
    return ibis.schema({c.name: IBIS_TYPES[c.dtype] for c in TABLES[table]})
