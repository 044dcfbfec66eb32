"""The roles a user can have, and which kind of organisation each role belongs to."""

from __future__ import annotations

from django.db import models

from integrering.organisations.models import OrganisationKind


class Role(models.TextChoices):
    REFUGEE_SERVICE_CASEWORKER = "refugee_service_caseworker", "Saksbehandler i flyktningtjenesten"
    NAV_CASEWORKER = "nav_caseworker", "Saksbehandler i NAV"
    ADULT_EDUCATION_CASEWORKER = "adult_education_caseworker", "Saksbehandler i voksenopplæringen"
    SCHOOL_CASEWORKER = "school_caseworker", "Saksbehandler i skolen"
    KINDERGARTEN_CASEWORKER = "kindergarten_caseworker", "Saksbehandler i barnehagen"
    HEALTH_CASEWORKER = "health_caseworker", "Saksbehandler i helsetjenesten"
    MUNICIPAL_LEADER = "municipal_leader", "Kommunal leder"
    COUNTY_GOVERNOR_OFFICER = "county_governor_officer", "Saksbehandler hos Statsforvalteren"
    SETTLEMENT_PLANNER = "settlement_planner", "Bosettingsplanlegger"
    ANALYST = "analyst", "Analytiker"
    ADMINISTRATOR = "administrator", "Administrator"


MUNICIPAL_SERVICE_ROLES = frozenset(
    {
        Role.REFUGEE_SERVICE_CASEWORKER,
        Role.NAV_CASEWORKER,
        Role.ADULT_EDUCATION_CASEWORKER,
        Role.SCHOOL_CASEWORKER,
        Role.KINDERGARTEN_CASEWORKER,
        Role.HEALTH_CASEWORKER,
    }
)

ROLE_ORGANISATION_KIND: dict[str, str] = {
    **{role: OrganisationKind.MUNICIPALITY for role in MUNICIPAL_SERVICE_ROLES},
    Role.MUNICIPAL_LEADER: OrganisationKind.MUNICIPALITY,
    Role.COUNTY_GOVERNOR_OFFICER: OrganisationKind.COUNTY_GOVERNOR,
    Role.SETTLEMENT_PLANNER: OrganisationKind.DIRECTORATE,
    Role.ANALYST: OrganisationKind.DIRECTORATE,
    Role.ADMINISTRATOR: OrganisationKind.DIRECTORATE,
}
