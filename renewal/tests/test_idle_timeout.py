"""A session left alone past SESSION_IDLE_MINUTES is signed out on its next request, with a
message on the login page and the way back; background polls do not keep it alive, the
warning's keep-alive does."""

import re
import time
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model

from renewal.kit.idle import SESSION_KEY
from renewal.models import ExportJob, SecurityEvent
from tests.fixtures import PASSWORD

pytestmark = pytest.mark.django_db


def age_session(client, seconds):
    session = client.session
    session[SESSION_KEY] = time.time() - seconds
    session.save()


def sign_in(client):
    response = client.post("/login/", {"username": "staff_a", "password": PASSWORD})
    assert response.status_code == 302
    return response


def test_signing_in_stamps_the_session(client, personas):
    client.force_login(get_user_model().objects.get(username="staff_a"))
    assert time.time() - client.session[SESSION_KEY] < 5


def test_the_defaults_are_thirty_minutes_warned_two_before(settings):
    assert settings.SESSION_IDLE_SECONDS == 30 * 60
    assert settings.SESSION_IDLE_WARNING_SECONDS == 2 * 60


def test_an_idle_session_is_signed_out_and_comes_back_to_its_page(client, personas):
    sign_in(client)
    assert client.get("/units/").status_code == 200
    age_session(client, 30 * 60 + 5)

    response = client.get("/units/", {"q": "大红"})
    assert response.status_code == 302
    back = "/units/?q=%E5%A4%A7%E7%BA%A2"
    assert response["Location"] == "/login/?" + urlencode({"next": back})
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "由于 30 分钟未操作，已自动退出，请重新登录" in page

    again = client.post("/login/", {"username": "staff_a", "password": PASSWORD, "next": back})
    assert again["Location"] == back
    idle = SecurityEvent.objects.get(kind=SecurityEvent.Kind.IDLE_LOGOUT)
    assert idle.user == personas["staff_a"] and idle.detail["idle_seconds"] >= 30 * 60
    # The automatic sign-out is logged once, as itself, not as an ordinary logout too.
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGOUT).exists()


def test_use_within_the_window_keeps_the_session(client, personas):
    sign_in(client)
    age_session(client, 29 * 60)
    assert client.get("/units/").status_code == 200
    assert time.time() - client.session[SESSION_KEY] < 5


def test_background_polls_do_not_count_as_use(client, personas):
    sign_in(client)
    job = ExportJob.objects.create(user=personas["staff_a"], status=ExportJob.Status.RUNNING)
    page = client.get(f"/exports/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s" hx-headers=\'{"X-Background": "1"}\'' in page
    age_session(client, 20 * 60)
    stamp = client.session[SESSION_KEY]
    poll = client.get(f"/exports/{job.pk}/", HTTP_HX_REQUEST="true", HTTP_X_BACKGROUND="1")
    assert poll.status_code == 200
    assert client.session[SESSION_KEY] == stamp

    age_session(client, 31 * 60)
    poll = client.get(
        f"/exports/{job.pk}/",
        HTTP_HX_REQUEST="true",
        HTTP_X_BACKGROUND="1",
        HTTP_HX_CURRENT_URL=f"http://testserver/exports/{job.pk}/",
    )
    # htmx loads the whole login page instead of swapping it into the progress box.
    assert poll["HX-Redirect"] == f"/login/?next=%2Fexports%2F{job.pk}%2F"
    assert "_auth_user_id" not in client.session


def test_keep_alive_renews_the_session(client, personas):
    sign_in(client)
    age_session(client, 29 * 60)
    response = client.post("/account/keep-alive/")
    assert response.status_code == 204
    assert time.time() - client.session[SESSION_KEY] < 5
    assert client.get("/account/keep-alive/").status_code == 405


def test_the_page_carries_the_timeout_for_the_warning(client, personas, settings):
    settings.SESSION_IDLE_SECONDS, settings.SESSION_IDLE_WARNING_SECONDS = 600, 60
    client.force_login(get_user_model().objects.get(username="staff_a"))
    age_session(client, 30)
    page = client.get("/").content.decode()
    # Used 30 s ago, too recently to be stamped again (every 60 s at most): the page counts
    # from then, so that its warning never comes after the server's timeout.
    left = int(re.search(r'data-idle-left-seconds="(\d+)"', page).group(1))
    assert 565 <= left <= 570
    assert 'data-idle-seconds="600"' in page and 'data-idle-warning-seconds="60"' in page
    assert 'data-idle-slack-seconds="60"' in page
    assert 'data-keep-alive-url="/account/keep-alive/"' in page
    assert "js/idle.js" in page
