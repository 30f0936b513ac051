"""Stage 3: the villagers' (residents') committee elections of 城关镇.

For each unit the clerk sets up the election, imports the voter register from an xlsx and
records its publication, takes the nominations and fixes the formal candidates, sets up the
ballot boxes, enters their counts and counts them all together; the township leader
confirms the result, which writes the new committee and opens its handover.
大红城村 gets the full detail: its election committee (a member who is nominated leaves it,
and the seat is filled), a publication date too late for the election day refused, an
objection to the register answered, a proxy, the election page saved unchanged, both 张伟
standing for 主任 (told apart on the ballot by their birth years), a relative of a candidate
refused as a teller, a mobile box that waits for its three scrutineers, a box count that
does not add up refused, and a write-in.

Start: the party terms of the round (their handovers open), the 2021 committees on file, the
party members on the rosters; no villagers' election. End: for each unit a villagers' term
of the round elected on VILLAGERS_ELECTION_DAY whose members are cast.VILLAGERS_ELECTED, its
handover open, the villagers' candidacies formal with their outcomes.
"""

import tempfile
from pathlib import Path

from openpyxl import Workbook

from ballots.models import (
    ElectionCommitteeMember,
    VillagersElection,
    VillagersNomination,
    VoterObjection,
    VoterProxy,
    VoterRegistration,
)
from candidates.models import Candidacy
from renewal.models import Handover, Term
from tests.edit_round_trip import save_unchanged
from tests.whole_cycle import cast
from tests.whole_cycle.world import cast_person

POST_LABELS = {"director": "主任", "deputy_director": "副主任", "committee_member": "委员"}
TOO_LATE = "2026-11-12"  # the election day less 20 days is 2026-11-09

# One main box everywhere; 大红城村 also carries a mobile box to those who cannot come.
# Per box: ballots issued, returned, invalid, and the votes in each post's column by cast key
# (a write-in by the name written on the ballot).
MAIN = {
    "unit_a1": "大红城村村委会中心会场",
    "unit_a2": "南街社区居委会中心会场",
    "unit_a3": "小红城村村委会中心会场",
}
MOBILE = "流动票箱一"
WRITE_IN = "吴德明"
BOXES = {
    "unit_a1": {
        MAIN["unit_a1"]: (
            (17, 17, 1),
            {
                "director": {"zhangwei80": 11, "zhangwei90": 5},
                "deputy_director": {"zhaodayong": 10, "songtao": 6},
                "committee_member": {"hanxue": 9, "qianxiaomei": 6, WRITE_IN: 1},
            },
        ),
        MOBILE: (
            (3, 3, 0),
            {
                "director": {"zhangwei80": 2, "zhangwei90": 1},
                "deputy_director": {"zhaodayong": 2, "songtao": 1},
                "committee_member": {"hanxue": 2, "qianxiaomei": 1},
            },
        ),
    },
}
# Elsewhere 15 of the 16 voters vote at the main box; the first candidate of each post wins.
PLAIN_VOTES = {"director": (10, 5), "deputy_director": (9, 6), "committee_member": (9, 6)}
for _key in ("unit_a2", "unit_a3"):
    BOXES[_key] = {
        MAIN[_key]: (
            (15, 15, 0),
            {
                post: dict(zip(keys, PLAIN_VOTES[post], strict=True))
                for post, keys in cast.VILLAGERS_CANDIDATES[_key].items()
            },
        )
    }
# 大红城村's election committee: the chair, and 韩雪 until she is nominated; 蔡云 takes her seat.
COMMITTEE = [("fengchunsheng", "chair"), ("hanxue", "member")]
REPLACEMENT = "caiyun"
# Scrutineers who go with the mobile box, and the teller; 周玉兰 is declared a close relative
# of 张伟 (1980), so she may not count.
SCRUTINEERS = ["fengchunsheng", "dongliping", "xiaojun"]
TELLER = "caiyun"
RELATIVE = ("zhangwei80", "zhouyulan")
NO_EDUCATION = "hanxue"  # first known from the register, which records no education
OBJECTED = "songtao"  # away for work, opted in: an objection says he should not be listed
PROXY = ("zhaoyongfu", "zhaodayong", "child")  # principal, holder, holder is principal's …


def run(cycle) -> None:
    world = cycle.world
    elections = {}
    for key in cast.PEOPLE:
        elections[key] = _set_up(cycle, key)
    _register_details(cycle, elections["unit_a1"])
    for key in cast.PEOPLE:
        _nominate(cycle, key, elections[key])
    for key in cast.PEOPLE:
        _poll_and_count(cycle, key, elections[key])
    for key in cast.PEOPLE:
        _confirm(cycle, key, elections[key])
    _candidacy_histories(cycle)
    assert_end_state(world)


def _person(key: str):
    return cast_person(cast.BY_KEY[key])


def _key_of(person) -> str:
    """The cast key of a person, by ID number."""
    return next(m.key for m in cast.BY_KEY.values() if m.id_number == person.id_number)


def _label(member: cast.Member) -> str:
    """How the vote's person pickers show a voter."""
    sex = "男" if member.sex == "M" else "女"
    return f"{member.name}（{sex}，{member.birth_date.year}年生）"


# --- Set-up and register --------------------------------------------------------------------


def _set_up(cycle, key) -> VillagersElection:
    """The clerk creates the election, (in 大红城村) its committee, imports the register and
    records its publication."""
    world = cycle.world
    unit, detail = world[key], key == "unit_a1"
    page = cycle.as_("staff")
    page.goto(cycle.url("/villagers/"))
    page.select_option("#new-election-unit", label=f"{unit.township.name} · {unit.name}")
    page.click("button:has-text('新建选举')")
    page.fill("#id_election_day", cast.VILLAGERS_ELECTION_DAY.isoformat())
    page.click("button:has-text('保存')")
    election = VillagersElection.objects.get(round=world["round"], unit=unit)
    page.wait_for_selector(f"h1:has-text('{unit.name}{election.committee_name}选举')")
    assert election.election_day == cast.VILLAGERS_ELECTION_DAY

    if detail:
        for k, role in COMMITTEE:
            member = cast.BY_KEY[k]
            page.fill("#id_name", member.name)
            page.select_option("#id_role", role)
            page.fill("#id_id_number", member.id_number)
            page.click("button:has-text('添加成员')")
            page.wait_for_selector(f".messages li:has-text('已将{member.name}加入选举委员会')")

    people = cast.members(key)
    page.click("main a.btn:has-text('从 Excel 导入')")
    page.set_input_files("#id_file", str(_register_xlsx(key)))
    page.click("button:has-text('上传并校验')")
    page.wait_for_selector("text=校验通过")
    assert f"将登记选民 {len(people)} 人" in page.inner_text("#import-status")
    page.click("button:has-text('确认导入')")
    page.wait_for_selector("text=导入完成")
    registered = set(
        VoterRegistration.objects.filter(election=election, is_active=True).values_list(
            "person_id", flat=True
        )
    )
    assert registered == {cast_person(m).pk for m in people}

    page.goto(cycle.url(f"/villagers/{election.pk}/"))
    if detail:  # fewer than 20 days before the election day: refused
        page.fill("#id_published_on", TOO_LATE)
        page.click("button:has-text('记录名单公布')")
        page.wait_for_selector(".messages li:has-text('最晚应于 2026-11-09 公布')")
    page.fill("#id_published_on", cast.VOTER_LIST_PUBLISHED.isoformat())
    page.click("button:has-text('记录名单公布')")
    page.wait_for_selector(".messages li:has-text('已记录选民名单公布日期')")
    election.refresh_from_db()
    assert election.register_published_on == cast.VOTER_LIST_PUBLISHED
    assert election.status == VillagersElection.Status.PUBLISHED
    return election


def _register_xlsx(key) -> Path:
    """The register as the village keeps it: every person of the cast of the unit."""
    wb = Workbook()
    ws = wb.active
    ws.title = "选民名单"
    ws.append(["姓名", "公民身份号码", "性别", "登记类别", "村(居)民小组"])
    for n, m in enumerate(cast.members(key)):
        category = "户籍在此不居住（本人参加）" if m.key == OBJECTED else "户籍在此并居住"
        group = "第一小组" if n % 2 else "第二小组"
        ws.append([m.name, m.id_number, "男" if m.sex == "M" else "女", category, group])
    for row in ws.iter_rows(min_row=2, min_col=2, max_col=2):
        row[0].number_format = "@"
    path = Path(tempfile.mkdtemp(prefix="villagers-")) / f"{key}选民名单.xlsx"
    wb.save(path)
    return path


def _register_details(cycle, election) -> None:
    """大红城村: an objection to the register answered, a proxy, and the election page saved
    unchanged."""
    page = cycle.as_("staff")
    songtao = VoterRegistration.objects.get(election=election, person=_person(OBJECTED))
    page.goto(cycle.url(f"/villagers/{election.pk}/objections/"))
    page.fill("#id_raised_by", "肖军")
    page.fill("#id_received_on", "2026-11-08")
    page.select_option("#id_kind", "remove")
    page.select_option("#id_registration", str(songtao.pk))
    page.fill("#id_reason", "宋涛常年在外务工，不应登记为本村选民。")
    page.click("button:has-text('受理')")
    page.wait_for_selector(".messages li:has-text('已受理异议')")
    objection = VoterObjection.objects.get(election=election)
    assert objection.answer_due.isoformat() == "2026-11-11"
    page.click(f"a[href$='/objections/{objection.pk}/answer/']")
    page.check("input[name=outcome][value=rejected]")
    page.fill("#id_answered_on", "2026-11-10")
    page.fill("#id_answer", "经核实，宋涛户籍在本村，本人书面表示参加选举，依法登记。")
    page.click("button:has-text('保存答复')")
    page.wait_for_selector(".messages li:has-text('已答复异议')")
    objection.refresh_from_db()
    songtao.refresh_from_db()
    assert objection.outcome == VoterObjection.Outcome.REJECTED
    assert objection.answered_on.isoformat() == "2026-11-10"
    assert songtao.is_active

    principal_key, holder_key, relation = PROXY
    principal = VoterRegistration.objects.get(election=election, person=_person(principal_key))
    holder = VoterRegistration.objects.get(election=election, person=_person(holder_key))
    page.goto(cycle.url(f"/villagers/{election.pk}/proxies/"))
    page.select_option("#id_principal", str(principal.pk))
    page.select_option("#id_holder", str(holder.pk))
    page.select_option("#id_relation", relation)
    page.fill("#id_written_on", "2026-11-20")
    page.click("main form button:has-text('登记')")
    page.wait_for_selector(".messages li:has-text('委托')")
    proxy = VoterProxy.objects.get(election=election)
    assert (proxy.principal_id, proxy.holder_id, proxy.relation) == (
        principal.pk,
        holder.pk,
        relation,
    )
    page.click("a:has-text('打印委托投票公示名单')")  # the list of proxies is published
    page.wait_for_selector("h1:has-text('委托投票公示名单')")
    row = page.locator("tbody tr").first.inner_text().split("\t")
    assert row[1:4] + row[5:] == [
        principal.person.name,
        holder.person.name,
        VoterProxy.Relation(relation).label,
        "2026-11-20",
    ], row

    problems = save_unchanged(
        page,
        cycle.url(f"/villagers/{election.pk}/edit/"),
        "main button:has-text('保存')",
        [VillagersElection.objects.filter(pk=election.pk)],
        what="村民委员会选举修改页",
        dates=[cast.VILLAGERS_ELECTION_DAY],
    )
    assert not problems, problems


# --- Nominations ----------------------------------------------------------------------------


def _nominate(cycle, key, election) -> None:
    """The clerk records each nomination and fixes each post's formal candidates."""
    page = cycle.as_("staff")
    detail = key == "unit_a1"
    page.goto(cycle.url(f"/villagers/{election.pk}/nominations/"))
    nominated = []
    for post, keys in cast.VILLAGERS_CANDIDATES[key].items():
        for k in keys:
            member = cast.BY_KEY[k]
            # Named as on the ballot once a nominee of the same name is already on the list.
            twin = any(m.name == member.name for m in nominated)
            shown = cast.ballot_name(member) if twin else member.name
            nominated.append(member)
            page.select_option("#id_post", post)
            page.select_option("#id_person", str(_person(k).pk))
            assert page.locator("#id_person option:checked").inner_text() == _label(member)
            page.fill("#id_nominators", "12")
            page.select_option("#id_source", "joint")
            if detail and k == RELATIVE[0]:
                relative = cast.BY_KEY[RELATIVE[1]]
                page.fill("#id_relatives", f"{relative.name} {relative.id_number}")
            if detail and k == NO_EDUCATION:  # the register has none: the nomination asks
                page.select_option("#id_education", "")
                page.click("button:has-text('登记提名')")
                page.wait_for_selector(f".errorlist:has-text('选民名单未登记{member.name}的学历')")
            page.select_option("#id_education", cast.EDUCATION_CODES[member.education])
            page.click("button:has-text('登记提名')")
            page.wait_for_selector(
                f".messages li:has-text('已提名{shown}为{POST_LABELS[post]}候选人')"
            )
    if detail:
        _committee_seat_filled(cycle, election)
        page.goto(cycle.url(f"/villagers/{election.pk}/nominations/"))
    for post, keys in cast.VILLAGERS_CANDIDATES[key].items():
        label = POST_LABELS[post]
        card = page.locator(f".card:has(h2:text-matches('^{label}（应选'))")
        ids = [
            VillagersNomination.objects.get(election=election, post=post, person=_person(k)).pk
            for k in keys
        ]
        if detail and post == "director":
            # Both 张伟 stand: the list tells them apart as the ballot will.
            text = card.inner_text()
            assert "张伟（1980年生）" in text and "张伟（1990年生）" in text, text
            card.locator(f"input[name=nomination][value='{ids[0]}']").check()
            card.locator(f"button:has-text('确定{label}正式候选人')").click()
            page.wait_for_selector(".messages li:has-text('还需 1 名')")
            card = page.locator(f".card:has(h2:text-matches('^{label}（应选'))")
        for pk in ids:
            card.locator(f"input[name=nomination][value='{pk}']").check()
        card.locator(f"button:has-text('确定{label}正式候选人')").click()
        page.wait_for_selector(f".messages li:has-text('{label}正式候选人（按姓氏笔画）')")
    nominations = VillagersNomination.objects.filter(election=election).select_related("person")
    assert nominations.count() == 6 and all(n.formal for n in nominations)
    for n in nominations:  # what the nomination recorded agrees with the cast
        assert n.person.education == cast.EDUCATION_CODES[cast.BY_KEY[_key_of(n.person)].education]
    if detail:
        printed = dict(nominations.filter(post="director").values_list("person_id", "ballot_name"))
        assert printed == {
            _person("zhangwei80").pk: "张伟（1980年生）",
            _person("zhangwei90").pk: "张伟（1990年生）",
        }
    formal = Candidacy.objects.filter(
        round=cycle.world["round"], unit=election.unit, body="villagers", status="formal"
    )
    assert set(formal.values_list("person_id", "post")) == {
        (_person(k).pk, post) for post, keys in cast.VILLAGERS_CANDIDATES[key].items() for k in keys
    }


def _committee_seat_filled(cycle, election) -> None:
    """韩雪 left the election committee when nominated; the clerk records who takes her seat."""
    page = cycle.as_("staff")
    hanxue = _person("hanxue")
    left = ElectionCommitteeMember.objects.get(election=election, person=hanxue)
    assert left.left_on is not None, "a nominee leaves the election committee"
    page.goto(cycle.url(f"/villagers/{election.pk}/"))
    row = page.locator(f"tr:has-text('{hanxue.name}')")
    assert "退出" in row.inner_text()
    row.locator("a:has-text('记录递补')").click()
    replacement = cast.BY_KEY[REPLACEMENT]
    page.fill("#id_replacement_name", replacement.name)
    page.fill("#id_replacement_id_number", replacement.id_number)
    page.click("button:has-text('保存')")
    page.wait_for_selector(".messages li:has-text('递补')")
    left.refresh_from_db()
    assert left.replaced_by.person_id == _person(REPLACEMENT).pk


# --- Boxes, counts, result ------------------------------------------------------------------


def _poll_and_count(cycle, key, election) -> None:
    page = cycle.as_("staff")
    detail = key == "unit_a1"
    printed = {
        n.person_id: n.ballot_name
        for n in VillagersNomination.objects.filter(election=election, formal=True)
    }
    page.goto(cycle.url(f"/villagers/{election.pk}/polling/"))
    for name in BOXES[key]:
        page.select_option("#id_kind", "mobile" if name == MOBILE else "main")
        page.fill("#id_name", name)
        page.click("button:has-text('设立')")
        page.wait_for_selector(f".messages li:has-text('已设立{name}')")
    if detail:
        assert "至少 3 名监票人随箱，现有 0 名" in page.inner_text("main")
        mobile = election.boxes.get(name=MOBILE)
        for k in SCRUTINEERS:
            _add_official(page, k, "scrutineer", box=mobile.pk)
            page.wait_for_selector(f".messages li:has-text('已添加{cast.BY_KEY[k].name}')")
        candidate, relative = RELATIVE
        _add_official(page, relative, "teller")
        # Told apart from the other 张伟 standing, as on the ballot.
        page.wait_for_selector(
            f".errorlist:has-text('候选人{printed[_person(candidate).pk]}的近亲属')"
        )
        assert cast.BY_KEY[relative].name not in page.inner_text(
            ".card:has(h2:has-text('监票人')) table"
        )
        _add_official(page, TELLER, "teller")
        page.wait_for_selector(f".messages li:has-text('已添加{cast.BY_KEY[TELLER].name}')")
        assert "现有 0 名" not in page.inner_text("main")

    for name, ((issued, returned, invalid), votes) in BOXES[key].items():
        page.goto(cycle.url(f"/villagers/{election.pk}/polling/"))
        page.click(f"a:has-text('{name}')")
        page.wait_for_selector("#ballots_issued")
        if detail and name != MOBILE:  # more ballots back than handed out: refused
            _fill_box(page, issued, issued + 1, invalid, votes, printed)
            page.click("button:has-text('保存本投票点结果')")
            page.wait_for_selector(
                f".errorlist:has-text('F.101 收回票数（{issued + 1}）多于发出票数（{issued}）')"
            )
        _fill_box(page, issued, returned, invalid, votes, printed)
        page.click("button:has-text('保存本投票点结果')")
        page.wait_for_selector(f".messages li:has-text('{name}的计票结果已保存')")

    page.goto(cycle.url(f"/villagers/{election.pk}/vote/"))
    page.click("button:has-text('汇总所有票箱并计票')")
    page.wait_for_selector(".messages li:has-text('已汇总所有票箱并计票')")
    result = page.inner_text("#result")
    for k, post in cast.VILLAGERS_ELECTED[key]:
        assert f"{POST_LABELS[post]}：{printed[_person(k).pk]}" in result, result
    election.refresh_from_db()
    assert election.status == VillagersElection.Status.COUNTED


def _add_official(page, key, role, box=None) -> None:
    page.select_option("#id_person", str(_person(key).pk))
    page.select_option("#id_role", role)
    page.select_option("#id_box", str(box) if box else "")
    page.click("button:has-text('添加')")


def _fill_box(page, issued, returned, invalid, votes, printed) -> None:
    page.fill("#ballots_issued", str(issued))
    page.fill("#ballots_returned", str(returned))
    page.fill("#ballots_invalid", str(invalid))
    for post, tally in votes.items():
        label = POST_LABELS[post]
        for who, n in tally.items():
            if who in cast.BY_KEY:
                page.fill(f"input[aria-label='{label}{printed[_person(who).pk]}得票']", str(n))
            else:  # a name written in (另选他人)
                page.locator(f"input[aria-label='{label}另选他人姓名']").first.fill(who)
                page.locator(f"input[aria-label='{label}另选他人得票']").first.fill(str(n))


def _confirm(cycle, key, election) -> None:
    """The township leader confirms the result: the new committee is written."""
    page = cycle.as_("leader")
    page.goto(cycle.url(f"/villagers/{election.pk}/vote/"))
    page.once("dialog", lambda d: d.accept())
    page.click("button:has-text('确认选举结果并登记新一届班子')")
    page.wait_for_selector(".messages li:has-text('选举结果已确认')")
    if key == "unit_a1":
        assert "一肩挑" in page.inner_text("#one-shoulder")
    members = page.inner_text("#members")
    for k, post in cast.VILLAGERS_ELECTED[key]:
        assert f"{POST_LABELS[post]}：{cast.BY_KEY[k].name}" in members, members


def _candidacy_histories(cycle) -> None:
    """One person, one record: the clerk reads each 张伟's 主任 candidacy in the candidates
    module, from the voters' nomination to the confirmed result."""
    page = cycle.as_("staff")
    for k, outcome in (("zhangwei80", "当选"), ("zhangwei90", "未当选")):
        person = _person(k)
        candidacy = Candidacy.objects.get(
            round=cycle.world["round"], person=person, body="villagers", post="director"
        )
        page.goto(cycle.url(f"/candidates/{candidacy.pk}/"))
        page.wait_for_selector(f"h1:has-text('{person.name}')")
        assert person.birth_date.isoformat() in page.inner_text("main")
        log = page.inner_text(".card:has(h2:has-text('办理记录'))")
        for action in ("选民提名为候选人", "确定为正式候选人", f"选举结果批复：{outcome}"):
            assert action in log, log


# --- The end state --------------------------------------------------------------------------


def assert_end_state(world) -> None:
    rnd = world["round"]
    for key in cast.PEOPLE:
        unit = world[key]
        election = VillagersElection.objects.get(round=rnd, unit=unit)
        assert election.status == VillagersElection.Status.APPROVED
        term = Term.objects.get(unit=unit, body="villagers", round=rnd)
        assert term.elected_on == cast.VILLAGERS_ELECTION_DAY
        assert set(term.members.values_list("person_id", "post")) == {
            (_person(k).pk, post) for k, post in cast.VILLAGERS_ELECTED[key]
        }
        handover = Handover.objects.get(unit=unit, body="villagers", round=rnd)
        assert handover.term_id == term.pk and handover.completed_on is None
        elected = {(_person(k).pk, post) for k, post in cast.VILLAGERS_ELECTED[key]}
        outcomes = {
            (c.person_id, c.post): c.outcome
            for c in Candidacy.objects.filter(round=rnd, unit=unit, body="villagers")
        }
        assert outcomes == {
            (_person(k).pk, post): "elected" if (_person(k).pk, post) in elected else "not_elected"
            for post, keys in cast.VILLAGERS_CANDIDATES[key].items()
            for k in keys
        }
    zhangwei90 = _person("zhangwei90")
    assert not Term.objects.filter(round=rnd, members__person=zhangwei90).exists()
