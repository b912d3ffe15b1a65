"""The release download table, kept per release in this process (the release page's files and
the API's pages read it)."""

from __future__ import annotations

import threading

import pandas as pd

from naersund.analysis import release_export as export
from naersund.analysis.published import PublishedResults
from naersund.web.dashboard import context as ctx
from naersund.web.dashboard import releases
from naersund.web.dashboard.models import Release

_tables: dict[tuple[int, object], pd.DataFrame] = {}
_lock = threading.Lock()


def release_table(pub: PublishedResults) -> pd.DataFrame:
    """The release's download table (:func:`release_export.release_table`), made once per
    release in this process (releases never change; the API pages through it); the last
    few releases asked for are kept."""
    key = (pub.release_id, pub.created_at)
    found = _tables.get(key)
    if found is None:
        found = export.release_table(pub, {k: i.name_da for k, i in ctx.infos().items()})
        with _lock:
            while len(_tables) >= 3:
                _tables.pop(next(iter(_tables)))
            _tables[key] = found
    return found


def release_table_of(release: Release) -> pd.DataFrame:
    return release_table(releases.results_of(release))
