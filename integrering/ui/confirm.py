"""The confirmation step of an irreversible action (issue 23 item 2), without JavaScript.

An action that cannot be undone (approving a benefit run, confirming a matcher run, deciding or
sending a decision, closing a survey) asks first. Its view builds a ``Confirmation``: what will
happen, in figures («120 husstander, 334 personer overføres til 17 kommuner»), and calls
``confirmation_ask``:

    asked = confirmation_ask(request, confirmation)
    if asked is not None:
        return asked  # the page that says what will happen, with «Bekreft» and «Avbryt»
    ...  # confirmed: do it

The page posts the same fields again (carried as hidden inputs, CSRF token and version fields
included) plus ``bekreft``, whose value is a fingerprint of the summary shown. The action is done
only when that fingerprint matches the summary computed anew: if the figures changed in between
(someone else changed a placement), the page is shown again with the new figures. The
fingerprint is no secret; CSRF and the optimistic version checks keep their own jobs.

Each such view is declared with ``@irreversible``, which lists it in ``IRREVERSIBLE``;
``tests/test_irreversible_actions.py`` posts to every route of a listed view without the
confirmation and checks that nothing changed and the summary was shown.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from integrering.ui.http import no_store

CONFIRM_FIELD = "bekreft"
# Fields the page does not carry again: the token is the page's own, the confirmation its answer.
NOT_CARRIED = frozenset({"csrfmiddlewaretoken", CONFIRM_FIELD})

View = TypeVar("View", bound=Callable[..., HttpResponse])

# Every view that does something irreversible, by "module.name": filled by ``@irreversible``.
IRREVERSIBLE: dict[str, Callable[..., HttpResponse]] = {}


def irreversible(view: View) -> View:
    """Declare ``view`` an irreversible action: it asks with ``confirmation_ask`` before it acts,
    and the test of irreversible actions checks every route to it."""
    IRREVERSIBLE[f"{view.__module__}.{view.__qualname__}"] = view
    view.irreversible = True  # type: ignore[attr-defined]
    return view


@dataclass(frozen=True)
class Confirmation:
    """What an irreversible action will do, as the confirmation page shows it.

    ``title``: the question («Godkjenne stønaden for 03.2026?»); ``summary``: the consequence
    in one sentence with its figures; ``facts``: label and value pairs; ``consequences``: what
    cannot be undone, one sentence each; ``button``: the text of the confirming button;
    ``cancel_url``: where «Avbryt» goes (the object's page); ``warnings``: what the user should
    know before confirming (shown as a warning).
    """

    title: str
    summary: str
    button: str
    cancel_url: str
    facts: tuple[tuple[str, str], ...] = ()
    consequences: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def token(self) -> str:
        """A fingerprint of what the page says: the action is done only if it is still true."""
        text = "\n".join(
            [
                self.title,
                self.summary,
                *(f"{k}: {v}" for k, v in self.facts),
                *self.consequences,
                *self.warnings,
            ]
        )
        return hashlib.sha256(text.encode()).hexdigest()[:20]


def confirmation_given(request: HttpRequest, confirmation: Confirmation) -> bool:
    """The request is a POST that confirms exactly this summary."""
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == confirmation.token


def confirmation_ask(request: HttpRequest, confirmation: Confirmation) -> HttpResponse | None:
    """None when the request confirms ``confirmation``; otherwise the page that asks (status
    200), with a notice when an earlier confirmation was of figures that have since changed."""
    if confirmation_given(request, confirmation):
        return None
    carried = [
        (name, value)
        for name, values in (request.POST.lists() if request.method == "POST" else [])
        if name not in NOT_CARRIED
        for value in values
    ]
    context: dict[str, Any] = {
        "confirmation": confirmation,
        "carried": carried,
        "confirm_field": CONFIRM_FIELD,
        "changed": request.method == "POST" and CONFIRM_FIELD in request.POST,
        "action": request.path,
    }
    return no_store(render(request, "ui/confirm.html", context))
