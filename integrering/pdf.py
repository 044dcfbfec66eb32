"""Printable documents (contracts, decision letters) as PDF, rendered from Django templates.

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
