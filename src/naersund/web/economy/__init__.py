"""Budgets and accounts (BUDK32, REGK31) in the app database, the page "Økonomi" and the upload
for national administrators. The library (:mod:`naersund.economy`) reads and computes; this app
stores (:mod:`.services`, the only writer) and presents (:mod:`.reader`, :mod:`.page`)."""

from __future__ import annotations
