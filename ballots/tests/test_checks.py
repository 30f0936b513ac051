"""The coded tally checks: one case per rule over plain figures, then the list page, its
PDF and the admin's guard on the texts."""

import pytest

from ballots import checks
from ballots.check_catalogue import CHECKS, load_tally_checks
from ballots.models import TallyCheck

SHIPPED = {c["code"]: (c["severity"], c["text"]) for c in CHECKS}
# As a villagers' tally reads them: a rule worded for that ballot where it differs.
SHIPPED_VILLAGERS = {
    c["code"]: (c["severity"], c.get("villagers_text") or c["text"]) for c in CHECKS
}
NAMES = ["王建国", "李秀英", "张伟"]


def congress(**changes):
    figures = {
        "issued": 10,
        "returned": 10,
        "invalid": 0,
        "for_": dict.fromkeys(NAMES, 6),
        "against": dict.fromkeys(NAMES, 3),
        "abstain": dict.fromkeys(NAMES, 1),
        "candidates": NAMES,
        "seats": 2,
        "present": 10,
    }
    return checks.congress_round(checks.CongressRound(**(figures | changes)), SHIPPED)


def villagers(**changes):
    figures = {
        "issued": 50,
        "returned": 50,
        "invalid": 0,
        "votes": {"主任": {"王建国": 30, "李秀英": 20}},
        "candidates": {"主任": ["王建国", "李秀英"]},
        "seats": {"主任": 1},
    }
    return checks.villagers_count(checks.VillagersCount(**(figures | changes)), SHIPPED_VILLAGERS)


def messages(findings):
    return [f.message for f in findings]


def test_clean_figures_have_no_finding():
    assert congress() == []
    assert villagers() == []


@pytest.mark.parametrize(
    ("findings", "expected"),
    [
        (
            lambda: villagers(returned=52),
            "F.101 收回票数（52）多于发出票数（50）",
        ),
        (
            lambda: congress(against={"王建国": 5}),
            "F.102 王建国得票（含反对、弃权，合计 12）多于有效票（10）",
        ),
        (
            lambda: villagers(votes={"主任": {"王建国": 51}}),
            "F.102 主任王建国得票（51）多于有效票（50）",
        ),
        (lambda: congress(invalid=11), "F.103 废票（11）多于收回票数（10）"),
        (
            lambda: congress(issued=11, returned=11),
            "F.104 发出票数（11）多于实到会有选举权人数（10）",
        ),
        (
            lambda: congress(for_=dict.fromkeys(NAMES, 7), against={}, abstain={}),
            "F.105 赞成票合计（21）多于有效票（10）× 应选人数（2）",
        ),
        (
            lambda: congress(against={"赵另选": 1} | dict.fromkeys(NAMES, 3)),
            "F.106 另选他人“赵另选”只能登记赞成票",
        ),
        (
            lambda: congress(plenary_members=7, present=7, issued=9, returned=9),
            "F.107 书记、副书记由委员会全体会议选举，发出票数（9）多于新当选委员人数（7）",
        ),
        (
            lambda: villagers(
                votes={"主任": {"王建国": 30}, "委员": {"王建国": 25}},
                seats={"主任": 1, "委员": 3},
                combined_posts=["主任", "委员"],
            ),
            "F.108 王建国在主任、副主任、委员栏得票合计（55）多于有效票（50），同一张选票不能把同一人填在两个职位上",
        ),
        (lambda: villagers(taken=frozenset({"王建国"})), "F.109 王建国已当选，不能再计入本轮得票"),
        (
            lambda: villagers(registered=40, present=50),
            "F.110 参加投票人数（50）多于登记选民人数（40）",
        ),
        (
            lambda: congress(reconciliation=checks.Reconciliation(printed=15, spoiled=1, unused=3)),
            "F.111 发出（10）、作废（1）、未用（3）合计 14，与印制票数（15）不符",
        ),
        (
            lambda: congress(abstain={}),
            "W.201 王建国赞成（6）、反对（3）、弃权（0）之和（9）少于有效票（10），请核对计票单是否漏记",
        ),
        (
            lambda: villagers(votes={"主任": {"王建国": 20, "李秀英": 5, "赵另选": 21}}),
            "W.202 另选他人“赵另选”得票（21）超过候选人李秀英（5）",
        ),
        (
            lambda: congress(
                issued=9,
                returned=9,
                present=10,
                for_=dict.fromkeys(NAMES, 5),
                against=dict.fromkeys(NAMES, 3),
            ),
            "W.301 发出票数（9）与到会/领票登记人数（10）不符",
        ),
        (
            lambda: villagers(reconciliation=checks.Reconciliation(receipts=48)),
            "W.301 发出票数（50）与到会/领票登记人数（48）不符",
        ),
        (
            lambda: villagers(
                proxies_registered=2, reconciliation=checks.Reconciliation(proxies_used=3)
            ),
            "W.302 使用委托投票（3）多于登记的委托投票（2）",
        ),
        (
            lambda: villagers(
                mobile=True, issued=12, returned=10, votes={"主任": {"王建国": 6, "李秀英": 4}}
            ),
            "W.303 流动票箱收回票数（10）少于随箱发出票数（12）",
        ),
    ],
    ids=lambda v: v[:5] if isinstance(v, str) else "",
)
def test_each_rule(findings, expected):
    assert expected in messages(findings())


def test_more_returned_than_issued_at_a_congress_is_counted_void_not_refused():
    assert "F.101" not in {
        f.code for f in congress(returned=11, issued=10, for_={}, against={}, abstain={})
    }


def test_severity_comes_from_the_table_and_a_refusal_is_told_apart():
    (finding,) = checks.villagers_count(
        checks.VillagersCount(issued=5, returned=6, invalid=0, votes={}, candidates={}, seats={}),
        SHIPPED | {"F.101": ("W", "收回 {returned} 多于发出 {issued}")},
    )
    assert (finding.code, finding.refuses, finding.text) == ("F.101", False, "收回 6 多于发出 5")


def test_a_warning_needs_a_reason_and_its_key_follows_the_figures():
    (w,) = congress(abstain={"王建国": 1, "李秀英": 1})
    assert checks.unacknowledged([w], {w.key: " "}) == [w]
    assert checks.unacknowledged([w], {w.key: "弃权票在计票单背面"}) == []
    (other,) = congress(
        abstain={"王建国": 1, "李秀英": 1}, against={"王建国": 3, "李秀英": 3, "张伟": 2}
    )
    assert other.key != w.key


def test_every_shipped_text_reads_without_placeholders_on_the_list():
    for c in CHECKS:
        assert "{" not in checks.shown_text(c["text"])


@pytest.mark.django_db
def test_the_list_page_and_pdf_show_every_code(client, personas):
    client.force_login(personas["staff_a"])
    page = client.get("/tally-checks/").content.decode()
    for c in CHECKS:
        assert c["code"] in page
    assert "拒绝保存" in page and "需说明理由" in page
    assert "收回票数（N）多于发出票数（N）" in page
    pdf = client.get("/tally-checks/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_an_edited_text_is_what_clerks_see_and_must_keep_its_placeholders(personas):
    row = TallyCheck.objects.get(code="F.103")
    row.text = "废票 {invalid} 张竟多于收回的 {returned} 张"
    row.full_clean()
    row.save()
    from ballots.check_catalogue import in_force

    assert in_force()["F.103"] == ("F", "废票 {invalid} 张竟多于收回的 {returned} 张")
    row.text = "废票多于收回"
    with pytest.raises(Exception, match="填写位置"):
        row.full_clean()
    load_tally_checks(TallyCheck)  # the loader brings the shipped text back
    assert TallyCheck.objects.get(code="F.103").text == SHIPPED["F.103"][1]
