"""Extending the programme and revising its plan: the extension (forlengelse), a revised final
goal, and the measures of the covid integration packages (extended programme time, extended
Norwegian training, also for someone outside the programme, the reinforced programme by a revised
final goal, the assessment of the need for career guidance). Each is dated and audited, and
leaves an event in the history when there is a programme; all but the career guidance assessment
are individual decisions and draft their decision (``decisions.py``), a package measure's naming
the temporary law.

Sources: seed 000 (extension only when there is «grunn til å forvente» that the participant
reaches the final goal, and it is an individual decision); seed 003 (the covid integration
packages: extended programme time tested by the need for work or education, extended Norwegian
training for everyone in its target group, the reinforced programme by a revised final goal, the
assessment of the need for career guidance; their decisions name the temporary law).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from integrering.audit.models import AuditAction
from integrering.audit.services import AccessContext, audit_record
from integrering.concurrency import version_bump
from integrering.people.models import Person
from integrering.rules.benefit import INTEGRATION_ACT, INTRODUCTION_ACT
from integrering.rules.integration_packages import (
    norwegian_extension,
    programme_extension,
    reinforced_programme,
)
from integrering.rules.parameters import RulesError

from ..models import (
    DecisionKind,
    EventKind,
    Extension,
    ExtensionKind,
    ExtensionTest,
    Participation,
)
from ..periods import DAY, extension_months, goal_limits, planned_end
from .decisions import decision_draft, draft_text
from .participation_steps import (
    WHAT,
    participation_lock,
    participation_require_open,
    programme_event_record,
)
from .programme_deadlines import programme_deadlines_sync

REINFORCED_GOAL = "upper_secondary"  # the final goal of the reinforced programme (periods.py)


@dataclass(frozen=True)
class ExtensionInput:
    """An extension as the caseworker assessed it.

    The ordinary extension of the programme needs ``expected_to_reach_goal`` (seed 000); an
    extension of the programme under the integration packages needs
    ``needed_for_work_or_education`` instead (seed 003); extended Norwegian training needs
    neither, only the facts of its target group (when the training ended, and the right and
    duty to it).
    """

    months: int
    assessment: str
    expected_to_reach_goal: bool = False
    kind: str = ExtensionKind.PROGRAMME
    integration_package: bool = False
    needed_for_work_or_education: bool = False
    norwegian_training_ends_on: datetime.date | None = None
    right_and_duty: bool | None = None
    from_on: datetime.date | None = None


@transaction.atomic
def programme_extend(
    *, ctx: AccessContext, participation: Participation, data: ExtensionInput
) -> Extension:
    """Extend the programme (forlengelse) after an individual assessment, and draft the decision.

    The ordinary extension: only if there is «grunn til å forvente» that the participant reaches
    the final goal (seed 000), and within the final goal's maximum extension. An extension of the
    programme under the covid integration packages (seed 003; the temporary law § 2) is tested by
    the participant's «behov for utvidelse av programtiden for å komme i jobb eller utdanning», not
    by the expectation, needs the participant to be in a package's window and has the package's
    own limit; its decision names the temporary law. Extended Norwegian training is always a
    package measure and is not needs-tested: see ``norwegian_extension_grant``, which it goes to
    (also when the programme has ended).
    """
    if data.kind == ExtensionKind.NORWEGIAN_TRAINING:
        return norwegian_extension_grant(
            ctx=ctx,
            person=participation.person,
            participation=participation,
            data=NorwegianExtensionInput(
                months=data.months,
                assessment=data.assessment,
                norwegian_training_ends_on=data.norwegian_training_ends_on,
                right_and_duty=data.right_and_duty,
                from_on=data.from_on,
            ),
        )
    if data.kind not in ExtensionKind.values:
        raise ValidationError({"kind": ["Velg hva som forlenges."]})
    participation = participation_lock(participation)
    participation_require_open(participation)
    if not data.assessment.strip():
        raise ValidationError({"assessment": ["Skriv den individuelle vurderingen."]})
    if data.months < 1:
        raise ValidationError({"months": ["En forlengelse er minst én måned."]})
    extensions = list(participation.extensions.all())
    end = planned_end(participation, extensions)
    package = ""
    if data.integration_package:
        answer = programme_extension(start=participation.starts_on, end=end)
        if not answer.eligible or answer.max_months is None:
            raise ValidationError(
                {
                    "integration_package": [
                        f"Ikke i målgruppen for integreringspakkene: {answer.reason}."
                    ]
                }
            )
        if not data.needed_for_work_or_education:
            raise ValidationError(
                {
                    "needed_for_work_or_education": [
                        "Utvidet programtid etter integreringspakkene gis når deltakeren etter "
                        f"kommunens vurdering har {answer.needs_test}. Lag et vedtak om avslag "
                        "i stedet."
                    ]
                }
            )
        package = str(answer.package)
        used = extension_months(extensions, package=True)
        limit = answer.max_months
        what = f"integreringspakke {package}"
        needs_test = ExtensionTest.WORK_OR_EDUCATION
    else:
        if not data.expected_to_reach_goal:
            raise ValidationError(
                {
                    "expected_to_reach_goal": [
                        "Programmet kan bare forlenges hvis det er grunn til å forvente at "
                        "deltakeren når sluttmålet med en forlengelse. Lag et vedtak om avslag i "
                        "stedet."
                    ]
                }
            )
        limits = goal_limits(
            act=participation.act,
            final_goal=participation.final_goal,
            starts_on=participation.starts_on,
        )
        used = extension_months(extensions, package=False)
        limit = limits.extension_max_months
        what = f"sluttmålet «{limits.description}»"
        needs_test = ExtensionTest.EXPECTED_TO_REACH_GOAL
    if used + data.months > limit:
        raise ValidationError(
            {
                "months": [
                    f"For {what} kan programmet forlenges med høyst {limit} måneder; "
                    f"{used} er allerede gitt, så {data.months} til er for mye."
                ]
            }
        )
    from_on = end + DAY
    new_end = planned_end(
        participation, [*extensions, Extension(kind=data.kind, months=data.months)]
    )
    decision = decision_draft(
        ctx=ctx,
        person=participation.person,
        participation=participation,
        kind=DecisionKind.EXTENSION,
        act=participation.act,
        effective_on=from_on,
        measure="programme_extension" if package else "",
        package=package,
        facts=draft_text(
            participation.person,
            "extension",
            "facts",
            starts=participation.starts_on,
            ends=end,
        )
        + (
            draft_text(participation.person, "extension", "facts_package", package=package)
            if package
            else ""
        ),
        reasoning=(
            draft_text(participation.person, "extension", "reasoning_package") if package else ""
        )
        + data.assessment.strip(),
        conclusion=draft_text(
            participation.person,
            "extension",
            "conclusion_package" if package else "conclusion",
            months=data.months,
            new_end=new_end,
        ),
    )
    extension = Extension.objects.create(
        participation=participation,
        person_id=participation.person_id,
        kind=data.kind,
        months=data.months,
        from_on=from_on,
        assessment=data.assessment.strip(),
        needs_test=needs_test,
        integration_package=package,
        decision=decision,
        created_by=ctx.acting_user,
    )
    programme_event_record(
        ctx,
        participation,
        EventKind.EXTENSION,
        from_on,
        f"{ExtensionKind(data.kind).label}: {data.months} måneder"
        + (f" (integreringspakke {package})" if package else ""),
    )
    programme_deadlines_sync(ctx=ctx, participation=participation)
    return extension


@dataclass(frozen=True)
class NorwegianExtensionInput:
    """Extended Norwegian training: the length the municipality sets, its assessment of the
    length, and the facts of the target group."""

    months: int
    assessment: str
    norwegian_training_ends_on: datetime.date | None = None
    right_and_duty: bool | None = None
    from_on: datetime.date | None = None


@transaction.atomic
def norwegian_extension_grant(
    *,
    ctx: AccessContext,
    person: Person,
    data: NorwegianExtensionInput,
    participation: Participation | None = None,
) -> Extension:
    """Give extended Norwegian training under the integration packages, and draft the decision.

    Not needs-tested (seed 003: «Tiltaket er IKKE behovsprøvd ... kommunen er pliktig å tilby
    alle deltakerne i målgruppa»): anyone in the target group gets it, also someone who is only in
    Norwegian training (no ``participation``) or whose programme has ended. There is no
    expectation to meet and no open programme to require; the municipality assesses only the
    length, up to the package's maximum (``rules.integration_packages.norwegian_extension``).
    The decision names the temporary law § 3.

    The right and duty under introduksjonsloven § 17 første ledd (packages II and III) is taken
    as given for a participant in the programme under the Introduction Act (the programme's
    target group, § 2, lies within § 17 første ledd) unless the caseworker says otherwise; for
    someone outside the programme it must be stated.
    """
    if participation is not None:
        participation = participation_lock(participation)
        if participation.act == INTEGRATION_ACT:
            raise ValidationError(
                {
                    "kind": [
                        "Utvidet opplæring i norsk etter integreringspakkene gjelder den som har "
                        "rettigheter etter introduksjonsloven; deltakeren følger integreringsloven."
                    ]
                }
            )
    errors: dict[str, list[str]] = {}
    if not data.assessment.strip():
        errors["assessment"] = ["Skriv kommunens vurdering av hvor lang utvidelsen skal være."]
    if data.months < 1:
        errors["months"] = ["En utvidelse er minst én måned."]
    ends_on = data.norwegian_training_ends_on or (
        participation.norwegian_training_ends_on if participation is not None else None
    )
    if ends_on is None:
        errors["norwegian_training_ends_on"] = [
            "Oppgi når opplæringen i norsk og samfunnskunnskap ble eller blir avsluttet."
        ]
    if errors:
        raise ValidationError(errors)
    assert ends_on is not None  # for mypy: checked above
    right_and_duty = data.right_and_duty
    if right_and_duty is None and participation is not None:
        right_and_duty = True
    answer = norwegian_extension(end=ends_on, right_and_duty=right_and_duty)
    # Not stated, and the package asks for it: the caseworker must say (asked by answering no).
    if (
        answer.eligible
        and right_and_duty is None
        and not norwegian_extension(end=ends_on, right_and_duty=False).eligible
    ):
        raise ValidationError(
            {
                "right_and_duty": [
                    f"Pakke {answer.package} gjelder bare den som har rett og plikt til "
                    "opplæring etter introduksjonsloven § 17 første ledd: oppgi om personen "
                    "har det."
                ]
            }
        )
    if not answer.eligible or answer.max_months is None:
        raise ValidationError(
            {
                "norwegian_training_ends_on": [
                    f"Ikke i målgruppen for utvidet opplæring i norsk: {answer.reason}."
                ]
            }
        )
    package = str(answer.package)
    given = Extension.objects.filter(
        Q(person=person) | Q(participation__person=person),
        kind=ExtensionKind.NORWEGIAN_TRAINING,
    ).exclude(integration_package="")
    used = sum(e.months for e in given)
    if used + data.months > answer.max_months:
        raise ValidationError(
            {
                "months": [
                    f"For integreringspakke {package} kan opplæringen i norsk utvides med høyst "
                    f"{answer.max_months} måneder; {used} er allerede gitt, så {data.months} til "
                    "er for mye."
                ]
            }
        )
    from_on = data.from_on or ends_on + DAY
    decision = decision_draft(
        ctx=ctx,
        person=person,
        participation=participation,
        kind=DecisionKind.EXTENSION,
        act=participation.act if participation is not None else INTRODUCTION_ACT,
        effective_on=from_on,
        measure="norwegian_extension",
        package=package,
        facts=draft_text(person, "norwegian_extension", "facts", ends=ends_on, package=package),
        reasoning=draft_text(
            person,
            "norwegian_extension",
            "reasoning",
            max_months=answer.max_months,
            assessment=data.assessment.strip(),
        ),
        conclusion=draft_text(
            person, "norwegian_extension", "conclusion", months=data.months, from_on=from_on
        ),
    )
    extension = Extension.objects.create(
        participation=participation,
        person=person,
        kind=ExtensionKind.NORWEGIAN_TRAINING,
        months=data.months,
        from_on=from_on,
        assessment=data.assessment.strip(),
        needs_test=ExtensionTest.NONE,
        integration_package=package,
        norwegian_training_ends_on=ends_on,
        right_and_duty=right_and_duty,
        decision=decision,
        created_by=ctx.acting_user,
    )
    summary = (
        f"{ExtensionKind.NORWEGIAN_TRAINING.label}: {data.months} måneder "
        f"(integreringspakke {package})"
    )
    if participation is not None:
        programme_event_record(ctx, participation, EventKind.EXTENSION, from_on, summary)
    else:
        audit_record(
            ctx=ctx,
            person_id=person.pk,
            action=AuditAction.UPDATE,
            allowed=True,
            detail=f"introduksjonsprogram: {summary.lower()}",
        )
    return extension


@transaction.atomic
def programme_final_goal_revise(
    *,
    ctx: AccessContext,
    participation: Participation,
    final_goal: str,
    planned_months: int,
    reasoning: str,
    version: int,
) -> Participation:
    """Revise the final goal after the start (the individual plan is revised), with the planned
    length within the new goal's limits, and draft the decision.

    The reinforced programme (seed 003: «deltakere som startet introduksjonsprogrammet etter
    1. januar 2019, har rett til å få revidert sin individuelle plan og få fastsatt et sluttmål»
    of completed upper secondary, up to three years) is the goal ``upper_secondary`` for a
    participant under the Introduction Act; its decision names the temporary law. A programme
    cannot be planned to end before the extensions already given or the day it is revised.
    """
    participation = participation_lock(participation)
    participation_require_open(participation)
    if not reasoning.strip():
        raise ValidationError({"reasoning": ["Skriv hvorfor sluttmålet endres."]})
    try:
        limits = goal_limits(
            act=participation.act, final_goal=final_goal, starts_on=participation.starts_on
        )
    except RulesError as exc:
        raise ValidationError({"final_goal": [str(exc)]}) from None
    if final_goal == participation.final_goal and planned_months == participation.planned_months:
        raise ValidationError({"final_goal": ["Sluttmålet og varigheten er de samme som før."]})
    if not limits.min_months <= planned_months <= limits.max_months:
        raise ValidationError(
            {
                "planned_months": [
                    f"Sluttmålet «{limits.description}» gir et program på {limits.min_months} "
                    f"til {limits.max_months} måneder; {planned_months} er utenfor."
                ]
            }
        )
    extensions = list(participation.extensions.all())
    given = extension_months(extensions, package=False)
    if given > limits.extension_max_months:
        raise ValidationError(
            {
                "final_goal": [
                    f"Det er allerede gitt {given} måneders forlengelse; sluttmålet "
                    f"«{limits.description}» tillater høyst {limits.extension_max_months}."
                ]
            }
        )
    today = timezone.localdate()
    revised = Participation(starts_on=participation.starts_on, planned_months=planned_months)
    new_end = planned_end(revised, extensions)
    if new_end < today:
        raise ValidationError(
            {
                "planned_months": [
                    f"Med {planned_months} måneder ville programmet slutte {new_end:%d.%m.%Y}, "
                    "før i dag."
                ]
            }
        )
    reinforced = reinforced_programme(start=participation.starts_on, act=participation.act)
    is_reinforced = final_goal == REINFORCED_GOAL and reinforced.eligible
    old = goal_limits(
        act=participation.act,
        final_goal=participation.final_goal,
        starts_on=participation.starts_on,
    )
    participation.version = version_bump(
        Participation.objects.filter(pk=participation.pk),
        expected=version,
        what=WHAT,
        final_goal=final_goal,
        planned_months=planned_months,
    )
    participation.refresh_from_db()
    programme_event_record(
        ctx,
        participation,
        EventKind.CHANGE,
        today,
        f"Nytt sluttmål «{limits.description}» (var «{old.description}»), "
        f"{planned_months} måneder, til {new_end:%d.%m.%Y}",
    )
    decision_draft(
        ctx=ctx,
        person=participation.person,
        participation=participation,
        kind=DecisionKind.FINAL_GOAL,
        act=participation.act,
        effective_on=today,
        measure="reinforced_programme" if is_reinforced else "",
        facts=draft_text(
            participation.person,
            "final_goal",
            "facts",
            starts=participation.starts_on,
            old_goal=old.description,
        )
        + (
            draft_text(participation.person, "final_goal", "facts_reinforced")
            if is_reinforced
            else ""
        ),
        reasoning=reasoning.strip(),
        conclusion=draft_text(
            participation.person,
            "final_goal",
            "conclusion",
            goal=limits.description,
            months=planned_months,
            new_end=new_end,
        ),
    )
    programme_deadlines_sync(ctx=ctx, participation=participation)
    return participation


@transaction.atomic
def programme_career_guidance(
    *,
    ctx: AccessContext,
    participation: Participation,
    assessed_on: datetime.date,
    needed: bool,
    note: str = "",
    given_on: datetime.date | None = None,
    version: int,
) -> Participation:
    """Record the assessment of the participant's need for career guidance, and when it was given.

    Every participant has the right to have the need assessed and to get the guidance when it is
    needed (seed 003 «Karriereveiledning»; the temporary law's chapter 1 for the Introduction
    Act, integreringsloven § 11 for the Integration Act: ``career_guidance_basis``). Not an
    individual decision; the record and the event are the trace.
    """
    participation = participation_lock(participation)
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if assessed_on is None:
        errors["career_guidance_assessed_on"] = ["Oppgi når behovet ble vurdert."]
    elif assessed_on > today:
        errors["career_guidance_assessed_on"] = ["Vurderingen kan ikke være fram i tid."]
    elif assessed_on < participation.starts_on:
        errors["career_guidance_assessed_on"] = [
            f"Vurderingen kan ikke være før programmet startet ({participation.starts_on:%d.%m.%Y})."
        ]
    if given_on is not None:
        if not needed:
            errors["career_guidance_given_on"] = [
                "Karriereveiledning gitt, men behovet er vurdert til nei: rett det ene eller det "
                "andre."
            ]
        elif assessed_on is not None and given_on < assessed_on:
            errors["career_guidance_given_on"] = [
                "Veiledningen kan ikke være gitt før behovet ble vurdert."
            ]
        elif given_on > today:
            errors["career_guidance_given_on"] = ["Datoen kan ikke være fram i tid."]
    if errors:
        raise ValidationError(errors)
    participation.version = version_bump(
        Participation.objects.filter(pk=participation.pk),
        expected=version,
        what=WHAT,
        career_guidance_assessed_on=assessed_on,
        career_guidance_needed=needed,
        career_guidance_note=note.strip()[:500],
        career_guidance_given_on=given_on,
    )
    participation.refresh_from_db()
    programme_event_record(
        ctx,
        participation,
        EventKind.CHANGE,
        assessed_on,
        f"Behovet for karriereveiledning vurdert {assessed_on:%d.%m.%Y}: "
        + ("behov" if needed else "ikke behov")
        + (f", veiledning gitt {given_on:%d.%m.%Y}" if given_on else ""),
    )
    return participation
