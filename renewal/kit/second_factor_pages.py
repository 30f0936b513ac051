"""The second factor's pages: binding an authenticator app (and the account page once bound),
entering a code after the password, new recovery codes. The rules are in
``renewal.kit.second_factor``."""

from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from renewal.forms import SecondFactorCodeForm
from renewal.kit import second_factor as sf


def _next(request) -> str:
    return sf.safe_next(request, request.POST.get("next") or request.GET.get("next"))


def _codes_page(request, codes, *, first_time: bool):
    return render(
        request,
        "renewal/second_factor_codes.html",
        {
            "codes": [sf.format_recovery_code(c) for c in codes],
            "first_time": first_time,
            "next": _next(request),
        },
    )


@login_required
def account(request):
    """Not bound yet: the QR code, the secret and the code that confirms them. Bound: what is
    bound, and new recovery codes for a fresh code."""
    user = request.user
    if sf.is_enrolled(user):
        return _enrolled_page(request, SecondFactorCodeForm())
    device = sf.second_factor_pending_device(user=user)
    form = SecondFactorCodeForm(request.POST or None)
    if form.is_valid():
        try:
            codes = sf.second_factor_enrol(
                request=request, user=user, code=form.cleaned_data["code"]
            )
        except sf.CodeRefused as exc:
            form.add_error("code", str(exc))
        else:
            return _codes_page(request, codes, first_time=True)
    secret = b32encode(device.bin_key).decode()
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "renewal/second_factor.html",
        {
            "enrolled": False,
            "form": form,
            # segno writes the SVG from the otpauth address alone: nothing the user typed.
            "qr_svg": mark_safe(qr.svg_inline(scale=5, border=4, dark="#000", light="#fff")),
            "secret": sf.format_secret(secret),
            "required": sf.required_for(user),
            "next": _next(request),
        },
    )


@login_required
def verify(request):
    """The step after the password for whoever has bound a second factor."""
    user = request.user
    if not sf.is_enrolled(user):
        return redirect("renewal:second-factor")
    if user.is_verified():
        return redirect(_next(request))
    form = SecondFactorCodeForm(request.POST or None)
    if form.is_valid():
        try:
            method = sf.second_factor_verify(
                request=request, user=user, code=form.cleaned_data["code"]
            )
        except sf.CodeRefused as exc:
            form.add_error("code", str(exc))
        else:
            if method == "recovery":
                left = sf.recovery_codes_left(user)
                messages.warning(
                    request,
                    f"您使用了一个备用验证码，还剩 {left} 个。"
                    "如手机丢失或更换，请联系系统管理员重置动态口令；"
                    "也可以在“动态口令”页面重新生成备用验证码。",
                )
            return redirect(_next(request))
    return render(
        request, "renewal/second_factor_verify.html", {"form": form, "next": _next(request)}
    )


@login_required
@require_POST
def recovery_codes(request):
    """New recovery codes (the old ones stop working) for a fresh code from the app."""
    user = request.user
    if not sf.is_enrolled(user):
        return redirect("renewal:second-factor")
    form = SecondFactorCodeForm(request.POST)
    if form.is_valid():
        try:
            codes = sf.second_factor_new_recovery_codes(
                request=request, user=user, code=form.cleaned_data["code"]
            )
        except sf.CodeRefused as exc:
            form.add_error("code", str(exc))
        else:
            return _codes_page(request, codes, first_time=False)
    return _enrolled_page(request, form)


def _enrolled_page(request, form):
    """What is bound, and the form for new recovery codes."""
    user = request.user
    return render(
        request,
        "renewal/second_factor.html",
        {
            "enrolled": True,
            "form": form,
            "codes_left": sf.recovery_codes_left(user),
            "required": sf.required_for(user),
        },
    )
