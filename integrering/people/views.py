"""Person and household pages. Every read goes through the selectors, which audit it."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from integrering.audit.services import AccessContext

from . import selectors


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label="Søk på navn, fødselsnummer eller husstandsnummer", required=False, max_length=100
    )


@require_GET
@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    persons = selectors.persons_search(ctx=AccessContext.from_request(request), query=query)
    context = {"form": form, "persons": persons, "query": query}
    template = (
        "people/_person_results.html"
        if request.headers.get("HX-Request")
        else "people/person_list.html"
    )
    return render(request, template, context)


@require_GET
@login_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get(ctx=AccessContext.from_request(request), person_id=person_id)
    return render(request, "people/person_detail.html", {"person": person})


@require_GET
@login_required
def household_detail(request: HttpRequest, household_id: int) -> HttpResponse:
    household, members = selectors.household_get(
        ctx=AccessContext.from_request(request), household_id=household_id
    )
    return render(
        request, "people/household_detail.html", {"household": household, "members": members}
    )
