"""The site's main menu (DKFDS header navigation, desktop and mobile drawer): which sections a
user sees and which one the current page belongs to. Asked by the page frame
(``accounts.context_processors.access``) so that ``base.html`` holds no logic."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from naersund.analysis.profiles import municipality_names
from naersund.refdata import scopes
from naersund.web.accounts.access import can_use_admin, results_are_public, role_of
from naersund.web.accounts.models import Role


@dataclass(frozen=True)
class MenuItem:
    label: str
    url: str
    current: bool


# label, URL name, the URL namespaces (or names) whose pages belong to the section
SECTIONS: list[tuple[str, str, tuple[str, ...]]] = [
    ("Forside", "home", ("home",)),
    ("Målkatalog", "catalogue:overview", ("catalogue",)),
    ("Statusrunder", "survey:rounds", ("survey",)),
    ("Indikatorer", "dashboard:index", ("dashboard",)),
    ("Overblik", "dashboard:overblik", ("dashboard:overblik",)),
    ("Rapporter", "reports:index", ("reports",)),
    ("Økonomi", "economy:page", ("economy",)),
    ("God praksis", "practice:list", ("practice",)),
]


def _section_of(request: HttpRequest) -> tuple[str, str]:
    """(the page's namespace or name, its full name "namespace:name")."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "", ""
    return match.namespace or match.url_name or "", f"{match.namespace}:{match.url_name}"


# the sections an anonymous visitor reaches when the results are public
PUBLIC_SECTIONS = ("home", "survey:rounds", "dashboard:index", "dashboard:overblik")


def main_menu(request: HttpRequest) -> list[MenuItem]:
    """The menu for the request's user: for an anonymous visitor the public sections when the
    results are public (``access.results_are_public``), else nothing; Administration for
    national administrators (``access.can_use_admin``)."""
    user = request.user
    sections = SECTIONS
    if not getattr(user, "is_authenticated", False):
        if not results_are_public():
            return []
        sections = [s for s in SECTIONS if s[1] in PUBLIC_SECTIONS]
    here, page = _section_of(request)
    # a page named by a section of its own (Overblik) belongs to that section only
    claimed = {own for _, _, owns in SECTIONS for own in owns if ":" in own}
    items = [
        MenuItem(label, reverse(name), page in owns or (here in owns and page not in claimed))
        for label, name, owns in sections
    ]
    if can_use_admin(user):
        items.append(MenuItem("Administration", reverse("admin:index"), here == "admin"))
    return items


def user_line(user: Any) -> str:
    """Who is logged in, as the header shows it: "albertslund (Kommunal redaktør, Albertslund)"."""
    name = str(user.get_username())
    m = role_of(user)
    if m is None:
        return name
    where = ""
    if m.role == Role.MUNICIPALITY_EDITOR and m.kommunekode is not None:
        where = f", {municipality_names().get(m.kommunekode, m.kommunekode)}"
    elif m.role == Role.KKR_SECRETARY and m.region_code is not None:
        where = f", {scopes.name(m.region_code)}"
    return f"{name} ({Role(m.role).label}{where})"
