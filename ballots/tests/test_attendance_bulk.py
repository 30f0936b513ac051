"""全部到会 / 全不到会 on the congress roster without script, and the head count above it."""

import pytest

from ballots.congress import services as bs
from ballots.tests.test_congress import attend, congress  # noqa: F401

pytestmark = pytest.mark.django_db


def _form(congress, *, excluded_row=None):  # noqa: F811
    """The roster as the page posts it, nobody ticked; one row excluded when asked."""
    congress.refresh_from_db()
    data = {"version": congress.version}
    for a in congress.attendance.all():
        if a.pk == excluded_row:
            data[f"excluded-{a.pk}"] = "abroad"
            data[f"approved-{a.pk}"] = "镇党委张三"
    return data


def _present(congress):  # noqa: F811
    return set(congress.attendance.filter(present=True).values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # (can_vote, excluded, present)
        ([(True, False, True), (True, False, False)], (2, 1, 1)),
        # An approved exclusion is not expected, and not absent when away.
        ([(True, True, False), (True, False, True)], (1, 1, 0)),
        # Who has no vote counts nowhere, present or not.
        ([(False, False, True), (True, False, False)], (1, 0, 1)),
        # An excluded member who came anyway is present, as in the verdict.
        ([(True, True, True)], (0, 1, 0)),
    ],
)
def test_attendance_figures(rows, expected):
    f = bs.attendance_figures(rows)
    assert (f.expected, f.present, f.absent) == expected


def test_all_present_ticks_everyone_but_the_excluded_and_stays_on_the_roster(
    client,
    congress,  # noqa: F811
    personas,
):
    voting = list(congress.attendance.filter(can_vote=True).order_by("id"))
    away = voting[-1]
    client.force_login(personas["staff_a"])
    data = {**_form(congress, excluded_row=away.pk), "mark_all": "present"}
    response = client.post(f"/congresses/{congress.pk}/attendance/", data, follow=True)
    assert response.redirect_chain[-1][0] == f"/congresses/{congress.pk}/attendance/"
    body = response.content.decode()
    assert "已将全部党员登记为到会" in body
    everyone = set(congress.attendance.values_list("pk", flat=True))
    assert _present(congress) == everyone - {away.pk}
    # The probationary member is ticked too (present, without a vote); the count is of voters.
    assert '应到 <b data-count="expected">9</b> 人，已到 <b data-count="present">9</b> 人，' in body
    assert '缺席 <b data-count="absent">0</b> 人' in body

    response = client.post(
        f"/congresses/{congress.pk}/attendance/",
        {**_form(congress, excluded_row=away.pk), "mark_all": "absent"},
        follow=True,
    )
    assert "已清除全部到会勾选" in response.content.decode()
    assert _present(congress) == set()
    assert '缺席 <b data-count="absent">9</b> 人' in response.content.decode()


def test_all_present_with_an_unapproved_exclusion_saves_nothing(
    client,
    congress,  # noqa: F811
    personas,
):
    away = congress.attendance.filter(can_vote=True).order_by("id").last()
    data = {**_form(congress), f"excluded-{away.pk}": "abroad", "mark_all": "present"}
    client.force_login(personas["staff_a"])
    body = client.post(f"/congresses/{congress.pk}/attendance/", data).content.decode()
    assert "须写明经上级党组织同意的同意人" in body
    assert _present(congress) == set()


def test_all_present_is_refused_outside_the_region_and_for_readers(
    client,
    congress,  # noqa: F811
    personas,
):
    data = {**_form(congress), "mark_all": "present"}
    client.force_login(personas["staff_b"])
    assert client.post(f"/congresses/{congress.pk}/attendance/", data).status_code == 404
    client.force_login(personas["reviewer"])
    assert client.post(f"/congresses/{congress.pk}/attendance/", data).status_code == 403
    assert _present(congress) == set()


def test_server_count_matches_the_saved_roster(client, congress, personas):  # noqa: F811
    attend(congress, present=7, excluded=1)
    client.force_login(personas["staff_a"])
    body = client.get(f"/congresses/{congress.pk}/attendance/").content.decode()
    assert '应到 <b data-count="expected">9</b> 人，已到 <b data-count="present">7</b> 人，' in body
    assert '缺席 <b data-count="absent">2</b> 人' in body
    assert "应到 9 人，实到 7 人" in body  # the verdict says the same
