"""Invitations to the municipal survey: one per unit and role, each with its own secret link.

The population (seed 004 «Utvalg»): every municipality valid on the day the survey opens, for
each role, plus Oslo's 15 city districts for the questionnaires they answer, so the number of
invited units differs between roles. The recipient's e-mail is imported by the analyst
(``unit_id,role,email``); there is no reliable default address. Links go out by e-mail from the
background worker (``tasks.survey_invitations_send``), never inside a web request. Every sending
makes a new link: only the hash of a token is stored, so the old link cannot be sent again; a
unit's draft belongs to the invitation and is kept.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from integrering.errors import messages_capped
from integrering.jobs import Progress
from integrering.organisations.models import Municipality
from integrering.tables import TableError, csv_text, upload_size_error
from integrering.ui.numbers import count_nb

from ..city_districts import OSLO, oslo_city_districts
from ..models import Invitation, InvitationStatus, Survey, SurveyRole
from ..tokens import token_new

CONTACTS_MAX_BYTES = 2_000_000
CONTACT_COLUMNS = ("unit_id", "role", "email")


def respond_url(raw_token: str) -> str:
    """The absolute link a unit answers by."""
    return settings.BASE_URL + reverse("surveys:respond", kwargs={"token": raw_token})


def survey_is_open(survey: Survey, on: Any = None) -> bool:
    """Whether the survey takes answers on a date (Oslo's date by default)."""
    on = on or timezone.localdate()
    return bool(survey.opens_on <= on <= survey.closes_on)


# --- Making invitations ------------------------------------------------------------------------


@transaction.atomic
def invitations_create(*, survey: Survey) -> int:
    """Invite every municipality valid on the day the survey opens, per questionnaire, plus
    Oslo's city districts where the questionnaire includes them (seed 004 «Utvalg»). Idempotent:
    units already invited are left as they are. Returns how many invitations were made."""
    municipalities = list(Municipality.objects.valid_on(survey.opens_on).order_by("number"))
    oslo = next((m for m in municipalities if m.number == OSLO), None)
    made: list[Invitation] = []
    for questionnaire in survey.questionnaires.all():
        existing = set(questionnaire.invitations.values_list("municipality_id", "district_number"))
        units: list[tuple[Municipality, str, str]] = [(m, "", "") for m in municipalities]
        if questionnaire.includes_city_districts and oslo is not None:
            units += [(oslo, d.number, d.name) for d in oslo_city_districts()]
        for municipality, district_number, district_name in units:
            if (municipality.pk, district_number) in existing:
                continue
            made.append(
                Invitation(
                    questionnaire=questionnaire,
                    municipality=municipality,
                    district_number=district_number,
                    district_name=district_name,
                    # A token nobody knows: the link is made when it is sent.
                    token_hash=token_new()[1],
                )
            )
    Invitation.objects.bulk_create(made, batch_size=500)
    return len(made)


# --- Recipients' e-mail ------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactsResult:
    updated: int
    rows: int


def _decode(content: bytes) -> str:
    """The file's text as every table upload reads it (``tables.csv_text``: UTF-8, UTF-16 or
    Windows' cp1252); a file that is no text says so («Filen ser ikke ut som CSV eller Excel»)."""
    try:
        return csv_text(content)
    except TableError as exc:
        raise ValidationError(exc.problems[0]) from None


@transaction.atomic
def contacts_import(*, survey: Survey, content: bytes) -> ContactsResult:
    """Set the recipients' e-mail from a CSV file with the columns ``unit_id,role,email``
    (comma or semicolon). Every row is checked first; with any bad row (unknown unit or role,
    a unit not invited to that role, a bad e-mail) every bad row is listed and nothing is
    written. Invitations must be made first."""
    too_large = upload_size_error(len(content), CONTACTS_MAX_BYTES)
    if too_large:
        raise ValidationError(too_large)
    text = _decode(content)
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in CONTACT_COLUMNS if c not in header]
    if missing:
        raise ValidationError(
            f"Filen mangler kolonnen {', '.join(missing)}. Første linje skal være "
            f"«{','.join(CONTACT_COLUMNS)}»."
        )
    reader.fieldnames = header
    invitations = {
        (i.unit_id, i.questionnaire.role): i
        for i in Invitation.objects.filter(questionnaire__survey=survey).select_related(
            "questionnaire", "municipality"
        )
    }
    if not invitations:
        raise ValidationError("Lag invitasjonene før du importerer e-postadressene.")
    roles = set(SurveyRole.values)
    errors: list[str] = []
    updates: dict[int, tuple[Invitation, str]] = {}
    rows = 0
    for line, row in enumerate(reader, start=2):
        unit_id = (row.get("unit_id") or "").strip()
        role = (row.get("role") or "").strip()
        email = (row.get("email") or "").strip()
        if not (unit_id or role or email):
            continue
        rows += 1
        problems = []
        if role not in roles:
            problems.append(f"ukjent rolle «{role}» (bruk {', '.join(sorted(roles))})")
        elif (unit_id, role) not in invitations:
            problems.append(f"enheten «{unit_id}» er ikke invitert til rollen {role}")
        try:
            validate_email(email)
        except ValidationError:
            problems.append(f"ugyldig e-postadresse «{email}»")
        if problems:
            errors.append(f"Linje {line}: {'; '.join(problems)}.")
            continue
        invitation = invitations[(unit_id, role)]
        updates[invitation.pk] = (invitation, email)
    if errors:
        raise ValidationError(
            [
                f"Ingenting er lagret: {count_nb(len(errors), 'linje', 'linjer')} har feil.",
                *messages_capped(errors),
            ]
        )
    if not rows:
        raise ValidationError("Filen har ingen rader.")
    changed = []
    for invitation, email in updates.values():
        if invitation.recipient_email != email:
            invitation.recipient_email = email
            changed.append(invitation)
    Invitation.objects.bulk_update(changed, ["recipient_email"], batch_size=500)
    return ContactsResult(updated=len(changed), rows=rows)


# --- Links -------------------------------------------------------------------------------------


def invitation_link_new(*, invitation: Invitation) -> str:
    """A new link for one invitation, to be shown once (for a unit without e-mail the analyst
    passes it on). The old link stops working; answers saved so far are kept."""
    raw, hashed = token_new()
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=hashed)
    invitation.token_hash = hashed
    return respond_url(raw)


def _message(invitation: Invitation, link: str, *, reminder: bool) -> EmailMessage:
    questionnaire = invitation.questionnaire
    survey = questionnaire.survey
    opening = (
        "Dette er en påminnelse: vi har ikke fått svaret ditt ennå."
        if reminder
        else f"{survey.title} går til alle landets kommuner og Oslos bydeler."
    )
    body = (
        f"Hei,\n\n{opening}\n\n"
        f"{invitation.unit_name} er invitert til å svare på spørreskjemaet for "
        f"{questionnaire.get_role_display().lower()}. Videresend gjerne e-posten til den som "
        "har denne rollen.\n\n"
        f"Svar her (lenken er personlig for {invitation.unit_name}; ingen innlogging):\n"
        f"{link}\n\n"
        f"Svarfristen er {survey.closes_on:%d.%m.%Y}. Du kan lagre et utkast og fortsette "
        "senere med den samme lenken.\n"
    )
    if reminder:
        body += "\nLenker du har fått tidligere, virker ikke lenger: bruk denne.\n"
    body += "\nMed vennlig hilsen\nIMDi\n"
    subject = f"{'Påminnelse: ' if reminder else ''}{survey.title} – {invitation.unit_name}"
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invitation.recipient_email],
    )


def invitations_send(
    *, survey_id: int, reminder: bool = False, progress: Progress | None = None
) -> dict[str, Any]:
    """E-mail each invitation with an e-mail address its link: the first time to those not sent
    yet; with ``reminder``, again (with a new link) to those who have not submitted, while the
    survey is open. Runs in the background worker (``mailing.mailing_run``), which ``progress``
    tells how many are done of how many. Returns the counts."""
    survey = Survey.objects.get(pk=survey_id)
    invitations = Invitation.objects.filter(questionnaire__survey=survey).exclude(
        recipient_email=""
    )
    if reminder:
        if not survey_is_open(survey):
            return {"survey_id": survey_id, "reminder": True, "sent": 0, "skipped_closed": True}
        invitations = invitations.filter(sent_at__isnull=False).exclude(
            status=InvitationStatus.SUBMITTED
        )
    else:
        invitations = invitations.filter(sent_at__isnull=True)
    without_email = (
        Invitation.objects.filter(questionnaire__survey=survey, recipient_email="")
        .exclude(status=InvitationStatus.SUBMITTED)
        .count()
    )
    sent = 0
    failed: list[str] = []
    connection = get_connection()
    recipients = list(invitations.select_related("questionnaire__survey", "municipality"))
    for done, invitation in enumerate(recipients, start=1):
        if progress is not None:
            progress(done - 1, len(recipients))
        raw, hashed = token_new()
        message = _message(invitation, respond_url(raw), reminder=reminder)
        message.connection = connection
        try:
            message.send()
        except Exception:
            failed.append(invitation.unit_id)
            continue
        now = timezone.now()
        if reminder:
            Invitation.objects.filter(pk=invitation.pk).update(
                token_hash=hashed, reminded_at=now, reminders_sent=invitation.reminders_sent + 1
            )
        else:
            Invitation.objects.filter(pk=invitation.pk).update(token_hash=hashed, sent_at=now)
        sent += 1
    return {
        "survey_id": survey_id,
        "reminder": reminder,
        "sent": sent,
        "failed": len(failed),
        "failed_units": failed[:50],
        "without_email": without_email,
    }
