"""Tenant isolation over every route: an outsider never reaches another municipality's people.

The routes are enumerated from the URL resolver, so routes added later are covered without
touching this file, except to register the name of a new object kwarg below.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable

import pytest
from django.contrib import admin
from django.http import HttpResponse
from django.test import Client

from conftest import World, client_for
from integrering.accounts.models import User
from integrering.accounts.roles import Role, Service
from integrering.accounts.services import token_create
from integrering.audit.services import AccessContext
from integrering.casework.models import (
    CaseTransfer,
    Deadline,
    DisabilityGrantApplication,
    IndividualPlan,
    PracticeContract,
    Signature,
)
from integrering.casework.services.arrival import household_settle
from integrering.casework.services.consent import ConsentInput, consent_give
from integrering.casework.services.transfers import TransferInput, case_transfer_propose
from integrering.finance.models import (
    CostCoverageReport,
    EstablishmentApplication,
    EstablishmentPurchase,
    EstablishmentStatus,
)
from integrering.organisations.models import Municipality
from integrering.people.models import Household, HouseholdImport, InformationCategory, Person
from integrering.programme.models import Absence, BenefitRun, BenefitRunStatus, Participation
from integrering.programme.testing import (
    make_forwarded_appeal,
    make_participation,
    make_sent_decision,
)
from integrering.settlement import testing as settlement_testing
from integrering.surveys import testing as surveys_testing
from integrering.surveys.models import Invitation, Mailing, MailingKind, ReportBuild, Survey
from integrering.testing import make_user
from tests.routes import ISOLATION_PROBES, Route, all_routes


# How to fill in each object kwarg with an object that belongs to municipality A (the owner's).
def _settled(w: World) -> Household:
    """The owner's household, settled (notices, deadlines, first team meeting) on first use."""
    if not w.household.notices.exists():
        household_settle(ctx=AccessContext.command("test"), household=w.household)
    return w.household


def _consent(w: World) -> int:
    consent = w.person.consents.first() or consent_give(
        ctx=AccessContext(user=w.owner, route="test"),
        person=w.person,
        data=ConsentInput(
            services=[Service.NAV],
            categories=[InformationCategory.PERSONAL],
            valid_from=datetime.date(2024, 1, 1),
            signed_on=datetime.date(2024, 1, 1),
        ),
    )
    return consent.pk


def _establishment(w: World) -> EstablishmentApplication:
    """An approved application for establishment support with one approved purchase."""
    application, _ = EstablishmentApplication.objects.get_or_create(
        household=w.household,
        family_reunification=False,
        defaults={
            "municipality": w.household.municipality,
            "applied_on": datetime.date(2024, 4, 2),
            "adults": 2,
            "children": 1,
            "furniture_max": 50000,
            "clothes_max": 24000,
            "status": EstablishmentStatus.APPROVED,
            "furniture_granted": 50000,
            "clothes_granted": 24000,
            "decided_on": datetime.date(2024, 4, 3),
        },
    )
    if not application.purchases.exists():
        EstablishmentPurchase.objects.create(
            application=application,
            category="furniture",
            description="Seng",
            amount=5000,
            payment="cash",
            approved_on=datetime.date(2024, 4, 4),
        )
    return application


def _participation(w: World) -> Participation:
    return w.person.participations.first() or make_participation(w.person)


def _absence(w: World) -> Absence:
    participation = _participation(w)
    return participation.absences.first() or Absence.objects.create(
        participation=participation, on=datetime.date(2024, 4, 10), hours=2
    )


def _appeal(w: World) -> int:
    participation = _participation(w)
    decision = make_sent_decision(participation, sent_on=datetime.date(2024, 4, 2))
    appeal = decision.appeals.first() or make_forwarded_appeal(
        decision, received_on=datetime.date(2024, 4, 10)
    )
    return appeal.pk


def _transfer(w: World) -> CaseTransfer:
    """A move proposed by A (the owner) to a third municipality: A's side; the outsider's
    municipality (B) is on neither side and must reach nothing of it (seed 002 §2.1)."""
    return CaseTransfer.objects.filter(household=w.household).first() or case_transfer_propose(
        ctx=AccessContext(user=w.owner, route="test"),
        household=w.household,
        to_municipality=Municipality.objects.get(number="5001", valid_to__isnull=True),
        data=TransferInput(
            moved_on=datetime.date(2024, 9, 1),
            consent_on=datetime.date(2024, 8, 15),
            consent_method="signed",
        ),
    )


def _caseworker(w: World) -> User:
    """Municipality A's refugee-service caseworker: the people and their cases are theirs."""
    return w.owner


def _governor(w: World) -> User:
    """A county governor officer whose county holds municipality A (Oslo)."""
    return User.objects.filter(username="governor-a").first() or make_user(
        governor_name="Statsforvalteren i Oslo og Viken", username="governor-a"
    )


def _planner(w: World) -> User:
    """The directorate's settlement planner: settlement planning's objects are theirs."""
    return User.objects.filter(username="planner-a").first() or make_user(username="planner-a")


def _analyst(w: World) -> User:
    """The directorate's analyst: the municipal survey and the cost tables are theirs."""
    return User.objects.filter(username="analyst-a").first() or make_user(
        username="analyst-a", roles=[Role.ANALYST]
    )


def _leader(w: World) -> User:
    """Municipality A's leader, who answers the capacity survey for A."""
    return User.objects.filter(username="leader-a").first() or make_user(
        municipality_number="0301", username="leader-a", roles=[Role.MUNICIPAL_LEADER]
    )


def _capacity_round(w: World) -> int:
    from integrering.surveys.models import CapacityRound

    found = CapacityRound.objects.first() or surveys_testing.make_capacity_round()
    return found.pk


def _survey(w: World) -> Survey:
    return Survey.objects.filter(year=2026).first() or surveys_testing.make_survey(year=2026)


def _invitation(w: World) -> Invitation:
    questionnaire = _survey(w).questionnaires.get(role="integration_officer")
    return questionnaire.invitations.first() or surveys_testing.make_invitation(questionnaire)[0]


def _answer(w: World) -> int:
    invitation = _invitation(w)
    if not invitation.answers.exists():
        surveys_testing.make_submitted(invitation, {"bosetting_plan_hvorfor": "Ingen plan ennå"})
    return invitation.answers.first().pk  # type: ignore[union-attr]


def _report_build(w: World) -> int:
    """A finished report of the analyst's survey (a blank page as its PDF)."""
    import io

    from pypdf import PdfWriter

    pdf = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(pdf)
    build, _ = ReportBuild.objects.get_or_create(
        survey=_survey(w), defaults={"status": "done", "pdf": pdf.getvalue()}
    )
    return build.pk


def _news_item(w: World) -> int:
    from integrering.news.models import NewsItem

    item = NewsItem.objects.first() or NewsItem.objects.create(
        kind="news",
        title="Nytt fra Statsforvalteren",
        body="Frokostprat fredag.",
        county_governor=_governor(w).organisation.county_governor,  # type: ignore[union-attr]
        published_on=datetime.date(2026, 9, 1),
    )
    return item.pk


def _match_run(w: World) -> int:
    from integrering.settlement.models import MatchRun

    run = MatchRun.objects.first() or settlement_testing.make_match_run()
    return run.pk


def _answer_year(w: World) -> int:
    """A year with a request to municipality A, which A's leader answers."""
    from integrering.settlement.models import SettlementRequest

    if not SettlementRequest.objects.filter(year=2026, municipality__number="0301").exists():
        settlement_testing.make_request("0301", year=2026)
    return 2026


def _request_reminder(w: World) -> int:
    from integrering.settlement.models import RequestReminder

    return (RequestReminder.objects.first() or RequestReminder.objects.create(year=2026)).pk


OBJECT_KWARGS: dict[str, Callable[[World], object]] = {
    "person_id": lambda w: w.person.pk,
    "household_id": lambda w: w.household.pk,
    "consent_id": _consent,
    "deadline_id": lambda w: Deadline.objects.filter(person__household=_settled(w)).first().pk,  # type: ignore[union-attr]
    "notice_id": lambda w: _settled(w).notices.first().pk,  # type: ignore[union-attr]
    "meeting_id": lambda w: _settled(w).meetings.first().pk,  # type: ignore[union-attr]
    "import_id": lambda w: (
        HouseholdImport.objects.create(
            municipality=w.household.municipality,
            uploaded_by=w.owner,
            filename="liste.csv",
            content=b"",
        ).pk
    ),
    "contract_id": lambda w: (
        PracticeContract.objects.get_or_create(
            person=w.person,
            defaults={
                "employer_name": "Praksis AS",
                "employer_address": "Storgata 1, 0155 Oslo",
                "supervisor_name": "Veileder",
                "contact_person": "Kontaktperson",
                "starts_on": datetime.date(2024, 4, 1),
                "ends_on": datetime.date(2024, 6, 30),
                "hours_per_week": 20,
                "working_hours": "mandag–torsdag 09–14",
                "goal": "Mål",
                "tasks": "Oppgaver",
                "employer_responsibility": "Opplæring",
                "contact_responsibility": "Oppfølging",
                "programme_responsibility": "Forsikring",
            },
        )[0].pk
    ),
    "plan_id": lambda w: (
        IndividualPlan.objects.get_or_create(
            person=w.person,
            defaults={"final_goal": "standard", "starts_on": datetime.date(2024, 4, 1)},
        )[0].pk
    ),
    "signature_id": lambda w: (
        (
            Signature.objects.filter(person=w.person).first()
            or Signature.objects.create(
                person=w.person,
                document="practice_contract",
                practice_contract_id=int(str(OBJECT_KWARGS["contract_id"](w))),
                document_version=1,
                signer_role="employer",
                signer_name="Praksis AS",
                signed_on=datetime.date(2024, 4, 2),
                method="scanned",
                scan=b"\x89PNG\r\n\x1a\n" + bytes(24),
                scan_filename="avtale.png",
                scan_content_type="image/png",
                scan_size=32,
            )
        ).pk
    ),
    "grant_application_id": lambda w: (
        DisabilityGrantApplication.objects.get_or_create(
            person=w.person,
            budget_year=2024,
            defaults={
                "municipality": w.person.municipality,
                "grant": 1,
                "documentation_note": "Legeerklæring",
            },
        )[0].pk
    ),
    "application_id": lambda w: _establishment(w).pk,
    "purchase_id": lambda w: _establishment(w).purchases.first().pk,  # type: ignore[union-attr]
    "participation_id": lambda w: _participation(w).pk,
    "absence_id": lambda w: _absence(w).pk,
    "decision_id": lambda w: _participation(w).decisions.first().pk,  # type: ignore[union-attr]
    "appeal_id": _appeal,
    "governor_appeal_id": _appeal,
    "run_id": lambda w: (
        BenefitRun.objects.create(
            municipality=w.household.municipality,
            month=datetime.date(2024, 5, 1),
            status=BenefitRunStatus.PREVIEW,
        ).pk
    ),
    # Settlement planning (the directorate's; see OWNER_FOR_KWARG).
    "year": lambda w: 2026,
    "centre_id": lambda w: settlement_testing.make_centre().pk,
    "request_id": lambda w: settlement_testing.make_request("0301", decided=40).pk,
    "match_run_id": _match_run,
    "placement_id": lambda w: _match_run(w) and settlement_testing.Placement.objects.first().pk,  # type: ignore[union-attr]
    "waiting_household_id": lambda w: settlement_testing.make_waiting_household().pk,
    "waiting_import_id": lambda w: settlement_testing.make_waiting_import(_planner(w)).pk,
    "reminder_id": _request_reminder,
    "answer_year": _answer_year,  # the municipality's own request: its leader's
    # Monitoring: the capacity survey (the county governor's; the municipal leader answers),
    # the municipal survey and cost tables (the directorate analyst's), news (the governor's).
    "round_id": _capacity_round,
    "answer_round_id": _capacity_round,
    "survey_id": lambda w: _survey(w).pk,
    "mailing_id": lambda w: (
        Mailing.objects.get_or_create(kind=MailingKind.SURVEY_LINKS, survey=_survey(w))[0].pk
    ),
    "report_build_id": _report_build,
    "questionnaire_id": lambda w: _survey(w).questionnaires.first().pk,  # type: ignore[union-attr]
    "question_id": lambda w: _invitation(w).questionnaire.questions.first().pk,  # type: ignore[union-attr]
    "invitation_id": lambda w: _invitation(w).pk,
    "answer_id": _answer,
    "report_id": lambda w: (
        (
            CostCoverageReport.objects.first()
            or CostCoverageReport.objects.create(year=2017, title="Utvalgskommuner 2017")
        ).pk
    ),
    "news_item_id": _news_item,
    "transfer_id": lambda w: _transfer(w).pk,
}

# Routes whose kwarg is itself the credential (the survey link works without a login): they are
# checked apart, by ``test_a_link_route_answers_404_to_a_token_that_is_not_a_link``.
CAPABILITY_KWARGS = frozenset({"token"})

# Routes whose objects belong to someone other than the owner caseworker: the county governor's
# inbox is reached by the county governor of municipality A's county.
OWNER_FOR_KWARG: dict[str, Callable[[World], User]] = {
    "governor_appeal_id": _governor,
    "round_id": _governor,
    "news_item_id": _governor,
    "answer_round_id": _leader,
    "answer_year": _leader,
    **{
        kwarg: _analyst
        for kwarg in (
            "survey_id",
            "mailing_id",
            "report_build_id",
            "questionnaire_id",
            "question_id",
            "invitation_id",
            "answer_id",
            "report_id",
        )
    },
    **{
        kwarg: _planner
        for kwarg in (
            "year",
            "centre_id",
            "request_id",
            "match_run_id",
            "placement_id",
            "waiting_household_id",
            "waiting_import_id",
            "reminder_id",
        )
    },
}


def route_owner(route: Route) -> Callable[[World], User]:
    """Who reaches the objects a route names: the caseworker of municipality A, unless one of its
    kwargs belongs to someone else (``OWNER_FOR_KWARG``). Used by every sweep that must first
    show the route open to its owner, so that a refusal to anyone else proves something."""
    owner: Callable[[World], User] = _caseworker
    for kwarg in route.kwargs:
        owner = OWNER_FOR_KWARG.get(kwarg, owner)
    return owner


ROUTES = [r for r in all_routes() if r.namespace != "admin"]
OBJECT_ROUTES = [r for r in ROUTES if r.kwargs and not CAPABILITY_KWARGS & set(r.kwargs)]
LINK_ROUTES = [r for r in ROUTES if CAPABILITY_KWARGS & set(r.kwargs)]
LIST_ROUTES = [r for r in ROUTES if not r.kwargs]


def test_the_sweep_finds_the_person_routes_of_both_html_and_api() -> None:
    names = {r.name for r in ROUTES}
    assert {"casework:person-detail", "people:household-detail", "people:person-list"} <= names
    assert any(r.namespace == "api" and r.kwargs == ("person_id",) for r in ROUTES)
    print(f"\nisolation sweep: {len(ROUTES)} routes, {len(OBJECT_ROUTES)} with an object id")


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=lambda r: r.name)
def test_every_object_route_names_a_registered_kwarg(route: Route) -> None:
    unknown = [k for k in route.kwargs if k not in OBJECT_KWARGS]
    assert not unknown, (
        f"{route.pattern}: register {unknown} in OBJECT_KWARGS so the sweep can check it"
    )


@pytest.mark.parametrize("route", LINK_ROUTES, ids=lambda r: r.name)
def test_a_link_route_answers_404_to_a_token_that_is_not_a_link(world: World, route: Route) -> None:
    """A made-up token reaches nothing, by any method, logged in or not."""
    url = route.build({k: "ikke-en-gyldig-lenke-0123456789abcdef" for k in route.kwargs})
    for client in (Client(), client_for(world.outsider)):
        for method in ("get", "post", "put", "patch", "delete"):
            status = getattr(client, method)(url).status_code
            assert status in {404, 405}, f"{method} {url}: {status}"


def _clients(world: World, route: Route) -> dict[str, Client]:
    clients = {"session": client_for(world.outsider)}
    if route.namespace == "api":
        token = token_create(user=world.outsider).token
        clients["token"] = Client(headers={"Authorization": f"Bearer {token}"})
    return clients


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=lambda r: r.name)
def test_outsider_gets_404_for_an_object_of_another_municipality(
    world: World, route: Route
) -> None:
    url = route.build({k: OBJECT_KWARGS[k](world) for k in route.kwargs})

    owner = route_owner(route)(world)
    owner_status = client_for(owner).get(url).status_code
    assert owner_status in {200, 405}, (
        f"the owner must reach {url} (got {owner_status}), or the check proves nothing"
    )

    for how, client in _clients(world, route).items():
        statuses = {}
        for method in ("get", "post", "put", "patch", "delete"):
            response = getattr(client, method)(url, **_body(route, method))
            statuses[method] = response.status_code
            if _rejected_before_lookup(route, response):
                statuses[method] = 404  # the same answer for every id: nothing is revealed
        assert set(statuses.values()) <= {404, 405}, f"outsider ({how}) reached {url}: {statuses}"
        assert 404 in statuses.values(), f"outsider ({how}) on {url}: expected 404, got {statuses}"
    ISOLATION_PROBES.add(route.name)


def _body(route: Route, method: str) -> dict[str, object]:
    """API writes get an empty JSON object, so a body with only defaults reaches the view."""
    if route.namespace == "api" and method in {"post", "put", "patch"}:
        return {"data": "{}", "content_type": "application/json"}
    return {}


def _rejected_before_lookup(route: Route, response: HttpResponse) -> bool:
    """An API body that fails the schema is refused by django-ninja before the view looks up the
    object, with pydantic's list of field errors (no object data in it)."""
    if route.namespace != "api" or response.status_code not in {400, 422}:
        return False
    detail = json.loads(response.content).get("detail")
    return isinstance(detail, list)


@pytest.mark.parametrize("route", LIST_ROUTES, ids=lambda r: r.name)
def test_outsider_sees_no_person_of_another_municipality_on_any_list(
    world: World, route: Route
) -> None:
    url = route.build({})
    secrets = [p.identity_number for p in world.household.members.all()] + [
        world.household.reference,
        "Eierstad",
    ]
    for how, client in _clients(world, route).items():
        response = client.get(url, {"q": "Person"})  # matches names in both municipalities
        assert response.status_code < 500, f"{url} ({how}) failed with {response.status_code}"
        body = response.content.decode(errors="replace")
        leaked = [s for s in secrets if s and s in body]
        assert not leaked, f"outsider ({how}) saw {leaked} on {url}"
    ISOLATION_PROBES.add(route.name)


def test_the_person_list_does_show_the_owner_their_own_people(world: World) -> None:
    response = client_for(world.owner).get("/personer/", {"q": "Eierstad"})
    assert response.status_code == 200
    assert (world.person.identity_number or "(none)") in response.content.decode()


def test_people_are_not_registered_in_the_admin_which_bypasses_selectors() -> None:
    assert Person not in admin.site._registry
    assert Household not in admin.site._registry


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/accounts/user/",
        "/admin/audit/auditevent/",
        "/admin/organisations/municipality/",
    ],
)
def test_admin_is_closed_to_municipal_users(world: World, path: str) -> None:
    response = client_for(world.outsider).get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
