"""Failed sign-ins lock the login name, and too many from one address lock the address; while
locked even the right password is refused, with a page saying when to try again; the lock
ends with its window or when an administrator lifts it; everything goes to the security log."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.sites import site
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.utils import timezone

from renewal.admin import RenewalUserAdmin
from renewal.models import SecurityEvent
from tests.fixtures import PASSWORD

pytestmark = pytest.mark.django_db
OFFICE = "10.1.2.3"


def attempt(client, username, password, address=OFFICE):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def kinds(**filters):
    return list(
        SecurityEvent.objects.filter(**filters).order_by("at", "pk").values_list("kind", flat=True)
    )


def test_five_failures_lock_the_name_even_against_the_right_password(client, personas, settings):
    assert settings.LOGIN_FAILURE_LIMIT == 5 and settings.LOGIN_LOCKOUT_MINUTES == 15
    for _ in range(4):
        refused = attempt(client, "staff_a", "wrong-password")
        assert refused.status_code == 200 and "用户名或密码不正确" in refused.content.decode()
    locked = attempt(client, "staff_a", "wrong-password")
    assert locked.status_code == 429

    before = timezone.now()
    again = attempt(client, "staff_a", PASSWORD)
    page = again.content.decode()
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session
    until = timezone.localtime(AccessAttempt.objects.get(username="staff_a").attempt_time)
    until += datetime.timedelta(minutes=15)
    assert f"请于 {until:%H:%M} 后再试" in page
    assert "锁定期间即使输入正确的密码也无法登录" in page
    # The refused right password did not lengthen the lock.
    assert AccessAttempt.objects.get(username="staff_a").attempt_time < before

    # Another clerk in the same office signs in as usual.
    other = attempt(client, "leader_a", PASSWORD)
    assert other.status_code == 302 and other["Location"] == "/"

    events = kinds(username="staff_a")
    assert events == ["login_failed"] * 4 + ["locked_out", "login_failed", "login_failed"]
    lock = SecurityEvent.objects.get(kind="locked_out")
    assert lock.user == personas["staff_a"] and lock.ip == OFFICE
    assert lock.detail["failures"] == 5
    assert SecurityEvent.objects.filter(kind="login_failed", detail__locked=True).count() == 2
    assert kinds(username="leader_a") == ["login"]


def test_an_overlong_name_is_refused_like_any_wrong_one(client, personas):
    """axes' column holds 255 characters: the name is recorded cut to an account's longest."""
    refused = attempt(client, "长" * 500, "wrong-password")
    assert refused.status_code == 200 and "用户名或密码不正确" in refused.content.decode()
    assert AccessAttempt.objects.get().username == "长" * 150


def test_the_lock_ends_with_its_window(client, personas):
    for _ in range(5):
        attempt(client, "staff_a", "wrong-password")
    assert attempt(client, "staff_a", PASSWORD).status_code == 429
    AccessAttempt.objects.filter(username="staff_a").update(
        attempt_time=timezone.now() - datetime.timedelta(minutes=15, seconds=1)
    )
    signed_in = attempt(client, "staff_a", PASSWORD)
    assert signed_in.status_code == 302 and client.session["_auth_user_id"] == str(
        personas["staff_a"].pk
    )
    # A success clears the name's failures: one more typo later does not lock it again.
    assert not AccessAttempt.objects.filter(username="staff_a").exists()


def test_a_lock_holds_from_another_address(client, personas):
    for i in range(5):
        attempt(client, "staff_a", "wrong-password", address=f"10.9.0.{i}")
    assert attempt(client, "staff_a", PASSWORD, address="10.9.9.9").status_code == 429


def test_too_many_failures_from_one_address_throttle_it(client, personas, settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 8
    names = ["nobody1", "nobody2", "nobody3", "nobody4"]
    for i in range(8):
        response = attempt(client, names[i % 4], "guess", address="203.0.113.7")
    assert response.status_code == 429  # no name has 5 failures: the address is over 8
    assert attempt(client, "staff_a", PASSWORD, address="203.0.113.7").status_code == 429
    assert attempt(client, "staff_a", PASSWORD, address="10.1.2.4").status_code == 302
    # Signing in elsewhere did not lift the address's throttle.
    client.logout()
    assert attempt(client, "leader_a", PASSWORD, address="203.0.113.7").status_code == 429
    locks = SecurityEvent.objects.filter(kind="locked_out", ip="203.0.113.7")
    assert locks.count() == 1


def test_an_admin_lifts_the_lock_from_the_user_list(client, personas):
    for _ in range(5):
        attempt(client, "staff_a", "wrong-password")
    admin = personas["admin"]
    get_user_model().objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
    request = RequestFactory().post("/admin/auth/user/", REMOTE_ADDR="10.0.0.1")
    request.user = get_user_model().objects.get(pk=admin.pk)
    request._messages = _Messages()
    model_admin = RenewalUserAdmin(get_user_model(), site)
    model_admin.unlock(request, get_user_model().objects.filter(username="staff_a"))

    assert not AccessAttempt.objects.filter(username="staff_a").exists()
    unlocked = SecurityEvent.objects.get(kind="unlocked")
    assert unlocked.user == personas["staff_a"] and unlocked.actor_id == admin.pk
    assert unlocked.detail["attempts"] == 1
    assert attempt(client, "staff_a", PASSWORD).status_code == 302


def test_the_unlock_action_is_in_the_admin(client, personas):
    admin = personas["admin"]
    get_user_model().objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
    client.force_login(get_user_model().objects.get(pk=admin.pk))
    page = client.get("/admin/auth/user/").content.decode()
    assert "解除锁定" in page
    assert client.get("/admin/axes/accessattempt/").status_code == 200


def test_sign_in_and_out_are_logged(client, personas):
    attempt(client, "staff_a", PASSWORD)
    client.post("/logout/")
    assert kinds() == ["login", "logout"]
    assert SecurityEvent.objects.filter(ip=OFFICE, user=personas["staff_a"]).count() == 1


class _Messages:
    def __init__(self):
        self.sent = []

    def add(self, level, message, extra_tags=""):
        self.sent.append(message)


def test_the_test_clients_login_is_counted_too(client, personas):
    assert client.login(username="staff_a", password=PASSWORD)
    client.logout()
    for _ in range(5):
        assert not client.login(username="staff_a", password="wrong-password")
    assert not client.login(username="staff_a", password=PASSWORD)
    assert AccessAttempt.objects.get(username="staff_a", ip_address="127.0.0.1")
