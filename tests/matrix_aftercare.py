"""Permission-matrix rows for exit audits, key-unit plans, guidance groups, handovers and
onboarding (see test_permission_matrix.py).

Reads follow the unit's region (other township and other county: 404; departments: 403 on
lists, 404 on objects). Writes: township staff of the unit and county reviewers; discipline
officers read only (403). The audit catalogue and guidance groups are county-only.
The guidance group covers township A's units only: township B and the other county get 404
on every guidance page, as they would on the units themselves.
The city's supervision groups are the city's to write (its reviewers' one write); a county
reads those that cover it, townships none. Their rows also name two personas of their own
(EXTRA_PERSONAS): a reviewer of a second city, who finds nothing of the first city's groups,
and a reviewer of the world's city who is no group's member, so that only the city grant
lets them in.
"""

from django.utils import timezone

from renewal import services
from renewal.aftercare import supervision
from renewal.models import Profile, Region
from renewal.tests import aftercare_setup
from tests.factories import CountyFactory, TownshipFactory, UnitFactory
from tests.fixtures import make_user

# Personas only the supervision rows name, built by extras() into ``ac_personas``.
EXTRA_PERSONAS = ("city_reviewer_b", "city_plain")


def second_city(world):
    """A second city of the province, with one county in the same renewal year, its own
    reviewer, and a supervision group of its own with a visit."""
    city = Region.objects.create(
        code="150200000000", name="包头市", kind=Region.Kind.CITY, parent=world["province"]
    )
    county = CountyFactory(code="150222000000", name="固阳县", parent=city)
    township = TownshipFactory(parent=county, code="150222100000", name="金山镇")
    unit = UnitFactory(township=township, code="150222100201", name="金山村")
    services.round_open(county=county, year=world["round"].year)
    reviewer = make_user("city_reviewer_b", Profile.Role.CITY_REVIEWER, city, full_name="钱进")
    group = supervision.group_save(
        city=city,
        year=world["round"].year,
        name="固阳督查组",
        leader_name="冯组长",
        leader_post="包头市委组织部副部长",
        members=[("冯成员", "包头市委组织部干部", reviewer)],
        counties=[county],
    )
    supervision.visit_record(
        actor=reviewer,
        group=group,
        county=county,
        unit=unit,
        visited_on=timezone.localdate(),
        findings="固阳县资格联审滞后",
    )
    return reviewer, group


def extras(world, personas):
    built = aftercare_setup.build(world, personas)
    built["supervision"] = aftercare_setup.build_supervision(world, personas)["group"]

    reviewer_b, built["supervision_b"] = second_city(world)
    built["personas"] = {
        "city_reviewer_b": reviewer_b,
        "city_plain": make_user(
            "city_plain", Profile.Role.CITY_REVIEWER, world["city"], full_name="韩梅"
        ),
    }
    return {f"ac_{k}": v for k, v in built.items()}


def _group_data(w, x, **extra):
    """The supervision group form as the world's group fills it (members by their rows)."""
    group = x["ac_supervision"]
    data = {
        "name": group.name,
        "year": str(group.year),
        "leader_name": group.leader_name,
        "leader_post": "市委组织部部务委员",
        "counties": [w["county_a"].pk],
        "members-TOTAL_FORMS": "3",
        "members-INITIAL_FORMS": "1",
    }
    for i, m in enumerate(group.members.order_by("pk")):
        data |= {
            f"members-{i}-member": m.pk,
            f"members-{i}-name": m.name,
            f"members-{i}-post": m.post,
            f"members-{i}-user": m.user_id or "",
        }
    return data | extra


def more(row: dict, **statuses) -> dict:
    """A row's statuses and those of the supervision rows' own personas."""
    return {**row, **statuses}


def rows(expect):
    today = timezone.localdate().isoformat()
    lists = expect(dept=403)
    read = expect(staff_a=200, staff_b=404, reviewer=200, reviewer_other=404, discipline=200)
    write = expect(
        staff_a=302, staff_b=404, reviewer=302, reviewer_other=404, discipline=403, admin=302
    )
    county_page = expect(staff_a=403, reviewer=200, reviewer_other=200, discipline=403, dept=403)
    county_object = expect(staff_a=403, reviewer=200, reviewer_other=404, discipline=403)
    city_list = expect(
        staff_a=403, reviewer=200, reviewer_other=200, discipline=200, city_reviewer=200, dept=403
    )
    city_read = expect(staff_a=404, reviewer=200, reviewer_other=404, city_reviewer=200)

    def city_write(ok):
        return expect(
            staff_a=404,
            reviewer=403,
            reviewer_other=404,
            discipline=403,
            city_reviewer=ok,
            province_reviewer=403,
            admin=ok,
        )

    def city_create(ok, admin=200):
        return expect(
            staff_a=403,
            reviewer=403,
            reviewer_other=403,
            discipline=403,
            city_reviewer=ok,
            province_reviewer=403,
            dept=403,
            admin=admin,
        )

    A1 = lambda w: w["unit_a1"].pk  # noqa: E731
    return {
        "aftercare:overview": ("get", lambda w, x: "/aftercare/", None, lists),
        "aftercare:audit-list": ("get", lambda w, x: "/audits/", None, lists),
        "aftercare:ledger": ("get", lambda w, x: "/audits/ledger/", None, lists),
        "aftercare:category-list": ("get", lambda w, x: "/audits/categories/", None, county_page),
        "aftercare:category-edit": (
            "get",
            lambda w, x: f"/audits/categories/{x['ac_category'].pk}/edit/",
            None,
            county_object,
        ),
        "aftercare:unit-audit": ("get", lambda w, x: f"/audits/units/{A1(w)}/", None, read),
        "aftercare:finding-add": (
            "post",
            lambda w, x: f"/audits/{x['ac_audit'].pk}/findings/new/",
            lambda w, x: {"category": x["ac_category"].pk, "description": "账目不清"},
            write,
        ),
        "aftercare:finding-edit": (
            "get",
            lambda w, x: f"/audits/findings/{x['ac_finding'].pk}/edit/",
            None,
            expect(staff_a=200, staff_b=404, reviewer=200, reviewer_other=404, discipline=403),
        ),
        "aftercare:rectification-add": (
            "post",
            lambda w, x: f"/audits/findings/{x['ac_finding'].pk}/rectifications/new/",
            lambda w, x: {
                f"r{x['ac_finding'].pk}-measure": "清理账目",
                f"r{x['ac_finding'].pk}-responsible": "王会计",
                f"r{x['ac_finding'].pk}-due_on": today,
            },
            write,
        ),
        "aftercare:rectification-edit": (
            "get",
            lambda w, x: f"/audits/rectifications/{x['ac_line'].pk}/",
            None,
            read,
        ),
        "aftercare:rectification-attachment": (
            "get",
            lambda w, x: f"/audits/rectifications/{x['ac_line'].pk}/attachment/",
            None,
            read,
        ),
        "aftercare:plan-list": ("get", lambda w, x: "/plans/", None, lists),
        "aftercare:unit-plan": (
            "get",
            lambda w, x: f"/plans/units/{w['unit_a2'].pk}/",
            None,
            read,
        ),
        "aftercare:group-list": ("get", lambda w, x: "/guidance/", None, lists),
        "aftercare:group-create": ("get", lambda w, x: "/guidance/new/", None, county_page),
        "aftercare:group-detail": (
            "get",
            lambda w, x: f"/guidance/{x['ac_group'].pk}/",
            None,
            read,
        ),
        "aftercare:group-edit": (
            "get",
            lambda w, x: f"/guidance/{x['ac_group'].pk}/edit/",
            None,
            expect(staff_a=403, staff_b=404, reviewer=200, reviewer_other=404, discipline=403),
        ),
        "aftercare:visit-add": (
            "post",
            lambda w, x: f"/guidance/{x['ac_group'].pk}/visits/new/",
            lambda w, x: {"unit": w["unit_a1"].pk, "visited_on": today, "findings": "宗族干扰"},
            expect(
                staff_a=403,
                staff_b=404,
                reviewer=302,
                reviewer_other=404,
                discipline=403,
                admin=302,
            ),
        ),
        # The city's supervision group covers county A: the city runs it (the province reads
        # it), county A's reviewer and discipline officer read it, townships and the other
        # county never find it. A reviewer of the second city finds none of it (404), and may
        # form groups of their own city only; a reviewer of the city who is no member runs it.
        "aftercare:supervision-list": (
            "get",
            lambda w, x: "/supervision/",
            None,
            more(city_list, city_reviewer_b=200, city_plain=200),
        ),
        "aftercare:supervision-create": (
            "get",
            lambda w, x: "/supervision/new/",
            None,
            more(city_create(200), city_reviewer_b=200, city_plain=200),
        ),
        "aftercare:supervision-create (post)": (
            "post",
            lambda w, x: f"/supervision/new/?city={w['city'].pk}",
            lambda w, x: _group_data(w, x, name="市第二巡回督查组"),
            more(city_create(302, admin=302), city_reviewer_b=404, city_plain=302),
        ),
        "aftercare:supervision-detail": (
            "get",
            lambda w, x: f"/supervision/{x['ac_supervision'].pk}/",
            None,
            more(city_read, city_reviewer_b=404, city_plain=200),
        ),
        "aftercare:supervision-edit": (
            "get",
            lambda w, x: f"/supervision/{x['ac_supervision'].pk}/edit/",
            None,
            more(city_write(200), city_reviewer_b=404, city_plain=200),
        ),
        "aftercare:supervision-edit (post)": (
            "post",
            lambda w, x: f"/supervision/{x['ac_supervision'].pk}/edit/",
            _group_data,
            more(city_write(302), city_reviewer_b=404, city_plain=302),
        ),
        "aftercare:supervision-visit-add": (
            "post",
            lambda w, x: f"/supervision/{x['ac_supervision'].pk}/visits/new/",
            lambda w, x: {
                "county": w["county_a"].pk,
                "township": w["township_a"].pk,
                "unit": w["unit_a1"].pk,
                "visited_on": today,
                "findings": "联审材料不全",
            },
            more(city_write(302), city_reviewer_b=404, city_plain=302),
        ),
        # The visit form's township and unit lists for a county the group covers.
        "aftercare:supervision-visit-place": (
            "get",
            lambda w, x: (
                f"/supervision/{x['ac_supervision'].pk}/visits/place/"
                f"?county={w['county_a'].pk}&township={w['township_a'].pk}"
            ),
            None,
            more(city_write(200), city_reviewer_b=404, city_plain=200),
        ),
        "aftercare:handover-list": ("get", lambda w, x: "/handovers/", None, lists),
        "aftercare:handover-create": (
            "get",
            lambda w, x: "/handovers/new/",
            None,
            expect(discipline=403, dept=403),
        ),
        "aftercare:handover-detail": (
            "get",
            lambda w, x: f"/handovers/{x['ac_handover'].pk}/",
            None,
            read,
        ),
        "aftercare:handover-sign": (
            "post",
            lambda w, x: (
                f"/handovers/{x['ac_handover'].pk}/items/{x['ac_handover'].items.first().pk}/sign/"
            ),
            lambda w, x: {
                f"i{x['ac_handover'].items.first().pk}-handed_over_on": today,
                f"i{x['ac_handover'].items.first().pk}-outgoing_name": "离任0",
                f"i{x['ac_handover'].items.first().pk}-incoming_name": "新任0",
            },
            write,
        ),
        "aftercare:handover-refuse": (
            "post",
            lambda w, x: f"/handovers/{x['ac_handover'].pk}/refusals/new/",
            lambda w, x: {
                "item": x["ac_handover"].items.first().pk,
                "refused_by": "离任0",
                "refused_on": today,
                "details": "拒不交出公章",
            },
            write,
        ),
        "aftercare:onboarding-list": ("get", lambda w, x: "/onboarding/", None, lists),
        "aftercare:unit-onboarding": (
            "get",
            lambda w, x: f"/onboarding/units/{A1(w)}/",
            None,
            read,
        ),
        "aftercare:training-add": (
            "post",
            lambda w, x: f"/onboarding/units/{A1(w)}/training/",
            lambda w, x: {
                "title": "新班子履职培训",
                "held_on": today,
                "attendees": [p.pk for p in x["ac_people"]["arriving"]],
            },
            write,
        ),
        "aftercare:pledge-add": (
            "post",
            lambda w, x: f"/onboarding/units/{A1(w)}/pledges/",
            lambda w, x: {
                "people": [x["ac_people"]["arriving"][0].pk],
                "kind": "integrity",
                "summary": "廉洁履职",
                "signed_on": today,
            },
            write,
        ),
    }
