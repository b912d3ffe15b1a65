"""A valid contacts row as text, shared by the validation and ingest tests."""

from __future__ import annotations

from naersund.registry.schema import TABLES

COLUMNS = [c.name for c in TABLES["contacts"]]
GOOD = {
    "person_id": "p1", "kommunekode": "101", "sex": "M", "birth_date": "1940-01-01",
    "start": "2014-03-01T08:30:00", "end": "2014-03-02 10:00", "acute": "true",
    "primary_diagnosis": "DJ189", "specialty": "medicin", "hospital": "Rigshospitalet",
    "died": "false",
}  # fmt: skip
