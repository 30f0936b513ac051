import hashlib
import re
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from ballots.models import VoterRegistration
from candidates.models import Candidacy
from renewal.kit.idcard import parse_id_number
from renewal.models import (
    PartyMember,
    Person,
    Region,
    RiskPoint,
    SeatChange,
    SupervisionGroup,
    SupervisionMember,
    SupervisionVisit,
    Term,
    TermMember,
    Unit,
    UnitSeats,
)
from renewal.selectors import with_entitled_members

pytestmark = pytest.mark.django_db


def snapshot():
    rows = [
        *Region.objects.order_by("code").values_list("code", "name", "kind"),
        *Unit.objects.order_by("code").values_list("code", "name", "population", "stage", "is_key"),
        *Person.objects.order_by("id_number_hash").values_list(
            "id_number_hash", "name", "birth_date"
        ),
    ]
    digest = hashlib.sha256(repr(rows).encode()).hexdigest()
    counts = tuple(
        m.objects.count()
        for m in (
            Region,
            Unit,
            Person,
            PartyMember,
            Term,
            TermMember,
            RiskPoint,
            UnitSeats,
            SeatChange,
        )
    )
    return digest, counts


def test_seed_twice_gives_the_same_data(settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["county_reviewer"]
    settings.TWO_FACTOR_FOR_SUPERUSERS = True
    out = StringIO()
    call_command("seed_demo", units=40, stdout=out)
    first = snapshot()
    call_command("seed_demo", units=40, stdout=StringIO())
    assert snapshot() == first
    assert "演示账号" in out.getvalue()
    # The accounts that must bind an authenticator app are marked for whoever tries the demo.
    marked = set(re.findall(r"^  (\S+) .*\*$", out.getvalue(), re.MULTILINE))
    assert marked == {"admin", "zuzhibu"}
    assert "身份验证器应用绑定动态口令" in out.getvalue()
    assert first[1][1] == 40
    # Every seeded citizen ID number is valid and agrees with the person's record.
    for person in Person.objects.all()[:300]:
        info = parse_id_number(person.id_number)
        assert info.birth_date == person.birth_date and info.sex == person.sex


def test_seed_builds_previous_terms_and_rosters():
    call_command("seed_demo", units=12, stdout=StringIO())
    unit = Unit.objects.order_by("code").first()
    assert unit.branch.members.count() >= 18
    assert unit.terms.count() == 2
    secretary = TermMember.objects.get(term__unit=unit, term__body="party", post="secretary")
    assert secretary.person.memberships.filter(branch=unit.branch).exists()
    # 应到会 is counted from the roster: the database's count agrees with each member's rule.
    voting = sum(1 for m in unit.branch.members.all() if m.can_vote)
    counted = with_entitled_members(Unit.objects.filter(pk=unit.pk), timezone.localdate()).get()
    assert 0 < counted.entitled_members == voting


def test_seed_refuses_absurd_sizes():
    with pytest.raises(CommandError, match="--units 应在 1 到 100000 之间"):
        call_command("seed_demo", units=0, stdout=StringIO())


def test_seed_elects_the_voted_villages_other_bodies():
    from ballots.models import SupervisionElection, VillagersElection
    from ballots.villagers import groups

    # Ten villages a township: the eighth of the first township is the voted one.
    call_command("seed_demo", units=100, stdout=StringIO())
    voted = VillagersElection.objects.get(status="approved")
    supervision = SupervisionElection.objects.get(villagers=voted)
    assert supervision.status == "approved"
    members = TermMember.objects.filter(term__unit=voted.unit, term__body="supervision")
    assert members.filter(post="supervision_chair").count() == 1
    committee = TermMember.objects.filter(
        term__unit=voted.unit, term__body="villagers", term__round=voted.round
    )
    assert not set(members.values_list("person_id", flat=True)) & set(
        committee.values_list("person_id", flat=True)
    )
    assert groups.women_share(voted).met
    assert voted.group_officers.filter(role="leader").count() == 3
    # The set-up villages have their groups, named as their registers name them.
    for election in VillagersElection.objects.exclude(pk=voted.pk):
        names = set(election.unit.villager_groups.values_list("name", flat=True))
        typed = set(election.registrations.values_list("group_name", flat=True)) - {""}
        assert typed <= names


def province_snapshot():
    return (
        tuple(Region.objects.order_by("code").values_list("code", "name", "kind", "parent__code")),
        tuple(m.objects.count() for m in (Unit, Person, PartyMember, Term, TermMember, UnitSeats)),
        Candidacy.objects.count(),
        VoterRegistration.objects.count(),
        tuple(m.objects.count() for m in (SupervisionGroup, SupervisionMember, SupervisionVisit)),
    )


def test_province_demo_codes_nest_under_their_parents_and_rerun_inserts_nothing():
    out = StringIO()
    call_command("seed_demo", province=True, units=60, stdout=out)
    province = Region.objects.get(kind="province")
    assert (province.code, province.name, province.parent) == ("150000000000", "内蒙古自治区", None)
    cities = list(Region.objects.filter(kind="city"))
    counties = list(Region.objects.filter(kind="county"))
    assert len(cities) == 2 and {c.parent for c in cities} == {province}
    assert len(counties) >= 2 and {c.parent.kind for c in counties} == {"city"}
    # Every region's code passes the model's prefix checks under its parent.
    for region in Region.objects.select_related("parent"):
        region.full_clean()
    units = list(Unit.objects.select_related("township", "county"))
    assert len(units) == 60
    assert len({u.code for u in units}) == 60
    for unit in units:
        assert unit.code[:9] == unit.township.code[:9]
        assert unit.township.parent == unit.county
        assert unit.code[9:] != "000"
        unit.full_clean()
    # Every unit has its roster, previous terms, seats, candidacies and register.
    assert PartyMember.objects.values("branch__unit").distinct().count() == 60
    assert Term.objects.filter(round__isnull=True).count() == 120
    assert UnitSeats.objects.count() == 60
    assert Candidacy.objects.values("unit").distinct().count() == 60
    assert Candidacy.objects.count() == 4 * 60
    assert VoterRegistration.objects.values("election__unit").distinct().count() == 60
    for person in Person.objects.all()[:200]:
        assert parse_id_number(person.id_number).birth_date == person.birth_date
    # The history of the copied rows is recorded, one insert event per row.
    unit_events = apps.get_model("renewal", "UnitEvent").objects.filter(pgh_label="insert")
    assert unit_events.count() == 60
    assert unit_events.filter(pgh_context__metadata__command="seed_demo --province").count() == 60
    person_events = apps.get_model("renewal", "PersonEvent").objects
    assert person_events.count() == Person.objects.count()
    # Each city has a supervision group over its counties, which it has visited.
    for city in cities:
        group = SupervisionGroup.objects.get(city=city)
        assert set(group.counties.all()) == set(Region.objects.filter(parent=city))
        assert {v.county for v in group.visits.all()} == set(group.counties.all())
        assert all(v.unit.county == v.county for v in group.visits.select_related("unit"))

    first = province_snapshot()
    call_command("seed_demo", province=True, units=60, stdout=StringIO())
    assert province_snapshot() == first


def test_province_demo_accounts_read_their_region_only():
    from renewal import access

    call_command("seed_demo", units=12, stdout=StringIO())
    call_command("seed_demo", province=True, units=60, stdout=StringIO())
    users = {u.username: u for u in get_user_model().objects.select_related("profile")}
    province, city = users["shengzuzhibu"], users["shizuzhibu"]
    assert province.profile.role == "province_reviewer"
    assert city.profile.role == "city_reviewer"
    assert province.check_password("Hjt-demo-2026") and city.check_password("Hjt-demo-2026")
    # The province reviewer reads every unit, 和林格尔县's too (it belongs to 呼和浩特市).
    assert access.units_visible_to(province).count() == 72
    huhhot = Region.objects.get(code="150100000000")
    assert Region.objects.get(code="150123000000").parent == huhhot
    in_city = Unit.objects.filter(county__parent=huhhot)
    assert set(access.units_visible_to(city)) == set(in_city)
    # Read-only: neither may change or approve anything.
    for user in (province, city):
        assert not access.writable_townships(user).exists()
        assert not user.is_staff and not user.is_superuser
    # The city reviewer is a member of the city's supervision group and recorded its visits.
    group = SupervisionGroup.objects.get(city=huhhot)
    assert group.members.filter(user=city).exists()
    assert {v.recorded_by for v in group.visits.all()} == {city}


def test_province_demo_refuses_sizes_beyond_its_codes():
    with pytest.raises(CommandError, match="--cities 应在 1 到 12 之间"):
        call_command("seed_demo", province=True, units=60, cities=13, stdout=StringIO())
    with pytest.raises(CommandError, match="--candidacies 应在 0 到 20 之间"):
        call_command("seed_demo", province=True, units=60, candidacies=21, stdout=StringIO())


def test_province_demo_redraws_an_id_number_until_nobody_in_the_database_has_it():
    import random

    from renewal.kit import crypto
    from renewal.management.province_demo import ProvinceBuilder
    from tests.factories import PersonFactory

    builder = ProvinceBuilder(units=60, cities=2, candidacies=0, creator=None, stdout=StringIO())
    row = builder._person(random.Random(1), set(), party=True)
    # Someone has the drawn number, and someone else the number its first redraw gives.
    redrawn = builder._person(random.Random(row[4]), set(), party=True, sex=row[1])
    for taken in (row, redrawn):
        PersonFactory(id_number=taken[3], id_number_hash=taken[4], sex=taken[1])

    builder._avoid_existing([row], set())

    assert row[4] not in {redrawn[4], crypto.blind_index(redrawn[3], purpose="id")}
    assert not Person.objects.filter(id_number_hash=row[4]).exists()
    assert row[4] == crypto.blind_index(row[3], purpose="id")
