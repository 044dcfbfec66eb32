"""Reception centres (mottak) and their residents, and the overview of the reception system.

Seed 001, «Mottakssystemet per 06.11.2018»: the centres by kind (ordinary, integration,
transit, for unaccompanied minors), their places, and the residents on the latest count by the
status of their application (asylum seekers; with a permit, to be settled; with a permit, not to
be settled; withdrawn or other status; with an obligation to leave), with the number of
municipalities that host centres and of operators.

A count may show more residents than places: centres are filled beyond their places in a rush of
arrivals. It is recorded as it is and flagged (``over_capacity``), not refused. Counts are
aggregates, not personal data.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import (
    Count,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from integrering.accounts.access import planner_or_system_require
from integrering.audit.services import AccessContext
from integrering.organisations.models import Municipality

from ..models import ReceptionCentre, ReceptionCount, ReceptionKind

NAME_MAX = 150
STATUS_LABELS = {
    "permit_to_settle": "Med tillatelse, skal bosettes",
    "permit_not_to_settle": "Med tillatelse, skal ikke bosettes",
    "other_status": "Henlagt, trukket, annen status eller manglende registrering",
    "departure_obligation": "Med utreiseplikt",
    "asylum_seekers": "Asylsøkere under behandling",
}
# The overview's order: those the settlement planner will place first.
STATUS_ORDER = tuple(STATUS_LABELS)


def reception_centre_save(
    *,
    ctx: AccessContext,
    centre: ReceptionCentre | None = None,
    name: str,
    kind: str,
    municipality: Municipality | None,
    operator: str = "",
    places: int | None,
    opened_on: datetime.date | None = None,
    closed_on: datetime.date | None = None,
) -> ReceptionCentre:
    """Create a reception centre (``centre`` None) or change one.

    The name is unique (whatever the case); a new centre lies in a current municipality; a
    centre closes after it opened. Places may be 0 (a centre kept in reserve).
    """
    planner_or_system_require(ctx.user)
    name = (name or "").strip()
    operator = (operator or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Skriv navnet på mottaket."]
    elif len(name) > NAME_MAX:
        errors["name"] = [f"Navnet kan ha høyst {NAME_MAX} tegn."]
    else:
        same_name = ReceptionCentre.objects.filter(name__iexact=name)
        if centre is not None:
            same_name = same_name.exclude(pk=centre.pk)
        if same_name.exists():
            errors["name"] = [f"Det finnes allerede et mottak som heter «{name}»."]
    if kind not in ReceptionKind.values:
        errors["kind"] = ["Velg en type mottak fra listen."]
    if municipality is None:
        errors["municipality"] = ["Velg kommunen mottaket ligger i."]
    elif municipality.valid_to is not None and (
        centre is None or centre.municipality_id != municipality.pk
    ):
        errors["municipality"] = [
            f"{municipality.name} er ikke lenger en kommune. Velg en kommune som finnes i dag."
        ]
    if len(operator) > NAME_MAX:
        errors["operator"] = [f"Driftsoperatøren kan ha høyst {NAME_MAX} tegn."]
    if places is None:
        errors["places"] = ["Fyll inn antall plasser."]
    elif places < 0:
        errors["places"] = ["Antall plasser kan ikke være negativt."]
    if opened_on and closed_on and closed_on < opened_on:
        errors["closed_on"] = ["Mottaket kan ikke legges ned før det åpnet."]
    if errors:
        raise ValidationError(errors)
    assert municipality is not None and places is not None
    centre = centre or ReceptionCentre()
    centre.name = name
    centre.kind = kind
    centre.municipality = municipality
    centre.operator = operator
    centre.places = places
    centre.opened_on = opened_on
    centre.closed_on = closed_on
    centre.save()
    return centre


def reception_count_record(
    *,
    ctx: AccessContext,
    centre: ReceptionCentre,
    counted_on: datetime.date | None,
    asylum_seekers: int | None = 0,
    permit_to_settle: int | None = 0,
    permit_not_to_settle: int | None = 0,
    other_status: int | None = 0,
    departure_obligation: int | None = 0,
) -> ReceptionCount:
    """Record the residents of a centre on a date, by status; a second count on the same date
    corrects the first (one count per centre and date).

    The date cannot be in the future, nor outside the time the centre was open. More residents
    than places is recorded and flagged (``reception_over_capacity``), not refused.
    """
    planner_or_system_require(ctx.user)
    numbers = {
        "asylum_seekers": asylum_seekers,
        "permit_to_settle": permit_to_settle,
        "permit_not_to_settle": permit_not_to_settle,
        "other_status": other_status,
        "departure_obligation": departure_obligation,
    }
    errors: dict[str, list[str]] = {}
    for name, number in numbers.items():
        if number is None:
            errors[name] = ["Fyll inn antallet (0 hvis ingen)."]
        elif number < 0:
            errors[name] = ["Antallet kan ikke være negativt."]
    today = timezone.localdate()
    if counted_on is None:
        errors["counted_on"] = ["Fyll inn datoen for tellingen."]
    elif counted_on > today:
        errors["counted_on"] = [
            f"Tellingen kan ikke være fra fremtiden (i dag er {today:%d.%m.%Y})."
        ]
    elif centre.opened_on and counted_on < centre.opened_on:
        errors["counted_on"] = [f"Mottaket åpnet {centre.opened_on:%d.%m.%Y}, etter denne datoen."]
    elif centre.closed_on and counted_on >= centre.closed_on:
        errors["counted_on"] = [f"Mottaket ble lagt ned {centre.closed_on:%d.%m.%Y}."]
    if errors:
        raise ValidationError(errors)
    count, _ = ReceptionCount.objects.update_or_create(
        centre=centre, counted_on=counted_on, defaults=numbers
    )
    return count


def reception_over_capacity(centre: ReceptionCentre, count: ReceptionCount | None) -> int:
    """How many residents the count has beyond the centre's places (0 when within them)."""
    if count is None:
        return 0
    return max(0, count.residents - centre.places)


def _open_on(on: datetime.date) -> Q:
    return (Q(opened_on__isnull=True) | Q(opened_on__lte=on)) & (
        Q(closed_on__isnull=True) | Q(closed_on__gt=on)
    )


def reception_centres_with_latest(
    *, on: datetime.date | None = None, open_only: bool = False
) -> QuerySet[ReceptionCentre]:
    """The centres, each annotated with its latest count on or before ``on`` (today):
    ``latest_counted_on`` and one ``latest_<status>`` per status, plus ``latest_residents``
    (None without a count)."""
    on = on or timezone.localdate()
    latest = ReceptionCount.objects.filter(centre=OuterRef("pk"), counted_on__lte=on).order_by(
        "-counted_on"
    )
    residents = sum((F(name) for name in ReceptionCount.STATUS_FIELDS), Value(0))
    centres = ReceptionCentre.objects.select_related("municipality").annotate(
        latest_counted_on=Subquery(latest.values("counted_on")[:1]),
        latest_residents=Subquery(
            latest.annotate(n_residents=residents).values("n_residents")[:1],
            output_field=IntegerField(),
        ),
        **{
            f"latest_{name}": Subquery(latest.values(name)[:1])
            for name in ReceptionCount.STATUS_FIELDS
        },
    )
    if open_only:
        centres = centres.filter(_open_on(on))
    return centres.order_by("name")


@dataclass
class ReceptionFigures:
    """Centres, places and residents (by status) of one kind of centre, or of all."""

    label: str
    centres: int = 0
    places: int = 0
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUS_ORDER, 0))

    @property
    def residents(self) -> int:
        return sum(self.by_status.values())

    @property
    def over_capacity(self) -> bool:
        return self.residents > self.places


@dataclass
class ReceptionOverview:
    """The reception system on a date (seed 001 «Mottakssystemet per 06.11.2018»)."""

    on: datetime.date
    counted_on: datetime.date | None  # the newest count the figures rest on
    kinds: list[ReceptionFigures]
    total: ReceptionFigures
    municipalities: int
    operators: int
    uncounted: int  # open centres without a count yet: their residents are missing

    def statuses(self) -> list[tuple[str, int, float]]:
        """(label, residents, share in per cent) for each status, in the overview's order."""
        residents = self.total.residents
        return [
            (STATUS_LABELS[name], number, 100 * number / residents if residents else 0.0)
            for name, number in self.total.by_status.items()
        ]


def reception_overview(*, on: datetime.date | None = None) -> ReceptionOverview:
    """The centres open on a date (today), by kind, with their places and the residents of each
    centre's latest count on or before it; the municipalities with centres and the operators."""
    on = on or timezone.localdate()
    centres = reception_centres_with_latest(on=on, open_only=True)
    rows = (
        centres.order_by()
        .values("kind")
        .annotate(
            n_centres=Count("pk"),
            n_places=Coalesce(Sum("places"), 0),
            n_uncounted=Count("pk", filter=Q(latest_counted_on__isnull=True)),
            **{
                f"n_{name}": Coalesce(Sum(f"latest_{name}"), 0)
                for name in ReceptionCount.STATUS_FIELDS
            },
        )
    )
    by_kind = {row["kind"]: row for row in rows}
    total = ReceptionFigures(label="Totalt")
    kinds = []
    uncounted = 0
    for kind in ReceptionKind:
        figures = ReceptionFigures(label=str(kind.label))
        row = by_kind.get(kind.value)
        if row is not None:
            figures.centres = row["n_centres"]
            figures.places = row["n_places"]
            figures.by_status = {name: row[f"n_{name}"] for name in STATUS_ORDER}
            uncounted += row["n_uncounted"]
        kinds.append(figures)
        total.centres += figures.centres
        total.places += figures.places
        for name in STATUS_ORDER:
            total.by_status[name] += figures.by_status[name]
    counted_on = centres.aggregate(newest=Max("latest_counted_on"))["newest"]
    return ReceptionOverview(
        on=on,
        counted_on=counted_on,
        kinds=kinds,
        total=total,
        municipalities=centres.order_by().values("municipality").distinct().count(),
        operators=centres.exclude(operator="").order_by().values("operator").distinct().count(),
        uncounted=uncounted,
    )
