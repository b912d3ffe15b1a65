"""God praksis's rows of the role × URL matrix (see ``test_web_access.MATRIX``): a published
entry is for every logged-in user; a draft of Albertslund (KKR Hovedstaden) only for its
editor, the secretariats whose area holds it (its KKR's, and since issue 14 its sundhedsråd's,
who read its answers too) and national administrators, and a 404 for everyone else (its
existence is not told). ``test_practice`` asserts that its content is absent for them."""

from __future__ import annotations

from collections.abc import Callable

from web_personas import ALBERTSLUND, EVERYONE

from naersund.web.practice import services
from naersund.web.practice.models import Entry

LOGGED_IN = {"anonymous": 302} | {p: 200 for p in EVERYONE[1:]}
DRAFT_READERS = ("admin", "kkr_hovedstaden", "albertslund", "sr_amager_vestegnen")
DRAFT = {"anonymous": 302} | {p: 200 if p in DRAFT_READERS else 404 for p in EVERYONE[1:]}
EDITORS = {"anonymous": 302} | {
    p: 200 if p in ("admin", "albertslund") else 404 if p not in DRAFT_READERS else 403
    for p in EVERYONE[1:]
}
DRAFTERS = {"anonymous": 302} | {
    p: 200 if p in ("admin", "albertslund", "aalborg") else 403 for p in EVERYONE[1:]
}
P = "god-praksis/"


def _entry(published: bool) -> Entry:
    entry = Entry(title="Matrixindslag", kommunekode=ALBERTSLUND, target_group="akut", what="Tekst")
    services.save_draft(entry, None)
    if published:
        services.publish(services.submit(entry, None), None)
    return entry


def _url(published: bool, suffix: str = "") -> Callable[[], str]:
    return lambda: f"/god-praksis/{_entry(published).pk}/{suffix}"


PRACTICE_MATRIX: list[tuple[str, str | Callable[[], str], dict[str, int]]] = [
    (P, "/god-praksis/", LOGGED_IN),
    (P, "/god-praksis/?q=akut&kkr=1084&maalgruppe=akut&evidens=beskrevet", LOGGED_IN),
    (P + "ny/", "/god-praksis/ny/", DRAFTERS),
    (P + "katalog.pdf", "/god-praksis/katalog.pdf", LOGGED_IN),
    (P + "katalog.xlsx", "/god-praksis/katalog.xlsx", LOGGED_IN),
    (P + "<int:pk>/", _url(published=True), LOGGED_IN),
    (P + "<int:pk>/", _url(published=False), DRAFT),
    (P + "<int:pk>/rediger/", _url(published=False, suffix="rediger/"), EDITORS),
    # POST only
    (P + "<int:pk>/handling/", _url(published=False, suffix="handling/"),
     {"anonymous": 302} | {p: 405 for p in EVERYONE[1:]}),
    (P + "<int:pk>/dokumenter/", _url(published=False, suffix="dokumenter/"),
     {"anonymous": 302} | {p: 405 for p in EVERYONE[1:]}),
    (P + "<int:pk>/dokumenter/<int:attachment>/fjern/",
     _url(published=False, suffix="dokumenter/1/fjern/"),
     {"anonymous": 302} | {p: 405 for p in EVERYONE[1:]}),
    # a document's download: test_practice_attachments (who gets its bytes); one that is not
    (P + "<int:pk>/dokumenter/<int:attachment>/", _url(published=True, suffix="dokumenter/999999/"),
     {"anonymous": 302} | {p: 404 for p in EVERYONE[1:]}),
]  # fmt: skip
