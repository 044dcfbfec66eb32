"""News and guidance: who writes, who reads (the governor's municipalities, everyone for the
directorate's), drafts only for the publisher's office, and edits with optimistic locking."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import Client

from conftest import World, client_for
from integrering.accounts.models import User
from integrering.accounts.roles import Role
from integrering.news.models import NewsItem
from integrering.news.selectors import news_for_user
from integrering.surveys.testing import OSLO_GOVERNOR
from integrering.testing import make_user


@pytest.fixture
def oslo_governor(db: None) -> User:
    return make_user(governor_name=OSLO_GOVERNOR)


def item(
    *, governor: User | None = None, published: bool = True, title: str = "Frokostprat"
) -> NewsItem:
    return NewsItem.objects.create(
        kind="news",
        title=title,
        body="Fredag 20. september 08:30.",
        county_governor=governor.organisation.county_governor if governor else None,  # type: ignore[union-attr]
        published_on=datetime.date(2026, 9, 1) if published else None,
    )


def test_the_governor_publishes_and_its_municipalities_read_it(
    world: World, oslo_governor: User
) -> None:
    response = client_for(oslo_governor).post(
        "/nyheter/ny/",
        {
            "kind": "guidance",
            "title": "Forlengelse av introduksjonsprogrammet",
            "body": "Programmet kan bare forlenges hvis ...",
            "link": "https://www.regjeringen.no/",
            "publish": "on",
        },
    )
    created = NewsItem.objects.get()
    assert response.status_code == 302
    assert created.published_on is not None
    assert created.county_governor == oslo_governor.organisation.county_governor  # type: ignore[union-attr]

    oslo = client_for(world.owner)
    assert oslo.get(f"/nyheter/{created.pk}/").status_code == 200
    assert "Forlengelse av introduksjonsprogrammet" in oslo.get("/nyheter/").content.decode()
    assert [i.pk for i in news_for_user(world.owner)] == [created.pk]

    bergen = client_for(world.outsider)
    assert bergen.get(f"/nyheter/{created.pk}/").status_code == 404
    assert "Forlengelse" not in bergen.get("/nyheter/").content.decode()
    assert news_for_user(world.outsider) == []
    assert bergen.get(f"/api/v1/news/{created.pk}").status_code == 404


def test_the_directorates_items_reach_everyone(world: World) -> None:
    analyst = make_user(roles=[Role.ANALYST])
    client_for(analyst).post(
        "/nyheter/ny/", {"kind": "news", "title": "Fra IMDi", "body": "Tekst", "publish": "on"}
    )
    created = NewsItem.objects.get()
    assert created.county_governor is None
    for user in (
        world.owner,
        world.outsider,
        make_user(governor_name="Statsforvalteren i Vestland"),
    ):
        assert client_for(user).get(f"/nyheter/{created.pk}/").status_code == 200


def test_a_draft_is_seen_only_by_the_publishers_office(world: World, oslo_governor: User) -> None:
    draft = item(governor=oslo_governor, published=False)
    colleague = make_user(governor_name=OSLO_GOVERNOR)
    assert client_for(colleague).get(f"/nyheter/{draft.pk}/").status_code == 200
    assert client_for(world.owner).get(f"/nyheter/{draft.pk}/").status_code == 404
    assert news_for_user(oslo_governor) == []


def test_municipal_users_cannot_write_or_edit(world: World, oslo_governor: User) -> None:
    published = item(governor=oslo_governor)
    owner = client_for(world.owner)
    assert owner.get("/nyheter/ny/").status_code == 403
    assert owner.get(f"/nyheter/{published.pk}/endre/").status_code == 404
    assert (
        owner.post("/nyheter/ny/", {"kind": "news", "title": "x", "body": "y"}).status_code == 403
    )


def test_an_edit_over_a_newer_save_is_refused_and_the_input_kept(oslo_governor: User) -> None:
    news = item(governor=oslo_governor)
    client = client_for(oslo_governor)
    form = {
        "kind": "news",
        "title": "Ny tittel",
        "body": "Ny tekst",
        "publish": "on",
        "version": "1",
    }
    assert client.post(f"/nyheter/{news.pk}/endre/", form).status_code == 302
    stale = client.post(f"/nyheter/{news.pk}/endre/", {**form, "title": "Min tittel"})
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "Noen andre har lagret endringer i nyheten" in page and "Min tittel" in page
    news.refresh_from_db()
    assert (news.title, news.version, news.published_on) == (
        "Ny tittel",
        2,
        datetime.date(2026, 9, 1),
    )


def test_the_api_lists_creates_and_puts_with_the_version(world: World, oslo_governor: User) -> None:
    client = client_for(oslo_governor)
    created = client.post(
        "/api/v1/news/",
        data=json.dumps({"kind": "news", "title": "API", "body": "Tekst", "publish": True}),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    news_id = created.json()["id"]
    put = client.put(
        f"/api/v1/news/{news_id}",
        data=json.dumps(
            {"kind": "news", "title": "API 2", "body": "Tekst", "publish": True, "version": 1}
        ),
        content_type="application/json",
    )
    assert put.status_code == 200 and put.json()["version"] == 2
    conflict = client.put(
        f"/api/v1/news/{news_id}",
        data=json.dumps(
            {"kind": "news", "title": "API 3", "body": "Tekst", "publish": True, "version": 1}
        ),
        content_type="application/json",
    )
    assert conflict.status_code == 409
    empty = client.post(
        "/api/v1/news/", data=json.dumps({"title": ""}), content_type="application/json"
    )
    assert empty.status_code == 422
    assert [n["title"] for n in client_for(world.owner).get("/api/v1/news/").json()] == ["API 2"]
    assert client_for(world.outsider).get("/api/v1/news/").json() == []


def test_news_for_user_gives_the_newest_published_items_up_to_the_limit(
    world: World, oslo_governor: User
) -> None:
    for n in range(7):
        item(governor=oslo_governor, title=f"Nyhet {n}")
    item(published=False, title="Utkast")
    assert len(news_for_user(world.owner)) == 5
    assert len(news_for_user(world.owner, limit=10)) == 7
    assert isinstance(client_for(world.owner), Client)
