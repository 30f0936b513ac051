import hashlib
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from renewal.kit.idcard import parse_id_number
from renewal.models import (
    PartyMember,
    Person,
    Region,
    RiskPoint,
    SeatChange,
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
