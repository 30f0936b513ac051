"""Villagers' / residents' committee election: nominations, polling, counting, results, recall.

The set-up (rule pack, committee, voter register) is ``ballots.villagers.setup``; this module starts from a registered electorate. Counting
is the pure engine (``ballots.counting``) over a ballot record built here from the
boxes' counts; every round exports as a ballot-record/1 file ``recount`` confirms.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ballots import check_catalogue, checks, counting
from ballots import double_entry as entered_twice
from ballots.models import (
    BallotBox,
    CountyVillagersRules,
    NomineeRelative,
    VillagersBallotSetup,
    VillagersElection,
    VillagersNomination,
    VillagersPost,
    VillagersRecall,
    VillagersRound,
    VillagersWriteIn,
    VoteOfficial,
    VoterRegistration,
)
from ballots.record import RecordError, record_to_json_dict, validate_record
from ballots.strokes import stroke_sort_key
from ballots.villagers import entry_chain
from ballots.villagers.setup import committee_remove_candidate
from candidates.services import (
    candidacies_formal_by_election,
    candidacies_learn_outcome,
    candidacies_unformal_by_election,
    candidacy_for_nomination,
    candidacy_withdraw,
)
from renewal.kit import crypto
from renewal.kit.idcard import IdNumberError, parse_id_number
from renewal.kit.naming import ballot_names, standing
from renewal.models import (
    Body,
    DomainError,
    Education,
    Person,
    Post,
    Term,
    TermMember,
    UnitSeats,
)

POST_ORDER = [
    VillagersPost.DIRECTOR,
    VillagersPost.DEPUTY_DIRECTOR,
    VillagersPost.COMMITTEE_MEMBER,
    VillagersPost.WOMEN_MEMBER,
]
TERM_POST = {
    VillagersPost.DIRECTOR: Post.DIRECTOR,
    VillagersPost.DEPUTY_DIRECTOR: Post.DEPUTY_DIRECTOR,
    VillagersPost.COMMITTEE_MEMBER: Post.COMMITTEE_MEMBER,
    VillagersPost.WOMEN_MEMBER: Post.WOMEN_MEMBER,
}


# --- Pure rules ----------------------------------------------------------------------------------


def combined_tallies(votes: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int]]:
    """One ballot for several posts: a name's member tally adds its votes for
    director, deputy and member; its deputy tally adds director and deputy votes. The
    separately elected women's seat keeps its own votes."""
    director = dict(votes.get(VillagersPost.DIRECTOR, {}))
    deputy = _add(director, votes.get(VillagersPost.DEPUTY_DIRECTOR, {}))
    member = _add(deputy, votes.get(VillagersPost.COMMITTEE_MEMBER, {}))
    result = {
        VillagersPost.DIRECTOR.value: director,
        VillagersPost.DEPUTY_DIRECTOR.value: deputy,
        VillagersPost.COMMITTEE_MEMBER.value: member,
    }
    if VillagersPost.WOMEN_MEMBER in votes:
        result[VillagersPost.WOMEN_MEMBER.value] = dict(votes[VillagersPost.WOMEN_MEMBER])
    return result


def _add(a: Mapping[str, int], b: Mapping[str, int]) -> dict[str, int]:
    out = dict(a)
    for name, n in b.items():
        out[name] = out.get(name, 0) + n
    return out


def candidates_needed(seats: int, extra: int) -> int:
    """差额: candidates must be at least seats + the pack's extra."""
    return seats + extra


def signatures_needed(registered: int, den: int) -> int:
    """A recall needs at least 1/den of the registered voters' signatures."""
    return math.ceil(Fraction(registered, den)) if registered else 1


def recall_passes(*, registered: int, voted: int, in_favour: int) -> bool:
    """More than half of the registered voters vote, and more than half of them agree."""
    return 2 * voted > registered and 2 * in_favour > voted


@dataclass(frozen=True)
class DualRoles:
    one_shoulder: bool
    cross: tuple[int, ...]  # person ids on both committees
    members_total: int  # distinct persons on the two committees


def dual_roles_of(party: Iterable[tuple[int, str]], villagers: Iterable[tuple[int, str]]):
    """一肩挑 (the party secretary is the committee director) and 交叉任职 (on both)."""
    party, villagers = list(party), list(villagers)
    party_ids = {pid for pid, _ in party}
    villagers_ids = {pid for pid, _ in villagers}
    secretaries = {pid for pid, post in party if post == Post.SECRETARY}
    directors = {pid for pid, post in villagers if post == Post.DIRECTOR}
    return DualRoles(
        one_shoulder=bool(secretaries & directors),
        cross=tuple(sorted(party_ids & villagers_ids)),
        members_total=len(party_ids | villagers_ids),
    )


def sorted_names(names: Iterable[str]) -> list[str]:
    return sorted(set(names), key=stroke_sort_key)


# --- Set-up read helpers ----------------------------------------------------------------------


def setup_for(election: VillagersElection) -> VillagersBallotSetup:
    setup, _ = VillagersBallotSetup.objects.get_or_create(election=election)
    return setup


def women_seat(election: VillagersElection) -> bool:
    rules = CountyVillagersRules.objects.filter(county_id=election.unit.county_id).first()
    return bool(rules and rules.women_seat)


def seats_by_post(election: VillagersElection) -> dict[str, int]:
    """Seats of each post: 1 director, the deputies set for the election, a women's seat
    where the county elects one, and the rest of the committee's seats as members."""
    row = UnitSeats.objects.filter(round_id=election.round_id, unit_id=election.unit_id).first()
    total = row.villagers if row else election.round.villagers_seats_default
    women = 1 if women_seat(election) else 0
    deputies = setup_for(election).deputy_seats
    seats = {VillagersPost.DIRECTOR.value: 1}
    if deputies:
        seats[VillagersPost.DEPUTY_DIRECTOR.value] = deputies
    members = total - 1 - deputies - women
    if members > 0:
        seats[VillagersPost.COMMITTEE_MEMBER.value] = members
    if women:
        seats[VillagersPost.WOMEN_MEMBER.value] = 1
    return seats


@transaction.atomic
def ballot_setup_update(*, election: VillagersElection, mode: str, deputy_seats: int, actor=None):
    """Counting mode and deputy seats; fixed once a box has been entered."""
    election = _lock(election)
    _require_open(election)
    if election.boxes.filter(entered_at__isnull=False).exists() or election.vote_rounds.exists():
        raise DomainError("已有投票点录入了计票结果，不能再修改计票方式或职数。")
    if mode not in VillagersBallotSetup.Mode.values:
        raise DomainError("请选择计票方式。")
    if not 0 <= deputy_seats <= 3:
        raise DomainError("副主任职数应在 0 到 3 名之间。")
    setup = setup_for(election)
    before = setup.deputy_seats
    setup.mode, setup.deputy_seats = mode, deputy_seats
    seats = seats_by_post(election)
    if VillagersPost.COMMITTEE_MEMBER not in seats:
        raise DomainError(
            f"{election.committee_name}共 {sum(seats.values())} 个职数，"
            f"设副主任 {deputy_seats} 名后没有委员职数，请减少副主任职数。"
        )
    if deputy_seats != before:
        # The surplus of the changed posts must be checked again.
        _unformal(
            election.nominations.filter(
                post__in=[VillagersPost.DEPUTY_DIRECTOR, VillagersPost.COMMITTEE_MEMBER],
                formal=True,
            ),
            actor=actor,
            reason="副主任职数已调整，须重新确定正式候选人",
        )
    setup.save(update_fields=["mode", "deputy_seats"])
    return setup


def registered_voters(election: VillagersElection):
    return VoterRegistration.objects.filter(election=election, is_active=True)


def _require_voted(election: VillagersElection, what: str) -> None:
    """Nothing of the vote is entered, counted or confirmed before the election day."""
    if timezone.localdate() < election.election_day:
        raise DomainError(f"选举日为 {election.election_day:%Y-%m-%d}，选举日之前不能{what}。")


def _require_open(election: VillagersElection) -> None:
    if election.status == VillagersElection.Status.APPROVED:
        raise DomainError("选举结果已确认，已锁定，不能再修改。")


def _require_no_rounds(election: VillagersElection, what: str) -> None:
    if election.vote_rounds.exists():
        raise DomainError(f"已开始计票，不能再{what}。")


def _lock(election: VillagersElection) -> VillagersElection:
    return (
        VillagersElection.objects.select_for_update()
        .select_related("unit", "round", "pack")
        .get(pk=election.pk)
    )


# --- Nominations -------------------------------------------------------------------------------


def _leave_committee(election, person, *, actor) -> None:
    """A nominee who sits on the election committee leaves it."""
    committee_remove_candidate(election, person, actor=actor)


def parse_relatives(text: str) -> list[tuple[str, ...]]:
    """One relative a line: "姓名 身份证号", or "姓名 关系 身份证号" (配偶, 父亲, 儿子 …). The ID
    number is what identifies the relative when someone is proposed as a scrutineer or for
    the supervision committee (a same-name villager is someone else); the relationship is
    what a refusal states."""
    out: list[tuple[str, ...]] = []
    for line in (text or "").splitlines():
        parts = line.replace("，", " ").replace(",", " ").split()
        if not parts:
            continue
        if len(parts) not in (2, 3):
            raise DomainError(
                f"近亲属“{line.strip()}”格式不对：每行写一人，姓名、关系（可省略）、"
                "公民身份号码之间用空格隔开。"
            )
        name = parts[0]
        try:
            id_number = parse_id_number(parts[-1]).number
        except IdNumberError as exc:
            raise DomainError(f"近亲属{name}：{exc}") from None
        if len(parts) == 3:
            out.append((name[:40], id_number, parts[1][:12]))
        else:
            out.append((name[:40], id_number))
    return out


@transaction.atomic
def nomination_add(
    *,
    election: VillagersElection,
    post: str,
    person: Person,
    nominators: int,
    source: str,
    relatives: Sequence[tuple[str, ...]] = (),
    education: str = "",
    actor,
) -> VillagersNomination:
    """Nominate a registered voter for a post. The register records no education, so a
    nominee first known from it has their education written here: the new committee's
    structure figures (大专及以上) are counted from it."""
    election = _lock(election)
    _require_open(election)
    _require_no_rounds(election, "提名候选人")
    seats = seats_by_post(election)
    if post not in seats:
        raise DomainError(f"本次选举不单独选举{VillagersPost(post).label}。")
    if source not in VillagersNomination.Source.values:
        raise DomainError("请选择提名方式。")
    if nominators < 1:
        raise DomainError("提名人数至少为 1。")
    if not registered_voters(election).filter(person=person).exists():
        raise DomainError(f"{person.name}不是本次选举的登记选民，不能被提名。")
    if post == VillagersPost.WOMEN_MEMBER and person.sex != Person.Sex.FEMALE:
        raise DomainError("妇女委员职位的候选人须为女性。")
    if election.nominations.filter(post=post, person=person).exists():
        raise DomainError(f"{person.name}已被提名为{VillagersPost(post).label}候选人。")
    official = election.officials.filter(person=person).first()
    if official:
        raise DomainError(
            f"{person.name}是本次选举的{official.get_role_display()}，须先另行推选，再提名为候选人。"
        )
    _record_education(person, education)
    label = VillagersPost(post).label
    candidacy = candidacy_for_nomination(
        actor=actor,
        unit=election.unit,
        person=person,
        post=TERM_POST[VillagersPost(post)],
        reason=f"{VillagersNomination.Source(source).label}为{label}候选人，提名人数 {nominators}",
    )
    nomination = VillagersNomination.objects.create(
        election=election,
        post=post,
        person=person,
        candidacy=candidacy,
        nominators=nominators,
        source=source,
    )
    NomineeRelative.objects.bulk_create(
        NomineeRelative(
            nomination=nomination,
            name=name,
            relation=(rest[0] if rest else "")[:12],
            id_number_hash=crypto.blind_index(id_number, purpose="id") if id_number else "",
        )
        for name, id_number, *rest in relatives
    )
    _leave_committee(election, person, actor=actor)
    return nomination


def _record_education(person: Person, education: str) -> None:
    if education and education not in Education.values:
        raise DomainError("请从列表中选择学历。")
    if person.education:
        if education and education != person.education:
            raise DomainError(
                f"{person.name}的学历已登记为“{person.get_education_display()}”，"
                f"与填写的“{Education(education).label}”不一致，请核对。"
            )
        return
    if not education:
        raise DomainError(
            f"选民名单未登记{person.name}的学历，提名为候选人须填写学历（用于统计班子结构）。"
        )
    person.education = education
    person.save(update_fields=["education"])


@transaction.atomic
def nomination_remove(*, nomination: VillagersNomination, actor=None) -> None:
    """A nomination entered by mistake; the person's candidacy for the post is withdrawn
    with it unless another nomination still stands behind it."""
    election = _lock(nomination.election)
    _require_open(election)
    _require_no_rounds(election, "修改候选人")
    candidacy = nomination.candidacy
    nomination.delete()
    if (
        candidacy is not None
        and not candidacy.is_closed
        and not VillagersNomination.objects.filter(candidacy=candidacy).exists()
    ):
        candidacy_withdraw(actor=actor, candidacy=candidacy, reason="提名已撤销")


def _unformal(nominations, *, actor, reason: str) -> None:
    """Take nominations off the formal list, their candidacies with them."""
    nominations = list(nominations.select_related("candidacy"))
    VillagersNomination.objects.filter(pk__in=[n.pk for n in nominations]).update(formal=False)
    candidacies_unformal_by_election(
        actor=actor, candidacies=[n.candidacy for n in nominations if n.candidacy_id], reason=reason
    )


@transaction.atomic
def candidates_confirm(
    *, election: VillagersElection, post: str, nomination_ids: Sequence[int], actor=None
) -> list[str]:
    """Fix the formal candidates of one post, with the pack's surplus and the women's rule."""
    election = _lock(election)
    _require_open(election)
    _require_no_rounds(election, "修改正式候选人")
    if election.boxes.filter(entered_at__isnull=False).exists():
        raise DomainError("已有投票点录入了计票结果，不能再修改正式候选人。")
    seats = seats_by_post(election)
    if post not in seats:
        raise DomainError(f"本次选举不单独选举{VillagersPost(post).label}。")
    chosen = list(
        election.nominations.filter(post=post, pk__in=nomination_ids).select_related(
            "person", "candidacy"
        )
    )
    label = VillagersPost(post).label
    needed = candidates_needed(seats[post], election.pack.surplus_min_extra)
    if len(chosen) < needed:
        raise DomainError(
            f"{label}应选 {seats[post]} 名，正式候选人至少 {needed} 名（差额选举），"
            f"现只有 {len(chosen)} 名，还需 {needed - len(chosen)} 名。"
        )
    closed = [n.person.name for n in chosen if n.candidacy_id and n.candidacy.is_closed]
    if closed:
        raise DomainError(f"{'、'.join(closed)}的候选人资格已取消或已退出，不能确定为正式候选人。")
    if (
        post == VillagersPost.COMMITTEE_MEMBER
        and VillagersPost.WOMEN_MEMBER not in seats
        and not any(n.person.sex == Person.Sex.FEMALE for n in chosen)
    ):
        raise DomainError(
            f"{election.committee_name}成员中应有妇女成员：本县不单独选举妇女委员，"
            "委员正式候选人中至少要有 1 名女性。"
        )
    _unformal(
        election.nominations.filter(post=post, formal=True).exclude(pk__in=[n.pk for n in chosen]),
        actor=actor,
        reason=f"{election.committee_name}选举委员会调整{label}正式候选人",
    )
    election.nominations.filter(pk__in=[n.pk for n in chosen]).update(formal=True)
    candidacies_formal_by_election(
        actor=actor,
        candidacies=[n.candidacy for n in chosen if n.candidacy_id],
        reason=f"{election.committee_name}选举委员会确定{label}正式候选人",
    )
    printed = _print_names(election)
    return sorted_names(printed[n.person_id] for n in chosen)


def _print_names(election: VillagersElection) -> dict[int, str]:
    """The printed name of every formal candidate of the election: one name per person
    across posts, same names told apart; stored on the nominations."""
    formal = list(election.nominations.filter(formal=True).select_related("person"))
    people = {n.person_id: n.person for n in formal}
    printed = ballot_names(standing(p) for p in people.values())
    for n in formal:
        if n.ballot_name != printed[n.person_id]:
            n.ballot_name = printed[n.person_id]
            n.save(update_fields=["ballot_name"])
    return printed


def nominee_names(election: VillagersElection) -> dict[int, str]:
    """How each nominee is shown while the lists are drawn up: a formal candidate by the name
    printed on the ballot, anyone else told apart from every same-name nominee of the
    election by the same rule, so that the clerk fixing a list knows who is who."""
    nominations = list(election.nominations.select_related("person"))
    shown = ballot_names(standing(p) for p in {n.person_id: n.person for n in nominations}.values())
    for n in nominations:
        if n.formal and n.ballot_name:
            shown[n.person_id] = n.ballot_name
    return shown


def formal_candidates(election: VillagersElection) -> dict[str, list[str]]:
    """Each post's formal candidates, by the names printed on the ballot."""
    out: dict[str, list[str]] = {}
    rows = election.nominations.filter(formal=True).values_list(
        "post", "ballot_name", "person__name"
    )
    for post, printed, name in rows:
        out.setdefault(post, []).append(printed or name)
    return {post: sorted_names(names) for post, names in out.items()}


# --- Officials and boxes ----------------------------------------------------------------------


def _barred_reason(election: VillagersElection, person: Person) -> str | None:
    if election.nominations.filter(person=person).exists():
        return f"{person.name}是候选人，不能担任监票人、计票人或记录人。"
    relative = (
        NomineeRelative.objects.filter(nomination__election=election)
        .filter(id_number_hash=person.id_number_hash)
        .select_related("nomination__person")
        .first()
    )
    if relative:
        candidate = nominee_names(election)[relative.nomination.person_id]
        return f"{person.name}是候选人{candidate}的近亲属，不能担任监票人、计票人或记录人。"
    return None


@transaction.atomic
def official_add(
    *, election: VillagersElection, person: Person, role: str, box: BallotBox | None = None
) -> VoteOfficial:
    election = _lock(election)
    _require_open(election)
    if role not in VoteOfficial.Role.values:
        raise DomainError("请选择职责。")
    reason = _barred_reason(election, person)
    if reason:
        raise DomainError(reason)
    if election.officials.filter(person=person).exists():
        raise DomainError(f"{person.name}已是本次选举的工作人员。")
    if box is not None and box.election_id != election.pk:
        raise DomainError("投票点不属于本次选举。")
    if box is not None and role != VoteOfficial.Role.SCRUTINEER:
        raise DomainError("随流动票箱或分会场的须为监票人。")
    return VoteOfficial.objects.create(election=election, person=person, role=role, box=box)


@transaction.atomic
def official_remove(*, official: VoteOfficial) -> None:
    election = _lock(official.election)
    _require_open(election)
    if official.box_id and official.box.entered_at:
        raise DomainError("该投票点已录入计票结果，不能再撤换其监票人。")
    official.delete()


@transaction.atomic
def box_add(*, election: VillagersElection, kind: str, name: str) -> BallotBox:
    election = _lock(election)
    _require_open(election)
    _require_no_rounds(election, "增设投票点")
    name = name.strip()
    if kind not in BallotBox.Kind.values:
        raise DomainError("请选择投票点类型。")
    if not name:
        raise DomainError("请填写投票点名称。")
    if kind == BallotBox.Kind.MAIN and election.boxes.filter(kind=kind).exists():
        raise DomainError("中心会场只能有一个。")
    if election.boxes.filter(name=name).exists():
        raise DomainError(f"已有名为“{name}”的投票点。")
    return BallotBox.objects.create(election=election, kind=kind, name=name[:40])


def box_blocker(box: BallotBox, *, scrutineers: int | None = None) -> str | None:
    """Why a box cannot be opened for entry, or None."""
    if box.kind != BallotBox.Kind.MOBILE:
        return None
    need = box.election.pack.mobile_box_min_scrutineers
    have = scrutineers if scrutineers is not None else box.officials.count()
    if have < need:
        return f"流动票箱须有至少 {need} 名监票人随箱，现有 {have} 名，不能录入。"
    return None


def _post_labels(mapping: Mapping[str, object]) -> dict[str, object]:
    return {VillagersPost(post).label: value for post, value in mapping.items()}


def count_findings(
    *,
    election: VillagersElection,
    issued: int,
    returned: int,
    invalid: int,
    votes: Mapping[str, Mapping[str, int]],
    seats: Mapping[str, int],
    candidates: Mapping[str, Sequence[str]],
    combined: bool,
    box: BallotBox | None = None,
    taken: Iterable[str] = (),
    registered: int | None = None,
    present: int | None = None,
    reconciliation: checks.Reconciliation | None = None,
) -> list[checks.Finding]:
    """The coded checks (ballots/checks.py) of one box, or of a later round's totals."""
    combined_posts = (
        [VillagersPost(p).label for p in votes if p != VillagersPost.WOMEN_MEMBER]
        if combined
        else []
    )
    return checks.villagers_count(
        checks.VillagersCount(
            issued=issued,
            returned=returned,
            invalid=invalid,
            votes=_post_labels(votes),
            candidates=_post_labels(candidates),
            seats=_post_labels(seats),
            combined_posts=combined_posts,
            taken=frozenset(taken),
            registered=registered,
            present=present,
            mobile=box is not None and box.kind == BallotBox.Kind.MOBILE,
            proxies_registered=election.proxies.count()
            if box is not None or (reconciliation and reconciliation.proxies_used is not None)
            else None,
            reconciliation=reconciliation or checks.Reconciliation(),
        ),
        check_catalogue.in_force(check_catalogue.VILLAGERS_ONLY),
    )


def box_typed(
    *,
    ballots_issued: int,
    ballots_returned: int,
    ballots_invalid: int,
    votes: Mapping[str, Mapping[str, int]],
    reconciliation: checks.Reconciliation | None = None,
) -> dict:
    """A box's count as one entry's figures (``ballots.double_entry``)."""
    return {
        "ballots_issued": ballots_issued,
        "ballots_returned": ballots_returned,
        "ballots_invalid": ballots_invalid,
        "votes": {post: dict(tally) for post, tally in votes.items()},
        "reconciliation": (reconciliation or checks.Reconciliation()).as_dict(),
    }


def stored_reconciliation(counted: BallotBox | VillagersRound) -> checks.Reconciliation:
    """The signed ballot count kept on a box or a later round."""
    return checks.Reconciliation(
        printed=counted.ballots_printed,
        spoiled=counted.ballots_spoiled,
        unused=counted.ballots_unused,
        receipts=counted.ballot_receipts,
        proxies_used=counted.proxies_used,
    )


def box_saved(box: BallotBox) -> dict | None:
    if box.entered_at is None:
        return None
    return box_typed(
        ballots_issued=box.ballots_issued,
        ballots_returned=box.ballots_returned,
        ballots_invalid=box.ballots_invalid,
        votes=box.votes or {},
        reconciliation=stored_reconciliation(box),
    )


def _lock_box(pk: int) -> BallotBox:
    return (
        BallotBox.objects.select_for_update()
        .select_related("election__pack", "election__unit")
        .get(pk=pk)
    )


@transaction.atomic
def box_enter(
    *,
    box: BallotBox,
    version: int,
    actor,
    ballots_issued: int,
    ballots_returned: int,
    ballots_invalid: int,
    votes: Mapping[str, Mapping[str, int]],
    reconciliation: checks.Reconciliation | None = None,
    acknowledgements: Mapping[str, str] | None = None,
) -> BallotBox:
    """The count of one box: ballots and the votes per name per post (write-ins included).
    An F finding of the coded checks refuses; each W finding needs the clerk's reason.
    Where the county requires double entry, it is saved once two accounts agree (or the
    coordinator keeps one entry); a form older than what is saved is refused
    (``entered_twice.StaleEntry``)."""
    box = _lock_box(box.pk)
    election = box.election
    seats = seats_by_post(election)
    clean = {p: {n: int(v) for n, v in votes.get(p, {}).items() if v} for p in seats}
    reconciliation = reconciliation or checks.Reconciliation()
    typed = box_typed(
        ballots_issued=ballots_issued,
        ballots_returned=ballots_returned,
        ballots_invalid=ballots_invalid,
        votes=clean,
        reconciliation=reconciliation,
    )
    entered_twice.require_current(BOX, box, version, typed)
    _require_open(election)
    _require_no_rounds(election, "修改投票点的计票结果")
    _require_voted(election, "录入投票结果")
    blocker = box_blocker(box)
    if blocker:
        raise DomainError(blocker)
    formal = formal_candidates(election)
    missing = [VillagersPost(p).label for p in seats if p not in formal]
    if missing:
        raise DomainError(f"尚未确定{'、'.join(missing)}的正式候选人，不能录入。")
    findings = count_findings(
        election=election,
        issued=ballots_issued,
        returned=ballots_returned,
        invalid=ballots_invalid,
        votes=clean,
        seats=seats,
        candidates=formal,
        combined=setup_for(election).mode == VillagersBallotSetup.Mode.COMBINED,
        box=box,
        reconciliation=reconciliation,
    )
    check_catalogue.require_acknowledged(findings, acknowledgements)
    box.acknowledgements.all().delete()  # a box entered again answers for its new figures
    check_catalogue.acknowledgements_record(findings, acknowledgements, actor=actor, box=box)
    if entered_twice.required(entered_twice.SUBJECTS[BOX], box):
        state = entered_twice.entry_submit(kind=BOX, tally=box, actor=actor, figures=typed)
        if state != entered_twice.AGREED:
            return box
    _box_apply(box, actor=actor, figures=typed)
    return box


def _box_apply(box: BallotBox, *, actor, figures: dict) -> None:
    """Save one (agreed) count of a box; it joins the election's entry chain as entered by
    ``actor``. The caller holds the box's row lock."""
    election = box.election
    _require_open(election)
    _require_no_rounds(election, "修改投票点的计票结果")
    _keep_reconciliation(box, checks.Reconciliation(**figures["reconciliation"]))
    box.ballots_issued, box.ballots_returned, box.ballots_invalid = (
        figures["ballots_issued"],
        figures["ballots_returned"],
        figures["ballots_invalid"],
    )
    box.votes = figures["votes"]
    box.entered_by, box.entered_at = actor, timezone.now()
    box.version += 1
    box.save()
    entry_chain.entry_append(
        election=election, actor=actor, figures=entry_chain.box_figures(box), box=box
    )


def _keep_reconciliation(counted: BallotBox | VillagersRound, rec: checks.Reconciliation) -> None:
    """The ballot count the scrutineers signed, on the box or the later round it is for."""
    counted.ballots_printed, counted.ballots_spoiled = rec.printed, rec.spoiled
    counted.ballots_unused, counted.ballot_receipts = rec.unused, rec.receipts
    counted.proxies_used = rec.proxies_used


# --- Counting ----------------------------------------------------------------------------------


def _rules(election: VillagersElection, kind: counting.ElectionKind) -> counting.CountingRules:
    share = Fraction(1, election.pack.supplementary_min_share_den or 3)
    return counting.rules_for(
        kind,
        supplementary_min_share=share,
        source=f"{counting.VILLAGERS_SOURCE}；{election.pack.name}",
    )


def _kind(election: VillagersElection) -> counting.ElectionKind:
    if setup_for(election).mode == VillagersBallotSetup.Mode.COMBINED:
        return counting.ElectionKind.VILLAGERS_COMMITTEE
    return counting.ElectionKind.VILLAGERS_POST


def _record(rnd: VillagersRound, election: VillagersElection) -> counting.BallotRecord:
    kind = counting.ElectionKind(rnd.election_kind)
    rules = rnd.rules or {}
    return counting.BallotRecord(
        election=kind,
        seats=rnd.seats,
        expected=rnd.expected,
        present=rnd.present,
        ballots_issued=rnd.ballots_issued,
        candidates=tuple(rnd.candidates),
        rules=counting.rules_for(
            kind,
            quorum=rules.get("quorum", "more-than-1/2"),
            majority_base=rules.get("majority_base", "present"),
            supplementary_min_share=Fraction(rules.get("supplementary_min_share", "1/3")),
            source=rules.get("source", counting.VILLAGERS_SOURCE),
        ),
        totals=counting.Totals(
            returned=rnd.totals["returned"],
            invalid=rnd.totals["invalid"],
            for_=rnd.totals["for"],
            against={},
            abstain={},
        ),
        round=counting.RoundKind.SUPPLEMENTARY
        if rnd.round_type == VillagersRound.RoundType.SUPPLEMENTARY
        else counting.RoundKind.FIRST,
    )


def _count(rnd: VillagersRound, election: VillagersElection) -> counting.CountResult:
    kind = counting.ElectionKind(rnd.election_kind)
    rules = _rules(election, kind)
    share = rules.supplementary_min_share
    rnd.rules = {
        "quorum": rules.quorum.value,
        "majority_base": rules.majority_base.value,
        "supplementary_min_share": f"{share.numerator}/{share.denominator}",
        "source": rules.source,
    }
    record = _record(rnd, election)
    try:
        validate_record(record)
    except RecordError as exc:
        raise DomainError(f"计票数据有误：{exc}") from None
    result = counting.count_round(record)
    rnd.result = result.to_json_dict()
    rnd.status, rnd.counted_at = VillagersRound.Status.COUNTED, timezone.now()
    return result


def _next_number(election) -> int:
    last = election.vote_rounds.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


def elected_by_post(election: VillagersElection) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    counted = election.vote_rounds.filter(status=VillagersRound.Status.COUNTED)
    for rnd in counted.order_by("number"):
        out.setdefault(rnd.post, []).extend((rnd.result or {}).get("elected", []))
    return out


def _elected_names(election) -> set[str]:
    return {name for names in elected_by_post(election).values() for name in names}


def box_totals(boxes: Sequence[BallotBox]) -> dict:
    """The boxes summed: all boxes are counted together."""
    votes: dict[str, dict[str, int]] = {}
    for box in boxes:
        for post, tally in (box.votes or {}).items():
            votes[post] = _add(votes.get(post, {}), tally)
    return {
        "issued": sum(b.ballots_issued or 0 for b in boxes),
        "returned": sum(b.ballots_returned or 0 for b in boxes),
        "invalid": sum(b.ballots_invalid or 0 for b in boxes),
        "votes": votes,
    }


@transaction.atomic
def election_count(*, election: VillagersElection, actor) -> list[VillagersRound]:
    """Sum the boxes and count every post in order; earlier posts' winners leave the later
    posts' counts. Unfilled seats open the round that follows (re-vote, 另行选举)."""
    election = _lock(election)
    _require_open(election)
    _require_no_rounds(election, "重复计票")
    _require_voted(election, "计票")
    boxes = list(election.boxes.all())
    if not boxes:
        raise DomainError("尚未设立投票点。")
    if not any(b.kind == BallotBox.Kind.MAIN for b in boxes):
        raise DomainError("须设中心会场。")
    unsettled = [b.name for b in boxes if entered_twice.state_of(BOX, b)]
    if unsettled:
        raise DomainError(
            f"以下投票点的两次录入尚未核对一致：{'、'.join(unsettled)}。"
            "核对一致（或由协调人处理）后才能计票。"
        )
    pending = [b.name for b in boxes if b.entered_at is None]
    if pending:
        raise DomainError(f"以下投票点尚未录入：{'、'.join(pending)}。所有票箱须一并计票。")
    expected = registered_voters(election).count()
    summed = box_totals(boxes)
    refused = checks.villagers_summed(
        issued=summed["issued"],
        registered=expected,
        catalogue=check_catalogue.in_force(check_catalogue.VILLAGERS_ONLY),
    )
    if refused:
        raise check_catalogue.TallyRefused(refused)
    kind = _kind(election)
    tallies = (
        combined_tallies(summed["votes"])
        if kind == counting.ElectionKind.VILLAGERS_COMMITTEE
        else summed["votes"]
    )
    formal = formal_candidates(election)
    seats = seats_by_post(election)
    elected: set[str] = set()
    rounds = []
    for post in POST_ORDER:
        if post not in seats:
            continue
        tally = {n: v for n, v in tallies.get(post, {}).items() if n not in elected and v}
        rnd = VillagersRound(
            election=election,
            number=_next_number(election),
            post=post,
            election_kind=kind.value,
            seats=seats[post],
            candidates=[n for n in formal.get(post, []) if n not in elected],
            expected=expected,
            present=summed["issued"],
            ballots_issued=summed["issued"],
            totals={"returned": summed["returned"], "invalid": summed["invalid"], "for": tally},
        )
        result = _count(rnd, election)
        rnd.save()
        elected.update(result.elected)
        rounds.append(rnd)
        _follow_up(rnd, result, election)
    setup = setup_for(election)
    setup.counted_at = timezone.now()
    setup.save(update_fields=["counted_at"])
    _note_write_ins(election)
    _refresh_status(election)
    return rounds


def _note_write_ins(election: VillagersElection) -> None:
    """Elected names that are not printed on the ballot: to be tied to a voter."""
    printed = set(
        election.nominations.filter(formal=True)
        .exclude(ballot_name="")
        .values_list("ballot_name", flat=True)
    ) | set(
        election.nominations.filter(formal=True, ballot_name="").values_list(
            "person__name", flat=True
        )
    )
    for name in sorted(_elected_names(election) - printed):
        VillagersWriteIn.objects.get_or_create(election=election, name=name)


def _follow_up(rnd: VillagersRound, result: counting.CountResult, election) -> None:
    """Void → the post is voted again; tie → re-vote among the tied; shortfall → 另行选举."""
    if result.outcome == counting.Outcome.ELECTED:
        return
    taken = _elected_names(election) | set(result.elected)
    if result.outcome == counting.Outcome.VOID:
        seats, names, kind = rnd.seats, rnd.candidates, rnd.round_type
        if kind == VillagersRound.RoundType.FIRST:
            kind = VillagersRound.RoundType.REVOTE
    elif result.outcome == counting.Outcome.TIE:
        seats, names = result.unfilled, list(result.tied)
        kind = (
            VillagersRound.RoundType.SUPPLEMENTARY
            if rnd.round_type == VillagersRound.RoundType.SUPPLEMENTARY
            else VillagersRound.RoundType.REVOTE
        )
    else:
        seats = result.unfilled
        ranked = [r["name"] for r in rnd.result["results"] if r["name"] not in taken]
        names = [n for n in ranked if n in rnd.candidates or n in rnd.totals["for"]]
        kind = VillagersRound.RoundType.SUPPLEMENTARY
    names = [n for n in names if n not in taken]
    if not names:
        return
    VillagersRound.objects.create(
        election=election,
        number=_next_number(election),
        post=rnd.post,
        election_kind=rnd.election_kind,
        round_type=kind,
        previous=rnd,
        seats=seats,
        candidates=sorted_names(names),
    )


def _refresh_status(election: VillagersElection) -> None:
    open_rounds = election.vote_rounds.filter(status=VillagersRound.Status.OPEN).exists()
    status = VillagersElection.Status.VOTING if open_rounds else VillagersElection.Status.COUNTED
    VillagersElection.objects.filter(pk=election.pk).update(status=status)
    election.status = status


def round_typed(
    *,
    present: int,
    ballots_returned: int,
    ballots_invalid: int,
    votes: Mapping[str, int],
    reconciliation: checks.Reconciliation | None = None,
) -> dict:
    """A later round's totals and its signed ballot count as one entry's figures
    (``ballots.double_entry``)."""
    return {
        "present": present,
        "ballots_returned": ballots_returned,
        "ballots_invalid": ballots_invalid,
        "votes": dict(votes),
        "reconciliation": (reconciliation or checks.Reconciliation()).as_dict(),
    }


def round_saved(rnd: VillagersRound) -> dict | None:
    if rnd.status != VillagersRound.Status.COUNTED:
        return None
    totals = rnd.totals or {}
    return round_typed(
        present=rnd.present,
        ballots_returned=totals.get("returned"),
        ballots_invalid=totals.get("invalid"),
        votes=totals.get("for", {}),
        reconciliation=stored_reconciliation(rnd),
    )


def _lock_round(pk: int) -> VillagersRound:
    rnd = VillagersRound.objects.select_for_update().get(pk=pk)
    rnd.election = _lock(rnd.election)
    return rnd


@transaction.atomic
def round_enter(
    *,
    rnd: VillagersRound,
    version: int,
    actor,
    present: int,
    ballots_returned: int,
    ballots_invalid: int,
    votes: Mapping[str, int],
    reconciliation: checks.Reconciliation | None = None,
    acknowledgements: Mapping[str, str] | None = None,
) -> VillagersRound:
    """A later vote (re-vote or 另行选举) of one post, entered as the election's totals.
    The coded checks apply as to a box: F refuses, each W needs the clerk's reason; entered
    twice where the county requires it, like a box."""
    rnd = _lock_round(rnd.pk)
    election = rnd.election
    clean = {n.strip(): int(v) for n, v in votes.items() if n.strip() and v}
    typed = round_typed(
        present=present,
        ballots_returned=ballots_returned,
        ballots_invalid=ballots_invalid,
        votes=clean,
        reconciliation=reconciliation,
    )
    entered_twice.require_current(ROUND, rnd, version, typed)
    _require_open(election)
    if rnd.status != VillagersRound.Status.OPEN:
        raise DomainError("本轮已计票，不能再录入。")
    expected = registered_voters(election).count()
    findings = count_findings(
        election=election,
        issued=present,
        returned=ballots_returned,
        invalid=ballots_invalid,
        votes={rnd.post: clean},
        seats={rnd.post: rnd.seats},
        candidates={rnd.post: list(rnd.candidates)},
        combined=False,
        taken=_elected_names(election),
        registered=expected,
        present=present,
        reconciliation=reconciliation,
    )
    check_catalogue.require_acknowledged(findings, acknowledgements)
    check_catalogue.acknowledgements_record(findings, acknowledgements, actor=actor, vote_round=rnd)
    if entered_twice.required(entered_twice.SUBJECTS[ROUND], rnd):
        state = entered_twice.entry_submit(kind=ROUND, tally=rnd, actor=actor, figures=typed)
        if state != entered_twice.AGREED:
            return rnd
    _round_apply(rnd, actor=actor, figures=typed)
    return rnd


def _round_apply(rnd: VillagersRound, *, actor, figures: dict) -> None:
    """Count one (agreed) entry of a later round; the caller holds the round's and the
    election's locks."""
    election = rnd.election
    _require_open(election)
    if rnd.status != VillagersRound.Status.OPEN:
        raise DomainError("本轮已计票，不能再录入。")
    present = figures["present"]
    rnd.expected = registered_voters(election).count()
    rnd.present, rnd.ballots_issued = present, present
    _keep_reconciliation(rnd, checks.Reconciliation(**(figures.get("reconciliation") or {})))
    rnd.totals = {
        "returned": figures["ballots_returned"],
        "invalid": figures["ballots_invalid"],
        "for": figures["votes"],
    }
    rnd.version += 1
    result = _count(rnd, election)
    rnd.save()
    entry_chain.entry_append(
        election=election, actor=actor, figures=entry_chain.round_figures(rnd), vote_round=rnd
    )
    _follow_up(rnd, result, election)
    _note_write_ins(election)
    _refresh_status(election)


def round_record_json(rnd: VillagersRound) -> dict:
    """The round as a ballot-record/1 object, with the stored result."""
    if rnd.status != VillagersRound.Status.COUNTED:
        raise DomainError("本轮尚未计票，不能导出选票记录。")
    record = _record(rnd, rnd.election)
    data = record_to_json_dict(record)
    data["result"] = rnd.result
    return data


# --- Results -------------------------------------------------------------------------------------


def elected_people(election: VillagersElection) -> dict[str, Person]:
    """Each elected name to its person: a formal candidate by the name printed for them, or a
    write-in by the voter it was tied to. Refuses while a write-in is not yet tied."""
    names = _elected_names(election)
    found: dict[str, Person] = {}
    for n in election.nominations.filter(formal=True).select_related("person"):
        found.setdefault(n.ballot_name or n.person.name, n.person)
    for w in election.write_ins.select_related("person"):
        if w.person is not None:
            found.setdefault(w.name, w.person)
    missing = sorted(names - set(found))
    if missing:
        shown = "、".join(f"“{n}”" for n in missing)
        raise DomainError(f"另选他人当选的{shown}尚未确认是哪位登记选民，不能确认结果。")
    return {name: found[name] for name in names}


def voter_by_id_number(election: VillagersElection, number: str) -> VoterRegistration | None:
    """The election's active registration of the person with this ID number, if any."""
    number = (number or "").strip().upper()
    if not number:
        return None
    return (
        registered_voters(election)
        .filter(person__id_number_hash=crypto.blind_index(number, purpose="id"))
        .select_related("person")
        .first()
    )


def unresolved_write_ins(election: VillagersElection) -> list[VillagersWriteIn]:
    elected = _elected_names(election)
    return [w for w in election.write_ins.filter(person__isnull=True) if w.name in elected]


@transaction.atomic
def write_in_resolve(*, write_in: VillagersWriteIn, person: Person) -> VillagersWriteIn:
    """Say which registered voter an elected write-in is."""
    write_in = VillagersWriteIn.objects.select_for_update().get(pk=write_in.pk)
    election = _lock(write_in.election)
    if election.status == VillagersElection.Status.APPROVED:
        raise DomainError("选举结果已确认，不能再修改。")
    if not registered_voters(election).filter(person=person).exists():
        raise DomainError(f"{person.name}不是本次选举的登记选民，不能当选。")
    if election.nominations.filter(formal=True, person=person).exists():
        raise DomainError(f"{person.name}是正式候选人，其得票已按选票上的姓名计算。")
    if election.write_ins.filter(person=person).exclude(pk=write_in.pk).exists():
        raise DomainError(f"{person.name}已对应另一个另选他人的姓名。")
    write_in.person = person
    write_in.save(update_fields=["person"])
    return write_in


@transaction.atomic
def election_approve(*, election: VillagersElection, actor) -> Term:
    """Confirm the result and write the new term of the committee with its members."""
    election = _lock(election)
    if election.status == VillagersElection.Status.APPROVED:
        raise DomainError("选举结果已确认。")
    if election.status != VillagersElection.Status.COUNTED:
        raise DomainError("尚未完成计票（或还有待进行的重新投票、另行选举），不能确认结果。")
    _require_voted(election, "确认选举结果")
    elected = elected_by_post(election)
    if not elected.get(VillagersPost.DIRECTOR):
        raise DomainError("尚未选出主任，不能确认结果。")
    persons = elected_people(election)
    term, _ = Term.objects.update_or_create(
        unit=election.unit,
        body=Body.VILLAGERS,
        elected_on=election.election_day,
        defaults={"round": election.round},
    )
    term.members.all().delete()
    TermMember.objects.bulk_create(
        TermMember(term=term, person=persons[name], post=TERM_POST[VillagersPost(post)])
        for post, names in elected.items()
        for name in names
    )
    setup = setup_for(election)
    setup.approved_by, setup.approved_at = actor, timezone.now()
    setup.save(update_fields=["approved_by", "approved_at"])
    election.status = VillagersElection.Status.APPROVED
    election.save(update_fields=["status"])
    candidacies_learn_outcome(
        actor=actor,
        round_id=election.round_id,
        unit_id=election.unit_id,
        body=Body.VILLAGERS,
        posts=dict(term.members.values_list("person_id", "post")),
    )
    return term


def round_terms(election: VillagersElection) -> dict[str, Term]:
    terms = Term.objects.filter(unit_id=election.unit_id, round_id=election.round_id)
    return {t.body: t for t in terms.order_by("elected_on")}


def _seated(term_members):
    return term_members.exclude(recalls__status=VillagersRecall.Status.PASSED)


def dual_roles(round_, unit_ids: Sequence[int]) -> dict[int, tuple[bool, int, int]]:
    """{unit_id: (一肩挑, 交叉任职人数, 两委成员人数)} from the round's terms, one query."""
    rows = _seated(
        TermMember.objects.filter(term__round=round_, term__unit_id__in=list(unit_ids))
    ).values_list("term__unit_id", "term__body", "person_id", "post")
    by_unit: dict[int, dict[str, list]] = {}
    for unit_id, body, person_id, post in rows:
        by_unit.setdefault(unit_id, {}).setdefault(body, []).append((person_id, post))
    out = {}
    for unit_id, bodies in by_unit.items():
        roles = dual_roles_of(bodies.get(Body.PARTY, []), bodies.get(Body.VILLAGERS, []))
        out[unit_id] = (roles.one_shoulder, len(roles.cross), roles.members_total)
    return out


def dual_roles_detail(election: VillagersElection) -> dict:
    """一肩挑 and 交叉任职 of the election's unit, with names, for the result page."""
    rows = list(
        _seated(
            TermMember.objects.filter(
                term__round_id=election.round_id, term__unit_id=election.unit_id
            )
        ).values_list("term__body", "person_id", "post", "person__name")
    )
    names = {pid: name for _, pid, _, name in rows}
    party = [(pid, post) for body, pid, post, _ in rows if body == Body.PARTY]
    villagers = [(pid, post) for body, pid, post, _ in rows if body == Body.VILLAGERS]
    roles = dual_roles_of(party, villagers)
    return {
        "has_party": bool(party),
        "has_villagers": bool(villagers),
        "one_shoulder": roles.one_shoulder,
        "cross_names": sorted_names(names[pid] for pid in roles.cross),
        "members_total": roles.members_total,
    }


# --- Party term on congress approval -------------------------------------------------------------


# --- Recall ---------------------------------------------------------------------------------------


@transaction.atomic
def recall_propose(
    *,
    election: VillagersElection,
    member: TermMember,
    signatures: int,
    reason: str,
    proposed_on: datetime.date,
) -> VillagersRecall:
    election = _lock(election)
    if election.status != VillagersElection.Status.APPROVED:
        raise DomainError("选举结果确认后才能对当选成员提出罢免。")
    if member.term.body != Body.VILLAGERS or member.term.unit_id != election.unit_id:
        raise DomainError("只能罢免本村(社区)本届委员会的成员。")
    if member.recalls.exclude(status=VillagersRecall.Status.FAILED).exists():
        raise DomainError(f"对{member.person.name}的罢免已在进行或已通过。")
    if not reason.strip():
        raise DomainError("请写明罢免理由。")
    registered = registered_voters(election).count()
    den = election.pack.recall_proposal_share_den
    needed = signatures_needed(registered, den)
    if signatures < needed:
        raise DomainError(
            f"罢免须有登记选民 {registered} 人的{den}分之一以上联名，即至少 {needed} 人，"
            f"现只有 {signatures} 人。"
        )
    if signatures > registered:
        raise DomainError(f"联名人数 {signatures} 多于登记选民 {registered} 人。")
    return VillagersRecall.objects.create(
        election=election,
        member=member,
        reason=reason.strip()[:300],
        signatures=signatures,
        registered=registered,
        proposed_on=proposed_on,
    )


@transaction.atomic
def recall_vote(
    *,
    recall: VillagersRecall,
    voted_on: datetime.date,
    registered: int,
    voted: int,
    in_favour: int,
) -> VillagersRecall:
    recall = VillagersRecall.objects.select_for_update().get(pk=recall.pk)
    if recall.status != VillagersRecall.Status.PROPOSED:
        raise DomainError("该罢免已表决。")
    if voted > registered:
        raise DomainError(f"参加投票 {voted} 人，多于登记选民 {registered} 人。")
    if in_favour > voted:
        raise DomainError(f"赞成罢免 {in_favour} 票，多于参加投票 {voted} 人。")
    if voted_on < recall.proposed_on:
        raise DomainError("投票日期不能早于罢免提出日期。")
    passed = recall_passes(registered=registered, voted=voted, in_favour=in_favour)
    recall.status = VillagersRecall.Status.PASSED if passed else VillagersRecall.Status.FAILED
    recall.voted_on, recall.vote_registered, recall.voted, recall.in_favour = (
        voted_on,
        registered,
        voted,
        in_favour,
    )
    recall.save()
    return recall


def recall_verdict(recall: VillagersRecall) -> str:
    if recall.status == VillagersRecall.Status.PROPOSED:
        return "尚未表决。"
    half_reg = "超过" if 2 * recall.voted > recall.vote_registered else "未超过"
    half_vote = "超过" if 2 * recall.in_favour > recall.voted else "未超过"
    outcome = "罢免通过，其职务终止" if recall.status == "passed" else "罢免未通过"
    return (
        f"登记选民 {recall.vote_registered} 人，参加投票 {recall.voted} 人，{half_reg}半数；"
        f"赞成罢免 {recall.in_favour} 票，{half_vote}参加投票人数的半数；{outcome}。"
    )


def member_is_seated(member: TermMember) -> bool:
    return not member.recalls.filter(status=VillagersRecall.Status.PASSED).exists()


# --- Double entry ------------------------------------------------------------------------------

BOX, ROUND = entered_twice.Kind.VILLAGERS_BOX, entered_twice.Kind.VILLAGERS_ROUND
SUBJECTS = (
    entered_twice.Subject(
        kind=BOX,
        field="box",
        lock=_lock_box,
        apply=_box_apply,
        saved=box_saved,
        unit=lambda box: box.election.unit,
        day=lambda box: box.election.election_day,
        title=lambda box: f"{box.election} {box.name}",
        url=lambda box: reverse("villagers:box-entry", args=[box.pk]),
    ),
    entered_twice.Subject(
        kind=ROUND,
        field="vote_round",
        lock=_lock_round,
        apply=_round_apply,
        saved=round_saved,
        unit=lambda rnd: rnd.election.unit,
        day=lambda rnd: rnd.election.election_day,
        title=lambda rnd: f"{rnd.election} {rnd}",
        url=lambda rnd: reverse("villagers:round-detail", args=[rnd.pk]),
    ),
)
