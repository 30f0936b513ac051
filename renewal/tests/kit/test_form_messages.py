"""The base forms (renewal.kit.forms) make every error name its field, in Chinese, in place
of Django's messages that are the same for every field; a message a form sets itself stays."""

import pytest
from django import forms

from renewal.kit.forms import Form, ModelForm
from renewal.models import Department


class Sample(Form):
    name = forms.CharField(label="姓名", max_length=4)
    id_number = forms.CharField(label="公民身份号码", min_length=18, required=False)
    votes = forms.IntegerField(label="得票数", min_value=0, max_value=999, required=False)
    share = forms.DecimalField(label="得票率(%)", max_digits=5, decimal_places=2, required=False)
    day = forms.DateField(label="选举日期", required=False)
    body = forms.ChoiceField(label="班子", choices=[("party", "党组织委员会")], required=False)
    own = forms.CharField(label="备注", error_messages={"required": "备注写一句就行。"})


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "name", "请填写姓名。"),
        ({"name": "欧阳司马长"}, "name", "姓名最多 4 个字符（现有 5 个）。"),
        ({"id_number": "1501"}, "id_number", "公民身份号码至少 18 个字符（现有 4 个）。"),
        ({"votes": "很多"}, "votes", "得票数须填写整数。"),
        ({"votes": "-1"}, "votes", "得票数不能小于 0。"),
        ({"votes": "1000"}, "votes", "得票数不能大于 999。"),
        ({"share": "12.345"}, "share", "得票率(%)最多 2 位小数。"),
        ({"share": "1234.5"}, "share", "得票率(%)的整数部分最多 3 位。"),
        (
            {"day": "2026-13-40"},
            "day",
            "选举日期不是有效的日期，请按“年-月-日”填写或从日历中选择。",
        ),
        ({"body": "villagers"}, "body", "班子的选项无效，请重新选择。"),
        ({}, "own", "备注写一句就行。"),  # the form's own message is kept
    ],
)
def test_each_message_names_its_field(data, field, message):
    form = Sample(data)
    assert not form.is_valid()
    assert form.errors[field] == [message]


@pytest.mark.django_db
def test_a_duplicate_is_said_plainly():
    class DepartmentForm(ModelForm):
        class Meta:
            model = Department
            fields = ["code", "name"]

    Department.objects.get_or_create(code="police", defaults={"name": "公安"})
    form = DepartmentForm({"code": "police", "name": "公安"})
    assert not form.is_valid()
    assert form.errors["code"] == ["已有代码相同的联审部门，不能重复。"]
    assert form.errors["name"] == ["已有名称相同的联审部门，不能重复。"]
