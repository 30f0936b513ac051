"""Stage 4: after the elections. Talks with those not re-elected, the handovers, the new
committees' training and pledges, the township's daily report and the nightly roll-up, and
the township's figures on the dashboard.

Start: both new committees of each unit written as terms of the round (their handovers
opened by the approvals), the 2021 committees on file. End: 大红城村 has handed everything
over and is done; the others have handed over their party committee's items; the roll-up
of today shows 城关镇's new committees against the previous ones.
"""

import datetime

from django.utils import timezone

from discipline.models import Talk
from renewal.models import CommitteePledge, Handover, RollupRun, Term, TrainingSession
from tests.whole_cycle import cast

PLEDGES = {
    "term_goal": "三年内村集体经济收入翻一番",
    "annual_goal": "年内完成村内道路硬化",
    "integrity": "廉洁履职，不谋私利",
    "resignation": "不能履职时主动辞职",
}
ROLLUP_WAIT_MS = 90_000  # the worker's first task imports Django before it runs


def run(cycle) -> None:
    world = cycle.world
    _talks_after(cycle, world["unit_a1"])
    for key in cast.PEOPLE:
        bodies = ["party", "villagers"] if key == "unit_a1" else ["party"]
        for body in bodies:
            _hand_over(cycle, world[key], body)
        _onboard(cycle, world[key], pledges=key == "unit_a1")
    _daily_report_and_rollup(cycle)


def shown_person_names(page, selector: str) -> list[str]:
    return [t.split(" ")[0] for t in page.locator(selector).all_inner_texts()]


def _talks_after(cycle, unit) -> None:
    """The clerk talks with every member of the 2021 committees who was not re-elected."""
    page = cycle.as_("staff")
    page.goto(cycle.url(f"/onboarding/units/{unit.pk}/"))
    page.wait_for_selector("h1:has-text('新班子培训、承诺与谈话')")
    leaving = _not_reelected(unit)
    assert leaving, "the 2021 committees of 大红城村 had members who did not stand again"
    for person in leaving:
        assert page.locator(f"tr:has-text('{person.name}') .tag.late").count()  # 未谈话
    page.click("a:has-text('到“承诺书与谈话”登记谈话')")
    page.wait_for_selector("h1:has-text('换届纪律承诺书与谈心谈话')")
    after_card = page.locator(".card:has(h2:has-text('换届后谈话'))")
    assert f"已谈 0/{len(leaving)}" in after_card.inner_text()
    for n, person in enumerate(leaving, start=1):
        page.select_option("#id_person", str(person.pk))
        page.select_option("#id_phase", "after")
        page.fill("#id_talked_by", "镇党委书记王书记")
        page.fill("#id_summary", "感谢履职，鼓励继续支持新班子工作")
        page.click("form[action$='/talk/'] button:has-text('登记')")
        page.wait_for_selector(f".messages li:has-text('已登记与{person.name}')")
        assert f"已谈 {n}/{len(leaving)}" in after_card.inner_text()
    today = timezone.localdate()
    assert set(
        Talk.objects.filter(unit=unit, phase="after", held_on=today).values_list(
            "person_id", flat=True
        )
    ) == {p.pk for p in leaving}
    page.goto(cycle.url(f"/onboarding/units/{unit.pk}/"))
    for person in leaving:
        assert page.locator(f"tr:has-text('{person.name}') .tag.ok").count()  # 已谈话


def _not_reelected(unit) -> list:
    """From the data the cycle wrote: 2021 members on no new committee of the unit."""
    by_body = {}
    for term in Term.objects.filter(unit=unit).prefetch_related("members__person"):
        by_body.setdefault((term.body, bool(term.round_id)), set()).update(
            m.person for m in term.members.all()
        )
    leaving = set()
    for body in ("party", "villagers"):
        leaving |= by_body.get((body, False), set()) - by_body.get((body, True), set())
    return sorted(leaving, key=lambda p: p.pk)


def _hand_over(cycle, unit, body) -> None:
    """The clerk records every item signed by the outgoing and the incoming side."""
    handover = Handover.objects.get(unit=unit, body=body, round=cycle.world["round"])
    old = Term.objects.filter(unit=unit, body=body, round__isnull=True).latest("elected_on")
    new = Term.objects.get(unit=unit, body=body, round=cycle.world["round"])
    lead = "secretary" if body == "party" else "director"
    outgoing = old.members.get(post=lead).person.name
    incoming = new.members.get(post=lead).person.name
    page = cycle.as_("staff")
    page.goto(cycle.url("/handovers/"))
    page.click(f"tr:has(td:has-text('{handover.get_body_display()}')) a:has-text('{unit.name}')")
    page.wait_for_selector(f"h1:has-text('{unit.name}')")
    rows = page.locator("tr[id^=item-]")
    total = rows.count()
    assert f"已签收 0/{total} 项" in page.inner_text("#handover-status")
    for number in range(1, total + 1):
        row = page.locator("tr[id^=item-]:has(button:has-text('双方签收'))").first
        row.locator("input[name$=-detail]").fill("清点无误")
        row.locator("input[name$=-outgoing_name]").fill(outgoing)
        row.locator("input[name$=-incoming_name]").fill(incoming)
        row.locator("input[name$=-incoming_name]").press("Enter")
        page.wait_for_selector(f"#handover-status:has-text('已签收 {number}/{total} 项')")
    page.wait_for_selector("#handover-state:has-text('交接完成')")
    handover.refresh_from_db()
    assert handover.completed_on == timezone.localdate()
    assert set(handover.items.values_list("outgoing_name", "incoming_name")) == {
        (outgoing, incoming)
    }


def _onboard(cycle, unit, *, pledges: bool) -> None:
    """Training for the whole new committee; in 大红城村 the four pledges too."""
    page = cycle.as_("staff")
    page.goto(cycle.url(f"/onboarding/units/{unit.pk}/"))
    page.wait_for_selector("h1:has-text('新班子培训、承诺与谈话')")
    members = set(
        Term.objects.filter(unit=unit, round=cycle.world["round"]).values_list(
            "members__person_id", flat=True
        )
    )
    page.fill("#id_title", "新任村(社区)“两委”班子成员履职培训")
    page.click("form[action$='/training/'] button:has-text('登记')")
    page.wait_for_selector(".messages li:has-text('培训情况已登记')")
    session = TrainingSession.objects.get(unit=unit)
    assert set(session.attendees.values_list("pk", flat=True)) == members  # all ticked
    if not pledges:
        return
    for kind, summary in PLEDGES.items():
        page.select_option("#id_kind", kind)
        page.fill("#id_summary", summary)
        page.click("form[action$='/pledges/'] button:has-text('登记')")
        label = CommitteePledge.Kind(kind).label
        page.wait_for_selector(f".messages li:has-text('已为 {len(members)} 名成员登记{label}')")
    assert CommitteePledge.objects.filter(unit=unit).count() == 4 * len(members)
    assert not page.locator("td .muted:has-text('未登记')").count()


def _daily_report_and_rollup(cycle) -> None:
    """The township reports its day; the county generates the notice (the worker rolls it
    up); the dashboard and the township's page show the new committees' figures."""
    world = cycle.world
    township, county = world["township_a"], world["county_a"]
    today = timezone.localdate()

    page = cycle.as_("staff")
    page.goto(cycle.url("/daily-reports/"))
    page.click(f"text=报送{township.name}今日日报")
    page.fill("#id_talks_held", "6")
    page.fill("#id_disputes_mediated", "2")
    page.fill("#id_problems_solved", "9")
    page.fill("#id_petitions_handled", "0")
    page.press("#id_petitions_handled", "Enter")
    page.wait_for_selector(f"#report-results >> text={township.name}")

    reviewer = cycle.as_("reviewer")
    reviewer.goto(cycle.url(f"/rollup/{county.pk}/notices/"))
    reviewer.fill("#id_day", today.isoformat())
    reviewer.click("text=生成 / 重建日通报")
    reviewer.wait_for_selector("#confirm-question")  # the notice locks the day: asked first
    if reviewer.locator("#not-reported").count():  # before the deadline: who has not reported
        assert "盛乐镇" in reviewer.inner_text("#not-reported")
        assert township.name not in reviewer.inner_text("#not-reported")
    reviewer.locator("form:has(input[name=confirmed]) button").click()
    reviewer.wait_for_selector(".messages li:has-text('已提交生成')")
    _wait_for_notice(reviewer, county, today)
    reviewer.click(f"tr:has-text('{today:%Y-%m-%d}') a:has-text('查看通报')")
    notice = reviewer.input_value("#notice-text")
    assert township.name in notice

    reviewer.goto(cycle.url(f"/rollup/townships/{township.pk}/"))
    reviewer.wait_for_selector(f"h1:has-text('{township.name}换届工作日统计')")
    text = reviewer.inner_text("main")
    expected = expected_structure(world)
    rows = dict(
        (cells[0], cells[1:])
        for cells in (
            [c.strip() for c in row.split("\t")]
            for row in reviewer.locator("section:has-text('新一届班子结构') tr").all_inner_texts()
        )
    )
    assert rows["已选出新班子的村(社区)"][:2] == ["3", "3"], rows
    assert rows["班子成员（人）"][:2] == [str(expected["members"]), str(expected["previous"])]
    assert rows["“一肩挑”比例"][0] == expected["one_shoulder"], rows
    assert rows["女性占比"][0] == expected["women"], rows
    assert "已报送" in text


def _wait_for_notice(page, county, day) -> None:
    """The worker runs the roll-up in the background: the list shows it once stored."""
    deadline = datetime.datetime.now() + datetime.timedelta(milliseconds=ROLLUP_WAIT_MS)
    while not RollupRun.objects.filter(county=county, day=day).exists():
        if datetime.datetime.now() > deadline:
            raise AssertionError("the roll-up did not finish")
        page.wait_for_timeout(500)
    page.reload()
    page.wait_for_selector(f"tr:has-text('{day:%Y-%m-%d}') a:has-text('查看通报')")


def expected_structure(world) -> dict:
    """城关镇's figures worked out from the committees on file, by the rules of the
    structure targets: members are distinct persons over both committees of a unit."""
    rnd = world["round"]
    members, previous, women, one_shoulder = 0, 0, 0, 0
    for key in cast.PEOPLE:
        unit = world[key]
        now = {t.body: t for t in Term.objects.filter(unit=unit, round=rnd)}
        people = {m.person for t in now.values() for m in t.members.all()}
        members += len(people)
        women += sum(1 for p in people if p.sex == "F")
        secretary = now["party"].members.get(post="secretary").person_id
        director = now["villagers"].members.get(post="director").person_id
        one_shoulder += secretary == director
        old = Term.objects.filter(unit=unit, round__isnull=True)
        previous += len({m.person_id for t in old for m in t.members.all()})
    return {
        "members": members,
        "previous": previous,
        "women": f"{women / members * 100:.1f}%",
        "one_shoulder": f"{one_shoulder / 3 * 100:.1f}%",
    }
