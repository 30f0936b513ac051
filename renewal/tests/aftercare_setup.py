"""A unit with an exit audit, a rectification, a new committee and its handover, a key-unit
plan and a guidance group: what the aftercare tests and matrix rows start from."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from renewal.aftercare import audits, guidance
from renewal.models import AuditCategory, Handover, Term, TermMember
from tests.factories import PersonFactory
from tests.files import PNG


def png(name="evidence.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def new_committee(unit, rnd, *, elected_on=None, stay=1, leave=1, new=1):
    """The previous party committee and the round's new one; returns (old, new, people)."""
    staying = [PersonFactory(name=f"连任{i}") for i in range(stay)]
    leaving = [PersonFactory(name=f"离任{i}") for i in range(leave)]
    arriving = [PersonFactory(name=f"新任{i}") for i in range(new)]
    old = Term.objects.create(unit=unit, body="party", elected_on=datetime.date(2021, 1, 5))
    for person in staying + leaving:
        TermMember.objects.create(term=old, person=person, post="party_member")
    term = Term.objects.create(
        unit=unit, body="party", elected_on=elected_on or timezone.localdate(), round=rnd
    )
    for person in staying + arriving:
        TermMember.objects.create(term=term, person=person, post="party_member")
    return old, term, {"staying": staying, "leaving": leaving, "arriving": arriving}


def build(world, personas):
    unit, rnd = world["unit_a1"], world["round"]
    actor = personas["staff_a"]
    _old, term, people = new_committee(unit, rnd)
    audit = audits.audit_record(
        actor=actor,
        unit=unit,
        round_=rnd,
        auditor="县农牧局审计组",
        period="2021年1月至2026年6月",
        audited_on=timezone.localdate() - datetime.timedelta(days=30),
    )
    finding = audits.finding_add(
        audit=audit,
        category=AuditCategory.objects.filter(county__isnull=True).first(),
        description="部分支出无审批手续",
        amount="12500.50",
        person=people["leaving"][0],
    )
    line = audits.rectification_add(
        finding=finding,
        measure="补齐审批手续",
        responsible="王会计",
        due_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    line = audits.rectification_update(
        rectification=line, status="in_progress", evidence="已补齐一半", attachment=png()
    )
    category = AuditCategory.objects.create(
        county=world["county_a"], number=20, name="本县自定类别", source="县审计通知"
    )
    plan = guidance.plan_save(
        unit=world["unit_a2"],
        round_=rnd,
        content="选情复杂",
        measures="县级领导包联",
        status="in_force",
        leader_name="李县长",
        leader_post="副县长",
    )
    group = guidance.group_save(
        county=world["county_a"],
        round_=rnd,
        name="第一指导组",
        leader_name="赵组长",
        leader_post="县人大副主任",
        members=[("钱成员", "县委组织部干部", None)],
        units=[unit, world["unit_a2"]],
    )
    return {
        "audit": audit,
        "finding": finding,
        "line": line,
        "category": category,
        "plan": plan,
        "group": group,
        "term": term,
        "people": people,
        "handover": Handover.objects.get(round=rnd, unit=unit, body="party"),
    }


def ensure_catalogues():
    """Transactional tests flush what the data migration loaded; load it again."""
    from renewal.aftercare import catalogues as data
    from renewal.models import HandoverDeadline, HandoverItemKind

    data.load_categories(AuditCategory)
    data.load_handover_items(HandoverItemKind)
    data.load_default_deadline(HandoverDeadline)


def build_supervision(world, personas):
    """The city's supervision group covering county A, with one visit to unit A1."""
    from renewal.aftercare import supervision

    group = supervision.group_save(
        city=world["city"],
        year=world["round"].year,
        name="市第一巡回督查组",
        leader_name="吴组长",
        leader_post="市委组织部副部长",
        members=[("郑成员", "市委组织部组织二科科长", personas["city_reviewer"])],
        counties=[world["county_a"]],
    )
    visit = supervision.visit_record(
        actor=personas["city_reviewer"],
        group=group,
        county=world["county_a"],
        unit=world["unit_a1"],
        visited_on=timezone.localdate(),
        findings="候选人资格联审材料不全",
        follow_up="一周内补齐",
    )
    return {"group": group, "visit": visit}
