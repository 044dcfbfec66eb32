"""Demo settlement planning: reception centres, the year's need, municipality facts, requests
spread by the 2019 criteria, municipal decisions, and households waiting for matching.

Fictitious but shaped like seed 001 (32 centres of four kinds, about 5 800 places and 4 000
residents; a need forecast in parts from the counts, of about 5 500 persons, some 300 of them
unaccompanied minors, with one part adjusted).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from integrering.audit.services import AccessContext
from integrering.organisations.models import Municipality
from integrering.people.identity import synthetic_duf_number
from integrering.people.models import Person, Relation, Sex
from integrering.settlement.models import (
    MunicipalDecision,
    MunicipalityFacts,
    ReceptionCentre,
    ReceptionCount,
    ReceptionKind,
    SettlementNeed,
    SettlementRequest,
    WaitingHousehold,
    WaitingPerson,
)
from integrering.settlement.services.need_forecast import (
    ForecastInput,
    GroupInput,
    need_forecast_save,
    need_part_adjust,
)
from integrering.settlement.services.requests import requests_spread

from .world import NAMES, ORIGINS

# The largest municipalities, so the demo's capacity looks like Norway's.
POPULATION = {
    "0301": 717_710,
    "4601": 291_189,
    "5001": 214_565,
    "1103": 149_048,
    "3201": 130_772,
    "4204": 116_986,
    "3301": 103_291,
    "3107": 85_291,
    "1108": 83_158,
    "5501": 78_745,
    "3203": 98_575,
}
CENTRES = [
    # (name, municipality, kind, places)
    ("Råde mottak", "3112", ReceptionKind.ORDINARY, 220),
    ("Hvalstad transittmottak", "3203", ReceptionKind.TRANSIT, 400),
    ("Stord mottak", "4614", ReceptionKind.ORDINARY, 180),
    ("Lunner mottak", "3234", ReceptionKind.INTEGRATION, 150),
    ("Råde transittmottak for enslige mindreårige", "3112", ReceptionKind.UNACCOMPANIED_MINORS, 60),
]
KINDS = (
    [ReceptionKind.ORDINARY] * 20
    + [ReceptionKind.INTEGRATION] * 3
    + [ReceptionKind.TRANSIT] * 2
    + [ReceptionKind.UNACCOMPANIED_MINORS] * 2
)
OPERATORS = [
    "Hero Norge",
    "Norsk Mottaksdrift",
    "Kommunal drift",
    "Link Mottaksdrift",
    "Fjordmottak",
]
WAITING_HOUSEHOLDS = 120
NEXT_YEAR_WAITING = 15


@dataclass(frozen=True)
class SettlementDemoResult:
    centres: int
    requests: int
    decisions: int
    waiting_households: int


def _centres(
    rng: random.Random, municipalities: list[Municipality], counted_on: datetime.date
) -> list[ReceptionCentre]:
    by_number = {m.number: m for m in municipalities}
    centres = [
        ReceptionCentre(
            name=name,
            kind=kind,
            municipality=by_number[number],
            places=places,
            operator=rng.choice(OPERATORS),
        )
        for name, number, kind, places in CENTRES
    ]
    hosts = rng.sample([m for m in municipalities if m.number not in POPULATION], len(KINDS))
    for kind, host in zip(KINDS, hosts, strict=True):
        label = {
            ReceptionKind.ORDINARY: "mottak",
            ReceptionKind.INTEGRATION: "integreringsmottak",
            ReceptionKind.TRANSIT: "transittmottak",
            ReceptionKind.UNACCOMPANIED_MINORS: "mottak for enslige mindreårige",
        }[kind]
        centres.append(
            ReceptionCentre(
                name=f"{host.name} {label}",
                kind=kind,
                municipality=host,
                places=rng.choice([60, 90, 120, 150, 180, 220, 250]),
                operator=rng.choice(OPERATORS),
            )
        )
    ReceptionCentre.objects.bulk_create(centres)
    counts = []
    for centre in centres:
        residents = int(centre.places * rng.uniform(0.55, 0.85))
        shares = [
            rng.uniform(0.2, 0.4),
            rng.uniform(0.2, 0.35),
            rng.uniform(0.05, 0.1),
            rng.uniform(0.05, 0.1),
        ]
        parts = [int(residents * s) for s in shares]
        counts.append(
            ReceptionCount(
                centre=centre,
                counted_on=counted_on,
                asylum_seekers=parts[0],
                permit_to_settle=parts[1],
                permit_not_to_settle=parts[2],
                other_status=parts[3],
                departure_obligation=max(residents - sum(parts), 0),
            )
        )
    ReceptionCount.objects.bulk_create(counts)
    return centres


def _facts(rng: random.Random, year: int, municipalities: list[Municipality]) -> None:
    facts = []
    for m in municipalities:
        population = POPULATION.get(m.number) or int(
            min(max(rng.lognormvariate(8.6, 1.0), 200), 60_000)
        )
        share = min(max(rng.gauss(0.12, 0.05), 0.02), 0.34)
        facts.append(
            MunicipalityFacts(
                year=year,
                municipality=m,
                population=population,
                results_score=Decimal(f"{min(max(rng.gauss(48, 11), 15), 80):.1f}"),
                immigrant_share=Decimal(f"{share:.4f}"),
                exception=False,
            )
        )
    # A municipality with an integration reception centre is assessed apart (seed 001).
    lunner = next(f for f in facts if f.municipality.number == "3234")
    lunner.immigrant_share, lunner.exception = Decimal("0.3150"), True
    lunner.exception_reason = "Integreringsmottak i kommunen: kontinuitet i bosettingsarbeidet."
    # About a third of the municipalities, the large ones always, have said yes to unaccompanied
    # minors (issue 21 item 3). A generator of its own, so the other figures stay as they were.
    minors = random.Random(f"minors-{year}")  # demo data, not secrets # nosec B311
    for f in facts:
        f.accepts_minors = f.population >= 20_000 or minors.random() < 0.3
    MunicipalityFacts.objects.bulk_create(facts)


def _requests_and_decisions(rng: random.Random, year: int, need: SettlementNeed) -> tuple[int, int]:
    """The year's requests, spread as the planner would, and most municipalities' answers."""
    requests_spread(
        ctx=AccessContext.command("demo-data"),
        year=year,
        need=need.stated_total,
        unaccompanied_minors=need.unaccompanied_minors,
        below_minimum="drop",
    )
    asked = list(
        SettlementRequest.objects.filter(year=year, requested__gt=0)
        .select_related("municipality")
        .order_by("municipality__number")
    )
    # What each municipality can offer beyond persons: school places and the adaptation needs it
    # can meet. A generator of its own, so the decided numbers stay as they were.
    offers = random.Random(f"offers-{year}")  # demo data, not secrets # nosec B311
    decisions = []
    for r in asked:
        if rng.random() < 0.2 and r.municipality.number not in POPULATION:
            continue  # has not answered yet
        decided = max(int(r.requested * rng.uniform(0.35, 1.05)), 0)
        if decided == 0:
            continue
        decisions.append(
            MunicipalDecision(
                request=r,
                decided=decided,
                unaccompanied_minors=min(r.unaccompanied_minors, decided),
                large_dwellings=None
                if rng.random() < 0.3
                else rng.randint(0, max(decided // 15, 1)),
                school_children=None
                if offers.random() < 0.5
                else offers.randint(max(decided // 8, 1), max(decided // 3, 2)),
                adaptation_capabilities=[
                    code
                    for code, share in (
                        ("wheelchair", 0.6),
                        ("near_hospital", 0.35),
                        ("regular_treatment", 0.5),
                    )
                    if r.municipality.number in POPULATION or offers.random() < share
                ],
                decided_on=datetime.date(year, 1, 15) + datetime.timedelta(days=rng.randint(0, 80)),
            )
        )
    MunicipalDecision.objects.bulk_create(decisions)
    return len(asked), len(decisions)


def _waiting(
    rng: random.Random,
    year: int,
    centres: list[ReceptionCentre],
    municipalities: dict[str, Municipality],
    *,
    count: int = WAITING_HOUSEHOLDS,
    ready_by: datetime.date | None = None,
) -> int:
    used = set(Person.objects.exclude(duf_number=None).values_list("duf_number", flat=True))
    today = datetime.date(year, 11, 1)
    # The facts added with issue 21 (ready date, permits, needs) draw from their own generator, so
    # that the households and the matcher's demo stay as they were.
    extra = random.Random(year * 1009 + count)  # demo data, not secrets # nosec B311
    ready_by = ready_by or datetime.date(year, 1, 1)
    for index in range(1, count + 1):
        origin = rng.choice(list(NAMES))
        women, men, family_names = NAMES[origin]
        citizenship, language = ORIGINS[origin]
        family = rng.choice(family_names)
        minor = index % 15 == 0
        kind = (
            "single"
            if minor
            else rng.choices(["single", "couple", "parent"], weights=[25, 45, 30])[0]
        )
        adults = 1 if kind in {"single", "parent"} else 2
        children = (
            0
            if kind == "single"
            else rng.choices([0, 1, 2, 3, 4, 5], weights=[10, 25, 30, 20, 10, 5])[0]
        )
        members: list[tuple[str, datetime.date, str]] = []
        for a in range(adults):
            name = rng.choice(women if a == 0 else men)
            born = (
                today - datetime.timedelta(days=rng.randint(15 * 365 + 10, 17 * 365 + 300))
                if minor
                else datetime.date(rng.randint(1970, 2003), rng.randint(1, 12), rng.randint(1, 28))
            )
            members.append((name, born, Relation.MAIN if a == 0 else Relation.SPOUSE))
        for _ in range(children):
            members.append(
                (
                    rng.choice(women + men),
                    datetime.date(rng.randint(2009, 2025), rng.randint(1, 12), rng.randint(1, 28)),
                    Relation.CHILD,
                )
            )
        school = sum(
            1 for _, born, rel in members if rel == Relation.CHILD and 6 <= year - born.year <= 15
        )
        tie = (
            rng.choice(list(municipalities.values()))
            if municipalities and index % 12 == 0
            else None
        )
        category = (
            "unaccompanied_minor"
            if minor
            else rng.choice(["from_reception"] * 4 + ["transfer_refugee"] * 2)
        )
        ready_on = ready_by - datetime.timedelta(days=extra.randint(0, 240))
        needs = extra.choices(
            [[], ["wheelchair"], ["near_hospital"], ["regular_treatment"]],
            weights=[85, 5, 5, 5],
        )[0]
        household = WaitingHousehold.objects.create(
            reference=f"BOS-{year}-{index:04d}",
            year=year,
            category=category,
            reception_centre=rng.choice(centres),
            large_dwelling=1 if len(members) >= 5 else 0,
            school_children=school,
            unaccompanied_minors=1 if minor else 0,
            required_municipality=tie,
            tie_kind=("family" if extra.random() < 0.7 else "network") if tie else "",
            ready_on=ready_on,
            adaptation_needs=needs,
        )
        permit = {
            "unaccompanied_minor": "asylum",
            "transfer_refugee": "resettlement",
        }.get(category) or extra.choice(["asylum", "asylum", "humanitarian"])
        permit_date = ready_on - datetime.timedelta(days=extra.randint(7, 60))
        people = []
        for name, born, relation in members:
            duf = synthetic_duf_number(year - 1, rng)
            while duf in used:
                duf = synthetic_duf_number(year - 1, rng)
            used.add(duf)
            people.append(
                WaitingPerson(
                    household=household,
                    given_name=name,
                    family_name=family,
                    birth_date=born,
                    sex=Sex.FEMALE if name in women else Sex.MALE,
                    duf_number=duf,
                    relation=relation,
                    citizenship=citizenship,
                    language=language,
                    interpreter_needed=relation != Relation.CHILD,
                    permit_type=permit,
                    permit_date=max(permit_date, born),
                    unaccompanied_minor=minor,
                )
            )
        WaitingPerson.objects.bulk_create(people)
    return count


# The planner's expectations, shaped like seed 001's 2019 forecast (3 000 asylum seekers, 70,33 %
# of them granted a permit, 150 outside reception, 2 930 transfer refugees), split by group.
DEMO_FORECAST = {
    "adults_families": GroupInput(decisions=2000, rate=Decimal("70.33"), family=150, quota=2800),
    "unaccompanied_minors": GroupInput(decisions=200, rate=Decimal("60"), family=0, quota=80),
    "under_15": GroupInput(decisions=40, rate=Decimal("50"), family=0, quota=20),
}


def _need(year: int, *, counted_on: datetime.date) -> SettlementNeed:
    """The year's need forecast from the demo's reception counts, with the quota adjusted once."""
    ctx = AccessContext.command("demo-data")
    need = need_forecast_save(
        ctx=ctx,
        year=year,
        inputs=ForecastInput(counted_on=counted_on, permit_under_15=10, groups=DEMO_FORECAST),
        note="Beregnet i oktober året før (som IMDis beregning av bosettingsbehovet for 2019).",
    )
    return need_part_adjust(
        ctx=ctx,
        year=year,
        part="resettlement_quota",
        group="adults_families",
        adjusted=2750,
        reason="Kvoten er vedtatt i statsbudsjettet: 50 færre voksne og familier.",
        version=need.version,
    )


def demo_settlement_create(*, seed: int, today: datetime.date) -> SettlementDemoResult:
    """The settlement planner's year: reception, need, facts, requests, decisions, waiting."""
    rng = random.Random(seed + 7)  # demo data, not secrets # nosec B311
    year = today.year
    municipalities = list(
        Municipality.objects.filter(valid_to__isnull=True)
        .select_related("county")
        .order_by("number")
    )
    centres = _centres(
        rng, municipalities, counted_on=today - datetime.timedelta(days=today.day - 1)
    )
    _facts(rng, year, municipalities)
    need = _need(year, counted_on=today)
    requests, decisions = _requests_and_decisions(rng, year, need)
    by_number = {m.number: m for m in municipalities}
    ties = {n: by_number[n] for n in ("0301", "4601", "5001", "1103", "4204", "5501")}
    waiting = _waiting(rng, year, centres, ties, ready_by=today)
    # Next year is being planned: its facts are in, no need or requests yet, and the households
    # whose permits came late this autumn will be settled in January.
    _facts(rng, year + 1, municipalities)
    waiting += _waiting(rng, year + 1, centres, {}, count=NEXT_YEAR_WAITING, ready_by=today)
    return SettlementDemoResult(len(centres), requests, decisions, waiting)
