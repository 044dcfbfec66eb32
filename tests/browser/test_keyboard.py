"""The main flows with the keyboard alone: no clicks, no fill; focus moves only by Tab and
Shift+Tab, and Enter, Space, typing and the arrow keys do the rest, as for someone who cannot
use a mouse.

Every element the flows Tab through must show that it has focus: its computed outline or
box-shadow while focused must be visible and differ from the same element's once focus has
moved on (WCAG 2.4.7).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from playwright.sync_api import Browser, ElementHandle, Error, JSHandle, Locator, Page, expect

from tests.browser.conftest import assert_accessible
from tests.browser.crawl import survey_link_new

_FOCUS_STYLE = """el => {
  const s = getComputedStyle(el);
  return {
    outline: s.outlineStyle === 'none' || parseFloat(s.outlineWidth) === 0
      ? 'none' : `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
    boxShadow: s.boxShadow,
    shown: el.getBoundingClientRect().width > 1 && el.getBoundingClientRect().height > 1,
    describe: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (el.name ? `[name=${el.name}]` : '')
      + ' «' + (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40) + '»',
  };
}"""


@dataclass
class Keyboard:
    """Moves focus with real key presses and checks each focused element's focus indicator."""

    page: Page
    checked: int = 0
    invisible: list[str] = field(default_factory=list)
    _current: ElementHandle | None = None
    _current_style: dict[str, Any] | None = None

    def _active(self) -> ElementHandle | None:
        handle: JSHandle = self.page.evaluate_handle(
            "() => document.activeElement === document.body ? null : document.activeElement"
        )
        return handle.as_element()

    @staticmethod
    def _same(one: ElementHandle | None, other: ElementHandle) -> bool:
        if one is None:
            return False
        try:
            return bool(one.evaluate("(el, other) => el === other", other))
        except Error:  # the other is of a page that is gone
            return False

    def _track(self) -> None:
        for _ in range(5):
            try:
                self._track_once()
                return
            except Error:  # the key started a navigation: look again on the new page
                self.page.wait_for_load_state()
        raise AssertionError(f"focus could not be followed at {self.page.url}")

    def _track_once(self) -> None:
        """When focus has moved on, compare the element that had it, focused and now; then
        take the style of the element that has focus."""
        active = self._active()
        if self._current is not None and not self._same(active, self._current):
            if self._current_style is not None:
                # The element may have left the page (a navigation, an htmx swap).
                with contextlib.suppress(Error):
                    self._compare(self._current_style, self._current.evaluate(_FOCUS_STYLE))
            self._current = self._current_style = None
        if active is not None and self._current is None:
            self._current = active
            # <main tabindex=-1> takes focus from the skip link only to move the reading point.
            if active.evaluate("el => el.tabIndex >= 0"):
                self._current_style = active.evaluate(_FOCUS_STYLE)

    def _compare(self, focused: dict[str, Any], unfocused: dict[str, Any]) -> None:
        self.checked += 1
        visible = focused["outline"] != "none" or focused["boxShadow"] != "none"
        changed = (focused["outline"], focused["boxShadow"]) != (
            unfocused["outline"],
            unfocused["boxShadow"],
        )
        # An element shown only while it has focus (the skip link) is its own indicator.
        appears = focused["shown"] and not unfocused["shown"]
        if not ((visible and changed) or appears):
            self.invisible.append(
                f"{self.page.url} {focused['describe']}: focused {focused['outline']} / "
                f"{focused['boxShadow']}, unfocused {unfocused['outline']} / {unfocused['boxShadow']}"
            )

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self._track()

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def tab_to(self, target: Locator, *, backwards: bool = False, limit: int = 150) -> int:
        """Press Tab (or Shift+Tab) until ``target`` has focus; how many presses it took."""
        key = "Shift+Tab" if backwards else "Tab"
        for presses in range(1, limit + 1):
            self.press(key)
            if target.evaluate("el => el === document.activeElement"):
                return presses
        raise AssertionError(f"{limit} presses of {key} did not reach {target}")

    def from_top(self) -> None:
        """Load the page again: the next Tab starts at the top, as for a new page."""
        self.page.reload()
        self._current = self._current_style = None

    def assert_focus_always_visible(self) -> None:
        self._track()
        assert self.checked, "no focus moved between elements"
        assert not self.invisible, "elements without a visible focus indicator:\n" + "\n".join(
            self.invisible
        )


def _focused(page: Page) -> Locator:
    return page.locator(":focus")


def _keyboard_login(keys: Keyboard, live_url: str, username: str) -> None:
    page = keys.page
    page.goto(f"{live_url}/logg-inn/")
    keys.tab_to(page.get_by_label("Brukernavn"))
    keys.type(username)
    keys.press("Tab")
    expect(page.get_by_label("Passord")).to_be_focused()
    keys.type("demo")
    keys.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("^Velkommen"))).to_be_visible()


def test_the_skip_link_comes_first_and_moves_focus_to_the_main_content(
    page: Page, live_url: str
) -> None:
    keys = Keyboard(page)
    _keyboard_login(keys, live_url, "saksbehandler-oslo")
    skip = page.get_by_role("link", name="Hopp til hovedinnholdet")
    keys.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()  # hidden until it has focus, then shown
    box = skip.bounding_box()
    assert box is not None and box["width"] > 20 and box["height"] > 10
    keys.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))
    expect(page.locator("#main")).to_be_focused()
    # The next Tab goes into the main content, past the header's menu.
    keys.press("Tab")
    assert _focused(page).evaluate("el => !!el.closest('#main')")
    # Shift+Tab leaves the main content again, into the header.
    keys.tab_to(page.get_by_role("button", name="Logg ut"), backwards=True)
    keys.assert_focus_always_visible()


def test_every_element_of_the_header_and_login_form_shows_its_focus(
    page: Page, live_url: str
) -> None:
    keys = Keyboard(page)
    page.goto(f"{live_url}/logg-inn/")
    keys.tab_to(page.get_by_role("button", name="Logg inn"))
    _keyboard_login(keys, live_url, "saksbehandler-oslo")
    keys.from_top()
    # The whole header and the start page's first controls.
    keys.tab_to(page.get_by_role("button", name="Søk"))
    keys.assert_focus_always_visible()
    assert keys.checked >= 10


def test_a_caseworker_finds_a_person_and_records_a_consent_with_the_keyboard(
    page: Page, live_url: str
) -> None:
    keys = Keyboard(page)
    _keyboard_login(keys, live_url, "saksbehandler-oslo")

    # The person list through the main menu.
    menu = page.get_by_role("navigation", name="Hovedmeny")
    keys.tab_to(menu.get_by_role("link", name="Personer", exact=True))
    keys.press("Enter")
    expect(page.get_by_role("heading", name="Personer", level=1)).to_be_visible()
    first_name = page.locator("#person-results tbody tr td a").first.inner_text()
    family_name = first_name.split(",")[0]

    # A search, submitted with Enter.
    keys.tab_to(page.get_by_label(re.compile("^Søk på navn")))
    keys.type(family_name)
    keys.press("Enter")
    expect(page).to_have_url(re.compile(r"\?q="))
    results = page.locator("#person-results tbody tr")
    expect(results.first).to_contain_text(family_name)
    assert_accessible(page)

    # The first hit, opened with Enter.
    hit = page.locator("#person-results tbody tr td:first-child a").first
    person_name = hit.inner_text()
    keys.tab_to(hit)
    keys.press("Enter")
    expect(page.get_by_text("Bosettingskommune")).to_be_visible()
    given, family = person_name.split(", ")[1], person_name.split(", ")[0]
    expect(page.get_by_role("heading", level=1)).to_contain_text(given)
    expect(page.get_by_role("heading", level=1)).to_contain_text(family)

    # The consent page, and a consent for NAV and the school, from today.
    keys.tab_to(page.locator("#main").get_by_role("link", name="Samtykker", exact=True))
    keys.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("^Samtykker for"))).to_be_visible()
    before = page.locator("#list-heading ~ table tbody tr").count()
    form = page.locator("form", has=page.get_by_role("button", name="Registrer samtykket"))
    # Sent without a service: the errors are announced and marked at the field.
    keys.tab_to(form.get_by_role("button", name="Registrer samtykket"))
    keys.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Skjemaet er ikke lagret")
    expect(
        form.get_by_role("group", name=re.compile("^Tjenester")).get_by_role("checkbox").first
    ).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    basis = form.get_by_role("group", name=re.compile("^Grunnlag"))
    radios = basis.get_by_role("radio")
    keys.tab_to(radios.first)
    expect(radios.first).to_be_checked()
    # Arrow keys move the choice within the group, and back.
    keys.press("ArrowDown")
    expect(radios.nth(1)).to_be_checked()
    expect(radios.nth(1)).to_be_focused()
    keys.press("ArrowUp")
    expect(radios.first).to_be_checked()
    # Tab leaves the group: the next stop is the first service.
    services = form.get_by_role("group", name=re.compile("^Tjenester"))
    nav = services.get_by_role("checkbox", name="NAV")
    keys.tab_to(nav)
    keys.press("Space")
    expect(nav).to_be_checked()
    school = services.get_by_role("checkbox", name=re.compile("^Skole"))
    keys.tab_to(school)
    keys.press("Space")
    expect(school).to_be_checked()
    valid_from = form.get_by_label(re.compile("^Gjelder fra"))
    keys.tab_to(valid_from)
    expect(valid_from).to_have_value(timezone.localdate().isoformat())  # today in Oslo
    keys.tab_to(form.get_by_label(re.compile("^Merknader")))
    keys.type("Registrert med tastaturet.")
    keys.tab_to(form.get_by_role("button", name="Registrer samtykket"))
    keys.press("Enter")
    expect(page.get_by_role("status").filter(has_text="amtykke")).to_be_visible()
    rows = page.locator("#list-heading ~ table tbody tr")
    expect(rows).to_have_count(before + 1)
    expect(rows.first).to_contain_text("NAV")
    assert_accessible(page)
    keys.assert_focus_always_visible()


def test_a_survey_link_is_answered_with_the_keyboard(
    page: Page, browser: Browser, live_url: str
) -> None:
    url = survey_link_new(browser, live_url)
    keys = Keyboard(page)
    page.goto(url)
    submit = page.get_by_role("button", name="Send inn")
    expect(submit).to_be_visible()
    answered: set[str] = set()
    # Every question in turn: the first option of a choice (Space), text in a free-text field.
    for _ in range(400):
        keys.press("Tab")
        active = _focused(page)
        if active.evaluate("el => el === document.activeElement && el.type === 'submit'"):
            if active.inner_text() == "Send inn":
                break
            continue
        name = active.get_attribute("name") or ""
        if not name.startswith("q") or name in answered:
            continue
        kind = active.evaluate("el => el.type")
        if kind in ("radio", "checkbox"):
            keys.press("Space")
            expect(active).to_be_checked()
        elif kind == "textarea":
            keys.type("Svar skrevet med tastaturet.")
        answered.add(name)
    else:
        raise AssertionError("Tab never reached «Send inn»")
    assert answered, "no question was reached with Tab"
    expect(submit).to_be_focused()
    keys.press("Enter")
    expect(page.get_by_text("Takk! Svaret er sendt inn.")).to_be_visible()
    expect(page.get_by_role("button", name="Send inn")).to_have_count(0)
    assert_accessible(page)
    keys.assert_focus_always_visible()
