"""API of news and guidance, under ``/api/v1/news/``: the items the user may read, one item (404
outside its audience), and writing and editing for the publishers (``PUT`` with the version
read: 409 when a colleague saved in between, 422 for a missing title or text)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from integrering.audit.services import AccessContext
from integrering.schemas import ErrorOut, ObjectId

from .models import NewsItem
from .selectors import news_item_editable_get, news_item_get, news_visible_to
from .services import news_item_create, news_item_update

router = Router(tags=["nyheter"])


class NewsOut(Schema):
    id: int
    kind: str = Field(description="news eller guidance")
    title: str
    body: str
    link: str
    publisher: str = Field(description="Statsforvalteren, eller IMDi")
    published_on: datetime.date | None = Field(description="null for et utkast")
    version: int

    @staticmethod
    def of(item: NewsItem) -> NewsOut:
        return NewsOut(
            id=item.pk,
            kind=item.kind,
            title=item.title,
            body=item.body,
            link=item.safe_link,
            publisher=item.publisher,
            published_on=item.published_on,
            version=item.version,
        )


class NewsIn(Schema):
    kind: str = "news"
    title: str = ""
    body: str = ""
    link: str = ""
    publish: bool = Field(False, description="Publiser nå; ellers et utkast")
    version: int | None = Field(None, description="Ved endring: versjonen du leste")


@router.get("", response={200: list[NewsOut], 401: ErrorOut}, summary="Nyhetene du kan lese")
def news_list(request: HttpRequest) -> list[NewsOut]:
    return [NewsOut.of(item) for item in news_visible_to(request.user)[:200]]


@router.post(
    "",
    response={201: NewsOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Skriv en nyhet eller veiledning (Statsforvalteren eller direktoratet)",
)
def news_post(request: HttpRequest, payload: NewsIn) -> Status[NewsOut]:
    item = news_item_create(
        ctx=AccessContext.from_request(request),
        kind=payload.kind,
        title=payload.title,
        body=payload.body,
        link=payload.link,
        publish=payload.publish,
    )
    return Status(201, NewsOut.of(item))


@router.get(
    "{news_item_id}", response={200: NewsOut, 401: ErrorOut, 404: ErrorOut}, summary="Én nyhet"
)
def news_get(request: HttpRequest, news_item_id: ObjectId) -> NewsOut:
    return NewsOut.of(news_item_get(request.user, news_item_id))


@router.put(
    "{news_item_id}",
    response={200: NewsOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Endre en nyhet, med versjonen du leste",
)
def news_put(request: HttpRequest, news_item_id: ObjectId, payload: NewsIn) -> NewsOut:
    item = news_item_editable_get(request.user, news_item_id)
    if payload.version is None:
        raise ValidationError({"version": ["Oppgi versjonen nyheten hadde da du leste den."]})
    return NewsOut.of(
        news_item_update(
            ctx=AccessContext.from_request(request),
            item=item,
            kind=payload.kind,
            title=payload.title,
            body=payload.body,
            link=payload.link,
            publish=payload.publish,
            version=payload.version,
        )
    )
