"""The election committee's numbered 公告: the four PDFs from the data (text checked), the
order, the refusals (deadline missed, data incomplete) and the versions kept."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from ballots.models import ElectionCommitteeMember, ElectionNotice, VillagersElection
from ballots.tests.villagers_vote_helpers import counted_election, make_election
from ballots.villagers import notices
from ballots.villagers import vote as vv
from renewal.models import DomainError

pytestmark = pytest.mark.django_db

D = datetime.date
DAY = D(2026, 11, 29)  # the factory's election day


def pdf_text(content: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(bytes(content))).pages)


def with_committee(election):
    ElectionCommitteeMember.objects.create(election=election, name="赵主任", role="chair")
    return election


def ready(world, personas):
    """A counted election with its committee, the register published on 11-08 and the
    count on election day."""
    election, _ = counted_election(world, personas["staff_a"])
    rnd = election.vote_rounds.get(status="open")  # the seat left for a further round
    vv.round_enter(
        rnd=rnd,
        version=rnd.version,
        actor=personas["staff_a"],
        present=55,
        ballots_returned=55,
        ballots_invalid=1,
        votes={"赵磊": 30, "孙丽": 20},
    )
    with_committee(election)
    VillagersElection.objects.filter(pk=election.pk).update(register_published_on=D(2026, 11, 8))
    election.ballot_setup.counted_at = datetime.datetime(
        2026, 11, 29, 16, tzinfo=ZoneInfo("Asia/Shanghai")
    )
    election.ballot_setup.save(update_fields=["counted_at"])
    election.refresh_from_db()
    return election


def publish(election, personas, number, today):
    return notices.notice_publish(
        actor=personas["staff_a"], election=election, number=number, today=today
    )


def test_four_notices_from_the_data(world, personas):
    election = ready(world, personas)
    first = publish(election, personas, 1, D(2026, 11, 1))
    second = publish(election, personas, 2, D(2026, 11, 8))
    third = publish(election, personas, 3, D(2026, 11, 20))
    fourth = publish(election, personas, 4, D(2026, 11, 29))
    assert [n.number for n in (first, second, third, fourth)] == [1, 2, 3, 4]
    assert [n.version for n in (first, second, third, fourth)] == [1, 1, 1, 1]
    assert first.generated_by == personas["staff_a"] and len(first.sha256) == 64

    texts = [pdf_text(n.content) for n in (first, second, third, fourth)]
    for number, text in enumerate(texts, start=1):
        assert "大红城村村民选举委员会公告" in text
        assert f"（第{number}号）" in text
        assert "城关镇大红城村村民选举委员会" in text  # the 落款
        assert "特此公告。" in text
    method, register, candidates, result = texts
    assert "一、选举日期：2026年11月29日。" in method
    assert "选民名单于2026年11月9日前公布" in method
    assert "2026年11月1日" in method  # the day it is published
    assert "登记选民共 100 人" in register
    assert "2026年11月13日前" in register  # 5 days for objections from 11-08
    assert "2026年11月8日" in register  # dated the day the register was published
    assert "主任（应选 1 名）：王建国、李秀英。" in candidates
    assert "当选主任：王建国。" in result
    assert "赵磊" in result  # elected in the further round
    assert "登记选民 100 人，参加投票 60 人" in result


def test_numbered_in_order(world, personas):
    election = ready(world, personas)
    rows = notices.notice_rows(election, today=D(2026, 11, 1))
    assert rows[0].blocker is None
    assert rows[2].blocker == "请先发布第1号公告。"
    with pytest.raises(DomainError, match="请先发布第1号公告"):
        publish(election, personas, 3, D(2026, 11, 1))
    assert not ElectionNotice.objects.exists()


def test_refused_when_its_legal_deadline_would_be_missed(world, personas):
    election = ready(world, personas)
    publish(election, personas, 1, D(2026, 11, 1))
    publish(election, personas, 2, D(2026, 11, 8))
    # The formal candidates must be published 5 days before election day: 11-24 at the latest.
    with pytest.raises(DomainError) as refused:
        publish(election, personas, 3, D(2026, 11, 26))
    assert str(refused.value) == (
        "已超过法定期限：公布正式候选人名单应于 2026-11-24 前完成（选举日前 5 日），"
        "公告日期 2026-11-26 已逾期。请报乡镇(街道)指导，依法调整选举日后再行公告。"
    )
    assert not ElectionNotice.objects.filter(number=3).exists()


def test_refused_when_the_register_was_published_late(world, personas):
    election = ready(world, personas)
    VillagersElection.objects.filter(pk=election.pk).update(register_published_on=D(2026, 11, 12))
    election.refresh_from_db()
    publish(election, personas, 1, D(2026, 11, 1))
    row = notices.notice_rows(election, today=D(2026, 11, 12))[1]
    assert row.blocker.startswith("已超过法定期限：公布选民名单应于 2026-11-09 前完成")


def test_refused_while_its_data_is_incomplete(world, personas):
    election, _ = make_election(world)
    rows = notices.notice_rows(election, today=D(2026, 11, 1))
    assert rows[0].blocker == "尚未推选村民选举委员会，不能以选举委员会名义发布公告。"
    with_committee(election)
    publish(election, personas, 1, D(2026, 11, 1))
    rows = notices.notice_rows(election, today=D(2026, 11, 1))
    assert rows[1].blocker == "选民名单尚未公布（请先在选举概况中记录名单公布日期）。"
    VillagersElection.objects.filter(pk=election.pk).update(register_published_on=D(2026, 11, 8))
    election.refresh_from_db()
    publish(election, personas, 2, D(2026, 11, 8))
    rows = notices.notice_rows(election, today=D(2026, 11, 10))
    assert rows[2].blocker.startswith("尚未确定以下职位的正式候选人：主任、副主任、委员")
    with pytest.raises(DomainError, match="尚未确定以下职位的正式候选人"):
        publish(election, personas, 3, D(2026, 11, 10))


def test_result_refused_before_the_count(world, personas):
    election, _ = make_election(world)
    with_committee(election)
    rows = notices.notice_rows(election, today=DAY)
    assert rows[3].blocker == "请先发布第1号公告。"
    # Once the earlier ones are out, what is missing is the count itself.
    for number in (1, 2, 3):
        ElectionNotice.objects.create(
            villagers_election=election,
            number=number,
            step=rows[number - 1].template.step,
            title="旧",
            version=1,
            issued_on=D(2026, 11, 1),
            content=b"%PDF",
            sha256="0" * 64,
            generated_by=personas["staff_a"],
        )
    rows = notices.notice_rows(election, today=DAY)
    assert rows[3].blocker == "尚未完成计票，不能公告选举结果。"


def test_a_new_version_keeps_the_old_one(world, personas):
    election = ready(world, personas)
    first = publish(election, personas, 1, D(2026, 11, 1))
    # A correction after the deadline is allowed: the first version met it.
    second = notices.notice_publish(
        actor=personas["leader_a"], election=election, number=1, today=D(2026, 11, 6)
    )
    assert (first.number, first.version) == (1, 1)
    assert (second.number, second.version) == (1, 2)
    assert second.generated_by == personas["leader_a"]
    kept = ElectionNotice.objects.filter(villagers_election=election, number=1).order_by("version")
    assert [n.version for n in kept] == [1, 2]
    assert "2026年11月1日" in pdf_text(kept[0].content)
    assert "2026年11月6日" in pdf_text(kept[1].content)
    assert kept[0].sha256 != kept[1].sha256
    rows = notices.notice_rows(election, today=D(2026, 11, 6))
    assert [v.version for v in rows[0].versions] == [2, 1]
    # The schedule counts the first publication.
    from ballots.villagers import schedule

    item = schedule.schedule_for(election, today=D(2026, 11, 6)).item("method")
    assert item.state == "done" and item.done_on == D(2026, 11, 1)
