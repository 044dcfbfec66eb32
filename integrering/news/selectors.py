"""Who sees which news and guidance (seed 000 «Nytt siden sist», «Veiledning fra
Statsforvalteren»).

- The directorate's items (no county governor) reach every user.
- A county governor's items reach the users of the municipalities in its counties and the
  governor's own users.
- Drafts are seen only by the organisation that writes them (the governor's office, or the
  directorate's publishers).

An item outside the user's audience is 404 (``news_item_get``), so an id reveals nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from integrering.accounts.access import news_governor_id, publisher_of
from integrering.errors import NotFound

from .models import NewsItem

NOT_FOUND = "Finner ikke nyheten, eller du har ikke tilgang til den."


def news_visible_to(user: Any) -> QuerySet[NewsItem]:
    """Every item the user may read: published items of the audience, and the drafts of the
    user's own publishing organisation. Newest first."""
    if not getattr(user, "is_authenticated", False):
        return NewsItem.objects.none()
    governor_id = news_governor_id(user)
    published = Q(published_on__isnull=False) & (
        Q(county_governor__isnull=True)
        | (Q(county_governor_id=governor_id) if governor_id else Q(pk__in=[]))
    )
    may_publish, own_governor = publisher_of(user)
    drafts = Q(pk__in=[])
    if may_publish:
        drafts = Q(published_on__isnull=True) & (
            Q(county_governor_id=own_governor)
            if own_governor is not None
            else Q(county_governor__isnull=True)
        )
    return (
        NewsItem.objects.filter(published | drafts)
        .select_related("county_governor", "created_by")
        .order_by("-published_on", "-created_at")
    )


def news_for_user(user: Any, limit: int = 5) -> list[NewsItem]:
    """The newest published items the user's audience gets, for the start page."""
    return list(news_visible_to(user).filter(published_on__isnull=False)[:limit])


def news_item_get(user: Any, news_item_id: int) -> NewsItem:
    """One item the user may read; 404 otherwise."""
    item = news_visible_to(user).filter(pk=news_item_id).first()
    if item is None:
        raise NotFound(NOT_FOUND)
    return item


def news_item_editable_get(user: Any, news_item_id: int) -> NewsItem:
    """One item the user's organisation wrote; 404 for anyone else (also the audience)."""
    may_publish, own_governor = publisher_of(user)
    item = news_item_get(user, news_item_id) if may_publish else None
    if item is None or item.county_governor_id != own_governor:
        raise NotFound(NOT_FOUND)
    return item
