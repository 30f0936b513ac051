"""The measures of the two official statistical forms (renewal.kit.measures).

Each count is one aggregate query over all the units asked for (grouped by unit), never a
query per unit. Definitions (what each form's column means):

- A unit's new committee is its latest term of the body in the round elected by ``day``;
  a member recalled (罢免通过) no longer counts. Age is the age on the term's election date.
- Age bands: 35 岁以下 (< 35), 35–45, 46–55, 56 岁及以上. Education: 大专及以上 (大专, 本科,
  研究生), 高中/中专, 初中及以下. 中共党员: political status 中共党员 or 中共预备党员.
- 一肩挑 and 交叉任职: the rule of the villagers' result page (``ballots.villagers.vote.
  dual_roles``: the round's terms of the unit, recalled members left out).
- 登记选民: the roll-up's figure (active registrations). 参选人数: ballots issued over all
  the election's boxes (the count's 参加投票). 委托投票: written proxies registered.
- 选举大会: an election voted at a central meeting only; 投票站: with 分会场 (polling
  stations). 一次选举成功: a confirmed result with no re-vote and no 另行选举.
- 党员数: members on the branch's roster on ``day``. 应到会 and 实到会: the congress's
  attendance counted by ``ballots.congress.services.attendance_figures``.
- 差额: the first committee round's printed candidates less its seats.
- 村(居)务监督委员会: its new committee as for the other bodies (latest term, recalled members
  left out); 主任: members seated as its chair.
- 村(居)民代表 and 村(居)民小组长: the results recorded in the round's election of the unit
  (``ballots.villagers.selectors``), those elected by ``day``.
"""

from collections import defaultdict

from django.db.models import Count, Exists, F, Func, IntegerField, OuterRef, Q, Sum

from ballots.congress.figures import congress_held_units, villagers_approved_units
from ballots.congress.services import attendance_figures
from ballots.models import (
    Attendance,
    BallotBox,
    ElectionRound,
    RoundCandidate,
    VillagersElection,
    VillagersNomination,
    VillagersRound,
    VoterProxy,
)
from ballots.villagers.figures import voters_registered
from ballots.villagers.selectors import group_leaders, representatives
from ballots.villagers.vote import dual_roles
from renewal.kit.measures import AVERAGE, PERCENT, register_count, register_ratio
from renewal.models import Body, PartyMember, Post, Term, TermMember, Unit

APP = "rollup"
COLLEGE_OR_ABOVE = ("college", "bachelor", "postgraduate")
JUNIOR_OR_BELOW = ("primary", "junior")
PARTY_STATUSES = ("full_member", "probationary")
AGE_BANDS = {
    "age_under_35": ("35岁以下", Q(age__lt=35)),
    "age_35_45": ("35至45岁", Q(age__gte=35, age__lte=45)),
    "age_46_55": ("46至55岁", Q(age__gte=46, age__lte=55)),
    "age_56_over": ("56岁及以上", Q(age__gte=56)),
}
EDUCATION_BANDS = {
    "college": ("大专及以上", Q(person__education__in=COLLEGE_OR_ABOVE)),
    "senior": ("高中/中专", Q(person__education="senior")),
    "junior": ("初中及以下", Q(person__education__in=JUNIOR_OR_BELOW)),
}


class Age(Func):
    """Whole years from the second date to the first (PostgreSQL's AGE), as ``age_on``."""

    template = "EXTRACT(YEAR FROM AGE(%(expressions)s))::integer"
    output_field = IntegerField()


def _by_unit(rows, key="unit", value="n") -> dict[int, int]:
    return {row[key]: row[value] or 0 for row in rows if row[value]}


# --- Counts over the units themselves -----------------------------------------------------


def units(round_, unit_ids, day):
    return dict.fromkeys(Unit.objects.filter(pk__in=list(unit_ids)).values_list("pk", flat=True), 1)


def _as_counts(check):
    def count(round_, unit_ids, day):
        return dict.fromkeys(check(round_, unit_ids, day), 1)

    return count


# --- Villagers' committee elections -------------------------------------------------------


def _elections(round_, unit_ids):
    return VillagersElection.objects.filter(round=round_, unit_id__in=list(unit_ids))


def voters_voted(round_, unit_ids, day):
    rows = (
        BallotBox.objects.filter(election__round=round_, election__unit_id__in=list(unit_ids))
        .values(unit=F("election__unit_id"))
        .annotate(n=Sum("ballots_issued"))
    )
    return _by_unit(rows)


def _nominees(sources):
    def count(round_, unit_ids, day):
        rows = (
            VillagersNomination.objects.filter(
                election__round=round_,
                election__unit_id__in=list(unit_ids),
                formal=True,
                source__in=sources,
            )
            .values(unit=F("election__unit_id"))
            .annotate(n=Count("person_id", distinct=True))
        )
        return _by_unit(rows)

    return count


def _with_box(kind, *, without=None):
    def count(round_, unit_ids, day):
        boxes = BallotBox.objects.filter(election=OuterRef("pk"))
        found = _elections(round_, unit_ids).filter(Exists(boxes.filter(kind=kind)))
        if without:
            found = found.exclude(Exists(boxes.filter(kind=without)))
        return dict.fromkeys(found.values_list("unit_id", flat=True), 1)

    return count


def mobile_boxes(round_, unit_ids, day):
    rows = (
        BallotBox.objects.filter(
            election__round=round_,
            election__unit_id__in=list(unit_ids),
            kind=BallotBox.Kind.MOBILE,
        )
        .values(unit=F("election__unit_id"))
        .annotate(n=Count("id"))
    )
    return _by_unit(rows)


def proxies(round_, unit_ids, day):
    rows = (
        VoterProxy.objects.filter(election__round=round_, election__unit_id__in=list(unit_ids))
        .values(unit=F("election__unit_id"))
        .annotate(n=Count("id"))
    )
    return _by_unit(rows)


def _later_rounds(kinds):
    return VillagersRound.objects.filter(election=OuterRef("pk"), round_type__in=kinds)


def elected_first_time(round_, unit_ids, day):
    found = _elections(round_, unit_ids).filter(status=VillagersElection.Status.APPROVED)
    later = _later_rounds([VillagersRound.RoundType.REVOTE, VillagersRound.RoundType.SUPPLEMENTARY])
    return dict.fromkeys(found.exclude(Exists(later)).values_list("unit_id", flat=True), 1)


def supplementary_held(round_, unit_ids, day):
    later = _later_rounds([VillagersRound.RoundType.SUPPLEMENTARY])
    found = _elections(round_, unit_ids).filter(Exists(later))
    return dict.fromkeys(found.values_list("unit_id", flat=True), 1)


# --- Members of the new committees --------------------------------------------------------


def seated(round_, unit_ids, day, body):
    """The members of each unit's new committee of ``body``, each with its ``age``."""
    later = Term.objects.filter(
        unit_id=OuterRef("term__unit_id"),
        body=body,
        round=round_,
        elected_on__gt=OuterRef("term__elected_on"),
        elected_on__lte=day,
    )
    return (
        TermMember.objects.filter(
            term__round=round_,
            term__body=body,
            term__unit_id__in=list(unit_ids),
            term__elected_on__lte=day,
        )
        .exclude(recalls__status="passed")
        .exclude(Exists(later))
        .annotate(age=Age(F("term__elected_on"), F("person__birth_date")))
    )


def _members(body, where: Q, *, age_sum=False):
    def count(round_, unit_ids, day):
        found = seated(round_, unit_ids, day, body).filter(where)
        if age_sum:
            # Each person once, as the member counts (one person, one age: one term a unit).
            ages: dict[int, int] = defaultdict(int)
            for unit, _person, age in found.values_list(
                "term__unit_id", "person_id", "age"
            ).distinct():
                ages[unit] += age
            return dict(ages)
        rows = found.values(unit=F("term__unit_id")).annotate(n=Count("person_id", distinct=True))
        return _by_unit(rows)

    return count


def one_shoulder(round_, unit_ids, day):
    return {unit: 1 for unit, (both, _, _) in dual_roles(round_, unit_ids).items() if both}


def cross_posts(round_, unit_ids, day):
    return {unit: n for unit, (_, n, _) in dual_roles(round_, unit_ids).items() if n}


# --- Representatives and group leaders ---------------------------------------------------


def _officers(selector, key):
    """One figure ("total" or "women") of a selector's counts of group officers."""

    def count(round_, unit_ids, day):
        found = selector(round_, unit_ids, day=day)
        return {unit: row[key] for unit, row in found.items() if row[key]}

    return count


# --- Party organisations ------------------------------------------------------------------


def party_members(statuses=None):
    def count(round_, unit_ids, day):
        found = PartyMember.objects.filter(PartyMember.on_roster_q(day)).filter(
            branch__unit_id__in=list(unit_ids)
        )
        if statuses:
            found = found.filter(status__in=statuses)
        return _by_unit(found.values(unit=F("branch__unit_id")).annotate(n=Count("id")))

    return count


def _attendance(round_, unit_ids):
    rows = Attendance.objects.filter(
        congress__round=round_, congress__unit_id__in=list(unit_ids)
    ).values_list("congress__unit_id", "can_vote", "excluded", "present")
    grouped = defaultdict(list)
    for unit, *row in rows:
        grouped[unit].append(row)
    return {unit: attendance_figures(found) for unit, found in grouped.items()}


def congress_expected(round_, unit_ids, day):
    return {u: f.expected for u, f in _attendance(round_, unit_ids).items() if f.expected}


def congress_present(round_, unit_ids, day):
    return {u: f.present for u, f in _attendance(round_, unit_ids).items() if f.present}


def _first_committee_rounds(round_, unit_ids):
    return ElectionRound.objects.filter(
        congress__round=round_,
        congress__unit_id__in=list(unit_ids),
        kind=ElectionRound.Kind.COMMITTEE,
        round_type=ElectionRound.RoundType.FIRST,
    )


def committee_seats(round_, unit_ids, day):
    rows = (
        _first_committee_rounds(round_, unit_ids)
        .values(unit=F("congress__unit_id"))
        .annotate(n=Sum("seats"))
    )
    return _by_unit(rows)


def committee_candidates(round_, unit_ids, day):
    rows = (
        RoundCandidate.objects.filter(
            round__in=_first_committee_rounds(round_, unit_ids), write_in=False
        )
        .values(unit=F("round__congress__unit_id"))
        .annotate(n=Count("id"))
    )
    return _by_unit(rows)


def committee_surplus(round_, unit_ids, day):
    seats = committee_seats(round_, unit_ids, day)
    candidates = committee_candidates(round_, unit_ids, day)
    return {u: candidates.get(u, 0) - n for u, n in seats.items()}


# --- The registry -------------------------------------------------------------------------


def _count(code, label, count, unit=""):
    return register_count(code, label, count, unit=unit, app=APP)


def _ratio(code, label, numerator, denominator, style=PERCENT):
    return register_ratio(code, label, numerator, denominator, style=style, app=APP)


def _register_members(prefix, body, who, posts=None):
    """The structure measures of one group of members: in all, women, age bands, average
    age, education, party membership, veterans, college graduates."""
    base = Q(post__in=posts) if posts else Q()
    _count(f"{prefix}", f"{who}人数", _members(body, base), unit="人")
    _count(f"{prefix}_female", f"{who}中女性", _members(body, base & Q(person__sex="F")), unit="人")
    for code, (label, where) in AGE_BANDS.items():
        _count(f"{prefix}_{code}", f"{who}{label}", _members(body, base & where), unit="人")
    _count(f"{prefix}_age_sum", f"{who}年龄合计", _members(body, base, age_sum=True), unit="岁")
    _ratio(f"{prefix}_average_age", f"{who}平均年龄", f"{prefix}_age_sum", prefix, style=AVERAGE)
    for code, (label, where) in EDUCATION_BANDS.items():
        _count(f"{prefix}_{code}", f"{who}{label}", _members(body, base & where), unit="人")
    _count(
        f"{prefix}_party",
        f"{who}中共党员",
        _members(body, base & Q(person__political_status__in=PARTY_STATUSES)),
        unit="人",
    )
    _count(
        f"{prefix}_veterans",
        f"{who}退役军人",
        _members(body, base & Q(person__tags__contains=["veteran"])),
        unit="人",
    )
    _count(
        f"{prefix}_graduates",
        f"{who}高校毕业生",
        _members(body, base & Q(person__tags__contains=["college_graduate"])),
        unit="人",
    )
    _ratio(f"{prefix}_female_share", f"{who}女性占比", f"{prefix}_female", prefix)


def register() -> None:
    _count("units", "村(社区)数", units, unit="个")
    _count("one_shoulder", "“一肩挑”村(社区)数", one_shoulder, unit="个")
    _count("cross_posts", "交叉任职人数", cross_posts, unit="人")

    # 村(居)民委员会
    _count(
        "villagers_elections_done",
        "已完成村(居)委会选举村(社区)数",
        _as_counts(villagers_approved_units),
        unit="个",
    )
    _count("registered_voters", "登记选民数", voters_registered, unit="人")
    _count("voters_voted", "参选人数", voters_voted, unit="人")
    _ratio("turnout", "参选率", "voters_voted", "registered_voters")
    _count(
        "nominees_direct",
        "村(居)民直接提名的正式候选人",
        _nominees(
            [
                VillagersNomination.Source.JOINT,
                VillagersNomination.Source.GROUP,
                VillagersNomination.Source.HOUSEHOLD,
            ]
        ),
        unit="人",
    )
    _count(
        "nominees_self",
        "自荐的正式候选人",
        _nominees([VillagersNomination.Source.SELF]),
        unit="人",
    )
    _count(
        "units_by_meeting",
        "召开选举大会的村(社区)数",
        _with_box(BallotBox.Kind.MAIN, without=BallotBox.Kind.SUB),
        unit="个",
    )
    _count(
        "units_by_stations",
        "设投票站(分会场)的村(社区)数",
        _with_box(BallotBox.Kind.SUB),
        unit="个",
    )
    _count(
        "units_mobile_boxes",
        "设流动票箱的村(社区)数",
        _with_box(BallotBox.Kind.MOBILE),
        unit="个",
    )
    _count("mobile_boxes", "流动票箱数", mobile_boxes, unit="个")
    _count("proxies", "委托投票人数", proxies, unit="人")
    _count("elected_first_time", "一次选举成功的村(社区)数", elected_first_time, unit="个")
    _count("supplementary_held", "进行另行选举的村(社区)数", supplementary_held, unit="个")
    _register_members("villagers_members", Body.VILLAGERS, "村(居)委会成员")

    # 村(居)务监督委员会, 村(居)民代表, 村(居)民小组长
    who = "村(居)务监督委员会成员"
    _count("supervision_members", f"{who}人数", _members(Body.SUPERVISION, Q()), unit="人")
    _count(
        "supervision_members_female",
        f"{who}中女性",
        _members(Body.SUPERVISION, Q(person__sex="F")),
        unit="人",
    )
    _count(
        "supervision_chairs",
        "村(居)务监督委员会主任人数",
        _members(Body.SUPERVISION, Q(post=Post.SUPERVISION_CHAIR)),
        unit="人",
    )
    _ratio(
        "supervision_members_female_share",
        f"{who}女性占比",
        "supervision_members_female",
        "supervision_members",
    )
    _count("representatives", "村(居)民代表人数", _officers(representatives, "total"), unit="人")
    _count(
        "representatives_female",
        "村(居)民代表中女性",
        _officers(representatives, "women"),
        unit="人",
    )
    _ratio(
        "representatives_female_share",
        "村(居)民代表女性占比",
        "representatives_female",
        "representatives",
    )
    _count("group_leaders", "村(居)民小组长人数", _officers(group_leaders, "total"), unit="人")
    _count(
        "group_leaders_female",
        "村(居)民小组长中女性",
        _officers(group_leaders, "women"),
        unit="人",
    )

    # 村(社区)党组织
    _count(
        "congresses_held", "已召开党员大会的村(社区)数", _as_counts(congress_held_units), unit="个"
    )
    _count("party_members", "党员数", party_members(), unit="人")
    _count(
        "party_members_full",
        "正式党员数",
        party_members([PartyMember.Status.FULL]),
        unit="人",
    )
    _count("congress_expected", "应到会党员数", congress_expected, unit="人")
    _count("congress_present", "实到会党员数", congress_present, unit="人")
    _ratio("congress_attendance", "参会率", "congress_present", "congress_expected")
    _count("committee_seats", "应选委员数", committee_seats, unit="人")
    _count("committee_candidates", "委员候选人数", committee_candidates, unit="人")
    _count("committee_surplus", "差额数", committee_surplus, unit="人")
    _ratio("committee_surplus_share", "差额比例", "committee_surplus", "committee_seats")
    _register_members("party_committee", Body.PARTY, "党组织委员")
    _register_members("secretaries", Body.PARTY, "书记", posts=[Post.SECRETARY])
