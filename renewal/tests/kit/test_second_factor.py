"""The second factor: who must use it, the hold after the password, binding with a real TOTP
code, recovery codes, wrong codes and throttling, and the administrator's reset."""

import datetime
import re
from base64 import b32encode
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from renewal.kit import second_factor
from renewal.models import Profile, SecurityEvent
from tests.fixtures import PASSWORD

pytestmark = pytest.mark.django_db
REQUIRED = ["admin", "county_reviewer", "discipline_officer", "signoff"]


@pytest.fixture(autouse=True)
def production_policy(settings):
    """The production default (the rest of the suite runs with nobody required)."""
    settings.TWO_FACTOR_REQUIRED_ROLES = REQUIRED
    settings.TWO_FACTOR_FOR_SUPERUSERS = True


def code_for(device, *, steps_ahead=0) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, drift=steps_ahead):06d}"


def wrong_code_for(device) -> str:
    right = {code_for(device, steps_ahead=s) for s in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


def sign_in(client, username, next_url=None):
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post("/login/", data)
    assert response.status_code == 302, "the password step failed"
    return response


def bind(user):
    """A user who bound an authenticator earlier: its device and recovery codes."""
    device = TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=True)
    codes = second_factor._new_recovery_codes(user)
    return device, codes


def unthrottle(device):
    """As if the wait after a wrong code had passed."""
    type(device).objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - datetime.timedelta(hours=1)
    )


def events(kind, user):
    return SecurityEvent.objects.filter(kind=kind, user=user)


# --- Who must use it -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "signoff", "roles", "required"),
    [
        ("reviewer", "", REQUIRED, True),  # the county's reviewers
        ("discipline", "", REQUIRED, True),  # discipline officers
        ("admin", "", [], True),  # a superuser, whatever the setting says
        ("staff_a", "", REQUIRED, False),  # township staff are not required
        ("leader_a", "minister", REQUIRED, True),  # 双签: whoever signs the filing
        ("leader_a", "minister", ["county_reviewer"], False),  # ... unless signoff is left out
        ("dept", "", REQUIRED, False),
        ("reviewer", "", ["township_staff"], False),
    ],
)
def test_who_must_use_it(settings, personas, persona, signoff, roles, required):
    settings.TWO_FACTOR_REQUIRED_ROLES = roles
    Profile.objects.filter(user=personas[persona]).update(signoff=signoff)
    user = get_user_model().objects.get(pk=personas[persona].pk)
    assert second_factor.required_for(user) is required


# --- The hold after the password -----------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "htmx"),
    [("/", False), ("/units/", False), ("/candidates/", False), ("/units/", True)],
)
def test_a_required_role_is_held_until_verified(client, personas, world, path, htmx):
    reviewer = personas["reviewer"]
    sign_in(client, "reviewer")
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}

    # Not bound yet: the binding page, keeping where the user was going.
    response = client.get(path, **headers)
    if htmx:  # a fragment must not be swapped in: htmx loads the page instead
        assert response.status_code == 403
        assert response["HX-Redirect"] == "/account/second-factor/"
    else:
        assert response.status_code == 302
        assert response["Location"] == f"/account/second-factor/?next={quote(path, safe='')}"

    # Bound: the code page.
    device, _codes = bind(reviewer)
    response = client.get(path, **headers)
    if htmx:
        assert response.status_code == 403
        assert response["HX-Redirect"] == "/account/second-factor/verify/"
    else:
        assert response["Location"] == (
            f"/account/second-factor/verify/?next={quote(path, safe='')}"
        )
        # The binding page is closed now that there is something to verify.
        assert client.get("/account/second-factor/")["Location"].startswith(
            "/account/second-factor/verify/"
        )

    # Not the password page: a stolen password alone must not change the password.
    assert client.get("/account/password/")["Location"].startswith("/account/second-factor/verify/")

    response = client.post("/account/second-factor/verify/", {"code": code_for(device)})
    assert response.status_code == 302
    assert client.get(path, **headers).status_code == 200


def test_an_action_posted_while_held_is_not_carried_out(client, personas, world):
    sign_in(client, "reviewer")
    response = client.post(f"/units/{world['unit_a1'].pk}/risks/", {"description": "x"})
    assert response["Location"] == "/account/second-factor/"
    assert client.post("/logout/").status_code == 302


# --- Binding -------------------------------------------------------------------------------


def test_binding_with_a_code_from_the_app(client, personas, world):
    reviewer = personas["reviewer"]
    response = sign_in(client, "reviewer", next_url="/units/")
    response = client.get(response["Location"], follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/account/second-factor/?next=%2Funits%2F"
    assert "能生成 6 位动态口令的均可" in page
    assert "<svg" in page and "<script" not in page.split('id="main"')[1]

    device = TOTPDevice.objects.get(user=reviewer, confirmed=False)
    secret = re.search(r'id="otp-secret">([A-Z2-7 ]+)<', page).group(1)
    assert secret.replace(" ", "") == b32encode(device.bin_key).decode()
    assert all(len(group) == 4 for group in secret.split(" "))
    # Reloading shows the same secret (the app has it already).
    assert secret in client.get("/account/second-factor/").content.decode()

    response = client.post(
        "/account/second-factor/", {"code": wrong_code_for(device), "next": "/units/"}
    )
    assert response.status_code == 200
    assert "验证码不正确" in response.content.decode()
    assert events(SecurityEvent.Kind.OTP_FAILED, reviewer).get().detail == {"step": "enrol"}
    assert not TOTPDevice.objects.filter(user=reviewer, confirmed=True).exists()

    unthrottle(device)
    response = client.post("/account/second-factor/", {"code": code_for(device), "next": "/units/"})
    page = response.content.decode()
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", page)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert 'href="/units/"' in page  # on to where the user was going
    assert TOTPDevice.objects.get(user=reviewer).confirmed
    assert events(SecurityEvent.Kind.OTP_ENROLLED, reviewer).count() == 1

    # The session is verified; the account page now shows what is bound, not the codes.
    assert client.get("/units/").status_code == 200
    page = client.get("/account/second-factor/").content.decode()
    assert "已绑定身份验证器" in page and codes[0] not in page


def test_an_unsafe_next_goes_home(client, personas):
    device, _codes = bind(personas["reviewer"])
    sign_in(client, "reviewer")
    response = client.post(
        "/account/second-factor/verify/",
        {"code": code_for(device), "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


# --- Signing in with a code ---------------------------------------------------------------


def test_wrong_code_is_refused_recorded_and_throttled(client, personas):
    reviewer = personas["reviewer"]
    device, _codes = bind(reviewer)
    sign_in(client, "reviewer", next_url="/units/")

    response = client.post(
        "/account/second-factor/verify/", {"code": wrong_code_for(device), "next": "/units/"}
    )
    assert response.status_code == 200
    assert "验证码不正确或已使用过" in response.content.decode()
    assert events(SecurityEvent.Kind.OTP_FAILED, reviewer).count() == 1

    # Straight after a wrong code even the right one waits (django-otp's throttling).
    response = client.post("/account/second-factor/verify/", {"code": code_for(device)})
    assert "错误次数过多" in response.content.decode()
    assert events(SecurityEvent.Kind.OTP_FAILED, reviewer).count() == 2
    assert client.get("/units/").status_code == 302

    for bad in ("", "12345", "abcdefgh", "1234567"):
        response = client.post("/account/second-factor/verify/", {"code": bad})
        assert response.status_code == 200 and "errorlist" in response.content.decode()

    unthrottle(device)
    code = code_for(device)
    response = client.post("/account/second-factor/verify/", {"code": code, "next": "/units/"})
    assert response["Location"] == "/units/"
    assert client.get("/units/").status_code == 200

    # The same code does not open a second session.
    other = client.__class__()
    sign_in(other, "reviewer")
    response = other.post("/account/second-factor/verify/", {"code": code})
    assert "验证码不正确或已使用过" in response.content.decode()


def test_a_recovery_code_works_once(client, personas):
    reviewer = personas["reviewer"]
    _device, codes = bind(reviewer)
    sign_in(client, "reviewer")
    typed = second_factor.format_recovery_code(codes[3]).upper()  # as printed, in capitals
    response = client.post("/account/second-factor/verify/", {"code": typed}, follow=True)
    assert response.status_code == 200
    assert "还剩 9 个" in response.content.decode()
    event = events(SecurityEvent.Kind.OTP_RECOVERY_USED, reviewer).get()
    assert event.detail == {"remaining": 9}
    assert not StaticToken.objects.filter(token=codes[3]).exists()

    other = client.__class__()
    sign_in(other, "reviewer")
    response = other.post("/account/second-factor/verify/", {"code": typed})
    assert "验证码不正确或已使用过" in response.content.decode()
    assert events(SecurityEvent.Kind.OTP_FAILED, reviewer).count() == 1


def test_new_recovery_codes_need_a_fresh_code(client, personas):
    reviewer = personas["reviewer"]
    device, old = bind(reviewer)
    sign_in(client, "reviewer")
    client.post("/account/second-factor/verify/", {"code": old[0]})

    response = client.post("/account/second-factor/recovery-codes/", {"code": "12"})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert StaticToken.objects.filter(device__user=reviewer).count() == 9

    response = client.post("/account/second-factor/recovery-codes/", {"code": code_for(device)})
    new = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", response.content.decode())
    assert len(new) == 10
    tokens = set(StaticToken.objects.filter(device__user=reviewer).values_list("token", flat=True))
    assert tokens == {c.replace("-", "") for c in new}
    assert not tokens & set(old)
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.OTP_RECOVERY_RENEWED, user=reviewer
    ).exists()


# --- Township staff, voluntarily -----------------------------------------------------------


def test_township_staff_are_not_held_but_may_bind_of_their_own_accord(client, personas, world):
    staff = personas["staff_a"]
    sign_in(client, "staff_a")
    assert client.get("/units/").status_code == 200
    page = client.get("/account/second-factor/").content.decode()
    assert "须使用动态口令" not in page

    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    client.post("/account/second-factor/", {"code": code_for(device)})
    assert TOTPDevice.objects.get(user=staff).confirmed

    # Once bound, her next sign-in asks for it too.
    other = client.__class__()
    sign_in(other, "staff_a")
    assert other.get("/units/")["Location"].startswith("/account/second-factor/verify/")


# --- The administrator's reset -------------------------------------------------------------


def test_admin_resets_a_users_second_factor(client, personas):
    admin, reviewer = personas["admin"], personas["reviewer"]
    admin_device, _ = bind(admin)
    bind(reviewer)
    reviewer_client = client.__class__()
    sign_in(reviewer_client, "reviewer")
    assert reviewer_client.get("/")["Location"].startswith("/account/second-factor/verify/")

    sign_in(client, "admin")
    client.post("/account/second-factor/verify/", {"code": code_for(admin_device)})
    listing = client.get("/admin/auth/user/?otp=yes").content.decode()
    assert "reviewer" in listing and "staff_a" not in listing
    assert "staff_a" in client.get("/admin/auth/user/?otp=no").content.decode()

    response = client.post(
        "/admin/auth/user/",
        {"action": "reset_second_factor", "_selected_action": [reviewer.pk]},
        follow=True,
    )
    assert "已重置 1 名用户的动态口令" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    assert not StaticToken.objects.filter(device__user=reviewer).exists()
    event = events(SecurityEvent.Kind.OTP_RESET, reviewer).get()
    assert event.actor == admin
    # The user binds again: the next page is the binding page, not the code page.
    assert reviewer_client.get("/")["Location"].startswith("/account/second-factor/?")
    # The admin's own device is untouched.
    assert TOTPDevice.objects.filter(user=admin).exists()


def test_a_misspelt_role_is_refused_at_start(settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["county_reviewer", "county_reveiwer"]
    errors = second_factor.check_required_roles()
    assert [e.id for e in errors] == ["renewal.E001"]
    assert "county_reveiwer" in errors[0].msg
    settings.TWO_FACTOR_REQUIRED_ROLES = REQUIRED
    assert second_factor.check_required_roles() == []


def test_a_marked_password_is_changed_after_the_code(client, personas):
    """A reviewer whose password the administrator marked gives the code first, then changes it."""
    reviewer = personas["reviewer"]
    Profile.objects.filter(user=reviewer).update(must_change_password=True)
    device, _codes = bind(reviewer)
    sign_in(client, "reviewer")
    assert client.get("/units/")["Location"].startswith("/account/second-factor/verify/")
    assert client.get("/account/second-factor/verify/").status_code == 200
    client.post("/account/second-factor/verify/", {"code": code_for(device)})
    assert client.get("/units/")["Location"] == "/account/password/"
    assert client.get("/account/password/").status_code == 200
