"""The JSON API under /api/v1/ (django-ninja), with its OpenAPI schema at /api/v1/openapi.json.

Callers authenticate with ``Authorization: Bearer <token>`` (``integrering token create``) or,
from the browser, with their session. Each app adds its own router here.
"""

from __future__ import annotations

import datetime
import functools
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationErrorContext
from ninja.errors import ValidationError as InputError
from ninja.openapi.schema import OpenAPISchema
from ninja.security import HttpBearer, SessionAuth
from pydantic import BaseModel

from integrering.accounts.services import TokenRejected, token_authenticate
from integrering.concurrency import ConflictError
from integrering.errors import NotFound, messages_capped
from integrering.schemas import ErrorOut, InvalidInputOut, input_error_message
from integrering.validators import date_problem, text_problem

logger = logging.getLogger(__name__)

LOGIN_REQUIRED = "Du må logge inn, eller sende et gyldig token i Authorization: Bearer <token>."
# django-ninja's own answers, in Norwegian like the rest (issue 25).
HTTP_ERRORS = {
    "Cannot parse request body": "Innholdet kan ikke leses: send gyldig JSON.",
    "CSRF check Failed": (
        "CSRF-kontrollen feilet: send CSRF-tokenet fra siden, eller bruk et API-token."
    ),
    "Forbidden": "Du har ikke tilgang til dette.",
    "Too many requests.": "For mange forespørsler; vent litt og prøv igjen.",
}


class BearerToken(HttpBearer):
    openapi_description = "Et API-token fra «integrering token create»."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        try:
            user = token_authenticate(token)
        except TokenRejected as exc:
            raise AuthenticationError(message=str(exc)) from None
        request.user = user
        return user


class ActiveSession(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


class IntegreringAPI(NinjaAPI):
    """The API, whose schema also declares the answers the framework gives on every operation.

    Every operation may answer 401 (no or a bad token); one with parameters or a body 422 when
    they do not validate (django-ninja's list of field errors) or a service refuses them
    (``ErrorOut``); one with a body 400 when it cannot be parsed. The routers declare the rest.
    """

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext]
    ) -> InputError:
        """django-ninja's list of field errors (type, loc, msg), with each ``msg`` in Norwegian."""
        error = super().validation_error_from_error_contexts(error_contexts)
        for item in error.errors:
            item["msg"] = input_error_message(item)
            item.pop("url", None)
        return error

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (ErrorOut, InvalidInputOut):
            model_schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, definition in model_schema.pop("$defs", {}).items():
                components.setdefault(name, definition)
            components.setdefault(model.__name__, model_schema)
        error = {"$ref": "#/components/schemas/ErrorOut"}
        # django-ninja's own answer to input that fails the schema, or a service's refusal.
        invalid = {"anyOf": [error, {"$ref": "#/components/schemas/InvalidInputOut"}]}
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation["responses"]
                framework: dict[int, tuple[str, dict[str, Any]]] = {
                    401: ("Ikke innlogget, eller ugyldig token", error)
                }
                if operation.get("parameters") or "requestBody" in operation:
                    framework[422] = ("Ugyldige inndata", invalid)
                if "requestBody" in operation:
                    framework[400] = (
                        "Innholdet kan ikke leses (ikke gyldig JSON eller skjema)",
                        error,
                    )
                for status, (description, body) in framework.items():
                    response = responses.setdefault(status, {"description": description})
                    if status == 422 or "content" not in response:
                        response["content"] = {"application/json": {"schema": body}}
        return schema


api = IntegreringAPI(
    title="Integrering API",
    version="1",
    description="Bosetting og integrering av flyktninger. Alle beløp er strenger med to desimaler.",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    auth=[BearerToken(), ActiveSession()],
)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = LOGIN_REQUIRED if exc.message == "Unauthorized" else exc.message
    response = api.create_response(request, {"detail": message}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="integrering"'
    return response


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    message = str(exc) or "Finnes ikke, eller du har ikke tilgang."
    return api.create_response(request, {"detail": message}, status=404)


@api.exception_handler(NotFound)
def _domain_not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message}, status=404)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    message = str(exc) or "Du har ikke tilgang til dette."
    return api.create_response(request, {"detail": message}, status=403)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A service refused the input: 422 with every message, by field where there is one.

    A concurrent change (``ConflictError``) is 409: nothing of the other save is lost.
    """
    status = 409 if isinstance(exc, ConflictError) else 422
    found = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    # A file of a million bad rows answers with its first hundred errors and their count.
    errors = {field: messages_capped(messages) for field, messages in found.items()}
    body = {"detail": " ".join(messages_capped(exc.messages)), "errors": errors}
    return api.create_response(request, body, status=status)


@api.exception_handler(MultiPartParserError)
def _unreadable_form(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    """A multipart body that cannot be parsed (no or a bad boundary): 400 in JSON, not Django's page."""
    logger.info("Unreadable multipart body at %s: %s", request.path, exc)
    body = {
        "detail": "Innholdet kan ikke leses som multipart/form-data; sjekk skillelinjen (boundary)."
    }
    return api.create_response(request, body, status=400)


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def _out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A number or a text the database cannot hold (a safety net behind the schemas' bounds).

    SQLite refuses integers beyond 64 bits with OverflowError, PostgreSQL with a DataError; the
    transaction it happened in is rolled back. Either is bad input, not a server error.
    """
    logger.warning("API input out of range at %s: %s", request.path, exc)
    body = {"detail": "Et tall eller en tekst er for stor til å lagres eller søkes etter."}
    return api.create_response(request, body, status=422)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    known = next(
        (text for english, text in HTTP_ERRORS.items() if exc.message.startswith(english)), None
    )
    return api.create_response(request, {"detail": known or exc.message}, status=exc.status_code)


def _hygiene_problems(value: Any, where: str, found: dict[str, list[str]]) -> None:
    """Every text with control characters or direction overrides, and every date before 1900,
    in a validated input (a schema, a list, a value), by field path («members.0.birth_date»)."""
    problem = None
    if isinstance(value, str):
        problem = text_problem(value)
    elif isinstance(value, datetime.date):
        problem = date_problem(value)
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            _hygiene_problems(getattr(value, name), f"{where}.{name}" if where else name, found)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _hygiene_problems(item, f"{where}.{index}" if where else str(index), found)
    elif isinstance(value, dict):
        for key, item in value.items():
            _hygiene_problems(item, f"{where}.{key}" if where else str(key), found)
    if problem:
        found.setdefault(where or "__all__", []).append(problem)


def _input_hygiene(view: Callable[..., Any]) -> Callable[..., Any]:
    """Every operation, after its input validated: no text with control characters or direction
    overrides, no date before 1900 (422 by field, as a service's refusal), whatever the schema
    (issue 25; the forms check the same, ``ui.forms``). A person's names are checked more
    strictly by the registry's own service."""

    @functools.wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        found: dict[str, list[str]] = {}
        for name, value in kwargs.items():
            # A schema's fields are named on their own, as the services name them.
            _hygiene_problems(value, "" if isinstance(value, BaseModel) else name, found)
        if found:
            raise ValidationError(found)
        return view(request, *args, **kwargs)

    return checked


api.add_decorator(_input_hygiene)


def _register_routers() -> None:
    from integrering.accounts.api import router as accounts_router
    from integrering.casework.api import router as casework_router
    from integrering.casework.api.disability_grant import (
        municipality_router as disability_grant_municipality_router,
    )
    from integrering.casework.api.disability_grant import router as disability_grant_router
    from integrering.casework.api.household_import import router as imports_router
    from integrering.casework.api.mapping import router as mapping_router
    from integrering.casework.api.plan import router as plan_router
    from integrering.casework.api.practice import router as practice_router
    from integrering.casework.api.reception import router as reception_router
    from integrering.finance.api import router as finance_router
    from integrering.finance.api.establishment import router as establishment_router
    from integrering.news.api import router as news_router
    from integrering.people.api import household_router
    from integrering.people.api import router as people_router
    from integrering.programme.api.benefit import router as benefit_router
    from integrering.programme.api.decisions import router as decisions_router
    from integrering.programme.api.grants import register_router
    from integrering.programme.api.grants import router as grants_router
    from integrering.programme.api.norwegian_training import router as norwegian_router
    from integrering.programme.api.packages import router as packages_router
    from integrering.programme.api.programme import router as programme_router
    from integrering.rules.api import router as rules_router
    from integrering.settlement.api.matching import router as settlement_matching_router
    from integrering.settlement.api.planning import router as settlement_planning_router
    from integrering.settlement.api.requests import router as settlement_requests_router
    from integrering.settlement.api.waiting import router as settlement_waiting_router
    from integrering.surveys.api.capacity import router as capacity_router
    from integrering.surveys.api.results import router as survey_results_router
    from integrering.surveys.api.surveys import router as surveys_router

    api.add_router("/", accounts_router)
    api.add_router("/persons/", people_router)
    api.add_router("/persons/", practice_router)
    api.add_router("/persons/", plan_router)
    api.add_router("/persons/", mapping_router)
    api.add_router("/persons/", disability_grant_router)
    api.add_router("/persons/", norwegian_router)
    api.add_router("/disability-grant-applications/", disability_grant_municipality_router)
    api.add_router("/households/", reception_router)
    api.add_router("/households/", household_router)
    api.add_router("/households/", establishment_router)
    api.add_router("/household-imports/", imports_router)
    api.add_router("/", casework_router)
    api.add_router("/rules/", rules_router)
    api.add_router("/", decisions_router)
    api.add_router("/benefit-runs/", benefit_router)
    api.add_router("/grant-claims/", grants_router)
    api.add_router("/introduction-register/", register_router)
    api.add_router("/integration-package-reports/", packages_router)
    api.add_router("/programmes/", programme_router)
    api.add_router("/settlement/", settlement_planning_router)
    api.add_router("/settlement/", settlement_requests_router)
    api.add_router("/settlement/", settlement_matching_router)
    api.add_router("/settlement/", settlement_waiting_router)
    api.add_router("/capacity/", capacity_router)
    api.add_router("/surveys/", surveys_router)
    api.add_router("/surveys/", survey_results_router)
    api.add_router("/finance/", finance_router)
    api.add_router("/news/", news_router)


_register_routers()
