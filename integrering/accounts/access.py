"""Who may see and do what: the one module of access predicates.

Every "may this user see or change this" predicate and every "which municipalities (or which
county governor) does this user serve" lookup lives here, and selectors, services, views and the
API all call these. A predicate answers from the user's roles and organisation (and, for the
municipalities served, the inter-municipal cooperations in force today); queries that apply the
answer to data live in the apps' selectors.

A ``..._require`` function raises a domain error: ``PermissionDenied`` (403, the message says
why) or ``NotFound`` (404: no such object, or none this user may know of). Services and
selectors raise these (``integrering.errors``), never an HTTP exception.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone

from integrering.errors import NOT_FOUND, NotFound
from integrering.organisations.models import (
    CountyGovernor,
    Municipality,
    OrganisationKind,
    RefugeeServiceCooperation,
)

from .roles import MUNICIPAL_SERVICE_ROLES, Role

# The roles that reach persons, and those that see the whole case (seed 002 §2.2).
PERSON_ROLES = (*MUNICIPAL_SERVICE_ROLES, Role.MUNICIPAL_LEADER)
WHOLE_CASE_ROLES = (Role.REFUGEE_SERVICE_CASEWORKER, Role.MUNICIPAL_LEADER)
# The directorate roles that publish news for the whole country.
DIRECTORATE_PUBLISHERS = (Role.ANALYST, Role.SETTLEMENT_PLANNER, Role.ADMINISTRATOR)

NOT_PLANNER = "Bosettingsplanlegging er for direktoratets bosettingsplanleggere."
NOT_SURVEY_ANALYST = "Kommuneundersøkelsen er for direktoratets analytikere."
NOT_FINANCE_ANALYST = "Kostnadsdekningen er for direktoratets analytikere."
NOT_CAPACITY_READER = (
    "Kapasitetskartleggingen er for Statsforvalteren, kommunenes ledere og direktoratet."
)
NOT_GOVERNOR = "Kapasitetskartleggingen åpnes av Statsforvalteren."
NOT_NATIONAL = "De nasjonale tallene er for direktoratets analytikere og bosettingsplanleggere."


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _organisation(user: Any) -> Any:
    return getattr(user, "organisation", None) if _signed_in(user) else None


def _kind(user: Any) -> str:
    return getattr(_organisation(user), "kind", "")


# --- Municipal services: persons and their case ----------------------------------------------


_SERVED_MEMO = "_municipality_ids_served"


def municipality_ids_served_by(user: Any) -> frozenset[int]:
    """The municipalities whose persons this user may work with.

    A municipal user reaches their own municipality; a refugee-service caseworker of a host
    municipality in an inter-municipal cooperation (seed 002 §2.3) also the partners'.
    """
    if not _signed_in(user) or not getattr(user, "is_active", False):
        return frozenset()
    organisation = user.organisation
    if organisation is None or organisation.kind != OrganisationKind.MUNICIPALITY:
        return frozenset()
    if not user.has_role(*PERSON_ROLES):
        return frozenset()
    own = organisation.municipality_id
    if not user.has_role(Role.REFUGEE_SERVICE_CASEWORKER):
        return frozenset({own})
    # Asked several times in one request (the page, its filters, the audit): the cooperations
    # are read once per user object (one request) and day, like the user's roles.
    key = (own, timezone.localdate())
    remembered = user.__dict__.get(_SERVED_MEMO)
    if remembered is not None and remembered[0] == key:
        return remembered[1]  # type: ignore[no-any-return]
    partners = (
        RefugeeServiceCooperation.objects.valid_on(key[1])
        .filter(host_id=own)
        .values_list("partners", flat=True)
    )
    ids = frozenset({own, *(pid for pid in partners if pid is not None)})
    user.__dict__[_SERVED_MEMO] = (key, ids)
    return ids


def municipalities_served_by(user: Any) -> QuerySet[Municipality]:
    """``municipality_ids_served_by`` as municipalities, for choice lists and lookups by number."""
    return Municipality.objects.filter(pk__in=municipality_ids_served_by(user))


def sees_whole_case(user: Any) -> bool:
    """The refugee service and the municipal leader see the whole case of the persons they reach."""
    return _signed_in(user) and user.has_role(*WHOLE_CASE_ROLES)


def may_edit_case(user: Any) -> bool:
    """Only the refugee service (the coordinator, seed 002 §2.2) changes the case."""
    return _signed_in(user) and user.has_role(Role.REFUGEE_SERVICE_CASEWORKER)


def may_edit_case_in(user: Any, municipality_id: int) -> bool:
    """The refugee service edits a case only while its municipality has it: after a move (seed
    002 §2.1) the old municipality reads what it wrote, and changes nothing."""
    return may_edit_case(user) and municipality_id in municipality_ids_served_by(user)


NOT_TRANSFER_EDITOR = "Bare flyktningtjenesten i kommunen som har saken, kan foreslå flytting."
NOT_TRANSFER_RECEIVER = "Bare flyktningtjenesten i tilflyttingskommunen kan ta imot saken."


def case_transfer_side(user: Any, *, from_municipality_id: int, to_municipality_id: int) -> str:
    """Which side of a case transfer (seed 002 §2.1) the user is on: "to" (the new
    municipality), "from" (the old), or "" (neither: a third municipality reaches nothing). Only
    the refugee service and the leader, who see the whole case, are on a side."""
    if not sees_whole_case(user):
        return ""
    served = municipality_ids_served_by(user)
    if to_municipality_id in served:
        return "to"
    if from_municipality_id in served:
        return "from"
    return ""


def case_transfer_require(user: Any, *, from_municipality_id: int, to_municipality_id: int) -> str:
    """For a transfer's page and API: the user's side, or 404 (nobody else may learn of it)."""
    side = case_transfer_side(
        user, from_municipality_id=from_municipality_id, to_municipality_id=to_municipality_id
    )
    if not side:
        raise NotFound(NOT_FOUND)
    return side


def case_transfer_propose_require(user: Any, *, from_municipality_id: int) -> None:
    """Proposing a move: the refugee service of the municipality that has the case."""
    if not may_edit_case_in(user, from_municipality_id):
        raise PermissionDenied(NOT_TRANSFER_EDITOR)


def case_transfer_accept_require(user: Any, *, to_municipality_id: int) -> None:
    """Accepting (or registering) a move: the refugee service of the new municipality."""
    if not may_edit_case_in(user, to_municipality_id):
        raise PermissionDenied(NOT_TRANSFER_RECEIVER)


def case_transfer_withdraw_require(user: Any, *, from_municipality_id: int) -> None:
    """Withdrawing a proposed move: the refugee service of the old municipality, which proposed
    it and still has the case."""
    if not may_edit_case_in(user, from_municipality_id):
        raise PermissionDenied(
            "Bare flyktningtjenesten i fraflyttingskommunen kan trekke flyttingen."
        )


def case_transfer_decline_require(user: Any, *, to_municipality_id: int) -> None:
    """Declining a proposed move: the refugee service of the new municipality."""
    if not may_edit_case_in(user, to_municipality_id):
        raise PermissionDenied(
            "Bare flyktningtjenesten i tilflyttingskommunen kan avslå flyttingen."
        )


def may_edit_norwegian_training(user: Any) -> bool:
    """Norwegian training is recorded by adult education (voksenopplæringen, which teaches it) and
    by the refugee service (which coordinates the case, seed 002 §2.2)."""
    return _signed_in(user) and user.has_role(
        Role.REFUGEE_SERVICE_CASEWORKER, Role.ADULT_EDUCATION_CASEWORKER
    )


def programme_municipality_ids(user: Any) -> frozenset[int]:
    """Municipalities whose programme, payments and grants the user works with."""
    if not sees_whole_case(user):
        return frozenset()
    return municipality_ids_served_by(user)


def leader_municipality(user: Any) -> Municipality | None:
    """The municipality a municipal leader answers for; None for anyone else."""
    if not _signed_in(user) or not user.has_role(Role.MUNICIPAL_LEADER):
        return None
    organisation = _organisation(user)
    return organisation.municipality if organisation is not None else None


def may_answer_settlement_request(user: Any, municipality_id: int) -> bool:
    """The directorate's settlement request to a municipality is answered by that municipality's
    leader (issue 21 item 4), never by another municipality's."""
    municipality = leader_municipality(user)
    return (
        municipality is not None
        and getattr(user, "is_active", False)
        and municipality.pk == municipality_id
    )


def settlement_answer_require(user: Any, municipality_id: int) -> None:
    """For the municipality's request page and API: 404 for anyone but its leader (another
    municipality must not learn that the request exists)."""
    if not may_answer_settlement_request(user, municipality_id):
        raise NotFound(NOT_FOUND)


# --- County governors ---------------------------------------------------------------------------


def county_governor_id_of(user: Any) -> int | None:
    """The county governor's office a county governor officer works for, if any."""
    if not _signed_in(user) or not getattr(user, "is_active", False):
        return None
    organisation = user.organisation
    if organisation is None or organisation.kind != OrganisationKind.COUNTY_GOVERNOR:
        return None
    if not user.has_role(Role.COUNTY_GOVERNOR_OFFICER):
        return None
    return int(organisation.county_governor_id)


def county_governor_of(user: Any) -> CountyGovernor | None:
    """The county governor (the object) a county governor officer works for; None otherwise."""
    if county_governor_id_of(user) is None:
        return None
    return user.organisation.county_governor  # type: ignore[no-any-return]


def governor_require(user: Any) -> CountyGovernor:
    governor = county_governor_of(user)
    if governor is None:
        raise PermissionDenied(NOT_GOVERNOR)
    return governor


def news_governor_id(user: Any) -> int | None:
    """The governor whose news the user reads: its own office, or its municipality's county's."""
    organisation = _organisation(user)
    if organisation is None:
        return None
    if organisation.kind == OrganisationKind.COUNTY_GOVERNOR:
        return int(organisation.county_governor_id)
    if organisation.kind == OrganisationKind.MUNICIPALITY and organisation.municipality_id:
        return int(organisation.municipality.county.county_governor_id)
    return None


# --- The directorate ----------------------------------------------------------------------------


NOT_ADMINISTRATOR = "Bare administratorer kan se og oppheve innloggingssperrer."


def is_administrator(user: Any) -> bool:
    """An administrator of the product (the role is a directorate role)."""
    return _signed_in(user) and user.has_role(Role.ADMINISTRATOR)


def administrator_require(user: Any) -> None:
    """For the administrators' pages (the login locks): 403 for anyone else."""
    if not is_administrator(user):
        raise PermissionDenied(NOT_ADMINISTRATOR)


def is_analyst(user: Any) -> bool:
    """An analyst of the directorate (the role is a directorate role)."""
    if not _signed_in(user) or not user.has_role(Role.ANALYST):
        return False
    organisation = getattr(user, "organisation", None)
    return organisation is None or organisation.kind == OrganisationKind.DIRECTORATE


def analyst_require(user: Any) -> None:
    """For the survey's list pages: 403 with a clear message for anyone who is not an analyst."""
    if not is_analyst(user):
        raise PermissionDenied(NOT_SURVEY_ANALYST)


def analyst_require_or_404(user: Any) -> None:
    """For the survey's pages of one object: 404 for anyone who is not an analyst."""
    if not is_analyst(user):
        raise NotFound(NOT_FOUND)


def finance_require(user: Any) -> None:
    """For the cost coverage pages: 403 for anyone who is not an analyst."""
    if not is_analyst(user):
        raise PermissionDenied(NOT_FINANCE_ANALYST)


def is_planner(user: Any) -> bool:
    return _signed_in(user) and user.has_role(Role.SETTLEMENT_PLANNER)


def planner_require(user: Any) -> None:
    """For list pages: 403 with a clear message for anyone who is not a settlement planner."""
    if not is_planner(user):
        raise PermissionDenied(NOT_PLANNER)


def planner_require_or_404(user: Any) -> None:
    """For pages of one object (or one year): 404 for anyone who is not a settlement planner."""
    if not is_planner(user):
        raise NotFound(NOT_FOUND)


def planner_or_system_require(user: Any | None) -> None:
    """A planner, or the system: a management command (a facts import, the demo data) runs
    without a user (``AccessContext.user`` is None)."""
    if user is not None:
        planner_require(user)


def is_national_reader(user: Any) -> bool:
    """The directorate's analysts and settlement planners read every round and the nation."""
    return (
        _signed_in(user)
        and _kind(user) == OrganisationKind.DIRECTORATE
        and user.has_role(Role.ANALYST, Role.SETTLEMENT_PLANNER)
    )


def national_require(user: Any) -> None:
    if not is_national_reader(user):
        raise PermissionDenied(NOT_NATIONAL)


def capacity_reader_require(user: Any) -> None:
    """For the capacity survey's list page: 403 for anyone with no part in it."""
    if not (county_governor_of(user) or leader_municipality(user) or is_national_reader(user)):
        raise PermissionDenied(NOT_CAPACITY_READER)


# --- News ---------------------------------------------------------------------------------------


def publisher_of(user: Any) -> tuple[bool, int | None]:
    """Whether the user may write news, and for which governor (None: the directorate)."""
    organisation = _organisation(user)
    if organisation is None:
        return False, None
    if organisation.kind == OrganisationKind.COUNTY_GOVERNOR and user.has_role(
        Role.COUNTY_GOVERNOR_OFFICER
    ):
        return True, int(organisation.county_governor_id)
    if organisation.kind == OrganisationKind.DIRECTORATE and user.has_role(*DIRECTORATE_PUBLISHERS):
        return True, None
    return False, None


def is_publisher(user: Any) -> bool:
    return publisher_of(user)[0]


def may_edit_news(user: Any, item: Any) -> bool:
    """A publisher edits the news items of their own office (the directorate's have none)."""
    may_publish, own_governor = publisher_of(user)
    return may_publish and item.county_governor_id == own_governor
