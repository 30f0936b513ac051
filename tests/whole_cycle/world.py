"""The set-up an administrator does before a renewal starts, and the browser sessions of
everyone who takes part in it.

The county, its townships and units, the round and its timetable, the departments and the
accounts exist before anyone enters data; everything after that is done in the browser by
`Cycle.as_(role)`, one logged-in tab per role, kept for the whole cycle.
"""

from django.contrib.auth import get_user_model

from renewal import services
from renewal.kit import crypto
from renewal.models import Department, Person, Profile, Term, TermMember, UnitSeats
from tests.factories import UnitFactory
from tests.fixtures import PASSWORD, build_world
from tests.whole_cycle import cast

# role -> (login, full name, profile role, region key, department code, 双签 identity)
ACCOUNTS = {
    "staff": ("chengguan_clerk", "李文", "township_staff", "township_a", "", ""),
    # A second clerk: counts entered twice are entered by two accounts.
    "staff2": ("chengguan_clerk2", "陈红", "township_staff", "township_a", "", ""),
    "leader": ("chengguan_leader", "王书记", "township_leader", "township_a", "", ""),
    "minister": ("county_minister", "赵部长", "county_reviewer", "county_a", "", "minister"),
    "county_secretary": (
        "county_secretary",
        "钱书记",
        "county_reviewer",
        "county_a",
        "",
        "county_secretary",
    ),
    "reviewer": ("county_reviewer", "孙科长", "county_reviewer", "county_a", "", ""),
    "police": ("police_vetting", "周警官", "department_user", "", "police", ""),
    "discipline_dept": ("jiwei_vetting", "吴主任", "department_user", "", "discipline", ""),
    "discipline": ("county_jiwei", "郑科长", "discipline_officer", "county_a", "", ""),
    "admin": ("sysadmin", "冯工", "admin", "", "", ""),
}


def build_cycle_world() -> dict:
    """The shared test world (two counties) plus 小红城村, three seats for each party
    committee and each villagers' committee, and the accounts of `ACCOUNTS` under "users"."""
    world = build_world()
    world["unit_a3"] = UnitFactory(
        township=world["township_a"], code="150123100202", name="小红城村"
    )
    rnd = world["round"]
    for key in cast.PEOPLE:
        UnitSeats.objects.update_or_create(
            round=rnd,
            unit=world[key],
            defaults={"party": cast.PARTY_SEATS, "villagers": cast.VILLAGERS_SEATS},
        )
    _previous_terms(world)
    users = {}
    for role, (login, full_name, profile_role, region, dept, signoff) in ACCOUNTS.items():
        user = get_user_model().objects.create_user(
            username=login, password=PASSWORD, first_name=full_name
        )
        department = None
        if dept:
            department, _ = Department.objects.get_or_create(code=dept)
        services.account_assign_role(
            user=user,
            role=profile_role,
            region=world[region] if region else None,
            department=department,
        )
        if signoff:
            Profile.objects.filter(user=user).update(signoff=signoff)
        users[role] = get_user_model().objects.get(pk=user.pk)
    world["users"] = users
    return world


def cast_person(member: cast.Member) -> Person:
    """The Person of a cast member, created on first use, found by ID number after."""
    found = Person.objects.filter(
        id_number_hash=crypto.blind_index(member.id_number, purpose="id")
    ).first()
    if found:
        return found
    person = Person(
        name=member.name,
        sex=member.sex,
        birth_date=member.birth_date,
        education=cast.EDUCATION_CODES[member.education],
        political_status="full_member" if member.status == cast.FULL else "masses",
        party_joined_on=member.joined_on,
    )
    person.set_id_number(member.id_number)
    person.save()
    return person


def _previous_terms(world) -> None:
    """The committees elected in 2021 (no round): the baseline the renewal replaces."""
    for key, bodies in cast.PREVIOUS_TERMS.items():
        for body, seats in bodies.items():
            term = Term.objects.create(
                unit=world[key], body=body, elected_on=cast.PREVIOUS_ELECTED_ON
            )
            TermMember.objects.bulk_create(
                TermMember(term=term, person=cast_person(cast.BY_KEY[k]), post=post)
                for k, post in seats
            )


class Cycle:
    """The browser side of the cycle: one logged-in page per role, opened on first use."""

    def __init__(self, live_server, new_context, world):
        self.base = live_server.url
        self.world = world
        self._new_context = new_context
        self._pages = {}

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def as_(self, role: str):
        """The page of ``role`` (a key of ACCOUNTS), logged in."""
        if role not in self._pages:
            page = self._new_context().new_page()
            login = ACCOUNTS[role][0]
            page.goto(self.url("/login/"))
            page.fill("#id_username", login)
            page.fill("#id_password", PASSWORD)
            page.keyboard.press("Enter")
            page.wait_for_url(self.url("/"))
            self._pages[role] = page
        return self._pages[role]

    def unit(self, key: str):
        return self.world[key]
