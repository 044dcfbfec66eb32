"""Issue 22 item 2: the outcomes of an appeal act, and the appeal goes with its case documents.

A reduction of the benefit for May 2024 (82.5 unapproved hours, 11 061.96; see
``test_benefit_decisions.py``) is decided, sent, paid in the approved May run, and appealed. The
municipality forwards it with the letter, the plan, the evaluations, the attendance and the
absence of May (forvaltningsloven § 33). Quashed, the case comes back as a task on the start
page and the dashboard; changed, the decision gets a new version naming the county governor's
decision, and the June run corrects May.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from conftest import World, client_for
from integrering.accounts.roles import Service
from integrering.audit.services import AccessContext
from integrering.casework.models import Deadline
from integrering.casework.services.plan import (
    EvaluationInput,
    MeasureInput,
    PlanInput,
    plan_create,
    plan_evaluate,
)
from integrering.casework.tests.test_plan import a_final_goal
from integrering.programme.models import (
    Appeal,
    AppealStatus,
    BenefitLineKind,
    BenefitRunStatus,
    Decision,
    DecisionStatus,
    NorwegianTrainingBasis,
)
from integrering.programme.services.appeals import (
    appeal_decide_outcome,
    appeal_forward,
    appeal_register,
)
from integrering.programme.services.benefit_run import benefit_run_approve
from integrering.programme.services.decisions import decision_decide, decision_send
from integrering.programme.services.norwegian_training import (
    RightInput,
    norwegian_training_hours,
    norwegian_training_register,
    norwegian_training_start,
)
from integrering.programme.testing import make_participation
from integrering.programme.tests.test_benefit_decisions import DEDUCTION, absent_in_may
from integrering.programme.tests.test_benefit_run import (
    JUNE,
    MAY,
    api_client,
    computed,
    line,
    today,
)
from integrering.testing import make_user

__all__ = ["today"]  # the autouse fixture that pins the date (15.07.2024)

D = datetime.date
TODAY = D(2024, 7, 15)
OSLO_GOVERNOR = "Statsforvalteren i Oslo og Viken"


def ctx(user: object) -> AccessContext:
    return AccessContext(user=user, route="test")


def reduction_appealed(world: World) -> Appeal:
    """May's reduction decided, sent (received 02.07.2024) and paid; appealed 10.07.2024. The
    person has a plan evaluated in June and 20 of 60 hours of Norwegian training in May."""
    p = make_participation(world.person)
    absent_in_may(p)
    may = computed(world, MAY)
    decision = line(may, p).decision
    assert decision is not None
    colleague = ctx(world.colleague)
    decision = decision_decide(
        ctx=colleague, decision=decision, decided_on=D(2024, 7, 1), version=1
    )
    decision_send(
        ctx=colleague,
        decision=decision,
        sent_on=D(2024, 7, 1),
        received_on=D(2024, 7, 2),
        version=decision.version,
    )
    benefit_run_approve(ctx=colleague, run=may)
    owner = ctx(world.owner)
    plan = plan_create(
        ctx=owner,
        person=world.person,
        data=PlanInput(
            final_goal=a_final_goal(D(2024, 4, 1)),
            starts_on=D(2024, 4, 1),
            goals=["Norsk på B1-nivå"],
            measures=[
                MeasureInput(
                    description="Norskopplæring på dagtid",
                    service=Service.ADULT_EDUCATION,
                    starts_on=D(2024, 4, 2),
                    goal=0,
                )
            ],
        ),
    )
    plan_evaluate(
        ctx=owner,
        plan=plan,
        data=EvaluationInput(
            evaluated_on=D(2024, 6, 20),
            summary="Mye fravær i mai; ny avtale om oppmøte.",
            interpreter_used=True,
        ),
    )
    training = norwegian_training_register(
        ctx=owner,
        person=world.person,
        data=RightInput(basis=NorwegianTrainingBasis.RIGHT_AND_DUTY, right_from=D(2024, 3, 1)),
    )
    training = norwegian_training_start(
        ctx=owner, training=training, starts_on=D(2024, 4, 2), version=training.version
    )
    norwegian_training_hours(
        ctx=owner, training=training, month=MAY, taught=Decimal(60), attended=Decimal(20)
    )
    return appeal_register(
        ctx=owner,
        decision_id=decision.pk,
        received_on=D(2024, 7, 10),
        grounds="Fraværet skyldtes at barnet mitt var sykt.",
    )


def forwarded(world: World) -> Appeal:
    appeal = reduction_appealed(world)
    return appeal_forward(
        ctx=ctx(world.owner),
        appeal=appeal,
        assessment="Kommunen mener trekket er riktig.",
        version=appeal.version,
    )


def officer() -> object:
    return make_user(governor_name=OSLO_GOVERNOR)


# --- Forwarding: the deadline and the documents ----------------------------------------------------


def test_an_appeal_opens_the_deadline_to_forward_it_which_forwarding_meets(world: World) -> None:
    appeal = reduction_appealed(world)

    deadline = appeal.forward_deadline
    assert deadline is not None
    assert (deadline.kind, deadline.start_on, deadline.due_on) == (
        "appeal_forward",
        D(2024, 7, 10),
        D(2024, 8, 10),
    )
    dashboard = client_for(world.owner).get("/frister/").content.decode()
    assert "Klage: forbered og send til Statsforvalteren" in dashboard
    page = client_for(world.owner).get(f"/klager/{appeal.pk}/").content.decode()
    assert "Kommunen bør sende klagen til Statsforvalteren innen 10.08.2024" in page

    sent = appeal_forward(
        ctx=ctx(world.owner), appeal=appeal, assessment="Trekket er riktig.", version=1
    )

    deadline.refresh_from_db()
    assert (deadline.met_on, deadline.met_by) == (TODAY, world.owner)
    assert sent.status == AppealStatus.FORWARDED


def test_forwarding_bundles_the_letter_plan_evaluations_attendance_and_absence(
    world: World,
) -> None:
    appeal = forwarded(world)

    assert appeal.bundle_index == [
        {
            "title": "Vedtaksbrevet",
            "detail": f"Vedtak {appeal.decision.reference}, sendt 01.07.2024",
        },
        {"title": "Klagen og kommunens vurdering", "detail": "Klagen mottatt 10.07.2024"},
        {"title": "Individuell plan", "detail": "Gjelder fra 01.04.2024, 1 delmål, 1 tiltak"},
        {"title": "Evalueringer av planen", "detail": "1 evaluering"},
        {
            "title": "Oppmøte i opplæringen i norsk og samfunnskunnskap",
            "detail": "1 måned: 20 av 60 timer",
        },
        {
            "title": "Fravær, permisjoner og stans",
            "detail": "11 dager med fravær: 82,5 timer ikke godkjent, 0 godkjent; "
            "0 permisjoner og stans",
        },
    ]
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(bytes(appeal.bundle_pdf or b""))).pages
    )
    assert "Vedtak om trekk i introduksjonsstønaden" in text  # the letter comes first
    assert "Saksdokumenter i klagesaken" in text
    assert "Norsk på B1-nivå" in text and "Norskopplæring på dagtid" in text
    assert "Mye fravær i mai" in text
    assert "22.05.2024" in text
    assert "Fraværet skyldtes at barnet mitt var sykt." in text


def test_the_county_governor_and_the_municipality_see_the_documents_others_get_404(
    world: World,
) -> None:
    appeal = forwarded(world)
    governor = client_for(officer())  # type: ignore[arg-type]

    page = governor.get(f"/statsforvalteren/klager/{appeal.pk}/").content.decode()
    assert 'id="bundle-index"' in page
    assert "Oppmøte i opplæringen i norsk og samfunnskunnskap" in page
    pdf = governor.get(f"/statsforvalteren/klager/{appeal.pk}/saksdokumenter.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == (
        f'attachment; filename="klagesak-{appeal.decision.reference}.pdf"'
    )
    assert pdf.content == bytes(appeal.bundle_pdf or b"")
    mine = client_for(world.owner).get(f"/klager/{appeal.pk}/saksdokumenter.pdf")
    assert mine.status_code == 200 and mine.content == pdf.content

    other = client_for(make_user(governor_name="Statsforvalteren i Vestland"))
    assert other.get(f"/statsforvalteren/klager/{appeal.pk}/saksdokumenter.pdf").status_code == 404
    assert (
        client_for(world.outsider).get(f"/klager/{appeal.pk}/saksdokumenter.pdf").status_code == 404
    )


# --- Quashed: back to the municipality -----------------------------------------------------------


def test_a_quashed_decision_comes_back_as_a_task_until_the_new_decision_is_made(
    world: World,
) -> None:
    appeal = forwarded(world)
    old = appeal.decision

    appeal = appeal_decide_outcome(
        ctx=ctx(officer()),
        appeal=appeal,
        outcome=AppealStatus.QUASHED,
        reasoning="Kommunen har ikke vurdert om fraværet skyldtes barnets sykdom.",
        decided_on=TODAY,
        version=appeal.version,
    )

    task = appeal.returned_deadline
    assert task is not None
    assert (task.kind, task.start_on, task.due_on, task.met_on) == (
        "appeal_returned",
        TODAY,
        D(2024, 8, 15),
        None,
    )
    new = appeal.new_decision
    assert new is not None
    assert (new.status, new.replaces, new.kind, new.amount) == (
        DecisionStatus.DRAFT,
        old,
        old.kind,
        DEDUCTION,
    )
    assert new.benefit_period == MAY
    assert new.facts.startswith(f"{OSLO_GOVERNOR}, vedtak 15.07.2024 i klagesak {appeal.pk}")
    assert "barnets sykdom" in new.facts
    owner = client_for(world.owner)
    home = owner.get("/").content.decode()
    assert 'id="returned-appeals"' in home
    assert (
        f'href="/klager/{appeal.pk}/"' in home
        and "nytt vedtak innen <span>15.08.2024</span>" in home
    )
    assert (
        "Klage opphevet av Statsforvalteren: fatt nytt vedtak"
        in owner.get("/frister/").content.decode()
    )
    assert "utkast til nytt vedtak" in owner.get(f"/klager/{appeal.pk}/").content.decode()
    # Quashed, May is paid as computed (the same as paid): no correction line holds June back.
    june = computed(world, JUNE)
    assert not june.lines.filter(kind=BenefitLineKind.CORRECTION).exists()

    decision_decide(ctx=ctx(world.owner), decision=new, decided_on=TODAY, version=new.version)

    task.refresh_from_db()
    assert task.met_on == TODAY
    assert 'id="returned-appeals"' not in owner.get("/").content.decode()


# --- Changed: a new version, and the benefit corrected --------------------------------------------


def test_a_changed_reduction_is_a_new_version_and_the_next_run_corrects_the_month(
    world: World,
) -> None:
    appeal = forwarded(world)
    old = appeal.decision

    appeal = appeal_decide_outcome(
        ctx=ctx(officer()),
        appeal=appeal,
        outcome=AppealStatus.CHANGED,
        reasoning="Deler av fraværet var gyldig.",
        decided_on=TODAY,
        version=appeal.version,
        changed_conclusion="Stønaden for 05.2024 reduseres med kr 5 000,00.",
        changed_amount=Decimal("5000.00"),
        governor_reference="2024/1234",
    )

    new = appeal.new_decision
    assert new is not None
    assert (new.status, new.replaces, new.amount, new.benefit_period) == (
        DecisionStatus.SENT,
        old,
        Decimal("5000.00"),
        MAY,
    )
    assert (new.governor_reference, new.decided_on, new.reasoning) == (
        "2024/1234",
        TODAY,
        "Deler av fraværet var gyldig.",
    )
    assert new.conclusion == "Stønaden for 05.2024 reduseres med kr 5 000,00."
    with pytest.raises(ValidationError, match="endelig"):
        appeal_register(
            ctx=ctx(world.owner), decision_id=new.pk, received_on=TODAY, grounds="Igjen."
        )

    june = computed(world, JUNE)

    correction = line(june, old.participation, BenefitLineKind.CORRECTION)  # type: ignore[arg-type]
    assert correction.period == MAY
    assert correction.amount == DEDUCTION - Decimal("5000.00") == Decimal("6061.96")
    assert correction.deduction == Decimal("-6061.96")
    assert "trekk etter vedtak" in correction.note
    assert (
        benefit_run_approve(ctx=ctx(world.colleague), run=june).status == BenefitRunStatus.APPROVED
    )
    page = client_for(world.owner).get(f"/vedtak/{new.pk}/").content.decode()
    assert "2024/1234" in page and "kan ikke påklages" in page


def test_a_changed_outcome_needs_the_changed_decision_and_for_a_reduction_the_amount(
    world: World,
) -> None:
    appeal = forwarded(world)
    governor = officer()
    with pytest.raises(ValidationError) as refused:
        appeal_decide_outcome(
            ctx=ctx(governor),
            appeal=appeal,
            outcome=AppealStatus.CHANGED,
            reasoning="R",
            decided_on=TODAY,
            version=appeal.version,
        )
    assert set(refused.value.message_dict) == {"changed_conclusion", "changed_amount"}
    assert refused.value.message_dict["changed_amount"] == [
        "Oppgi beløpet som nå skal trekkes i stønaden (0 kr eller mer)."
    ]
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.FORWARDED
    assert Decision.objects.filter(replaces=appeal.decision).count() == 0


def test_the_governor_changes_the_decision_through_the_page_and_the_api_reports_it(
    world: World,
) -> None:
    appeal = forwarded(world)
    governor = officer()
    page = client_for(governor)  # type: ignore[arg-type]

    form = page.get(f"/statsforvalteren/klager/{appeal.pk}/").content.decode()
    assert 'name="changed_amount"' in form and 'name="changed_conclusion"' in form
    refused = page.post(
        f"/statsforvalteren/klager/{appeal.pk}/",
        {
            "outcome": "changed",
            "reasoning": "R",
            "decided_on": "15.07.2024",
            "version": appeal.version,
        },
    )
    assert refused.status_code == 422
    assert "Skriv vedtaket slik Statsforvalteren har endret det." in refused.content.decode()
    done = page.post(
        f"/statsforvalteren/klager/{appeal.pk}/",
        {
            "outcome": "changed",
            "reasoning": "Deler av fraværet var gyldig.",
            "decided_on": "15.07.2024",
            "governor_reference": "2024/77",
            "changed_conclusion": "Trekket settes til 0 kr.",
            "changed_amount": "0",
            "version": appeal.version,
        },
        follow=True,
    )
    assert done.status_code == 200
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.CHANGED
    assert appeal.new_decision is not None and appeal.new_decision.amount == Decimal("0.00")
    body = api_client(world.owner).get(f"/api/v1/appeals/{appeal.pk}").json()
    assert body["new_decision"] == appeal.new_decision_id
    assert body["forward_due_on"] == "2024-08-10"
    assert body["documents"][0].startswith("Vedtaksbrevet: Vedtak ")
    assert Deadline.objects.filter(person=world.person, kind="appeal_returned").count() == 0
