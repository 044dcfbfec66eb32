"""After a move within five years (seed 002 §2.1) the old municipality reads the programme it ran
for the persons before the handover: decisions, participation, periods, absence and benefit, and
nothing the new municipality writes after it (``programme/former.py``)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal

import pytest
import time_machine

from conftest import MUNICIPALITY_B, World, client_for
from integrering.audit.models import AuditEvent
from integrering.audit.services import AccessContext
from integrering.casework.models import CaseTransfer, TransferConsentMethod
from integrering.casework.services.transfers import (
    TransferInput,
    case_transfer_accept,
    case_transfer_propose,
)
from integrering.errors import NotFound
from integrering.programme.former import programme_before_move
from integrering.programme.models import (
    AbsenceChange,
    AbsenceVersion,
    BenefitRunStatus,
    EventKind,
    Participation,
    ProgrammeEvent,
)
from integrering.programme.services.benefit_compute import benefit_run_compute
from integrering.programme.services.benefit_run import benefit_run_approve, benefit_run_prepare
from integrering.programme.services.lifecycle import programme_absence
from integrering.programme.testing import CTX, make_participation, make_sent_decision
from integrering.testing import municipality

D = datetime.date


def _at(day: datetime.date) -> time_machine.travel:
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, 12, tzinfo=datetime.UTC)
    )


@pytest.fixture
def moved(world: World) -> Iterator[tuple[CaseTransfer, Participation]]:
    """Oslo runs the programme from 01.04.2024 (a sent start decision, two absences, an approved
    benefit run for April), and the household moves to Bergen on 01.09.2024 (handed over
    15.09.2024)."""
    with _at(D(2024, 5, 15)):
        participation = make_participation(world.person, starts_on=D(2024, 4, 1))
        make_sent_decision(participation, sent_on=D(2024, 4, 2))
        programme_absence(
            ctx=CTX,
            participation=participation,
            on=D(2024, 4, 10),
            hours=Decimal(2),
            approved=False,
        )
        programme_absence(
            ctx=CTX, participation=participation, on=D(2024, 4, 11), hours=Decimal(3), approved=True
        )
        ctx = AccessContext(user=world.owner, route="test")
        run = benefit_run_prepare(ctx=ctx, municipality=municipality("0301"), month=D(2024, 4, 1))
        computed = benefit_run_compute(run_id=run.pk)
        assert computed is not None and computed.status == BenefitRunStatus.PREVIEW
        benefit_run_approve(ctx=ctx, run=computed, confirm_same_user=True)
    with _at(D(2024, 9, 15)):
        transfer = case_transfer_propose(
            ctx=ctx,
            household=world.household,
            to_municipality=municipality(MUNICIPALITY_B),
            data=TransferInput(
                moved_on=D(2024, 9, 1),
                consent_on=D(2024, 8, 15),
                consent_method=TransferConsentMethod.SIGNED,
            ),
        )
        transfer = case_transfer_accept(
            ctx=AccessContext(user=world.outsider, route="test"), transfer=transfer, version=1
        )
    yield transfer, participation


def test_the_old_municipality_reads_the_programme_it_ran_with_its_payments(
    world: World, moved: tuple[CaseTransfer, Participation]
) -> None:
    transfer, participation = moved
    former = programme_before_move(
        ctx=AccessContext(user=world.owner, route="test"), transfer_id=transfer.pk
    )
    assert former.participations == [participation]
    assert [d.kind for d in former.decisions] == ["start"]
    assert [(a.on, a.hours, a.approved) for a in former.absences] == [
        (D(2024, 4, 10), Decimal("2.0"), False),
        (D(2024, 4, 11), Decimal("3.0"), True),
    ]
    (line,) = former.benefit_lines
    assert line.period == D(2024, 4, 1)
    assert line.days == 30
    assert line.absence_hours == Decimal("2.0")  # only the unapproved hours reduce it
    assert line.amount == line.gross - line.deduction
    assert line.deduction > 0
    assert AuditEvent.objects.filter(
        person_id=world.person.pk,
        detail=f"overføring {transfer.pk}: introduksjonsprogram før flyttingen, lesetilgang",
    ).exists()


def test_what_is_written_after_the_handover_is_not_shown_to_the_old_municipality(
    world: World, moved: tuple[CaseTransfer, Participation]
) -> None:
    transfer, participation = moved
    with _at(D(2024, 9, 20)):
        # The new municipality corrects an old entry and records new absence and an event.
        corrected = participation.absences.get(on=D(2024, 4, 10))
        AbsenceVersion.objects.create(
            absence=corrected,
            version=2,
            change=AbsenceChange.CORRECTED,
            change_reason="Legeerklæring levert i Bergen",
            old_on=corrected.on,
            old_hours=corrected.hours,
            old_approved=corrected.approved,
            new_on=corrected.on,
            new_hours=Decimal(2),
            new_approved=True,
        )
        type(corrected).all_objects.filter(pk=corrected.pk).update(approved=True, version=2)
        programme_absence(
            ctx=CTX,
            participation=participation,
            on=D(2024, 9, 16),
            hours=Decimal(1),
            approved=False,
        )
        ProgrammeEvent.objects.create(
            participation=participation,
            kind=EventKind.CHANGE,
            on=D(2024, 9, 20),
            summary="Fra Bergen",
        )
    former = programme_before_move(
        ctx=AccessContext(user=world.owner, route="test"), transfer_id=transfer.pk
    )
    assert [(a.on, a.approved) for a in former.absences] == [
        (D(2024, 4, 10), False),  # as it stood at the handover
        (D(2024, 4, 11), True),
    ]
    assert "Fra Bergen" not in [e.summary for e in former.events]
    page = client_for(world.owner).get(f"/flyttinger/{transfer.pk}/").content.decode()
    assert "Introduksjonsprogrammet før flyttingen" in page
    assert "Fra Bergen" not in page
    assert "16.09.2024" not in page
    assert "04.2024" in page  # the April payment


def test_only_the_old_municipality_reads_the_programme_before_the_move(
    world: World, moved: tuple[CaseTransfer, Participation]
) -> None:
    transfer, _participation = moved
    with pytest.raises(NotFound):
        programme_before_move(
            ctx=AccessContext(user=world.outsider, route="test"), transfer_id=transfer.pk
        )
    new_page = client_for(world.outsider).get(f"/flyttinger/{transfer.pk}/").content.decode()
    assert "Introduksjonsprogrammet før flyttingen" not in new_page


def test_the_old_municipality_cannot_change_the_programme_after_the_move(
    world: World, moved: tuple[CaseTransfer, Participation]
) -> None:
    _transfer, participation = moved
    old = client_for(world.owner)
    assert old.get(f"/api/v1/programmes/{participation.pk}").status_code in (403, 404)
    response = old.post(
        f"/api/v1/programmes/{participation.pk}/absences",
        data={"on": "2024-04-12", "hours": "1", "approved": False},
        content_type="application/json",
    )
    assert response.status_code in (403, 404)
    assert not participation.absences.filter(on=D(2024, 4, 12)).exists()
