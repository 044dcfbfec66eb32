"""The municipal survey's questionnaires: a year's survey with one questionnaire per role, and
their questions (seed 004 «Om undersøkelsen», «Utvalg»).

A survey is made with its three questionnaires (chief executive, integration officer, head of
education); Oslo's city districts answer the chief executive's and the integration officer's
(seed 004 «Utvalg»). Last year's questions can be copied with their ``code``s, so a Likert item
is compared across years. A question may be shown only when an earlier single-choice question
was answered with one of its choices (skip logic). Once any unit has answered a questionnaire,
its questions are fixed: changing them would change the meaning of the answers already given.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify

from integrering.concurrency import version_bump

from ..models import (
    Answer,
    Question,
    QuestionKind,
    Questionnaire,
    Survey,
    SurveyRole,
)
from ..scales import DEFAULT_SCALE, SCALES, scale_of

# Oslo's city districts answer these roles' questionnaires (seed 004 «Utvalg»).
CITY_DISTRICT_ROLES = frozenset({SurveyRole.CHIEF_EXECUTIVE, SurveyRole.INTEGRATION_OFFICER})
TEXT_MAX = 2000
CHOICE_MAX = 200
LOCKED = (
    "Spørreskjemaet har allerede svar, så spørsmålene kan ikke endres lenger: da ville svarene "
    "som er gitt, ikke lenger passe til spørsmålene."
)
CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE})


def likert_choices(scale: str = DEFAULT_SCALE) -> list[tuple[str, str]]:
    """A Likert scale's answers as (value, label): its steps, then «vet ikke» (and «kjenner ikke
    til» where the scale has it)."""
    return scale_of(scale).options


def question_options(question: Question) -> list[tuple[str, str]]:
    """The answers a question offers, as (value, label): its choices, or its Likert scale."""
    if question.kind == QuestionKind.LIKERT:
        return likert_choices(question.scale)
    if question.kind in CHOICE_KINDS:
        return [(choice, choice) for choice in question.choices]
    return []


def questionnaire_locked(questionnaire: Questionnaire) -> bool:
    """True once any invitation of the questionnaire has an answer (draft or submitted)."""
    return Answer.objects.filter(invitation__questionnaire=questionnaire).exists()


def _require_unlocked(questionnaire: Questionnaire) -> None:
    if questionnaire_locked(questionnaire):
        raise ValidationError(LOCKED)


# --- Surveys -----------------------------------------------------------------------------------


def _check_period(opens_on: datetime.date, closes_on: datetime.date) -> None:
    if closes_on < opens_on:
        raise ValidationError({"closes_on": ["Svarfristen kan ikke være før undersøkelsen åpner."]})


@transaction.atomic
def survey_create(
    *,
    user: Any = None,
    year: int,
    title: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    copy_from: Survey | None = None,
) -> Survey:
    """Make a year's survey with its three questionnaires (one per role). With ``copy_from``,
    each questionnaire gets the title, introduction and questions of the same role's
    questionnaire in that survey, with the same codes (so results compare across years)."""
    title = title.strip()
    if not title:
        raise ValidationError({"title": ["Gi undersøkelsen en tittel."]})
    if Survey.objects.filter(year=year).exists():
        raise ValidationError({"year": [f"Det finnes allerede en kommuneundersøkelse for {year}."]})
    _check_period(opens_on, closes_on)
    survey = Survey.objects.create(
        year=year,
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    previous = {q.role: q for q in copy_from.questionnaires.all()} if copy_from else {}
    for role in SurveyRole:
        source = previous.get(role.value)
        questionnaire = Questionnaire.objects.create(
            survey=survey,
            role=role,
            title=f"{role.label}" if source is None else source.title,
            introduction="" if source is None else source.introduction,
            includes_city_districts=(
                role in CITY_DISTRICT_ROLES if source is None else source.includes_city_districts
            ),
        )
        if source is not None:
            _questions_copy(source, questionnaire)
    return survey


def _questions_copy(source: Questionnaire, target: Questionnaire) -> None:
    copies: dict[int, Question] = {}
    for question in source.questions.order_by("position"):
        condition = copies.get(question.show_if_question_id or 0)
        copies[question.pk] = Question.objects.create(
            questionnaire=target,
            position=question.position,
            code=question.code,
            kind=question.kind,
            text=question.text,
            help_text=question.help_text,
            group=question.group,
            choices=list(question.choices),
            scale=question.scale,
            required=question.required,
            show_if_question=condition,
            show_if_value=question.show_if_value if condition else "",
        )


def survey_update(
    *,
    survey: Survey,
    title: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    version: int,
) -> Survey:
    """Change a survey's title and period (e.g. extend the closing date)."""
    title = title.strip()
    if not title:
        raise ValidationError({"title": ["Gi undersøkelsen en tittel."]})
    _check_period(opens_on, closes_on)
    version_bump(
        Survey.objects.filter(pk=survey.pk),
        expected=version,
        what="undersøkelsen",
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
    )
    survey.refresh_from_db()
    return survey


def questionnaire_update(
    *, questionnaire: Questionnaire, title: str, introduction: str, includes_city_districts: bool
) -> Questionnaire:
    """Change a questionnaire's title and introduction. Whether Oslo's city districts answer
    changes the population, so it is fixed once invitations exist."""
    title = title.strip()
    if not title:
        raise ValidationError({"title": ["Gi spørreskjemaet en tittel."]})
    if (
        includes_city_districts != questionnaire.includes_city_districts
        and questionnaire.invitations.exists()
    ):
        raise ValidationError(
            {
                "includes_city_districts": [
                    "Invitasjonene er laget, så det kan ikke lenger endres om Oslos bydeler svarer."
                ]
            }
        )
    questionnaire.title = title
    questionnaire.introduction = introduction.strip()
    questionnaire.includes_city_districts = includes_city_districts
    questionnaire.save(update_fields=["title", "introduction", "includes_city_districts"])
    return questionnaire


# --- Questions ---------------------------------------------------------------------------------


def _code_free(questionnaire: Questionnaire, text: str, exclude: int | None = None) -> str:
    base = slugify(text)[:50].strip("-") or "sporsmal"
    taken = set(questionnaire.questions.exclude(pk=exclude or 0).values_list("code", flat=True))
    code, n = base, 2
    while code in taken:
        code = f"{base}-{n}"
        n += 1
    return code


def _validate(
    *,
    questionnaire: Questionnaire,
    question: Question | None,
    position: int,
    code: str,
    kind: str,
    text: str,
    choices: list[str],
    show_if_question: Question | None,
    show_if_value: str,
    scale: str = DEFAULT_SCALE,
) -> None:
    errors: dict[str, list[str]] = {}
    if kind not in QuestionKind.values:
        errors["kind"] = ["Velg en spørsmålstype."]
    if kind == QuestionKind.LIKERT and scale not in SCALES:
        errors["scale"] = ["Velg en av skalaene i listen."]
    if not text.strip():
        errors["text"] = ["Skriv spørsmålet."]
    elif len(text) > TEXT_MAX:
        errors["text"] = [f"Spørsmålet kan være høyst {TEXT_MAX} tegn."]
    if code and code != slugify(code):
        errors["code"] = ["Koden kan bare ha små bokstaver a-z, tall og bindestrek."]
    elif (
        code
        and questionnaire.questions.exclude(pk=question.pk if question else 0)
        .filter(code=code)
        .exists()
    ):
        errors["code"] = [f"Koden «{code}» er brukt av et annet spørsmål i skjemaet."]
    if kind in CHOICE_KINDS:
        if len(choices) < 2:
            errors["choices"] = ["Skriv minst to svaralternativer, ett per linje."]
        elif len(set(choices)) != len(choices):
            errors["choices"] = ["Hvert svaralternativ kan bare stå én gang."]
        elif any(len(c) > CHOICE_MAX for c in choices):
            errors["choices"] = [f"Et svaralternativ kan være høyst {CHOICE_MAX} tegn."]
    elif choices:
        errors["choices"] = [
            "Bare spørsmål med ett eller flere valg har egne svaralternativer; skalaspørsmål "
            "bruker svarene på skalaen som er valgt."
        ]
    if question is not None and kind != QuestionKind.SINGLE and question.dependants.exists():
        errors.setdefault("kind", []).append(
            "Andre spørsmål vises bare ved et bestemt svar på dette spørsmålet, så det må "
            "være et spørsmål med ett valg."
        )
    if question is not None and kind == QuestionKind.SINGLE:
        missing = sorted(
            {d.show_if_value for d in question.dependants.all() if d.show_if_value not in choices}
        )
        if missing:
            errors.setdefault("choices", []).append(
                "Andre spørsmål vises bare ved svaret "
                + ", ".join(f"«{m}»" for m in missing)
                + ", så det svaralternativet må stå."
            )
    if show_if_question is not None:
        if show_if_question.questionnaire_id != questionnaire.pk:
            errors["show_if_question"] = ["Velg et spørsmål i det samme skjemaet."]
        elif question is not None and show_if_question.pk == question.pk:
            errors["show_if_question"] = ["Et spørsmål kan ikke avhenge av seg selv."]
        elif show_if_question.position >= position:
            errors["show_if_question"] = [
                "Spørsmålet det avhenger av, må komme før dette spørsmålet i skjemaet."
            ]
        elif show_if_question.kind != QuestionKind.SINGLE:
            errors["show_if_question"] = [
                "Spørsmålet det avhenger av, må være et spørsmål med ett valg."
            ]
        elif show_if_value not in show_if_question.choices:
            errors["show_if_value"] = [
                f"Velg et av svaralternativene til spørsmål {show_if_question.position}: "
                + ", ".join(f"«{c}»" for c in show_if_question.choices)
                + "."
            ]
    elif show_if_value:
        errors["show_if_question"] = ["Velg spørsmålet svaret gjelder."]
    if errors:
        raise ValidationError(errors)


def _stored(
    kind: str,
    text: str,
    help_text: str,
    group: str,
    choices: list[str],
    required: bool,
    show_if_question: Question | None,
    show_if_value: str,
    scale: str = DEFAULT_SCALE,
) -> dict[str, Any]:
    """A checked question's fields as stored: a group and a scale only on Likert items, choices
    only on choice questions, a condition value only with its question."""
    return {
        "kind": kind,
        "text": text.strip(),
        "help_text": help_text.strip(),
        "group": group.strip() if kind == QuestionKind.LIKERT else "",
        "scale": (scale or DEFAULT_SCALE) if kind == QuestionKind.LIKERT else DEFAULT_SCALE,
        "choices": choices if kind in CHOICE_KINDS else [],
        "required": required,
        "show_if_question": show_if_question,
        "show_if_value": show_if_value if show_if_question else "",
    }


@transaction.atomic
def question_add(
    *,
    questionnaire: Questionnaire,
    kind: str,
    text: str,
    help_text: str = "",
    group: str = "",
    choices: Iterable[str] = (),
    required: bool = False,
    code: str = "",
    show_if_question: Question | None = None,
    show_if_value: str = "",
    scale: str = DEFAULT_SCALE,
) -> Question:
    """Add a question at the end of the questionnaire (refused once it has answers)."""
    Questionnaire.objects.select_for_update().filter(pk=questionnaire.pk).first()
    _require_unlocked(questionnaire)
    choices = [c.strip() for c in choices if c.strip()]
    position = (questionnaire.questions.aggregate(m=Max("position"))["m"] or 0) + 1
    code = code.strip()
    _validate(
        questionnaire=questionnaire,
        question=None,
        position=position,
        code=code,
        kind=kind,
        text=text,
        choices=choices,
        show_if_question=show_if_question,
        show_if_value=show_if_value,
        scale=scale,
    )
    return Question.objects.create(
        questionnaire=questionnaire,
        position=position,
        code=code or _code_free(questionnaire, text),
        **_stored(
            kind, text, help_text, group, choices, required, show_if_question, show_if_value, scale
        ),
    )


@transaction.atomic
def question_update(
    *,
    question: Question,
    kind: str,
    text: str,
    help_text: str = "",
    group: str = "",
    choices: Iterable[str] = (),
    required: bool = False,
    code: str = "",
    show_if_question: Question | None = None,
    show_if_value: str = "",
    scale: str = DEFAULT_SCALE,
) -> Question:
    """Change a question (refused once the questionnaire has answers)."""
    questionnaire = question.questionnaire
    _require_unlocked(questionnaire)
    choices = [c.strip() for c in choices if c.strip()]
    code = code.strip() or question.code
    _validate(
        questionnaire=questionnaire,
        question=question,
        position=question.position,
        code=code,
        kind=kind,
        text=text,
        choices=choices,
        show_if_question=show_if_question,
        show_if_value=show_if_value,
        scale=scale,
    )
    question.code = code
    stored = _stored(
        kind, text, help_text, group, choices, required, show_if_question, show_if_value, scale
    )
    for name, value in stored.items():
        setattr(question, name, value)
    question.save()
    return question


@transaction.atomic
def question_delete(*, question: Question) -> None:
    """Delete a question and close the gap in the numbering. Refused when other questions are
    shown only by an answer to it, and once the questionnaire has answers."""
    questionnaire = question.questionnaire
    _require_unlocked(questionnaire)
    dependants = list(question.dependants.order_by("position"))
    if dependants:
        raise ValidationError(
            "Spørsmål "
            + ", ".join(str(d.position) for d in dependants)
            + " vises bare ved et bestemt svar på dette spørsmålet. Endre dem først."
        )
    question.delete()
    _renumber(questionnaire)


def _renumber(questionnaire: Questionnaire) -> None:
    questions = list(questionnaire.questions.order_by("position"))
    # Two passes: the positions are unique, so move them out of the way first.
    offset = len(questions) + 1000
    for i, q in enumerate(questions, start=1):
        Question.objects.filter(pk=q.pk).update(position=offset + i)
    for i, q in enumerate(questions, start=1):
        Question.objects.filter(pk=q.pk).update(position=i)


@transaction.atomic
def question_move(*, question: Question, up: bool) -> Question:
    """Swap a question with the one above (``up``) or below it. Refused when skip logic would
    then point forward (a question must come after the question it depends on)."""
    questionnaire = question.questionnaire
    _require_unlocked(questionnaire)
    siblings = questionnaire.questions
    other = (
        siblings.filter(position__lt=question.position).order_by("-position").first()
        if up
        else siblings.filter(position__gt=question.position).order_by("position").first()
    )
    if other is None:
        return question
    first, second = (other, question) if up else (question, other)
    if second.show_if_question_id == first.pk:
        raise ValidationError(
            f"Spørsmål {second.position} vises bare ved et bestemt svar på spørsmål "
            f"{first.position}, så det må stå etter det."
        )
    a, b = question.position, other.position
    Question.objects.filter(pk=question.pk).update(position=0)
    Question.objects.filter(pk=other.pk).update(position=a)
    Question.objects.filter(pk=question.pk).update(position=b)
    question.refresh_from_db()
    return question


# --- Loading a questionnaire set from data -----------------------------------------------------


@transaction.atomic
def questionnaires_load(*, survey: Survey, data: dict[str, Any]) -> int:
    """Replace the questions of a survey's questionnaires with those in ``data`` (parsed from
    ``data/questionnaires-<year>.yaml``): ``{role: {title, introduction, questions: [{code,
    kind, text, help_text, group, scale, choices, required, show_if: {code, value}}]}}``. Refused for a
    questionnaire that has answers; returns how many questions were made."""
    made = 0
    unknown = sorted(set(data) - set(SurveyRole.values))
    if unknown:
        raise ValidationError(f"Ukjent rolle i filen: {', '.join(unknown)}.")
    for role, spec in data.items():
        questionnaire = survey.questionnaires.get(role=role)
        _require_unlocked(questionnaire)
        questionnaire.title = spec.get("title") or questionnaire.title
        questionnaire.introduction = spec.get("introduction", questionnaire.introduction).strip()
        questionnaire.save(update_fields=["title", "introduction"])
        questionnaire.questions.all().delete()
        by_code: dict[str, Question] = {}
        for item in spec.get("questions", []):
            show_if = item.get("show_if") or {}
            condition = by_code.get(show_if.get("code", "")) if show_if else None
            if show_if and condition is None:
                raise ValidationError(
                    f"{role}: spørsmål «{item.get('code')}» avhenger av «{show_if.get('code')}», "
                    "som ikke står før det."
                )
            try:
                question = question_add(
                    questionnaire=questionnaire,
                    kind=item["kind"],
                    text=item["text"],
                    help_text=item.get("help_text", ""),
                    group=item.get("group", ""),
                    choices=item.get("choices", []),
                    required=bool(item.get("required", False)),
                    code=item.get("code", ""),
                    show_if_question=condition,
                    show_if_value=str(show_if.get("value", "")) if show_if else "",
                    scale=item.get("scale", DEFAULT_SCALE),
                )
            except ValidationError as exc:
                raise ValidationError(
                    f"{role}, «{item.get('code')}»: {' '.join(exc.messages)}"
                ) from exc
            by_code[question.code] = question
            made += 1
    return made
