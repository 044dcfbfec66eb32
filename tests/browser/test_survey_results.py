"""The municipal survey's results in the browser, on the demo's closed survey of last year: table
1 (response rates against the year before), table 2 (correlations with stars), a figure per
question compared with the two years before and across roles, open answers given a theme, the
PDF report built in the background and the Excel tables; and the cost-coverage table."""

from __future__ import annotations

import io
import re

from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.browser.conftest import assert_accessible, login

LAST_YEAR = timezone.localdate().year - 1


def test_the_analyst_reads_last_years_results_and_downloads_the_report(
    page: Page, live_url: str
) -> None:
    login(page, live_url, "analytiker")
    page.goto(f"{live_url}/kommuneundersokelse/")
    page.locator("#main").get_by_role(
        "link", name=f"Kommuneundersøkelsen {LAST_YEAR}"
    ).first.click()
    page.locator("#main").get_by_role("link", name="Resultater", exact=True).click()
    main = page.locator("#main")
    expect(
        main.get_by_role("heading", name=f"Resultater: Kommuneundersøkelsen {LAST_YEAR}")
    ).to_be_visible()
    results_url = page.url

    # Table 1: every role and «at least one», this year against the year before.
    table1 = main.get_by_role("table", name=re.compile("Tabell 1"))
    for label in ("Kommunedirektør", "Integreringsansvarlig", "Skole-/oppvekstsjef"):
        expect(table1.get_by_role("rowheader", name=label)).to_be_visible()
    expect(table1.get_by_role("rowheader", name=re.compile("Minst en"))).to_be_visible()
    expect(table1.get_by_role("columnheader", name=f"Prosent {LAST_YEAR - 1}")).to_be_visible()
    # Table 2: r for centrality with its p.
    table2 = main.get_by_role("table", name=re.compile("Tabell 2"))
    expect(table2.get_by_role("rowheader", name="Sentralitet")).to_be_visible()
    # A figure per question, with N: Likert scales, yes/no and multiple choice, each year
    # beside the two before, and the roles side by side; each chart is an SVG image with its
    # table as the text alternative.
    expect(
        main.get_by_role(
            "heading",
            name=re.compile(
                r"^Figur 1 – Kommunedirektør \(\d{4}: N=\d+, \d{4}: N=\d+, \d{4}: N=\d+\)"
            ),
        )
    ).to_be_visible()
    expect(
        main.get_by_role("heading", name=re.compile(r"Hvordan tilrettelegger kommunen"))
    ).to_be_visible()
    expect(main.get_by_role("heading", name=re.compile(r"\(IA\) \(N=\d+\)"))).not_to_have_count(0)
    expect(main.get_by_role("table", name=re.compile(r"^Tabell til Figur 1 –"))).to_be_visible()
    charts = main.locator("svg[role=img]")
    assert charts.count() >= 30
    expect(charts.first).to_be_visible()
    assert_accessible(page)

    # Open answers: give one a theme, and it is grouped under it.
    main.get_by_role("link", name=re.compile("Har du behov for mer informasjon")).first.click()
    expect(main.get_by_role("heading", name=re.compile("^Åpne svar"))).to_be_visible()
    assert_accessible(page)
    untagged = main.get_by_role("heading", name=re.compile(r"^Uten tema"))
    if untagged.count():
        field = main.get_by_label(re.compile("^Nytt tema for svaret fra")).first
        field.fill("Ønsker kurs")
        main.get_by_role("button", name="Legg til tema").first.click()
        expect(main.get_by_role("heading", name=re.compile(r"^Tema: Ønsker kurs"))).to_be_visible()
    else:
        expect(main.get_by_role("heading", name=re.compile(r"^Tema: "))).not_to_have_count(0)
    assert_accessible(page)
    page.goto(results_url)

    # The report as a PDF, built in the background: its page shows the progress, then the
    # download.
    main.get_by_role("button", name="Lag rapport (PDF)").click()
    expect(
        main.get_by_role("heading", name=f"Rapport: Kommuneundersøkelsen {LAST_YEAR}")
    ).to_be_visible()
    assert_accessible(page)
    download = main.get_by_role("link", name="Last ned rapporten (PDF)")
    expect(download).to_be_visible(timeout=180_000)
    assert_accessible(page)
    pdf_url = download.get_attribute("href")
    pdf_response = page.context.request.get(f"{live_url}{pdf_url}", timeout=120_000)
    assert pdf_response.ok
    assert pdf_response.headers["content-type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(pdf_response.body()))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert f"Kommuneundersøkelsen {LAST_YEAR}" in text
    assert "Minst en besvarelse" in text and "Innhold" in text
    assert f"Side 2 av {len(pdf.pages)}" in text
    page.goto(results_url)
    xlsx_url = main.get_by_role("link", name="Tabeller (Excel)").get_attribute("href")
    xlsx_response = page.context.request.get(f"{live_url}{xlsx_url}", timeout=60_000)
    assert xlsx_response.ok
    workbook = load_workbook(io.BytesIO(xlsx_response.body()))
    assert len(workbook.sheetnames) >= 2


def test_the_analyst_reads_the_cost_coverage_table_with_its_sum_row(
    page: Page, live_url: str
) -> None:
    login(page, live_url, "analytiker")
    page.goto(f"{live_url}/kostnadsdekning/")
    assert_accessible(page)
    page.locator("#main").get_by_role("link", name=re.compile("utvalgskommuner 2017")).first.click()
    table = page.locator("#main").get_by_role("table").first
    expect(table.get_by_role("rowheader", name=re.compile("Oslo"))).to_be_visible()
    # Seed 001: 573 224 hours over the sample, 763,8 hours per FTE.
    sum_row = table.locator("tr", has_text="Sum")
    expect(sum_row).to_contain_text("573")
    expect(sum_row).to_contain_text("763,8")
    assert_accessible(page)
