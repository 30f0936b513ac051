"""The party organisation's numbered 公示: text from the data, refusals, versions kept."""

import datetime
import io

import pytest
from pypdf import PdfReader

from ballots.congress import notices
from ballots.congress import services as bs
from ballots.congress.views import report_issuer
from ballots.models import ElectionNotice
from ballots.tests.test_congress import NAMES, P, attend, enter, totals
from ballots.tests.test_congress import congress as _held_congress  # noqa: F401  (fixture)
from renewal.models import DomainError

pytestmark = pytest.mark.django_db
D = datetime.date


def counted(congress, personas):
    attend(congress, present=10)
    rnd = bs.round_open(congress=congress, kind="committee", seats=5, people=P(congress, *NAMES))
    enter(
        rnd, personas["staff_a"], 10, totals(10, 王建国=9, 李秀英=8, 张伟=7, 刘洋=6, 陈静=6, 杨帆=3)
    )
    return congress


def publish(congress, personas, today, who="staff_a"):
    return notices.congress_notice_publish(
        actor=personas[who], congress=congress, issuer=report_issuer(congress.unit), today=today
    )


def text(notice) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(bytes(notice.content))).pages)


def test_refused_before_the_result_is_reported(request, personas):
    congress = request.getfixturevalue("_held_congress")
    counted(congress, personas)
    with pytest.raises(DomainError, match="选举结果尚未报批，公示期未定，不能发布公示。"):
        publish(congress, personas, D(2026, 11, 21))
    assert not ElectionNotice.objects.exists()


def test_published_from_the_data_and_regenerated_as_a_new_version(request, personas):
    congress = request.getfixturevalue("_held_congress")
    counted(congress, personas)
    congress = bs.congress_report(congress=congress, notice_start=D(2026, 11, 23))
    first = publish(congress, personas, D(2026, 11, 23))
    assert (first.number, first.version, first.step) == (1, 1, "party_result")
    body = text(first)
    unit = congress.unit
    assert f"{unit.name}党组织换届选举结果公示" in body
    assert "（第1号）" in body
    assert "当选委员（以姓氏笔画为序）：" in body and "王建国" in body and "杨帆" not in body
    assert "公示期：2026年11月23日至2026年11月27日。" in body
    assert report_issuer(unit) in body  # the 落款
    assert "2026年11月23日" in body
    # A correction later in the period is a new version; the first is kept.
    second = publish(congress, personas, D(2026, 11, 25), who="leader_a")
    assert (second.version, second.generated_by) == (2, personas["leader_a"])
    kept = ElectionNotice.objects.filter(congress=congress).order_by("version")
    assert [n.version for n in kept] == [1, 2]
    assert "2026年11月25日" in text(kept[1]) and "2026年11月25日" not in text(kept[0])


def test_first_publication_after_the_period_began_is_refused(request, personas):
    congress = request.getfixturevalue("_held_congress")
    counted(congress, personas)
    congress = bs.congress_report(congress=congress, notice_start=D(2026, 11, 23))
    with pytest.raises(
        DomainError, match="公示期自 2026-11-23 开始，今天发布公示已不足 5 个工作日"
    ):
        publish(congress, personas, D(2026, 11, 24))
