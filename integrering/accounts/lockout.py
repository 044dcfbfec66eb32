"""Login lockout that an attacker cannot turn against the real user (issue 25).

- **By user name and address** (django-axes, ``AXES_LOCKOUT_PARAMETERS``): after
  ``AXES_FAILURE_LIMIT`` wrong passwords from one address for one user name, that pair is
  locked for ``AXES_COOLOFF_TIME``. Before, the user name alone was locked: anyone who knew it
  could lock its owner out for an hour with five guesses.
- **A progressive delay on the user name alone**: once a user name has had the limit's worth
  of failures from any addresses in the cool-off period, each attempt must wait
  ``2 ** (failures - limit)`` seconds after the last failure, at most ``DELAY_MAX_SECONDS``.
  An attempt sooner is not tried at all (so it counts for nothing) and gets 429 with the wait
  (``Retry-After``). Someone with many addresses tries at most one password a minute per user
  name; the real user, from an address that is not locked, gets in with the right password
  after at most that minute.
- **Administrators see and lift locks** (``login_locks``, ``login_lock_lift``; the page
  ``/innlogging/sperringer/``).
"""

from __future__ import annotations

import datetime
import logging
import math
from dataclasses import dataclass
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .access import administrator_require

logger = logging.getLogger(__name__)

DELAY_MAX_SECONDS = 60
TEMPLATE = "web/locked_out.html"


def client_address(request: HttpRequest) -> str:
    """The address a login attempt came from (``AXES_CLIENT_IP_CALLABLE``): ``REMOTE_ADDR``, or
    behind ``settings.PROXY_COUNT`` reverse proxies of ours, the address the outermost of them
    saw (counted from the right of X-Forwarded-For, which a client can only add to the left of)."""
    proxies = int(getattr(settings, "PROXY_COUNT", 0))
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return str(request.META.get("REMOTE_ADDR", ""))


def cool_off() -> datetime.timedelta:
    return datetime.timedelta(hours=float(settings.AXES_COOLOFF_TIME))


def failure_limit() -> int:
    return int(settings.AXES_FAILURE_LIMIT)


def _recent(now: datetime.datetime) -> Any:
    return AccessAttempt.objects.filter(attempt_time__gte=now - cool_off())


def delay_seconds(failures: int) -> int:
    """How long a user name waits after its last failure: none below the limit, then 1, 2, 4,
    … seconds, at most ``DELAY_MAX_SECONDS``."""
    limit = failure_limit()
    if failures < limit:
        return 0
    return min(2 ** min(failures - limit, 16), DELAY_MAX_SECONDS)


def login_delay_remaining(username: str, *, now: datetime.datetime | None = None) -> int:
    """Whole seconds before the next password for ``username`` is tried (0: now)."""
    now = now or timezone.now()
    found = (
        _recent(now)
        .filter(username=username)
        .aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    )
    wait = delay_seconds(found["failures"] or 0)
    if not wait or found["last"] is None:
        return 0
    remaining = (found["last"] + datetime.timedelta(seconds=wait) - now).total_seconds()
    return max(0, math.ceil(remaining))


class LoginDelayBackend:
    """The progressive delay, as an authentication backend after axes' own: an attempt within
    the delay is refused before any password is checked, and not counted as a failure
    (``axes_locked_out``, with ``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT`` off). It has no
    ``get_user``: it logs nobody in, so no session names it (Django's ``login`` and
    ``force_login`` take the first backend that has one)."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None or not username:
            return None
        wait = login_delay_remaining(username)
        if wait:
            request.login_delay_seconds = wait  # type: ignore[attr-defined]
            request.axes_locked_out = True  # type: ignore[attr-defined]
            raise PermissionDenied("Vent før du prøver igjen.")
        return None


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The answer to a locked or delayed attempt (``AXES_LOCKOUT_CALLABLE``): 429 with what to
    do, and ``Retry-After``."""
    wait = getattr(request, "login_delay_seconds", None)
    context = {"delay_seconds": wait, "cool_off_minutes": int(cool_off().total_seconds() // 60)}
    response = render(request, TEMPLATE, context, status=429)
    response["Retry-After"] = str(wait or int(cool_off().total_seconds()))
    return response


@dataclass(frozen=True)
class LoginLock:
    """One user name's failures from one address in the cool-off period."""

    id: int
    username: str
    ip_address: str
    failures: int
    last_attempt: datetime.datetime
    locked_until: datetime.datetime | None  # the pair is locked until then, or not locked

    @property
    def locked(self) -> bool:
        return self.locked_until is not None


@dataclass(frozen=True)
class UsernameDelay:
    username: str
    failures: int
    wait_seconds: int


def login_locks(*, user: Any, now: datetime.datetime | None = None) -> list[LoginLock]:
    """Every user name and address with failures in the cool-off period, the locked first; for
    administrators (403 for anyone else)."""
    administrator_require(user)
    now = now or timezone.now()
    locks = []
    for attempt in _recent(now).order_by("-attempt_time"):
        locked = attempt.failures_since_start >= failure_limit()
        locks.append(
            LoginLock(
                id=attempt.pk,
                username=attempt.username or "",
                ip_address=attempt.ip_address or "",
                failures=attempt.failures_since_start,
                last_attempt=attempt.attempt_time,
                locked_until=attempt.attempt_time + cool_off() if locked else None,
            )
        )
    return sorted(locks, key=lambda lock: not lock.locked)


def login_delays(*, user: Any, now: datetime.datetime | None = None) -> list[UsernameDelay]:
    """The user names that wait before their next attempt now; for administrators."""
    administrator_require(user)
    now = now or timezone.now()
    names = _recent(now).values_list("username", flat=True).distinct()
    delays = []
    for name in sorted({n for n in names if n}):
        wait = login_delay_remaining(name, now=now)
        if wait:
            failures = _recent(now).filter(username=name).aggregate(n=Sum("failures_since_start"))
            delays.append(UsernameDelay(name, int(failures["n"] or 0), wait))
    return delays


def login_lock_lift(*, user: Any, lock_id: int | None = None, username: str = "") -> int:
    """Lift one lock (a user name from one address), or every lock and the delay of a user
    name; returns how many records were lifted. For administrators (403 for anyone else)."""
    administrator_require(user)
    attempts = AccessAttempt.objects.all()
    if lock_id is not None:
        attempts = attempts.filter(pk=lock_id)
    elif username:
        attempts = attempts.filter(username=username)
    else:
        return 0
    lifted = attempts.count()
    attempts.delete()
    logger.warning(
        "Login lock lifted by %s: %s", user.get_username(), lock_id if lock_id else username
    )
    return lifted
