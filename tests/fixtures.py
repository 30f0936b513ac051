"""Shared fixtures: the named personas used by every test (STYLE.md)."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from ballots.check_catalogue import load_tally_checks
from ballots.models import TallyCheck
from candidates.catalogues import load_vetting_presets
from candidates.models import VettingPreset
from renewal import services
from renewal.models import Department, Profile, Region, SeatChange
from tests.factories import CountyFactory, RiskPointFactory, TownshipFactory, UnitFactory

PASSWORD = "pw-for-tests-1"


def make_user(username, role, region=None, department=None, full_name=""):
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, first_name=full_name
    )
    services.account_assign_role(user=user, role=role, region=region, department=department)
    return get_user_model().objects.get(pk=user.pk)


def build_world():
    """Two counties of one city of one province; county A has townships A and B; county B
    has township C."""
    province = Region.objects.get_or_create(
        code="150000000000", defaults={"name": "内蒙古自治区", "kind": Region.Kind.PROVINCE}
    )[0]
    city = Region.objects.get_or_create(
        code="150100000000",
        defaults={"name": "呼和浩特市", "kind": Region.Kind.CITY, "parent": province},
    )[0]
    county_a = CountyFactory(code="150123000000", name="和林格尔县", parent=city)
    county_b = CountyFactory(code="150124000000", name="清水河县", parent=city)
    township_a = TownshipFactory(parent=county_a, code="150123100000", name="城关镇")
    township_b = TownshipFactory(parent=county_a, code="150123101000", name="盛乐镇")
    township_c = TownshipFactory(parent=county_b, code="150124100000", name="城关镇(清)")
    unit_a1 = UnitFactory(township=township_a, code="150123100201", name="大红城村")
    unit_a2 = UnitFactory(
        township=township_a,
        code="150123100001",
        name="南街社区",
        kind="community",
        is_key=True,
        key_reasons="选情复杂",
    )
    unit_b1 = UnitFactory(township=township_b, code="150123101201", name="盛乐村")
    unit_c1 = UnitFactory(township=township_c, code="150124100201", name="清水村")
    rnd = services.round_open(county=county_a, year=2026)
    services.round_open(county=county_b, year=2026)
    rnd.stages.filter(code="preparation").update(due_date=datetime.date(2026, 1, 10))
    services.units_refresh_stages(county=county_a)
    return {
        "province": province,
        "city": city,
        "county_a": county_a,
        "county_b": county_b,
        "township_a": township_a,
        "township_b": township_b,
        "township_c": township_c,
        "unit_a1": unit_a1,
        "unit_a2": unit_a2,
        "unit_b1": unit_b1,
        "unit_c1": unit_c1,
        "round": rnd,
        "risk_a1": RiskPointFactory(unit=unit_a1),
    }


@pytest.fixture
def world(db):
    return build_world()


def build_personas(world):
    # Transactional tests flush the migration-seeded catalogue, so make sure it is there.
    police, _ = Department.objects.get_or_create(code="police", defaults={"name": "公安"})
    if not VettingPreset.objects.exists():
        load_vetting_presets(VettingPreset, Department)
    if not TallyCheck.objects.exists():
        load_tally_checks(TallyCheck)
    return {
        "anon": None,
        "staff_a": make_user(
            "staff_a", Profile.Role.TOWNSHIP_STAFF, world["township_a"], full_name="王敏"
        ),
        "leader_a": make_user(
            "leader_a", Profile.Role.TOWNSHIP_LEADER, world["township_a"], full_name="李强"
        ),
        "staff_b": make_user(
            "staff_b", Profile.Role.TOWNSHIP_STAFF, world["township_b"], full_name="赵丽"
        ),
        "reviewer": make_user(
            "reviewer", Profile.Role.COUNTY_REVIEWER, world["county_a"], full_name="刘洋"
        ),
        "reviewer_other": make_user(
            "reviewer_other", Profile.Role.COUNTY_REVIEWER, world["county_b"], full_name="陈静"
        ),
        "discipline": make_user(
            "discipline", Profile.Role.DISCIPLINE_OFFICER, world["county_a"], full_name="杨帆"
        ),
        "city_reviewer": make_user(
            "city_reviewer", Profile.Role.CITY_REVIEWER, world["city"], full_name="孙涛"
        ),
        "province_reviewer": make_user(
            "province_reviewer", Profile.Role.PROVINCE_REVIEWER, world["province"], full_name="马丽"
        ),
        "dept": make_user(
            "dept", Profile.Role.DEPARTMENT_USER, department=police, full_name="黄磊"
        ),
        "admin": make_user("admin", Profile.Role.ADMIN, full_name="周伟"),
    }


@pytest.fixture
def personas(world):
    return build_personas(world)


def build_pending_change(world, personas):
    return services.seat_change_request(
        actor=personas["staff_a"],
        unit=world["unit_a1"],
        body="party",
        requested=7,
        reason="人口多、党员多，工作任务重",
    )


@pytest.fixture
def pending_change(world, personas):
    return build_pending_change(world, personas)


@pytest.fixture
def county_step_change(world, personas, pending_change):
    change = services.seat_change_decide(
        actor=personas["leader_a"], change=pending_change, approve=True, comment="同意"
    )
    assert change.status == SeatChange.Status.PENDING_COUNTY
    return change
