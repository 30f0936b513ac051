"""A candidacy's next step, from its status: inspection, vetting, the township's approval,
the county's signatures, the formal list, then the election of its committee."""

from django.urls import reverse

from candidates import access
from candidates.models import Candidacy
from renewal.kit.next_steps import NextStep, register
from renewal.models import Body

Status = Candidacy.Status


def candidacy_step(user, c: Candidacy) -> NextStep | None:
    if c.is_closed or c.outcome:
        return None
    unit = c.unit
    writer = access.can_write_unit(user, unit)
    here = reverse("candidates:candidacy-detail", args=[c.pk])
    if c.status == Status.PRELIMINARY:
        if c.inspection == Candidacy.Inspection.FAILED:
            return NextStep.for_user("考察不合格：办理退出或取消资格", f"{here}#handle", writer)
        return NextStep.for_user("登记组织考察结果", f"{here}#handle", writer)
    if c.status == Status.INSPECTED:
        if not c.vetting.exists():
            return NextStep.for_user("发送资格联审", reverse("candidates:vetting-send"), writer)
        return NextStep("等待资格联审通过（见“尚未通过联审的原因”）", f"{here}#vetting-blockers")
    if c.status == Status.VETTED:
        return NextStep.for_user(
            "乡镇(街道)党(工)委审核", f"{here}#handle", access.can_approve_township(user, unit)
        )
    if c.status == Status.TOWNSHIP_APPROVED and c.is_secretary:
        return NextStep.for_user(
            "县委组织部长、区委书记签字备案",
            f"{here}#handle",
            access.can_act_for_county(user, unit),
        )
    if c.status in (Status.TOWNSHIP_APPROVED, Status.COUNTY_FILED):
        return NextStep.for_user(
            "确定正式候选人名单",
            reverse("candidates:unit-candidates", args=[unit.pk]),
            writer,
        )
    if c.body == Body.PARTY:
        congress = unit.congresses.filter(round_id=c.round_id).first()
        if congress is None:
            url = reverse("ballots:congress-create", args=[unit.pk])
            return NextStep.for_user("建立党员大会，进行选举", url, writer)
        url = reverse("ballots:congress-detail", args=[congress.pk])
        return NextStep.for_user("党员大会选举", url, writer)
    election = unit.villagers_elections.filter(round_id=c.round_id).first()
    if election is None:
        url = reverse("villagers:election-create", args=[unit.pk])
        return NextStep.for_user(f"建立{unit.committee_label}选举", url, writer)
    url = reverse("villagers:election-detail", args=[election.pk])
    return NextStep.for_user(f"{unit.committee_label}选举", url, writer)


def register_steps() -> None:
    register(Candidacy, candidacy_step)
