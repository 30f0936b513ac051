"""The second factor (等保 2.0 level 3: two kinds of proof for the accounts that matter).

Who must use it is ``required_for(user)``: superusers (``TWO_FACTOR_FOR_SUPERUSERS``, on in
every deployment), and the roles listed in
``settings.TWO_FACTOR_REQUIRED_ROLES`` (Profile.Role values, plus ``signoff`` for anyone who
signs the 双签 filing). Someone who has bound a second factor of their own accord is asked for
it too, or binding it would protect nothing.

How someone proves it is ``METHODS``: each method checks one kind of proof and returns the
django-otp device that accepted it. Today there are two: the code of an authenticator app
(TOTP, RFC 6238) and a one-time recovery code. A government USB key (UKey) or a client
certificate checked by the proxy in front would be one more entry here, with its own device
model; its ``verify`` reads the request (the certificate the proxy passed on, the key's signed
challenge) instead of a typed code, and the middleware, the sign-in page and the admin reset
need no change.

The middleware holds a signed-in user who must use it, and has not yet in this session, on
binding (first time) or entering a code, and logging out; a password the administrator marked
for change is changed after the code.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core import checks
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from renewal.kit import security_log
from renewal.models import SecurityEvent

SIGNOFF = "signoff"
RECOVERY_CODE_COUNT = 10
TOTP_NAME = "身份验证器"
RECOVERY_NAME = "备用验证码"


class CodeRefused(Exception):
    """A code that was not accepted; the message is the one the user sees."""


# --- Who must use it -------------------------------------------------------------------------


def required_for(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser and settings.TWO_FACTOR_FOR_SUPERUSERS:
        return True
    roles = set(settings.TWO_FACTOR_REQUIRED_ROLES)
    profile = getattr(user, "profile", None)
    if profile is None:
        return False
    return profile.role in roles or (SIGNOFF in roles and bool(profile.signoff))


def check_required_roles(app_configs=None, **kwargs):
    """A misspelt role in TWO_FACTOR_REQUIRED_ROLES would silently spare that role: refuse it."""
    from renewal.models import Profile

    known = set(Profile.Role.values) | {SIGNOFF}
    unknown = sorted(set(settings.TWO_FACTOR_REQUIRED_ROLES) - known)
    if not unknown:
        return []
    return [
        checks.Error(
            f"TWO_FACTOR_REQUIRED_ROLES 中有未知的角色：{', '.join(unknown)}",
            hint=f"可用的角色：{', '.join(sorted(known))}",
            id="renewal.E001",
        )
    ]


def register_checks() -> None:
    checks.register(check_required_roles, checks.Tags.security)


def is_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def must_verify(user) -> bool:
    """Signed in, and must give a second proof before going on in this session."""
    if not user.is_authenticated or user.is_verified():
        return False
    return required_for(user) or is_enrolled(user)


# --- How it is proved --------------------------------------------------------------------------


@dataclass(frozen=True)
class Method:
    """One kind of proof. ``accepts`` says whether the typed value looks like it (so a wrong
    code is tried on one method only and counted once); ``devices`` lists the user's confirmed
    devices of this kind."""

    key: str
    label: str
    accepts: Callable[[str], bool]
    devices: Callable[[object], object]
    normalise: Callable[[str], str] = str


def _totp_devices(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True)


def _static_devices(user):
    return StaticDevice.objects.filter(user=user, confirmed=True)


def _normalise_recovery(value: str) -> str:
    return re.sub(r"[\s-]", "", value).lower()


METHODS = [
    Method(
        key="totp",
        label="身份验证器应用中的 6 位动态口令",
        accepts=lambda value: bool(re.fullmatch(r"\d{6}", value)),
        devices=_totp_devices,
    ),
    Method(
        key="recovery",
        label="备用验证码",
        accepts=lambda value: bool(re.fullmatch(r"[a-z2-7]{8}", _normalise_recovery(value))),
        devices=_static_devices,
        normalise=_normalise_recovery,
    ),
]


def _verify_on(devices, token: str):
    """The first of `devices` that accepts the token (locked while it is checked, so that a
    code is used once), or None; django-otp's throttling counts the failures and, after a few,
    refuses even a right code for a while (CodeRefused says how long)."""
    with transaction.atomic():
        for device in devices.select_for_update():
            allowed, data = device.verify_is_allowed()
            if not allowed:
                wait = math.ceil((data["locked_until"] - timezone.now()).total_seconds())
                raise CodeRefused(f"错误次数过多，请等待 {max(wait, 1)} 秒后再输入。")
            if device.verify_token(token):
                return device
    return None


def _refused(request, user, exc: CodeRefused | None, message: str, **detail):
    security_log.record(SecurityEvent.Kind.OTP_FAILED, request=request, user=user, **detail)
    return CodeRefused(str(exc) if exc else message)


def _mark_verified(request, device) -> None:
    # A new session key once the second proof is given, as Django does at sign-in.
    request.session.cycle_key()
    otp_login(request, device)


def second_factor_verify(*, request, user, code: str) -> str:
    """Check a typed code against the user's methods; on success mark this session verified and
    return the method's key. A wrong code is recorded and refused with a Chinese message."""
    value, device, method = code.strip(), None, None
    try:
        method = next((m for m in METHODS if m.accepts(value)), None)
        if method is not None:
            device = _verify_on(method.devices(user), method.normalise(value))
    except CodeRefused as exc:
        raise _refused(request, user, exc, "", throttled=True) from None
    if device is None:
        raise _refused(request, user, None, "验证码不正确或已使用过，请重新输入。")
    _mark_verified(request, device)
    if method.key == "recovery":
        security_log.record(
            SecurityEvent.Kind.OTP_RECOVERY_USED,
            request=request,
            user=user,
            remaining=device.token_set.count(),
        )
    return method.key


# --- Binding, recovery codes, reset ------------------------------------------------------------


def second_factor_pending_device(*, user) -> TOTPDevice:
    """The authenticator being bound: the same secret until it is confirmed, so that reloading
    the page does not invalidate what the user has already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def _totp_code(devices, value: str, request, user, message: str, step: str):
    value = value.strip()
    try:
        device = _verify_on(devices, value) if re.fullmatch(r"\d{6}", value) else None
    except CodeRefused as exc:
        raise _refused(request, user, exc, "", step=step, throttled=True) from None
    if device is None:
        raise _refused(request, user, None, message, step=step)
    return device


def second_factor_enrol(*, request, user, code: str) -> list[str]:
    """Confirm the pending authenticator with a code from the app, give the user fresh recovery
    codes (returned, to be shown once) and mark this session verified."""
    device = _totp_code(
        TOTPDevice.objects.filter(user=user, confirmed=False),
        code,
        request,
        user,
        "验证码不正确，请核对手机上显示的 6 位数字后重新输入。",
        "enrol",
    )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
    _mark_verified(request, device)
    security_log.record(SecurityEvent.Kind.OTP_ENROLLED, request=request, user=user)
    return codes


def second_factor_new_recovery_codes(*, request, user, code: str) -> list[str]:
    """Replace the user's recovery codes after a fresh code from their authenticator."""
    _totp_code(
        _totp_devices(user),
        code,
        request,
        user,
        "动态口令不正确，请输入身份验证器应用中当前显示的 6 位数字。",
        "recovery_codes",
    )
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        security_log.record(SecurityEvent.Kind.OTP_RECOVERY_RENEWED, request=request, user=user)
        return codes


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def second_factor_reset(*, request, user, actor) -> None:
    """An administrator removes everything the user bound (a lost or replaced phone); the user
    binds again at the next sign-in. Sessions verified with the old devices lose it."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        security_log.record(SecurityEvent.Kind.OTP_RESET, request=request, user=user, actor=actor)


def format_secret(secret: str) -> str:
    """The base32 secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def format_recovery_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


# --- The hold after the password ---------------------------------------------------------------


def safe_next(request, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse("renewal:home")


class SecondFactorRequiredMiddleware:
    """Holds a signed-in user who must give a second proof on the binding or code page (logging
    out stays open; not the password page: a stolen password must not change the password). A GET keeps its address as ``next``; an htmx
    request gets a 403 that tells htmx to load the page instead of swapping a fragment."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and must_verify(user):
            step = reverse(
                "renewal:second-factor-verify" if is_enrolled(user) else "renewal:second-factor"
            )
            if request.path != step and not always_open(request):
                return hold(request, step, "请先完成动态口令验证。", keep_next=True)
        return self.get_response(request)


def always_open(request) -> bool:
    """Open whatever a user is held for: logging out, and the idle timer's keep-alive (a held
    page is still in use)."""
    return request.path in (reverse("logout"), reverse("renewal:keep-alive"))


def hold(request, step: str, message: str, *, keep_next: bool):
    """Send a held user to ``step``: an htmx request gets a 403 that tells htmx to load the
    page instead of swapping a fragment; a GET may keep its address as ``next``."""
    if request.headers.get("HX-Request"):
        response = HttpResponse(message, status=403)
        response["HX-Redirect"] = step
        return response
    if keep_next and request.method == "GET":
        step += "?" + urlencode({"next": request.get_full_path()})
    return redirect(step)
