"""Department users see only the people sent to them; masking and logging per role; exports."""

import datetime

import openpyxl
import pytest

from candidates import services as cs
from candidates.models import Candidacy
from renewal.kit.exports import export_dir, export_start, safe_cell
from renewal.models import AccessLog, Department, ExportJob
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_and_unsent(world, personas):
    police = Department.objects.get_or_create(code="police", defaults={"name": "公安"})[0]
    court = Department.objects.get_or_create(code="court", defaults={"name": "法院"})[0]
    sent = cs.candidacy_create(
        actor=personas["staff_a"],
        unit=world["unit_a1"],
        person=PersonFactory(name="李送审"),
        body="villagers",
        post="director",
    )
    to_court = cs.candidacy_create(
        actor=personas["staff_a"],
        unit=world["unit_a1"],
        person=PersonFactory(name="赵法院"),
        body="villagers",
        post="deputy_director",
    )
    unsent = cs.candidacy_create(
        actor=personas["staff_a"],
        unit=world["unit_a2"],
        person=PersonFactory(name="王未送"),
        body="villagers",
        post="director",
    )
    due = datetime.date.today() + datetime.timedelta(days=3)
    cs.vetting_send(
        actor=personas["staff_a"], candidacies=[sent], departments=[police], due_date=due
    )
    cs.vetting_send(
        actor=personas["staff_a"], candidacies=[to_court], departments=[court], due_date=due
    )
    return sent, to_court, unsent


def test_department_queue_lists_only_people_sent_to_it(client, personas, sent_and_unsent):
    sent, to_court, _unsent = sent_and_unsent
    client.force_login(personas["dept"])
    body = client.get("/candidates/vetting/").content.decode()
    assert "李送审" in body
    assert "赵法院" not in body and "王未送" not in body
    # Nothing else in the system is open to them.
    for url in (f"/candidates/{sent.pk}/", f"/units/{sent.unit_id}/", "/candidates/?q=李"):
        assert client.get(url).status_code in (403, 404)
    court_request = to_court.vetting.get()
    assert client.get(f"/candidates/vetting/{court_request.pk}/").status_code == 404


def test_department_answer_page_shows_only_the_allowed_fields_and_logs(
    client, personas, sent_and_unsent
):
    sent = sent_and_unsent[0]
    sent.person.set_phone("13912345678")
    sent.person.save()
    client.force_login(personas["dept"])
    body = client.get(f"/candidates/vetting/{sent.vetting.get().pk}/").content.decode()
    assert sent.person.id_number in body and "李送审" in body
    assert "13912345678" not in body and "139****5678" not in body  # no phone at all
    assert "推荐" not in body  # no recommendation or other candidacy data
    assert AccessLog.objects.filter(user=personas["dept"], action="unmask").count() == 1


def test_lists_are_masked_and_unmask_is_logged(client, personas, sent_and_unsent):
    sent = sent_and_unsent[0]
    client.force_login(personas["staff_a"])
    listing = client.get("/candidates/").content.decode()
    assert sent.person.id_number not in listing
    assert sent.person.id_number_masked in listing
    response = client.post(f"/candidates/{sent.pk}/unmask/", HTTP_HX_REQUEST="true")
    assert sent.person.id_number in response.content.decode()
    log = AccessLog.objects.get(user=personas["staff_a"], action="unmask")
    assert log.detail["person"] == sent.person_id
    client.force_login(personas["discipline"])
    assert client.post(f"/candidates/{sent.pk}/unmask/").status_code == 403


@pytest.mark.parametrize(("persona", "unmasked"), [("staff_a", False), ("reviewer", True)])
def test_roster_export_masks_per_role(
    personas, sent_and_unsent, persona, unmasked, django_capture_on_commit_callbacks
):
    sent = sent_and_unsent[0]
    with django_capture_on_commit_callbacks(execute=True):
        job = export_start(user=personas[persona], params={}, kind="candidates")
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    rows = list(
        openpyxl.load_workbook(export_dir() / job.file_name).active.iter_rows(
            min_row=2,
            values_only=True,  # under the title row
        )
    )
    assert rows[0][:6] == ("序号", "乡镇(街道)", "村(社区)", "拟任班子", "拟任职务", "姓名")
    ids = {r[9] for r in rows[1:]}
    assert (sent.person.id_number in ids) is unmasked
    assert (sent.person.id_number_masked in ids) is not unmasked
    log = AccessLog.objects.get(user=personas[persona], action="export")
    assert log.row_count == 3


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+86 139", "'+86 139"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("王建国", "王建国"),
        (42, 42),
    ],
)
def test_formula_neutralisation(value, expected):
    assert safe_cell(value) == expected


def test_export_neutralises_formulas_in_names(personas, world, django_capture_on_commit_callbacks):
    cs.candidacy_create(
        actor=personas["staff_a"],
        unit=world["unit_a1"],
        person=PersonFactory(name="=1+1"),
        body="villagers",
        post="committee_member",
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = export_start(user=personas["staff_a"], params={}, kind="candidates")
    job.refresh_from_db()
    sheet = openpyxl.load_workbook(export_dir() / job.file_name).active
    names = [row[5] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert names == ["'=1+1"]


def test_candidate_form_shows_id_error_and_keeps_input(client, personas, world):
    client.force_login(personas["staff_a"])
    data = {
        "unit": world["unit_a1"].pk,
        "p-name": "陈静",
        "p-sex": "F",
        "p-ethnicity": "汉族",
        "p-birth_date": "1949-12-31",
        "p-education": "senior",
        "p-political_status": "full_member",
        "p-id_number": "110105194912310021",
        "c-body": "villagers",
        "c-post": "committee_member",
        "c-is_continuing": "0",
    }
    response = client.post(f"/candidates/new/?unit={world['unit_a1'].pk}", data)
    body = response.content.decode()
    assert response.status_code == 200 and "校验位不正确" in body and 'value="陈静"' in body
    assert not Candidacy.objects.exists()
    data["p-id_number"] = "11010519491231002X"
    data["p-birth_date"] = "1950-01-01"
    body = client.post(f"/candidates/new/?unit={world['unit_a1'].pk}", data).content.decode()
    assert "出生日期为 1949-12-31" in body
    data["p-birth_date"] = "1949-12-31"
    response = client.post(f"/candidates/new/?unit={world['unit_a1'].pk}", data)
    assert response.status_code == 302
    assert Candidacy.objects.get().person.name == "陈静"


def test_the_edit_page_showing_full_numbers_is_logged(client, world, personas):
    from candidates import services as cs
    from renewal.models import AccessLog
    from tests.factories import party_member

    person = party_member(world["unit_a1"])
    candidacy = cs.candidacy_create(
        actor=personas["staff_a"],
        unit=world["unit_a1"],
        person=person,
        body="party",
        post="party_member",
    )
    client.force_login(personas["staff_a"])
    page = client.get(f"/candidates/{candidacy.pk}/edit/").content.decode()
    assert person.id_number in page
    entry = AccessLog.objects.get(user=personas["staff_a"], action=AccessLog.Action.UNMASK)
    assert entry.detail["person"] == person.pk and entry.detail["page"] == "修改人选"
