"""The SVG charts: accessible, deterministic, with every series drawn and Norwegian numbers."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache

from integrering import charts
from integrering.charts import (
    DIVERGING,
    MONTHS,
    PALETTE,
    ReferenceLine,
    Series,
    bar_chart,
    line_chart,
    month_labels,
)
from integrering.ui.numbers import number_nb, percent_nb

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted input


def _texts(root: ET.Element) -> list[str]:
    return [(t.text or "").strip() for t in root.iter(f"{SVG}text")]


def _ids(root: ET.Element) -> set[str]:
    return {element.get("id", "") for element in root.iter()}


def _line() -> str:
    return line_chart(
        title="Bosetting 2026",
        labels=month_labels(),
        series=[
            Series("Bosatt, totalt", [120, 480, 1250, None]),
            Series("Bosatt, fra mottak", [20, 80, 250, None]),
        ],
        reference_lines=[ReferenceLine("Behov", 5350), ReferenceLine("Vedtatt", 5100)],
        value_label="Personer",
        description="Bosatte summert måned for måned & behovet.",
    )


def test_a_line_chart_is_an_accessible_svg_image() -> None:
    root = _parse(_line())
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "bosetting-2026-title bosetting-2026-desc"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text == "Bosetting 2026"
    assert desc is not None and desc.text == "Bosatte summert måned for måned & behovet."


def test_a_line_chart_draws_every_series_and_reference_line_with_a_legend() -> None:
    root = _parse(_line())
    ids = _ids(root)
    for gid in (
        "bosetting-2026-series-0",
        "bosetting-2026-series-1",
        "bosetting-2026-reference-0",
        "bosetting-2026-reference-1",
    ):
        assert gid in ids
    texts = _texts(root)
    assert {"Bosatt, totalt", "Bosatt, fra mottak"} <= set(texts)
    assert "Behov: 5\u00a0350" in texts and "Vedtatt: 5\u00a0100" in texts
    assert texts[:12] == list(MONTHS)  # Norwegian month names on the axis


def test_series_differ_by_more_than_colour() -> None:
    svg = _line()
    first = svg.split('id="bosetting-2026-series-0"')[1].split("</g>")[0]
    second = svg.split('id="bosetting-2026-series-1"')[1].split("</g>")[0]
    assert PALETTE[0].lower() in first and PALETTE[1].lower() in second
    assert "stroke-dasharray" not in first and "stroke-dasharray" in second  # solid vs dashed


def test_the_same_figures_give_the_same_bytes_without_a_date() -> None:
    cache.clear()
    first = _line()
    cache.clear()  # drawn again, not served from the cache
    assert _line() == first
    assert "<metadata" not in _line() and "dc:date" not in _line()


def test_a_chart_drawn_before_is_served_from_the_cache_and_new_figures_are_drawn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cache.clear()
    drawn: list[str] = []
    real_svg = charts._svg

    def counting_svg(figure: object, **kwargs: str) -> str:
        drawn.append(kwargs["chart_id"])
        return real_svg(figure, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(charts, "_svg", counting_svg)
    first = _line()
    assert _line() == first
    assert len(drawn) == 1
    changed = line_chart(
        title="Bosetting 2026",
        labels=month_labels(),
        series=[Series("Bosatt, totalt", [120, 480, 1251, None])],
    )
    assert len(drawn) == 2 and changed != first


def test_numbers_are_written_the_norwegian_way() -> None:
    assert number_nb(5350) == "5\u00a0350"
    assert number_nb(12.5, 1) == "12,5"
    assert number_nb(1234567.25, 2) == "1\u00a0234\u00a0567,25"
    assert percent_nb(40) == "40\u00a0%"
    assert month_labels(11, 3) == ["nov", "des", "jan"]


def test_a_stacked_likert_chart_shows_each_category_as_shares_of_its_total() -> None:
    svg = bar_chart(
        title="Fornøyd med tjenesten",
        categories=["NAV", "Skolen"],
        series=[
            Series("Helt uenig", [1, 0]),
            Series("Uenig", [1, 2]),
            Series("Nøytral", [2, 2]),
            Series("Enig", [4, 4]),
            Series("Helt enig", [2, 2]),
        ],
        horizontal=True,
        percent=True,
        colours=DIVERGING[5],
        show_values=True,
        chart_id="likert-1",
    )
    root = _parse(svg)
    ids = _ids(root)
    assert all(f"likert-1-series-{s}-{c}" in ids for s in range(5) for c in range(2))
    texts = _texts(root)
    assert {"NAV", "Skolen", "Helt uenig", "Helt enig"} <= set(texts)
    assert "40\u00a0%" in texts  # «Enig»: 4 of 10
    assert "100\u00a0%" in texts  # the value axis ends at 100 %
    # The neutral segment is grey and labelled in black; the darkest in white.
    assert DIVERGING[5][2].lower() in svg.lower()


def test_a_grouped_bar_chart_draws_one_bar_per_series_and_category() -> None:
    svg = bar_chart(
        title="Deltakere per tjeneste",
        categories=["Jan", "Feb", "Mar"],
        series=[Series("Oslo", [10, 12, 14]), Series("Bergen", [5, None, 7])],
        stacked=False,
        show_values=True,
    )
    root = _parse(svg)
    ids = _ids(root)
    assert {f"deltakere-per-tjeneste-series-{s}-{c}" for s in range(2) for c in range(3)} <= ids
    assert {"Oslo", "Bergen", "Jan", "Mar", "14"} <= set(_texts(root))


@pytest.mark.parametrize("horizontal", [False, True])
def test_a_chart_without_series_still_renders(horizontal: bool) -> None:
    svg = bar_chart(title="Tomt", categories=[], series=[], horizontal=horizontal)
    assert _parse(svg).get("role") == "img"
    assert _parse(line_chart(title="Tomt", labels=[], series=[])).get("role") == "img"
