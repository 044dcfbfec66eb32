"""Demo monitoring: capacity rounds of the two demo county governors (two closed quarters and the
current one open), municipal features for the survey years, seed 001's cost-coverage table, and
news and guidance shaped like seed 000.

The capacity levels are drawn per service from shares shaped like seed 000's summary (housing
scarce, NAV stretched, emergency care mostly fine), so the figures read like the seed's.
"""

from __future__ import annotations

import datetime
import math
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import yaml
from django.utils import timezone

from integrering import surveys
from integrering.accounts.models import User
from integrering.accounts.roles import Role
from integrering.finance.models import CostCoverageReport, CostCoverageRow
from integrering.news.models import NewsItem, NewsKind
from integrering.organisations.models import CountyGovernor, Municipality
from integrering.settlement.models import MunicipalityFacts
from integrering.surveys.models import (
    Answer,
    AnswerTag,
    CapacityAnswer,
    CapacityResponse,
    CapacityRound,
    CapacityService,
    Invitation,
    InvitationStatus,
    MunicipalFeatures,
    QuestionKind,
    Survey,
)
from integrering.surveys.scales import scale_of
from integrering.surveys.services.invitations import invitations_create
from integrering.surveys.services.questionnaires import questionnaires_load, survey_create

QUESTIONNAIRES = Path(surveys.__file__).parent / "data" / "questionnaires-2021.yaml"
DEMO_GOVERNORS = ("Statsforvalteren i Oslo og Viken", "Statsforvalteren i Vestland")

# Shares of (god, tilfredsstillende, utfordrende, kritisk) per service, after seed 000.
LEVEL_SHARES: dict[str, tuple[float, float, float, float]] = {
    CapacityService.HOUSING: (0.10, 0.35, 0.40, 0.15),
    CapacityService.KINDERGARTEN: (0.15, 0.35, 0.40, 0.10),
    CapacityService.SCHOOL: (0.15, 0.52, 0.33, 0.0),
    CapacityService.NORWEGIAN_TRAINING: (0.35, 0.50, 0.13, 0.02),
    CapacityService.PROGRAMME_FOLLOW_UP: (0.10, 0.40, 0.50, 0.0),
    CapacityService.GP: (0.15, 0.41, 0.34, 0.10),
    CapacityService.EMERGENCY_CARE: (0.30, 0.55, 0.13, 0.02),
    CapacityService.CHILD_WELFARE: (0.15, 0.45, 0.32, 0.08),
    CapacityService.NAV_SOCIAL: (0.0, 0.25, 0.55, 0.20),
}
LEVELS = ("god", "tilfredsstillende", "utfordrende", "kritisk")
COMMENTS: dict[str, str] = {
    CapacityService.HOUSING: "Få store boliger; vi leier inn fra private.",
    CapacityService.GP: "To fastlegelister er stengt.",
    CapacityService.NAV_SOCIAL: "Lang ventetid på oppfølging.",
    CapacityService.KINDERGARTEN: "Ledige plasser først fra august.",
}

# Seed 001: cost coverage of Norwegian training in the sample municipalities (2017). The FTE
# column is printed rounded in the seed; here it is hours / hours per FTE, as the seed computed.
COST_COVERAGE_2017 = [
    ("0106", "Fredrikstad", 36_047_055, 30_205_911, 32_660, "805.4"),
    ("0213", "Ski", 23_705_707, 19_294_332, 17_858, "753.5"),
    ("0219", "Bærum", 53_009_000, 43_576_000, 39_680, "880.4"),
    ("0220", "Asker", 14_153_451, 19_934_283, 9_030, "851.9"),
    ("0231", "Skedsmo", 16_291_961, 22_759_947, 8_678, "808.0"),
    ("0301", "Oslo", 291_764_549, 272_926_092, 148_796, "747.7"),
    ("0602", "Drammen", 35_428_759, 39_472_047, 21_063, "807.0"),
    ("0709", "Larvik", 26_278_400, 22_699_382, 17_468, "764.5"),
    ("0815", "Kragerø", 6_252_231, 6_273_799, 4_468, "742.2"),
    ("1001", "Kristiansand", 55_848_999, 47_528_871, 35_775, "795.0"),
    ("1103", "Stavanger", 65_278_831, 54_820_230, 42_490, "772.5"),
    ("1149", "Karmøy", 12_777_526, 10_432_774, 9_706, "781.5"),
    ("1201", "Bergen", 132_347_603, 111_670_417, 79_519, "689.7"),
    ("1445", "Gloppen", 4_222_187, 3_981_239, 3_009, "752.3"),
    ("1505", "Kristiansund", 12_657_968, 13_114_849, 8_004, "741.1"),
    ("1601", "Trondheim", 82_724_385, 85_392_637, 63_059, "759.7"),
    ("1804", "Bodø", 20_088_708, 10_198_428, 14_370, "807.9"),
    ("2003", "Vadsø", 10_508_101, 10_567_498, 8_974, "815.8"),
    ("2012", "Alta", 11_879_530, 8_107_034, 8_617, "744.8"),
]

NEWS = [
    (
        "Statsforvalteren i Oslo og Viken",
        NewsKind.NEWS,
        "Lovforslag: Barnetrygd og midlertidige endringer",
        "Regjeringen har lagt fram lovforslag om barnetrygd og midlertidige endringer i "
        "integreringsloven. Vi tar det opp på neste frokostprat.",
        "https://www.regjeringen.no/no/dokumenter/prop.-72-l-20232024/id3031838/",
    ),
    (
        "Statsforvalteren i Oslo og Viken",
        NewsKind.GUIDANCE,
        "Vilkårene for forlengelse av introduksjonsprogrammet",
        "Programmet kan bare forlenges hvis det er «grunn til å forvente» at deltakeren vil nå "
        "sluttmålet med en forlengelse. Avgjørelsen om forlenget programtid er et enkeltvedtak.",
        "",
    ),
    (
        "Statsforvalteren i Vestland",
        NewsKind.NEWS,
        "Høring: Forslag om endrede skatteregler for introduksjonsstønad",
        "Høringen gjelder skatt på introduksjonsstønad. Kommunene kan gi innspill til oss.",
        "https://www.regjeringen.no/no/dokumenter/hoyring-forslag-om-endra-skattereglar-for-introduksjonsstonad/id3040262/",
    ),
    (
        None,
        NewsKind.GUIDANCE,
        "Tolkningsuttalelse om fritak fra opplæring og prøver",
        "IMDi har publisert en tolkningsuttalelse om fritak fra opplæring i norsk og "
        "samfunnskunnskap og fra prøver.",
        "",
    ),
]


@dataclass(frozen=True)
class MonitoringDemoResult:
    capacity_rounds: int
    capacity_responses: int
    features: int
    news: int
    survey_invitations: int = 0


def _quarter_start(year: int, quarter: int) -> datetime.date:
    return datetime.date(year, 3 * quarter - 2, 1)


def _previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def _capacity(rng: random.Random, today: datetime.date) -> tuple[int, int]:
    current = (today.year, (today.month - 1) // 3 + 1)
    quarters = [current]
    for _ in range(2):
        quarters.insert(0, _previous_quarter(*quarters[0]))
    rounds = responses = 0
    for name in DEMO_GOVERNORS:
        governor = CountyGovernor.objects.get(name=name)
        for year, quarter in quarters:
            opened = _quarter_start(year, quarter) + datetime.timedelta(days=14)
            is_current = (year, quarter) == current
            closes = (
                max(today + datetime.timedelta(days=14), opened)
                if is_current
                else opened + datetime.timedelta(days=21)
            )
            round_ = CapacityRound.objects.create(
                county_governor=governor,
                year=year,
                quarter=quarter,
                opened_on=min(opened, today),
                closes_on=closes,
                note="Svar innen fristen, så vi kan ta resultatene opp på frokostpraten.",
            )
            rounds += 1
            municipalities = Municipality.objects.valid_on(round_.opened_on).filter(
                county__county_governor=governor
            )
            answer_rate = 0.6 if is_current else 0.88
            for municipality in municipalities:
                # Oslo has not answered this quarter yet, so the demo's leader can do it.
                if is_current and municipality.number == "0301":
                    continue
                if rng.random() > answer_rate:
                    continue
                submitted = timezone.make_aware(
                    datetime.datetime.combine(
                        min(round_.opened_on + datetime.timedelta(days=rng.randint(1, 14)), today),
                        datetime.time(10, 0),
                    )
                )
                response = CapacityResponse.objects.create(
                    round=round_, municipality=municipality, submitted_at=submitted
                )
                CapacityAnswer.objects.bulk_create(
                    CapacityAnswer(
                        response=response,
                        service=service,
                        level=(level := rng.choices(LEVELS, weights=shares)[0]),
                        comment=COMMENTS.get(service, "")
                        if level in {"utfordrende", "kritisk"} and rng.random() < 0.3
                        else "",
                    )
                    for service, shares in LEVEL_SHARES.items()
                )
                responses += 1
            if not is_current:
                round_.closed_at = timezone.make_aware(
                    datetime.datetime.combine(closes, datetime.time(16, 0))
                )
                round_.save(update_fields=["closed_at"])
    return rounds, responses


def _features(rng: random.Random, years: list[int]) -> int:
    facts = {
        f.municipality.number: f
        for f in MunicipalityFacts.objects.filter(year=max(years) + 1).select_related(
            "municipality"
        )
    }
    rows = []
    for year in years:
        for municipality in Municipality.objects.valid_on(datetime.date(year, 12, 1)):
            fact = facts.get(municipality.number)
            population = fact.population if fact else rng.randint(800, 30_000)
            share = float(fact.immigrant_share) if fact else rng.uniform(0.04, 0.2)
            # Larger places are more central (SSB's index, 0-1000), with noise.
            centrality = min(
                1000, max(300, int(100 * math.log(population) - 250 + rng.gauss(0, 60)))
            )
            settled_5 = int(population * rng.uniform(0.002, 0.008))
            rows.append(
                MunicipalFeatures(
                    year=year,
                    municipality=municipality,
                    population=population,
                    immigrants=int(population * share),
                    centrality=centrality,
                    settled_last_5_years=settled_5,
                    settled_last_10_years=int(settled_5 * rng.uniform(1.6, 2.4)),
                )
            )
    MunicipalFeatures.objects.bulk_create(rows)
    return len(rows)


def _cost_coverage() -> None:
    report = CostCoverageReport.objects.create(
        year=2017,
        title="Kostnadsdekning norskopplæring, utvalgskommuner 2017",
        filename="seed 001",
    )
    CostCoverageRow.objects.bulk_create(
        CostCoverageRow(
            report=report,
            position=position,
            municipality_number=number,
            name=name,
            expenses=Decimal(expenses),
            income=Decimal(income),
            hours=Decimal(hours),
            fte=(Decimal(hours) / Decimal(per_fte)).quantize(Decimal("0.01"), ROUND_HALF_UP),
        )
        for position, (number, name, expenses, income, hours, per_fte) in enumerate(
            COST_COVERAGE_2017, start=1
        )
    )


def _news(today: datetime.date) -> int:
    authors = {
        name: User.objects.filter(organisation__county_governor__name=name).first()
        for name in DEMO_GOVERNORS
    }
    analyst = User.objects.filter(roles__role=Role.ANALYST).first()
    for days, (governor, kind, title, body, link) in enumerate(NEWS):
        NewsItem.objects.create(
            kind=kind,
            title=title,
            body=body,
            link=link,
            county_governor=CountyGovernor.objects.get(name=governor) if governor else None,
            published_on=today - datetime.timedelta(days=3 + 9 * days),
            created_by=authors.get(governor) if governor else analyst,
        )
    return len(NEWS)


# Answer rates per role, shaped like seed 004 table 1 (2019 as about 2020, then 2020 and 2021):
# three closed years, so last year's figures compare with the two before (seed 004 compares 2021
# with 2020 and 2019).
ANSWER_RATES = [
    {"integration_officer": 0.55, "chief_executive": 0.42, "head_of_education": 0.48},
    {"integration_officer": 0.58, "chief_executive": 0.40, "head_of_education": 0.51},
    {"integration_officer": 0.38, "chief_executive": 0.26, "head_of_education": 0.36},
]
# Per scale, weights of its steps and then of the answers apart (vet ikke, kjenner ikke til),
# shaped like seed 004's figures (most rate IMDi's services good, figure 1; psychological
# health and bank accounts challenge most, figure 23).
LIKERT_WEIGHTS: dict[str, tuple[float, ...]] = {
    "quality": (0.12, 0.38, 0.22, 0.08, 0.03, 0.12, 0.05),
    "usefulness": (0.25, 0.42, 0.15, 0.04, 0.01, 0.08, 0.05),
    "extent": (0.2, 0.45, 0.16, 0.08, 0.02, 0.09),
    "agreement": (0.35, 0.3, 0.12, 0.08, 0.05, 0.1),
    "challenge": (0.2, 0.3, 0.25, 0.17, 0.08),
}
# Each year back, the good end gets a little less: the seed reads a positive development.
YEARLY_DRIFT = 0.12
OPEN_ANSWERS = [
    (
        "Mer statistikk om bosatte per kommune og om resultater etter introduksjonsprogrammet.",
        "Statistikk",
    ),
    (
        "Veiledning om den nye integreringsloven, særlig om sluttmål og forlengelse.",
        "Integreringsloven",
    ),
    ("Kurs for ansatte i bruk av tolk, og oversikt over kvalifiserte tolker.", "Tolk"),
    ("Eksempler fra andre kommuner på samarbeid med frivillige.", "Frivillighet"),
    ("Bedre informasjon om tilskudd til opplæring i norsk.", "Tilskudd"),
    ("Hvordan vi kan følge opp enslige mindreårige etter bosetting.", ""),
]


def _likert_value(rng: random.Random, scale_code: str, age: int) -> str:
    scale = scale_of(scale_code)
    weights = list(LIKERT_WEIGHTS[scale.code])
    good = (
        range(scale.lead)
        if scale.first_is_positive
        else range(len(scale.steps) - 2, len(scale.steps))
    )
    for index in good:
        weights[index] *= max(0.2, 1 - YEARLY_DRIFT * age)
    return rng.choices(scale.values, weights=weights)[0]


def _multiple_value(rng: random.Random, choices: list[str]) -> list[str]:
    """Choices taken each with a falling chance (the first most often), «Vet ikke» alone."""
    if "Vet ikke" in choices and rng.random() < 0.06:
        return ["Vet ikke"]
    options = [c for c in choices if c != "Vet ikke"]
    taken = [c for i, c in enumerate(options) if rng.random() < 0.75 * 0.8**i]
    return taken or [rng.choice(options)]


def _survey_answers(
    rng: random.Random,
    survey: Survey,
    rates: dict[str, float],
    centrality: dict[str, int],
    *,
    tag: bool,
    age: int = 0,
) -> None:
    """Answer a closed survey's invitations at about ``rates`` per role; central municipalities
    answer a little more often (seed 004 table 2: r = 0.15 for centrality). ``age``: how many
    years before the latest closed survey it is."""
    answers: list[Answer] = []
    submitted: list[int] = []
    mean = sum(centrality.values()) / len(centrality) if centrality else 0
    for questionnaire in survey.questionnaires.prefetch_related("questions"):
        questions = list(questionnaire.questions.all())
        for invitation in questionnaire.invitations.select_related("municipality"):
            lift = (centrality.get(invitation.municipality.number, mean) - mean) / 800
            if rng.random() > rates[questionnaire.role] * (1 + lift):
                continue
            submitted.append(invitation.pk)
            given: dict[int, str | list[str]] = {}
            for question in questions:
                condition = question.show_if_question_id
                if condition and given.get(condition) != question.show_if_value:
                    continue
                value: str | list[str]
                if question.kind == QuestionKind.LIKERT:
                    value = _likert_value(rng, question.scale, age)
                elif question.kind == QuestionKind.SINGLE:
                    value = rng.choice(question.choices)
                elif question.kind == QuestionKind.MULTIPLE:
                    value = _multiple_value(rng, list(question.choices))
                elif rng.random() < 0.4:
                    value = rng.choice(OPEN_ANSWERS)[0]
                else:
                    continue
                given[question.pk] = value
                answers.append(Answer(invitation=invitation, question=question, value=value))
    Answer.objects.bulk_create(answers, batch_size=1000)
    closed_at = timezone.make_aware(datetime.datetime.combine(survey.closes_on, datetime.time(12)))
    Invitation.objects.filter(pk__in=submitted).update(
        status=InvitationStatus.SUBMITTED, submitted_at=closed_at, sent_at=closed_at
    )
    Invitation.objects.filter(questionnaire__survey=survey, sent_at__isnull=True).update(
        sent_at=closed_at, reminders_sent=1
    )
    if tag:
        themes = dict(OPEN_ANSWERS)
        AnswerTag.objects.bulk_create(
            AnswerTag(answer=answer, name=themes[answer.value])
            for answer in Answer.objects.filter(
                invitation__questionnaire__survey=survey, question__kind=QuestionKind.TEXT
            )
            if themes.get(answer.value)
        )


def _surveys(rng: random.Random, today: datetime.date) -> int:
    """Three closed years of the municipal survey with answers (the latest with tagged open
    answers), and this year's open, with its invitations made."""
    data = yaml.safe_load(QUESTIONNAIRES.read_text(encoding="utf-8"))
    # The demo's municipalities are those of one classification: a survey that would open
    # before it is valid opens on its first day instead, so that every year has invitations.
    first_valid = Municipality.objects.order_by("valid_from").values_list("valid_from", flat=True)
    earliest = first_valid.first() or datetime.date(today.year - 3, 1, 1)
    previous = None
    for offset, rates in zip((3, 2, 1), ANSWER_RATES, strict=True):
        year = today.year - offset
        opens_on = max(datetime.date(year, 12, 13), earliest)
        survey = survey_create(
            year=year,
            title=f"Kommuneundersøkelsen {year}",
            opens_on=opens_on,
            closes_on=max(datetime.date(year + 1, 1, 17), opens_on + datetime.timedelta(days=16)),
            copy_from=previous,
        )
        if previous is None:
            questionnaires_load(survey=survey, data=data)
        invitations_create(survey=survey)
        centrality = dict(
            MunicipalFeatures.objects.filter(year=year).values_list(
                "municipality__number", "centrality"
            )
        )
        _survey_answers(rng, survey, rates, centrality, tag=offset == 1, age=offset - 1)
        previous = survey
    current = survey_create(
        year=today.year,
        title=f"Kommuneundersøkelsen {today.year}",
        opens_on=today - datetime.timedelta(days=7),
        closes_on=today + datetime.timedelta(days=45),
        copy_from=previous,
    )
    invitations_create(survey=current)
    # Fictitious addresses: the demo's mail is written to var/mail/, never sent.
    invited = list(
        Invitation.objects.filter(questionnaire__survey=current, district_number="").select_related(
            "municipality"
        )
    )
    for invitation in invited:
        invitation.recipient_email = (
            f"postmottak-{invitation.municipality.number}@demo.integrering.no"
        )
    Invitation.objects.bulk_update(invited, ["recipient_email"], batch_size=500)
    return Invitation.objects.count()


def demo_monitoring_create(*, seed: int, today: datetime.date) -> MonitoringDemoResult:
    """Capacity rounds, municipal features, the cost table and news for the demo."""
    rng = random.Random(seed + 11)  # demo data, not secrets # nosec B311
    # Municipal leaders get an e-mail address, so capacity reminders reach them.
    for user in User.objects.filter(roles__role=Role.MUNICIPAL_LEADER, email=""):
        User.objects.filter(pk=user.pk).update(email=f"{user.username}@demo.integrering.no")
    rounds, responses = _capacity(rng, today)
    features = _features(rng, [today.year - 3, today.year - 2, today.year - 1])
    _cost_coverage()
    news = _news(today)
    invitations = _surveys(rng, today)
    return MonitoringDemoResult(rounds, responses, features, news, invitations)
