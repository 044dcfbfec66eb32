"""Printable documents (contracts, decision letters, reports) as PDF, rendered from Django
templates.

WeasyPrint lays out the HTML with its own print CSS. The documents hold personal data, so the
renderer fetches nothing: no network, no files; a template that asks for an outside resource
fails loudly instead of leaking a request or printing without it.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string


def pdf_from_template(template_name: str, context: dict[str, Any]) -> bytes:
    """Render ``template_name`` with ``context`` and lay it out as a PDF (A4 in our templates)."""
    # WeasyPrint takes about a third of a second to import: only a request for a PDF pays it.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(template_name, context)
    # Inline ``data:`` URLs (an embedded logo) are the only resources a template may use. A
    # fetcher keeps state per request, so each document gets its own.
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    return bytes(HTML(string=html, url_fetcher=fetcher).write_pdf())


def pdf_with_pages(template_name: str, context: dict[str, Any]) -> tuple[bytes, int]:
    """``pdf_from_template``, and the number of pages laid out (a report says how long it is)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(template_name, context)
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    document = HTML(string=html, url_fetcher=fetcher).render()
    return bytes(document.write_pdf()), len(document.pages)


def pdf_from_templates(parts: list[tuple[str, dict[str, Any]]]) -> bytes:
    """Several templates laid out one after the other as one PDF (a case's documents bundled),
    each with its own page style, under the same rule: no outside resources."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    documents = [
        HTML(
            string=render_to_string(name, context),
            url_fetcher=URLFetcher(allowed_protocols={"data"}, fail_on_errors=True),
        ).render()
        for name, context in parts
    ]
    pages = [page for document in documents for page in document.pages]
    return bytes(documents[0].copy(pages).write_pdf())
