"""Reads of the introduction programme, its decisions, appeals and benefit runs.

The municipality's side goes through the people selectors (tenant, consent, audit): a
participation or a decision is reached through its person. The programme is part of the plan
(``InformationCategory.PLAN``), so a partner service with consent to the plan may read it; only
the refugee service changes it. Money (benefit runs, grant claims) is for the refugee service and
the municipal leader of the municipalities they serve.

The county governor's side sees appeals forwarded from municipalities in its own counties, and
with them the decision appealed and the person's name: what it needs to hear the case.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from integrering.accounts.access import (
    county_governor_id_of,
    may_edit_norwegian_training,
    municipality_ids_served_by,
    programme_municipality_ids,
)
from integrering.audit.models import AuditAction
from integrering.audit.services import (
    AccessContext,
    audit_denied,
    audit_record,
    audit_record_many,
)
from integrering.errors import NotFound
from integrering.people.models import InformationCategory, Person
from integrering.people.selectors import PersonAccess, person_access_require
from integrering.schemas import id_in_range

from .models import (
    Absence,
    Appeal,
    AppealStatus,
    BenefitLine,
    BenefitRun,
    Decision,
    DecisionStatus,
    NorwegianTraining,
    Participation,
)

PLAN = InformationCategory.PLAN
NOT_FOUND_PARTICIPATION = "Finner ikke deltakelsen i introduksjonsprogrammet."
NOT_FOUND_DECISION = "Finner ikke vedtaket."
NOT_FOUND_APPEAL = "Finner ikke klagen."
NOT_FOUND_RUN = "Finner ikke stønadskjøringen."
NOT_FOUND_ABSENCE = "Finner ikke fraværet."


def _person_access(
    ctx: AccessContext, person_id: int, *, edit: bool, action: str = AuditAction.READ
) -> PersonAccess:
    return person_access_require(
        ctx=ctx, person_id=person_id, category=None if edit else PLAN, edit=edit, action=action
    )


def _reach_through_person(
    ctx: AccessContext,
    model: type[Participation] | type[Decision] | type[Appeal],
    pk: int,
    *,
    person_field: str,
    edit: bool,
    what: str,
    not_found: str,
) -> None:
    """Reach one row of the user's municipalities through its person's rules (404 and a denied
    audit record when the row is out of reach; the person's own checks otherwise)."""
    rows = model.objects.filter(pk=pk) if id_in_range(pk) else model.objects.none()
    person_id = (
        rows.filter(municipality_id__in=municipality_ids_served_by(ctx.user))
        .values_list(person_field, flat=True)
        .first()
    )
    if person_id is None:
        # The refusal names the row's person, whoever's it is (issue 25).
        audit_denied(
            ctx=ctx, person_ids=rows.values_list(person_field, flat=True), detail=f"{what} {pk}"
        )
        raise NotFound(not_found)
    _person_access(ctx, person_id, edit=edit)


def participations_of(*, ctx: AccessContext, person_id: int) -> list[Participation]:
    """A person's programmes, newest first (404/403 by the person's rules)."""
    access = _person_access(ctx, person_id, edit=False)
    return list(Participation.objects.filter(person=access.person).prefetch_related("extensions"))


def participation_get(
    *, ctx: AccessContext, participation_id: int, edit: bool = False
) -> Participation:
    """One participation, reached through its person: 404 out of reach, audited."""
    _reach_through_person(
        ctx,
        Participation,
        participation_id,
        person_field="person_id",
        edit=edit,
        what="deltakelse",
        not_found=NOT_FOUND_PARTICIPATION,
    )
    return Participation.objects.select_related("person", "municipality").get(pk=participation_id)


def absence_get(
    *,
    ctx: AccessContext,
    absence_id: int,
    participation_id: int | None = None,
    edit: bool = False,
) -> Absence:
    """One absence entry, deleted or not (its history stays), reached through its participation
    (and so its person): 404 out of reach, or when it is not of ``participation_id``; audited."""
    rows = Absence.all_objects.filter(pk=absence_id) if id_in_range(absence_id) else None
    if rows is not None and participation_id is not None:
        rows = rows.filter(participation_id=participation_id)
    found = rows.values_list("participation_id", flat=True).first() if rows is not None else None
    if found is None:
        audit_denied(ctx=ctx, person_ids=[], detail=f"fravær {absence_id}")
        raise NotFound(NOT_FOUND_ABSENCE)
    participation = participation_get(ctx=ctx, participation_id=found, edit=edit)
    absence = Absence.all_objects.get(pk=absence_id)
    absence.participation = participation
    return absence


def participations_for(user: object) -> QuerySet[Participation]:
    """Every participation in the municipalities the user works with (refugee service, leader)."""
    return Participation.objects.filter(
        municipality_id__in=programme_municipality_ids(user)
    ).select_related("person", "municipality")


def decisions_for(user: object) -> QuerySet[Decision]:
    return Decision.objects.filter(
        municipality_id__in=programme_municipality_ids(user)
    ).select_related("person", "municipality")


def decision_get(*, ctx: AccessContext, decision_id: int, edit: bool = False) -> Decision:
    """One decision of the municipality's, reached through its person: 404 out of reach."""
    _reach_through_person(
        ctx,
        Decision,
        decision_id,
        person_field="person_id",
        edit=edit,
        what="vedtak",
        not_found=NOT_FOUND_DECISION,
    )
    return Decision.objects.select_related("person", "municipality__county", "participation").get(
        pk=decision_id
    )


def appeals_for_municipality(user: object) -> QuerySet[Appeal]:
    # The bundled documents stay in the database until one is downloaded.
    return (
        Appeal.objects.filter(municipality_id__in=programme_municipality_ids(user))
        .select_related(
            "decision__person",
            "municipality",
            "county_governor",
            "forward_deadline",
            "returned_deadline",
        )
        .defer("bundle_pdf")
    )


def appeals_returned_for(user: object) -> QuerySet[Appeal]:
    """Appeals the county governor quashed whose new decision is still to be made: the
    municipality's task (the start page), oldest deadline first."""
    return (
        appeals_for_municipality(user)
        .filter(
            status=AppealStatus.QUASHED,
            returned_deadline__isnull=False,
            returned_deadline__met_on__isnull=True,
        )
        .defer("decision__letter_pdf")
        .order_by("returned_deadline__due_on", "pk")
    )


def appeals_returned_listed(*, ctx: AccessContext, limit: int = 20) -> list[Appeal]:
    """The first ``limit`` of ``appeals_returned_for``, their listing audited (the start page)."""
    appeals = list(appeals_returned_for(ctx.user)[:limit])
    audit_record_many(
        ctx=ctx,
        person_ids=[a.decision.person_id for a in appeals],
        action=AuditAction.LIST,
        detail="klager opphevet av Statsforvalteren (forsiden)",
    )
    return appeals


def appeal_get(*, ctx: AccessContext, appeal_id: int, edit: bool = False) -> Appeal:
    """One appeal on the municipality's side, reached through the decision's person."""
    _reach_through_person(
        ctx,
        Appeal,
        appeal_id,
        person_field="decision__person_id",
        edit=edit,
        what="klage",
        not_found=NOT_FOUND_APPEAL,
    )
    return Appeal.objects.select_related("decision__person", "municipality", "county_governor").get(
        pk=appeal_id
    )


def appeals_for_county_governor(user: object) -> QuerySet[Appeal]:
    """The county governor's inbox: appeals forwarded to it from municipalities in its counties."""
    governor = county_governor_id_of(user)
    if governor is None:
        return Appeal.objects.none()
    return (
        Appeal.objects.filter(county_governor_id=governor)
        .exclude(status__in=[AppealStatus.RECEIVED, AppealStatus.REVERSED, AppealStatus.DISMISSED])
        .select_related("decision__person", "municipality", "forward_deadline", "returned_deadline")
        .defer("bundle_pdf")
    )


def appeal_get_for_county_governor(*, ctx: AccessContext, appeal_id: int) -> Appeal:
    """One forwarded appeal for the county governor; its reading of the person is audited."""
    reachable = id_in_range(appeal_id)
    appeal = (
        appeals_for_county_governor(ctx.user).filter(pk=appeal_id).first() if reachable else None
    )
    if appeal is None:
        concerned = Appeal.objects.filter(pk=appeal_id) if reachable else Appeal.objects.none()
        audit_denied(
            ctx=ctx,
            person_ids=concerned.values_list("decision__person_id", flat=True),
            detail=f"klage {appeal_id} (Statsforvalteren)",
        )
        raise NotFound(NOT_FOUND_APPEAL)
    audit_record(
        ctx=ctx,
        person_id=appeal.decision.person_id,
        action=AuditAction.READ,
        allowed=True,
        detail=f"klagesak {appeal.pk} (Statsforvalteren)",
    )
    return appeal


def benefit_runs_for(user: object) -> QuerySet[BenefitRun]:
    return BenefitRun.objects.filter(municipality_id__in=programme_municipality_ids(user))


def benefit_run_get(*, ctx: AccessContext, run_id: int) -> BenefitRun:
    """One benefit run of the municipalities the user works for; 404 otherwise, and the refusal
    audited on the run's participants (issue 25)."""
    reachable = id_in_range(run_id)
    runs = benefit_runs_for(ctx.user).select_related("municipality")
    run = runs.filter(pk=run_id).first() if reachable else None
    if run is None:
        lines = (
            BenefitLine.objects.filter(run_id=run_id) if reachable else BenefitLine.objects.none()
        )
        audit_denied(
            ctx=ctx,
            person_ids=lines.values_list("person_id", flat=True).distinct(),
            detail=f"stønadskjøring {run_id}",
        )
        raise NotFound(NOT_FOUND_RUN)
    return run


def programme_counts(user: object) -> dict[str, int]:
    """The start page's figures: participants, decisions to finish, appeals waiting.

    For a county governor officer, the appeals in its inbox that have no outcome yet."""
    governor = county_governor_id_of(user)
    if governor is not None:
        return {
            "governor_open_appeals": appeals_for_county_governor(user)
            .filter(status=AppealStatus.FORWARDED)
            .count()
        }
    if not programme_municipality_ids(user):
        return {}
    return {
        "participants": participations_for(user).filter(ended_on__isnull=True).count(),
        "draft_decisions": decisions_for(user).filter(status=DecisionStatus.DRAFT).count(),
        "open_appeals": appeals_for_municipality(user).filter(status=AppealStatus.RECEIVED).count(),
        "returned_appeals": appeals_returned_for(user).count(),
    }


NOT_NORWEGIAN_EDITOR = "Bare voksenopplæringen og flyktningtjenesten registrerer norskopplæringen."


def norwegian_training_of(
    *, ctx: AccessContext, person_id: int, edit: bool = False
) -> tuple[Person, NorwegianTraining | None]:
    """A person and their Norwegian training (None before it is registered).

    Read with the plan (the refugee service, the leader, and a service with consent to the plan);
    recorded by adult education and the refugee service. 404/403 by the person's rules, audited.
    """
    access = _person_access(ctx, person_id, edit=False)
    if edit and not may_edit_norwegian_training(ctx.user):
        raise PermissionDenied(NOT_NORWEGIAN_EDITOR)
    training = (
        NorwegianTraining.objects.filter(person=access.person)
        .prefetch_related("months", "tests")
        .first()
    )
    return access.person, training
