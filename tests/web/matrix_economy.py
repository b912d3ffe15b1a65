"""The economy pages' rows of the role × URL matrix (see ``test_web_access.MATRIX``). The
matrix runs without imported budgets (the page says so; the chart's CSV is a 404);
``test_economy_page`` imports them and asserts what each persona sees."""

from __future__ import annotations

from collections.abc import Callable

from web_personas import EVERYONE

LOGGED_IN = {"anonymous": 302} | {p: 200 for p in EVERYONE[1:]}
NOT_FOUND = {"anonymous": 302} | {p: 404 for p in EVERYONE[1:]}
ADMIN_ONLY = {"anonymous": 302, "admin": 200} | {p: 403 for p in EVERYONE[2:]}
P = "oekonomi/"

ECONOMY_MATRIX: list[tuple[str, str | Callable[[], str], dict[str, int]]] = [
    (P, "/oekonomi/", LOGGED_IN),
    (P, "/oekonomi/?aar=2014&kommune=165&tal=regnskab", LOGGED_IN),
    (P + "diagram.csv", "/oekonomi/diagram.csv", NOT_FOUND),
    (P + "indlaes/", "/oekonomi/indlaes/", ADMIN_ONLY),
]
