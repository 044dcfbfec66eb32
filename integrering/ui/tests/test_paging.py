from __future__ import annotations

from django.http import QueryDict
from django.template import Context, Template
from django.test import RequestFactory

from integrering.ui.paging import Page, page_number, page_of, page_query, paginate

DASH = "\u2013"
NBSP = "\u00a0"


def test_a_page_says_which_rows_it_shows_of_how_many() -> None:
    page = page_of(list(range(272)), number=1, per_page=50)
    assert page.items == list(range(50))
    assert page.label == f"1{DASH}50 av 272"
    assert (page.has_previous, page.has_next, page.num_pages) == (False, True, 6)
    last = page_of(list(range(272)), number=6, per_page=50)
    assert last.label == f"251{DASH}272 av 272"
    assert not last.has_next


def test_large_counts_have_a_space_between_digit_groups() -> None:
    page = page_of(list(range(2500)), number=21, per_page=50)
    assert page.label == f"1{NBSP}001{DASH}1{NBSP}050 av 2{NBSP}500"


def test_a_number_past_the_end_gives_the_last_page_and_an_empty_list_its_own_label() -> None:
    assert page_of(list(range(60)), number=99, per_page=50).number == 2
    empty: Page[int] = page_of([], number=3)
    assert (empty.number, empty.label, bool(empty)) == (1, "0 av 0", False)


def test_the_page_asked_for_is_a_whole_number_from_one_and_anything_else_is_the_first() -> None:
    assert [page_number(v) for v in ("3", "0", "-2", "abc", None, "", "²", "99999999")] == [
        3,
        1,
        1,
        1,
        1,
        1,
        1,
        10_000,
    ]


def test_a_bounded_count_stops_counting_and_says_so(db: None) -> None:
    from integrering.organisations.models import Municipality

    rows = Municipality.objects.order_by("pk")
    total = rows.count()
    assert total > 10
    page = page_of(rows, number=1, per_page=5, count_limit=10)
    assert (page.count, page.count_capped, page.has_next) == (10, True, True)
    assert page.label == f"1{DASH}5 av over 10"
    exact = page_of(rows, number=1, per_page=5, count_limit=total)
    assert (exact.count, exact.count_capped) == (total, False)


def test_the_links_keep_the_filters_and_the_first_page_has_no_number() -> None:
    params = QueryDict("status=sent&q=%C3%98ya&side=3")
    assert page_query(params, 4) == "status=sent&q=%C3%98ya&side=4"
    assert page_query(params, 1) == "status=sent&q=%C3%98ya"


def test_the_pager_renders_a_named_navigation_with_links_that_keep_the_filters() -> None:
    request = RequestFactory().get("/vedtak/", {"status": "sent", "side": "2"})
    page = paginate(request, list(range(120)))
    html = Template('{% load paging %}{% pager page label="Sider med vedtak" %}').render(
        Context({"page": page, "request": request})
    )
    assert '<nav aria-label="Sider med vedtak"' in html
    assert f"51{DASH}100 av 120" in html
    assert 'rel="prev" href="?status=sent">Forrige side</a>' in html
    assert 'rel="next" href="?status=sent&amp;side=3">Neste side</a>' in html


def test_a_single_page_shows_its_count_without_links_and_an_empty_list_no_pager() -> None:
    request = RequestFactory().get("/")
    one = Template("{% load paging %}{% pager page %}").render(
        Context({"page": paginate(request, [1, 2, 3]), "request": request})
    )
    assert f"1{DASH}3 av 3" in one and "<a " not in one
    none = Template("{% load paging %}{% pager page %}").render(
        Context({"page": Page(items=[], number=1, per_page=50, count=0), "request": request})
    )
    assert "<nav" not in none
