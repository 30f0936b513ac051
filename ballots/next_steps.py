"""Next steps of a party members' congress (党员大会) and of a villagers' committee election,
from their status: what the township enters, what the township committee or the county
decides, and where."""

from django.urls import reverse

from ballots import double_entry as entered_twice
from ballots.congress import access as congress_access
from ballots.congress import services as congress_services
from ballots.models import Congress, ElectionRound, SupervisionElection, VillagersElection
from ballots.villagers import access as villagers_access
from renewal.kit.next_steps import NextStep, register

ENTRY_OPEN = (
    ElectionRound.Status.OPEN,
    ElectionRound.Status.AWAITING_SECOND,
    ElectionRound.Status.DISPUTED,
)


def _coordinate(user, kind: str, tally, unit, day, text: str) -> NextStep:
    """Two entries that differ: the coordinator's page, for the coordinator."""
    label = entered_twice.policy_for(unit.county_id, day).coordinator_label
    url = reverse("ballots:double-entry-detail", args=[kind, tally.pk])
    allowed = entered_twice.can_coordinate(user, unit, day)
    return NextStep.for_user(f"{text}，由{label}核对处理", url, allowed)


def round_step(user, rnd: ElectionRound) -> NextStep | None:
    congress = rnd.congress
    url = reverse("ballots:round-detail", args=[rnd.pk])
    writer = congress_access.can_write_unit(user, congress.unit) and not congress.is_locked
    if rnd.status == ElectionRound.Status.DISPUTED:
        kind = entered_twice.Kind.CONGRESS_ROUND
        return _coordinate(user, kind, rnd, congress.unit, congress.held_on, "两次录入不一致")
    if rnd.status == ElectionRound.Status.AWAITING_SECOND:
        return NextStep.for_user("由另一个账号根据计票单再次录入", f"{url}#entry", writer)
    if rnd.status == ElectionRound.Status.OPEN:
        return NextStep.for_user("录入计票结果", f"{url}#entry", writer)
    return None


def congress_step(user, congress: Congress) -> NextStep | None:
    writer = congress_access.can_write_unit(user, congress.unit)
    here = reverse("ballots:congress-detail", args=[congress.pk])
    if congress.status == Congress.Status.SETUP:
        rnd = congress.rounds.filter(status__in=ENTRY_OPEN).order_by("number").first()
        if rnd is not None and rnd.status == ElectionRound.Status.DISPUTED:
            kind = entered_twice.Kind.CONGRESS_ROUND
            text = f"第 {rnd.number} 轮两次录入不一致"
            return _coordinate(user, kind, rnd, congress.unit, congress.held_on, text)
        if rnd is not None:
            url = reverse("ballots:round-detail", args=[rnd.pk])
            return NextStep.for_user(f"录入第 {rnd.number} 轮计票结果", url, writer)
        if congress_services.unresolved_write_ins(congress):
            return NextStep.for_user(
                "确认另选他人当选的是名册中的哪位党员", f"{here}#rounds", writer
            )
        if not congress.rounds.exists():
            url = reverse("ballots:congress-attendance", args=[congress.pk])
            return NextStep.for_user("登记到会情况，建立委员会选举轮次", url, writer)
        return NextStep.for_user(
            "建立下一轮选举（书记、副书记或另行选举）", f"{here}#rounds", writer
        )
    if congress.status == Congress.Status.HELD:
        return NextStep.for_user("报乡镇(街道)党(工)委并公示", f"{here}#approval", writer)
    if congress.status == Congress.Status.REPORTED:
        return NextStep.for_user(
            "乡镇(街道)党(工)委批复",
            f"{here}#approval",
            congress_access.can_approve(user, congress),
        )
    if congress_services.elected_secretary(congress) and not congress.secretary_filed_at:
        return NextStep.for_user(
            "当选书记报县备案", f"{here}#approval", congress_access.can_reopen(user, congress)
        )
    return None


def villagers_step(user, election: VillagersElection) -> NextStep | None:
    Status = VillagersElection.Status
    unit = election.unit
    preparer = villagers_access.can_prepare(user, unit)
    enterer = villagers_access.can_enter_vote(user, election)

    def url(name, suffix=""):
        return reverse(f"villagers:{name}", args=[election.pk]) + suffix

    if election.status == Status.SETUP:
        return NextStep.for_user("登记选民", url("voter-create"), preparer)
    if election.status == Status.REGISTERING:
        return NextStep.for_user("公布选民名单", url("election-detail", "#publish"), preparer)
    if election.status == Status.PUBLISHED:
        return NextStep.for_user("提名候选人", url("nominations"), preparer)
    if election.status in (Status.NOMINATING, Status.VOTING):
        for dispute in entered_twice.disputes([unit], kinds=VILLAGERS_KINDS):
            text = f"{dispute.title}两次录入不一致"
            day = election.election_day
            return _coordinate(user, dispute.kind, dispute.tally, unit, day, text)
    if election.status == Status.NOMINATING:
        return NextStep.for_user("设置投票点与监票人，组织投票", url("polling"), enterer)
    if election.status == Status.VOTING:
        return NextStep.for_user("录入计票结果", url("vote-detail"), enterer)
    if election.status == Status.COUNTED:
        return NextStep.for_user(
            "确认选举结果", url("vote-detail"), villagers_access.can_approve(user, election)
        )
    supervision = SupervisionElection.objects.filter(villagers=election).first()
    if supervision is None or supervision.status != SupervisionElection.Status.APPROVED:
        body = unit.words["supervision"]
        if supervision is not None and supervision.status == SupervisionElection.Status.COUNTED:
            return NextStep.for_user(
                f"确认{body}选举结果",
                url("supervision", "#result"),
                villagers_access.can_approve(user, election),
            )
        return NextStep.for_user(f"推选{body}", url("supervision"), enterer)
    if not election.group_officers.exists():
        words = unit.words
        return NextStep.for_user(
            f"登记{words['representative']}和{words['leader']}", url("groups"), enterer
        )
    return NextStep.for_user(
        "工作交接与新班子培训",
        reverse("aftercare:unit-onboarding", args=[unit.pk]),
        villagers_access.can_prepare(user, unit),
    )


VILLAGERS_KINDS = (entered_twice.Kind.VILLAGERS_BOX, entered_twice.Kind.VILLAGERS_ROUND)


def register_steps() -> None:
    register(Congress, congress_step)
    register(ElectionRound, round_step)
    register(VillagersElection, villagers_step)
