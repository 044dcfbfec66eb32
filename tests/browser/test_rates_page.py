"""Issue 23: the page «Satser og beregninger» as a user sees it, on a desktop (1280 px) and a
phone (375 px): every calculator card and the table of rates lie inside the page margin, and the
page shows no parameter key, file name, seed document or ISO date."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import assert_accessible, login
from tests.wording import wording_problems

# Every card and the table, measured against the main column's content box (its padding is the
# page margin), and the page against the window: none may reach past either.
OVERFLOW_SCRIPT = """
() => {
  const main = document.querySelector("#main");
  const style = getComputedStyle(main);
  const box = main.getBoundingClientRect();
  const left = box.left + parseFloat(style.paddingLeft);
  const right = box.right - parseFloat(style.paddingRight);
  const problems = [];
  // A table in a .table-scroll box scrolls inside it: the box is measured, not the table.
  const items = [...main.querySelectorAll(".ds-card, table, .table-scroll, .card-grid, form, section")]
    .filter((e) => !(e.tagName === "TABLE" && e.closest(".table-scroll")));
  for (const e of items) {
    const r = e.getBoundingClientRect();
    if (r.width === 0) continue;
    const what = e.id ? `#${e.id}` : e.className ? `${e.tagName.toLowerCase()}.${e.className}` : e.tagName.toLowerCase();
    if (r.left < left - 0.5 || r.right > right + 0.5) {
      problems.push(`${what}: ${Math.round(r.left)}-${Math.round(r.right)} px, margin ${Math.round(left)}-${Math.round(right)} px`);
    }
  }
  const page = document.documentElement;
  if (page.scrollWidth > page.clientWidth) {
    problems.push(`the page scrolls sideways: ${page.scrollWidth} px in ${page.clientWidth} px`);
  }
  return problems;
}
"""
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
INTERNAL = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b|\b[a-z_]+/[a-z_]+_|\.ya?ml\b|\bseed\b", re.I)


@pytest.mark.parametrize("width", [1280, 375])
def test_the_rates_page_keeps_its_cards_inside_the_margin_and_speaks_to_users(
    page: Page, live_url: str, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    login(page, live_url, "saksbehandler-oslo")
    url = (
        f"{live_url}/satser/?calc=benefit&benefit-on=2018-06-01&benefit-birth_date=1980-01-01"
        "&benefit-absence_hours=10"
    )
    page.goto(url)
    page.get_by_text("Stønad per år", exact=True).wait_for()
    problems = page.evaluate(OVERFLOW_SCRIPT)
    assert not problems, f"at {width} px:\n" + "\n".join(problems)
    text = page.locator("#main").inner_text()
    assert "193\u00a0766,00" in text
    assert not ISO_DATE.search(text), ISO_DATE.findall(text)
    assert not INTERNAL.search(text), INTERNAL.findall(text)
    assert not wording_problems(text), wording_problems(text)
    if width == 375:
        assert_accessible(page)
