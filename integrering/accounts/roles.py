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
    HOUSING_CASEWORKER = "housing_caseworker", "Saksbehandler i boligtjenesten"
    CHILD_WELFARE_CASEWORKER = "child_welfare_caseworker", "Saksbehandler i barnevernet"
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
        Role.HOUSING_CASEWORKER,
        Role.CHILD_WELFARE_CASEWORKER,
    }
)


class Service(models.TextChoices):
    """The municipal services that work with a settled refugee (seed 002 §2.2-2.11)."""

    REFUGEE_SERVICE = "refugee_service", "Flyktningtjenesten"
    NAV = "nav", "NAV"
    ADULT_EDUCATION = "adult_education", "Voksenopplæringen"
    KINDERGARTEN = "kindergarten", "Barnehagen"
    SCHOOL = "school", "Skolen"
    HEALTH = "health", "Helsetjenesten"
    HOUSING = "housing", "Boligtjenesten"
    CHILD_WELFARE = "child_welfare", "Barnevernet"


# The service each municipal caseworker role works in. The refugee service coordinates
# (seed 002 §2.2) and reaches the whole case; the other services reach what consent or a
# legal basis gives them.
ROLE_SERVICE: dict[str, str] = {
    Role.REFUGEE_SERVICE_CASEWORKER: Service.REFUGEE_SERVICE,
    Role.NAV_CASEWORKER: Service.NAV,
    Role.ADULT_EDUCATION_CASEWORKER: Service.ADULT_EDUCATION,
    Role.KINDERGARTEN_CASEWORKER: Service.KINDERGARTEN,
    Role.SCHOOL_CASEWORKER: Service.SCHOOL,
    Role.HEALTH_CASEWORKER: Service.HEALTH,
    Role.HOUSING_CASEWORKER: Service.HOUSING,
    Role.CHILD_WELFARE_CASEWORKER: Service.CHILD_WELFARE,
}

ROLE_ORGANISATION_KIND: dict[str, str] = {
    **{role: OrganisationKind.MUNICIPALITY for role in MUNICIPAL_SERVICE_ROLES},
    Role.MUNICIPAL_LEADER: OrganisationKind.MUNICIPALITY,
    Role.COUNTY_GOVERNOR_OFFICER: OrganisationKind.COUNTY_GOVERNOR,
    Role.SETTLEMENT_PLANNER: OrganisationKind.DIRECTORATE,
    Role.ANALYST: OrganisationKind.DIRECTORATE,
    Role.ADMINISTRATOR: OrganisationKind.DIRECTORATE,
}
