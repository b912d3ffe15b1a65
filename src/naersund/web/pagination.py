"""Long lists in pages of :data:`PER_PAGE` rows (Django's ``Paginator``), with DKFDS's
pagination component (``templates/_pagination.html``): page numbers on wide screens ("1 … 4
5 6 … 12"), "Side 5 af 12" with first/last on phones, previous/next on both. The page number
is ``?side=N``, read strictly (:func:`naersund.web.params.query_int`: text is a 400); a number
past the end shows the last page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

from naersund.web.params import query_int

PER_PAGE = 25
PARAM = "side"
AROUND = 1  # page numbers shown on each side of the current one


@dataclass(frozen=True)
class PageLink:
    """One item of the number list: a page (``number``) or a gap (``number`` None, "…")."""

    number: int | None
    url: str = ""
    current: bool = False


@dataclass(frozen=True)
class Pagination:
    """The rows of one page and the component's links; ``label`` names the list for screen
    readers ("Sider i listen over udgivelser")."""

    rows: list[Any]
    number: int
    num_pages: int
    count: int
    first_index: int
    last_index: int
    label: str
    links: list[PageLink]
    first_url: str
    previous_url: str
    next_url: str
    last_url: str

    @property
    def shown(self) -> bool:
        """Whether the component is drawn: only when there is more than one page."""
        return self.num_pages > 1

    @property
    def summary(self) -> str:
        """``"Viser 26-50 af 120"``."""
        return f"Viser {self.first_index}-{self.last_index} af {self.count}"


def _url(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    if number == 1:
        query.pop(PARAM, None)
    else:
        query[PARAM] = str(number)
    encoded = query.urlencode()
    return f"{request.path}?{encoded}" if encoded else request.path


def page_numbers(number: int, num_pages: int, around: int = AROUND) -> list[int | None]:
    """The numbers the component shows: the first, the last, ``around`` on each side of the
    current page, and None for each gap ("…"); a gap of one page shows that page instead."""
    wanted = {1, num_pages, *range(number - around, number + around + 1)}
    shown = sorted(n for n in wanted if 1 <= n <= num_pages)
    out: list[int | None] = []
    for n in shown:
        if out and out[-1] is not None and n - out[-1] == 2:
            out.append(n - 1)
        elif out and out[-1] is not None and n - out[-1] > 2:
            out.append(None)
        out.append(n)
    return out


def paginate(request: HttpRequest, rows: Any, label: str, per_page: int = PER_PAGE) -> Pagination:
    """The page of ``rows`` (a list, a query set, or anything with a length that slices) that
    ``?side=`` asks for."""
    wanted = query_int(request.GET, PARAM, min_value=1) or 1
    paginator = Paginator(rows, per_page)
    page: Page = paginator.get_page(min(wanted, paginator.num_pages))
    n, last = page.number, paginator.num_pages
    links = [
        PageLink(None) if k is None else PageLink(k, _url(request, k), k == n)
        for k in page_numbers(n, last)
    ]
    return Pagination(
        rows=list(page.object_list),
        number=n,
        num_pages=last,
        count=paginator.count,
        first_index=page.start_index(),
        last_index=page.end_index(),
        label=label,
        links=links,
        first_url=_url(request, 1) if n > 1 else "",
        previous_url=_url(request, n - 1) if n > 1 else "",
        next_url=_url(request, n + 1) if n < last else "",
        last_url=_url(request, last) if n < last else "",
    )
