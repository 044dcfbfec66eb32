"""Who reaches what (issue 9 part 1): every route, HTML and API, for every role and anonymous.

The isolation sweep (test_isolation.py) proves that nobody reaches another municipality's
people. This sweep proves the other axis, inside the owner's own organisations: for each route
and each role, the user reaches the route exactly when ``POLICY`` says so, and sees a person's
identity number only when their role and that person's consent allow it.

The world: municipality A (Oslo) with a household of three; the first person has consented to
sharing personal data with NAV, the others have not. One user per role: the eight municipal
services and the leader in Oslo, the county governor officer of Oslo's county, and the
directorate's planner, analyst and administrator. Routes are enumerated from the URL resolver:
a new route fails ``test_every_route_has_a_policy`` until its access is declared here.

A route is probed with GET, or with an empty POST where GET is not allowed (a write that
reaches the view answers with its validation message, not with 403/404). "Reached" means the
view answered; "refused" means 401, 403, 404, or the redirect to the login page.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

import pytest
from django.http import HttpResponse
from django.test import Client

from conftest import World, client_for
from integrering.accounts.models import User
from integrering.accounts.roles import ROLE_SERVICE, Role
from integrering.audit.services import AccessContext
from integrering.casework.models import Notice
from integrering.casework.services.consent import consent_withdraw
from integrering.casework.tests.test_plan import _plan
from integrering.people.models import Consent
from integrering.testing import make_user
from tests.routes import MATRIX_PROBES, Route
from tests.test_isolation import (
    CAPABILITY_KWARGS,
    OBJECT_KWARGS,
    ROUTES,
    _analyst,
    _governor,
    _leader,
    _planner,
)

ANON = "anonymous"
REFUGEE = Role.REFUGEE_SERVICE_CASEWORKER.value
NAV = Role.NAV_CASEWORKER.value
LEADER = Role.MUNICIPAL_LEADER.value
GOVERNOR = Role.COUNTY_GOVERNOR_OFFICER.value
PLANNER = Role.SETTLEMENT_PLANNER.value
ANALYST = Role.ANALYST.value
ADMIN = Role.ADMINISTRATOR.value
PARTNERS = frozenset(
    r.value
    for r in (
        Role.NAV_CASEWORKER,
        Role.ADULT_EDUCATION_CASEWORKER,
        Role.SCHOOL_CASEWORKER,
        Role.KINDERGARTEN_CASEWORKER,
        Role.HEALTH_CASEWORKER,
        Role.HOUSING_CASEWORKER,
        Role.CHILD_WELFARE_CASEWORKER,
    )
)
MUNICIPAL = PARTNERS | {REFUGEE, LEADER}
DIRECTORATE = frozenset({PLANNER, ANALYST, ADMIN})
EVERY_ROLE = MUNICIPAL | {GOVERNOR} | DIRECTORATE
ROLES = (ANON, *sorted(EVERY_ROLE))

# Groups of the policy.
NOBODY: frozenset[str] = frozenset()
PUBLIC = EVERY_ROLE | {ANON}
CASE = frozenset({REFUGEE, LEADER})  # the whole case: the coordinator and the leader
CASE_EDIT = frozenset({REFUGEE})  # only the refugee service changes the case
CONSENTED = CASE | {NAV}  # NAV has the first person's consent to personal data

POLICY: dict[str, frozenset[str]] = {}


def allow(roles: Iterable[str], *names: str) -> None:
    for name in names:
        assert name not in POLICY, f"{name} declared twice"
        POLICY[name] = frozenset(roles)


# Everyone logged in: the start page, lists filtered to what each user reaches (their content is
# checked below and by the isolation sweep), the rates, the news, the rules calculators.
allow(
    EVERY_ROLE,
    "web:home",
    "people:person-list",
    "people:household-list",
    "casework:household-import-example",
    "casework:deadline-dashboard",
    "casework:notice-inbox",
    "programme:participant-list",
    "programme:decision-list",
    "programme:appeal-list",
    "rules:rates",
    "news:news-list",
    "api:me",
    "api:persons_list",
    "api:notices_list",
    "api:deadlines_list",
    "api:benefit",
    "api:integration_grant",
    "api:norwegian_grant",
    "api:disability_grant",
    "api:unaccompanied_minor_grant",
    "api:establishment",
    "api:integration_package",
    "api:parameters_in_force",
    "api:decisions_list",
    "api:decisions_create",
    "api:appeals_list",
    "api:programme_list",
    "api:programme_create",
    "api:norwegian_extension_create",
    "api:news_list",
    "api:news_post",
    # Writes that every user reaches with an empty body (refused for the body, 422), whose
    # objects are checked by role inside: the household API.
    "api:household_create",
    "api:household_import_create",
)
allow(PUBLIC, "web:login", "web:logout", "web:favicon", "api:openapi-json", "api:openapi-view")
allow(NOBODY, "api:api-root")
allow({ADMIN}, "web:login-locks")

# A person: every municipal service sees that the person exists and whom to contact (seed 002
# Vedlegg 3); the details are checked by consent below.
allow(MUNICIPAL, "casework:person-detail", "api:person_detail")
# A household: the whole case, or a service with consent for one of its members.
allow(CONSENTED, "people:household-detail", "api:household_detail")
# The whole case, read: the coordinator and the leader.
allow(
    CASE,
    "casework:consent-list",
    "casework:mapping",
    "casework:mapping-history",
    "casework:meeting-edit",
    "casework:practice-signatures",  # GET; recording one needs the refugee service
    "casework:individual-plan-pdf",
    "casework:individual-plan-signatures",  # GET; recording one needs the refugee service
    "casework:consent-pdf",
    "casework:consent-signatures",  # GET; recording one needs the refugee service
    "casework:signature-scan",
    "casework:plan",
    "casework:plan-versions",
    "casework:practice-list",
    "casework:practice-edit",
    "casework:practice-pdf",
    "casework:disability-grant-municipality",
    "casework:disability-grant-list",
    "casework:disability-grant-detail",  # the leader reads it; the refugee service changes it
    "finance:establishment-list",
    "finance:establishment-detail",
    "finance:establishment-register",
    "api:establishment_applications_list",
    "api:establishment_application_post",  # the same path: GET lists them
    "api:establishment_application_get",
    "programme:person-programmes",
    "programme:participation-detail",
    "programme:absence-detail",
    "programme:decision-detail",
    "programme:decision-letter",
    "programme:appeal-detail",
    "programme:appeal-bundle",
    "programme:benefit-run-list",
    "programme:benefit-run-detail",
    "programme:benefit-run-export-csv",
    "programme:benefit-run-export-xlsx",
    "programme:grant-claim",
    "programme:grant-claim-export",
    "programme:register-export",
    "programme:package-report",
    "programme:norwegian-training",  # GET; posting a step needs adult education or refugee
    "api:norwegian_training_get",
    "api:norwegian_training_post",  # the same path: GET reads it
    "api:practice_contracts_list",
    "api:practice_contract_post",
    "api:practice_contract_pdf",
    "api:disability_grant_applications_list",
    "api:disability_grant_application_post",  # the same path: GET lists them
    "api:disability_grant_application_get",
    "api:disability_grant_application_put",  # the same path: GET reads it
    "api:disability_grant_applications_municipality",
    "api:plan_read",
    "api:household_meetings_list",
    "api:household_meeting_schedule",  # the same path: GET lists the meetings
    "api:meeting_get",
    "api:meeting_put",  # the same path: GET reads it
    "api:plan_pdf_get",
    "api:consent_pdf_get",
    "api:signatures_list",
    "api:signature_post",  # the same path: GET lists them
    "api:signature_scan_get",
    "api:mapping_get",
    "api:mapping_put",
    "api:consents_list",
    "api:consents_create",
    "api:decisions_detail",
    "api:decisions_update",
    "api:decision_letter",
    "api:appeals_detail",
    "programme:benefit-run-approve",  # the leader attests payments too
    "api:benefit_run_approve_post",
    "api:benefit_run_list",
    "api:benefit_run_create",
    "api:benefit_run_detail",
    "api:benefit_run_csv",
    "api:grant_claim_get",
    "api:introduction_register_get",
    "api:package_report_get",
    "api:programme_detail",
    "api:programme_benefit",
    "api:programme_absence_get",
    "api:programme_absence_put",  # the same path: GET reads it (the write needs the refugee service)
    "api:programme_absence_delete",  # the same path: GET reads it
)
# Moving within five years (seed 002 §2.1): the sweep's move goes from A to a third
# municipality, so A's refugee service and leader see it; only the new municipality accepts it.
allow(CASE, "casework:transfer-list", "casework:transfer-detail", "api:transfers_list")
allow(CASE, "api:transfers_get")
allow(
    CASE, "api:transfers_register"
)  # the same path: GET lists (registering needs the refugee service)
allow(CASE_EDIT, "casework:transfer-propose", "casework:transfer-register", "api:transfers_propose")
allow(NOBODY, "casework:transfer-accept", "api:transfers_accept")
# Only the old municipality withdraws its proposal; only the new one declines it.
allow(CASE_EDIT, "casework:transfer-withdraw", "api:transfers_withdraw")
allow(NOBODY, "casework:transfer-decline", "api:transfers_decline")
# Deadlines: the refugee service and the leader answer for every deadline, a service for its own
# (``deadlines_for``); the sweep's deadline is the refugee service's.
allow(CASE, "casework:deadline-meet", "api:deadlines_meet")
# The case, changed: only the refugee service.
allow(
    CASE_EDIT,
    "people:person-edit",
    "casework:household-register",
    "casework:household-settle",
    "casework:population-registration",
    "api:population_registration_put",
    "api:person_postal_address_put",
    "api:norwegian_training_event",
    "api:norwegian_training_hours_put",
    "api:norwegian_training_test_post",
    "casework:household-import",
    "casework:household-import-detail",
    "casework:consent-withdraw",
    "casework:plan-edit",
    "casework:plan-evaluate",
    "casework:meeting-schedule",
    "casework:meeting-hold",
    "casework:practice-create",
    "casework:disability-grant-create",
    "casework:disability-grant-send",
    "casework:disability-grant-decide",
    "finance:establishment-create",
    "finance:establishment-decide",
    "finance:establishment-purchase",
    "finance:establishment-purchase-action",
    "api:establishment_decision_post",
    "api:establishment_purchase_post",
    "api:establishment_payment_post",
    "api:establishment_cancel_post",
    "programme:programme-start",
    "programme:participation-leave",
    "programme:participation-stop",
    "programme:participation-resume",
    "programme:participation-absence",
    "programme:absence-edit",
    "programme:absence-delete",
    "programme:participation-extend",
    "programme:participation-end",
    "programme:participation-update",
    "programme:participation-final-goal",
    "programme:participation-career-guidance",
    "programme:norwegian-extension",
    "programme:decision-edit",
    "programme:decision-decide",
    "programme:decision-send",
    "programme:decision-create",
    "programme:appeal-create",
    "programme:appeal-reverse",
    "programme:appeal-dismiss",
    "programme:appeal-forward",
    "api:plan_evaluation_create",
    "api:meeting_hold_post",
    "api:disability_grant_application_send_post",
    "api:disability_grant_application_decision_post",
    "api:household_import_detail",
    "api:consents_withdraw",
    "api:decisions_decide",
    "api:decisions_send",
    "api:decisions_appeal",
    "api:appeals_forward",
    "api:appeals_reverse",
    "api:appeals_dismiss",
    "api:programme_leave",
    "api:programme_stop",
    "api:programme_resume",
    "api:programme_absence",
    "api:programme_extend",
    "api:programme_end",
    "api:programme_final_goal",
    "api:programme_career_guidance",
)
# The county governor: appeals forwarded to it, capacity rounds it opens.
allow(
    {GOVERNOR},
    "programme:governor-appeal-list",
    "programme:governor-appeal-detail",
    "programme:governor-appeal-letter",
    "programme:governor-appeal-bundle",
    "api:governor_appeals_list",
    "api:governor_appeals_detail",
    "api:governor_appeals_outcome",
    "surveys:capacity-round-open",
    "surveys:capacity-round-remind",
    "surveys:capacity-round-close",
    "news:news-edit",
)
# The directorate's settlement planner.
allow(
    {PLANNER},
    "settlement:home",
    "settlement:need",
    "settlement:need-forecast",
    "settlement:need-part-adjust",
    "settlement:need-printed-total",
    "settlement:progress",
    "settlement:progress-chart",
    "settlement:reception-list",
    "settlement:reception-detail",
    "settlement:reception-edit",
    "settlement:request-list",
    "settlement:request-detail",
    "settlement:request-remind",
    "settlement:matching",
    "settlement:match-run",
    "settlement:match-run-again",
    "settlement:match-run-confirm",
    "settlement:placement",
    "settlement:waiting-household",
    "settlement:waiting-list",
    "settlement:waiting-create",
    "settlement:waiting-edit",
    "settlement:waiting-withdraw",
    "settlement:waiting-import",
    "settlement:waiting-import-example",
    "settlement:waiting-import-detail",
    "api:reception_centre_list",
    "api:need_detail",
    "api:need_update",
    "api:need_forecast_post",
    "api:need_part_put",
    "api:need_printed_total_put",
    "api:progress_detail",
    "api:requests_list",
    "api:requests_summary_get",
    "api:requests_spread_post",
    "api:request_patch",
    "api:request_decision_put",
    "api:request_reminders_post",
    "api:request_reminder_get",
    "api:match_runs_list",
    "api:match_runs_start",
    "api:match_run_read",
    "api:match_run_again",
    "api:match_run_confirm_api",
    "api:placement_read",
    "api:placement_update",
    "api:waiting_households_list",
    "api:waiting_household_create_api",
    "api:waiting_household_read_api",
    "api:waiting_household_update_api",
    "api:waiting_household_withdraw_api",
    "api:waiting_import_create",
    "api:waiting_import_read",
)
# The capacity survey: the leader answers for the municipality; the governor, the planner and
# the analyst read the results (the directorate nationally).
allow({LEADER, GOVERNOR, PLANNER, ANALYST}, "surveys:capacity-home", "api:rounds_list")
allow({GOVERNOR, PLANNER, ANALYST}, "surveys:capacity-round-detail", "api:round_get")
allow({PLANNER, ANALYST}, "surveys:capacity-national", "api:national_get")
allow({LEADER}, "surveys:capacity-answer", "api:answer_get", "api:answer_put")
# The settlement request to the leader's own municipality: the leader answers it.
allow({LEADER}, "settlement:request-answer", "api:request_answer_get", "api:request_answer_put")
# The municipal survey and cost coverage: the directorate's analyst.
allow(
    {ANALYST},
    "surveys:survey-list",
    "surveys:survey-detail",
    "surveys:questionnaire-detail",
    "surveys:question-edit",
    "surveys:invitation-list",
    "surveys:invitation-detail",
    "surveys:survey-results",
    "surveys:open-answers",
    "surveys:answer-tag",
    "surveys:survey-report",
    "surveys:survey-report-build",
    "surveys:survey-report-pdf",
    "surveys:survey-tables-xlsx",
    "surveys:features",
    "finance:cost-list",
    "finance:cost-detail",
    "finance:cost-export",
    "api:surveys_get",
    "api:surveys_post",
    "api:survey_get_one",
    "api:survey_questionnaires",
    "api:questionnaire_get_one",
    "api:question_post",
    "api:invitations_post",
    "api:send_post",
    "api:send_get",
    "api:survey_results_get",
    "api:report_post",
    "api:report_get",
    "api:report_pdf_get",
    "api:open_answers_get",
    "api:answer_tag_post",
    "api:answer_tag_delete",
    "api:features_years_get",
    "api:cost_reports",
    "api:cost_report_create",
    "api:cost_report_detail",
)
# A notice is acknowledged by the service it was sent to (which service: see ``_allowed``).
NOTICE_SERVICE = "the notice's service"
allow({NOTICE_SERVICE}, "casework:notice-acknowledge", "api:notices_acknowledge")
# News: governors and the directorate write; an item is read by its audience (the
# municipalities of the governor's counties, and its own office).
allow({GOVERNOR, *DIRECTORATE}, "news:news-create")
allow(MUNICIPAL | {GOVERNOR}, "news:news-detail", "api:news_get", "api:news_put")

SWEPT = [r for r in ROUTES if not CAPABILITY_KWARGS & set(r.kwargs)]


def test_every_route_has_a_policy() -> None:
    missing = [r.name for r in SWEPT if r.name not in POLICY]
    assert not missing, f"declare who reaches these routes in POLICY: {missing}"
    stale = sorted(set(POLICY) - {r.name for r in SWEPT})
    assert not stale, f"POLICY names routes that no longer exist: {stale}"


def _user_for(world: World, role: str) -> User | None:
    makers: dict[str, Callable[[World], User]] = {
        REFUGEE: lambda w: w.owner,
        LEADER: _leader,
        GOVERNOR: _governor,
        PLANNER: _planner,
        ANALYST: _analyst,
    }
    if role == ANON:
        return None
    if role in makers:
        return makers[role](world)
    if role in DIRECTORATE:
        return make_user(roles=[role], username=f"matrix-{role}")
    return make_user(municipality_number="0301", roles=[role], username=f"matrix-{role}")


# Bodies for writes whose empty body would be refused by the schema before the role check (which
# would then prove nothing); query strings for reads that need one.
BODIES: dict[str, dict[str, object]] = {
    "api:need_forecast_post": {"version": 0},
    "api:need_part_put": {
        "part": "resettlement_quota",
        "group": "adults_families",
        "adjusted": 1,
        "reason": "Ny kvote",
        "version": 1,
    },
    "api:need_printed_total_put": {
        "printed_total": 1,
        "printed_source": "Kilde",
        "reason": "Trykt",
        "version": 1,
    },
    "api:decisions_decide": {"version": 1},
    "api:decisions_send": {"version": 1},
    "api:appeals_forward": {"version": 1},
    "api:appeals_reverse": {"version": 1},
    "api:appeals_dismiss": {"version": 1},
    "api:governor_appeals_outcome": {"version": 1},
    "api:answer_tag_post": {"name": "Bolig"},
    "api:report_post": {"years": []},
    "api:answer_tag_delete": {"name": "Bolig"},
    "api:deadlines_meet": {"met_on": "2024-04-02"},
    "api:population_registration_put": {"registered_on": "2024-04-02", "version": 1},
    "api:person_postal_address_put": {
        "address_line": "Storgata 1",
        "postcode": "0155",
        "post_town": "OSLO",
        "version": 1,
    },
    "api:norwegian_training_event": {"event": "start", "on": "2024-04-02", "version": 1},
    "api:norwegian_training_hours_put": {"month": "2024-04-01", "taught": 10, "attended": 8},
    "api:norwegian_training_test_post": {
        "kind": "social_studies",
        "taken_on": "2024-04-02",
        "passed": True,
    },
    "api:notices_acknowledge": {},
    "api:disability_grant_application_send_post": {"version": 1, "sent_on": "2024-04-02"},
    "api:disability_grant_application_decision_post": {
        "version": 1,
        "status": "granted",
        "decided_on": "2024-05-02",
    },
    "api:establishment_decision_post": {"version": 1, "outcome": "refused"},
    "api:establishment_purchase_post": {"category": "clothes"},
    "api:establishment_payment_post": {"version": 1},
    "api:establishment_cancel_post": {"version": 1},
    "api:match_runs_start": {"year": 2026},
    "api:request_reminders_post": {"year": 2026},
    "api:waiting_household_withdraw_api": {"reason": "moved_out", "version": 1},
    "casework:deadline-meet": {"met_on": "02.04.2024"},
    "api:transfers_propose": {
        "to_municipality": "4601",
        "moved_on": "2024-09-01",
        "consent_on": "2024-08-15",
        "consent_method": "signed",
    },
    "api:transfers_accept": {"version": 1},
    "api:transfers_withdraw": {"version": 1, "reason": "Familien blir likevel"},
    "api:transfers_decline": {"version": 1, "reason": "Ingen bolig"},
    "casework:transfer-withdraw": {"version": 1, "reason": "Familien blir likevel"},
    "casework:transfer-decline": {"version": 1, "reason": "Ingen bolig"},
    "api:meeting_hold_post": {
        "held_on": "2024-04-02",
        "interpreter_used": False,
        "minutes": "Referat",
        "version": 1,
    },
}
QUERIES: dict[str, dict[str, int]] = {
    "api:match_runs_list": {"year": 2026},
    "api:match_runs_start": {"year": 2026},  # the same path: GET lists the runs
}


def _probe(client: Client, route: Route, url: str) -> HttpResponse:
    """GET, or the write the route accepts (from the 405's Allow header) with a minimal body."""
    response = client.get(url, QUERIES.get(route.name, {}))
    if response.status_code != 405:
        return response  # type: ignore[return-value]
    allowed = [m.strip().lower() for m in response.get("Allow", "POST").split(",")]
    method = next(m for m in ("post", "put", "patch", "delete") if m in allowed)
    body = BODIES.get(route.name, {})
    if route.namespace == "api":
        return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(url, body)


def _reached(response: HttpResponse) -> bool:
    """The view answered: not 401/403/404/405, nor the redirect to the login page (with
    ``next=``; logging out redirects to the login page without it)."""
    if response.status_code in {401, 403, 404, 405}:
        return False
    return not (response.status_code == 302 and "next=" in response["Location"])


def _allowed(route: Route, values: dict[str, object]) -> frozenset[str]:
    allowed = POLICY[route.name]
    if NOTICE_SERVICE in allowed:
        notice = Notice.objects.get(pk=int(str(values["notice_id"])))
        role = next(r for r, service in ROLE_SERVICE.items() if service == notice.service)
        return frozenset({str(role)})
    return allowed


def _who_may_see_numbers(world: World) -> dict[str, frozenset[str]]:
    """Each person's identity number, and the roles that may see it."""
    consented = {c.person_id for c in Consent.objects.filter(withdrawn_at__isnull=True)}
    return {
        p.identity_number: CONSENTED if p.pk in consented else CASE
        for p in world.household.members.all()
        if p.identity_number
    }


@pytest.mark.parametrize("route", SWEPT, ids=lambda r: r.name)
def test_each_role_reaches_exactly_what_the_policy_allows(world: World, route: Route) -> None:
    values = {k: OBJECT_KWARGS[k](world) for k in ("consent_id", *route.kwargs)}
    if route.name.startswith("casework:plan"):
        _plan(world)
    url = route.build(values)
    allowed = _allowed(route, values)
    numbers = _who_may_see_numbers(world)
    # Refused roles first, so a write that an allowed role makes cannot change their answer.
    order = sorted(ROLES, key=lambda r: (r in allowed, r))
    wrong, leaked = [], []
    for role in order:
        user = _user_for(world, role)
        client = client_for(user) if user else Client()
        response = _probe(client, route, url)
        MATRIX_PROBES.add((route.name, role))
        if _reached(response) != (role in allowed):
            wrong.append(f"{role}: {response.status_code}")
        body = response.content.decode(errors="replace")
        leaked += [f"{role} saw {n}" for n, may in numbers.items() if n in body and role not in may]
    assert not wrong, f"{url}: not as POLICY says for {wrong}"
    assert not leaked, f"{url}: {leaked}"


PERSON_ROUTES = [r for r in SWEPT if "person_id" in r.kwargs or "household_id" in r.kwargs]


@pytest.mark.parametrize("route", PERSON_ROUTES, ids=lambda r: r.name)
def test_a_withdrawn_consent_takes_the_details_away_at_once(world: World, route: Route) -> None:
    values = {k: OBJECT_KWARGS[k](world) for k in route.kwargs}
    consent = Consent.objects.get(pk=int(str(OBJECT_KWARGS["consent_id"](world))))
    nav = client_for(_user_for(world, NAV))  # type: ignore[arg-type]
    consent_withdraw(ctx=AccessContext(user=world.owner, route="test"), consent=consent)
    body = _probe(nav, route, route.build(values)).content.decode(errors="replace")
    numbers = [p.identity_number or "" for p in world.household.members.all()]
    shown = [n for n in numbers if n and n in body]
    assert not shown, f"NAV still saw {shown} after the consent was withdrawn"


def test_with_consent_nav_does_see_the_consented_persons_number(world: World) -> None:
    """The positive side of the two sweeps above: consent does give access."""
    OBJECT_KWARGS["consent_id"](world)
    nav = client_for(_user_for(world, NAV))  # type: ignore[arg-type]
    body = nav.get(f"/personer/{world.person.pk}/").content.decode()
    assert world.person.identity_number
    assert world.person.identity_number in body
    other = world.household.members.exclude(pk=world.person.pk).first()
    assert other is not None
    assert other.identity_number
    assert other.identity_number not in nav.get(f"/personer/{other.pk}/").content.decode()
