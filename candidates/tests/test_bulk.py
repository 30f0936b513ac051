"""Bulk actions on candidacies: presets when sending to vetting, a department's "无问题" for
many people under one 文号, the township's approval row by row, the export of ticked rows."""

import datetime
import re

import openpyxl
import pytest
from pghistory.models import Events

from candidates import bulk, selectors
from candidates import services as cs
from candidates.catalogues import CATALOGUES, DEPARTMENT_CODES, VETTING_PRESETS
from candidates.models import Candidacy, CandidacyLog, VettingPreset, VettingRequest
from candidates.tests.test_workflow import inspect, new_candidacy, to_vetted, vet
from renewal.kit.exports import export_dir
from renewal.models import AccessLog, Department, ExportJob
from tests.factories import PersonFactory, party_member

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def police(db):
    return Department.objects.get_or_create(code="police", defaults={"name": "公安"})[0]


@pytest.fixture
def dept_users(personas, police):
    return {"police": personas["dept"]}


def sent(world, personas, police, n=3):
    """n inspected candidacies sent to the police; their requests, in order."""
    requests = []
    for i in range(n):
        c = new_candidacy(world, personas, name=f"联审{i}")
        inspect(c, personas)
        (req,) = vet(c, personas, [police])
        requests.append(req)
    return requests


def _ticked(body, name):
    """The values of the ticked boxes named ``name`` on the page."""
    pattern = rf'<input type="checkbox" name="{name}" value="(\d+)"[^>]*\bchecked\b'
    return {int(v) for v in re.findall(pattern, body)}


# --- Presets -------------------------------------------------------------------------------


def test_presets_name_only_known_departments_and_say_where_they_come_from():
    for preset in VETTING_PRESETS:
        assert preset["departments"] and set(preset["departments"]) <= set(DEPARTMENT_CODES)
        assert preset["name"] and preset["source"]
    named = {i["department"] for c in CATALOGUES for i in c["items"] if i["department"]}
    assert set(VETTING_PRESETS[0]["departments"]) == named


def test_presets_are_shipped_as_data_an_admin_edits(world, personas):
    """The send page offers the presets of the table, not of the code: one an admin adds is
    offered, one switched off is not."""
    shipped = [p["code"] for p in bulk.vetting_presets()]
    assert shipped == [p["code"] for p in VETTING_PRESETS]
    court = Department.objects.get_or_create(code="court", defaults={"name": "法院"})[0]
    own = VettingPreset.objects.create(code="county-own", name="本县自定", source="县委组织部通知")
    own.departments.set([court])
    VettingPreset.objects.filter(code="law-and-discipline").update(is_active=False)
    offered = {p["code"]: p for p in bulk.vetting_presets()}
    assert "law-and-discipline" not in offered
    assert offered["county-own"]["ids"] == [court.pk]
    assert offered["county-own"]["source"] == "县委组织部通知"


def test_preset_without_script_ticks_its_departments_and_sends_nothing(
    client, world, personas, police
):
    c = new_candidacy(world, personas)
    court = Department.objects.get(code="court")
    client.force_login(personas["staff_a"])
    body = client.post(
        "/candidates/vetting/send/",
        {"candidacies": [c.pk], "departments": [court.pk], "preset": "law-and-discipline"},
    ).content.decode()
    codes = set(
        Department.objects.filter(pk__in=_ticked(body, "departments")).values_list(
            "code", flat=True
        )
    )
    assert codes == {"police", "court", "procuratorate", "discipline"}
    assert _ticked(body, "candidacies") == {c.pk}
    assert not VettingRequest.objects.exists()


# --- A department's "无问题" for many -----------------------------------------------------------


def test_department_answers_many_clear_under_one_number(client, world, personas, police):
    requests = sent(world, personas, police)
    client.force_login(personas["dept"])
    response = client.post(
        "/candidates/vetting/answer-clear/",
        {"ids": [r.pk for r in requests], "document_number": "公(2026)8号"},
        follow=True,
    )
    assert "已答复 3 人无问题：联审0、联审1、联审2。" in response.content.decode()
    for r in requests:
        r.refresh_from_db()
        assert (r.status, r.document_number, r.answered_by) == (
            "passed",
            "公(2026)8号",
            personas["dept"],
        )
        assert r.candidacy.status == Candidacy.Status.VETTED
        assert CandidacyLog.objects.filter(candidacy=r.candidacy, action="联审通过").exists()
        # Each answer is a change of its own in the history, as a single answer is.
        assert any(e.pgh_label == "update" for e in Events.objects.references(r))


def test_one_already_answered_refuses_all_and_saves_nothing(client, world, personas, police):
    requests = sent(world, personas, police)
    cs.vetting_answer(actor=personas["dept"], request=requests[1], passed=True)
    client.force_login(personas["dept"])
    body = client.post(
        "/candidates/vetting/answer-clear/",
        {"ids": [r.pk for r in requests], "document_number": "公(2026)8号"},
        follow=True,
    ).content.decode()
    assert "以下人员已答复，不能重复答复：联审1。本次没有保存任何答复" in body
    assert VettingRequest.objects.filter(status="pending").count() == 2
    assert not VettingRequest.objects.filter(document_number="公(2026)8号").exists()


def test_no_number_or_nobody_ticked_is_refused(client, world, personas, police):
    requests = sent(world, personas, police, n=1)
    client.force_login(personas["dept"])
    body = client.post(
        "/candidates/vetting/answer-clear/", {"ids": [requests[0].pk]}, follow=True
    ).content.decode()
    assert "请填写文号" in body
    body = client.post(
        "/candidates/vetting/answer-clear/", {"document_number": "公(2026)8号"}, follow=True
    ).content.decode()
    assert "请先勾选要答复的人员" in body
    assert VettingRequest.objects.get().status == "pending"


def test_an_overlong_number_or_comment_is_refused_in_words(client, world, personas, police):
    """The page's maxlength is only a hint: a longer value posted is a message, not a 500."""
    requests = sent(world, personas, police, n=2)
    client.force_login(personas["dept"])
    ids = [r.pk for r in requests]
    for data, message in (
        ({"document_number": "号" * 61}, "文号不能超过 60 个字"),
        ({"document_number": "公(2026)8号", "comment": "意" * 501}, "意见不能超过 500 个字"),
    ):
        response = client.post(
            "/candidates/vetting/answer-clear/", {"ids": ids, **data}, follow=True
        )
        assert response.status_code == 200 and message in response.content.decode()
    assert set(VettingRequest.objects.values_list("status", flat=True)) == {"pending"}


def test_another_departments_request_is_404_and_nothing_answered(client, world, personas, police):
    court = Department.objects.get(code="court")
    mine = sent(world, personas, police, n=1)[0]
    other = new_candidacy(world, personas, name="法院的")
    inspect(other, personas)
    (theirs,) = vet(other, personas, [court])
    client.force_login(personas["dept"])
    body = client.post(
        "/candidates/vetting/answer-clear/",
        {"ids": [mine.pk, theirs.pk], "document_number": "公(2026)8号"},
        follow=True,
    ).content.decode()
    assert "所选记录中有 1 条不存在或不在您的工作范围内，本次没有办理任何一条" in body
    assert "法院的" not in body
    assert VettingRequest.objects.filter(status="pending").count() == 2


def test_only_departments_answer(client, world, personas, police):
    requests = sent(world, personas, police, n=1)
    client.force_login(personas["staff_a"])
    response = client.post(
        "/candidates/vetting/answer-clear/",
        {"ids": [requests[0].pk], "document_number": "公(2026)8号"},
    )
    assert response.status_code == 403


# --- The township's approval, row by row --------------------------------------------------------


def test_approve_many_passes_those_that_pass_and_lists_the_others(
    client, world, personas, dept_users, police
):
    good = [to_vetted(world, personas, dept_users, police, name=n) for n in ("甲一", "乙二")]
    old = to_vetted(
        world,
        personas,
        dept_users,
        police,
        name="丙三",
        post="secretary",
        born=datetime.date(1960, 1, 1),
        education="senior",
    )
    early = new_candidacy(world, personas, name="丁四")
    client.force_login(personas["leader_a"])
    body = client.post(
        "/candidates/approvals/approve/",
        {"ids": [good[0].pk, old.pk, early.pk, good[1].pk]},
        follow=True,
    ).content.decode()
    assert "已审核通过 2 人：甲一、乙二。" in body
    assert "以下 2 人未审核通过：" in body
    assert "大红城村丙三：不符合资格条件：" in body
    assert "大红城村丁四：当前为“初步人选”，不在待审核之列" in body
    statuses = dict(
        Candidacy.objects.filter(pk__in=[c.pk for c in (*good, old, early)]).values_list(
            "person__name", "status"
        )
    )
    assert statuses == {
        "甲一": "township_approved",
        "乙二": "township_approved",
        "丙三": "vetted",
        "丁四": "preliminary",
    }
    approved = CandidacyLog.objects.filter(action="乡镇(街道)审核通过")
    assert set(approved.values_list("candidacy__person__name", flat=True)) == {"甲一", "乙二"}


def test_approve_many_outside_the_region_is_refused_and_approves_nobody(
    client, world, personas, dept_users, police
):
    mine = to_vetted(world, personas, dept_users, police)
    elsewhere = cs.candidacy_create(
        actor=personas["staff_b"],
        unit=world["unit_b1"],
        person=party_member(world["unit_b1"]),
        body="party",
        post="party_member",
    )
    client.force_login(personas["leader_a"])
    body = client.post(
        "/candidates/approvals/approve/", {"ids": [mine.pk, elsewhere.pk]}, follow=True
    ).content.decode()
    assert "所选记录中有 1 条不存在或不在您的工作范围内，本次没有办理任何一条" in body
    mine.refresh_from_db()
    assert mine.status == Candidacy.Status.VETTED


def test_staff_who_do_not_lead_the_township_may_not_approve(
    client, world, personas, dept_users, police
):
    c = to_vetted(world, personas, dept_users, police)
    client.force_login(personas["staff_a"])
    assert client.post("/candidates/approvals/approve/", {"ids": [c.pk]}).status_code == 403
    c.refresh_from_db()
    assert c.status == Candidacy.Status.VETTED


def test_approvals_page_offers_the_ticks_to_the_leader(client, world, personas, dept_users, police):
    c = to_vetted(world, personas, dept_users, police)
    client.force_login(personas["leader_a"])
    body = client.get("/candidates/approvals/").content.decode()
    assert f'name="ids" value="{c.pk}" form="bulk-approve"' in body
    assert "审核通过所选人选" in body


# --- Export of ticked rows ---------------------------------------------------------------------


def _export(client, data, capture):
    with capture(execute=True):
        response = client.post("/candidates/export/", data)
    return response


def _rows(job):
    sheet = openpyxl.load_workbook(export_dir() / job.file_name).active
    return list(sheet.iter_rows(min_row=3, values_only=True))  # below the title and the header


def test_export_of_ticked_rows_is_the_roster_limited_to_them_and_logged(
    client, world, personas, django_capture_on_commit_callbacks
):
    made = [
        cs.candidacy_create(
            actor=personas["staff_a"],
            unit=world["unit_a1"],
            person=PersonFactory(name=name),
            body="villagers",
            post="committee_member",
        )
        for name in ("导出甲", "导出乙", "不导出")
    ]
    elsewhere = cs.candidacy_create(
        actor=personas["staff_b"],
        unit=world["unit_b1"],
        person=PersonFactory(name="外乡镇"),
        body="villagers",
        post="committee_member",
    )
    client.force_login(personas["staff_a"])
    response = _export(
        client,
        {"scope": "selected", "ids": [made[0].pk, made[1].pk, elsewhere.pk]},
        django_capture_on_commit_callbacks,
    )
    job = ExportJob.objects.get(user=personas["staff_a"])
    assert response.url == f"/exports/{job.pk}/"
    rows = _rows(job)
    assert [r[5] for r in rows] == ["导出甲", "导出乙"]  # the other township's id is dropped
    assert rows[0][9] == made[0].person.id_number_masked  # masked as in the full export
    log = AccessLog.objects.get(user=personas["staff_a"], action="export")
    assert log.row_count == 2
    assert log.target == "候选人花名册（已脱敏）"
    assert log.detail["filters"]["ids"] == f"{made[0].pk},{made[1].pk},{elsewhere.pk}"


def test_export_selected_with_nothing_ticked_says_so(client, world, personas):
    client.force_login(personas["staff_a"])
    response = client.post("/candidates/export/", {"scope": "selected", "status": "formal"})
    assert response.url == "/candidates/?status=formal"
    body = client.get(response.url).content.decode()
    assert "请先勾选要导出的人选" in body
    assert not ExportJob.objects.exists()


def test_the_list_ticks_rows_into_the_export_form(client, world, personas):
    c = new_candidacy(world, personas)
    client.force_login(personas["staff_a"])
    body = client.get("/candidates/").content.decode()
    assert f'name="ids" value="{c.pk}" form="candidacy-export"' in body
    assert 'name="scope" value="selected"' in body


def test_selected_ids_are_capped_and_cleaned():
    assert selectors.selected_ids(["3", "x", "3", "1"]) == [3, 1]
    with pytest.raises(Exception, match="一次最多选择"):
        selectors.selected_ids([str(i) for i in range(selectors.MAX_ROWS + 1)])
