"""Stage 1: the candidates. The party rosters, the preliminary candidates of the party
committees, their inspection and joint vetting, the township's approval, the county's 双签
for the secretaries, and the formal lists.

Start: what build_cycle_world() makes (accounts, units, round, the 2021 committees), no
rosters, no candidacies. End: each unit's branch holds the party members of the cast (马福生
under 留党察看 until cast.SANCTIONED); each unit has a formal party candidacy for 委员 for
every key of cast.PARTY_CANDIDATES and one for 书记 for cast.SECRETARY_CANDIDATE (张伟
(1980) as a continuing one), the person found by ID number.
"""

import datetime
from io import BytesIO

from django.utils import timezone
from openpyxl import load_workbook

from candidates.models import Candidacy, VettingRequest
from renewal.models import PartyMember, Person
from tests.edit_round_trip import save_unchanged
from tests.whole_cycle import cast
from tests.whole_cycle.world import cast_person

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INSPECTED_ON = datetime.date(2026, 10, 20)
DEPARTMENTS = {"police": "公安", "discipline_dept": "纪委监委"}
SEX_LABEL = {"M": "男", "F": "女"}
# The party members' recommendation votes (两推一选): what the clerk copies from the tally.
VOTES = {"zhangwei80": 41, "zhangwei90": 33, "lixiuying": 38, "wangjianguo": 36}


def run(cycle) -> None:
    world = cycle.world
    for key in cast.PEOPLE:
        _import_roster(cycle, key)
    _sanction(cycle, world["unit_a1"])
    _refused_at_entry(cycle, world["unit_a1"])
    for key in cast.PEOPLE:
        _enter_candidates(cycle, key)
    _import_candidate(cycle, world["unit_a1"])
    for candidacy in _candidacies(world):
        _inspect(cycle, candidacy)
    _vet(cycle, world)
    _approve(cycle, world)
    _sign(cycle, world)
    for key in cast.PEOPLE:
        _confirm_formal_list(cycle, world[key])
    _edit_unchanged(cycle, world)
    assert_end_state(world)


# --- 1. Party rosters -------------------------------------------------------------------------


def roster_rows(branch_name: str, members: list[cast.Member]) -> list[dict]:
    """The roster as the national party-member system exports it, by column header."""
    return [
        {
            "姓名": m.name,
            "性别": SEX_LABEL[m.sex],
            "公民身份号码": m.id_number,
            "出生日期": m.birth_date.isoformat(),
            "民族": "汉族",
            "学历": m.education,
            "人员类别": m.status,
            "入党日期": m.joined_on.isoformat(),
            "转正日期": m.regularized_on.isoformat() if m.regularized_on else "",
            "所在党支部": branch_name,
        }
        for m in members
    ]


def filled_template(page, link: str, rows: list[dict]) -> bytes:
    """The import page's template, downloaded, its example row deleted and ``rows`` (by
    column header) written in the template's column order, as a clerk fills it in."""
    with page.expect_download() as download:
        page.click(f"main a:has-text('{link}')")
    assert download.value.suggested_filename.endswith(".xlsx")
    wb = load_workbook(BytesIO(download.value.path().read_bytes()))
    ws = wb.worksheets[0]
    headers = [cell.value for cell in ws[1]]
    assert set().union(*rows) <= set(headers), set().union(*rows) - set(headers)
    ws.delete_rows(2)
    for row in rows:
        ws.append([row.get(header, "") for header in headers])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(page, name: str, content: bytes) -> None:
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": XLSX, "buffer": content}])
    page.click("button:has-text('上传并校验')")
    page.wait_for_selector("#import-status:not([hx-get])")
    status = page.inner_text("#import-status")
    assert "校验通过" in status, status


def _import_roster(cycle, key) -> None:
    unit = cycle.world[key]
    members = cast.members(key, party=True)
    page = cycle.as_("staff")
    page.goto(cycle.url(f"/units/{unit.pk}/roster/"))
    page.click("main a.btn:has-text('从 Excel 导入')")
    content = filled_template(page, "党员名册导入模板", roster_rows(unit.branch.name, members))
    _upload(page, f"{unit.name}党员名册.xlsx", content)
    assert f"将新增党员 {len(members)} 名" in page.inner_text("#import-status")
    page.click("button:has-text('确认导入')")
    page.wait_for_selector("#import-status:has-text('导入完成')")
    page.click("text=查看党员名册")
    page.wait_for_selector(f"#roster-counts:has-text('在册党员 {len(members)} 名')")


def _sanction(cycle, unit) -> None:
    """The clerk records 马福生's 留党察看 on his member page; the roster says who may vote."""
    ((key, until),) = cast.SANCTIONED["unit_a1"].items()
    member = cast.BY_KEY[key]
    page = cycle.as_("staff")
    page.goto(cycle.url(f"/units/{unit.pk}/roster/"))
    page.click(f"#member-results tr:has-text('{member.name}') a:has-text('修改')")
    page.check("#id_on_probation")
    page.fill("#id_probation_until", until.isoformat())
    page.click("button:has-text('保存')")
    page.wait_for_selector(f".messages li:has-text('{member.name}的党员信息已保存：留党察看期间')")

    rows = page.locator("#member-results tr")
    sanctioned = rows.filter(has_text=member.name).inner_text()
    assert f"留党察看至 {until:%Y-%m-%d}" in sanctioned
    assert f"留党察看期间（至 {until:%Y-%m-%d}），没有表决权、选举权和被选举权" in sanctioned
    probationary = [m for m in cast.members("unit_a1", party=True) if m.status == cast.PROBATIONARY]
    for m in probationary:
        assert "预备党员，没有表决权、选举权和被选举权" in rows.filter(has_text=m.name).inner_text()
    # The two 张伟 are two members, each on a row of his own.
    twins = [m for m in cast.members("unit_a1", party=True) if m.name == "张伟"]
    assert rows.filter(has_text="张伟").count() == len(twins) == 2
    for m in twins:
        shown = rows.filter(has_text=f"{m.birth_date:%Y-%m-%d}").inner_text()
        assert "正式党员，有表决权、选举权和被选举权" in shown
    listed = len(cast.members("unit_a1", party=True))
    entitled = listed - len(probationary) - 1
    counts = page.inner_text("#roster-counts")
    today = timezone.localdate()
    assert f"在册党员 {listed} 名，今日（{today:%Y-%m-%d}）有表决权 {entitled} 名" in counts


# --- 2. Preliminary candidates ------------------------------------------------------------------


def _fill_person(page, member: cast.Member) -> None:
    """A member on the roster is found by the ID number: the name and the number are all
    the clerk types; the rest of the record stays as the roster import wrote it."""
    page.fill("#id_p-name", member.name)
    page.fill("#id_p-id_number", member.id_number)  # sex and birth date follow the number
    page.wait_for_function(
        "([id, birth]) => document.getElementById(id).value === birth",
        arg=["id_p-birth_date", member.birth_date.isoformat()],
    )


def _propose(cycle, unit, member: cast.Member, post: str, *, continuing=False, votes=None):
    page = cycle.as_("staff")
    page.goto(cycle.url(f"/candidates/new/?unit={unit.pk}"))
    _fill_person(page, member)
    page.select_option("#id_c-body", "party")
    page.select_option("#id_c-post", post)
    page.select_option("#id_c-is_continuing", "1" if continuing else "0")
    if votes is not None:
        page.fill("#id_c-votes_party_members", str(votes))
    page.click("button:has-text('保存')")
    return page


def _refused_at_entry(cycle, unit) -> None:
    """A 预备党员 and a member under 留党察看 are refused on the form, with the reason."""
    reasons = {
        "sunxiaohong": "预备党员，没有表决权、选举权和被选举权",
        "mafusheng": "留党察看期间（至 2027-12-31），没有表决权、选举权和被选举权",
    }
    for key, reason in reasons.items():
        member = cast.BY_KEY[key]
        person = cast_person(member)
        before = Person.objects.values().get(pk=person.pk)
        page = _propose(cycle, unit, member, "party_member")
        error = page.locator("form .errorlist.nonfield")
        error.wait_for()
        assert f"{member.name}不能作为党组织委员会人选：{reason}。" in error.inner_text()
        assert page.input_value("#id_p-id_number") == member.id_number  # what was typed stays
        assert not Candidacy.objects.filter(person=person).exists()
        assert Person.objects.values().get(pk=person.pk) == before


def _enter_candidates(cycle, key) -> None:
    """The clerk enters the unit's candidates one by one (李秀英 comes by the import)."""
    unit = cycle.world[key]
    secretary = cast.SECRETARY_CANDIDATE[key]
    for k in cast.PARTY_CANDIDATES[key]:
        if k == cast.IMPORTED_CANDIDATE:
            continue
        member = cast.BY_KEY[k]
        posts = ["party_member"] + (["secretary"] if k == secretary else [])
        for post in posts:
            page = _propose(
                cycle,
                unit,
                member,
                post,
                continuing=_continuing(key, k),
                votes=VOTES.get(k),
            )
            page.wait_for_selector(f".messages li:has-text('已录入初步人选 {member.name}。')")
            assert page.locator(".actions .tag").first.inner_text() == "初步人选"


def _continuing(unit_key: str, member_key: str) -> bool:
    """On the 2021 party committee of the unit: standing again is continuing (继任)."""
    return member_key in {k for k, _post in cast.PREVIOUS_TERMS[unit_key]["party"]}


def candidate_row(unit, member: cast.Member) -> dict:
    return {
        "区划代码": unit.code,
        "村(社区)名称": unit.name,
        "姓名": member.name,
        "性别": SEX_LABEL[member.sex],
        "民族": "汉族",
        "出生日期": member.birth_date.isoformat(),
        "公民身份号码": member.id_number,
        "学历": member.education,
        "政治面貌": "中共党员",
        "入党时间": member.joined_on.isoformat(),
        "拟任班子": "党组织委员会",
        "拟任职务": "委员",
        "继任或新任": "新任",
        "党员推荐票": VOTES[member.key],
    }


def _import_candidate(cycle, unit) -> None:
    member = cast.BY_KEY[cast.IMPORTED_CANDIDATE]
    page = cycle.as_("staff")
    page.goto(cycle.url("/candidates/import/"))
    content = filled_template(page, "导入模板", [candidate_row(unit, member)])
    _upload(page, "初步人选.xlsx", content)
    assert "新增人选 1 条" in page.inner_text("#import-status")
    page.click("button:has-text('确认导入')")
    page.wait_for_selector("#import-status:has-text('导入完成')")


def _candidacies(world):
    return list(
        Candidacy.objects.filter(round=world["round"], body="party")
        .select_related("person", "unit")
        .order_by("unit__code", "pk")
    )


# --- 3. Inspection and joint vetting ------------------------------------------------------------


def _inspect(cycle, candidacy) -> None:
    page = cycle.as_("staff")
    page.goto(cycle.url(f"/candidates/{candidacy.pk}/"))
    page.select_option("#id_result", "passed")
    page.fill("#id_score", "92.5")
    page.fill("#id_inspected_on", INSPECTED_ON.isoformat())
    page.click("form[action$='/inspection/'] button:has-text('登记')")
    page.wait_for_selector(".messages li:has-text('考察结果已登记。')")


def _vet(cycle, world) -> None:
    """Sent to the police and the discipline commission; each answers in its own session;
    a candidacy passes only once both have answered."""
    candidacies = _candidacies(world)
    page = cycle.as_("staff")
    page.goto(cycle.url("/candidates/vetting/send/"))
    for c in candidacies:
        # Read as the clerk reads it: the two 张伟 of 大红城村 are told apart by birth year.
        member = next(m for m in cast.BY_KEY.values() if m.id_number == c.person.id_number)
        label = f"{c.unit.name} · {cast.ballot_name(member)} · {c.get_post_display()}"
        box = page.get_by_label(label, exact=True)
        assert box.get_attribute("value") == str(c.pk), label
        box.check()
    for name in DEPARTMENTS.values():
        page.check(f"label:has-text('{name}') >> input")
    due = timezone.localdate() + datetime.timedelta(days=7)
    page.fill("#id_due_date", due.isoformat())
    page.click("button:has-text('发送')")
    n = len(candidacies)
    page.wait_for_selector(f".messages li:has-text('已发送 {2 * n} 项联审请求（{n} 名人选）。')")

    expected_ids = {c.person.id_number for c in candidacies}
    first, second = DEPARTMENTS
    _answer_all(cycle, first, n, expected_ids)
    statuses = set(Candidacy.objects.filter(round=world["round"]).values_list("status", flat=True))
    assert statuses == {Candidacy.Status.INSPECTED}, statuses
    page.goto(cycle.url(f"/candidates/{candidacies[0].pk}/"))
    assert f"{DEPARTMENTS[second]}尚未答复" in page.inner_text("#vetting-blockers")

    _answer_all(cycle, second, n, expected_ids)
    page.reload()
    page.wait_for_selector("h1 ~ span.tag:has-text('已通过联审')")
    assert not page.locator("#vetting-blockers").count()
    statuses = set(Candidacy.objects.filter(round=world["round"]).values_list("status", flat=True))
    assert statuses == {Candidacy.Status.VETTED}, statuses
    assert not VettingRequest.objects.exclude(status=VettingRequest.Status.PASSED).exists()


def _answer_all(cycle, role, count, expected_ids) -> None:
    page = cycle.as_(role)
    page.goto(cycle.url("/candidates/vetting/"))
    for _ in range(count):
        page.click("a.btn:has-text('答复')")
        page.wait_for_selector("h1:has-text('答复资格联审')")
        shown = page.inner_text("dd strong")
        assert shown in expected_ids, shown
        page.check("input[name=passed][value='1']")
        page.fill("#id_document_number", "联审〔2026〕12号")
        page.click("button:has-text('提交答复')")
        page.wait_for_selector(".messages li:has-text('已答复')")
    assert page.locator("a.btn:has-text('答复')").count() == 0


# --- 4. Approval, 双签, the formal list ---------------------------------------------------------


def _approve(cycle, world) -> None:
    page = cycle.as_("leader")
    page.goto(cycle.url("/candidates/approvals/"))
    queue = page.inner_text(".card:has(h2:has-text('待乡镇(街道)审核'))")
    for key in ("zhangwei80", "zhangwei90"):
        assert cast.ballot_name(cast.BY_KEY[key]) in queue  # the two 张伟 read apart
    n = Candidacy.objects.filter(round=world["round"]).count()
    for _ in range(n):
        page.goto(cycle.url("/candidates/approvals/"))
        page.click("a.btn:has-text('审核')")
        page.click("button:has-text('乡镇(街道)审核通过')")
        page.wait_for_selector(".messages li:has-text('已乡镇(街道)审核通过。')")
    page.goto(cycle.url("/candidates/approvals/"))
    page.wait_for_selector("text=没有待审核的人选。")


def _sign(cycle, world) -> None:
    """双签: the organisation minister and the county party secretary, each in a session."""
    for role, column in (("minister", 3), ("county_secretary", 4)):
        page = cycle.as_(role)
        for _ in cast.SECRETARY_CANDIDATE:
            page.goto(cycle.url("/candidates/approvals/"))
            row = page.locator(f"tr:has(td:nth-child({column}):text-is('未签'))").first
            row.locator("a:has-text('签字')").click()
            page.click("button:has-text('以我的身份签字')")
            page.wait_for_selector(".messages li:has-text('已备案签字。')")
    statuses = set(
        Candidacy.objects.filter(round=world["round"], post="secretary").values_list(
            "status", flat=True
        )
    )
    assert statuses == {Candidacy.Status.COUNTY_FILED}, statuses


def _confirm_formal_list(cycle, unit) -> None:
    page = cycle.as_("leader")
    page.goto(cycle.url(f"/candidates/units/{unit.pk}/"))
    card = page.locator(".card:has(h2:has-text('党组织委员会'))")
    card.locator("button:has-text('确定正式候选人')").click()
    n = len(cast.PARTY_CANDIDATES[_key_of(cycle.world, unit)]) + 1
    page.wait_for_selector(f".messages li:has-text('已确定 {n} 名正式候选人。')")


def _key_of(world, unit) -> str:
    return next(key for key in cast.PEOPLE if world[key].pk == unit.pk)


# --- 5. An edit page saved unchanged -------------------------------------------------------------


def _edit_unchanged(cycle, world) -> None:
    """The clerk opens 张伟 (1990)'s record from the formal list and saves it as it is."""
    person = cast_person(cast.BY_KEY["zhangwei90"])
    twins = [cast_person(cast.BY_KEY[k]).pk for k in ("zhangwei80", "zhangwei90")]
    candidacy = Candidacy.objects.get(round=world["round"], person=person)
    page = cycle.as_("staff")
    page.goto(cycle.url(f"/candidates/units/{world['unit_a1'].pk}/"))
    born = f"{person.birth_date:%Y-%m-%d}"
    page.click(f"tr:has(td:text-is('{born}')) a:has-text('{person.name}')")
    page.wait_for_selector(f"h1:has-text('{person.name}')")
    edit = page.locator("a.btn:has-text('编辑个人信息')")
    assert edit.get_attribute("href") == f"/candidates/{candidacy.pk}/edit/"
    problems = save_unchanged(
        page,
        cycle.url(f"/candidates/{candidacy.pk}/edit/"),
        "button:has-text('保存')",
        [
            Person.objects.filter(pk__in=twins),
            Candidacy.objects.filter(person__in=twins),
            candidacy.recommendations.all(),
        ],
        what="张伟（1990年生）的人选编辑页",
        dates=[person.birth_date, person.party_joined_on],
    )
    assert not problems, problems


# --- The end state ------------------------------------------------------------------------------


def assert_end_state(world) -> None:
    rnd = world["round"]
    for key in cast.PEOPLE:
        unit = world[key]
        members = {
            m.person.id_number: m
            for m in PartyMember.objects.filter(branch=unit.branch).select_related("person")
        }
        expected = cast.members(key, party=True)
        assert set(members) == {m.id_number for m in expected}
        for m in expected:
            row = members[m.id_number]
            status = "full" if m.status == cast.FULL else "probationary"
            assert (row.status, row.joined_on, row.regularized_on) == (
                status,
                m.joined_on,
                m.regularized_on,
            ), m.key
            until = cast.SANCTIONED.get(key, {}).get(m.key)
            assert (row.on_probation, row.probation_until) == (bool(until), until), m.key
            assert row.person_id == cast_person(m).pk
            political = "full_member" if m.status == cast.FULL else "probationary"
            person = row.person
            assert (person.political_status, person.party_joined_on) == (political, m.joined_on)
            assert person.education == cast.EDUCATION_CODES[m.education], m.key
        rows = Candidacy.objects.filter(round=rnd, unit=unit)
        expected_rows = {
            (cast_person(cast.BY_KEY[k]).pk, "party_member") for k in cast.PARTY_CANDIDATES[key]
        } | {(cast_person(cast.BY_KEY[cast.SECRETARY_CANDIDATE[key]]).pk, "secretary")}
        assert {(c.person_id, c.post) for c in rows} == expected_rows
        assert {(c.body, c.status) for c in rows} == {("party", Candidacy.Status.FORMAL)}
        continuing = {c.person_id for c in rows if c.is_continuing}
        assert continuing == {
            cast_person(cast.BY_KEY[k]).pk
            for k in cast.PARTY_CANDIDATES[key]
            if _continuing(key, k)
        }
    twins = {cast_person(cast.BY_KEY[k]).pk for k in ("zhangwei80", "zhangwei90")}
    assert len(twins) == 2
