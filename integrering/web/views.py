"""Login, logout and the start page for each role."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from integrering.accounts import lockout
from integrering.accounts.access import administrator_require
from integrering.accounts.http import AuthenticatedRequest
from integrering.accounts.roles import MUNICIPAL_SERVICE_ROLES, Role
from integrering.audit.services import AccessContext
from integrering.casework.selectors import deadline_counts, notices_for
from integrering.news.selectors import news_for_user
from integrering.programme.selectors import appeals_returned_listed, programme_counts
from integrering.settlement.services.request_answers import leader_requests
from integrering.surveys.services.capacity import open_rounds_for_leader

from . import selectors


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico when a document they show (a PDF inline) names no icon."""
    return redirect(static("web/favicon.svg"), permanent=True)


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


@require_GET
@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    """One page, with a section for each role the user has."""
    user = request.user
    context: dict[str, object] = {"role_labels": user.role_labels, "news": news_for_user(user)}
    if user.has_role(*MUNICIPAL_SERVICE_ROLES, Role.MUNICIPAL_LEADER):
        context["caseload"] = selectors.caseload_summary(user)
        context["is_caseworker"] = user.has_role(*MUNICIPAL_SERVICE_ROLES)
        context["is_leader"] = user.has_role(Role.MUNICIPAL_LEADER)
        context["deadline_counts"] = deadline_counts(user)
        context["new_notices"] = notices_for(user).count()
        context["programme"] = programme_counts(user)
        context["returned_appeals"] = appeals_returned_listed(
            ctx=AccessContext.from_request(request)
        )
        context["today"] = timezone.localdate()
        context["capacity_rounds"] = open_rounds_for_leader(user)
        context["settlement_requests"] = leader_requests(user)
    if (
        user.has_role(Role.COUNTY_GOVERNOR_OFFICER)
        and user.organisation
        and user.organisation.county_governor
    ):
        context["governor"] = user.organisation.county_governor
        context["programme"] = programme_counts(user)
        context["governor_counties"] = selectors.county_governor_area(
            user.organisation.county_governor
        )
    if user.has_role(Role.SETTLEMENT_PLANNER, Role.ANALYST):
        context["counties"] = selectors.counties_in_force()
        context["is_planner"] = user.has_role(Role.SETTLEMENT_PLANNER)
        context["is_analyst"] = user.has_role(Role.ANALYST)
    if user.has_role(Role.ADMINISTRATOR):
        context["users_by_kind"] = selectors.users_by_organisation_kind()
    return render(request, "web/home.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def login_locks(request: AuthenticatedRequest) -> HttpResponse:
    """The login locks and delays now, for administrators, who lift them (issue 25)."""
    administrator_require(request.user)
    if request.method == "POST":
        lock = request.POST.get("lock", "")
        username = request.POST.get("username", "").strip()
        lifted = lockout.login_lock_lift(
            user=request.user,
            lock_id=int(lock) if lock.isdigit() and len(lock) < 19 else None,
            username=username,
        )
        messages.success(
            request, "Sperren er opphevet." if lifted else "Fant ingen sperre å oppheve."
        )
        return redirect("web:login-locks")
    context = {
        "locks": lockout.login_locks(user=request.user),
        "delays": lockout.login_delays(user=request.user),
        "failure_limit": lockout.failure_limit(),
        "cool_off_minutes": int(lockout.cool_off().total_seconds() // 60),
        "delay_max": lockout.DELAY_MAX_SECONDS,
    }
    return render(request, "web/login_locks.html", context)
