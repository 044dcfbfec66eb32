"""Demo introduction programmes: adults of the demo households in the programme, with absence,
leave, stops, extensions and ends, and a few households settled 2014-2018 whose grants the
2018 rates cover (the only grant rates we have a source for), one of them with a covid package
extension. Everything goes through the real services."""

from __future__ import annotations

import datetime
import random
from dataclasses import replace
from decimal import Decimal

from integrering.accounts.models import User
from integrering.audit.services import AccessContext
from integrering.casework.services.arrival import person_facts
from integrering.organisations.models import Municipality
from integrering.people.models import Person, Relation
from integrering.people.services import household_register
from integrering.programme.models import Decision, EndReason, LeaveReason, Participation
from integrering.programme.periods import month_bounds, planned_end
from integrering.programme.services.appeals import appeal_forward, appeal_register
from integrering.programme.services.decisions import decision_decide, decision_send
from integrering.programme.services.extensions import ExtensionInput, programme_extend
from integrering.programme.services.lifecycle import (
    LeaveInput,
    StartInput,
    programme_absence,
    programme_end,
    programme_leave,
    programme_resume,
    programme_start,
    programme_stop,
)
from integrering.rules.deadlines import add_months, in_group

from .world import POST_TOWNS, _household_members

DAY = datetime.timedelta(days=1)
HISTORIC_SETTLEMENTS = [
    datetime.date(2014, 6, 2),
    datetime.date(2015, 3, 2),
    datetime.date(2016, 9, 1),
    datetime.date(2017, 2, 1),
    datetime.date(2018, 1, 15),
    datetime.date(2018, 8, 1),
    datetime.date(2018, 12, 3),
]


def _previous_month(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    return month_bounds(today.replace(day=1) - DAY)


def _start(
    ctx: AccessContext, person: Person, starts_on: datetime.date, months: int
) -> Participation:
    permit = person.arrival_date or starts_on - datetime.timedelta(days=90)
    return programme_start(
        ctx=ctx,
        person=person,
        data=StartInput(
            starts_on=starts_on,
            final_goal="standard" if starts_on >= datetime.date(2021, 1, 1) else "any",
            planned_months=months,
            permit_date=min(permit, starts_on),
            lives_with_parent=False,
        ),
    )


def _activity(ctx: AccessContext, p: Participation, index: int, today: datetime.date) -> None:
    """Something happened last month for most participants: absence, a leave or a stop."""
    first, last = _previous_month(today)
    if p.starts_on > first or planned_end(p, list(p.extensions.all())) < last:
        return
    if index % 5 == 1:
        programme_absence(
            ctx=ctx,
            participation=p,
            on=first + 2 * DAY,
            hours=Decimal(3),
            approved=False,
            reason="Uteble",
        )
        programme_absence(
            ctx=ctx,
            participation=p,
            on=first + 3 * DAY,
            hours=Decimal("7.5"),
            approved=True,
            reason="Legetime",
        )
    elif index % 5 == 2:
        programme_leave(
            ctx=ctx,
            participation=p,
            data=LeaveInput(
                from_on=first + 9 * DAY,
                to_on=first + 11 * DAY,
                leave_reason=LeaveReason.WELFARE,
                with_benefit=True,
                reason="Begravelse i familien",
            ),
        )
    elif index % 5 == 3:
        programme_stop(
            ctx=ctx,
            participation=p,
            from_on=first + 9 * DAY,
            reason="Uteble fra programmet i to uker uten å gi beskjed.",
        )
        programme_resume(ctx=ctx, participation=p, resumed_on=first + 19 * DAY)


LETTERS_SENT = 3  # each letter is a PDF: a few show the whole path without slowing the demo


def _decide_start(
    ctx: AccessContext, p: Participation, *, send: bool, appeal: bool, today: datetime.date
) -> Decision:
    """Decide the start decision a week before the start (not before settlement); send a few
    letters, and let the first participant appeal to the county governor."""
    decision = p.decisions.get()
    settled = p.person.settlement_date or p.starts_on
    decided_on = max(settled, p.starts_on - 7 * DAY)
    decision = decision_decide(
        ctx=ctx, decision=decision, decided_on=decided_on, version=decision.version
    )
    if not send or decided_on + DAY > today:
        return decision
    decision = decision_send(
        ctx=ctx, decision=decision, sent_on=decided_on + DAY, version=decision.version
    )
    received = decided_on + 10 * DAY
    if appeal and received <= today:
        registered = appeal_register(
            ctx=ctx,
            decision_id=decision.pk,
            received_on=received,
            grounds="Jeg ønsker sluttmålet fullført videregående opplæring, ikke arbeid.",
        )
        appeal_forward(
            ctx=ctx,
            appeal=registered,
            assessment="Kommunen mener sluttmålet er riktig ut fra kartleggingen og opprettholder vedtaket.",
            version=registered.version,
        )
    return decision


def demo_programmes_create(*, seed: int, today: datetime.date, caseworkers: dict[str, User]) -> int:
    """Start the programme for the main adult of every settled demo household old enough for it."""
    rng = random.Random(seed + 1)  # noqa: S311 - demo data, not secrets # nosec B311
    count = letters = 0
    mains = (
        Person.objects.filter(
            relation=Relation.MAIN,
            municipality__number__in=caseworkers,
            household__reference__startswith="DEMO-0",
        )
        .select_related("municipality", "household")
        .order_by("pk")
    )
    for index, person in enumerate(mains):
        settled = person.settlement_date
        if settled is None:
            continue
        starts_on = settled + datetime.timedelta(days=rng.randint(14, 60))
        if starts_on > today - datetime.timedelta(days=40) or not in_group(
            "programme", person_facts(person), starts_on
        ):
            continue
        ctx = AccessContext.command("demo-data", user=caseworkers[person.municipality.number])
        p = _start(ctx, person, starts_on, 24)
        count += 1
        oslo = person.municipality.number == "0301"
        decision = _decide_start(
            ctx, p, send=oslo and letters < LETTERS_SENT, appeal=oslo and letters == 0, today=today
        )
        letters += int(decision.status == "sent")
        end = planned_end(p, [])
        if end < today and index % 2 == 0:
            programme_extend(
                ctx=ctx,
                participation=p,
                data=ExtensionInput(
                    months=6,
                    assessment="Deltakeren er nær ved å bestå fagprøven og trenger et halvt år til.",
                    expected_to_reach_goal=True,
                ),
            )
            p.refresh_from_db()
            end = planned_end(p, list(p.extensions.all()))
        if end < today:
            reason = EndReason.WORK if index % 3 else EndReason.EDUCATION
            programme_end(ctx=ctx, participation=p, ended_on=end, reason=reason, version=p.version)
            continue
        _activity(ctx, p, index, today)
    return count


def demo_historic_households_create(
    *, seed: int, municipality: Municipality, caseworker: User
) -> tuple[int, int]:
    """Households settled 2014-2018 in one municipality (the 2018 grant claim has them); how
    many households and persons."""
    rng = random.Random(seed + 2)  # noqa: S311 - demo data, not secrets # nosec B311
    ctx = AccessContext.command("demo-data", user=caseworker)
    persons = 0
    postcode, post_town = POST_TOWNS[municipality.number]
    for index, settled in enumerate(HISTORIC_SETTLEMENTS, start=1):
        # An address for every member, so that their letters can be sent (as in ``world.py``).
        members = [
            replace(m, address_line=f"Historiegata {index}", postcode=postcode, post_town=post_town)
            for m in _household_members(rng, settled)
        ]
        household = household_register(
            ctx=ctx,
            municipality=municipality,
            reference=f"DEMO-H{index:04d}",
            members=members,
            settled_on=settled,
            caseworker=caseworker,
        )
        persons += len(members)
        if settled == HISTORIC_SETTLEMENTS[-1]:
            # Started 2019-03-01 and still in the programme on 2021-01-01: integration package II.
            main = household.members.order_by("pk").first()
            assert main is not None
            starts_on = datetime.date(2019, 3, 1)
            if not in_group("programme", person_facts(main), starts_on):
                continue
            p = _start(ctx, main, starts_on, 24)
            _decide_start(ctx, p, send=False, appeal=False, today=starts_on)
            programme_extend(
                ctx=ctx,
                participation=p,
                data=ExtensionInput(
                    months=4,
                    assessment="Koronapandemien stengte praksisplassen; fire måneder til gir arbeid.",
                    integration_package=True,
                    needed_for_work_or_education=True,
                ),
            )
            p.refresh_from_db()
            programme_end(
                ctx=ctx,
                participation=p,
                ended_on=add_months(starts_on, 28) - DAY,
                reason=EndReason.WORK,
                version=p.version,
            )
    return len(HISTORIC_SETTLEMENTS), persons
