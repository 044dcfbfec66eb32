"""Data safety (issue 9 part 5): concurrent edits are refused, not lost.

Two caseworkers, each in their own thread with their own database connection, open the same
person and press «Lagre» at the same moment. Exactly one save wins; the other gets 409 with its
input still in the form; the stored data are the winner's, whole, never a mix. Repeated, so the
race is really run, on whichever database the suite runs on.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from conftest import client_for
from integrering.people.models import Person
from integrering.testing import make_household, make_user

ROUNDS = 5


def _form(person: Person, **changes: str) -> dict[str, Any]:
    return {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "birth_date": person.birth_date.isoformat(),
        "identity_number": person.identity_number,
        "relation": "main",
        "category": "from_reception",
        "version": person.version,
        **changes,
    }


def _save_together(clients: list[Client], url: str, forms: list[dict[str, Any]]) -> list[Any]:
    barrier = threading.Barrier(len(clients))
    responses: list[Any] = [None] * len(clients)

    def save(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            responses[i] = clients[i].post(url, forms[i])
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=save, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


# serialized_rollback: the tables are emptied after a transactional test; this puts the
# migrations' reference data (municipalities) back for the tests that come after.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_saves_of_one_person_keep_one_whole_and_refuse_the_other() -> None:
    household = make_household(municipality_number="0301", members=1, family_name="Samtidig")
    person = household.members.get()
    anne = client_for(make_user(municipality_number="0301", username="anne"))
    bjorn = client_for(make_user(municipality_number="0301", username="bjorn"))
    url = f"/personer/{person.pk}/endre/"

    for round_ in range(ROUNDS):
        person.refresh_from_db()
        forms = [
            _form(person, language=f"arabisk-{round_}", citizenship="Syria"),
            _form(person, language=f"tigrinja-{round_}", citizenship="Eritrea"),
        ]
        responses = _save_together([anne, bjorn], url, forms)

        statuses = sorted(r.status_code for r in responses)
        assert statuses == [302, 409], f"round {round_}: {statuses}"
        loser = next(r for r in responses if r.status_code == 409)
        winner = forms[[r.status_code for r in responses].index(302)]
        body = loser.content.decode()
        assert "Noen andre har lagret endringer" in body
        lost = forms[[r.status_code for r in responses].index(409)]
        assert f'value="{lost["language"]}"' in body  # the loser's input is kept for them
        person.refresh_from_db()
        assert (person.language, person.citizenship) == (
            winner["language"],
            winner["citizenship"],
        )
        assert person.version == forms[0]["version"] + 1
