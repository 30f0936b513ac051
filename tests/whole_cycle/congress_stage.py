"""Stage 2: the party congresses. In each unit the clerk sets the congress up from the roster
(应到会 counted from it), records who came, has scrutineers and tellers chosen, prints the
ballots, and with a second clerk enters the count twice; the new committee's plenary elects
the secretary; the clerk reports the result and publishes it for five working days; the
township approves it, which writes the party committee's term and opens its handover; the
county files the secretary.

Start: the party members of the cast on their branch rosters (马福生 under 留党察看, 孙小红
probationary), each unit's party candidates formal. End: each unit's party Term of the round
(elected on its congress day) with PARTY_ELECTED, the secretary as SECRETARY_CANDIDATE; every
party candidacy's outcome learned; the party handover of the round opened.
"""

import datetime
import io
import json

import chinese_calendar
from pypdf import PdfReader

from ballots.models import Attendance, Congress, ElectionRound, RoundCandidate
from ballots.record import record_hash
from candidates.models import Candidacy
from renewal.kit.dates import chinese_date
from renewal.models import Handover, PartyMember, Term
from tests.edit_round_trip import save_unchanged
from tests.whole_cycle import cast
from tests.whole_cycle.world import cast_person

PLACE = "村党群服务中心会议室"
CHAIR = "镇党委组织委员"
# Who stays away from each congress (a voting member; the rest of the entitled come).
ABSENT = {"unit_a1": "wudeming", "unit_a2": "liangwei", "unit_a3": "dengchao"}
# Scrutineer (总监票人) and teller, from the entitled members who do not stand.
SCRUTINY = {
    "unit_a1": ("liujianhua", "chenguilan"),
    "unit_a2": ("heli", "guoqiang"),
    "unit_a3": ("fengjun", "hanmei"),
}
# The 公示 starts the day after each congress; five working days, the weekend not counted.
NOTICE = {
    "unit_a1": (datetime.date(2026, 11, 17), datetime.date(2026, 11, 23)),
    "unit_a2": (datetime.date(2026, 11, 18), datetime.date(2026, 11, 24)),
    "unit_a3": (datetime.date(2026, 11, 19), datetime.date(2026, 11, 25)),
}


def run(cycle) -> None:
    for key in cast.PEOPLE:
        _congress(cycle, key, detail=key == "unit_a1")
    _assert_end_state(cycle.world)


def person_id(k: str) -> int:
    return cast_person(cast.BY_KEY[k]).pk


def _congress(cycle, key: str, *, detail: bool) -> None:
    world = cycle.world
    unit = world[key]
    page = cycle.as_("staff")
    day = cast.CONGRESS_DAY[key]

    # Set-up: the congress and its roster as of the meeting day.
    page.goto(cycle.url(f"/units/{unit.pk}/"))
    page.click("a:has-text('建立党员大会')")
    page.fill("#id_held_on", day.isoformat())
    page.fill("#id_place", PLACE)
    page.fill("#id_chair", CHAIR)
    page.click("button:has-text('保存')")
    page.wait_for_selector(".messages li:has-text('已建立党员大会')")
    congress = Congress.objects.get(round=world["round"], unit=unit)
    assert congress.held_on == day
    _roster(cycle, key, congress, detail=detail)
    _attendance(cycle, key, congress)
    _scrutiny(cycle, key, congress, detail=detail)
    committee = _committee_round(cycle, key, congress, detail=detail)
    _count(cycle, key, committee, detail=detail)
    _secretary_round(cycle, key, congress)
    _report_and_approve(cycle, key, congress, detail=detail)


def _roster(cycle, key, congress, *, detail) -> None:
    """应到会 from the roster: who has no vote on the day is listed with the reason."""
    page = cycle.as_("staff")
    page.wait_for_selector("h1:has-text('到会情况')")
    members = cast.members(key, party=True)
    entitled = [
        m for m in members if m.status == cast.FULL and m.key not in cast.SANCTIONED.get(key, {})
    ]
    assert f"应到 {len(entitled)} 人，实到 0 人" in page.inner_text("#quorum")
    rows = {a.member.person_id: a for a in congress.attendance.select_related("member")}
    assert set(rows) == {person_id(m.key) for m in members}
    assert {p for p, a in rows.items() if a.can_vote} == {person_id(m.key) for m in entitled}
    if not detail:
        return
    text = {
        k: page.inner_text(f"#attendance-{rows[person_id(k)].pk}")
        for k in ("mafusheng", "sunxiaohong")
    }
    assert "留党察看期间（至 2027-12-31），没有表决权" in text["mafusheng"], text
    assert "预备党员，没有表决权" in text["sunxiaohong"], text
    # The two 张伟 are told apart on the roster of the meeting.
    assert "张伟（1980年生）" in page.inner_text(f"#attendance-{rows[person_id('zhangwei80')].pk}")
    assert "张伟（1990年生）" in page.inner_text(f"#attendance-{rows[person_id('zhangwei90')].pk}")

    # The clerk opens 马福生 on the branch roster and saves him as he is.
    member = PartyMember.objects.get(branch=congress.unit.branch, person_id=person_id("mafusheng"))
    problems = save_unchanged(
        page,
        cycle.url(f"/roster/members/{member.pk}/edit/"),
        "form button:has-text('保存')",
        [PartyMember.objects.filter(pk=member.pk)],
        what="马福生的党员信息",
        dates=[member.joined_on, member.regularized_on, member.probation_until],
    )
    assert not problems, problems
    page.goto(cycle.url(f"/congresses/{congress.pk}/attendance/"))


def _attendance(cycle, key, congress) -> None:
    page = cycle.as_("staff")
    absent = person_id(ABSENT[key])
    rows = congress.attendance.select_related("member").filter(can_vote=True)
    for a in rows:
        if a.member.person_id != absent:
            page.check(f"input[name=present-{a.pk}]")
    page.click("button:has-text('保存到会情况')")
    page.wait_for_selector(".messages li:has-text('到会情况已保存')")
    expected = rows.count()
    verdict = page.inner_text("#quorum")
    assert f"应到 {expected} 人，实到 {expected - 1} 人，超过五分之四，可以进行选举" in verdict


def _attendance_of(congress, k) -> Attendance:
    return congress.attendance.get(member__person_id=person_id(k))


def _scrutiny(cycle, key, congress, *, detail) -> None:
    page = cycle.as_("staff")
    chief, teller = SCRUTINY[key]
    if detail:
        # A candidate may not oversee the count: refused, with the reason.
        page.select_option("select[name=member]", str(_attendance_of(congress, "lixiuying").pk))
        page.select_option("select[name=role]", "chief")
        page.click("form[action$='/scrutineers/'] button:has-text('添加')")
        page.wait_for_selector(
            ".messages li.error:has-text('李秀英是候选人，不能担任监票人或计票人。')"
        )
        assert not congress.scrutineers.exists()
    for k, role in ((chief, "chief"), (teller, "teller")):
        page.select_option("select[name=member]", str(_attendance_of(congress, k).pk))
        page.select_option("select[name=role]", role)
        page.click("form[action$='/scrutineers/'] button:has-text('添加')")
        page.wait_for_selector(".messages li.success:has-text('已添加')")
    assert set(congress.scrutineers.values_list("person_id", "role")) == {
        (person_id(chief), "chief"),
        (person_id(teller), "teller"),
    }


def _committee_round(cycle, key, congress, *, detail) -> ElectionRound:
    """The ballot lists the unit's formal candidates, chosen by person, none typed."""
    page = cycle.as_("staff")
    form = page.locator("form:has(input[name=which][value=committee])")
    formal = {
        c.person_id
        for c in Candidacy.objects.filter(
            round=congress.round, unit=congress.unit, body="party", status="formal"
        )
    }
    assert formal == {person_id(k) for k in cast.PARTY_CANDIDATES[key]}
    boxes = form.locator("input[name=committee-people]")
    assert {int(v) for v in boxes.evaluate_all("els => els.map(e => e.value)")} == formal
    assert all(boxes.evaluate_all("els => els.map(e => e.checked)"))
    assert not form.locator("input[type=text], textarea").count()  # no free-text names
    assert form.locator("input[name=committee-seats]").input_value() == str(cast.PARTY_SEATS)
    if detail:
        labels = form.inner_text()
        assert "张伟（1980年生）" in labels and "张伟（1990年生）" in labels, labels
    form.locator("input[name=committee-double_entry]").check()
    form.locator("button:has-text('建立委员会选举轮次')").click()
    page.wait_for_selector("h1:has-text('委员会委员')")
    rnd = congress.rounds.get(kind="committee")
    assert rnd.double_entry and rnd.seats == cast.PARTY_SEATS
    assert set(rnd.entrants.values_list("person_id", flat=True)) == formal
    assert set(rnd.entrants.values_list("candidacy__status", "candidacy__post")) == {
        ("formal", "party_member")
    }

    # The ballots, printed from the round.
    href = page.get_attribute("a:has-text('打印选票')", "href")
    response = page.request.get(cycle.url(href))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pdf = response.body()
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf, pages=1)
    printed = [cast.ballot_name(cast.BY_KEY[k]) for k in cast.PARTY_CANDIDATES[key]]
    missing = [n for n in printed if n not in text]
    assert not missing, (missing, text[:400])
    return rnd


def _pdf_text(pdf: bytes, *, pages: int | None = None) -> str:
    """The text of a PDF, without the spaces and line breaks the layout puts in."""
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(p.extract_text() for p in reader.pages[:pages])
    return text.replace(" ", "").replace("\n", "")


def _votes(key, rnd) -> dict[str, int]:
    """For-votes by printed name: the elected above half of those present, the rest below."""
    present = rnd.congress.attendance.filter(can_vote=True, present=True).count()
    names = dict(rnd.entrants.filter(write_in=False).values_list("person_id", "name"))
    votes = {}
    for n, k in enumerate(cast.PARTY_ELECTED[key]):
        votes[names[person_id(k)]] = present - 1 - n
    for k in cast.PARTY_CANDIDATES[key]:
        if k not in cast.PARTY_ELECTED[key]:
            votes[names[person_id(k)]] = present // 2 - 1
    return votes


def _enter(page, rnd, votes: dict[str, int], issued: int) -> None:
    page.fill("#ballots_issued", str(issued))
    page.fill("#returned", str(issued))
    page.fill("#invalid", "0")
    for i, name in enumerate(rnd.candidates):
        page.fill(f"input[name=for-{i}]", str(votes[name]))
        page.fill(f"input[name=against-{i}]", str(issued - votes[name]))
        page.fill(f"input[name=abstain-{i}]", "0")
    page.click("button:has-text('保存并计票')")


def _count(cycle, key, rnd, *, detail) -> None:
    """The clerk and the second clerk each enter the tally sheet; it counts when they agree."""
    url = cycle.url(f"/congress-rounds/{rnd.pk}/")
    present = rnd.congress.attendance.filter(can_vote=True, present=True).count()
    votes = _votes(key, rnd)
    first = cycle.as_("staff")
    first.goto(url)
    _enter(first, rnd, votes, present)
    first.wait_for_selector(".messages li:has-text('第一次录入已保存')")
    second = cycle.as_("staff2")
    second.goto(url)
    if detail:
        # A slip on the second entry: the two entries disagree, nothing is counted, and the
        # coordinator (the county's reviewer, by default) keeps the entry the sheet bears out.
        wrong = dict(votes)
        name = rnd.candidates[0]
        wrong[name] -= 1
        _enter(second, rnd, wrong, present)
        second.wait_for_selector(".messages li:has-text('两次录入不一致')")
        rnd.refresh_from_db()
        assert rnd.status == ElectionRound.Status.DISPUTED and rnd.result is None
        coordinator = cycle.as_("reviewer")
        coordinator.goto(url)
        coordinator.click("#next-step a")
        differing = "".join(coordinator.locator("table.entry-compare tr.differs").all_inner_texts())
        assert f"{name} 赞成" in differing and str(wrong[name]) in differing, differing
        coordinator.once("dialog", lambda dialog: dialog.accept())
        coordinator.click("button:has-text('采用第一次录入')")
        coordinator.wait_for_selector(".messages li:has-text('已采用第一次录入并保存')")
        done = coordinator
    else:
        _enter(second, rnd, votes, present)
        second.wait_for_selector(".messages li:has-text('已计票')")
        done = second
    elected = [cast.ballot_name(cast.BY_KEY[k]) for k in cast.PARTY_ELECTED[key]]
    verdict = done.inner_text("#verdict")
    assert f"选举有效，{'、'.join(elected)} 当选" in verdict, verdict
    assert set(
        RoundCandidate.objects.filter(round=rnd, elected=True).values_list("person_id", flat=True)
    ) == {person_id(k) for k in cast.PARTY_ELECTED[key]}


def _secretary_round(cycle, key, congress) -> None:
    """The new committee's first plenary elects the secretary (等额): the base is the committee."""
    page = cycle.as_("staff")
    page.goto(cycle.url(f"/congresses/{congress.pk}/"))
    form = page.locator("form:has(input[name=which][value=officer])")
    boxes = form.locator("input[name=officer-people]")
    members = {person_id(k) for k in cast.PARTY_ELECTED[key]}
    assert {int(v) for v in boxes.evaluate_all("els => els.map(e => e.value)")} == members
    secretary = person_id(cast.SECRETARY_CANDIDATE[key])
    form.locator("select[name=officer-kind]").select_option("secretary")
    form.locator(f"input[name=officer-people][value='{secretary}']").check()
    form.locator("button:has-text('建立书记、副书记选举轮次')").click()
    page.wait_for_selector("h1:has-text('书记')")
    rnd = congress.rounds.get(kind="secretary")
    seats = len(members)
    assert f"新当选的委员会委员 {seats} 人" in page.inner_text("#quorum"), page.inner_text(
        "#quorum"
    )
    (name,) = rnd.candidates
    # Printed as on the committee's ballot: 大红城村's 张伟 keeps his birth year.
    assert name == cast.ballot_name(cast.BY_KEY[cast.SECRETARY_CANDIDATE[key]])
    _enter(page, rnd, {name: seats}, seats)
    page.wait_for_selector(".messages li:has-text('已计票')")
    verdict = page.inner_text("#verdict")
    assert f"应参加选举的有选举权人员 {seats} 人，实到会 {seats} 人" in verdict, verdict
    assert f"选举有效，{name} 当选" in verdict
    assert rnd.entrants.get(elected=True).person_id == secretary


def _report_and_approve(cycle, key, congress, *, detail) -> None:
    """报批 and 公示 (five working days, the weekend skipped), 批复 by the township, the
    secretary filed with the county."""
    start, end = NOTICE[key]
    page = cycle.as_("staff")
    page.goto(cycle.url(f"/congresses/{congress.pk}/"))
    page.fill("#id_notice_start", start.isoformat())
    page.click("button:has-text('报乡镇(街道)党(工)委并公示')")
    page.wait_for_selector(f".messages li:has-text('公示期 {start:%Y-%m-%d} 至 {end:%Y-%m-%d}')")
    assert f"公示期：{start:%Y-%m-%d} 至 {end:%Y-%m-%d}" in page.inner_text("main")
    # By the official calendar: five working days, and the rest days between not counted.
    days = [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]
    rest = [d for d in days if not chinese_calendar.is_workday(d)]
    assert rest and len(days) - len(rest) == 5 and chinese_calendar.is_workday(end), rest

    if detail:
        # The written report to the township names the committee and the secretary.
        href = page.get_attribute("a:has-text('选举结果报告（PDF）')", "href")
        response = page.request.get(cycle.url(href))
        assert response.ok and response.headers["content-type"] == "application/pdf"
        text = _pdf_text(response.body())
        elected = {cast.ballot_name(cast.BY_KEY[k]) for k in cast.PARTY_ELECTED[key]}
        secretary = cast.ballot_name(cast.BY_KEY[cast.SECRETARY_CANDIDATE[key]])
        listed = text.split("当选委员：")[1].split("。")[0]
        assert set(listed.split("、")) == elected, text
        assert f"当选书记：{secretary}。" in text, text
        assert f"公示期：{chinese_date(start)}至{chinese_date(end)}。" in text, text
        # Under the 落款, each counted round's record hash: that of the record the round
        # page exports, which the county auditor checks with ``recount --hash``.
        for rnd in congress.rounds.filter(status=ElectionRound.Status.COUNTED):
            record = page.request.get(cycle.url(f"/congress-rounds/{rnd.pk}/record.json"))
            assert record.ok
            assert record_hash(json.loads(record.body())) in text, text

    leader = cycle.as_("leader")
    leader.goto(cycle.url(f"/congresses/{congress.pk}/"))
    leader.once("dialog", lambda d: d.accept())
    leader.click("button:has-text('批复')")
    leader.wait_for_selector(".messages li:has-text('已批复，选举结果已锁定')")
    congress.refresh_from_db()
    assert congress.status == Congress.Status.APPROVED

    reviewer = cycle.as_("reviewer")
    reviewer.goto(cycle.url(f"/congresses/{congress.pk}/"))
    reviewer.click("button:has-text('书记报县备案')")
    reviewer.wait_for_selector(".messages li:has-text('书记已报县备案')")
    if detail:
        # Approved means locked: the clerk's page no longer offers to change anything.
        page.goto(cycle.url(f"/congresses/{congress.pk}/"))
        assert not page.locator("button:has-text('建立委员会选举轮次')").count()
        assert "已批复锁定" in page.inner_text("main")
        # The reviewer sees that the entries the count came from are as the clerks saved them.
        committee = congress.rounds.filter(kind="committee", status="counted").first()
        reviewer.goto(cycle.url(f"/congress-rounds/{committee.pk}/"))
        assert "记录链完整" in reviewer.inner_text("#entry-chain")
        assert "选票记录校验码" in reviewer.inner_text("#record-seal")


def _assert_end_state(world) -> None:
    rnd = world["round"]
    for key in cast.PEOPLE:
        unit = world[key]
        term = Term.objects.get(unit=unit, body="party", round=rnd)
        assert term.elected_on == cast.CONGRESS_DAY[key]
        secretary = person_id(cast.SECRETARY_CANDIDATE[key])
        assert dict(term.members.values_list("person_id", "post")) == {
            person_id(k): "secretary" if person_id(k) == secretary else "party_member"
            for k in cast.PARTY_ELECTED[key]
        }
        elected = {person_id(k) for k in cast.PARTY_ELECTED[key]}
        formal = Candidacy.objects.filter(round=rnd, unit=unit, body="party", status="formal")
        assert sorted(formal.values_list("person_id", "post")) == sorted(
            [(person_id(k), "party_member") for k in cast.PARTY_CANDIDATES[key]]
            + [(secretary, "secretary")]
        )
        for c in formal:
            assert c.outcome == ("elected" if c.person_id in elected else "not_elected"), c
        handover = Handover.objects.get(round=rnd, unit=unit, body="party")
        assert handover.term_id == term.pk and handover.completed_on is None
