"""Key units' plans (一村一策) and guidance groups with their visits."""

import datetime

import pytest
from django.utils import timezone

from renewal.aftercare import guidance
from renewal.aftercare.figures import key_units_without_plan
from renewal.models import DomainError, GuidanceGroup, GuidanceMember, GuidanceVisit, KeyUnitPlan

pytestmark = pytest.mark.django_db


def plan(world, unit="unit_a2", **overrides):
    data = {
        "unit": world[unit],
        "round_": world["round"],
        "content": "选情复杂，两派矛盾突出",
        "measures": "县级领导包联，提前化解矛盾",
        "status": "drafting",
        "leader_name": "李县长",
        "leader_post": "副县长",
    }
    data.update(overrides)
    return guidance.plan_save(**data)


def test_a_plan_is_for_a_key_unit(world):
    with pytest.raises(DomainError, match="未标为重点难点村"):
        plan(world, unit="unit_a1")


def test_saving_again_updates_the_units_plan(world):
    first = plan(world)
    second = plan(world, status="resolved")
    assert first.pk == second.pk and KeyUnitPlan.objects.get().status == "resolved"


def test_the_responsible_leader_is_required(world):
    with pytest.raises(DomainError, match="包联领导姓名"):
        plan(world, leader_name="  ")


def test_key_units_without_a_plan_are_listed_and_counted(client, world, personas):
    rnd, today = world["round"], timezone.localdate()
    ids = [world["unit_a1"].pk, world["unit_a2"].pk]
    assert key_units_without_plan(rnd, ids, today) == {world["unit_a2"].pk: 1}
    client.force_login(personas["staff_a"])
    page = client.get("/plans/", {"status": "missing"}).content.decode()
    assert "南街社区" in page and "未制定方案" in page
    plan(world)
    assert key_units_without_plan(rnd, ids, today) == {}
    # The plan did not exist yesterday.
    yesterday = today - datetime.timedelta(days=1)
    assert key_units_without_plan(rnd, ids, yesterday) == {world["unit_a2"].pk: 1}
    page = client.get("/plans/", {"status": "missing"}).content.decode()
    assert "南街社区" not in page


def test_plan_form_keeps_what_was_typed(client, world, personas):
    client.force_login(personas["staff_a"])
    response = client.post(
        f"/plans/units/{world['unit_a2'].pk}/",
        {"content": "矛盾纠纷多", "measures": "", "status": "drafting", "leader_name": "李"},
    )
    assert response.status_code == 200
    assert "矛盾纠纷多" in response.content.decode()
    assert not KeyUnitPlan.objects.exists()


def group(world, **overrides):
    data = {
        "county": world["county_a"],
        "round_": world["round"],
        "name": "第二指导组",
        "leader_name": "孙组长",
        "leader_post": "县政协副主席",
        "members": [("周成员", "县纪委干部", None)],
        "units": [world["unit_a1"]],
    }
    data.update(overrides)
    return guidance.group_save(**data)


def test_group_covers_only_units_of_its_county(world):
    with pytest.raises(DomainError, match="不属于和林格尔县"):
        group(world, units=[world["unit_c1"]])


def test_group_names_are_unique_in_a_round(world):
    group(world)
    with pytest.raises(DomainError, match="已有名为"):
        group(world)


def test_visits_are_logged_for_covered_units_only(world, personas):
    g = group(world)
    with pytest.raises(DomainError, match="包联的村"):
        guidance.visit_record(
            actor=personas["reviewer"],
            group=g,
            unit=world["unit_a2"],
            visited_on=timezone.localdate(),
            findings="无",
        )
    visit = guidance.visit_record(
        actor=personas["reviewer"],
        group=g,
        unit=world["unit_a1"],
        visited_on=timezone.localdate(),
        findings="候选人有拉票迹象",
        follow_up="约谈提醒",
    )
    assert GuidanceVisit.objects.get() == visit


def test_a_member_with_an_account_logs_visits(client, world, personas):
    g = group(world, members=[("郑成员", "县委组织部", personas["staff_a"])])
    client.force_login(personas["staff_a"])
    response = client.post(
        f"/guidance/{g.pk}/visits/new/",
        {
            "unit": world["unit_a1"].pk,
            "visited_on": timezone.localdate().isoformat(),
            "findings": "宗族势力干扰",
        },
    )
    assert response.status_code == 302
    assert GuidanceVisit.objects.filter(group=g).count() == 1


def test_reviewer_creates_a_group_from_the_form(client, world, personas):
    client.force_login(personas["reviewer"])
    response = client.post(
        "/guidance/new/",
        {
            "name": "第三指导组",
            "leader_name": "王组长",
            "leader_post": "县委常委",
            "units": [world["unit_a1"].pk, world["unit_b1"].pk],
            **member_rows(
                ("陈成员", "县委宣传部", ""), ("郑成员", "城关镇", personas["staff_a"].pk)
            ),
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "第三指导组" in page and "陈成员" in page and "盛乐村" in page
    members = GuidanceMember.objects.filter(group__name="第三指导组").order_by("name")
    assert [(m.name, m.post, m.user) for m in members] == [
        ("郑成员", "城关镇", personas["staff_a"]),
        ("陈成员", "县委宣传部", None),
    ]


def member_rows(*rows):
    data = {"members-TOTAL_FORMS": str(len(rows) + 1), "members-INITIAL_FORMS": "0"}
    for number, (name, post, user) in enumerate(rows):
        data |= {
            f"members-{number}-name": name,
            f"members-{number}-post": post,
            f"members-{number}-user": user,
        }
    return data


def test_the_member_rows_offer_accounts_by_name_and_keep_what_was_typed(client, world, personas):
    client.force_login(personas["reviewer"])
    page = client.get("/guidance/new/").content.decode()
    assert "赵丽（乡镇(街道)工作人员） · 盛乐镇" in page
    assert "staff_b" not in page  # logins are never offered as words
    response = client.post(
        "/guidance/new/",
        {
            "name": "第四指导组",
            "leader_name": "王组长",
            "leader_post": "县委常委",
            **member_rows(("", "县委宣传部", ""), ("钱成员", "", "")),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "请填写成员姓名。" in page and "请填写成员的单位及职务。" in page
    assert 'value="县委宣传部"' in page and 'value="钱成员"' in page
    assert not GuidanceGroup.objects.filter(name="第四指导组").exists()


def test_a_guidance_group_saved_again_keeps_its_members_rows(world, personas):
    g = group(world, members=[("钱成员", "县委组织部干部", None), ("孙成员", "县民政局", None)])
    first, second = g.members.order_by("pk")
    group(
        world,
        group=g,
        members=[
            ("钱成员", "县委组织部干部", None, first.pk),
            ("孙成员", "县民政局副局长", personas["staff_a"], second.pk),
        ],
    )
    assert [(m.pk, m.post, m.user) for m in g.members.order_by("pk")] == [
        (first.pk, "县委组织部干部", None),
        (second.pk, "县民政局副局长", personas["staff_a"]),
    ]
