"""A breadth-first crawl of the pages a user reaches by GET links (``a[href]``, same origin).

The crawl is bounded by route pattern: a URL's path with every run of digits replaced by ``N``
(``/personer/17/plan/`` and ``/personer/18/plan/`` are one pattern) plus the names, not the
values, of its query parameters. Each user fetches one URL per pattern, which must answer below
400; the HTML it gets gives the links to follow.

A page's template (its pattern without the query: a query filters or pages the same template)
is also *rendered* in Chromium once in the session, shared between users: the page must log no
console error (script errors, failed resources and Content-Security-Policy violations all end
up there) and must pass axe-core with no serious or critical violation. Downloads (PDF, Excel,
CSV, SVG, JSON: anything not HTML) are fetched once in the session and checked by status only.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Browser, ConsoleMessage, Error, Page, Response

from tests.browser.conftest import AXE_PAGES, AXE_TAGS, BLOCKING_IMPACTS, login
from tests.wording import wording_problems

# Not crawled: logout ends the session (a POST form, listed for safety) and /admin/ is Django's
# own admin, whose templates are not ours to fix.
SKIPPED_PREFIXES = ("/logg-ut/", "/admin/")
# A safety stop for a crawl that would run away (e.g. a link with a new query parameter on every
# page): a crawl that reaches it fails, so that the bound is raised knowingly.
MAX_PATTERNS_PER_USER = 120

_axe = Axe()


def route_pattern(url: str) -> str:
    """``/personer/17/?q=x&page=2`` -> ``/personer/N/?page&q``."""
    parts = urlsplit(url)
    path = re.sub(r"\d+", "N", parts.path)
    # A survey link's token is one credential per invitation: all are one page.
    path = re.sub(r"^/svar/[^/]+/", "/svar/TOKEN/", path)
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return path + ("?" + "&".join(keys) if keys else "")


def template_key(url: str) -> str:
    """The route pattern without its query: a query filters or pages the same template."""
    return route_pattern(url).split("?")[0]


def media_type(response: Response | None) -> str:
    if response is None:
        return ""
    return (response.headers.get("content-type") or "").split(";")[0].strip()


@dataclass
class PageCheck:
    url: str
    pattern: str
    status: int
    content_type: str
    rendered: bool = False
    violations: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    layout: list[str] = field(default_factory=list)
    wording: list[str] = field(default_factory=list)

    @property
    def is_html(self) -> bool:
        return self.content_type == "text/html"

    @property
    def problems(self) -> list[str]:
        found = [f"HTTP {self.status}"] if self.status >= 400 else []
        found += [f"console: {message}" for message in self.console_errors]
        found += [f"axe: {violation}" for violation in self.violations]
        found += [f"layout: {problem}" for problem in self.layout]
        found += [f"wording: {problem}" for problem in self.wording]
        return found


@dataclass
class CrawlResult:
    pages: list[PageCheck] = field(default_factory=list)

    @property
    def rendered(self) -> list[PageCheck]:
        return [p for p in self.pages if p.rendered]

    @property
    def downloads(self) -> list[PageCheck]:
        return [p for p in self.pages if not p.is_html]

    @property
    def violation_count(self) -> int:
        return sum(len(p.violations) for p in self.pages)

    def report(self) -> str:
        return "\n".join(
            f"{p.url} ({p.pattern}):\n" + "\n".join(f"  - {problem}" for problem in p.problems)
            for p in self.pages
            if p.problems
        )


def axe_violations(page: Page) -> list[str]:
    """Serious and critical axe-core violations (the tags of conftest) on the current page."""
    results = _axe.run(
        page,
        options={
            "runOnly": {"type": "tag", "values": AXE_TAGS},
            # Only the violations are needed: skipping the passes' details halves the run time.
            "resultTypes": ["violations"],
        },
    )
    blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    AXE_PAGES.append((page.url, len(blocking)))
    lines = []
    for violation in blocking:
        nodes = violation["nodes"]
        where = "; ".join(" ".join(map(str, node["target"])) for node in nodes[:5])
        more = f" (+{len(nodes) - 5} more)" if len(nodes) > 5 else ""
        detail = nodes[0].get("failureSummary", "").replace("\n", " ") if nodes else ""
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} at {where}{more}"
            f" [{detail}]"
        )
    return lines


# Issue 23: every text field is wide enough to read what is typed (10 em), and no label lies on
# top of its field. Measured in the page as it is laid out, so a style rule that squeezes a field
# anywhere (a grid cell, a flex row) is caught on every form, not only on the one it was seen on.
FORM_LAYOUT_SCRIPT = """
() => {
  const problems = [];
  const visible = (e) => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== "hidden";
  };
  const name = (e) => e.name || e.id || e.tagName.toLowerCase();
  const texts = document.querySelectorAll(
    'input:is([type=text],[type=email],[type=search],[type=tel],[type=url],[type=password],' +
    ':not([type])), textarea'
  );
  for (const e of texts) {
    if (!visible(e)) continue;
    const em = parseFloat(getComputedStyle(e).fontSize);
    const width = e.getBoundingClientRect().width;
    if (width < 10 * em - 0.5) {
      problems.push(`${name(e)} is ${Math.round(width)} px wide, under 10 em (${Math.round(10 * em)} px)`);
    }
  }
  for (const label of document.querySelectorAll("label[for]")) {
    const control = document.getElementById(label.htmlFor);
    if (!control || !visible(label) || !visible(control) || label.contains(control)) continue;
    const a = label.getBoundingClientRect(), b = control.getBoundingClientRect();
    const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    if (w > 1 && h > 1) problems.push(`the label of ${name(control)} overlaps its field`);
  }
  return problems;
}
"""


def form_layout_problems(page: Page) -> list[str]:
    """Text fields under 10 em wide and labels on top of their fields, on the current page."""
    return list(page.evaluate(FORM_LAYOUT_SCRIPT))


def page_wording_problems(page: Page) -> list[str]:
    """``wording_problems`` of the text the current page shows, with a form's error states."""
    return wording_problems(page.locator("body").inner_text())


class PageWatch:
    """Collects a page's console errors, uncaught exceptions and main-frame navigation responses
    (a download has no page, so its response is only seen here)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.errors: list[str] = []
        self.navigations: list[Response] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"uncaught {exc}"))
        page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            location = message.location.get("url", "")
            self.errors.append(f"{message.text} ({location})" if location else message.text)

    def _response(self, response: Response) -> None:
        request = response.request
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            self.navigations.append(response)

    def reset(self) -> None:
        # New lists: a check keeps the old one, so an error logged late (a favicon, a script
        # after the load event) still lands on the page that logged it.
        self.errors, self.navigations = [], []


def render(page: Page, url: str, watch: PageWatch) -> PageCheck:
    """Open ``url`` in the page: its status, console errors and axe violations. A download
    stops the navigation; its status is checked from the response."""
    watch.reset()
    try:
        response = page.goto(url, wait_until="load")
    except Error as exc:
        if "Download is starting" not in str(exc) or not watch.navigations:
            raise
        response = watch.navigations[-1]
        return PageCheck(
            response.url, route_pattern(response.url), response.status, media_type(response)
        )
    if response is None:
        raise AssertionError(f"no response for {url}")
    check = PageCheck(page.url, route_pattern(page.url), response.status, media_type(response))
    if check.is_html:
        check.rendered = True
        check.violations = axe_violations(page)
        check.layout = form_layout_problems(page)
        check.wording = page_wording_problems(page)
        check.console_errors = watch.errors
    return check


class _Links(HTMLParser):
    """A page's links, and its text without layout (white space collapsed, no scripts)."""

    UNSHOWN = {"script", "style", "template", "textarea", "title"}

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.texts: list[str] = []
        self._unshown = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)
        if tag in self.UNSHOWN:
            self._unshown += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.UNSHOWN:
            self._unshown = max(0, self._unshown - 1)

    def handle_data(self, data: str) -> None:
        if not self._unshown:
            self.texts.append(data)

    @property
    def text(self) -> str:
        return re.sub(r"[ \t\r\n]+", " ", " ".join(self.texts))


def fetch(page: Page, url: str) -> tuple[PageCheck, list[str]]:
    """Fetch ``url`` with the page's session without rendering it: its status and links."""
    response = page.request.get(url)
    check = PageCheck(response.url, route_pattern(response.url), response.status, "")
    check.content_type = (response.headers.get("content-type") or "").split(";")[0].strip()
    if not check.is_html or check.status >= 400:
        return check, []
    parser = _Links()
    parser.feed(response.text())
    # Without the layout, white space is the template's: only the words and numbers are checked.
    check.wording = wording_problems(parser.text, spacing=False)
    return check, [urljoin(response.url, href) for href in parser.hrefs]


def rendered_links(page: Page) -> list[str]:
    hrefs: list[str] = page.locator("a[href]").evaluate_all("links => links.map(a => a.href)")
    return hrefs


def crawl(
    page: Page,
    start_url: str,
    *,
    rendered: set[str],
    downloads: set[str],
    extra_urls: Iterable[str] = (),
) -> CrawlResult:
    """Breadth-first from ``start_url`` (and ``extra_urls``) over same-origin GET links, one
    URL per route pattern. A page whose template (``template_key``) is not in ``rendered`` is
    opened in the browser and checked with axe, and its template added to ``rendered``; one
    whose template is in it is only fetched. A download's pattern goes into ``downloads``, and
    is not fetched again (a PDF takes the server a second to make)."""
    parts = urlsplit(start_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    watch = PageWatch(page)
    result = CrawlResult()
    queue = deque([start_url, *extra_urls])
    queued = {route_pattern(url) for url in queue}
    while queue:
        url = queue.popleft()
        if len(result.pages) >= MAX_PATTERNS_PER_USER:
            raise AssertionError(
                f"the crawl from {start_url} passed {MAX_PATTERNS_PER_USER} route patterns"
            )
        if route_pattern(url) in downloads:
            continue
        if template_key(url) in rendered:
            check, links = fetch(page, url)
        else:
            check = render(page, url, watch)
            links = rendered_links(page) if check.rendered else []
            if check.rendered:
                rendered.update({template_key(url), template_key(check.url)})
        if not check.is_html:
            downloads.add(route_pattern(url))
        result.pages.append(check)
        queued.add(check.pattern)  # where a redirect ended
        for link in links:
            link, _ = urldefrag(link)
            link_parts = urlsplit(link)
            if f"{link_parts.scheme}://{link_parts.netloc}" != origin:
                continue
            if link_parts.path.startswith(SKIPPED_PREFIXES):
                continue
            pattern = route_pattern(link)
            if pattern not in queued:
                queued.add(pattern)
                queue.append(link)
    page.wait_for_timeout(250)  # an error the last page logs after its load event
    return result


def survey_link_new(browser: Browser, live_url: str) -> str:
    """A fresh answer link for a unit that has not answered this year's open demo survey, made
    by the analyst as in ``test_survey_link.py``: the only page a visitor reaches without a
    login besides the login page."""
    context = browser.new_context(locale="nb-NO")
    page = context.new_page()
    login(page, live_url, "analytiker")
    page.goto(f"{live_url}/kommuneundersokelse/")
    year = timezone.localdate().year
    page.locator("#main table").get_by_role("link", name=f"Kommuneundersøkelsen {year}").click()
    page.locator("#main").get_by_role("link", name=re.compile(r"^Invitasjoner")).click()
    page.locator("#main").get_by_label(re.compile(r"^Status")).select_option(label="Invitert")
    page.get_by_role("button", name="Vis").click()
    page.locator("#main table tbody a").first.click()
    page.get_by_role("button", name="Lag ny lenke").click()
    link = page.get_by_test_id("new-link").input_value()
    context.close()
    assert "/svar/" in link, link
    return live_url + urlsplit(link).path
