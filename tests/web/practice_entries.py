"""Good-practice entries made through the practice app's services, as the tests of its pages,
booklet and API need them (a module of its own, so that test modules need not import each
other)."""

from __future__ import annotations

from naersund.web.practice import services
from naersund.web.practice.models import Entry


def make_entry(title: str, kommune: int, publish: bool, **fields: object) -> Entry:
    """An entry of ``kommune`` saved as a draft and, with ``publish``, submitted and published;
    target group "akut" and a short text unless ``fields`` say otherwise."""
    values: dict[str, object] = {"target_group": "akut", "what": "Tekst om indsatsen."} | fields
    entry = Entry(title=title, kommunekode=kommune, **values)
    services.save_draft(entry, None)
    if publish:
        entry = services.publish(services.submit(entry, None), None)
    return entry
