"""The covid integration packages II and III (seed 003) in the claim of a budget year.

Participants given extended programme time or extended Norwegian training in a package's
window, checked by the rules (``rules.integration_packages``), and the grant per participant and
measure (each measure's parameter; seed 003: 45 000 and 8 000). Extended Norwegian training
given to someone outside the programme counts for the municipality the person lives in, as in
``package_report``. Package I was paid out by a distribution key, so only II and III, which were
paid on the municipalities' reports, are claimed. The grant portal's catalogue has no code for
them (``grants/grant_codes``).
"""

from __future__ import annotations

import datetime
import heapq
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from integrering.organisations.models import Municipality
from integrering.people.models import Person
from integrering.rules.integration_packages import (
    NORWEGIAN,
    PROGRAMME,
    norwegian_extension,
    programme_extension,
)
from integrering.rules.money import money_str
from integrering.rules.parameters import parameter
from integrering.rules.references import reference

from ...models import Extension, ExtensionKind, Participation
from ...periods import last_day
from .common import PACKAGES, ClaimSection

# Seed 003: package I was paid out by a distribution key; packages II and III on the
# municipalities' reports of the participants given the measures. Only those are claimed here.
REPORTED_PACKAGES = ("II", "III")

MEASURE_LABELS: dict[str, str] = {
    ExtensionKind.PROGRAMME: "Utvidet programtid",
    ExtensionKind.NORWEGIAN_TRAINING: "Utvidet opplæring i norsk",
}


@dataclass(frozen=True)
class PackageLine:
    """A participant given a package measure, and the grant due for it (seed 003)."""

    person_id: int
    name: str
    birth_date: datetime.date
    identity_number: str
    duf_number: str
    participation_id: int | None  # None: Norwegian training given outside the programme
    starts_on: datetime.date | None  # the programme's start
    measure: str
    package: str
    months: int
    decided: str  # what the window is measured on: the programme's end, or Norwegian's end
    amount: Decimal

    @property
    def kind(self) -> str:
        return f"{self.package}:{self.measure}"

    @property
    def label(self) -> str:
        return f"Pakke {self.package}, {MEASURE_LABELS[self.measure].lower()}"

    def to_json(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "name": self.name,
            "birth_date": self.birth_date.isoformat(),
            "identity_number": self.identity_number or None,
            "duf_number": self.duf_number or None,
            "participation_id": self.participation_id,
            "programme_starts_on": self.starts_on.isoformat() if self.starts_on else None,
            "measure": self.measure,
            "package": self.package,
            "months": self.months,
            "window_date": self.decided,
            "amount": money_str(self.amount),
        }


def _package_years(name: str) -> dict[str, int]:
    """The year each package's measures were reported and paid: the year of its window date."""
    years = {}
    for window in parameter(name).values[-1]["windows"]:
        day = window.get("in_programme_on") or window.get("ended_from")
        if day is not None:
            years[str(window["package"])] = day.year
    return years


def packages_section(*, municipality: Municipality, budget_year: int) -> ClaimSection:
    """The covid integration-package report of a budget year (seed 003).

    Participants of the municipality given extended programme time or extended Norwegian
    training under package II or III, whose programme start (and still being in the programme
    on the package's date) or Norwegian training end lies in the package's window, checked by
    the rules (``rules.integration_packages``), with the grant per participant and measure.

    Extended Norwegian training is a right also for someone outside the programme
    (``norwegian_extension_grant``): such an extension has no participation and counts for the
    municipality the person lives in, as in the package report. The Norwegian window is measured
    on the training's end as stored on the extension (the participation's only where the
    extension has none), with the right and duty stated on it.
    """
    section = ClaimSection(PACKAGES)
    years = {
        ExtensionKind.PROGRAMME: _package_years(PROGRAMME),
        ExtensionKind.NORWEGIAN_TRAINING: _package_years(NORWEGIAN),
    }
    first = parameter(PROGRAMME).first_date
    section.references = [reference(PROGRAMME, first), reference(NORWEGIAN, first)]
    reported_years = sorted(
        {
            year
            for by_package in years.values()
            for p, year in by_package.items()
            if p in REPORTED_PACKAGES
        }
    )
    if budget_year not in reported_years:
        section.message = (
            f"Integreringspakke {' og '.join(REPORTED_PACKAGES)} gjelder budsjettåret "
            f"{' og '.join(str(y) for y in reported_years)}; for {budget_year} er det ingenting å "
            "rapportere."
        )
        return section
    for person, participation, extensions in _package_entries(municipality):
        for measure in (ExtensionKind.PROGRAMME, ExtensionKind.NORWEGIAN_TRAINING):
            line = _package_line(
                person, participation, extensions, measure, years[measure], budget_year, section
            )
            if line is not None:
                section.lines.append(line)
    return section


# A person, the participation (None for someone outside the programme) and the extensions: the
# participation's, and the person's Norwegian extensions given without a participation.
_Entry = tuple[Person, Participation | None, list[Extension]]


def _package_entries(municipality: Municipality) -> list[_Entry]:
    """The municipality's participations with extensions, and the persons living in it who were
    given extended Norwegian training outside the programme, in the order of their names."""
    participations = (
        Participation.objects.filter(municipality=municipality, extensions__isnull=False)
        .distinct()
        .select_related("person")
        .prefetch_related("extensions")
        .order_by("person__family_name", "person__given_name", "pk")
    )
    persons: dict[int, Person] = {}
    outside: dict[int, list[Extension]] = {}
    for extension in (
        Extension.objects.filter(
            participation__isnull=True,
            person__municipality=municipality,
            kind=ExtensionKind.NORWEGIAN_TRAINING,
        )
        .exclude(integration_package="")
        .select_related("person")
        .order_by("person__family_name", "person__given_name", "person_id", "from_on", "pk")
    ):
        person = extension.person
        assert person is not None  # an extension without a participation has a person
        persons[person.pk] = person
        outside.setdefault(person.pk, []).append(extension)
    entries: list[_Entry] = []
    for participation in participations:
        # One line per person and measure: the extensions outside go with the first programme.
        given = outside.pop(participation.person_id, [])
        entries.append(
            (participation.person, participation, [*participation.extensions.all(), *given])
        )
    alone: list[_Entry] = [(persons[pk], None, extensions) for pk, extensions in outside.items()]
    return list(heapq.merge(entries, alone, key=lambda e: (e[0].family_name, e[0].given_name)))


def _package_line(
    person: Person,
    participation: Participation | None,
    extensions: list[Extension],
    measure: str,
    years: dict[str, int],
    budget_year: int,
    section: ClaimSection,
) -> PackageLine | None:
    given = [e for e in extensions if e.kind == measure and e.integration_package]
    if not given:
        return None
    if measure == ExtensionKind.PROGRAMME:
        assert participation is not None  # a programme extension always has one
        end = last_day(participation, participation.extensions.all())
        answer = programme_extension(start=participation.starts_on, end=end)
        window_date = (
            f"programstart {participation.starts_on:%d.%m.%Y}, i programmet til {end:%d.%m.%Y}"
        )
    else:
        # The end the extension was given on (package_report reads it the same way).
        ends_on = next(
            (e.norwegian_training_ends_on for e in given if e.norwegian_training_ends_on),
            participation.norwegian_training_ends_on if participation is not None else None,
        )
        right_and_duty = next(
            (e.right_and_duty for e in given if e.right_and_duty is not None), None
        )
        answer = norwegian_extension(end=ends_on, right_and_duty=right_and_duty)
        window_date = f"norskopplæringen avsluttet {ends_on:%d.%m.%Y}" if ends_on else ""
    recorded = sorted({e.integration_package for e in given})
    if not answer.eligible or answer.package is None or answer.grant is None:
        if any(p in REPORTED_PACKAGES for p in recorded):
            section.problems.append(
                f"{person.full_name}: {MEASURE_LABELS[measure].lower()} er registrert som pakke "
                f"{', '.join(recorded)}, men er utenfor pakkenes vinduer ({answer.reason}); "
                "ikke tatt med."
            )
        return None
    if answer.package not in REPORTED_PACKAGES or years.get(answer.package) != budget_year:
        return None
    if recorded != [answer.package]:
        section.problems.append(
            f"{person.full_name}: registrert som pakke {', '.join(recorded)}, men datoene gir "
            f"pakke {answer.package}; rapportert som pakke {answer.package}."
        )
    return PackageLine(
        person_id=person.pk,
        name=person.full_name,
        birth_date=person.birth_date,
        identity_number=person.identity_number or "",
        duf_number=person.duf_number or "",
        participation_id=participation.pk if participation is not None else None,
        starts_on=participation.starts_on if participation is not None else None,
        measure=measure,
        package=answer.package,
        months=sum(e.months for e in given),
        decided=window_date,
        amount=answer.grant,
    )
