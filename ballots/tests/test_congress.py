"""Congress services: quorum, scrutineers, rounds that follow ties and shortfalls, entry, lock."""

import datetime
import re
import threading
from urllib.parse import unquote

import pytest
from django.db import connection
from django.utils import timezone

from ballots import checks
from ballots.checks import AcknowledgeAll
from ballots.congress import services as bs
from ballots.models import CalendarDay, CalendarYear, Congress, ElectionRound
from renewal.kit.dates import chinese_date
from renewal.models import DomainError, Person, Term
from tests.factories import PersonFactory, add_roster, formal_party_candidates, make_formal

pytestmark = pytest.mark.django_db
NAMES = ["王建国", "李秀英", "张伟", "刘洋", "陈静", "杨帆"]


@pytest.fixture
def congress(world):
    unit = world["unit_a1"]
    add_roster(unit.branch, 10, probationary=1)
    # Six of the full members are the formal candidates for the committee.
    members = unit.branch.members.filter(status="full").select_related("person").order_by("id")
    for member, name in zip(members, NAMES, strict=False):
        member.person.name = name
        member.person.save(update_fields=["name"])
    make_formal(unit, [m.person for m in members[: len(NAMES)]])
    congress = bs.congress_create(
        unit=world["unit_a1"],
        held_on=datetime.date(2026, 11, 20),
        place="村委会会议室",
        chair="王书记",
    )
    # Two members who are not candidates oversee and count the votes.
    for member, role in zip(members[len(NAMES) :], ("chief", "teller"), strict=False):
        bs.scrutineer_add(congress=congress, person=member.person, role=role)
    return congress


def attend(congress, present: int, excluded: int = 0):
    rows = []
    voting = list(congress.attendance.filter(can_vote=True).order_by("id"))
    for n, a in enumerate(voting):
        is_excluded = n >= len(voting) - excluded
        rows.append(
            {
                "id": a.pk,
                "present": n < present and not is_excluded,
                "excluded": "abroad" if is_excluded else "",
                "approved_by": "镇党委张三",
            }
        )
    congress.refresh_from_db()
    bs.attendance_update(congress=congress, version=congress.version, rows=rows)
    congress.refresh_from_db()


def P(congress, *names):
    """The congress's roster members of these names, in this order (test data: names unique)."""
    by_name = {
        a.member.person.name: a.member.person
        for a in congress.attendance.select_related("member__person")
    }
    return [by_name.get(n) or Person.objects.get(name=n) for n in names]


def totals(returned, invalid=0, **votes):
    return {"returned": returned, "invalid": invalid, "for": votes, "against": {}, "abstain": {}}


def test_roster_gives_expected_and_verdict(congress):
    assert congress.attendance.count() == 11
    attend(congress, present=9)
    met, verdict = bs.quorum_verdict(congress)
    assert met and verdict == "应到 10 人，实到 9 人，超过五分之四，可以进行选举。"
    attend(congress, present=8)
    met, verdict = bs.quorum_verdict(congress)
    assert not met and "实到 8 人，未超过五分之四，不得进行选举" in verdict


def test_exclusion_lowers_expected_and_needs_approver(congress):
    attend(congress, present=8, excluded=1)
    assert bs.head_count(congress) == (9, 8)
    row = congress.attendance.filter(can_vote=True).first()
    with pytest.raises(DomainError, match="须写明经上级党组织同意的同意人"):
        bs.attendance_update(
            congress=congress,
            version=congress.version,
            rows=[{"id": row.pk, "present": False, "excluded": "illness", "approved_by": ""}],
        )


def test_stale_attendance_form_is_refused(congress):
    attend(congress, present=9)
    with pytest.raises(DomainError, match="其他人刚刚修改"):
        bs.attendance_update(congress=congress, version=congress.version - 1, rows=[])


def test_candidate_cannot_be_scrutineer(congress, personas):
    rnd = bs.round_open(congress=congress, kind="committee", seats=5, people=P(congress, *NAMES))
    (candidate,) = P(congress, "王建国")
    with pytest.raises(DomainError, match="是候选人，不能担任监票人"):
        bs.scrutineer_add(congress=congress, person=candidate, role="teller")
    assert rnd.candidates[0] == "王建国"  # stroke order: 王 (4) first
    ok = bs.scrutineer_add(congress=congress, person=PersonFactory(name="赵监票"), role="chief")
    assert ok.role == "chief"
    # Another person of the same name is not the candidate: people are told apart by id.
    namesake = bs.scrutineer_add(
        congress=congress, person=PersonFactory(name="王建国"), role="teller"
    )
    assert namesake.person != candidate


def test_surplus_is_rechecked_when_opening_the_first_round(congress):
    with pytest.raises(DomainError, match="候选人至少 6 名"):
        bs.round_open(congress=congress, kind="committee", seats=5, people=P(congress, *NAMES[:5]))


def test_secretary_round_is_single_candidate(congress):
    with pytest.raises(DomainError, match="等额选举"):
        bs.round_open(congress=congress, kind="secretary", seats=1, people=P(congress, *NAMES[:2]))


def enter(rnd, user, issued, t):
    """Enter a count; the examples give only the for votes, so the clerk acknowledges that
    against and abstain were not counted (see the test of the warnings)."""
    rnd.refresh_from_db()
    return bs.round_enter(
        actor=user,
        rnd=rnd,
        version=rnd.version,
        ballots_issued=issued,
        totals=t,
        acknowledgements=AcknowledgeAll("核对计票单无误"),
    )


def test_elected_round(congress, personas):
    attend(congress, present=10)
    rnd = bs.round_open(congress=congress, kind="committee", seats=5, people=P(congress, *NAMES))
    rnd = enter(
        rnd, personas["staff_a"], 10, totals(10, 王建国=9, 李秀英=8, 张伟=7, 刘洋=6, 陈静=6, 杨帆=3)
    )
    assert rnd.status == "counted" and rnd.result["outcome"] == "elected"
    assert rnd.result["elected"] == ["王建国", "李秀英", "张伟", "刘洋", "陈静"]
    assert not rnd.following.exists()


def test_tie_at_cut_off_opens_a_revote(congress, personas):
    attend(congress, present=10)
    rnd = bs.round_open(congress=congress, kind="committee", seats=5, people=P(congress, *NAMES))
    rnd = enter(
        rnd, personas["staff_a"], 10, totals(10, 王建国=9, 李秀英=8, 张伟=7, 刘洋=6, 陈静=6, 杨帆=6)
    )
    assert rnd.result["outcome"] == "tie"
    revote = rnd.following.get()
    assert revote.round_type == ElectionRound.RoundType.REVOTE
    assert revote.seats == 2 and set(revote.candidates) == {"刘洋", "陈静", "杨帆"}


def test_shortfall_opens_a_supplementary_round(congress, personas):
    attend(congress, present=10)
    rnd = bs.round_open(congress=congress, kind="committee", seats=5, people=P(congress, *NAMES))
    rnd = enter(
        rnd, personas["staff_a"], 10, totals(10, 王建国=9, 李秀英=8, 张伟=7, 刘洋=5, 陈静=4, 杨帆=2)
    )
    assert rnd.result["outcome"] == "shortfall"
    supplementary = rnd.following.get()
    assert supplementary.round_type == "supplementary" and supplementary.seats == 2
    assert set(supplementary.candidates) == {"刘洋", "陈静", "杨帆"}


def test_more_returned_than_issued_voids_and_reruns(congress, personas):
    attend(congress, present=10)
    rnd = bs.round_open(congress=congress, kind="committee", seats=5, people=P(congress, *NAMES))
    rnd = enter(rnd, personas["staff_a"], 9, totals(10, 王建国=9))
    assert rnd.result["outcome"] == "void"
    assert rnd.following.get().round_type == "first"


@pytest.mark.parametrize(
    ("issued", "t", "message"),
    [
        (12, totals(10), "F.104 发出票数（12）多于实到会有选举权人数（10）"),
        (10, totals(5, invalid=6), "F.103 废票（6）多于收回票数（5）"),
        (
            10,
            totals(10, invalid=2, 王建国=9),
            "F.102 王建国得票（含反对、弃权，合计 9）多于有效票（8）",
        ),
        (
            10,
            totals(2, 王建国=2, 李秀英=2, 张伟=2, 刘洋=2, 陈静=2, 杨帆=2),
            "F.105 赞成票合计（12）多于有效票（2）× 应选人数（5）",
        ),
    ],
    ids=[
        "issued more than present",
        "invalid more than returned",
        "a name with more votes than valid ballots",
        "totals that do not add up",
    ],
)
def test_numbered_validation_messages(congress, personas, issued, t, message):
    attend(congress, present=10)
    rnd = bs.round_open(congress=congress, kind="committee", seats=5, people=P(congress, *NAMES))
    with pytest.raises(bs.TallyRefused) as refused:
        enter(rnd, personas["staff_a"], issued, t)
    assert refused.value.findings[0].message == message
    rnd.refresh_from_db()
    assert rnd.status == "open" and rnd.result is None


def test_double_entry_must_agree_between_two_accounts(congress, personas):
    attend(congress, present=10)
    rnd = bs.round_open(
        congress=congress, kind="committee", seats=5, people=P(congress, *NAMES), double_entry=True
    )
    first = totals(10, 王建国=9, 李秀英=8, 张伟=7, 刘洋=6, 陈静=6, 杨帆=3)
    rnd = enter(rnd, personas["staff_a"], 10, first)
    assert rnd.status == "awaiting_second"
    with pytest.raises(DomainError, match="须由另一个账号"):
        enter(rnd, personas["staff_a"], 10, first)
    rnd = enter(rnd, personas["leader_a"], 10, first)
    assert rnd.status == "counted"


def test_second_entry_keeps_the_first_ballot_count_unless_typed_again(congress, personas):
    """The second teller checks the votes: a blank ballot count keeps the one signed at the
    first entry; one typed again must agree with it, or the coordinator decides."""
    attend(congress, present=10)
    t = totals(10, 王建国=9, 李秀英=8, 张伟=7, 刘洋=6, 陈静=6, 杨帆=3)
    signed = checks.Reconciliation(printed=12, spoiled=0, unused=2)

    def second_entry(rnd, user, reconciliation=None):
        rnd.refresh_from_db()
        return bs.round_enter(
            actor=user,
            rnd=rnd,
            version=rnd.version,
            ballots_issued=10,
            totals=t,
            reconciliation=reconciliation,
            acknowledgements=AcknowledgeAll("核对计票单无误"),
        )

    def fresh_round():
        return bs.round_open(
            congress=congress,
            kind="committee",
            seats=5,
            people=P(congress, *NAMES),
            double_entry=True,
        )

    rnd = fresh_round()
    second_entry(rnd, personas["staff_a"], signed)
    counted = second_entry(rnd, personas["leader_a"])  # left blank
    assert counted.status == "counted"
    assert (counted.ballots_printed, counted.ballots_spoiled, counted.ballots_unused) == (12, 0, 2)

    congress.rounds.all().delete()
    rnd = fresh_round()
    second_entry(rnd, personas["staff_a"], signed)
    differs = checks.Reconciliation(printed=13, spoiled=0, unused=3)
    assert second_entry(rnd, personas["leader_a"], differs).status == "disputed"
    rnd.refresh_from_db()
    assert rnd.ballots_printed is None and rnd.result is None


@pytest.mark.django_db(transaction=True)
def test_two_accounts_saving_at_once_count_once(congress, personas):
    attend(congress, present=10)
    rnd = bs.round_open(congress=congress, kind="committee", seats=5, people=P(congress, *NAMES))
    t = totals(10, 王建国=9, 李秀英=8, 张伟=7, 刘洋=6, 陈静=6, 杨帆=3)
    barrier, outcomes = threading.Barrier(2), []

    def save(user):
        try:
            barrier.wait()
            bs.round_enter(
                actor=user,
                rnd=rnd,
                version=rnd.version,
                ballots_issued=10,
                totals=t,
                acknowledgements=AcknowledgeAll("核对计票单无误"),
            )
            outcomes.append("saved")
        except DomainError as exc:
            outcomes.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(personas[u],)) for u in ("staff_a", "leader_a")]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert outcomes.count("saved") == 1, outcomes
    refused = next(o for o in outcomes if o != "saved")
    assert refused.startswith(("其他人刚刚录入", "本轮已计票"))
    assert rnd.entries.count() == 1
    assert ElectionRound.objects.filter(congress=congress).count() == 1


def test_report_notice_approval_lock_and_reopen(congress, personas):
    attend(congress, present=10)
    rnd = bs.round_open(congress=congress, kind="committee", seats=5, people=P(congress, *NAMES))
    enter(
        rnd, personas["staff_a"], 10, totals(10, 王建国=9, 李秀英=8, 张伟=7, 刘洋=6, 陈静=6, 杨帆=3)
    )
    congress = bs.congress_report(congress=congress, notice_start=datetime.date(2026, 11, 23))
    assert congress.notice_end == datetime.date(2026, 11, 27)
    with pytest.raises(DomainError, match="公示期满后才能批复"):
        bs.congress_approve(
            actor=personas["leader_a"], congress=congress, today=datetime.date(2026, 11, 27)
        )
    congress = bs.congress_approve(
        actor=personas["leader_a"], congress=congress, today=datetime.date(2026, 11, 30)
    )
    assert congress.is_locked
    term = Term.objects.get(unit=congress.unit, body="party", round=congress.round)
    assert sorted(term.members.values_list("person__name", flat=True)) == sorted(NAMES[:5])
    assert set(term.members.values_list("post", flat=True)) == {"party_member"}
    with pytest.raises(DomainError, match="已锁定"):
        bs.round_open(congress=congress, kind="secretary", seats=1, people=P(congress, "王建国"))
    with pytest.raises(DomainError, match="须写明原因"):
        bs.congress_reopen(actor=personas["reviewer"], congress=congress, reason="")
    congress = bs.congress_reopen(
        actor=personas["reviewer"], congress=congress, reason="选票统计有误，需重新核对"
    )
    assert congress.status == Congress.Status.REPORTED
    bs.congress_approve(
        actor=personas["leader_a"], congress=congress, today=datetime.date(2026, 11, 30)
    )
    assert Term.objects.filter(unit=congress.unit, body="party").count() == 1
    assert Term.objects.get(unit=congress.unit, body="party").members.count() == 5


def test_notice_in_an_undeclared_year_is_a_clear_error(congress):
    with pytest.raises(DomainError, match="2031 年的法定节假日安排尚未录入"):
        bs.notice_end_for(datetime.date(2031, 5, 6))
    year = CalendarYear.objects.create(year=2031, source="测试通知")
    CalendarDay.objects.create(year=year, date=datetime.date(2031, 5, 6), name="劳动节")
    assert bs.notice_end_for(datetime.date(2031, 5, 6)) == datetime.date(2031, 5, 13)


def test_exported_record_recounts_the_same(congress, personas, tmp_path):
    import json
    import subprocess
    import sys
    from pathlib import Path

    attend(congress, present=10)
    rnd = bs.round_open(congress=congress, kind="committee", seats=5, people=P(congress, *NAMES))
    rnd = enter(
        rnd, personas["staff_a"], 10, totals(10, 王建国=9, 李秀英=8, 张伟=7, 刘洋=6, 陈静=6, 杨帆=3)
    )
    path = tmp_path / "round.json"
    path.write_text(json.dumps(bs.round_record_json(rnd), ensure_ascii=False), encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "manage.py", "recount", str(path), "--verify"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "config.test_settings"},
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["elected"] == rnd.result["elected"]


def test_election_report_pdf(client, congress, personas):
    attend(congress, present=10)
    rnd = bs.round_open(congress=congress, kind="committee", seats=5, people=P(congress, *NAMES))
    enter(
        rnd, personas["staff_a"], 10, totals(10, 王建国=9, 李秀英=8, 张伟=7, 刘洋=6, 陈静=6, 杨帆=3)
    )
    client.force_login(personas["staff_a"])
    response = client.get(f"/congresses/{congress.pk}/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    from io import BytesIO

    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(BytesIO(response.content)).pages)
    assert "当选委员" in text and "王建国" in text
    from ballots.tests.test_printing import CLOSING, pdf_lines

    lines = pdf_lines(response.content)
    # The record hashes follow the 落款 as an attachment (see test_seal.py).
    lines = lines[: lines.index("附：选票记录校验码（SHA-256）")]
    unit = congress.unit
    assert lines[1] == f"{unit.township.name}党(工)委："
    # The 落款: the unit's party organisation under its township, and today, no leading zeros.
    assert unit.township.name in lines[-2] and unit.name in lines[-2]
    assert re.fullmatch(r"\d{4}年[1-9]\d?月[1-9]\d?日", lines[-1])
    assert lines[-1] == chinese_date(timezone.localdate())
    held = congress.held_on
    assert f"{held.year}年{held.month}月{held.day}日，" in text
    assert not [line for line in lines if line.startswith(CLOSING)]
    assert chinese_date(datetime.date(2027, 3, 5)) == "2027年3月5日"
    sent = unquote(response["Content-Disposition"].split("filename*=UTF-8''")[1])
    assert sent == f"{unit.name}-选举结果报告-{timezone.localdate():%Y%m%d}.pdf"
    assert f'filename="congress-{congress.pk}-report.pdf"' in response["Content-Disposition"]


def test_ballot_by_ballot_entry_through_the_page(client, congress, personas):
    attend(congress, present=10)
    rnd = bs.round_open(congress=congress, kind="committee", seats=5, people=P(congress, *NAMES))
    client.force_login(personas["staff_a"])
    assert rnd.candidates[0] == "王建国"  # printed in stroke order
    lines = ["○○○-○○"] * 6 + ["○○○○○×"] * 2 + ["○○○○○○", "○-○-○- 另选:赵磊"]
    post = {"version": rnd.version, "mode": "ballots", "ballots_issued": 10}
    bad = client.post(
        f"/congress-rounds/{rnd.pk}/",
        {
            **post,
            "ballot_lines": "\n".join([*lines[:-1], "○○?○○○"]),
        },
    )
    assert "第 10 张选票有无法识别的符号“?”" in bad.content.decode()
    response = client.post(
        f"/congress-rounds/{rnd.pk}/", {**post, "ballot_lines": "\n".join(lines)}
    )
    assert response.status_code == 302
    rnd.refresh_from_db()
    result = rnd.result
    assert result["outcome"] == "elected" and result["ballots_invalid"] == 1
    votes = {r["name"]: r["votes"] for r in result["results"]}
    assert votes["赵磊"] == 1 and votes[rnd.candidates[0]] == 9


def test_secretary_elected_by_the_new_committee_plenary(congress, personas):
    attend(congress, present=10)
    with pytest.raises(DomainError, match="尚未选出委员"):
        bs.round_open(congress=congress, kind="secretary", seats=1, people=P(congress, "王建国"))
    rnd = bs.round_open(congress=congress, kind="committee", seats=5, people=P(congress, *NAMES))
    enter(
        rnd, personas["staff_a"], 10, totals(10, 王建国=9, 李秀英=8, 张伟=7, 刘洋=6, 陈静=6, 杨帆=3)
    )
    with pytest.raises(DomainError, match="杨帆不是新当选的委员"):
        bs.round_open(congress=congress, kind="secretary", seats=1, people=P(congress, "杨帆"))
    sec = bs.round_open(congress=congress, kind="secretary", seats=1, people=P(congress, "王建国"))
    sec = enter(sec, personas["staff_a"], 5, totals(5, 王建国=5))
    assert (sec.expected, sec.present) == (5, 5)  # the committee, not the congress
    assert sec.result["elected"] == ["王建国"]


def test_shortfall_may_reduce_seats_with_majority_consent(congress, personas):
    attend(congress, present=10)
    rnd = bs.round_open(congress=congress, kind="committee", seats=5, people=P(congress, *NAMES))
    rnd = enter(
        rnd, personas["staff_a"], 10, totals(10, 王建国=9, 李秀英=8, 张伟=7, 刘洋=6, 陈静=4, 杨帆=2)
    )
    supplementary = rnd.following.get()
    assert supplementary.seats == 1
    with pytest.raises(DomainError, match="未超过实到会 10 人的半数"):
        bs.round_reduce_seats(rnd=supplementary, agreed=5, reason="差一名")
    reduced = bs.round_reduce_seats(rnd=supplementary, agreed=6, reason="接近应选人数，经大会同意")
    assert reduced.status == "seats_reduced"
    assert bs.congress_report(congress=congress, notice_start=datetime.date(2026, 11, 23))


def test_live_preview_and_saved_verdict_use_the_same_words(client, congress, personas):
    """The htmx preview and the stored verdict come from one function."""
    client.force_login(personas["staff_a"])
    voting = list(congress.attendance.filter(can_vote=True).order_by("id"))
    data = {f"present-{a.pk}": "on" for a in voting[:8]}
    body = client.post(f"/congresses/{congress.pk}/quorum/", data).content.decode()
    attend(congress, present=8)
    assert bs.quorum_verdict(congress)[1] in body


def test_tampered_version_is_refused_not_a_server_error(client, congress, personas):
    attend(congress, present=10)
    rnd = bs.round_open(congress=congress, kind="committee", seats=5, people=P(congress, *NAMES))
    client.force_login(personas["staff_a"])
    response = client.post(
        f"/congress-rounds/{rnd.pk}/",
        {"version": "abc", "ballots_issued": "10", "returned": "10", "for-0": "9"},
    )
    assert response.status_code == 200
    assert "其他人刚刚录入" in response.content.decode()
    response = client.post(f"/congresses/{congress.pk}/attendance/", {"version": "x"})
    assert response.status_code == 200
    assert "其他人刚刚修改" in response.content.decode()


def test_name_the_font_cannot_print_gives_a_message(client, congress, personas):
    formal_party_candidates(congress.unit, ["𠮷大"])
    people = [*P(congress, *NAMES), Person.objects.get(name="𠮷大")]
    rnd = bs.round_open(congress=congress, kind="committee", seats=5, people=people)
    client.force_login(personas["staff_a"])
    response = client.get(f"/congress-rounds/{rnd.pk}/ballots.pdf", follow=True)
    assert response.status_code == 200
    assert "内置字体缺少以下字符" in response.content.decode()


def test_a_short_tally_row_is_saved_only_once_the_clerk_acknowledges_it(congress, personas):
    attend(congress, present=10)
    rnd = bs.round_open(congress=congress, kind="committee", seats=5, people=P(congress, *NAMES))
    short = {
        "returned": 10,
        "invalid": 0,
        "for": {"王建国": 9, "李秀英": 8, "张伟": 7, "刘洋": 6, "陈静": 6, "杨帆": 3},
        "against": {"王建国": 1, "李秀英": 2, "张伟": 3, "刘洋": 4, "陈静": 4},
        "abstain": {"杨帆": 6},
    }
    with pytest.raises(bs.TallyWarnings) as caught:
        bs.round_enter(
            actor=personas["staff_a"], rnd=rnd, version=rnd.version, ballots_issued=10, totals=short
        )
    (warning,) = caught.value.findings
    assert warning.message == (
        "W.201 杨帆赞成（3）、反对（0）、弃权（6）之和（9）少于有效票（10），请核对计票单是否漏记"
    )
    rnd.refresh_from_db()
    assert rnd.status == "open" and not rnd.entries.exists()
    with pytest.raises(bs.TallyWarnings):  # a tick without a reason is not an acknowledgement
        bs.round_enter(
            actor=personas["staff_a"],
            rnd=rnd,
            version=rnd.version,
            ballots_issued=10,
            totals=short,
            acknowledgements={warning.key: "  "},
        )
    rnd = bs.round_enter(
        actor=personas["staff_a"],
        rnd=rnd,
        version=rnd.version,
        ballots_issued=10,
        totals=short,
        acknowledgements={warning.key: "杨帆的弃权票在计票单第二页"},
    )
    assert rnd.status == "counted"
    (ack,) = rnd.acknowledgements.all()
    assert (ack.code, ack.reason, ack.acknowledged_by) == (
        "W.201",
        "杨帆的弃权票在计票单第二页",
        personas["staff_a"],
    )
    assert ack.text.startswith("杨帆赞成（3）")


def test_counting_needs_scrutineers_and_the_meeting_day(world, personas):
    unit = world["unit_a1"]
    people = formal_party_candidates(unit, NAMES)
    congress = bs.congress_create(
        unit=unit,
        held_on=datetime.date.today() + datetime.timedelta(days=3),
        place="会议室",
        chair="王",
    )
    rnd = bs.round_open(congress=congress, kind="committee", seats=5, people=people)
    t = totals(5, **dict.fromkeys(NAMES[:5], 5))
    with pytest.raises(DomainError, match="会议召开前不能录入计票结果"):
        bs.round_enter(
            actor=personas["staff_a"], rnd=rnd, version=rnd.version, ballots_issued=5, totals=t
        )
    Congress.objects.filter(pk=congress.pk).update(held_on=datetime.date(2026, 11, 20))
    with pytest.raises(DomainError, match="尚未推选监票人"):
        bs.round_enter(
            actor=personas["staff_a"], rnd=rnd, version=rnd.version, ballots_issued=5, totals=t
        )


def test_scrutineers_are_entitled_members_and_leave_before_the_count(congress, personas):
    probationer = congress.attendance.get(member__status="probationary").member.person
    with pytest.raises(DomainError, match="预备党员，没有表决权"):
        bs.scrutineer_add(congress=congress, person=probationer, role="teller")
    teller = congress.scrutineers.get(role="teller")
    bs.scrutineer_remove(scrutineer=teller)
    assert not congress.scrutineers.filter(role="teller").exists()
    bs.scrutineer_add(congress=congress, person=teller.person, role="teller")
    attend(congress, present=10)
    rnd = bs.round_open(congress=congress, kind="committee", seats=5, people=P(congress, *NAMES))
    enter(rnd, personas["staff_a"], 10, totals(10, 王建国=9, 李秀英=8, 张伟=7, 刘洋=6, 陈静=6))
    with pytest.raises(DomainError, match="已开始录入计票结果"):
        bs.scrutineer_remove(scrutineer=congress.scrutineers.get(role="teller"))
