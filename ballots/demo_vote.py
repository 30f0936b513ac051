"""Demo data for the villagers' vote: one village of the first township voted, counted and
confirmed, so the result pages have something to show. Deterministic and idempotent."""

import datetime

from django.db.models import Q

from ballots import villagers_vote as vv
from ballots.models import VillagersElection, VillagersRulePack, VoterRegistration
from renewal.models import Person, Unit

DEMO_DAY = datetime.date(2026, 12, 6)


def _pack():
    pack = (
        VillagersRulePack.objects.filter(province_code__in=["15", ""])
        .order_by("-province_code", "-effective_from")
        .first()
    )
    if pack is None:
        pack = VillagersRulePack.objects.create(
            name="全国默认",
            effective_from=datetime.date(2019, 1, 1),
            source="《中华人民共和国村民委员会组织法》(2018 修正)",
        )
    return pack


def _distinct_names(people):
    seen, out = set(), []
    for p in people:
        if p.name not in seen:
            seen.add(p.name)
            out.append(p)
    return out


def seed_villagers_vote(rnd, township, users) -> None:
    unit = Unit.objects.filter(township=township, kind=Unit.Kind.VILLAGE).order_by("code")[7:8]
    unit = unit.first()
    if unit is None:
        return
    election = VillagersElection.objects.filter(round=rnd, unit=unit).first()
    if election is not None and election.vote_rounds.exists():
        return
    if election is None:
        election = VillagersElection.objects.create(
            round=rnd,
            unit=unit,
            pack=_pack(),
            election_day=DEMO_DAY,
            status=VillagersElection.Status.NOMINATING,
        )
    registered_elsewhere = VoterRegistration.objects.filter(round=rnd).values("person_id")
    residents = (
        Person.objects.filter(Q(memberships__branch__unit=unit) | Q(term_seats__term__unit=unit))
        .exclude(pk__in=registered_elsewhere)
        .distinct()
        .order_by("id")
    )
    VoterRegistration.objects.bulk_create(
        VoterRegistration(election=election, round=rnd, person=p, category="resident")
        for p in residents
    )
    voters = [r.person for r in vv.registered_voters(election).select_related("person")]
    people = _distinct_names(voters)
    women = [p for p in people if p.sex == Person.Sex.FEMALE]
    men = [p for p in people if p.sex != Person.Sex.FEMALE]
    if len(voters) < 12 or not women or len(men) < 10:
        return
    staff, leader = users["chengguan"], users["chengguan_sj"]
    seats = vv.seats_by_post(election)
    picks = {
        "director": men[0:2],
        "deputy_director": men[2 : 2 + seats.get("deputy_director", 0) + 1],
        "committee_member": [women[0], *men[5 : 5 + seats.get("committee_member", 1)]],
    }
    if "women_member" in seats:
        picks["women_member"] = women[:2] if len(women) > 1 else []
    for post, chosen in picks.items():
        if post not in seats or not chosen:
            continue
        ids = [
            vv.nomination_add(
                election=election,
                post=post,
                person=p,
                nominators=10 + k,
                source="joint",
                actor=staff,
            ).pk
            for k, p in enumerate(chosen)
        ]
        vv.candidates_confirm(election=election, post=post, nomination_ids=ids)
    main = vv.box_add(election=election, kind="main", name=f"{unit.name}村委会中心会场")
    mobile = vv.box_add(election=election, kind="mobile", name="流动票箱（行动不便选民）")
    for p in men[-3:]:
        vv.official_add(election=election, person=p, role="scrutineer", box=mobile)
    formal = vv.formal_candidates(election)
    total = len(voters)
    for box, share in ((main, 0.7), (mobile, 0.15)):
        issued = int(total * share)
        # Each post's winners get the leading shares, the other candidates a tenth.
        votes = {}
        for post, names in formal.items():
            votes[post] = {name: int(issued * 0.1) for name in names[seats[post] :]}
            for i, name in enumerate(names[: seats[post]]):
                votes[post][name] = int(issued * (0.75 - 0.05 * i))
        box.refresh_from_db()
        vv.box_enter(
            box=box,
            version=box.version,
            actor=staff,
            ballots_issued=issued,
            ballots_returned=issued,
            ballots_invalid=0,
            votes=votes,
        )
    vv.election_count(election=election, actor=staff)
    election.refresh_from_db()
    if election.status == VillagersElection.Status.COUNTED:
        vv.election_approve(election=election, actor=leader)
