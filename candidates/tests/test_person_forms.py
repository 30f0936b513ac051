"""The person part of every candidate form: sex and birth date follow the ID number, an ID
number recorded under another name is refused, and editing keeps what is stored."""

import datetime

import pytest

from candidates import services as cs
from candidates.forms import PersonForm
from candidates.models import Candidacy
from renewal.models import Person
from tests.factories import PersonFactory, party_member

pytestmark = pytest.mark.django_db

NUMBER = "11010519491231002X"  # born 1949-12-31, a woman


def person_data(**overrides):
    data = {
        "name": "陈静",
        "ethnicity": "汉族",
        "education": "senior",
        "political_status": "masses",
        "id_number": NUMBER,
    }
    return data | overrides


@pytest.mark.parametrize(
    ("given", "errors"),
    [
        ({}, {}),
        ({"sex": "F", "birth_date": "1949-12-31"}, {}),
        ({"sex": "M"}, {"sex": ["身份证号码显示性别为女，与填写的性别不一致。"]}),
        (
            {"birth_date": "1950-01-01"},
            {
                "birth_date": [
                    "身份证号码中的出生日期为 1949-12-31，与填写的出生日期 1950-01-01 不一致。"
                ]
            },
        ),
        (
            {"id_number": "110105194912310021"},
            {"id_number": ["公民身份号码校验位不正确，请核对。"]},
        ),
    ],
    ids=["both blank", "both agree", "sex disagrees", "birth date disagrees", "bad check digit"],
)
def test_sex_and_birth_date_follow_the_id_number(given, errors):
    form = PersonForm(person_data(**given))
    assert form.is_valid() is not errors
    assert dict(form.errors) == errors
    if not errors:
        assert form.cleaned_data["sex"] == "F"
        assert form.cleaned_data["birth_date"] == datetime.date(1949, 12, 31)


def test_the_id_input_names_the_fields_the_browser_fills():
    field = PersonForm(prefix="p")["id_number"]
    html = str(field)
    assert 'data-idcard-birth="id_p-birth_date"' in html
    assert 'data-idcard-sex="id_p-sex"' in html


def create_data(unit, **person):
    data = {f"p-{k}": v for k, v in person_data(**person).items()}
    return data | {
        "unit": unit.pk,
        "c-body": "villagers",
        "c-post": "committee_member",
        "c-is_continuing": "0",
    }


def test_create_form_fills_sex_and_birth_date_from_the_id_number(client, world, personas):
    unit = world["unit_a1"]
    client.force_login(personas["staff_a"])
    response = client.post(f"/candidates/new/?unit={unit.pk}", create_data(unit))
    assert response.status_code == 302
    person = Person.objects.get()
    assert (person.sex, person.birth_date) == ("F", datetime.date(1949, 12, 31))


def test_create_form_refuses_a_mismatch_on_its_field_and_saves_nothing(client, world, personas):
    unit = world["unit_a1"]
    client.force_login(personas["staff_a"])
    response = client.post(f"/candidates/new/?unit={unit.pk}", create_data(unit, sex="M"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_p-sex-error"' in body and "身份证号码显示性别为女" in body
    assert 'value="陈静"' in body
    assert not Person.objects.exists() and not Candidacy.objects.exists()


def test_an_id_number_recorded_under_another_name_is_refused_on_the_name(client, world, personas):
    known = PersonFactory(
        name="陈登记", id_number=NUMBER, birth_date=datetime.date(1949, 12, 31), sex="F"
    )
    unit = world["unit_a1"]
    client.force_login(personas["staff_a"])
    response = client.post(f"/candidates/new/?unit={unit.pk}", create_data(unit))
    body = response.content.decode()
    assert 'id="id_p-name-error"' in body
    assert "公民身份号码已登记在“陈登记”名下，与填写的姓名“陈静”不一致，请核对。" in body
    known.refresh_from_db()
    assert known.name == "陈登记" and not Candidacy.objects.exists()


def test_a_roster_member_is_entered_by_name_and_id_number_and_keeps_the_record(
    client, world, personas
):
    unit = world["unit_a1"]
    person = party_member(
        unit,
        PersonFactory(
            name="党员戊",
            ethnicity="蒙古族",
            education="college",
            political_status="full_member",
            party_joined_on=datetime.date(2001, 7, 1),
        ),
    )
    before = Person.objects.values().get(pk=person.pk)
    client.force_login(personas["staff_a"])
    page = client.get(f"/candidates/new/?unit={unit.pk}").content.decode()
    assert '<option value="" selected>不变 / 请选择</option>' in page
    data = {"unit": unit.pk, "p-name": "党员戊", "p-id_number": person.id_number}
    data |= {"c-body": "party", "c-post": "party_member", "c-is_continuing": "0"}
    response = client.post(f"/candidates/new/?unit={unit.pk}", data)
    assert response.status_code == 302
    assert Person.objects.values().get(pk=person.pk) == before
    assert Candidacy.objects.get().person_id == person.pk


def test_a_new_person_entered_by_id_number_alone_is_asked_for_the_rest(client, world, personas):
    unit = world["unit_a1"]
    client.force_login(personas["staff_a"])
    data = {"unit": unit.pk, "p-name": "陈静", "p-id_number": NUMBER}
    data |= {"c-body": "villagers", "c-post": "committee_member", "c-is_continuing": "0"}
    response = client.post(f"/candidates/new/?unit={unit.pk}", data)
    assert response.status_code == 200
    assert "此人尚未登记，请填写学历、政治面貌。" in response.content.decode()
    assert not Person.objects.exists() and not Candidacy.objects.exists()


def test_a_new_person_needs_education(world):
    with pytest.raises(cs.DomainError, match="此人尚未登记，请填写学历"):
        cs.person_upsert(id_number=NUMBER, name="陈静", political_status="masses")


# --- Editing ----------------------------------------------------------------------------------


@pytest.fixture
def stored(world, personas):
    person = PersonFactory(
        name="党员丁",
        sex="F",
        birth_date=datetime.date(1949, 12, 31),
        id_number=NUMBER,
        political_status="full_member",
        party_joined_on=datetime.date(1975, 7, 1),
        education="college",
        tags=["veteran"],
    )
    return cs.candidacy_create(
        actor=personas["staff_a"],
        unit=world["unit_a1"],
        person=person,
        body="villagers",
        post="director",
        recommendations={"masses": 80},
    )


def initial_post_data(client, url) -> dict:
    """What the browser would send back for an unchanged form: every field's initial value."""
    response = client.get(url)
    form_p, form_c = response.context["person_form"], response.context["candidacy_form"]
    data = {}
    for form in (form_p, form_c):
        for name, field in form.fields.items():
            if field.disabled:
                continue
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(value, list):
                data[key] = value
            elif isinstance(value, datetime.date):
                data[key] = value.isoformat()
            elif value is not None:
                data[key] = value
    return data


def test_saving_the_edit_form_unchanged_changes_nothing(client, personas, stored):
    client.force_login(personas["staff_a"])
    url = f"/candidates/{stored.pk}/edit/"
    before = Person.objects.values().get(pk=stored.person_id)
    response = client.post(url, initial_post_data(client, url))
    assert response.status_code == 302, response.context["person_form"].errors
    assert Person.objects.values().get(pk=stored.person_id) == before
    assert stored.recommendations.get().votes == 80


def test_the_edit_form_does_not_ask_for_the_birth_date_again(client, personas, stored):
    client.force_login(personas["staff_a"])
    url = f"/candidates/{stored.pk}/edit/"
    data = initial_post_data(client, url)
    data.pop("p-birth_date")
    data.pop("p-sex")
    assert client.post(url, data).status_code == 302
    person = Person.objects.get(pk=stored.person_id)
    assert person.birth_date == datetime.date(1949, 12, 31)
    assert person.party_joined_on == datetime.date(1975, 7, 1)


def test_the_edit_form_may_correct_the_persons_own_name(client, personas, stored):
    client.force_login(personas["staff_a"])
    url = f"/candidates/{stored.pk}/edit/"
    data = initial_post_data(client, url) | {"p-name": "党员丁更正"}
    assert client.post(url, data).status_code == 302
    assert Person.objects.get(pk=stored.person_id).name == "党员丁更正"


def test_a_formal_candidates_person_is_kept_up_to_date_the_candidacy_stays_as_approved(
    client, personas, stored
):
    Candidacy.objects.filter(pk=stored.pk).update(status="formal", notes="按审批名单")
    client.force_login(personas["staff_a"])
    detail = client.get(f"/candidates/{stored.pk}/").content.decode()
    assert "编辑个人信息" in detail
    url = f"/candidates/{stored.pk}/edit/"
    page = client.get(url).content.decode()
    assert "已确定为正式候选人" in page
    changed = {
        "p-phone": "13912345678",
        "c-votes_masses": "5",
        "c-notes": "改了",
        "c-is_continuing": "1",
    }
    response = client.post(url, initial_post_data(client, url) | changed)
    assert response.status_code == 302, response.context["candidacy_form"].errors
    assert Person.objects.get(pk=stored.person_id).phone == "13912345678"
    stored.refresh_from_db()
    assert (stored.status, stored.notes, stored.is_continuing) == ("formal", "按审批名单", False)
    assert stored.recommendations.get().votes == 80


def test_the_edit_form_clears_a_phone_number_the_clerk_deletes(client, personas, stored):
    person = Person.objects.get(pk=stored.person_id)
    person.set_phone("13912345678")
    person.save()
    client.force_login(personas["staff_a"])
    url = f"/candidates/{stored.pk}/edit/"
    data = initial_post_data(client, url)
    assert data["p-phone"] == "13912345678"
    assert client.post(url, data | {"p-phone": ""}).status_code == 302
    assert Person.objects.get(pk=stored.person_id).phone == ""
