"""Signing out a session nobody has used for ``SESSION_IDLE_MINUTES`` (等保 2.0: 登录连接超时).

The session keeps the time of the user's last request. A request that comes later than the
idle time after it logs the user out and sends them to the login page, which brings them
back to where they were once they sign in again. Background polls (an export's progress,
an import's) say so with an ``X-Background`` header and do not count as use. The page
warns ``SESSION_IDLE_WARNING_MINUTES`` before (static/js/idle.js); its "继续工作" button
posts to the keep-alive address, which is an ordinary request and so counts as use.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from renewal.kit import security_log
from renewal.models import SecurityEvent

SESSION_KEY = "last_activity"
BACKGROUND_HEADER = "X-Background"


def duration_text(seconds: int) -> str:
    return f"{seconds // 60} 分钟" if seconds % 60 == 0 else f"{seconds} 秒"


def slack(idle: int) -> float:
    """How stale the recorded time may be: it is written at most this often (a session save
    on every request of a busy page would cost a write each time for nothing that matters)."""
    return min(60, idle / 10)


def seconds_left(request) -> int:
    """What remains of the idle time as the server counts it (for the page's warning)."""
    idle = settings.SESSION_IDLE_SECONDS
    last = request.session.get(SESSION_KEY, time.time())
    return max(0, int(idle - (time.time() - last)))


def on_logged_in(sender, request, user, **kwargs):
    """Signing in is use: stamped then, so the first page after it need not save the session."""
    if getattr(request, "session", None) is not None:
        request.session[SESSION_KEY] = time.time()


def is_background(request) -> bool:
    return request.headers.get(BACKGROUND_HEADER) == "1"


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        idle = settings.SESSION_IDLE_SECONDS
        now = time.time()
        last = request.session.get(SESSION_KEY)
        if last is not None and now - last > idle:
            return self._sign_out(request, user, now - last)
        if not is_background(request) and (last is None or now - last >= slack(idle)):
            request.session[SESSION_KEY] = now
        return self.get_response(request)

    def _sign_out(self, request, user, idle_for):
        request.idle_logout = True
        security_log.record(
            SecurityEvent.Kind.IDLE_LOGOUT, request=request, user=user, idle_seconds=int(idle_for)
        )
        logout(request)
        messages.warning(
            request,
            f"由于 {duration_text(settings.SESSION_IDLE_SECONDS)}未操作，已自动退出，请重新登录。",
        )
        htmx = request.headers.get("HX-Request") == "true"
        # A fragment would land inside the page: an htmx request sends the whole page to the
        # login form, and back to the page it came from.
        back = request.headers.get("HX-Current-URL", "") if htmx else ""
        if not htmx and request.method == "GET":
            back = request.get_full_path()
        url = reverse(settings.LOGIN_URL)
        if back:
            url += "?" + urlencode({"next": _local(back)})
        if htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)


def _local(url: str) -> str:
    """Only the path and query of a full address (the login view refuses other hosts anyway)."""
    if "://" in url:
        rest = url.split("://", 1)[1]
        return "/" + rest.split("/", 1)[1] if "/" in rest else "/"
    return url


@login_required
@require_POST
def keep_alive(request):
    """The warning's "继续工作": nothing to do but be a request (the middleware notes it)."""
    request.session[SESSION_KEY] = time.time()
    return HttpResponse(status=204)
