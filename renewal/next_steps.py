"""A unit's next step in the cycle, from the stage it has reached (renewal.progress)."""

from django.urls import reverse

from renewal import access, selectors
from renewal.kit.next_steps import NextStep, register
from renewal.models import SeatChange, Unit

OPEN_CHANGES = (SeatChange.Status.PENDING_TOWNSHIP, SeatChange.Status.PENDING_COUNTY)


def unit_step(user, unit: Unit) -> NextStep | None:
    writer = access.can_write_unit(user, unit)
    stage = unit.stage
    if stage == "preparation":
        return NextStep.for_user(
            "完成风险研判，登记研判完成日期", reverse("renewal:unit-edit", args=[unit.pk]), writer
        )
    if stage == "seats":
        if unit.seat_changes.filter(status__in=OPEN_CHANGES).exists():
            return NextStep.for_user("等待职数调整审批", reverse("renewal:seat-change-list"), True)
        return NextStep.for_user(
            "核定职数", reverse("renewal:seat-change-create", args=[unit.pk]), writer
        )
    candidates = reverse("candidates:unit-candidates", args=[unit.pk])
    if stage == "recommendation":
        return NextStep.for_user("登记推荐的初步人选", candidates, writer)
    if stage == "vetting":
        return NextStep.for_user("组织考察、资格联审", candidates, writer)
    if stage == "formal_list":
        return NextStep.for_user("确定正式候选人名单", candidates, writer)
    rnd = selectors.active_round(unit.county_id)
    if stage in ("congress", "approval"):
        congress = unit.congresses.filter(round=rnd).first()
        if congress is None:
            return NextStep.for_user(
                "建立党员大会", reverse("ballots:congress-create", args=[unit.pk]), writer
            )
        url = reverse("ballots:congress-detail", args=[congress.pk])
        if stage == "congress":
            return NextStep.for_user("召开党员大会，录入选举结果", url, writer)
        approver = writer or access.leads_township(user, unit)
        return NextStep.for_user("党员大会选举结果报批与公示", url, approver)
    if stage == "villagers_election":
        election = unit.villagers_elections.filter(round=rnd).first()
        if election is None:
            return NextStep.for_user(
                f"建立{unit.committee_label}选举",
                reverse("villagers:election-create", args=[unit.pk]),
                writer,
            )
        return NextStep.for_user(
            f"{unit.committee_label}选举",
            reverse("villagers:election-detail", args=[election.pk]),
            writer,
        )
    if stage == "handover":
        return NextStep.for_user(
            "工作交接与新班子培训",
            reverse("aftercare:unit-onboarding", args=[unit.pk]),
            access.can_write_unit(user, unit, county_reviewer=True),
        )
    return None


def register_steps() -> None:
    register(Unit, unit_step)
