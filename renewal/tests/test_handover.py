"""Handover: opened by the round's new Term, deadlines, sign-off, overdue lists, refusals."""

import datetime

import pytest
from django.utils import timezone

from discipline.models import Report, ReporterIdentity
from renewal.aftercare import handover as services
from renewal.aftercare.figures import handover_complete, handovers_overdue
from renewal.models import (
    DomainError,
    Handover,
    HandoverDeadline,
    HandoverItemKind,
    HandoverRefusal,
    Term,
)
from renewal.tests.aftercare_setup import new_committee

pytestmark = pytest.mark.django_db


def sign_all(handover, actor, day=None):
    for item in handover.items.all():
        services.handover_item_sign(
            actor=actor,
            item=item,
            handed_over_on=day or timezone.localdate(),
            outgoing_name="老书记",
            incoming_name="新书记",
        )
    handover.refresh_from_db()
    return handover


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        pytest.param([], None, id="an empty checklist is never complete"),
        pytest.param(
            [(datetime.date(2026, 3, 1), "甲", "乙"), (datetime.date(2026, 3, 4), "甲", "乙")],
            datetime.date(2026, 3, 4),
            id="complete on the day of the last sign-off",
        ),
        pytest.param(
            [(datetime.date(2026, 3, 1), "甲", ""), (datetime.date(2026, 3, 4), "甲", "乙")],
            None,
            id="an item without the incoming side's signature keeps it open",
        ),
        pytest.param([(None, "甲", "乙")], None, id="an item without its date keeps it open"),
    ],
)
def test_completed_on(items, expected):
    assert services.completed_on(items) == expected


def test_due_date_is_approval_plus_days():
    assert services.due_date(datetime.date(2026, 3, 25), 10) == datetime.date(2026, 4, 4)


def test_new_term_of_the_round_opens_the_handover_due_in_ten_days(world):
    _old, term, _ = new_committee(world["unit_a1"], world["round"])
    handover = Handover.objects.get(unit=world["unit_a1"], body="party")
    today = timezone.localdate()
    assert handover.term == term
    assert handover.approved_on == today
    assert handover.due_on == today + datetime.timedelta(days=10)
    assert "10 天" in handover.deadline_source
    assert [i.kind.name for i in handover.items.all()] == [
        "印章",
        "办公场所",
        "办公设备",
        "财务账簿",
        "集体资产",
        "档案资料",
    ]


def test_baseline_terms_open_no_handover(world):
    Term.objects.create(unit=world["unit_a1"], body="party", elected_on=datetime.date(2021, 1, 5))
    assert not Handover.objects.exists()


def test_county_deadline_setting_in_force_on_the_approval_day_applies(world):
    county = world["county_a"]
    HandoverDeadline.objects.create(
        county=county, effective_from=datetime.date(2020, 1, 1), days=7, source="县通知"
    )
    HandoverDeadline.objects.create(
        county=county, effective_from=datetime.date(2099, 1, 1), days=3, source="将来的通知"
    )
    handover = services.handover_open(
        round_=world["round"],
        unit=world["unit_a1"],
        body="villagers",
        approved_on=datetime.date(2026, 3, 1),
    )
    assert handover.due_on == datetime.date(2026, 3, 8)
    assert "县通知" in handover.deadline_source
    # Another county keeps the default.
    other = services.deadline_for(world["county_b"].pk, datetime.date(2026, 3, 1))
    assert other.days == 10


def test_a_body_is_handed_over_once_per_round(world):
    services.handover_open(round_=world["round"], unit=world["unit_a1"], body="party")
    with pytest.raises(DomainError, match="已开始交接"):
        services.handover_open(round_=world["round"], unit=world["unit_a1"], body="party")


def test_a_later_term_links_the_hand_opened_handover(world):
    opened = services.handover_open(round_=world["round"], unit=world["unit_a1"], body="party")
    _old, term, _ = new_committee(world["unit_a1"], world["round"])
    assert Handover.objects.count() == 1
    opened.refresh_from_db()
    assert opened.term == term


def test_approval_in_the_future_is_refused(world):
    with pytest.raises(DomainError, match="不能晚于今天"):
        services.handover_open(
            round_=world["round"],
            unit=world["unit_a1"],
            body="party",
            approved_on=timezone.localdate() + datetime.timedelta(days=1),
        )


def test_both_sides_must_sign(world, personas):
    handover = services.handover_open(round_=world["round"], unit=world["unit_a1"], body="party")
    item = handover.items.first()
    with pytest.raises(DomainError, match="双方签字"):
        services.handover_item_sign(
            actor=personas["staff_a"],
            item=item,
            handed_over_on=timezone.localdate(),
            outgoing_name="老书记",
            incoming_name="",
        )
    item.refresh_from_db()
    assert not item.signed


def test_handover_completes_when_every_item_is_signed(world, personas):
    handover = services.handover_open(round_=world["round"], unit=world["unit_a1"], body="party")
    first = handover.items.first()
    services.handover_item_sign(
        actor=personas["staff_a"],
        item=first,
        handed_over_on=timezone.localdate(),
        outgoing_name="老书记",
        incoming_name="新书记",
    )
    handover.refresh_from_db()
    assert handover.completed_on is None
    handover = sign_all(handover, personas["staff_a"])
    assert handover.completed_on == timezone.localdate()


def test_overdue_handovers_are_listed_until_complete(client, world, personas):
    today = timezone.localdate()
    late = services.handover_open(
        round_=world["round"],
        unit=world["unit_a1"],
        body="party",
        approved_on=today - datetime.timedelta(days=15),
    )
    services.handover_open(round_=world["round"], unit=world["unit_a2"], body="party")
    assert list(Handover.objects.filter(services.overdue_q(today))) == [late]
    client.force_login(personas["reviewer"])
    page = client.get("/handovers/", {"status": "overdue"}).content.decode()
    assert "大红城村" in page and "南街社区" not in page and "逾期" in page

    sign_all(late, personas["staff_a"])
    assert not Handover.objects.filter(services.overdue_q(today)).exists()
    page = client.get("/handovers/", {"status": "overdue"}).content.decode()
    assert "大红城村" not in page


def test_roll_up_figures_respect_the_day(world, personas):
    today = timezone.localdate()
    rnd, unit = world["round"], world["unit_a1"]
    late = services.handover_open(
        round_=rnd, unit=unit, body="party", approved_on=today - datetime.timedelta(days=15)
    )
    # Recorded on the day of approval.
    Handover.objects.filter(pk=late.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=15)
    )
    ids = [unit.pk, world["unit_a2"].pk]
    assert handovers_overdue(rnd, ids, today - datetime.timedelta(days=16)) == {}
    assert handovers_overdue(rnd, ids, today) == {unit.pk: 1}
    # Five days after approval it was not yet due.
    assert handovers_overdue(rnd, ids, today - datetime.timedelta(days=10)) == {}
    assert handover_complete(rnd, ids, today) == set()
    sign_all(late, personas["staff_a"])
    assert handovers_overdue(rnd, ids, today) == {}
    assert handover_complete(rnd, ids, today) == {unit.pk}
    # Completed today: yesterday it was still overdue and incomplete.
    yesterday = today - datetime.timedelta(days=1)
    assert handovers_overdue(rnd, ids, yesterday) == {unit.pk: 1}
    assert handover_complete(rnd, ids, yesterday) == set()


def refuse(world, personas, handover, **overrides):
    data = {
        "actor": personas["staff_a"],
        "handover": handover,
        "item": handover.items.get(kind__code="seals"),
        "refused_by": "王老书记",
        "refused_on": timezone.localdate(),
        "details": "以账目未清为由拒不交出村党支部公章",
    }
    data.update(overrides)
    return services.handover_refusal_record(**data)


def test_refusal_opens_a_discipline_report_linked_to_the_handover(world, personas):
    handover = services.handover_open(round_=world["round"], unit=world["unit_a1"], body="party")
    refusal = refuse(world, personas, handover)
    report = refusal.report
    assert report.county == world["county_a"]
    assert report.township == world["township_a"]
    assert list(report.units.all()) == [world["unit_a1"]]
    assert report.status == Report.Status.RECEIVED
    assert report.received_by == personas["staff_a"]
    assert "王老书记拒不移交印章" == report.subject
    assert "严禁换届后拒不移交印章" in report.content
    assert report.stage_due is not None
    # The recording staff member is the reporter: sealed, never on the report itself.
    assert ReporterIdentity.objects.filter(report=report).exists()
    assert "staff_a" not in report.content


def test_a_failed_report_leaves_nothing_behind(world, personas, monkeypatch):
    from discipline.intake import services as services_intake

    handover = services.handover_open(round_=world["round"], unit=world["unit_a1"], body="party")

    def broken(**kwargs):
        raise DomainError("举报登记失败")

    monkeypatch.setattr(services_intake, "report_record", broken)
    with pytest.raises(DomainError, match="举报登记失败"):
        refuse(world, personas, handover)
    assert not HandoverRefusal.objects.exists()
    assert not Report.objects.exists()


def test_a_failed_refusal_rolls_back_the_report(world, personas, monkeypatch):
    handover = services.handover_open(round_=world["round"], unit=world["unit_a1"], body="party")

    def broken(**kwargs):
        raise DomainError("写入失败")

    monkeypatch.setattr(HandoverRefusal.objects, "create", broken)
    with pytest.raises(DomainError, match="写入失败"):
        refuse(world, personas, handover)
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param({"refused_by": " "}, "拒不移交人", id="who refused is required"),
        pytest.param({"details": ""}, "写明", id="details are required"),
        pytest.param(
            {"refused_on": datetime.date(2099, 1, 1)}, "不能晚于今天", id="no future date"
        ),
    ],
)
def test_refusal_input_is_checked_before_anything_is_written(world, personas, overrides, message):
    handover = services.handover_open(round_=world["round"], unit=world["unit_a1"], body="party")
    with pytest.raises(DomainError, match=message):
        refuse(world, personas, handover, **overrides)
    assert not Report.objects.exists()


def test_handover_page_shows_the_report_number_but_not_the_reporter(client, world, personas):
    handover = services.handover_open(round_=world["round"], unit=world["unit_a1"], body="party")
    client.force_login(personas["staff_a"])
    response = client.post(
        f"/handovers/{handover.pk}/refusals/new/",
        {
            "item": handover.items.get(kind__code="seals").pk,
            "refused_by": "王老书记",
            "refused_on": timezone.localdate().isoformat(),
            "details": "拒不交出公章",
        },
        follow=True,
    )
    page = response.content.decode()
    report = Report.objects.get()
    assert f"举报编号 {report.number}" in page
    assert "已受理" in page
    assert "乡镇换届工作人员" not in page  # the sealed identity's address


def test_refusal_form_keeps_what_was_typed(client, world, personas):
    handover = services.handover_open(round_=world["round"], unit=world["unit_a1"], body="party")
    client.force_login(personas["staff_a"])
    response = client.post(
        f"/handovers/{handover.pk}/refusals/new/",
        {
            "item": handover.items.first().pk,
            "refused_by": "王老书记",
            "refused_on": "2099-01-01",
            "details": "拒不交出公章",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "不能晚于今天" in page and "王老书记" in page and "拒不交出公章" in page
    assert not Report.objects.exists()


def test_township_staff_open_a_handover_by_hand(client, world, personas):
    client.force_login(personas["staff_a"])
    response = client.post(
        "/handovers/new/",
        {
            "unit": world["unit_a1"].pk,
            "body": "villagers",
            "approved_on": (timezone.localdate() - datetime.timedelta(days=2)).isoformat(),
        },
    )
    handover = Handover.objects.get()
    assert response.status_code == 302
    assert handover.opened_by == personas["staff_a"]
    assert handover.due_on == handover.approved_on + datetime.timedelta(days=10)
    # Units of another township are not offered.
    response = client.post(
        "/handovers/new/",
        {"unit": world["unit_b1"].pk, "body": "party", "approved_on": "2026-01-01"},
    )
    assert response.status_code == 200
    assert Handover.objects.count() == 1


def test_handover_list_query_count_does_not_grow_with_the_page(
    client, world, personas, django_assert_max_num_queries
):
    from tests.factories import UnitFactory

    client.force_login(personas["reviewer"])
    for n in range(3):
        unit = UnitFactory(township=world["township_a"], code=f"15012310030{n}")
        services.handover_open(round_=world["round"], unit=unit, body="party")
    client.get("/handovers/")
    # The list pages by keys: one read of the page's ids, one of their rows.
    with django_assert_max_num_queries(17) as few:
        client.get("/handovers/")
    for n in range(12):
        unit = UnitFactory(township=world["township_b"], code=f"1501231013{n:02d}")
        services.handover_open(round_=world["round"], unit=unit, body="party")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/handovers/")


def test_missing_catalogues_are_loaded_again_rather_than_failing_the_approval(world):
    HandoverItemKind.objects.all().delete()
    HandoverDeadline.objects.all().delete()
    new_committee(world["unit_a1"], world["round"])
    handover = Handover.objects.get()
    assert handover.items.count() == 6
    assert handover.due_on == handover.approved_on + datetime.timedelta(days=10)


def test_a_disabled_checklist_does_not_fail_the_approval(world):
    HandoverItemKind.objects.update(is_active=False)
    _old, term, _ = new_committee(world["unit_a1"], world["round"])
    assert term.pk and not Handover.objects.exists()


def test_handed_over_before_approval_is_refused(world, personas):
    handover = services.handover_open(
        round_=world["round"],
        unit=world["unit_a1"],
        body="party",
        approved_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    with pytest.raises(DomainError, match="不能早于选举结果批复日期"):
        services.handover_item_sign(
            actor=personas["staff_a"],
            item=handover.items.first(),
            handed_over_on=handover.approved_on - datetime.timedelta(days=1),
            outgoing_name="甲",
            incoming_name="乙",
        )


def test_htmx_sign_swaps_the_row_and_redirects_when_complete(client, world, personas):
    handover = services.handover_open(round_=world["round"], unit=world["unit_a1"], body="party")
    items = list(handover.items.all())
    client.force_login(personas["staff_a"])
    today = timezone.localdate().isoformat()

    def sign(item, incoming="新书记"):
        return client.post(
            f"/handovers/{handover.pk}/items/{item.pk}/sign/",
            {
                f"i{item.pk}-handed_over_on": today,
                f"i{item.pk}-outgoing_name": "老书记",
                f"i{item.pk}-incoming_name": incoming,
            },
            HTTP_HX_REQUEST="true",
        )

    bad = sign(items[0], incoming="")
    assert bad.status_code == 200 and "HX-Trigger" not in bad
    assert bad.content.decode().startswith(f'<tr id="item-{items[0].pk}">')
    assert "老书记" in bad.content.decode()
    ok = sign(items[0])
    assert ok["HX-Trigger"] == "handover-changed"
    assert "已签收" in ok.content.decode() and "<html" not in ok.content.decode()
    status = client.get(
        f"/handovers/{handover.pk}/", {"part": "status"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "已签收 1/6 项" in status and "<html" not in status
    for item in items[1:]:
        last = sign(item)
    assert last["HX-Redirect"] == f"/handovers/{handover.pk}/"
    # The fragment follows the page's scope.
    client.force_login(personas["staff_b"])
    response = client.get(f"/handovers/{handover.pk}/", {"part": "status"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 404


def test_the_handover_page_says_what_remains(client, world, personas):
    from renewal.kit.next_steps import next_step

    handover = services.handover_open(round_=world["round"], unit=world["unit_a1"], body="party")
    staff = personas["staff_a"]
    total = handover.items.count()
    found = next_step(staff, handover)
    assert found.text == f"逐项签收交接清单（还有 {total} 项未签收）"
    assert found.url == f"/handovers/{handover.pk}/#items"
    client.force_login(staff)
    page = client.get(f"/handovers/{handover.pk}/").content.decode()
    assert f"还有 {total} 项未签收" in page and 'id="items"' in page
    handover = sign_all(handover, staff)
    found = next_step(staff, handover)
    assert (found.text, found.url) == (
        "新班子培训与承诺",
        f"/onboarding/units/{world['unit_a1'].pk}/",
    )
