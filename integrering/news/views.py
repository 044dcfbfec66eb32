"""News and guidance pages (``/nyheter/``).

- ``news-list``: what the user may read, newest first (and the publisher's drafts);
- ``news-create``: a county governor officer or a directorate publisher writes an item;
- ``news-detail``: one item; 404 outside its audience (drafts: only the publisher's office);
- ``news-edit``: the publisher's office changes it, with optimistic locking.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from integrering.accounts.access import is_publisher, may_edit_news
from integrering.audit.services import AccessContext
from integrering.ui.forms import form_add_service_errors
from integrering.ui.http import no_store

from .forms import NewsItemForm
from .selectors import news_item_editable_get, news_item_get, news_visible_to
from .services import NOT_PUBLISHER, news_item_create, news_item_update


def _saved_message(request: HttpRequest, published: bool) -> None:
    messages.success(
        request,
        "Nyheten er publisert."
        if published
        else "Nyheten er lagret som utkast; den er ikke publisert.",
    )


@require_http_methods(["GET"])
@login_required
def news_list(request: HttpRequest) -> HttpResponse:
    items = list(news_visible_to(request.user)[:100])
    context = {"items": items, "can_publish": is_publisher(request.user)}
    return no_store(render(request, "news/list.html", context))


@require_http_methods(["GET", "POST"])
@login_required
def news_create(request: HttpRequest) -> HttpResponse:
    if not is_publisher(request.user):
        raise PermissionDenied(NOT_PUBLISHER)
    status = 200
    if request.method == "POST":
        form = NewsItemForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                item = news_item_create(
                    ctx=AccessContext.from_request(request),
                    kind=data["kind"],
                    title=data["title"],
                    body=data["body"],
                    link=data["link"],
                    publish=data["publish"],
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                _saved_message(request, item.published_on is not None)
                return redirect("news:news-detail", news_item_id=item.pk)
        else:
            status = 422
    else:
        form = NewsItemForm(initial={"publish": True})
    return no_store(render(request, "news/form.html", {"form": form, "item": None}, status=status))


@require_http_methods(["GET"])
@login_required
def news_detail(request: HttpRequest, news_item_id: int) -> HttpResponse:
    item = news_item_get(request.user, news_item_id)
    context: dict[str, Any] = {"item": item, "can_edit": may_edit_news(request.user, item)}
    return no_store(render(request, "news/detail.html", context))


@require_http_methods(["GET", "POST"])
@login_required
def news_edit(request: HttpRequest, news_item_id: int) -> HttpResponse:
    item = news_item_editable_get(request.user, news_item_id)
    status = 200
    if request.method == "POST":
        form = NewsItemForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                updated = news_item_update(
                    ctx=AccessContext.from_request(request),
                    item=item,
                    kind=data["kind"],
                    title=data["title"],
                    body=data["body"],
                    link=data["link"],
                    publish=data["publish"],
                    version=data["version"] if data["version"] is not None else -1,
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                _saved_message(request, updated.published_on is not None)
                return redirect("news:news-detail", news_item_id=item.pk)
        else:
            status = 422
    else:
        form = NewsItemForm(
            initial={
                "kind": item.kind,
                "title": item.title,
                "body": item.body,
                "link": item.link,
                "publish": item.published_on is not None,
                "version": item.version,
            }
        )
    return no_store(render(request, "news/form.html", {"form": form, "item": item}, status=status))


urlpatterns: list = [
    path("nyheter/", news_list, name="news-list"),
    path("nyheter/ny/", news_create, name="news-create"),
    path("nyheter/<int:news_item_id>/", news_detail, name="news-detail"),
    path("nyheter/<int:news_item_id>/endre/", news_edit, name="news-edit"),
]
