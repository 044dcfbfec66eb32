"""Every page reachable in the demo, for every demo user: no HTTP error, no console error (a
Content-Security-Policy violation is one) and no serious or critical axe-core violation.

Each user logs in and crawls, breadth-first, the pages reachable by GET links from the start
page (``crawl.py``), one URL per route pattern (digits replaced, query values ignored). Every
user fetches each of their patterns, so each route is checked to answer every user who has a
link to it, and the links only they have are followed. Chromium renders and axe checks each
template (pattern without its query) once in the session, by the first user who reaches it: a
route renders one template, and axe takes nearly all the time (from half a second to twenty
seconds on the largest table), so one axe run per pattern and user would take over ten minutes
on two cores. Left out: logout, downloads after their first fetch (checked by status only) and
Django's own admin (``/admin/``, not our templates). The pages reached without a login, the
login page and a survey answer link, are crawled too.

Every page's text is also checked for slips in words and numbers (issue 23, ``wording_problems``):
and since a form's messages show only when it is refused, a few forms are sent empty.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import login
from tests.browser.crawl import CrawlResult, crawl, page_wording_problems, survey_link_new

DEMO_USERS = [
    "saksbehandler-oslo",
    "saksbehandler-bergen",
    "leder-oslo",
    "nav-oslo",
    "helse-oslo",
    "skole-oslo",
    "saksbehandler-gol",
    "saksbehandler-hemsedal",
    "statsforvalter-vestland",
    "statsforvalter-oslo",
    "planlegger",
    "analytiker",
    "admin",
]

RENDERED: set[str] = set()  # templates rendered and checked with axe in this session
DOWNLOADS: set[str] = set()  # download patterns fetched in this session
RESULTS: dict[str, CrawlResult] = {}


@pytest.fixture(scope="module", autouse=True)
def _summary(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if not RESULTS:
        return
    per_user = ", ".join(f"{user} {len(result.pages)}" for user, result in RESULTS.items())
    fetched = sum(len(result.pages) for result in RESULTS.values())
    rendered = sum(len(result.rendered) for result in RESULTS.values())
    downloads = sum(len(result.downloads) for result in RESULTS.values())
    violations = sum(result.violation_count for result in RESULTS.values())
    problems = sum(1 for result in RESULTS.values() for page in result.pages if page.problems)
    line = (
        f"every page: pages checked per user: {per_user}; total {fetched} "
        f"({downloads} downloads, {rendered} templates rendered with axe); "
        f"{violations} serious or critical axe violations; {problems} pages with problems"
    )
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if capture is None or reporter is None:
        print(line)
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line("")
        reporter.write_line(line)


def _assert_clean(who: str, result: CrawlResult) -> None:
    RESULTS[who] = result
    assert result.pages, f"{who} reached no page"
    report = result.report()
    assert not report, (
        f"{who}: problems on {sum(1 for p in result.pages if p.problems)} pages:\n{report}"
    )


@pytest.mark.parametrize("username", DEMO_USERS)
def test_every_page_a_user_reaches_is_accessible_and_error_free(
    page: Page, live_url: str, username: str
) -> None:
    login(page, live_url, username)
    expect(page.get_by_role("button", name="Logg ut")).to_be_visible()
    result = crawl(page, f"{live_url}/", rendered=RENDERED, downloads=DOWNLOADS)
    # The start page and at least one page behind it: the crawl follows the menu.
    assert len(result.pages) > 1
    _assert_clean(username, result)


def test_the_pages_without_login_are_accessible_and_error_free(
    page: Page, browser: Browser, live_url: str
) -> None:
    survey_url = survey_link_new(browser, live_url)
    # Everything, also what another test rendered: these are a visitor's only pages.
    result = crawl(
        page,
        f"{live_url}/logg-inn/",
        rendered=set(),
        downloads=set(),
        extra_urls=[survey_url],
    )
    patterns = {p.pattern for p in result.rendered}
    assert {"/logg-inn/", "/svar/TOKEN/"} <= patterns, patterns
    _assert_clean("(ikke innlogget)", result)


# Forms sent empty (the browser's own checks off, prefilled text cleared): each must be refused
# with messages in plain bokmål. Only forms that cannot save anything when empty.
EMPTY_FORMS = [
    ("saksbehandler-oslo", "/husstander/ny/"),
    ("saksbehandler-oslo", "/husstander/import/"),
    ("planlegger", "/bosetting/venter/ny/"),
    ("planlegger", "/bosetting/venter/import/"),
]
SEND_EMPTY = """
() => {
  const form = [...document.querySelectorAll("#main form")].find(
    (f) => f.method.toLowerCase() === "post" && f.querySelector("input:not([type=hidden]), textarea")
  );
  if (!form) return false;
  form.noValidate = true;
  for (const e of form.querySelectorAll(
    "input:is([type=text],[type=date],[type=number],[type=email],[type=tel],:not([type])), textarea"
  )) e.value = "";
  form.requestSubmit();
  return true;
}
"""


def test_forms_sent_empty_answer_in_plain_norwegian(page: Page, live_url: str) -> None:
    problems = []
    user = ""
    for username, path in EMPTY_FORMS:
        if username != user:
            page.context.clear_cookies()
            login(page, live_url, username)
            user = username
        page.goto(f"{live_url}{path}")
        with page.expect_navigation():
            assert page.evaluate(SEND_EMPTY), f"no form to send on {path}"
        refused = page.locator("#main .ds-validation-message, #main [role=alert]")
        assert refused.count() > 0, f"{path}: the empty form was not refused"
        problems += [f"{path}: {problem}" for problem in page_wording_problems(page)]
    # A calculator left empty and the login without a password: the same, sent as a user would.
    page.goto(f"{live_url}/satser/?calc=benefit")
    problems += [f"/satser/: {problem}" for problem in page_wording_problems(page)]
    assert "Fyll ut feltet." in page.locator("#calc-benefit").inner_text()
    page.context.clear_cookies()
    page.goto(f"{live_url}/logg-inn/")
    page.get_by_label("Brukernavn").fill("saksbehandler-oslo")
    page.evaluate("document.querySelector('form').noValidate = true")
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()
    problems += [f"/logg-inn/: {problem}" for problem in page_wording_problems(page)]
    assert not problems, "\n".join(problems)
