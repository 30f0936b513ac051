"""Exit audits: amounts, the rectification ledger, overdue lines and the vetting flag."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from candidates.flags import flags_for
from renewal.aftercare import audits
from renewal.aftercare.figures import rectifications_open
from renewal.models import AuditCategory, AuditFinding, DomainError, Rectification
from renewal.tests.aftercare_setup import build, png

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("", None, id="blank means no amount"),
        pytest.param("12500.5", Decimal("12500.50"), id="yuan with jiao"),
        pytest.param("1,250,000", Decimal("1250000.00"), id="thousands separators"),
        pytest.param("0", Decimal("0.00"), id="zero is an amount"),
    ],
)
def test_parse_amount(raw, expected):
    assert audits.parse_amount(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param("十万", "请填写数字", id="words are not a number"),
        pytest.param("-5", "不小于 0", id="no negative amounts"),
        pytest.param("1.234", "两位小数", id="no fractions of a fen"),
        pytest.param("NaN", "不小于 0", id="not a number"),
    ],
)
def test_parse_amount_refuses(raw, message):
    with pytest.raises(DomainError, match=message):
        audits.parse_amount(raw)


def test_shipped_catalogue_has_eight_categories_with_their_source():
    shared = AuditCategory.objects.filter(county__isnull=True)
    assert shared.count() == 8
    assert shared.get(number=1).name == "财务管理制度执行不规范"
    assert all("和林格尔县" in c.source for c in shared)
    assert shared.filter(needs_local_check=True).count() == 7


@pytest.fixture
def setup(world, personas):
    return build(world, personas)


def test_finding_refuses_another_countys_category(world, setup):
    other = AuditCategory.objects.create(
        county=world["county_b"], number=1, name="外县类别", source="外县通知"
    )
    with pytest.raises(DomainError, match="不属于本县"):
        audits.finding_add(audit=setup["audit"], category=other, description="问题")


def test_finding_names_only_the_units_people(world, setup):
    from tests.factories import PersonFactory

    with pytest.raises(DomainError, match="不是大红城村"):
        audits.finding_add(
            audit=setup["audit"],
            category=setup["category"],
            description="问题",
            person=PersonFactory(),
        )


def test_done_needs_evidence(setup):
    line = audits.rectification_add(
        finding=setup["finding"], measure="退赔", responsible="李某", due_on=timezone.localdate()
    )
    with pytest.raises(DomainError, match="佐证"):
        audits.rectification_update(rectification=line, status="done")
    line.refresh_from_db()
    assert line.status == "open" and line.closed_on is None


def test_a_wrong_attachment_type_saves_nothing(setup):
    line = setup["line"]
    before = line.attachment.name
    fake = SimpleUploadedFile(
        "evidence.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    with pytest.raises(DomainError, match="不是 PDF、JPG 或 PNG"):
        audits.rectification_update(
            rectification=line, status="done", evidence="全部完成", attachment=fake
        )
    line.refresh_from_db()
    assert line.status == "in_progress" and line.attachment.name == before


def test_the_flag_follows_the_open_finding(setup):
    person = setup["people"]["leaving"][0]
    messages = [f.message for f in flags_for(person)]
    assert any("离任审计发现问题尚未整改完毕" in m and "大红城村" in m for m in messages)
    audits.rectification_update(
        rectification=setup["line"], status="done", evidence="手续已补齐", attachment=png()
    )
    assert not [f for f in flags_for(person) if f.source == "exit-audit"]
    # Reopened: flagged again.
    audits.rectification_update(rectification=setup["line"], status="in_progress")
    assert [f for f in flags_for(person) if f.source == "exit-audit"]


def test_a_finding_without_rectification_is_open(setup):
    person = setup["people"]["staying"][0]
    finding = audits.finding_add(
        audit=setup["audit"], category=setup["category"], description="白条入账", person=person
    )
    assert AuditFinding.objects.filter(audits.open_findings_q(), pk=finding.pk).exists()
    assert [f for f in flags_for(person) if f.source == "exit-audit"]


def test_the_flag_blocks_vetting_and_shows_on_the_candidacy_page(client, world, personas):
    from candidates import services as cs
    from tests.factories import PersonFactory, party_member

    person = party_member(
        world["unit_a1"], PersonFactory(political_status="full_member", name="赵会计")
    )
    candidacy = cs.candidacy_create(
        actor=personas["staff_a"],
        unit=world["unit_a1"],
        person=person,
        body="party",
        post="party_member",
    )
    audit = audits.audit_record(
        actor=personas["staff_a"],
        unit=world["unit_a1"],
        round_=world["round"],
        auditor="审计组",
        period="2021-2026",
        audited_on=timezone.localdate(),
    )
    audits.finding_add(
        audit=audit,
        category=AuditCategory.objects.get(county__isnull=True, number=1),
        description="白条入账",
        person=person,
    )
    from renewal.models import Department

    cs.vetting_send(
        actor=personas["staff_a"],
        candidacies=[candidacy],
        departments=Department.objects.filter(code="police"),
        due_date=timezone.localdate() + datetime.timedelta(days=5),
    )
    assert any("离任审计" in b for b in cs.vetting_blockers(candidacy))
    client.force_login(personas["reviewer"])
    page = client.get(f"/candidates/{candidacy.pk}/").content.decode()
    assert "离任审计发现问题尚未整改完毕：大红城村·财务管理制度执行不规范" in page

    # Inspected and answered, the candidacy waits for the finding alone; rectified, it
    # passes by itself, and its history says why and who closed the finding.
    cs.candidacy_record_inspection(
        actor=personas["staff_a"],
        candidacy=candidacy,
        passed=True,
        score=90,
        inspected_on=timezone.localdate(),
    )
    cs.vetting_answer(actor=personas["dept"], request=candidacy.vetting.get(), passed=True)
    candidacy.refresh_from_db()
    assert candidacy.status == "inspected"
    finding = AuditFinding.objects.get(person=person)
    line = audits.rectification_add(
        finding=finding, measure="补记入账", responsible="赵会计", due_on=timezone.localdate()
    )
    audits.rectification_update(rectification=line, status="in_progress", actor=personas["staff_a"])
    candidacy.refresh_from_db()
    assert candidacy.status == "inspected"
    audits.rectification_update(
        rectification=line, status="done", evidence="已补记入账", actor=personas["staff_a"]
    )
    candidacy.refresh_from_db()
    assert candidacy.status == "vetted"
    log = candidacy.log.last()
    assert (log.action, log.by, log.reason) == (
        "联审通过",
        personas["staff_a"],
        "自动核对：此前的标记已解除",
    )


def test_ledger_highlights_and_filters_overdue_lines(client, world, personas, setup):
    late = audits.rectification_add(
        finding=setup["finding"],
        measure="收回被占用的集体土地",
        responsible="村委会",
        due_on=setup["audit"].audited_on,
    )
    client.force_login(personas["reviewer"])
    page = client.get("/audits/ledger/", {"status": "overdue"}).content.decode()
    assert "收回被占用的集体土地" in page and "逾期" in page
    assert "补齐审批手续" not in page
    audits.rectification_update(rectification=late, status="done", evidence="已收回")
    page = client.get("/audits/ledger/", {"status": "overdue"}).content.decode()
    assert "收回被占用的集体土地" not in page
    # The other township's staff see none of it.
    client.force_login(personas["staff_b"])
    assert "补齐审批手续" not in client.get("/audits/ledger/").content.decode()


def test_ledger_query_count_does_not_grow_with_the_page(
    client, personas, setup, django_assert_max_num_queries
):
    client.force_login(personas["reviewer"])
    for n in range(2):
        audits.rectification_add(
            finding=setup["finding"],
            measure=f"措施{n}",
            responsible="甲",
            due_on=timezone.localdate(),
        )
    with django_assert_max_num_queries(16) as few:
        client.get("/audits/ledger/")
    for n in range(20):
        audits.rectification_add(
            finding=setup["finding"],
            measure=f"更多{n}",
            responsible="乙",
            due_on=timezone.localdate(),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/audits/ledger/")


def test_rectifications_open_figure_respects_the_day(world, setup):
    rnd, unit = world["round"], world["unit_a1"]
    today = timezone.localdate()
    assert rectifications_open(rnd, [unit.pk], today) == {unit.pk: 1}
    assert rectifications_open(rnd, [unit.pk], today - datetime.timedelta(days=1)) == {}
    audits.rectification_update(rectification=setup["line"], status="done", evidence="完成")
    assert rectifications_open(rnd, [unit.pk], today) == {}


def test_finding_form_keeps_what_was_typed(client, personas, setup):
    client.force_login(personas["staff_a"])
    response = client.post(
        f"/audits/{setup['audit'].pk}/findings/new/",
        {"category": setup["category"].pk, "description": "账外资金", "amount": "十万"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "请填写数字" in page and "账外资金" in page and "十万" in page
    assert AuditFinding.objects.count() == 1


def test_rectification_upload_and_download(client, personas, setup):
    client.force_login(personas["staff_a"])
    line = setup["line"]
    response = client.post(
        f"/audits/rectifications/{line.pk}/",
        {
            "status": "done",
            "due_on": line.due_on.isoformat(),
            "evidence": "已补齐",
            "attachment": png("整改照片.png"),
        },
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.status == Rectification.Status.DONE and line.closed_on == timezone.localdate()
    download = client.get(f"/audits/rectifications/{line.pk}/attachment/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")


def test_reviewer_adds_a_county_category(client, world, personas):
    client.force_login(personas["reviewer"])
    response = client.post(
        "/audits/categories/",
        {"number": 9, "name": "村务公开不及时", "source": "县审计局通知", "is_active": "on"},
    )
    assert response.status_code == 302
    assert AuditCategory.objects.get(number=9).county == world["county_a"]
    duplicate = client.post(
        "/audits/categories/", {"number": 9, "name": "重复", "source": "x", "is_active": "on"}
    )
    assert "已有序号 9" in duplicate.content.decode()


def test_correcting_a_finding_moves_the_flag(client, personas, setup):
    finding, gone, staying = (
        setup["finding"],
        setup["people"]["leaving"][0],
        setup["people"]["staying"][0],
    )
    client.force_login(personas["staff_a"])
    response = client.post(
        f"/audits/findings/{finding.pk}/edit/",
        {
            "category": finding.category_id,
            "description": "部分支出无审批手续（已核实）",
            "amount": "9000",
            "person": staying.pk,
        },
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.amount == Decimal("9000.00") and finding.person == staying
    assert not [f for f in flags_for(gone) if f.source == "exit-audit"]
    assert [f for f in flags_for(staying) if f.source == "exit-audit"]
    bad = client.post(
        f"/audits/findings/{finding.pk}/edit/",
        {"category": finding.category_id, "description": "", "amount": "1"},
    )
    assert bad.status_code == 200
    finding.refresh_from_db()
    assert finding.amount == Decimal("9000.00")


def test_the_audit_page_says_what_remains(client, personas, setup):
    from renewal.kit.next_steps import next_step

    audit, staff, officer = setup["audit"], personas["staff_a"], personas["discipline"]
    here = f"/audits/units/{audit.unit_id}/#findings"
    found = next_step(staff, audit)
    assert (found.text, found.url) == ("推进整改（还有 1 项未完成）", here)
    assert next_step(officer, audit).url == ""  # a reader is told, not linked
    audits.finding_add(audit=audit, category=setup["finding"].category, description="白条入账")
    assert next_step(staff, audit).text == "为 1 个问题登记整改措施"
    client.force_login(staff)
    assert "为 1 个问题登记整改措施" in client.get(here.split("#")[0]).content.decode()
    for finding in audit.findings.all():
        for line in finding.rectifications.all():
            audits.rectification_update(
                rectification=line, status="done", evidence="已办结", attachment=png()
            )
    finding = audit.findings.filter(rectifications__isnull=True).get()
    line = audits.rectification_add(
        finding=finding, measure="退赔", responsible="李某", due_on=timezone.localdate()
    )
    audits.rectification_update(
        rectification=line, status="done", evidence="已退赔", attachment=png()
    )
    assert next_step(staff, audit) is None
