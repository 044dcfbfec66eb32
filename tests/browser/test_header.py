"""Issue 23 item 11: the header fits on one line for every demo user on a 1280 px screen (brand,
every menu item and the user with «Logg ut» side by side, no label broken over two lines), and
on a 375 px phone it wraps instead of pushing the page sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from integrering.demo.world import DEMO_USERS
from tests.browser.conftest import login

# The header's parts in reading order must share one row (every part's vertical extent overlaps
# every other's), and no text may be broken over two lines. The user's name and organisation are
# stacked by design: their block is one part of the row, and each line is checked on its own.
HEADER_SCRIPT = """
() => {
  const row = [
    document.querySelector(".site-header__brand"),
    ...document.querySelectorAll(".site-nav a"),
    ...document.querySelectorAll(".site-header__who, .site-header__user button"),
  ].filter(Boolean);
  const texts = [...row, ...document.querySelectorAll(".site-header__who > span")];
  const problems = [];
  const boxes = row.map((e) => [e, e.getBoundingClientRect()]);
  for (const e of texts) {
    if (e.classList.contains("site-header__who")) continue;
    const range = document.createRange();
    range.selectNodeContents(e);
    const lines = new Set([...range.getClientRects()].map((c) => Math.round(c.top))).size;
    if (lines > 1) problems.push(`«${e.textContent.trim()}» is broken over ${lines} lines`);
  }
  const top = Math.max(...boxes.map(([, r]) => r.top));
  const bottom = Math.min(...boxes.map(([, r]) => r.bottom));
  if (top >= bottom) {
    const rows = boxes.map(([e, r]) => `${e.textContent.trim()}@${Math.round(r.top)}`);
    problems.push(`the header wraps onto more than one row: ${rows.join(", ")}`);
  }
  const page = document.documentElement;
  if (page.scrollWidth > page.clientWidth) {
    problems.push(`the page scrolls sideways: ${page.scrollWidth} px in ${page.clientWidth} px`);
  }
  return problems;
}
"""

USERNAMES = [username for username, *_ in DEMO_USERS]


@pytest.mark.parametrize("username", USERNAMES)
def test_the_header_fits_on_one_line_at_1280_px_for_every_demo_user(
    page: Page, live_url: str, username: str
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    login(page, live_url, username)
    assert page.locator(".site-nav a").count() >= 3, "not logged in"
    problems = page.evaluate(HEADER_SCRIPT)
    assert not problems, f"{username} at 1280 px:\n" + "\n".join(problems)


def test_the_header_wraps_on_a_phone_without_pushing_the_page_sideways(
    page: Page, live_url: str
) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    login(page, live_url, "leder-oslo")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    tops = page.eval_on_selector_all(
        ".site-nav a", "(links) => links.map((a) => Math.round(a.getBoundingClientRect().top))"
    )
    assert len(set(tops)) > 1  # the menu takes several rows rather than one too wide
