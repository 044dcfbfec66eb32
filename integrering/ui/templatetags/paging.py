"""``{% pager page %}``: the navigation under a list («1–50 av 272», «Forrige side», «Neste
side»), its links keeping the list's filters (``ui/paging.py``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import QueryDict

from ..paging import Page, page_query

register = template.Library()


@register.inclusion_tag("ui/pager.html", takes_context=True)
def pager(context: dict[str, Any], page: Page[Any], label: str = "Sider") -> dict[str, Any]:
    """``label`` names the navigation for a screen reader when a page has more than one list
    («Sider med plasseringer»)."""
    request = context.get("request")
    params = request.GET if request is not None else QueryDict()
    return {
        "page": page,
        "label": label,
        "previous_query": page_query(params, page.previous_page_number)
        if page.has_previous
        else "",
        "next_query": page_query(params, page.next_page_number) if page.has_next else "",
    }
