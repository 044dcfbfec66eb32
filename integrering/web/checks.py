"""Checks of the settings a production runs with (``integrering check --deploy``, issue 25).

The demo's switches must never reach production: the demo settings (its users with the password
«demo», its insecure default key), synthetic identity numbers (month + 80, which no real person
has, so a typing error could register a person who does not exist), and a wildcard host (any
Host header is believed, and the links in e-mails can be poisoned). Each is an error, so the
deploy check fails whatever ``--fail-level`` it is given.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

DEMO_ON = Error(
    "INTEGRERING_DEMO is on: the demo settings (demo users, the insecure default key) must not "
    "run in production.",
    hint="Unset INTEGRERING_DEMO in production.",
    id="integrering.E001",
)
SYNTHETIC_ON = Error(
    "Synthetic identity numbers (month + 80) are accepted: they belong to the demo and the tests.",
    hint="Unset INTEGRERING_SYNTHETIC_IDS (and INTEGRERING_DEMO, INTEGRERING_DEBUG) in production.",
    id="integrering.E002",
)
WILDCARD_HOST = Error(
    "ALLOWED_HOSTS has a wildcard: any Host header is believed, also in the links sent by e-mail.",
    hint="Set INTEGRERING_ALLOWED_HOSTS to the product's own host names.",
    id="integrering.E003",
)


@register(Tags.security, deploy=True)
def demo_switches_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """The demo's switches, refused in production settings."""
    errors = []
    if getattr(settings, "DEMO", False):
        errors.append(DEMO_ON)
    if getattr(settings, "SYNTHETIC_IDENTITY_NUMBERS", False):
        errors.append(SYNTHETIC_ON)
    if any("*" in host for host in settings.ALLOWED_HOSTS):
        errors.append(WILDCARD_HOST)
    return errors
