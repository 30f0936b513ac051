"""Villagers' election set-up: rule packs, committee, register, publication, objections, proxies."""

import datetime

import pytest

from ballots.models import (
    CountyVillagersRules,
    ElectionCommitteeMember,
    VillagersElection,
    VillagersRulePack,
    VoterObjection,
    VoterProxy,
    VoterRegistration,
)
from ballots.tests.villagers_helpers import ELECTION_DAY, make_election, register, voter_id
from ballots.villagers import setup, vote
from ballots.villagers.figures import voters_registered
from renewal.kit.figures import unit_figures
from renewal.kit.idcard import make_id_number
from renewal.models import DomainError, Person

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def election(world, personas):
    return make_election(world, personas)


def fresh(obj):
    obj.refresh_from_db()
    return obj


# --- Rule packs -----------------------------------------------------------------------------


def test_the_migration_ships_the_national_pack_and_an_example_province():
    national = VillagersRulePack.objects.get(province_code="", effective_from=D(2018, 12, 29))
    assert (national.min_age, national.publication_days, national.proxy_cap) == (18, 20, 3)
    assert "村民委员会组织法" in national.source
    example = VillagersRulePack.objects.get(province_code="15", effective_from=D(2021, 1, 1))
    assert example.proxy_cap == 2
    assert "示例，请按本省办法核对" in example.source


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2020, 6, 1), ""),  # before the provincial pack took effect: national
        (D(2021, 1, 1), "15"),  # the province's pack from its first day
        (D(2027, 1, 20), "15"),
    ],
)
def test_pack_for_picks_the_provinces_latest_effective_pack_else_national(world, day, expected):
    assert setup.pack_for(world["county_a"], day).province_code == expected


@pytest.mark.parametrize(
    ("day", "edition"),
    [(D(2025, 12, 31), "2018"), (D(2026, 1, 1), "2025"), (D(2027, 1, 20), "2025")],
)
def test_an_election_from_2026_follows_the_2025_amendment(world, day, edition):
    assert setup.pack_for(world["county_a"], day).law_edition == edition


def test_pack_for_prefers_the_countys_choice(world):
    national = VillagersRulePack.objects.get(province_code="", effective_from=D(2018, 12, 29))
    CountyVillagersRules.objects.create(county=world["county_a"], pack=national)
    assert setup.pack_for(world["county_a"], D(2027, 1, 20)) == national


def test_pack_for_refuses_a_day_with_no_pack(world):
    with pytest.raises(DomainError, match="没有生效的村\\(居\\)委会选举规则"):
        setup.pack_for(world["county_a"], D(2010, 1, 1))


# --- The election ---------------------------------------------------------------------------


def test_election_create_resolves_the_pack_and_refuses_a_second(world, personas, election):
    assert election.pack.province_code == "15"
    assert election.round == world["round"]
    assert election.status == VillagersElection.Status.SETUP
    with pytest.raises(DomainError, match="本轮已有村民委员会选举"):
        make_election(world, personas)


def test_communities_use_residents_words(world, personas):
    election = make_election(world, personas, unit="unit_a2")
    assert election.committee_name == "居民委员会"
    assert election.voter_word == "居民"


def test_election_update_moves_the_day_and_checks_the_version(personas, election):
    staff = personas["staff_a"]
    with pytest.raises(DomainError, match="已被他人修改"):
        setup.election_update(
            actor=staff, election=election, election_day=D(2027, 2, 1), version=99
        )
    updated = setup.election_update(
        actor=staff, election=election, election_day=D(2027, 2, 1), version=election.version
    )
    assert updated.election_day == D(2027, 2, 1)


# --- Election committee ---------------------------------------------------------------------


def test_a_member_who_leaves_is_kept_with_reason_and_replacement(personas, election):
    staff = personas["staff_a"]
    chair = setup.committee_member_add(
        actor=staff, election=election, name="王主任", role="chair", id_number=voter_id(1)
    )
    with pytest.raises(DomainError, match="已有主任"):
        setup.committee_member_add(actor=staff, election=election, name="李", role="chair")
    left = setup.committee_member_leave(
        member=chair, reason="被提名为候选人", replacement={"name": "赵递补"}, actor=staff
    )
    assert left.left_on is not None and left.leave_reason == "被提名为候选人"
    assert left.replaced_by.name == "赵递补"
    assert left.replaced_by.role == ElectionCommitteeMember.Role.CHAIR
    with pytest.raises(DomainError, match="已于"):
        setup.committee_member_leave(member=left, reason="再次", actor=staff)
    assert election.committee_members.count() == 2


def test_committee_remove_candidate_is_what_nominations_call(personas, election):
    staff = personas["staff_a"]
    member = setup.committee_member_add(
        actor=staff, election=election, name="选民1", role="member", id_number=voter_id(1)
    )
    outsider = register(election, personas, 2).person
    assert setup.committee_remove_candidate(election, outsider, actor=staff) is None
    left = setup.committee_remove_candidate(election, member.person, actor=staff)
    assert left.pk == member.pk and left.leave_reason == setup.CANDIDATE_LEAVE_REASON
    assert left.replaced_by is None
    replacement = setup.committee_member_replace(actor=staff, member=left, name="钱委员")
    assert fresh(left).replaced_by == replacement


# --- Voter register -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "ok"),
    [
        (D(2009, 1, 20), True),  # 18 on election day itself
        (D(2009, 1, 21), False),  # 18 the day after: too young
        (D(1930, 5, 5), True),
    ],
)
def test_voters_are_18_on_election_day(personas, election, born, ok):
    number = make_id_number("110101", born, 7, "M")
    kwargs = dict(
        actor=personas["staff_a"], election=election, id_number=number, name="甲", category="away"
    )
    if ok:
        assert setup.voter_register(**kwargs).is_active
    else:
        with pytest.raises(DomainError, match="未满 18 周岁"):
            setup.voter_register(**kwargs)


def test_a_second_registration_in_the_county_names_where_the_first_is(world, personas, election):
    register(election, personas, 1)
    other = make_election(world, personas, unit="unit_b1")
    with pytest.raises(DomainError, match="本轮已在城关镇大红城村登记为选民") as exc:
        setup.voter_register(
            actor=personas["reviewer"],
            election=other,
            id_number=voter_id(1),
            name="选民1",
            category="resident",
        )
    assert "只能登记一处" in str(exc.value)
    assert VoterRegistration.objects.filter(election=other).count() == 0


def test_another_countys_round_is_separate(world, personas, election):
    register(election, personas, 1)
    rc = setup.election_create(
        actor=personas["admin"], unit=world["unit_c1"], election_day=ELECTION_DAY
    )
    assert register(rc, personas, 1).is_active


def test_registering_twice_in_the_same_election_is_refused_and_removal_can_be_undone(
    personas, election
):
    reg = register(election, personas, 1)
    with pytest.raises(DomainError, match="已在本村选民名单中"):
        register(election, personas, 1)
    setup.voter_set_active(actor=personas["staff_a"], registration=reg, active=False)
    again = register(election, personas, 1, category="away")
    assert again.pk == reg.pk and again.is_active and again.category == "away"


def test_a_nominee_stays_on_the_register_until_the_nomination_is_withdrawn(personas, election):
    reg = register(election, personas, 1)
    nomination = vote.nomination_add(
        election=election,
        post="director",
        person=reg.person,
        nominators=10,
        source="joint",
        education="senior",
        actor=personas["staff_a"],
    )
    with pytest.raises(DomainError, match="选民1已被提名为候选人，须先撤销提名"):
        setup.voter_set_active(actor=personas["staff_a"], registration=reg, active=False)
    assert fresh(reg).is_active
    vote.nomination_remove(nomination=nomination)
    setup.voter_set_active(actor=personas["staff_a"], registration=reg, active=False)
    assert not fresh(reg).is_active


def test_bad_ids_names_and_categories_are_refused_with_nothing_saved(personas, election):
    staff = personas["staff_a"]
    cases = [
        ({"id_number": "15262219800101001"}, "应为 18 位"),
        ({"id_number": wrong_check_digit(voter_id(1))}, "校验位"),
        ({"category": ""}, "请选择登记类别"),
        ({"name": " "}, "请填写姓名"),
    ]
    for override, message in cases:
        kwargs = dict(
            actor=staff, election=election, id_number=voter_id(1), name="选民1", category="resident"
        )
        kwargs.update(override)
        with pytest.raises(DomainError, match=message):
            setup.voter_register(**kwargs)
    assert not VoterRegistration.objects.exists()
    assert not Person.objects.filter(name="选民1").exists()


def wrong_check_digit(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


def test_a_known_person_with_another_name_is_refused(personas, election):
    register(election, personas, 1)
    with pytest.raises(DomainError, match="已登记在“选民1”名下"):
        setup.voter_person(id_number=voter_id(1), name="别人")


def test_new_voters_get_birth_date_and_sex_from_the_id_number(personas, election):
    person = register(election, personas, 3).person
    assert person.birth_date == D(1953, 4, 4)
    assert person.sex == "M"
    assert person.id_number == voter_id(3)


def test_category_counts_cover_every_category(personas, election):
    register(election, personas, 1)
    register(election, personas, 2, category="away")
    reg = register(election, personas, 3, category="away")
    setup.voter_set_active(actor=personas["staff_a"], registration=reg, active=False)
    assert setup.category_counts(election) == {"resident": 1, "away": 1, "living": 0}


# --- Publication and objections -------------------------------------------------------------


def test_publication_at_least_20_days_before_election_day(personas, election):
    staff = personas["staff_a"]
    with pytest.raises(DomainError, match="名单为空"):
        setup.register_publish(
            actor=staff, election=election, published_on=D(2026, 12, 31), version=election.version
        )
    register(election, personas, 1)
    election = fresh(election)
    with pytest.raises(DomainError, match="最晚应于 2026-12-31 公布"):
        setup.register_publish(
            actor=staff, election=election, published_on=D(2027, 1, 1), version=election.version
        )
    done = setup.register_publish(
        actor=staff, election=election, published_on=D(2026, 12, 31), version=election.version
    )
    assert done.register_published_on == D(2026, 12, 31)
    assert done.status == VillagersElection.Status.PUBLISHED


@pytest.fixture
def published(personas, election):
    for n in (1, 2, 3):
        register(election, personas, n)
    election = fresh(election)
    return setup.register_publish(
        actor=personas["staff_a"],
        election=election,
        published_on=D(2026, 12, 20),
        version=election.version,
    )


def test_objections_before_publication_are_refused(personas, election):
    reg = register(election, personas, 1)
    with pytest.raises(DomainError, match="尚未公布"):
        setup.objection_receive(
            actor=personas["staff_a"],
            election=election,
            raised_by="李",
            received_on=D(2026, 12, 21),
            reason="r",
            registration=reg,
        )


@pytest.mark.parametrize(
    ("received", "ok"),
    [(D(2026, 12, 25), True), (D(2026, 12, 26), False), (D(2026, 12, 19), False)],
)
def test_objections_within_5_days_of_publication(personas, published, received, ok):
    reg = published.registrations.first()
    kwargs = dict(
        actor=personas["staff_a"],
        election=published,
        raised_by="李",
        received_on=received,
        reason="已迁出本村",
        registration=reg,
    )
    if ok:
        objection = setup.objection_receive(**kwargs)
        assert objection.raise_deadline == D(2026, 12, 25)
        assert objection.answer_due == received + datetime.timedelta(days=3)
    else:
        with pytest.raises(DomainError, match=r"逾期|早于"):
            setup.objection_receive(**kwargs)


def test_an_upheld_removal_takes_the_voter_off_and_lapses_their_proxies(personas, published):
    staff = personas["staff_a"]
    a, _b, c = published.registrations.order_by("pk")
    setup.proxy_create(
        actor=staff,
        election=published,
        holder=a,
        principal=c,
        relation="spouse",
        written_on=D(2027, 1, 2),
    )
    objection = setup.objection_receive(
        actor=staff,
        election=published,
        raised_by="李",
        received_on=D(2026, 12, 22),
        reason="户籍已迁出且不在本村居住",
        registration=c,
    )
    assert objection.is_overdue(D(2026, 12, 26)) and not objection.is_overdue(D(2026, 12, 25))
    setup.objection_answer(
        actor=staff,
        objection=objection,
        outcome="upheld",
        answered_on=D(2026, 12, 24),
        answer="经核实异议成立",
    )
    assert not fresh(c).is_active
    assert not VoterProxy.objects.exists()
    with pytest.raises(DomainError, match="已答复"):
        setup.objection_answer(
            actor=staff,
            objection=objection,
            outcome="rejected",
            answered_on=D(2026, 12, 24),
            answer="x",
        )


def test_an_upheld_addition_registers_the_person_and_a_rejected_one_does_not(personas, published):
    staff = personas["staff_a"]
    add = dict(
        actor=staff,
        election=published,
        raised_by="本人",
        received_on=D(2026, 12, 21),
        reason="户籍在本村，漏登",
        category="resident",
        group_name="第二小组",
    )
    upheld = setup.objection_receive(**add, id_number=voter_id(10), name="漏登甲")
    rejected = setup.objection_receive(**add, id_number=voter_id(11), name="漏登乙")
    for objection, outcome in ((upheld, "upheld"), (rejected, "rejected")):
        setup.objection_answer(
            actor=staff,
            objection=objection,
            outcome=outcome,
            answered_on=D(2026, 12, 23),
            answer="已核实",
        )
    with pytest.raises(DomainError, match="已在本村选民名单中"):
        setup.objection_receive(**add, id_number=voter_id(1), name="选民1")
    names = set(published.registrations.values_list("person__name", flat=True))
    assert "漏登甲" in names and "漏登乙" not in names
    assert fresh(upheld).outcome == VoterObjection.Outcome.UPHELD


# --- Proxies --------------------------------------------------------------------------------


@pytest.fixture
def voters(personas, election):
    return [register(election, personas, n) for n in range(1, 8)]


def proxy(personas, election, holder, principal, relation="child"):
    return setup.proxy_create(
        actor=personas["staff_a"],
        election=election,
        holder=holder,
        principal=principal,
        relation=relation,
        written_on=D(2027, 1, 10),
    )


def test_proxy_cap_follows_the_pack(personas, election, voters):
    """The example Inner Mongolia pack allows 2 proxies per holder."""
    holder = voters[0]
    proxy(personas, election, holder, voters[1])
    proxy(personas, election, holder, voters[2])
    with pytest.raises(DomainError, match="不得超过 2 人"):
        proxy(personas, election, holder, voters[3])


def test_national_pack_allows_three(world, personas, election, voters):
    national = VillagersRulePack.objects.get(province_code="", effective_from=D(2018, 12, 29))
    VillagersElection.objects.filter(pk=election.pk).update(pack=national)
    election = fresh(election)
    for principal in voters[1:4]:
        proxy(personas, election, voters[0], principal)
    with pytest.raises(DomainError, match="不得超过 3 人"):
        proxy(personas, election, voters[0], voters[4])


def test_no_proxy_chains_and_one_proxy_per_principal(personas, election, voters):
    a, b, c, d = voters[:4]
    proxy(personas, election, a, b)
    with pytest.raises(DomainError, match="已委托他人投票，每人只能委托一次"):
        proxy(personas, election, c, b)
    with pytest.raises(DomainError, match="已接受他人委托，不能再委托别人"):
        proxy(personas, election, c, a)
    with pytest.raises(DomainError, match="本人已委托他人投票，不能再接受委托"):
        proxy(personas, election, b, d)


def test_proxies_need_voters_of_the_same_election_a_relative_and_not_oneself(
    world, personas, election, voters
):
    other = make_election(world, personas, unit="unit_a2")
    stranger = register(other, personas, 50)
    with pytest.raises(DomainError, match="不是本村的选民"):
        proxy(personas, election, stranger, voters[1])
    with pytest.raises(DomainError, match="近亲属"):
        proxy(personas, election, voters[0], voters[1], relation="friend")
    with pytest.raises(DomainError, match="不能委托给本人"):
        proxy(personas, election, voters[0], voters[0])
    setup.voter_set_active(actor=personas["staff_a"], registration=voters[2], active=False)
    with pytest.raises(DomainError, match="已不在选民名单中"):
        proxy(personas, election, voters[0], voters[2])
    assert not VoterProxy.objects.exists()


# --- Figures --------------------------------------------------------------------------------


def test_voters_registered_figure_is_registered_and_counts_per_unit(
    world, personas, election, django_assert_max_num_queries
):
    assert "voters_registered" in {f.code for f in unit_figures()}
    register(election, personas, 1)
    register(election, personas, 2)
    other = make_election(world, personas, unit="unit_a2")
    register(other, personas, 3)
    ids = [world["unit_a1"].pk, world["unit_a2"].pk, world["unit_b1"].pk]
    today = datetime.date.today()
    with django_assert_max_num_queries(1):
        counts = voters_registered(world["round"], ids, today)
    assert counts == {world["unit_a1"].pk: 2, world["unit_a2"].pk: 1}
    assert voters_registered(world["round"], ids, today - datetime.timedelta(days=1)) == {}


def test_a_proxy_after_the_packs_cut_off_is_refused_with_the_date(personas, election, voters):
    from ballots.villagers.schedule import cutoff

    last, rule = cutoff(election, "proxies")
    assert last == election.election_day - datetime.timedelta(days=rule.days)
    with pytest.raises(
        DomainError, match=f"书面委托日期不能晚于 {last:%Y-%m-%d}（委托投票办理截止"
    ):
        setup.proxy_create(
            actor=personas["staff_a"],
            election=election,
            holder=voters[0],
            principal=voters[1],
            relation="child",
            written_on=last + datetime.timedelta(days=1),
        )
    assert not VoterProxy.objects.exists()
    setup.proxy_create(
        actor=personas["staff_a"],
        election=election,
        holder=voters[0],
        principal=voters[1],
        relation="child",
        written_on=last,
    )
