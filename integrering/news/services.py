"""Writing news and guidance: a county governor officer for the municipalities of its counties,
the directorate (analysts, settlement planners, administrators) for all (seed 000).

An item is a draft until published; publishing sets today's date. Edits name the version they
started from (``integrering.concurrency``): a save over a colleague's newer save is refused.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from integrering.accounts.access import may_edit_news, publisher_of
from integrering.audit.services import AccessContext
from integrering.concurrency import version_bump
from integrering.validators import link_problem

from .models import NewsItem, NewsKind

NOT_PUBLISHER = (
    "Nyheter og veiledning skrives av Statsforvalteren og direktoratet (analytikere, "
    "bosettingsplanleggere og administratorer)."
)
TITLE_MAX = 200
BODY_MAX = 10_000


def _check(*, kind: str, title: str, body: str, link: str) -> None:
    errors: dict[str, list[str]] = {}
    problem = link_problem(link.strip())  # http and https only, whether from the form or the API
    if problem:
        errors["link"] = [problem]
    if kind not in NewsKind.values:
        errors["kind"] = ["Velg nyhet eller veiledning."]
    if not title.strip():
        errors["title"] = ["Skriv en tittel."]
    elif len(title) > TITLE_MAX:
        errors["title"] = [f"Tittelen kan være høyst {TITLE_MAX} tegn."]
    if not body.strip():
        errors["body"] = ["Skriv teksten."]
    elif len(body) > BODY_MAX:
        errors["body"] = [f"Teksten kan være høyst {BODY_MAX} tegn."]
    if errors:
        raise ValidationError(errors)


def news_item_create(
    *, ctx: AccessContext, kind: str, title: str, body: str, link: str = "", publish: bool
) -> NewsItem:
    """Write an item for the publisher's audience; published today, or kept as a draft."""
    may_publish, governor_id = publisher_of(ctx.user)
    if not may_publish:
        raise PermissionDenied(NOT_PUBLISHER)
    _check(kind=kind, title=title, body=body, link=link)
    return NewsItem.objects.create(
        kind=kind,
        title=title.strip(),
        body=body.strip(),
        link=link.strip(),
        county_governor_id=governor_id,
        published_on=timezone.localdate() if publish else None,
        created_by=ctx.acting_user,
    )


def news_item_update(
    *,
    ctx: AccessContext,
    item: NewsItem,
    kind: str,
    title: str,
    body: str,
    link: str = "",
    publish: bool,
    version: int,
) -> NewsItem:
    """Change an item of the publisher's own organisation. Publishing a draft dates it today; a
    published item keeps its date; ``publish=False`` takes it back to a draft."""
    if not may_edit_news(ctx.user, item):
        raise PermissionDenied(NOT_PUBLISHER)
    _check(kind=kind, title=title, body=body, link=link)
    published_on = (item.published_on or timezone.localdate()) if publish else None
    version_bump(
        NewsItem.objects.filter(pk=item.pk),
        expected=version,
        what="nyheten",
        kind=kind,
        title=title.strip(),
        body=body.strip(),
        link=link.strip(),
        published_on=published_on,
    )
    return NewsItem.objects.get(pk=item.pk)
