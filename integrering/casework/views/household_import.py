"""Uploading a household list, and following its import (issue 5).

The upload is checked at once (type, size, header) and then queued; the rows are checked and
registered by the background worker, and the import page polls its progress with htmx.
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from integrering.audit.services import AccessContext
from integrering.exports import import_template_csv_bytes
from integrering.people.identity import synthetic_duf_number, synthetic_identity_number
from integrering.people.imports import (
    COLUMNS,
    household_import_get,
    household_import_require,
    imports_visible_to,
)
from integrering.people.models import ImportStatus

from ..forms import HouseholdImportForm
from ..services.household_import_queue import household_import_queue

POLL_SECONDS = 2


def _may_import(request: HttpRequest) -> None:
    household_import_require(ctx=AccessContext.from_request(request))


@require_http_methods(["GET", "POST"])
@login_required
def household_import_upload(request: HttpRequest) -> HttpResponse:
    _may_import(request)
    user = request.user
    form = HouseholdImportForm(user=user)
    status = 200
    if request.method == "POST":
        form = HouseholdImportForm(request.POST, request.FILES, user=user)
        if form.is_valid():
            upload = household_import_queue(
                user=user,  # type: ignore[arg-type]
                municipality=form.cleaned_data["municipality"],
                filename=form.cleaned_data["file"].name,
                content=form.cleaned_data["content"],
            )
            return redirect("casework:household-import-detail", import_id=upload.pk)
        status = 422
    imports = imports_visible_to(user).order_by("-created_at")[:20]
    return render(
        request,
        "casework/import_upload.html",
        {"form": form, "columns": COLUMNS, "imports": imports},
        status=status,
    )


@require_GET
@login_required
def household_import_detail(request: HttpRequest, import_id: int) -> HttpResponse:
    upload = household_import_get(ctx=AccessContext.from_request(request), import_id=import_id)
    context = {
        "upload": upload,
        "running": upload.status in {ImportStatus.QUEUED, ImportStatus.RUNNING},
        "saving": upload.status == ImportStatus.RUNNING
        and upload.total_rows > 0
        and upload.processed_rows >= upload.total_rows,
        "poll_seconds": POLL_SECONDS,
    }
    if request.headers.get("HX-Request"):
        return render(request, "casework/import_status.html", context)
    return render(request, "casework/import_detail.html", context)


EXAMPLE_HEADER = [c.name for c in COLUMNS]


def example_rows(municipality_number: str = "0301") -> list[list[str]]:
    """Two fictitious households whose numbers are synthetic (month + 80): never a real person."""
    rng = random.Random(5)  # noqa: S311 - a fixed example, not a secret # nosec B311
    born = [
        datetime.date(1986, 4, 12),
        datetime.date(1989, 11, 3),
        datetime.date(2016, 6, 21),
        datetime.date(1999, 2, 27),
    ]
    fnr = [synthetic_identity_number(b, rng) for b in born]
    duf = [synthetic_duf_number(2023, rng) for _ in born]
    return [
        # husstand, kommune, bosatt_dato, fornavn, mellomnavn, etternavn, fodselsdato, kjonn,
        # fodselsnummer, duf_nummer, relasjon, kategori, statsborgerskap, morsmal, tolk,
        # tolkesprak, ankomst_dato, mottak
        [
            "EKS-1001", municipality_number, "01.09.2024", "Amal", "", "Eksempel", "12.04.1986", "kvinne",
            fnr[0], duf[0], "hovedperson", "overføringsflyktning", "Syria", "arabisk", "ja",
            "arabisk", "15.08.2024", "",
        ],
        [
            "EKS-1001", municipality_number, "01.09.2024", "Karim", "", "Eksempel", "03.11.1989", "mann",
            fnr[1], duf[1], "ektefelle", "overføringsflyktning", "Syria", "arabisk", "nei",
            "", "15.08.2024", "",
        ],
        [
            "EKS-1001", municipality_number, "01.09.2024", "Lina", "", "Eksempel", "21.06.2016", "kvinne",
            fnr[2], duf[2], "barn", "overføringsflyktning", "Syria", "arabisk", "nei",
            "", "15.08.2024", "",
        ],
        [
            "EKS-1002", municipality_number, "", "Yonas", "Tesfay", "Eksempel", "27.02.1999", "mann",
            fnr[3], duf[3], "hovedperson", "fra mottak", "Eritrea", "tigrinja", "ja",
            "", "10.01.2024", "Eksempel mottak",
        ],
    ]  # fmt: skip


@require_GET
@login_required
def household_import_example(request: HttpRequest) -> HttpResponse:
    """An example file: semicolons and a byte order mark, so that Excel opens it as it is."""
    organisation = getattr(request.user, "organisation", None)
    municipality = getattr(organisation, "municipality", None)
    rows = example_rows(municipality.number if municipality else "0301")
    response = HttpResponse(
        import_template_csv_bytes(EXAMPLE_HEADER, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="husstander-eksempel.csv"'
    return response


urlpatterns = [
    path("husstander/import/", household_import_upload, name="household-import"),
    path(
        "husstander/import/eksempel.csv",
        household_import_example,
        name="household-import-example",
    ),
    path(
        "husstander/import/<int:import_id>/",
        household_import_detail,
        name="household-import-detail",
    ),
]
