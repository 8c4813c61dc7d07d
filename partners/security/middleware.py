"""Security middleware (order in config/settings/base.py MIDDLEWARE):

- SecurityHeadersMiddleware: no response is cached (`Cache-Control: no-store`: pages and API
  answers show personal data), and a Permissions-Policy. The CSP comes from django-csp, HSTS,
  nosniff, the referrer policy and COOP from Django's SecurityMiddleware, frame denial from
  XFrameOptionsMiddleware and the CSP's frame-ancestors. Static files are served above it by
  WhiteNoise and keep their long cache lifetime.
- SessionPolicyMiddleware: ends a session that was signed out everywhere, idle too long or
  alive too long (sessions.py) before any view runs.
- TwoStepRequiredMiddleware: a signed-in person who must use two-step verification and has not
  given a code in this session reaches nothing but the code page (or the set-up page) and
  signing out.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django_htmx.http import HttpResponseClientRedirect

from partners.security import mfa
from partners.security.sessions import session_check

API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_never_cache_headers(response)
        response.headers.setdefault("Permissions-Policy", settings.SHAREWELL_PERMISSIONS_POLICY)
        return response


class SessionPolicyMiddleware:
    """After ActiveMembershipMiddleware, whose partnership sets the idle timeout. A session that
    must end is signed out and the request goes no further: a page sends the person to sign in
    (and back afterwards), the API answers 401."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            reason = session_check(request)
            if reason:
                logout(request)
                return _signed_out_response(request, reason)
        return self.get_response(request)


def _signed_out_response(request: HttpRequest, reason: str) -> HttpResponse:
    if _is_api(request):
        body = {
            "type": "client_error",
            "errors": [{"code": "not_authenticated", "detail": reason, "attr": None}],
        }
        response = JsonResponse(body, status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response
    messages.info(request, reason)
    if getattr(request, "htmx", False):
        # An htmx request (a poll, a search as you type) sends the whole page to sign in,
        # instead of swapping the sign-in page into a fragment.
        return HttpResponseClientRedirect(redirect_to_login(request.get_full_path())["Location"])
    return redirect_to_login(request.get_full_path())


# URL names a person who still owes a code may reach.
TWO_STEP_EXEMPT = frozenset(
    {
        "security_two_step_setup",
        "security_two_step_verify",
        "logout",
        "login",
        "healthz",
    }
)
TWO_STEP_API_DETAIL = (
    "Finish signing in: give the code from your authenticator app in the browser, or use an "
    "API token."
)


class TwoStepRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or mfa.is_verified(request):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in TWO_STEP_EXEMPT:
            return None
        if not mfa.two_step_required(user):
            return None
        if _is_api(request):
            body = {
                "type": "client_error",
                "errors": [
                    {"code": "permission_denied", "detail": TWO_STEP_API_DETAIL, "attr": None}
                ],
            }
            return JsonResponse(body, status=403)
        target = (
            "security_two_step_verify" if mfa.has_authenticator(user) else "security_two_step_setup"
        )
        url = reverse(target)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)
