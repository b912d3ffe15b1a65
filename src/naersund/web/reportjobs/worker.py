"""The one worker that makes report packs ordered on the web.

A small database-polling thread, started with the server (``naersund serve``; ``--dev`` too)
or on its own (``naersund web run_report_worker``, for a server run some other way). Why not a
task queue: the jobs are few (a KKR's meeting, a director's pack), the job table is the
queue, and a thread needs no broker and nothing new to run or monitor, on SQLite (the default)
as on PostgreSQL; the claim is one conditional UPDATE, safe with two workers (see
:mod:`.services`). The web wakes the thread when it queues a job; otherwise it looks every
:data:`POLL_SECONDS`. PDF rendering runs in the server's process: with two cores and a handful
of jobs an hour that is acceptable; a deployment that wants it elsewhere runs the command.
"""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections, connections

from naersund.web.effectsdata import store_pending as store_pending_effects
from naersund.web.reportjobs import services

log = logging.getLogger(__name__)

POLL_SECONDS = 5.0


class ReportWorker(threading.Thread):
    def __init__(self, poll_seconds: float = POLL_SECONDS) -> None:
        super().__init__(name="naersund-report-worker", daemon=True)
        self.poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._stopping = threading.Event()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float | None = None) -> None:
        self._stopping.set()
        self._wake.set()
        self.join(timeout)

    def run(self) -> None:
        try:
            services.ensure_reports_dir()
            services.fail_stale()
            services.delete_old()
            while not self._stopping.is_set():
                self._wake.clear()
                try:
                    close_old_connections()  # as Django does around a request
                    services.fail_stale()
                    services.run_pending()
                    store_pending_effects()  # a round closed: its estimates, before a reader
                except Exception:  # the database away for a moment: try again later
                    log.exception("rapportarbejderen fejlede; prøver igen")
                    close_old_connections()
                self._wake.wait(self.poll_seconds)
        finally:
            connections.close_all()  # this thread's connection


_worker: ReportWorker | None = None
_lock = threading.Lock()


def start_worker(poll_seconds: float = POLL_SECONDS) -> ReportWorker:
    """Start this process's worker (once; later calls return the running one)."""
    global _worker
    with _lock:
        if _worker is None or not _worker.is_alive():
            _worker = ReportWorker(poll_seconds)
            _worker.start()
        return _worker


def stop_worker(timeout: float | None = 10.0) -> None:
    global _worker
    with _lock:
        if _worker is not None:
            _worker.stop(timeout)
            _worker = None


def wake_worker() -> None:
    """Tell this process's worker that a job is waiting (no-op without one: the worker of
    another process finds it at its next look)."""
    if _worker is not None:
        _worker.wake()
