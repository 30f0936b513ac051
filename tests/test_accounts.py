import pytest
from django.contrib.auth import get_user_model
from guardian.shortcuts import get_perms

from renewal import services
from renewal.models import DomainError, Profile

pytestmark = pytest.mark.django_db


def test_changing_role_replaces_region_grants(world):
    user = get_user_model().objects.create_user("mover", password="x")
    services.account_assign_role(
        user=user, role=Profile.Role.TOWNSHIP_STAFF, region=world["township_a"]
    )
    assert set(get_perms(user, world["township_a"])) == {"view_region", "change_region"}
    services.account_assign_role(
        user=user, role=Profile.Role.TOWNSHIP_STAFF, region=world["township_b"]
    )
    user = get_user_model().objects.get(pk=user.pk)
    assert get_perms(user, world["township_a"]) == []
    assert set(get_perms(user, world["township_b"])) == {"view_region", "change_region"}


@pytest.mark.parametrize(
    ("role", "region_key", "message"),
    [
        (Profile.Role.TOWNSHIP_STAFF, "county_a", "必须绑定一个乡镇或街道"),
        (Profile.Role.COUNTY_REVIEWER, "township_a", "必须绑定一个区县"),
        (Profile.Role.DEPARTMENT_USER, None, "必须指定所属部门"),
    ],
)
def test_role_needs_matching_region(world, role, region_key, message):
    user = get_user_model().objects.create_user("x", password="x")
    with pytest.raises(DomainError, match=message):
        services.account_assign_role(
            user=user, role=role, region=world[region_key] if region_key else None
        )


def test_login_page_in_chinese_and_wrong_password(client, personas):
    response = client.post("/login/", {"username": "staff_a", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    response = client.post("/login/", {"username": "staff_a", "password": "pw-for-tests-1"})
    assert response.status_code == 302


def test_admin_opens_round_through_the_service(client, personas, world):
    client.force_login(personas["admin"])
    response = client.post(
        "/admin/renewal/renewalround/add/",
        {
            "county": world["county_b"].pk,
            "year": 2031,
            "is_active": "on",
            "party_seats_default": 5,
            "villagers_seats_default": 5,
            "seats_min": 3,
            "seats_max": 9,
            "seats_source": "县委组织部方案",
        },
    )
    assert response.status_code == 302, [
        line for line in response.content.decode().splitlines() if "error" in line
    ]
    from renewal.models import RenewalRound, UnitSeats

    rnd = RenewalRound.objects.get(county=world["county_b"], year=2031)
    assert rnd.is_active and rnd.stages.count() == 9
    assert UnitSeats.objects.filter(round=rnd, unit=world["unit_c1"]).exists()
