"""Every user changes their own password under the 等保 rules; one an administrator has
marked must change it before using anything else."""

import re

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import translation

from renewal.admin import ProfileAdmin
from renewal.models import Profile, SecurityEvent
from tests.fixtures import PASSWORD

pytestmark = pytest.mark.django_db
NEW = "Hlgr-2026-xin"


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("Ab1-", "太短"),
        ("abcdefgh12", "至少 3 类"),
        ("ABCDEFGHIJ", "至少 3 类"),
        ("Password1!", "太常见"),
        (NEW, None),
        ("12345678", "至少 3 类"),
        ("2718281828459045", "不能全是数字"),
    ],
)
def test_the_rules_speak_chinese(password, fragment):
    translation.activate("zh-hans")  # as every page is served
    if fragment is None:
        validate_password(password)
        return
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert any(fragment in m for m in refused.value.messages), refused.value.messages
    # Not a word of English, nor Django's spaced-out attribute names ("跟 用户名 太相似").
    assert not any(re.search(r"[A-Za-z]| [\u4e00-\u9fff]+ ", m) for m in refused.value.messages)


def test_the_rules_are_listed_in_chinese():
    translation.activate("zh-hans")
    rules = password_validators_help_texts()
    assert len(rules) == 5
    assert not any(re.search(r"[A-Za-z]", rule) for rule in rules), rules


def test_a_password_like_the_user_name_is_refused(personas):
    translation.activate("zh-hans")
    user = personas["staff_a"]
    with pytest.raises(ValidationError, match="密码与您的登录名或姓名太相似"):
        validate_password(f"{user.username}A1!", user)


def test_a_township_clerk_changes_her_own_password(client, personas):
    user = personas["staff_a"]
    client.force_login(user)
    page = client.get("/account/password/").content.decode()
    assert "旧密码" in page and "至少 3 类" in page

    wrong = client.post(
        "/account/password/",
        {"old_password": "not-it", "new_password1": NEW, "new_password2": NEW},
    ).content.decode()
    assert "旧密码不正确" in wrong
    weak = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": "abcdefgh1", "new_password2": "abcdefgh1"},
    ).content.decode()
    assert "至少 3 类" in weak

    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
        follow=True,
    )
    assert "密码已修改" in response.content.decode()
    assert client.get("/units/").status_code == 200  # still logged in
    user.refresh_from_db()
    assert user.check_password(NEW)
    changed = SecurityEvent.objects.get(kind=SecurityEvent.Kind.PASSWORD_CHANGED)
    assert (changed.user, changed.username, changed.ip) == (user, user.username, "127.0.0.1")


def test_a_marked_user_reaches_only_the_change_page_until_done(client, personas):
    user = personas["staff_a"]
    Profile.objects.filter(user=user).update(must_change_password=True)
    client.force_login(user)
    for path in ("/", "/units/", "/exports/1/", "/candidates/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/account/password/"
    # An htmx fragment is not swapped for the page; the idle timer's keep-alive still answers.
    fragment = client.get("/units/", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 403 and fragment["HX-Redirect"] == "/account/password/"
    assert client.post("/account/keep-alive/").status_code == 204
    page = client.get("/account/password/").content.decode()
    assert "管理员要求您修改密码" in page
    client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert not Profile.objects.get(user=user).must_change_password
    assert client.get("/units/").status_code == 200


def test_an_administrator_marks_users_from_the_admin(personas):
    request = RequestFactory().post("/admin/")
    request.user = get_user_model().objects.get(pk=personas["admin"].pk)
    request._messages = type("M", (), {"add": lambda *a, **k: None})()
    model_admin = ProfileAdmin(Profile, site)
    profiles = Profile.objects.filter(user__in=[personas["staff_a"], personas["leader_a"]])
    model_admin.require_password_change(request, profiles)
    assert set(
        Profile.objects.filter(must_change_password=True).values_list("user", flat=True)
    ) == {
        personas["staff_a"].pk,
        personas["leader_a"].pk,
    }
    marked = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PASSWORD_RESET)
    assert sorted(marked.values_list("user", "actor")) == sorted(
        [(personas["staff_a"].pk, request.user.pk), (personas["leader_a"].pk, request.user.pk)]
    )
