"""Form layout (issue 23 item 1): the household registration form at three window sizes, one
person per fieldset, every text field at least 10 em wide and no label on top of its field.

The same measurement runs on every page of the demo in ``test_every_page.py`` (``crawl.py``'s
``form_layout_problems``), so a style rule that squeezes a field anywhere fails there too."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, login
from tests.browser.crawl import form_layout_problems


@pytest.mark.parametrize("width", [1280, 800, 400])
def test_the_household_form_has_wide_fields_and_labels_above_them(
    page: Page, live_url: str, width: int
) -> None:
    login(page, live_url, "saksbehandler-oslo")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_url}/husstander/ny/")
    page.get_by_role("button", name="Legg til person").click()
    expect(page.get_by_role("group", name="Person 2")).to_be_visible()
    assert form_layout_problems(page) == []
    identity = page.locator("#id_members-0-identity_number").bounding_box()
    label = page.locator("label[for=id_members-0-identity_number]").bounding_box()
    assert identity is not None and label is not None
    assert identity["width"] >= 160  # 10 em at the page's 16 px
    assert label["y"] + label["height"] <= identity["y"]  # the label stands above its field
    if width == 1280:
        assert_accessible(page)
