"""The person list, a person's details and a household's page. Every read goes through the
selectors, which apply consent and audit. The case page of a person is casework's."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from integrering.accounts.access import may_edit_case, sees_whole_case
from integrering.audit.services import AccessContext
from integrering.ui.forms import form_add_service_errors
from integrering.ui.paging import PAGE_PARAM, page_number

from . import selectors
from .forms import HouseholdFilterForm, PersonEditForm, PersonSearchForm
from .services import PERSON_FIELDS, person_update

IMPORT_PARAM = "import"


@require_GET
@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = selectors.persons_page(
        ctx=AccessContext.from_request(request),
        query=query,
        page=page_number(request.GET.get(PAGE_PARAM)),
        only=selectors.PERSON_ROW_FIELDS,
    )
    context = {
        "form": form,
        "page": page,
        "query": query,
        "may_register": may_edit_case(request.user),
    }
    template = (
        "people/_person_results.html"
        if request.headers.get("HX-Request")
        else "people/person_list.html"
    )
    return render(request, template, context)


@require_GET
@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    """The households the user reaches, searched by number or a member's name and filtered by
    settlement and contact person, 50 to a page."""
    form = HouseholdFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    query = filters.get("q", "")
    # ``?import=<id>``: the households of one import (its page links here); an id the user may
    # not follow, or not a number, shows none rather than all.
    raw_import = request.GET.get(IMPORT_PARAM)
    import_id = (
        None
        if raw_import is None
        else (int(raw_import) if raw_import.isascii() and raw_import.isdigit() else 0)
    )
    page = selectors.households_page(
        ctx=AccessContext.from_request(request),
        query=query,
        settled=filters.get("settled", ""),
        caseworker_id=request.user.pk if filters.get("mine") else None,
        import_id=import_id,
        page=page_number(request.GET.get(PAGE_PARAM)),
    )
    imported = (
        None
        if import_id is None
        else selectors.household_import_shown(user=request.user, import_id=import_id)
    )
    context = {
        "form": form,
        "page": page,
        "query": query,
        "filtered": any(filters.values()) or import_id is not None,
        "import_id": import_id,
        "imported": imported,
    }
    return render(request, "people/household_list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    ctx = AccessContext.from_request(request)
    person = selectors.person_get(ctx=ctx, person_id=person_id, edit=True)
    status = 200
    if request.method == "POST":
        form = PersonEditForm(request.POST)
        if form.is_valid():
            try:
                person_update(
                    ctx=ctx,
                    person=person,
                    data=form.to_input(),
                    version=form.cleaned_data["version"],
                )
            except ValidationError as exc:
                status = form_add_service_errors(form, exc)
            else:
                messages.success(request, "Endringene er lagret.")
                return redirect("casework:person-detail", person_id=person.pk)
        else:
            status = 422
    else:
        initial = {name: getattr(person, name) for name in PERSON_FIELDS}
        initial["identity_number"] = person.identity_number or ""
        initial["duf_number"] = person.duf_number or ""
        form = PersonEditForm(initial={**initial, "version": person.version})
    return render(
        request, "people/person_edit.html", {"form": form, "person": person}, status=status
    )


@require_GET
@login_required
def household_detail(request: HttpRequest, household_id: int) -> HttpResponse:
    household, members = selectors.household_get(
        ctx=AccessContext.from_request(request), household_id=household_id
    )
    whole_case = sees_whole_case(request.user)
    context = {
        "household": household,
        "members": members,
        # A service sees the members whose consent allows it: the others are counted, not shown.
        "hidden_members": 0 if whole_case else household.members.count() - len(members),
        "whole_case": whole_case,
        "may_edit": may_edit_case(request.user),
        "notices": household.notices.prefetch_related("persons") if whole_case else [],
        "meetings": household.meetings.prefetch_related("persons") if whole_case else [],
        "today": timezone.localdate(),
    }
    return render(request, "people/household_detail.html", context)
