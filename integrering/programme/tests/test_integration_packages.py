"""The covid integration packages in the programme (seed 003): the extension tests, extended
Norwegian training outside the programme, the reinforced programme, career guidance, the
decision letters under the temporary law, and the report to the directorate."""

from __future__ import annotations

import datetime
import io
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import Client
from openpyxl import load_workbook

from conftest import World, client_for
from integrering.audit.models import AuditAction, AuditEvent
from integrering.organisations.models import Municipality
from integrering.people.models import Person
from integrering.programme.models import (
    DecisionKind,
    EndReason,
    Extension,
    ExtensionKind,
    ExtensionTest,
    Participation,
)
from integrering.programme.services.decisions import letter_context, letter_template
from integrering.programme.services.extensions import (
    ExtensionInput,
    NorwegianExtensionInput,
    norwegian_extension_grant,
    programme_career_guidance,
    programme_extend,
    programme_final_goal_revise,
)
from integrering.programme.services.lifecycle import programme_end
from integrering.programme.services.package_report import (
    package_report_compute,
    package_report_csv,
    package_report_xlsx,
)
from integrering.programme.testing import CTX, make_participation
from integrering.testing import make_household

D = datetime.date
OSLO = "0301"
LAW = "Midlertidig lov 26. mai 2020 nr. 53 om tilpasninger i introduksjonsloven"
PACKAGE = {"integration_package": True, "needed_for_work_or_education": True}


def _adult(family: str) -> Person:
    """An adult in Oslo (registered before any clock is pinned: settled 2024-03-01)."""
    person = make_household(municipality_number=OSLO, members=1, family_name=family).members.get()
    person.birth_date = D(1990, 1, 1)
    person.save(update_fields=["birth_date"])
    return person


def _start(person: Person, starts_on: datetime.date, months: int = 24) -> Participation:
    """A programme under the Introduction Act (permit before 2021), final goal «any»."""
    return make_participation(
        person,
        starts_on=starts_on,
        final_goal="any",
        planned_months=months,
        permit_date=starts_on - datetime.timedelta(days=40),
    )


def _extend(p: Participation, months: int, **kwargs: object) -> Extension:
    values: dict[str, object] = {
        "months": months,
        "assessment": "Mangler praksis etter nedstengningen.",
    }
    values.update(kwargs)
    return programme_extend(ctx=CTX, participation=p, data=ExtensionInput(**values))  # type: ignore[arg-type]


def _messages(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(exc.value.messages)


# --- Extended programme time: the need for work or education ---------------------------------


def test_a_package_extension_is_tested_by_the_need_for_work_or_education_not_the_expectation(
    world: World,
) -> None:
    p = _start(_adult("Behov"), D(2019, 3, 1))
    with pytest.raises(ValidationError) as exc:
        _extend(p, 4, integration_package=True, expected_to_reach_goal=True)
    assert "komme i jobb eller utdanning" in _messages(exc)
    assert not Extension.objects.exists()
    # No expectation of reaching the final goal is asked for under the package.
    extension = _extend(p, 4, **PACKAGE)
    assert extension.integration_package == "II"
    assert extension.needs_test == ExtensionTest.WORK_OR_EDUCATION


def test_package_i_refuses_a_programme_that_ended_before_the_law_came_into_force(
    world: World,
) -> None:
    """Started 2018-01-15 for 12 months: the programme's last day, 2019-01-14, is before the
    temporary law's chapter 1 came into force on 2020-08-01."""
    p = _start(_adult("Ferdig"), D(2018, 1, 15), months=12)
    with pytest.raises(ValidationError, match=re.escape("var i programmet 01.08.2020")):
        _extend(p, 2, **PACKAGE)
    still_in = _start(_adult("Underveis"), D(2018, 10, 1))  # planned to 2020-09-30
    assert _extend(still_in, 6, **PACKAGE).integration_package == "I"


def test_the_package_decision_names_the_temporary_law_and_its_section(world: World) -> None:
    p = _start(_adult("Hjemmel"), D(2019, 3, 1))
    package = _extend(p, 4, **PACKAGE).decision
    assert package is not None and package.kind == DecisionKind.EXTENSION
    assert package.legal_basis.startswith(LAW)
    assert "§ 2 annet ledd" in package.legal_basis
    assert "Introduksjonsloven § 5" not in package.legal_basis
    assert package.subject == "Vedtak om utvidet introduksjonsprogram (integreringspakke II)"
    ordinary = _extend(p, 3, expected_to_reach_goal=True).decision
    assert ordinary is not None and ordinary.legal_basis.startswith("Introduksjonsloven § 5")
    letter = render_to_string(letter_template(package), letter_context(package))
    assert LAW in letter and "§ 2 annet ledd" in letter


# --- Extended Norwegian training: not needs-tested ---------------------------------------------


def test_norwegian_extension_needs_neither_the_expectation_nor_an_open_programme(
    world: World,
) -> None:
    p = _start(_adult("Norsk"), D(2019, 3, 1))
    Participation.objects.filter(pk=p.pk).update(norwegian_training_ends_on=D(2021, 3, 15))
    p.refresh_from_db()
    p = programme_end(
        ctx=CTX, participation=p, ended_on=D(2021, 2, 28), reason=EndReason.WORK, version=p.version
    )
    extension = _extend(p, 4, kind=ExtensionKind.NORWEGIAN_TRAINING)
    assert (extension.integration_package, extension.needs_test) == ("II", ExtensionTest.NONE)
    assert extension.from_on == D(2021, 3, 16)
    assert extension.right_and_duty is True  # the programme's target group lies within § 17
    decision = extension.decision
    assert decision is not None and decision.legal_basis.startswith(LAW)
    assert "§ 3" in decision.legal_basis
    assert "ikke behovsprøvd" in decision.reasoning
    with pytest.raises(ValidationError, match="høyst 4 måneder; 4 er allerede gitt"):
        _extend(p, 1, kind=ExtensionKind.NORWEGIAN_TRAINING)


def test_someone_only_in_norwegian_training_gets_the_extension(world: World) -> None:
    person = _adult("Baredenorsk")
    data = NorwegianExtensionInput(
        months=3,
        assessment="Tre måneder til før prøven.",
        norwegian_training_ends_on=D(2021, 10, 31),
    )
    with pytest.raises(ValidationError) as exc:
        norwegian_extension_grant(ctx=CTX, person=person, data=data)
    assert "§ 17 første ledd" in _messages(exc)  # package III asks for the right and duty
    with pytest.raises(ValidationError, match="Ikke i målgruppen"):
        norwegian_extension_grant(
            ctx=CTX,
            person=person,
            data=NorwegianExtensionInput(**{**data.__dict__, "right_and_duty": False}),
        )
    extension = norwegian_extension_grant(
        ctx=CTX,
        person=person,
        data=NorwegianExtensionInput(**{**data.__dict__, "right_and_duty": True}),
    )
    assert extension.participation is None and extension.person == person
    assert extension.integration_package == "III"
    assert extension.decision is not None and extension.decision.participation is None
    assert (
        extension.decision.subject == "Vedtak om utvidet opplæring i norsk (integreringspakke III)"
    )


@pytest.mark.parametrize(
    ("ends_on", "package", "limit"),
    [(D(2020, 12, 31), "I", 6), (D(2021, 1, 1), "II", 4)],
)
def test_training_ending_on_new_years_eve_2020_is_package_i_with_six_months(
    world: World, ends_on: datetime.date, package: str, limit: int
) -> None:
    """Seed 003 «avsluttet opplæringen før 31. desember 2020» read as to and including it."""
    person = _adult("Nyttar")
    data = NorwegianExtensionInput(
        months=limit + 1,
        assessment="Vurdert.",
        norwegian_training_ends_on=ends_on,
        right_and_duty=True,
    )
    with pytest.raises(ValidationError, match=f"høyst {limit} måneder"):
        norwegian_extension_grant(ctx=CTX, person=person, data=data)
    extension = norwegian_extension_grant(
        ctx=CTX, person=person, data=NorwegianExtensionInput(**{**data.__dict__, "months": limit})
    )
    assert extension.integration_package == package


def test_an_integration_act_participant_is_not_in_the_norwegian_package(world: World) -> None:
    person = _adult("Nylov")
    p = make_participation(person, starts_on=D(2021, 9, 1), permit_date=D(2021, 6, 1))
    assert p.act == "integration_act"
    with pytest.raises(ValidationError, match="integreringsloven"):
        _extend(
            p, 2, kind=ExtensionKind.NORWEGIAN_TRAINING, norwegian_training_ends_on=D(2021, 12, 1)
        )


# --- The reinforced programme and career guidance ----------------------------------------------


def test_the_reinforced_programme_is_a_revised_final_goal_for_starts_from_2019(
    world: World,
) -> None:
    person, early = _adult("Forsterket"), _adult("Forsent")
    with time_machine.travel(datetime.datetime(2021, 6, 1, 12, 0), tick=False):
        p = _start(person, D(2019, 1, 1))
        p = programme_final_goal_revise(
            ctx=CTX,
            participation=p,
            final_goal="upper_secondary",
            planned_months=36,
            reasoning="Deltakeren tar fagbrev.",
            version=p.version,
        )
        assert (p.final_goal, p.planned_months) == ("upper_secondary", 36)
        decision = p.decisions.get(kind=DecisionKind.FINAL_GOAL)
        assert decision.legal_basis.startswith(LAW) and "forsterket" in decision.legal_basis
        assert "31.12.2021" in decision.conclusion

        before = _start(early, D(2018, 12, 31))
        with pytest.raises(ValidationError, match="Ukjent sluttmål"):
            programme_final_goal_revise(
                ctx=CTX,
                participation=before,
                final_goal="upper_secondary",
                planned_months=36,
                reasoning="Fagbrev.",
                version=before.version,
            )


def test_the_career_guidance_assessment_is_recorded_per_participant(world: World) -> None:
    p = _start(_adult("Karriere"), D(2019, 3, 1))
    with pytest.raises(ValidationError, match="vurdert til nei"):
        programme_career_guidance(
            ctx=CTX,
            participation=p,
            assessed_on=D(2020, 9, 1),
            needed=False,
            given_on=D(2020, 10, 1),
            version=p.version,
        )
    p = programme_career_guidance(
        ctx=CTX,
        participation=p,
        assessed_on=D(2020, 9, 1),
        needed=True,
        note="Ønsker helsefag.",
        given_on=D(2020, 10, 1),
        version=p.version,
    )
    assert (p.career_guidance_assessed_on, p.career_guidance_needed) == (D(2020, 9, 1), True)
    assert p.events.filter(summary__startswith="Behovet for karriereveiledning").exists()


# --- The pages and the API ---------------------------------------------------------------------


def test_the_extension_page_takes_the_need_for_work_or_education(
    world: World, owner_client: Client
) -> None:
    p = _start(_adult("Side"), D(2019, 3, 1))
    url = f"/introduksjonsprogram/{p.pk}/forlengelse/"
    page = owner_client.get(url).content.decode()
    assert "komme i jobb eller utdanning" in page
    refused = owner_client.post(
        url,
        {
            "kind": "programme",
            "months": "4",
            "assessment": "Trenger praksis.",
            "integration_package": "on",
        },
    )
    assert refused.status_code == 422
    done = owner_client.post(
        url,
        {
            "kind": "programme",
            "months": "4",
            "assessment": "Trenger praksis.",
            "integration_package": "on",
            "needed_for_work_or_education": "on",
        },
    )
    assert done.status_code == 302
    assert Extension.objects.get(participation=p).integration_package == "II"


def test_the_norwegian_extension_page_serves_a_person_without_a_programme(
    world: World, owner_client: Client
) -> None:
    person = world.person
    url = f"/personer/{person.pk}/introduksjonsprogram/utvidet-norskopplaering/"
    assert "ikke behovsprøvd" in owner_client.get(url).content.decode()
    response = owner_client.post(
        url,
        {
            "norwegian_training_ends_on": "31.12.2020",
            "months": "6",
            "assessment": "Seks måneder gir nivå B1.",
        },
    )
    assert response.status_code == 302
    extension = Extension.objects.get(person=person)
    assert (extension.integration_package, extension.months) == ("I", 6)
    listing = owner_client.get(f"/personer/{person.pk}/introduksjonsprogram/").content.decode()
    assert "integreringspakke I" in listing
    outsider = client_for(world.outsider)
    assert outsider.get(url).status_code == 404


def test_the_final_goal_and_career_guidance_pages(world: World, owner_client: Client) -> None:
    person = _adult("Sider")
    with time_machine.travel(datetime.datetime(2021, 6, 1, 12, 0), tick=False):
        p = _start(person, D(2019, 3, 1))
        detail = owner_client.get(f"/introduksjonsprogram/{p.pk}/").content.decode()
        assert "Forsterket introduksjonsprogram" in detail and "Behovet er ikke vurdert" in detail
        goal = owner_client.post(
            f"/introduksjonsprogram/{p.pk}/sluttmal/",
            {
                "final_goal": "upper_secondary",
                "planned_months": "36",
                "reasoning": "Fagbrev.",
                "version": p.version,
            },
        )
        assert goal.status_code == 302
        p.refresh_from_db()
        guidance = owner_client.post(
            f"/introduksjonsprogram/{p.pk}/karriereveiledning/",
            {"assessed_on": "01.05.2021", "needed": "no", "note": "", "version": p.version},
        )
        assert guidance.status_code == 302
        detail = owner_client.get(f"/introduksjonsprogram/{p.pk}/").content.decode()
        assert "Behovet vurdert 01.05.2021: ikke behov" in detail


def test_the_api_extends_under_a_package_and_gives_norwegian_training(
    world: World, owner_client: Client
) -> None:
    p = _start(_adult("Api"), D(2019, 3, 1))
    body = owner_client.post(
        f"/api/v1/programmes/{p.pk}/extensions",
        {"months": 4, "assessment": "Praksis.", **PACKAGE},
        content_type="application/json",
    )
    assert body.status_code == 201, body.content
    extension = body.json()["extensions"][0]
    assert (extension["integration_package"], extension["needs_test"]) == (
        "II",
        "work_or_education",
    )

    person = _adult("Apinorsk")
    created = owner_client.post(
        "/api/v1/programmes/norwegian-extensions",
        {
            "person_id": person.pk,
            "months": 4,
            "assessment": "Fire måneder.",
            "norwegian_training_ends_on": "2021-03-01",
            "right_and_duty": True,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["integration_package"] == "II"
    assert created.json()["participation"] is None
    missing = owner_client.post(
        "/api/v1/programmes/norwegian-extensions", {}, content_type="application/json"
    )
    assert missing.status_code == 422

    guidance = owner_client.post(
        f"/api/v1/programmes/{p.pk}/career-guidance",
        {
            "assessed_on": "2020-09-01",
            "needed": True,
            "version": Participation.objects.get(pk=p.pk).version,
        },
        content_type="application/json",
    )
    assert guidance.status_code == 200, guidance.content
    assert guidance.json()["career_guidance_needed"] is True


# --- The report to the directorate -------------------------------------------------------------


def _registered(extension: Extension, on: datetime.date) -> None:
    Extension.objects.filter(pk=extension.pk).update(
        created_at=datetime.datetime.combine(on, datetime.time(12), tzinfo=datetime.UTC)
    )


@pytest.fixture
def reported(world: World) -> dict[str, object]:
    """Package II and III measures in Oslo, some reported in time and some late."""
    two = _start(_adult("Pakketo"), D(2019, 3, 1))  # planned to 2021-02-28
    Participation.objects.filter(pk=two.pk).update(norwegian_training_ends_on=D(2021, 3, 15))
    two.refresh_from_db()
    _registered(_extend(two, 4, **PACKAGE), D(2021, 5, 1))
    _registered(_extend(two, 3, kind=ExtensionKind.NORWEGIAN_TRAINING), D(2021, 5, 1))
    two_late = _start(_adult("Pakketosen"), D(2019, 5, 1))
    _registered(_extend(two_late, 4, **PACKAGE), D(2021, 9, 1))  # after II's deadline 04.06.2021
    three = _start(_adult("Pakketre"), D(2019, 9, 1))  # extension from 2021-09-01
    _registered(_extend(three, 2, **PACKAGE), D(2021, 8, 1))
    three_later = _start(_adult("Pakketresen"), D(2019, 12, 1))  # extension from 2021-12-01
    _registered(_extend(three_later, 4, **PACKAGE), D(2021, 11, 15))
    only_norwegian = _adult("Barenorsk")
    _registered(
        norwegian_extension_grant(
            ctx=CTX,
            person=only_norwegian,
            data=NorwegianExtensionInput(
                months=2,
                assessment="To måneder.",
                norwegian_training_ends_on=D(2021, 10, 31),
                right_and_duty=True,
            ),
        ),
        D(2021, 11, 10),
    )
    outside = _start(_adult("Utenfor"), D(2020, 3, 1))
    Extension.objects.create(  # recorded wrongly, not through the service
        participation=outside,
        person=outside.person,
        kind=ExtensionKind.PROGRAMME,
        months=2,
        from_on=D(2022, 3, 1),
        assessment="Feil",
        integration_package="III",
    )
    return {"municipality": Municipality.objects.get(number=OSLO, valid_to__isnull=True)}


def test_the_package_iii_report_counts_participants_who_got_or_will_get_each_measure(
    reported: dict[str, object],
) -> None:
    report = package_report_compute(municipality=reported["municipality"], package="III")  # type: ignore[arg-type]
    assert (report.period, report.deadline, report.late_packages) == (
        "høsten 2021",
        D(2021, 11, 26),
        ["II"],
    )
    counts = {(c.package, c.measure): c for c in report.counts}
    programme_iii = counts[("III", ExtensionKind.PROGRAMME)]
    assert (programme_iii.participants, programme_iii.given, programme_iii.to_be_given) == (2, 1, 1)
    assert counts[("III", ExtensionKind.NORWEGIAN_TRAINING)].participants == 1
    late = counts[("II", ExtensionKind.PROGRAMME)]
    assert (late.participants, late.late) == (1, True)
    assert ("II", ExtensionKind.NORWEGIAN_TRAINING) not in counts  # reported in June
    assert report.total == 2 * 45_000 + 8_000 + 45_000
    assert any("Utenfor" in problem and "ingen pakke" in problem for problem in report.problems)


def test_the_package_ii_report_has_the_spring_measures(reported: dict[str, object]) -> None:
    report = package_report_compute(municipality=reported["municipality"], package="II")  # type: ignore[arg-type]
    assert (report.period, report.deadline) == ("våren 2021", D(2021, 6, 4))
    counts = {(c.package, c.measure): c.participants for c in report.counts}
    assert counts == {
        ("II", ExtensionKind.PROGRAMME): 2,
        ("II", ExtensionKind.NORWEGIAN_TRAINING): 1,
    }
    assert report.total == 2 * 45_000 + 8_000


def test_the_report_downloads_with_norwegian_headers(reported: dict[str, object]) -> None:
    report = package_report_compute(municipality=reported["municipality"], package="III")  # type: ignore[arg-type]
    text = package_report_csv(report).decode("utf-8-sig")
    title, header, *rows = text.splitlines()
    assert title.startswith("Rapport om integreringspakke III")
    assert header.startswith("Pakke;Periode;Tiltak;Målgruppe;Deltakere som har fått eller skal få")
    assert rows[-1].startswith("Sum;") and "143000" in rows[-1]
    assert "Barenorsk" not in text  # the counts only
    book = load_workbook(io.BytesIO(package_report_xlsx(report)))
    assert book.sheetnames == ["Rapport", "Deltakere"]
    names = [row[0] for row in book["Deltakere"].iter_rows(min_row=3, values_only=True)]
    assert any("Barenorsk" in str(name) for name in names)


def test_the_report_page_api_and_export_are_for_the_municipality_only(
    reported: dict[str, object], world: World, owner_client: Client
) -> None:
    page = owner_client.get("/integreringspakker/", {"package": "III", "municipality": OSLO})
    assert page.status_code == 200
    body = page.content.decode()
    assert "26.11.2021" in body and "Sen rapportering" in body and "Barenorsk" in body
    export = owner_client.get("/integreringspakker/", {"package": "III", "format": "xlsx"})
    assert export.status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, detail__contains="pakke III"
    ).exists()
    api = owner_client.get("/api/v1/integration-package-reports/", {"package": "II"})
    assert api.status_code == 200, api.content
    assert api.json()["deadline"] == "2021-06-04"
    bad = owner_client.get("/integreringspakker/", {"package": "IV", "format": "csv"})
    assert bad.status_code == 400 and "Ukjent rapportering" in bad.content.decode()

    outsider = client_for(world.outsider)
    assert outsider.get("/integreringspakker/", {"municipality": OSLO}).status_code == 404
    assert (
        outsider.get("/api/v1/integration-package-reports/", {"municipality": OSLO}).status_code
        == 404
    )
    own = outsider.get("/integreringspakker/").content.decode()
    assert "Barenorsk" not in own


def test_the_grant_claim_pages_link_to_the_report(world: World, owner_client: Client) -> None:
    page = owner_client.get("/tilskudd/", {"year": "2018"}).content.decode()
    assert 'href="/integreringspakker/"' in page
