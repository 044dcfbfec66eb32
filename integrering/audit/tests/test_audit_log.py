from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from conftest import World, client_for
from integrering.audit.models import AppendOnlyError, AuditEvent


def test_reading_a_person_page_is_recorded_with_who_what_route_and_allowed(world: World) -> None:
    client_for(world.owner).get(f"/personer/{world.person.pk}/")
    event = AuditEvent.objects.filter(person_id=world.person.pk, action="read").latest("id")
    assert event.username == "owner"
    assert event.allowed is True
    assert event.route == "personer/<int:person_id>/"
    assert event.method == "GET"
    assert event.organisation == "Oslo kommune"


def test_a_denied_attempt_is_recorded_as_denied(world: World) -> None:
    response = client_for(world.outsider).get(f"/api/v1/persons/{world.person.pk}")
    assert response.status_code == 404
    event = AuditEvent.objects.filter(person_id=world.person.pk, username="outsider").get()
    assert event.allowed is False
    assert event.route.startswith("api/v1/persons/")


def test_a_list_records_each_person_shown(world: World) -> None:
    client_for(world.owner).get("/personer/", {"q": "Eierstad"})
    listed = set(
        AuditEvent.objects.filter(action="search", username="owner").values_list(
            "person_id", flat=True
        )
    )
    assert listed == set(world.household.members.values_list("pk", flat=True))


def test_audit_records_cannot_be_changed_or_deleted(world: World) -> None:
    event = AuditEvent.objects.first()
    assert event is not None
    event.allowed = not event.allowed
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(allowed=False)
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_the_audit_log_command_prints_a_persons_entries_as_json(world: World) -> None:
    client_for(world.owner).get(f"/personer/{world.person.pk}/")
    client_for(world.outsider).get(f"/personer/{world.person.pk}/")
    out = io.StringIO()
    call_command("audit_log", "--person", str(world.person.pk), "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert {"user", "action", "allowed", "at"} <= set(rows[0])
    assert [(r["user"], r["action"], r["allowed"]) for r in rows][-2:] == [
        ("owner", "read", True),
        ("outsider", "read", False),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["abc", "-3", "0"])
def test_the_audit_log_command_explains_a_bad_person_id(value: str) -> None:
    with pytest.raises(CommandError, match="--person"):
        call_command("audit_log", "--person", value, "--json")
