"""The decision letter in the municipality's written standard (bokmål or nynorsk), with the
person's postal address and, when the person needs one, the right to an interpreter."""

from __future__ import annotations

import datetime
import io
import json
import re
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from conftest import World, client_for
from integrering.accounts.models import User
from integrering.audit.services import AccessContext
from integrering.organisations.models import Municipality, WrittenStandard
from integrering.people.models import Person
from integrering.programme.models import Act, Decision, DecisionKind, DecisionStatus
from integrering.programme.services.decisions import (
    LETTER_TEMPLATES,
    decision_create,
    decision_decide,
    decision_draft,
    decision_letter_pdf,
    decision_send,
    decision_texts,
    letter_template,
)
from integrering.testing import make_household, make_user

D = datetime.date
VOSS = "4621"  # a nynorsk municipality (Språkrådet: språkvedtak nynorsk)
TODAY = D(2024, 7, 1)

# Fixed texts of each standard that the other standard must not print.
BOKMAL_ONLY = [
    "Flyktningtjenesten",
    "Hjemmel",
    "Begrunnelse",
    "Klagen sender du",
    "Med hilsen",
    "saksbehandler",
    "forvaltningsloven",
    "Integreringsloven",
    "uker",
]
NYNORSK_ONLY = [
    "Flyktningtenesta",
    "Heimel",
    "Grunngiving",
    "Klaga sender du",
    "Med helsing",
    "sakshandsamar",
    "forvaltningslova",
    "Integreringslova",
    "veker",
]


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(datetime.datetime(2024, 7, 1, 12, 0), tick=False):
        yield


def _pdf_text(content: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"\s+", " ", text)


def _person(number: str, **household: Any) -> Person:
    person = make_household(municipality_number=number, members=1, **household).members.get()
    return person


def _decision(
    user: User, person: Person, kind: str = DecisionKind.EXTENSION, **changes: Any
) -> Decision:
    data: dict[str, Any] = {
        "kind": kind,
        "facts": "Du søkte 10.06.2024 om å forlenge programmet.",
        "reasoning": "Kommunen har vurdert søknaden din.",
        "conclusion": "Programmet ditt forlenges med tre måneder.",
        "effective_on": D(2024, 7, 1),
        **changes,
    }
    return decision_create(ctx=AccessContext(user=user, route="test"), person=person, **data)


def _send(user: User, decision: Decision) -> Decision:
    ctx = AccessContext(user=user, route="test")
    decided = decision_decide(ctx=ctx, decision=decision, decided_on=D(2024, 6, 20), version=1)
    return decision_send(ctx=ctx, decision=decided, sent_on=D(2024, 6, 21), version=decided.version)


@pytest.fixture
def voss_user(db: None) -> User:
    return make_user(municipality_number=VOSS)


# The standard of each municipality


def test_a_neutral_or_bokmal_municipality_writes_bokmal_and_a_nynorsk_one_nynorsk(
    db: None,
) -> None:
    standards = {
        m.number: m for m in Municipality.objects.filter(number__in=["0301", "3201", VOSS])
    }
    assert standards["0301"].written_standard == WrittenStandard.NEUTRAL
    assert standards["3201"].written_standard == WrittenStandard.BOKMAL
    assert standards[VOSS].written_standard == WrittenStandard.NYNORSK
    assert [standards[n].letter_standard for n in ("0301", "3201", VOSS)] == ["nb", "nb", "nn"]


def test_the_letter_template_follows_the_municipality(world: World, voss_user: User) -> None:
    oslo = _decision(world.owner, world.person)
    voss = _decision(voss_user, _person(VOSS))
    assert letter_template(oslo) == LETTER_TEMPLATES["nb"]
    assert letter_template(voss) == LETTER_TEMPLATES["nn"]

    # An administrator who sets Oslo to nynorsk changes the letters from then on.
    Municipality.objects.filter(pk=oslo.municipality_id).update(written_standard="nn")
    oslo.refresh_from_db()
    assert letter_template(oslo) == LETTER_TEMPLATES["nn"]


# Bokmål and nynorsk letters


def test_a_bokmal_letter_has_the_fixed_texts_in_bokmal_and_the_address(world: World) -> None:
    decision = _send(world.owner, _decision(world.owner, world.person))
    text = _pdf_text(decision_letter_pdf(decision))
    person = world.person
    for expected in [
        f"{person.full_name} {person.address_line} 0150 OSLO Dato 21.06.2024",
        "Vedtak om forlengelse av introduksjonsprogrammet",
        "Gjelder fra 01.07.2024",
        f"Fødselsnummer {person.identity_number}",
        "Integreringsloven §§ 13 og 14 (forlengelse",
        "Fristen for å klage er 3 uker fra den dagen du mottok dette brevet",
        "Klagen sender du til Oslo kommune, flyktningtjenesten",
        "Med hilsen",
    ]:
        assert expected in text, f"{expected!r} is missing from the letter"
    for word in NYNORSK_ONLY:
        assert word not in text, f"nynorsk {word!r} in a bokmål letter"
    assert "Adresse ikke registrert" not in text


def test_a_nynorsk_letter_has_every_fixed_text_in_nynorsk(voss_user: User) -> None:
    person = _person(VOSS)
    decision = _send(voss_user, _decision(voss_user, person))

    text = _pdf_text(decision_letter_pdf(decision))

    assert decision.subject == "Vedtak om forlenging av introduksjonsprogrammet"
    for expected in [
        "Voss kommune Flyktningtenesta",
        f"{person.full_name} {person.address_line} 0150 VOSS",
        "Gjeld frå 01.07.2024",
        "Vedtak om forlenging av introduksjonsprogrammet",
        "Heimel Integreringslova §§ 13 og 14 (forlenging når det er grunn til å forvente at "
        "deltakaren når sluttmålet)",
        "Faktiske forhold",
        "Grunngiving",
        "Du har rett til å klage",
        "Fristen for å klage er 3 veker frå den dagen du fekk dette brevet "
        "(forvaltningslova §§ 28 og 29)",
        "Fekk du brevet 21.06.2024, er siste frist 12.07.2024",
        "Klaga sender du til Voss kommune, flyktningtenesta",
        "kva du ønskjer å få endra, og kvifor",
        "Endrar vi ikkje vedtaket, sender vi klaga til Statsforvalteren i Vestland, som avgjer "
        "saka",
        "Du har rett til å sjå dokumenta i saka di (forvaltningslova § 18)",
        "(forvaltningslova § 31)",
        "Med helsing",
        "sakshandsamar, flyktningtenesta",
        "har difor inga underskrift",
    ]:
        assert expected in text, f"{expected!r} is missing from the letter"
    for word in BOKMAL_ONLY:
        assert word not in text, f"bokmål {word!r} in a nynorsk letter"


def test_the_caseworkers_own_texts_are_printed_as_written(voss_user: User) -> None:
    decision = _decision(
        voss_user,
        _person(VOSS),
        facts="Skrive på bokmål: deltakeren har søkt.",
        reasoning="Begrunnelsen står som den er skrevet.",
    )
    text = _pdf_text(decision_letter_pdf(decision))
    assert "Skrive på bokmål: deltakeren har søkt." in text
    assert "Begrunnelsen står som den er skrevet." in text
    assert "Grunngiving" in text  # the heading is still nynorsk


def test_a_nynorsk_draft_says_utkast_in_nynorsk(voss_user: User) -> None:
    text = _pdf_text(decision_letter_pdf(_decision(voss_user, _person(VOSS))))
    assert "UTKAST – ikkje vedteke" in text
    assert "Utkastet er ikkje vedteke og gjeld ikkje." in text


def test_a_package_measure_names_the_temporary_law_in_nynorsk(voss_user: User) -> None:
    person = _person(VOSS)
    decision = decision_draft(
        ctx=AccessContext(user=voss_user, route="test"),
        person=person,
        kind=DecisionKind.EXTENSION,
        act=Act.INTRODUCTION_ACT,
        facts="f",
        reasoning="r",
        conclusion="c",
        measure="programme_extension",
        package="II",
    )
    assert decision.subject == "Vedtak om utvida introduksjonsprogram (integreringspakke II)"
    assert decision.legal_basis.startswith("Mellombels lov 26. mai 2020 nr. 53")
    assert "§ 2 andre ledd (utvida introduksjonsprogram" in decision.legal_basis
    text = _pdf_text(decision_letter_pdf(decision))
    assert "Mellombels lov 26. mai 2020 nr. 53 om tilpassingar i introduksjonslova" in text


def test_the_texts_of_both_standards_have_the_same_parts() -> None:
    def keys(value: Any, prefix: str = "") -> set[str]:
        if isinstance(value, dict):
            return {k for key, item in value.items() for k in keys(item, f"{prefix}{key}.")}
        return {prefix}

    nb, nn = decision_texts(on=TODAY, standard="nb"), decision_texts(on=TODAY, standard="nn")
    assert keys(nb) == keys(nn)
    # The bokmål headings are the names the product gives the kinds of decision.
    assert nb["subject"] == {kind.value: kind.label for kind in DecisionKind}


# The address block


def test_a_draft_without_an_address_says_so_and_names_the_municipality(world: World) -> None:
    person = _person("0301", with_address=False)
    text = _pdf_text(decision_letter_pdf(_decision(world.owner, person)))
    assert f"{person.full_name} Adresse ikke registrert (bosatt i Oslo kommune)" in text


def test_a_nynorsk_draft_without_an_address_says_so_in_nynorsk(voss_user: User) -> None:
    person = _person(VOSS, with_address=False)
    text = _pdf_text(decision_letter_pdf(_decision(voss_user, person)))
    assert "Adresse ikkje registrert (busett i Voss kommune)" in text


def test_a_letter_is_not_sent_without_an_address(world: World) -> None:
    person = _person("0301", with_address=False)
    ctx = AccessContext(user=world.owner, route="test")
    decision = decision_decide(
        ctx=ctx,
        decision=_decision(world.owner, person),
        decided_on=D(2024, 6, 20),
        version=1,
    )

    with pytest.raises(ValidationError, match="ingen fullstendig postadresse"):
        decision_send(ctx=ctx, decision=decision, sent_on=TODAY, version=decision.version)

    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DECIDED and not decision.letter_pdf


def test_the_send_page_asks_for_the_address_and_refuses_without_it(
    world: World, owner_client: Client
) -> None:
    person = _person("0301", with_address=False)
    ctx = AccessContext(user=world.owner, route="test")
    decision = decision_decide(
        ctx=ctx, decision=_decision(world.owner, person), decided_on=TODAY, version=1
    )
    url = reverse("programme:decision-send", kwargs={"decision_id": decision.pk})

    page = owner_client.get(url).content.decode()
    assert "har ingen fullstendig postadresse" in page
    assert reverse("people:person-edit", kwargs={"person_id": person.pk}) in page

    response = owner_client.post(
        url, {"sent_on": "2024-07-01", "received_on": "", "version": decision.version}
    )
    assert response.status_code == 422
    assert "Brevet kan ikke sendes" in response.content.decode()

    api = owner_client.post(
        f"/api/v1/decisions/{decision.pk}/send",
        json.dumps({"sent_on": "2024-07-01", "version": decision.version}),
        content_type="application/json",
    )
    assert api.status_code == 422
    assert "postadresse" in api.json()["detail"]


def test_the_send_page_shows_where_and_in_which_standard_the_letter_goes(
    voss_user: User,
) -> None:
    person = _person(VOSS)
    ctx = AccessContext(user=voss_user, route="test")
    decision = decision_decide(
        ctx=ctx, decision=_decision(voss_user, person), decided_on=TODAY, version=1
    )
    page = client_for(voss_user).get(
        reverse("programme:decision-send", kwargs={"decision_id": decision.pk})
    )
    assert f"{person.address_line}, 0150 VOSS, på nynorsk" in page.content.decode()


# The interpreter line


def test_a_person_who_needs_an_interpreter_is_told_of_the_right_to_one(world: World) -> None:
    person = world.person
    Person.objects.filter(pk=person.pk).update(
        interpreter_needed=True, interpreter_language="Arabisk", language="kurdisk"
    )
    person.refresh_from_db()
    text = _pdf_text(decision_letter_pdf(_decision(world.owner, person)))
    assert "Du har rett til tolk" in text
    assert "Du har rett til tolk uten å betale for det (tolkeloven § 6)." in text
    assert (
        "Kontakt flyktningtjenesten hvis du vil at en tolk skal forklare deg dette brevet på "
        "arabisk." in text
    )


def test_the_interpreter_line_is_in_nynorsk_and_falls_back_on_the_mother_tongue(
    voss_user: User,
) -> None:
    person = _person(VOSS)
    Person.objects.filter(pk=person.pk).update(interpreter_needed=True, language="tigrinja")
    person.refresh_from_db()
    text = _pdf_text(decision_letter_pdf(_decision(voss_user, person)))
    assert "Du har rett til tolk utan å betale for det (tolkelova § 6)." in text
    assert (
        "Kontakt flyktningtenesta dersom du vil at ein tolk skal forklare deg dette brevet på "
        "tigrinja." in text
    )


def test_a_person_who_needs_no_interpreter_gets_no_interpreter_line(world: World) -> None:
    assert not world.person.interpreter_needed
    text = _pdf_text(decision_letter_pdf(_decision(world.owner, world.person)))
    assert "rett til tolk" not in text


def test_another_municipalitys_caseworker_cannot_send_the_letter(
    world: World, voss_user: User
) -> None:
    decision = _decision(world.owner, world.person)
    url = reverse("programme:decision-send", kwargs={"decision_id": decision.pk})
    assert client_for(voss_user).get(url).status_code == 404


def test_the_suggested_texts_of_a_draft_are_in_the_municipalitys_standard(db: None) -> None:
    """Issue 22 item 8: the texts a start decision is drafted with (parameter
    ``programme/draft_texts``), in nynorsk for Voss and bokmål for Oslo."""
    from integrering.programme.testing import make_participation

    voss = make_participation(_person(VOSS), starts_on=D(2024, 6, 3), full_time=True)
    oslo = make_participation(_person("0301"), starts_on=D(2024, 6, 3), full_time=True)
    nn = voss.decisions.get(kind=DecisionKind.START)
    nb = oslo.decisions.get(kind=DecisionKind.START)
    assert "blei busett i Voss kommune 01.03.2024 og er i målgruppa" in nn.facts
    assert nn.conclusion.startswith(
        "Du får tilbod om introduksjonsprogram på heiltid frå 03.06.2024"
    )
    assert "medan du deltek" in nn.conclusion
    assert "tilpassa behovet ditt" in nn.reasoning
    assert "ble bosatt i Oslo kommune 01.03.2024 og er i målgruppen" in nb.facts
    assert nb.conclusion.startswith(
        "Du får tilbud om introduksjonsprogram på heltid fra 03.06.2024"
    )
