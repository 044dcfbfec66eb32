"""The programme's deadlines on the caseworker's dashboard: when the programme ends, and a
reminder to assess an extension before it does (``deadlines/casework`` kinds ``programme_end``
and ``programme_extension``).

Kept up to date by every step that moves the end (start, extension, a revised final goal) and
met when the programme ends. Sources: integreringsloven §§ 13-14 (length by final goal, the
extension an individual decision); seed 000 (extension only when there is «grunn til å
forvente» that the participant reaches the final goal).
"""

from __future__ import annotations

from integrering.audit.services import AccessContext
from integrering.casework.services.deadlines import (
    deadline_close,
    deadline_reminder_due,
    deadline_set,
)
from integrering.rules.parameters import RulesError

from ..models import Participation
from ..periods import planned_end

PROGRAMME_END = "programme_end"
PROGRAMME_EXTENSION = "programme_extension"
SERVICE = "refugee_service"


def programme_deadlines_sync(*, ctx: AccessContext, participation: Participation) -> None:
    """Open or move the programme's end and its extension reminder, or meet them once the
    programme has ended (on the day it ended)."""
    person = participation.person
    if participation.ended_on is not None:
        deadline_close(
            ctx=ctx,
            person=person,
            kinds=[PROGRAMME_END, PROGRAMME_EXTENSION],
            on=participation.ended_on,
            note=f"Programmet ble avsluttet {participation.ended_on:%d.%m.%Y}.",
        )
        return
    end = planned_end(participation, list(participation.extensions.all()))
    try:
        reminder = deadline_reminder_due(PROGRAMME_EXTENSION, end)
    except RulesError:
        return  # before the first dated rule (2018): no deadlines were kept then
    start = participation.starts_on
    deadline_set(person=person, kind=PROGRAMME_END, service=SERVICE, start=start, due=end)
    deadline_set(
        person=person, kind=PROGRAMME_EXTENSION, service=SERVICE, start=start, due=reminder
    )
