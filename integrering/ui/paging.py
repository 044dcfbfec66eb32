"""Every list of the pages in pages of one kind: «1–50 av 272», with «Forrige side» and «Neste
side» links that keep the list's filters (issue 23).

- ``paginate(request, rows, per_page)``: the page that ``?side=`` asks for, of a queryset or a
  list (a number out of range gives the nearest page, never an error);
- ``page_of(rows, number=..., per_page=...)``: the same for a selector, which audits only the
  rows of the page it returns;
- ``Page``: the rows and the figures; ``{% load paging %}{% pager page %}`` renders its
  navigation (``ui/pager.html``) under every list.

A count may be bounded (``count_limit``): a list of a national register may match hundreds of
thousands of rows, and counting them all costs more than the page itself. Then the label says
«1–50 av over 10 000».
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict

from integrering.ui.numbers import number_nb

T = TypeVar("T")

PAGE_PARAM = "side"
PER_PAGE = 50
# No one reads past page 10 000; a larger number is not worth an OFFSET that large.
MAX_PAGE = 10_000
EN_DASH = "\u2013"


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its ``items``, its ``number`` (from 1), and the ``count`` of the whole
    list (a lower bound when ``count_capped``)."""

    items: list[T]
    number: int
    per_page: int
    count: int
    count_capped: bool = False

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    @property
    def start_index(self) -> int:
        """The place in the list of the first row shown (from 1; 0 when none)."""
        return (self.number - 1) * self.per_page + 1 if self.items else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.items)

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        # A bounded count ends the pages there too: no one pages past «over 1 000».
        return self.end_index < self.count

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def total_label(self) -> str:
        """The whole list's count as read: «272», «1 250», «over 10 000»."""
        return f"over {number_nb(self.count)}" if self.count_capped else number_nb(self.count)

    @property
    def label(self) -> str:
        """«1–50 av 272» (digit groups split by a space); «0 av 0» for an empty list."""
        if not self.items:
            return f"0 av {self.total_label}"
        return (
            f"{number_nb(self.start_index)}{EN_DASH}{number_nb(self.end_index)} "
            f"av {self.total_label}"
        )


def page_number(value: object) -> int:
    """The page asked for (``?side=``): a whole number from 1 to ``MAX_PAGE``; 1 for anything
    else (a typed-in «abc» or «-3» shows the first page, not an error)."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()):
        return 1
    return min(max(1, int(text[:6])), MAX_PAGE)


def page_bounds(*, number: int, per_page: int, count: int) -> tuple[int, int, int]:
    """The page ``number`` brought within the list of ``count`` rows (the last page when past
    it), and the slice ``start:stop`` of its rows."""
    last = max(1, -(-count // per_page))
    number = min(max(1, number), last, MAX_PAGE)
    start = (number - 1) * per_page
    return number, start, start + per_page


def _count(rows: QuerySet[Any, Any] | Sequence[Any], count_limit: int | None) -> tuple[int, bool]:
    if not isinstance(rows, QuerySet):
        return len(rows), False
    if count_limit is None:
        return rows.count(), False
    # COUNT over a LIMIT, in no order: the database stops after count_limit + 1 rows.
    counted = rows.order_by()[: count_limit + 1].count()
    return (count_limit, True) if counted > count_limit else (counted, False)


def page_of(
    rows: QuerySet[Any, T] | Sequence[T],
    *,
    number: int = 1,
    per_page: int = PER_PAGE,
    count_limit: int | None = None,
) -> Page[T]:
    """Page ``number`` of ``rows`` (a queryset, counted in the database, or a list): one count
    and one query of ``per_page`` rows. A number past the end gives the last page."""
    count, capped = _count(rows, count_limit)
    number, start, stop = page_bounds(number=number, per_page=per_page, count=count)
    return Page(
        items=list(rows[start:stop]),
        number=number,
        per_page=per_page,
        count=count,
        count_capped=capped,
    )


def paginate(
    request: HttpRequest,
    rows: QuerySet[Any, T] | Sequence[T],
    per_page: int = PER_PAGE,
    *,
    count_limit: int | None = None,
) -> Page[T]:
    """The page of ``rows`` that the request asks for (``?side=``)."""
    return page_of(
        rows,
        number=page_number(request.GET.get(PAGE_PARAM)),
        per_page=per_page,
        count_limit=count_limit,
    )


def page_query(params: QueryDict, number: int) -> str:
    """The query string of page ``number`` with every other parameter (the filters) kept."""
    query = params.copy()
    query.pop(PAGE_PARAM, None)
    if number > 1:
        query[PAGE_PARAM] = str(number)
    return query.urlencode()
