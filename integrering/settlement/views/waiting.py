"""Households waiting for settlement (issue 21): the list with days waited, a household's page,
registering one (household and persons), changing it, withdrawing it, and importing a list from
a file (checked and registered by the worker; the import page polls its progress with htmx).

Settlement planners only: 403 on the list and the forms, 404 on a household or an import. Waiting
persons are personal data: every page that shows or changes them is audit-logged.
"""

from __future__ import annotations

import datetime
import random
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from integrering.accounts.access import planner_require
from integrering.audit.services import AccessContext
from integrering.concurrency import ConflictError
from integrering.exports import import_template_csv_bytes
from integrering.people.identity import synthetic_duf_number
from integrering.people.models import Category, ImportStatus
from integrering.ui.http import no_store
from integrering.ui.paging import paginate

from ..forms import (
    WaitingFilterForm,
    WaitingHouseholdForm,
    WaitingImportForm,
    WaitingPersonForms,
    WaitingPersonFormSet,
    WithdrawForm,
    waiting_household_initial,
    waiting_household_input,
    waiting_person_initial,
)
from ..models import ReceptionCentre, WaitingHousehold, WaitingStatus
from ..selectors import (
    audit_waiting_list,
    waiting_household_placements,
    waiting_household_proposed,
    waiting_household_read,
    waiting_households_listed,
    waiting_import_get,
    waiting_imports_recent,
)
from ..services.waiting import (
    adaptation_need_label,
    waiting_household_create,
    waiting_household_update,
    waiting_household_withdraw,
    waiting_status_message,
)
from ..services.waiting_import import COLUMNS
from ..services.waiting_import_queue import waiting_import_queue

PER_PAGE = 50
POLL_SECONDS = 2
MEMBERS_PREFIX = "members"


# --- The list and a household ----------------------------------------------------------------


def _years() -> list[int]:
    years = set(WaitingHousehold.objects.values_list("year", flat=True).distinct())
    years.add(timezone.localdate().year)
    return sorted(years)


def _needs(household: WaitingHousehold) -> list[str]:
    """What the household needs, as the list and the page show it."""
    needs = [adaptation_need_label(code) for code in household.adaptation_needs]
    if household.large_dwelling:
        needs.append("Stor bolig")
    return needs


@require_GET
@login_required
def waiting_list(request: HttpRequest) -> HttpResponse:
    """Every household waiting for settlement, longest waiting first, with days waited; filtered
    by status, year, reception centre, need and a search, 50 to a page."""
    planner_require(request.user)
    ctx = AccessContext.from_request(request)
    data = request.GET.copy()
    data.setdefault("status", WaitingStatus.WAITING)
    form = WaitingFilterForm(data, years=_years())
    status = 200
    filters: dict[str, Any] = {"status": WaitingStatus.WAITING}
    if form.is_valid():
        filters = {
            "status": form.cleaned_data["status"] or WaitingStatus.WAITING,
            "year": form.cleaned_data["year"],
            "centre": form.cleaned_data["centre"],
            "need": form.cleaned_data["need"],
            "query": form.cleaned_data["q"],
        }
    else:
        status = 422
    households = waiting_households_listed(ctx=ctx, **filters)
    page = paginate(request, households, PER_PAGE)
    today = timezone.localdate()
    rows = [(h, h.days_waited(today), _needs(h)) for h in page]
    audit_waiting_list(
        ctx=ctx, references=[h.reference for h, _, _ in rows], what="venter på bosetting (liste)"
    )
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "today": today,
        "year": filters.get("year"),
    }
    return no_store(render(request, "settlement/waiting_list.html", context, status=status))


@require_GET
@login_required
def waiting_household_detail(request: HttpRequest, waiting_household_id: int) -> HttpResponse:
    """A waiting household: its facts, needs and ties, its members (each read audited), the
    matcher's proposals for it, and the ways to change or withdraw it."""
    household, members = waiting_household_read(
        ctx=AccessContext.from_request(request), pk=waiting_household_id
    )
    today = timezone.localdate()
    return no_store(
        render(
            request,
            "settlement/waiting_household.html",
            {
                "household": household,
                "year": household.year,
                "members": [(m, m.age_on(today)) for m in members],
                "placements": waiting_household_placements(household),
                "days_waited": household.days_waited(today),
                "category": dict(Category.choices).get(household.category, household.category),
                "needs": [adaptation_need_label(c) for c in household.adaptation_needs],
                "waiting": household.status == WaitingStatus.WAITING,
            },
        )
    )


# --- Registering and changing ----------------------------------------------------------------


def _errors_to_forms(
    exc: ValidationError, form: WaitingHouseholdForm, members: WaitingPersonFormSet
) -> int:
    """Put a service's refusal next to the fields (``members.N.field`` on the N-th person that was
    sent); return the page's status: 409 for a concurrent save, else 422."""
    if isinstance(exc, ConflictError):
        form.add_error(None, exc.messages[0])
        return 409
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return 422
    sent = [f for f in members.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
    for key, found in exc.message_dict.items():
        parts = key.split(".")
        if parts[0] == "members" and len(parts) == 3 and int(parts[1]) < len(sent):
            person = sent[int(parts[1])]
            name = parts[2] if parts[2] in person.fields and parts[2] != "id" else None
            for message in found:
                person.add_error(name, message)
        else:
            name = key if key in form.fields else None
            for message in found:
                form.add_error(name, message)
    return 422


def _forms(
    request: HttpRequest,
    household: WaitingHousehold | None = None,
    members: list[Any] | None = None,
) -> tuple[WaitingHouseholdForm, WaitingPersonFormSet]:
    if request.method == "POST":
        return (
            WaitingHouseholdForm(request.POST, household=household),
            cast(WaitingPersonFormSet, WaitingPersonForms(request.POST, prefix=MEMBERS_PREFIX)),
        )
    if household is None:
        return (
            WaitingHouseholdForm(initial={"ready_on": timezone.localdate()}),
            cast(WaitingPersonFormSet, WaitingPersonForms(prefix=MEMBERS_PREFIX)),
        )
    return (
        WaitingHouseholdForm(initial=waiting_household_initial(household), household=household),
        cast(
            WaitingPersonFormSet,
            WaitingPersonForms(
                initial=[waiting_person_initial(m) for m in members or []], prefix=MEMBERS_PREFIX
            ),
        ),
    )


@require_http_methods(["GET", "POST"])
@login_required
def waiting_create(request: HttpRequest) -> HttpResponse:
    """Register a household waiting for settlement, with its persons."""
    planner_require(request.user)
    form, members = _forms(request)
    status = 200
    if request.method == "POST":
        if form.is_valid() and members.is_valid():
            try:
                household = waiting_household_create(
                    ctx=AccessContext.from_request(request),
                    data=waiting_household_input(form, members),
                )
            except ValidationError as exc:
                status = _errors_to_forms(exc, form, members)
            else:
                messages.success(
                    request,
                    f"Husstand {household.reference} er registrert og venter på bosetting.",
                )
                return redirect("settlement:waiting-household", waiting_household_id=household.pk)
        else:
            status = 422
    return no_store(
        render(
            request,
            "settlement/waiting_form.html",
            {"form": form, "members": members, "household": None},
            status=status,
        )
    )


@require_http_methods(["GET", "POST"])
@login_required
def waiting_edit(request: HttpRequest, waiting_household_id: int) -> HttpResponse:
    """Change a waiting household and its persons (versioned: a save over someone else's newer
    save is refused, and what this planner typed stays in the form)."""
    ctx = AccessContext.from_request(request)
    household, current = waiting_household_read(ctx=ctx, pk=waiting_household_id)
    refused = waiting_status_message(household)
    if refused is not None:
        messages.error(request, refused)
        return redirect("settlement:waiting-household", waiting_household_id=household.pk)
    form, members = _forms(request, household, current)
    status = 200
    if request.method == "POST":
        if form.is_valid() and members.is_valid():
            try:
                household = waiting_household_update(
                    ctx=ctx,
                    household=household,
                    data=waiting_household_input(form, members),
                    version=form.cleaned_data["version"] or 0,
                )
            except ValidationError as exc:
                status = _errors_to_forms(exc, form, members)
            else:
                messages.success(request, f"Husstand {household.reference} er endret.")
                return redirect("settlement:waiting-household", waiting_household_id=household.pk)
        else:
            status = 422
    return no_store(
        render(
            request,
            "settlement/waiting_form.html",
            {"form": form, "members": members, "household": household},
            status=status,
        )
    )


@require_http_methods(["GET", "POST"])
@login_required
def waiting_withdraw(request: HttpRequest, waiting_household_id: int) -> HttpResponse:
    """Withdraw a household (moved out, left the country ...): the page says what happens and
    asks for the reason before anything is saved."""
    ctx = AccessContext.from_request(request)
    household, members = waiting_household_read(ctx=ctx, pk=waiting_household_id)
    refused = waiting_status_message(household)
    if refused is not None:
        messages.error(request, refused)
        return redirect("settlement:waiting-household", waiting_household_id=household.pk)
    form = WithdrawForm(
        initial={"withdrawn_on": timezone.localdate(), "version": household.version}
    )
    status = 200
    if request.method == "POST":
        form = WithdrawForm(request.POST)
        if form.is_valid():
            try:
                household = waiting_household_withdraw(
                    ctx=ctx,
                    household=household,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                    withdrawn_on=form.cleaned_data["withdrawn_on"],
                    version=form.cleaned_data["version"],
                )
            except ValidationError as exc:
                if isinstance(exc, ConflictError):
                    form.add_error(None, exc.messages[0])
                    status = 409
                elif hasattr(exc, "error_dict"):
                    for key, found in exc.message_dict.items():
                        for message in found:
                            form.add_error(key if key in form.fields else None, message)
                    status = 422
                else:
                    for message in exc.messages:
                        form.add_error(None, message)
                    status = 422
            else:
                messages.success(
                    request,
                    f"Husstand {household.reference} er trukket og tas ikke med i utsøkingen.",
                )
                return redirect("settlement:waiting-household", waiting_household_id=household.pk)
        else:
            status = 422
    return no_store(
        render(
            request,
            "settlement/waiting_withdraw.html",
            {
                "household": household,
                "members": members,
                "form": form,
                "proposed": waiting_household_proposed(household),
            },
            status=status,
        )
    )


# --- Import ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def waiting_import_upload(request: HttpRequest) -> HttpResponse:
    """Upload a list of waiting households: checked at once (type, size, header), then queued."""
    planner_require(request.user)
    form = WaitingImportForm()
    status = 200
    if request.method == "POST":
        form = WaitingImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = waiting_import_queue(
                user=request.user,
                filename=form.cleaned_data["file"].name,
                content=form.cleaned_data["content"],
            )
            return redirect("settlement:waiting-import-detail", waiting_import_id=upload.pk)
        status = 422
    return render(
        request,
        "settlement/waiting_import.html",
        {"form": form, "columns": COLUMNS, "imports": waiting_imports_recent(request.user)},
        status=status,
    )


@require_GET
@login_required
def waiting_import_detail(request: HttpRequest, waiting_import_id: int) -> HttpResponse:
    upload = waiting_import_get(request.user, waiting_import_id)
    context = {
        "upload": upload,
        "running": upload.status in {ImportStatus.QUEUED, ImportStatus.RUNNING},
        "saving": upload.status == ImportStatus.RUNNING
        and upload.total_rows > 0
        and upload.processed_rows >= upload.total_rows,
        "poll_seconds": POLL_SECONDS,
    }
    if request.headers.get("HX-Request"):
        return no_store(render(request, "settlement/waiting_import_status.html", context))
    return no_store(render(request, "settlement/waiting_import_detail.html", context))


EXAMPLE_HEADER = [c.name for c in COLUMNS]


def example_rows(centre: str = "") -> list[list[str]]:
    """Two fictitious households whose DUF numbers are synthetic (valid check digits, random)."""
    rng = random.Random(21)  # noqa: S311 - a fixed example, not a secret # nosec B311
    duf = [synthetic_duf_number(2024, rng) for _ in range(4)]
    this_year = timezone.localdate().year
    ready = f"{datetime.date(this_year, 1, 15):%d.%m.%Y}"
    return [
        # husstand, mottak, klar_dato, bosettingsar, gruppe, stor_bolig, tilpasning,
        # tilpasning_merknad, tilknytning_kommune, tilknytning, fornavn, etternavn, fodselsdato,
        # kjonn, duf_nummer, relasjon, tillatelse, tillatelse_dato, statsborgerskap, morsmal,
        # tolk, tolkesprak, enslig_mindrearig
        [
            "EKS-2001", centre, ready, str(this_year), "fra mottak", "nei", "rullestol", "",
            "0301", "familie", "Amal", "Eksempel", "12.04.1986", "kvinne", duf[0], "hovedperson",
            "asyl", "10.01.2025", "Syria", "arabisk", "ja", "arabisk", "nei",
        ],
        [
            "EKS-2001", "", "", "", "", "", "", "", "", "", "Lina", "Eksempel", "21.06.2016",
            "kvinne", duf[1], "barn", "asyl", "10.01.2025", "Syria", "arabisk", "nei", "", "nei",
        ],
        [
            "EKS-2002", centre, ready, str(this_year), "", "nei", "", "", "", "", "Yonas",
            "Eksempel", "27.02.2010", "mann", duf[2], "hovedperson", "asyl", "02.12.2024",
            "Eritrea", "tigrinja", "ja", "", "ja",
        ],
    ]  # fmt: skip


@require_GET
@login_required
def waiting_import_example(request: HttpRequest) -> HttpResponse:
    """An example file: semicolons and a byte order mark, so that Excel opens it as it is."""
    planner_require(request.user)
    first = ReceptionCentre.objects.filter(closed_on__isnull=True).order_by("name").first()
    rows = example_rows(first.name if first else "")
    response = HttpResponse(
        import_template_csv_bytes(EXAMPLE_HEADER, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="venter-pa-bosetting-eksempel.csv"'
    return response


urlpatterns: list = [
    path("bosetting/venter/", waiting_list, name="waiting-list"),
    path("bosetting/venter/ny/", waiting_create, name="waiting-create"),
    path("bosetting/venter/import/", waiting_import_upload, name="waiting-import"),
    path(
        "bosetting/venter/import/eksempel.csv",
        waiting_import_example,
        name="waiting-import-example",
    ),
    path(
        "bosetting/venter/import/<int:waiting_import_id>/",
        waiting_import_detail,
        name="waiting-import-detail",
    ),
    path(
        "bosetting/venter/<int:waiting_household_id>/",
        waiting_household_detail,
        name="waiting-household",
    ),
    path(
        "bosetting/venter/<int:waiting_household_id>/endre/",
        waiting_edit,
        name="waiting-edit",
    ),
    path(
        "bosetting/venter/<int:waiting_household_id>/trekk/",
        waiting_withdraw,
        name="waiting-withdraw",
    ),
]
