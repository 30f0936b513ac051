"""The city's supervision groups (巡回督查组): what a group and a visit must satisfy, and who
reads and writes them."""

import datetime

import pytest
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone

from renewal import services
from renewal.aftercare import access, supervision
from renewal.models import (
    DomainError,
    Region,
    RenewalRound,
    SupervisionGroup,
    SupervisionMember,
    SupervisionVisit,
    constraint_refusals,
)
from renewal.tests.aftercare_setup import build_supervision
from tests.factories import CountyFactory

pytestmark = pytest.mark.django_db


def save(world, **overrides):
    data = {
        "city": world["city"],
        "year": 2026,
        "name": "市第二巡回督查组",
        "leader_name": "冯组长",
        "leader_post": "市委组织部副部长",
        "members": [("褚成员", "市委组织部干部", None)],
        "counties": [world["county_a"], world["county_b"]],
    }
    data.update(overrides)
    return supervision.group_save(**data)


def other_city_county():
    baotou = Region.objects.create(
        code="150200000000", name="包头市", kind="city", parent=Region.objects.get(kind="province")
    )
    return CountyFactory(code="150222000000", name="固阳县", parent=baotou)


def test_a_group_covers_several_counties_of_its_city(world):
    group = save(world)
    assert set(group.counties.all()) == {world["county_a"], world["county_b"]}
    assert SupervisionMember.objects.get(group=group).name == "褚成员"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"counties": []}, "请至少选择一个督查区县"),
        ({"members": []}, "请至少填写一名督查组成员"),
        ({"name": "  "}, "请填写督查组名称"),
        ({"leader_post": ""}, "请填写组长职务"),
        ({"year": None}, "请填写换届年度"),
        ({"year": 2031}, "尚未设立 2031 年度的换届"),
    ],
)
def test_a_group_is_refused_with_a_reason(world, overrides, message):
    with pytest.raises(DomainError, match=message):
        save(world, **overrides)
    assert not SupervisionGroup.objects.exists()


def test_a_county_of_another_city_is_not_covered(world):
    outside = other_city_county()
    with pytest.raises(DomainError, match="“固阳县”不属于呼和浩特市"):
        save(world, counties=[world["county_a"], outside])
    assert not SupervisionGroup.objects.exists()


def test_a_township_is_not_a_county(world):
    with pytest.raises(DomainError, match="“城关镇”不属于呼和浩特市"):
        save(world, counties=[world["township_a"]])


def test_only_a_city_forms_a_group(world):
    with pytest.raises(DomainError, match="请选择一个市"):
        save(world, city=world["province"])


def test_two_groups_of_one_year_have_different_names(world):
    first = save(world)
    with pytest.raises(DomainError, match="已有名为“市第二巡回督查组”"):
        save(world)
    assert save(world, group=first, leader_name="新组长").leader_name == "新组长"


def test_a_visited_county_stays_covered(world, personas):
    group = save(world)
    supervision.visit_record(
        actor=personas["city_reviewer"],
        group=group,
        county=world["county_b"],
        visited_on=timezone.localdate(),
        findings="换届风险排查不细",
    )
    with pytest.raises(DomainError, match="清水河县已有本组的督查记录"):
        save(world, group=group, counties=[world["county_a"]])
    assert group.counties.count() == 2


def visit(world, personas, group, **overrides):
    data = {
        "actor": personas["city_reviewer"],
        "group": group,
        "county": world["county_a"],
        "unit": None,
        "visited_on": timezone.localdate(),
        "findings": "个别村党员大会筹备滞后",
    }
    data.update(overrides)
    return supervision.visit_record(**data)


def test_a_visit_is_to_a_covered_county_or_one_of_its_units(world, personas):
    group = save(world, counties=[world["county_a"]])
    assert visit(world, personas, group).unit is None
    assert visit(world, personas, group, unit=world["unit_a2"]).unit == world["unit_a2"]
    with pytest.raises(DomainError, match="“清水河县”不在本督查组的督查范围内"):
        visit(world, personas, group, county=world["county_b"])
    with pytest.raises(DomainError, match="“清水村”不属于和林格尔县"):
        visit(world, personas, group, unit=world["unit_c1"])
    with pytest.raises(DomainError, match="请选择督查的区县"):
        visit(world, personas, group, county=None)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(DomainError, match="不能晚于今天"):
        visit(world, personas, group, visited_on=tomorrow)
    with pytest.raises(DomainError, match="请填写发现问题"):
        visit(world, personas, group, findings=" ")
    assert SupervisionVisit.objects.count() == 2


def test_a_new_city_reviewer_may_run_the_citys_groups(world, personas):
    city = world["city"]
    assert access.can_manage_supervision(personas["city_reviewer"], city.pk)
    for persona in ("province_reviewer", "reviewer", "discipline", "staff_a"):
        assert not access.can_manage_supervision(personas[persona], city.pk), persona
    # The grant reaches nothing of the counties': the city reviewer still approves nothing.
    assert not access.can_write_county(personas["city_reviewer"], world["county_a"].pk)


# --- Pages ---------------------------------------------------------------------------------


def test_the_city_creates_a_group_with_the_form(client, world, personas):
    client.force_login(personas["city_reviewer"])
    page = client.get("/supervision/new/").content.decode()
    assert "和林格尔县" in page and "清水河县" in page and 'value="2026"' in page
    response = client.post(
        "/supervision/new/",
        {
            "name": "市第三巡回督查组",
            "year": "2026",
            "leader_name": "蒋组长",
            "leader_post": "市委组织部副部长",
            "counties": [world["county_a"].pk, world["county_b"].pk],
            "members-TOTAL_FORMS": "3",
            "members-INITIAL_FORMS": "0",
            "members-0-name": "沈成员",
            "members-0-post": "市委组织部干部",
            "members-0-user": str(personas["city_reviewer"].pk),
        },
    )
    group = SupervisionGroup.objects.get()
    assert response.status_code == 302 and response.url == f"/supervision/{group.pk}/"
    assert group.members.get().user == personas["city_reviewer"]


def test_a_refused_group_keeps_what_was_typed(client, world, personas):
    client.force_login(personas["city_reviewer"])
    response = client.post(
        "/supervision/new/",
        {
            "name": "市第三巡回督查组",
            "year": "2030",
            "leader_name": "蒋组长",
            "leader_post": "市委组织部副部长",
            "counties": [world["county_a"].pk],
            "members-TOTAL_FORMS": "3",
            "members-INITIAL_FORMS": "0",
            "members-0-name": "沈成员",
            "members-0-post": "市委组织部干部",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "和林格尔县尚未设立 2030 年度的换届" in page and "沈成员" in page
    assert not SupervisionGroup.objects.exists()


def test_a_county_reads_only_its_own_findings(client, world, personas):
    made = build_supervision(world, personas)
    group = made["group"]
    group.counties.add(world["county_b"])
    visit(world, personas, group, county=world["county_b"], findings="清水河县的问题")
    client.force_login(personas["reviewer"])
    page = client.get(f"/supervision/{group.pk}/").content.decode()
    assert "候选人资格联审材料不全" in page and "清水河县的问题" not in page
    assert "清水河县" not in page and "登记督查情况" not in page
    assert f"/supervision/{group.pk}/edit/" not in page
    client.force_login(personas["reviewer_other"])
    page = client.get(f"/supervision/{group.pk}/").content.decode()
    assert "清水河县的问题" in page and "候选人资格联审材料不全" not in page
    client.force_login(personas["city_reviewer"])
    page = client.get(f"/supervision/{group.pk}/").content.decode()
    assert "清水河县的问题" in page and "候选人资格联审材料不全" in page
    assert "登记督查情况" in page


def test_a_group_of_another_city_is_not_found(client, world, personas):
    outside = other_city_county()
    services.round_open(county=outside, year=2026)
    group = save(world, city=outside.parent, counties=[outside])
    for persona in ("city_reviewer", "reviewer", "staff_a"):
        client.force_login(personas[persona])
        assert client.get(f"/supervision/{group.pk}/").status_code == 404, persona
    assert "市第二巡回督查组" not in client.get("/supervision/").content.decode()
    client.force_login(personas["province_reviewer"])
    assert client.get(f"/supervision/{group.pk}/").status_code == 200
    assert "市第二巡回督查组" in client.get("/supervision/").content.decode()


def test_the_list_shows_each_reader_the_groups_about_them(client, world, personas):
    build_supervision(world, personas)
    client.force_login(personas["reviewer"])
    page = client.get("/supervision/").content.decode()
    assert "市第一巡回督查组" in page and "和林格尔县" in page
    client.force_login(personas["reviewer_other"])
    assert "市第一巡回督查组" not in client.get("/supervision/").content.decode()
    save(world)  # both counties
    page = client.get("/supervision/").content.decode()
    assert "市第二巡回督查组" in page and "清水河县" in page and "和林格尔县" not in page
    client.force_login(personas["city_reviewer"])
    page = client.get("/supervision/").content.decode()
    assert page.count("和林格尔县") == 2 and "新建巡回督查组" in page
    client.force_login(personas["staff_a"])
    assert client.get("/supervision/").status_code == 403


def test_a_reviewer_moved_off_the_city_no_longer_runs_its_groups(world, personas):
    user = personas["city_reviewer"]
    services.account_assign_role(user=user, role="county_reviewer", region=world["county_a"])
    assert not access.can_manage_supervision(user, world["city"].pk)
    services.account_assign_role(user=user, role="city_reviewer", region=world["city"])
    assert access.can_manage_supervision(user, world["city"].pk)


def test_city_reviewers_from_before_the_groups_receive_the_grant(world, personas):
    import importlib

    from django.apps import apps
    from guardian.shortcuts import remove_perm

    migration = importlib.import_module("renewal.migrations.0029_city_reviewers_supervise")
    user = personas["city_reviewer"]
    remove_perm("renewal.supervise_region", user, world["city"])
    user = type(user).objects.get(pk=user.pk)
    assert not access.can_manage_supervision(user, world["city"].pk)
    migration.grant(apps, None)
    user = type(user).objects.get(pk=user.pk)
    assert access.can_manage_supervision(user, world["city"].pk)
    assert not access.can_manage_supervision(personas["province_reviewer"], world["city"].pk)


def test_a_group_with_visits_keeps_its_year(world, personas):
    group = save(world)
    visit(world, personas, group)
    for county in (world["county_a"], world["county_b"]):
        RenewalRound.objects.create(county=county, year=2027, is_active=False)
    with pytest.raises(DomainError, match="不能再改换届年度"):
        save(world, group=group, year=2027)
    group.refresh_from_db()
    assert group.year == 2026


def test_a_name_taken_by_a_concurrent_save_is_refused_in_words(world):
    first = save(world)
    with pytest.raises(DomainError, match="同名巡回督查组"), constraint_refusals(SupervisionGroup):
        # What a second save that passed the name check at the same moment then writes.
        with transaction.atomic():
            SupervisionGroup.objects.create(
                city=first.city,
                year=first.year,
                name=first.name,
                leader_name="甲",
                leader_post="乙",
            )
    assert SupervisionGroup.objects.filter(name=first.name).count() == 1


def test_a_member_whose_account_moved_is_still_offered_on_the_form(world, personas):
    from renewal.aftercare.views.guidance import members_formset, with_members_accounts
    from renewal.aftercare.views.supervision import _city_accounts

    moved = personas["staff_b"]  # an account outside the city's own users
    group = save(world, members=[("褚成员", "市委组织部干部", moved)])
    accounts = with_members_accounts(_city_accounts(world["city"]), group)
    assert moved.pk in accounts and moved.pk not in _city_accounts(world["city"])
    form = members_formset(RequestFactory().get("/"), group, accounts)
    assert moved.pk in [pk for pk, _label in form.forms[0].fields["user"].choices if pk]


def _member_events(group):
    from django.apps import apps

    event = apps.get_model("renewal", "SupervisionMemberEvent")
    return list(
        event.objects.filter(group_id=group.pk).order_by("pgh_id").values_list("pgh_label", "name")
    )


def test_saving_the_form_keeps_unchanged_members_and_changes_the_others_in_place(
    client, world, personas
):
    group = save(
        world,
        members=[
            ("褚成员", "市委组织部干部", None),
            ("卫成员", "市纪委干部", None),
            ("蒋成员", "市民政局干部", None),
        ],
    )
    kept, changed, removed = group.members.order_by("pk")
    before = _member_events(group)
    client.force_login(personas["city_reviewer"])
    response = client.post(
        f"/supervision/{group.pk}/edit/",
        {
            "name": group.name,
            "year": "2026",
            "leader_name": group.leader_name,
            "leader_post": group.leader_post,
            "counties": [world["county_a"].pk, world["county_b"].pk],
            "members-TOTAL_FORMS": "4",
            "members-INITIAL_FORMS": "3",
            "members-0-member": str(kept.pk),
            "members-0-name": "褚成员",
            "members-0-post": "市委组织部干部",
            "members-1-member": str(changed.pk),
            "members-1-name": "卫成员",
            "members-1-post": "市纪委监委干部",
            "members-1-user": str(personas["city_reviewer"].pk),
            "members-2-member": str(removed.pk),
            "members-3-name": "沈成员",
            "members-3-post": "市委组织部干部",
        },
    )
    assert response.status_code == 302
    rows = {m.pk: (m.name, m.post, m.user_id) for m in group.members.all()}
    assert rows[kept.pk] == ("褚成员", "市委组织部干部", None)
    assert rows[changed.pk] == ("卫成员", "市纪委监委干部", personas["city_reviewer"].pk)
    assert removed.pk not in rows
    assert sorted(name for name, _post, _user in rows.values()) == sorted(
        ["褚成员", "卫成员", "沈成员"]
    )
    # One event for each change, none for the member left as it was.
    assert _member_events(group)[len(before) :] == [
        ("delete", "蒋成员"),
        ("update", "卫成员"),
        ("insert", "沈成员"),
    ]


def test_saving_the_same_members_again_writes_nothing(world):
    members = [("褚成员", "市委组织部干部", None), ("卫成员", "市纪委干部", None)]
    group = save(world, members=members)
    ids = sorted(group.members.values_list("pk", flat=True))
    before = _member_events(group)
    save(world, group=group, members=list(reversed(members)))
    assert sorted(group.members.values_list("pk", flat=True)) == ids
    assert _member_events(group) == before


def test_reversing_the_grant_migration_keeps_grants_it_did_not_create(world, personas):
    import importlib

    from django.apps import apps
    from guardian.shortcuts import assign_perm

    migration = importlib.import_module("renewal.migrations.0029_city_reviewers_supervise")
    newcomer = services.account_assign_role(
        user=type(personas["city_reviewer"]).objects.create_user("city_new"),
        role="city_reviewer",
        region=world["city"],
    )
    # An administrator's grant to another account, by hand.
    assign_perm("renewal.supervise_region", personas["province_reviewer"], world["city"])
    migration.revoke(apps, None)
    for user in (newcomer, personas["province_reviewer"], personas["city_reviewer"]):
        user = type(user).objects.get(pk=user.pk)
        assert access.can_manage_supervision(user, world["city"].pk), user.username


def _group_post(world, county, **extra):
    return {
        "name": "市第三巡回督查组",
        "year": "2026",
        "leader_name": "蒋组长",
        "leader_post": "市委组织部副部长",
        "counties": [county.pk],
        "members-TOTAL_FORMS": "3",
        "members-INITIAL_FORMS": "0",
        "members-0-name": "沈成员",
        "members-0-post": "市委组织部干部",
        **extra,
    }


def test_an_administrator_chooses_the_city_of_a_new_group(client, world, personas):
    outside = other_city_county()
    services.round_open(county=outside, year=2026)
    baotou = outside.parent
    client.force_login(personas["admin"])
    page = client.get("/supervision/new/").content.decode()
    assert 'name="city"' in page and "包头市" in page and "呼和浩特市" in page
    assert 'name="counties"' not in page
    page = client.get(f"/supervision/new/?city={baotou.pk}").content.decode()
    assert "固阳县" in page and "和林格尔县" not in page
    response = client.post(f"/supervision/new/?city={baotou.pk}", _group_post(world, outside))
    assert response.status_code == 302
    assert SupervisionGroup.objects.get().city == baotou
    # A county of another city than the one chosen is not a choice.
    response = client.post(
        f"/supervision/new/?city={baotou.pk}",
        _group_post(world, world["county_a"], name="市第四巡回督查组"),
    )
    assert response.status_code == 200 and SupervisionGroup.objects.count() == 1


def test_a_city_reviewer_forms_groups_of_their_own_city_only(client, world, personas):
    outside = other_city_county()
    services.round_open(county=outside, year=2026)
    client.force_login(personas["city_reviewer"])
    page = client.get("/supervision/new/").content.decode()
    assert 'name="city"' not in page and "和林格尔县" in page and "固阳县" not in page
    assert client.get(f"/supervision/new/?city={outside.parent.pk}").status_code == 404
    response = client.post(
        f"/supervision/new/?city={outside.parent.pk}", _group_post(world, outside)
    )
    assert response.status_code == 404 and not SupervisionGroup.objects.exists()


# --- The visit form: county → township → unit ------------------------------------------------


def _options(page, name):
    import re

    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1)) if select else None


def test_the_visit_form_lists_units_only_of_the_chosen_township(client, world, personas):
    group = save(world)  # both counties
    client.force_login(personas["city_reviewer"])
    page = client.get(f"/supervision/{group.pk}/").content.decode()
    assert _options(page, "county") == ["---------", "和林格尔县", "清水河县"]
    assert _options(page, "township") == ["不具体到村(社区)"]
    assert _options(page, "unit") == ["不具体到村(社区)"]
    place = f"/supervision/{group.pk}/visits/place/"
    page = client.get(place, {"county": world["county_a"].pk}).content.decode()
    assert _options(page, "township") == ["不具体到村(社区)", "城关镇", "盛乐镇"]
    assert _options(page, "unit") == ["不具体到村(社区)"]
    chosen = {"county": world["county_a"].pk, "township": world["township_a"].pk}
    page = client.get(place, chosen).content.decode()
    assert _options(page, "unit") == ["不具体到村(社区)", "南街社区", "大红城村"]
    assert f'<option value="{world["township_a"].pk}" selected>' in page
    # The county changed: the other county's township and unit are dropped, not kept.
    page = client.get(
        place,
        {"county": world["county_b"].pk, **{k: v for k, v in chosen.items() if k != "county"}},
    ).content.decode()
    assert _options(page, "township") == ["不具体到村(社区)", "城关镇(清)"]
    assert "selected" not in page.split('name="township"')[1].split("</select>")[0]
    assert _options(page, "unit") == ["不具体到村(社区)"]


def test_the_visit_place_lists_are_the_groups_loggers_only(client, world, personas):
    group = build_supervision(world, personas)["group"]  # county A only
    place = f"/supervision/{group.pk}/visits/place/"
    client.force_login(personas["city_reviewer"])
    assert client.get(place, {"county": world["county_b"].pk}).status_code == 404
    assert client.get(place, {"county": "x"}).status_code == 404
    page = client.get(place).content.decode()
    # One county covered: it is chosen already and its townships are offered.
    assert _options(page, "township") == ["不具体到村(社区)", "城关镇", "盛乐镇"]
    for persona, status in (("reviewer", 403), ("staff_a", 404), ("reviewer_other", 404)):
        client.force_login(personas[persona])
        assert client.get(place, {"county": world["county_a"].pk}).status_code == status, persona


def test_a_unit_outside_the_chosen_township_is_refused_and_what_was_typed_stays(
    client, world, personas
):
    group = save(world)
    client.force_login(personas["city_reviewer"])
    data = {
        "county": world["county_a"].pk,
        "township": world["township_a"].pk,
        "visited_on": timezone.localdate().isoformat(),
        "findings": "换届风险排查不细",
    }
    for unit in ("unit_b1", "unit_c1"):
        response = client.post(
            f"/supervision/{group.pk}/visits/new/", {**data, "unit": world[unit].pk}
        )
        page = response.content.decode()
        assert response.status_code == 200 and "村(社区)的选项无效" in page, unit
        assert "换届风险排查不细" in page
        assert f'<option value="{world["township_a"].pk}" selected>' in page
    response = client.post(
        f"/supervision/{group.pk}/visits/new/",
        {**data, "township": world["township_c"].pk, "unit": world["unit_c1"].pk},
    )
    assert "乡镇(街道)的选项无效" in response.content.decode()
    assert not SupervisionVisit.objects.exists()
    response = client.post(
        f"/supervision/{group.pk}/visits/new/", {**data, "unit": world["unit_a1"].pk}
    )
    assert response.status_code == 302
    assert SupervisionVisit.objects.get().unit == world["unit_a1"]
