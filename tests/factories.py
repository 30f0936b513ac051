import datetime

import factory

from renewal.kit import crypto
from renewal.kit.idcard import make_id_number
from renewal.models import PartyBranch, Person, Region, RiskPoint, Unit


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{150100 + n:06d}000000")
    name = factory.Sequence(lambda n: f"测试县{n}")
    kind = Region.Kind.COUNTY


class TownshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    parent = factory.SubFactory(CountyFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.parent.code[:6]}{100 + n % 900:03d}000")
    name = factory.Sequence(lambda n: f"测试镇{n}")
    kind = Region.Kind.TOWNSHIP


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        skip_postgeneration_save = True

    township = factory.SubFactory(TownshipFactory)
    county = factory.LazyAttribute(lambda o: o.township.parent)
    # The last three digits stay clear of the ones tests write out (001 and 201 in the shared
    # world, 202 to 5xx in single tests), whatever the process's running count has reached.
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.township.code[:9]}{600 + n % 400:03d}")
    name = factory.Sequence(lambda n: f"测试{n}村")
    kind = Unit.Kind.VILLAGE
    population = 1200
    households = 400
    groups = 6

    @factory.post_generation
    def branch(obj, create, extracted, **kwargs):
        if create:
            PartyBranch.objects.create(unit=obj, name=f"中共{obj.name}支部委员会")


class RiskPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskPoint

    unit = factory.SubFactory(UnitFactory)
    category = RiskPoint.Category.CLAN
    description = "宗族势力较强"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"张{n}")
    sex = "M"
    birth_date = datetime.date(1980, 5, 6)
    education = "senior"

    @factory.lazy_attribute_sequence
    def id_number(self, n):
        return make_id_number("152622", self.birth_date, n, self.sex)

    id_number_hash = factory.LazyAttribute(lambda o: crypto.blind_index(o.id_number, purpose="id"))


def add_roster(branch, count: int, *, probationary: int = 0):
    """Full members (and some probationary ones) on a branch's roster."""
    from renewal.models import PartyMember

    for i in range(count + probationary):
        PartyMember.objects.create(
            branch=branch,
            person=PersonFactory(),
            status="full" if i < count else "probationary",
            joined_on=datetime.date(2000, 1, 1) + datetime.timedelta(days=i),
        )


def party_member(unit, person=None, **fields):
    """``person`` (a new one if None) as a full member with voting rights on the unit's branch
    roster: who may stand for the party committee. ``fields`` override the membership's."""
    from renewal.models import PartyMember

    person = person or PersonFactory(political_status="full_member")
    membership = {"status": "full", "joined_on": datetime.date(2005, 7, 1), **fields}
    PartyMember.objects.update_or_create(branch=unit.branch, person=person, defaults=membership)
    return person


# --- Villagers' election: voting, counting and results ----------------------------------


def villagers_election(unit, rnd, *, voters=0, names=(), women=(), day=None, **pack_fields):
    """An election of ``unit`` in ``rnd`` with active registrations: the named persons first
    (those in ``women`` are female), then anonymous voters up to ``voters`` in all."""
    from ballots.models import VillagersElection, VillagersRulePack, VoterRegistration

    pack, _ = VillagersRulePack.objects.get_or_create(
        province_code="",
        effective_from=datetime.date(2020, 1, 1),
        defaults={"name": "全国默认", "source": "《村民委员会组织法》", **pack_fields},
    )
    election = VillagersElection.objects.create(
        round=rnd,
        unit=unit,
        pack=pack,
        election_day=day or datetime.date(2026, 11, 29),
        status=VillagersElection.Status.NOMINATING,
    )
    people = {}
    for name in names:
        people[name] = PersonFactory(name=name, sex="F" if name in women else "M")
    extra = [PersonFactory() for _ in range(max(voters - len(people), 0))]
    VoterRegistration.objects.bulk_create(
        VoterRegistration(election=election, round=rnd, person=p, category="resident")
        for p in [*people.values(), *extra]
    )
    return election, people


def make_formal(unit, people, *, secretary=None) -> None:
    """Formal candidacies for the party committee of ``people`` (the ``secretary`` person
    also for the secretary's post)."""
    from django.contrib.auth import get_user_model

    from candidates.models import Candidacy
    from renewal.models import RenewalRound

    rnd = RenewalRound.objects.get(county_id=unit.county_id, is_active=True)
    clerk, _ = get_user_model().objects.get_or_create(
        username="factory-clerk", defaults={"first_name": "录入员"}
    )
    for person in people:
        posts = ["party_member"] + (["secretary"] if person == secretary else [])
        for post in posts:
            Candidacy.objects.create(
                round=rnd,
                unit=unit,
                person=person,
                body="party",
                post=post,
                status="formal",
                created_by=clerk,
            )


def roster_members(unit, names) -> list:
    """New people named ``names``, full members on the unit's roster."""
    from renewal.models import PartyMember

    people = []
    for name in names:
        person = PersonFactory(name=name, political_status="full_member")
        PartyMember.objects.create(
            branch=unit.branch, person=person, status="full", joined_on=datetime.date(2000, 1, 1)
        )
        people.append(person)
    return people


def formal_party_candidates(unit, names, *, secretary: str = "") -> list:
    """New people named ``names`` on the unit's roster (full members), each with a formal
    candidacy for the party committee (``secretary`` also for the secretary's post)."""
    people = roster_members(unit, names)
    chosen = next((p for p in people if p.name == secretary), None)
    make_formal(unit, people, secretary=chosen)
    return people
