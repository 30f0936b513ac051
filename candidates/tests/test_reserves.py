"""后备干部库: adding (find or create by ID number), editing, 出库, the list, 一键提名."""

import datetime

import pytest

from candidates import services as cs
from candidates.models import Candidacy, ReserveCadre
from renewal.kit.idcard import make_id_number
from renewal.models import DomainError, Person
from tests.factories import PersonFactory, UnitFactory, party_member

pytestmark = pytest.mark.django_db

ADD = "/candidates/reserves/new/"
LIST = "/candidates/reserves/"
NEW_NUMBER = make_id_number("152622", datetime.date(1993, 4, 5), 7, "F")


@pytest.fixture
def staff(client, personas):
    client.force_login(personas["staff_a"])
    return client


def add_data(unit, **fields):
    return {"unit": unit.pk, "direction": "村党组织书记", "note": "致富带头人"} | fields


# --- Adding -----------------------------------------------------------------------------------


def test_someone_on_record_is_found_by_id_number_and_name_alone(staff, world):
    member = party_member(
        world["unit_a1"],
        PersonFactory(name="党员戊", education="college", political_status="full_member"),
    )
    response = staff.post(
        ADD, add_data(world["unit_a1"], name="党员戊", id_number=member.id_number)
    )
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?unit={world['unit_a1'].pk}"
    entry = ReserveCadre.objects.get()
    assert (entry.person, entry.direction, entry.note) == (member, "村党组织书记", "致富带头人")
    member.refresh_from_db()
    assert member.education == "college" and member.political_status == "full_member"
    assert Person.objects.count() == 1


def test_a_new_person_is_registered_with_sex_and_birth_date_from_the_number(staff, world):
    data = add_data(
        world["unit_a1"],
        name="新人己",
        id_number=NEW_NUMBER,
        education="bachelor",
        political_status="league",
    )
    assert staff.post(ADD, data).status_code == 302
    person = ReserveCadre.objects.get().person
    assert (person.name, person.sex, person.birth_date) == (
        "新人己",
        "F",
        datetime.date(1993, 4, 5),
    )
    assert person.ethnicity == "汉族"


def test_a_new_person_without_education_is_refused_and_the_form_kept(staff, world):
    data = add_data(world["unit_a1"], name="新人庚", id_number=NEW_NUMBER)
    response = staff.post(ADD, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "此人尚未登记，请填写学历、政治面貌。" in body
    assert 'value="新人庚"' in body and 'value="村党组织书记"' in body
    assert not Person.objects.exists() and not ReserveCadre.objects.exists()


def test_an_id_number_recorded_under_another_name_is_refused(staff, world):
    known = PersonFactory(name="原登记")
    response = staff.post(ADD, add_data(world["unit_a1"], name="新填写", id_number=known.id_number))
    body = response.content.decode()
    assert 'id="id_name-error"' in body
    assert "公民身份号码已登记在“原登记”名下，与填写的姓名“新填写”不一致，请核对。" in body
    assert not ReserveCadre.objects.exists()


def test_someone_already_in_the_pool_is_refused(staff, world):
    person = PersonFactory(name="在库辛")
    cs.reserve_add(unit=world["unit_a1"], person=person)
    body = staff.post(
        ADD, add_data(world["unit_a1"], name="在库辛", id_number=person.id_number)
    ).content.decode()
    assert "在库辛已在大红城村后备干部库中。" in body
    assert ReserveCadre.objects.count() == 1


def test_only_the_users_own_units_are_offered_and_accepted(staff, world):
    body = staff.get(ADD).content.decode()
    assert "大红城村" in body and "盛乐村" not in body
    person = PersonFactory(name="外镇壬")
    response = staff.post(
        ADD, add_data(world["unit_b1"], name="外镇壬", id_number=person.id_number)
    )
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert not ReserveCadre.objects.exists()


# --- Editing and 出库 -------------------------------------------------------------------------


@pytest.fixture
def entry(world):
    return cs.reserve_add(
        unit=world["unit_a1"], person=PersonFactory(name="库中癸"), direction="村委会主任"
    )


def test_edit_changes_direction_and_note(staff, entry):
    url = f"/candidates/reserves/{entry.pk}/edit/"
    assert 'value="村委会主任"' in staff.get(url).content.decode()
    assert staff.post(url, {"direction": "村党组织书记", "note": "已参加培训"}).status_code == 302
    entry.refresh_from_db()
    assert (entry.direction, entry.note) == ("村党组织书记", "已参加培训")


def test_retire_asks_for_a_reason_on_a_confirmation_page(staff, personas, entry):
    url = f"/candidates/reserves/{entry.pk}/retire/"
    page = staff.get(url).content.decode()
    assert "出库：库中癸" in page and "确认出库" in page and "村委会主任" in page
    entry.refresh_from_db()
    assert entry.status == ReserveCadre.Status.ACTIVE  # the page alone changes nothing
    response = staff.post(url, {"reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert staff.post(url, {"reason": "外出务工，不再培养"}).status_code == 302
    entry.refresh_from_db()
    assert entry.status == ReserveCadre.Status.REMOVED
    assert entry.removed_reason == "外出务工，不再培养"
    assert entry.removed_by == personas["staff_a"] and entry.removed_at is not None


def test_a_retired_entry_cannot_be_proposed_edited_or_retired_again(personas, entry):
    cs.reserve_retire(actor=personas["staff_a"], reserve=entry, reason="迁出")
    with pytest.raises(DomainError, match="不能提名"):
        cs.reserve_propose(
            actor=personas["staff_a"], reserve=entry, body="villagers", post="director"
        )
    with pytest.raises(DomainError, match="已出库，不能修改"):
        cs.reserve_update(reserve=entry, direction="x", note="")
    with pytest.raises(DomainError, match="已出库"):
        cs.reserve_retire(actor=personas["staff_a"], reserve=entry, reason="再次")


def test_adding_a_retired_person_again_brings_them_back(personas, world, entry):
    cs.reserve_retire(actor=personas["staff_a"], reserve=entry, reason="迁出")
    again = cs.reserve_add(unit=world["unit_a1"], person=entry.person, direction="致富带头人")
    assert again.pk == entry.pk and again.status == ReserveCadre.Status.ACTIVE
    assert (again.removed_reason, again.removed_at, again.direction) == ("", None, "致富带头人")


# --- The list -------------------------------------------------------------------------------


def test_list_filters_sorts_and_offers_the_actions(staff, world, personas):
    old = cs.reserve_add(
        unit=world["unit_a1"],
        person=PersonFactory(name="年长子", birth_date=datetime.date(1970, 1, 1)),
        direction="村党组织书记",
    )
    young = cs.reserve_add(
        unit=world["unit_a2"],
        person=PersonFactory(name="年轻丑", birth_date=datetime.date(1995, 1, 1)),
        direction="村委会主任",
    )
    cs.reserve_add(unit=world["unit_b1"], person=PersonFactory(name="他镇寅"))
    gone = cs.reserve_add(unit=world["unit_a1"], person=PersonFactory(name="出库卯"))
    cs.reserve_retire(actor=personas["staff_a"], reserve=gone, reason="迁出")

    def names(**params):
        response = staff.get(LIST, params)
        return [r.person.name for r in response.context["page"]]

    assert names(sort="birth_date") == ["年长子", "年轻丑"]  # 他镇寅 is another township's
    assert names(sort="-birth_date") == ["年轻丑", "年长子"]
    assert names(q="书记") == ["年长子"]
    assert names(township=world["township_a"].pk, sort="name") == sorted(["年长子", "年轻丑"])
    assert names(status="removed") == ["出库卯"]
    assert names(unit=world["unit_a2"].pk) == ["年轻丑"]
    body = staff.get(LIST).content.decode()
    assert f"/candidates/reserves/{old.pk}/edit/" in body
    assert f"/candidates/reserves/{young.pk}/retire/" in body
    assert "提名" in body and "加入后备干部库" in body and "从 Excel 导入" in body


def test_reviewers_read_the_list_without_the_actions(client, world, personas, entry):
    client.force_login(personas["reviewer"])
    body = client.get(LIST).content.decode()
    assert "库中癸" in body
    assert f"/candidates/reserves/{entry.pk}/edit/" not in body and "加入后备干部库" not in body


def test_list_queries_do_not_grow_with_the_page(staff, world, django_assert_max_num_queries):
    for _ in range(3):
        cs.reserve_add(unit=world["unit_a1"], person=PersonFactory())
    staff.get(LIST)
    with django_assert_max_num_queries(30) as few:
        staff.get(LIST)
    for _ in range(3):
        unit = UnitFactory(township=world["township_a"])
        for _ in range(4):
            cs.reserve_add(unit=unit, person=PersonFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = staff.get(LIST)
    assert response.context["page"].paginator.count == 15


# --- 一键提名 -----------------------------------------------------------------------------------


def test_one_click_proposal_makes_a_preliminary_candidate(staff, world):
    member = party_member(world["unit_a1"], PersonFactory(name="提名辰"))
    entry = cs.reserve_add(unit=world["unit_a1"], person=member)
    response = staff.post(
        f"/candidates/reserves/{entry.pk}/propose/",
        {"body": "party", "post": "party_member", "is_continuing": "0"},
    )
    candidacy = Candidacy.objects.get()
    assert response["Location"] == f"/candidates/{candidacy.pk}/"
    assert (candidacy.person, candidacy.reserve, candidacy.body) == (member, entry, "party")
    entry.refresh_from_db()
    assert entry.status == ReserveCadre.Status.PROPOSED


def test_a_post_of_the_other_committee_is_refused_in_chinese(staff, world, entry):
    response = staff.post(
        f"/candidates/reserves/{entry.pk}/propose/",
        {"body": "villagers", "post": "secretary", "is_continuing": "0"},
        follow=True,
    )
    assert "“书记”不是村(居)民委员会的职务。" in response.content.decode()
    assert not Candidacy.objects.exists()
