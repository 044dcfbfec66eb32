"""integrering audit-log --person ID --json: who read or changed a person's data, and when."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from integrering.audit.selectors import audit_events_for_person


def _person_id(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise CommandError(f"--person må være en person-id (et heltall), ikke {value!r}.") from None
    if number < 1:
        raise CommandError("--person må være et positivt heltall.")
    return number


class Command(BaseCommand):
    help = "Print the audit log of one person: who, when, what, through which route, allowed or denied."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--person", required=True, help="the person's id")
        parser.add_argument("--json", action="store_true", help="print a JSON list")

    def handle(self, *args: Any, **options: Any) -> None:
        person_id = _person_id(options["person"])
        events = audit_events_for_person(person_id=person_id)
        rows = [
            {
                "at": event.at.isoformat(),
                "user": event.username,
                "organisation": event.organisation,
                "person": event.person_id,
                "action": event.action,
                "route": event.route,
                "method": event.method,
                "allowed": event.allowed,
                "detail": event.detail,
            }
            for event in events
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not rows:
            self.stdout.write(f"Ingen hendelser i tilgangsloggen for person {person_id}.")
            return
        for row in rows:
            verdict = "tillatt" if row["allowed"] else "AVVIST"
            self.stdout.write(
                f"{row['at']}  {row['user']:<24} {row['action']:<7} {verdict:<8} {row['route']}"
            )
