"""Issue 23: screenshots of the main pages per role, taken from the demo-loaded live server at
1280 px and saved into docs/screens/ (listed in docs/screens/README.md), so a reader sees the
product without running it. Running the browser suite refreshes them."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import login

SCREENS = Path(__file__).resolve().parents[2] / "docs" / "screens"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_BYTES = 700_000  # a page; the whole set stays well under 5 MB
MAX_HEIGHT = 2400  # a long list is shown from its top: enough to see what the page is

# Per role: the pages to show, as (file suffix, main menu label); None is the start page.
PAGES: dict[str, list[tuple[str, str | None]]] = {
    "saksbehandler-oslo": [("start", None), ("personer", "Personer"), ("frister", "Frister")],
    "leder-oslo": [
        ("start", None),
        ("introduksjonsprogram", "Introduksjonsprogram"),
        ("kapasitet", "Kapasitet"),
    ],
    "nav-oslo": [("start", None), ("varsler", "Varsler")],
    "planlegger": [("start", None), ("bosetting", "Bosetting")],
    "analytiker": [
        ("start", None),
        ("kommuneundersokelsen", "Kommuneundersøkelsen"),
        ("kostnadsdekning", "Kostnadsdekning"),
    ],
    "statsforvalter-vestland": [
        ("start", None),
        ("klagesaker", "Klagesaker"),
        ("kapasitet", "Kapasitet"),
    ],
}


@pytest.mark.browser
@pytest.mark.parametrize("username", list(PAGES))
def test_the_main_pages_of_each_role_are_saved_as_screenshots_in_docs(
    page: Page, live_url: str, username: str
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    login(page, live_url, username)
    SCREENS.mkdir(parents=True, exist_ok=True)
    for suffix, label in PAGES[username]:
        if label is not None:
            page.get_by_role("navigation", name="Hovedmeny").get_by_role(
                "link", name=label, exact=True
            ).click()
            page.wait_for_load_state()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        path = SCREENS / f"{username}-{suffix}.png"
        path.unlink(missing_ok=True)
        height = min(MAX_HEIGHT, page.evaluate("document.documentElement.scrollHeight"))
        page.screenshot(
            path=str(path),
            full_page=True,
            clip={"x": 0, "y": 0, "width": 1280, "height": height},
            animations="disabled",
        )

        data = path.read_bytes()
        assert data.startswith(PNG_SIGNATURE), f"{path.name} is not a PNG"
        assert 10_000 < len(data) <= MAX_BYTES, f"{path.name}: {len(data)} bytes"
        assert (SCREENS / "README.md").read_text(encoding="utf-8").count(path.name) == 1, (
            f"{path.name} is not listed in docs/screens/README.md"
        )
