from django import forms

from renewal.kit.forms import Form, ModelForm
from renewal.models import Education, PartyMember

SORTS = {
    "joined": (["joined_on", "id"], "入党时间（早→晚）"),
    "-joined": (["-joined_on", "-id"], "入党时间（晚→早）"),
    "name": (["person__name", "id"], "姓名"),
    "birth": (["person__birth_date", "id"], "出生日期（年长在前）"),
    "status": (["status", "joined_on", "id"], "人员类别"),
}
STATUS_FILTERS = [
    ("", "全部"),
    (PartyMember.Status.FULL, "正式党员"),
    (PartyMember.Status.PROBATIONARY, "预备党员"),
    ("probation", "留党察看期间"),
]
DATE_HELP = "如 2005-07-01。"


class MemberFilterForm(Form):
    q = forms.CharField(label="姓名", required=False, max_length=40)
    status = forms.ChoiceField(label="人员类别", required=False, choices=STATUS_FILTERS)
    entitled = forms.ChoiceField(
        label="今日表决权",
        required=False,
        choices=[("", "全部"), ("1", "有表决权"), ("0", "没有表决权")],
    )
    listed = forms.ChoiceField(
        label="名册",
        required=False,
        choices=[("", "在册"), ("left", "已转出"), ("all", "全部（含已转出）")],
    )
    sort = forms.ChoiceField(
        label="排序", required=False, choices=[(k, v[1]) for k, v in SORTS.items()]
    )


def require_reason(form, refusal: str) -> None:
    """While a congress's attendance is open the roster is frozen: a change is a correction,
    and the form asks for its reason (the services refuse one without)."""
    form.fields["reason"] = forms.CharField(
        label="更正理由",
        max_length=300,
        required=False,  # saving unchanged needs none; the services ask for it on a change
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=refusal,
        error_messages={
            "max_length": "更正理由不能超过 300 个字。",
        },
    )


class MemberDatesForm(ModelForm):
    """Status and dates, the same on the add and the edit page."""

    class Meta:
        model = PartyMember
        fields = [
            "status",
            "joined_on",
            "regularized_on",
            "on_probation",
            "probation_until",
            "transferred_in_on",
            "left_on",
        ]
        labels = {"status": "人员类别", "joined_on": "入党日期", "regularized_on": "转正日期"}
        help_texts = {
            "joined_on": DATE_HELP,
            "regularized_on": "正式党员填写；预备党员转正后把人员类别改为正式党员并填写此日期。",
            "on_probation": "受留党察看处分、尚未期满的勾选；期间没有表决权、选举权和被选举权。",
            "left_on": "组织关系转出本党组织的日期；转出后不再计入名册，记录保留。",
        }
        # The dates' messages come from the base form, each naming its own date.
        error_messages = {"status": {"required": "请选择人员类别。"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "请选择")] + PartyMember.Status.choices

    def dates(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def _post_clean(self):
        # The services validate (with the person's birth date and today's date); the model's
        # own validation would need the branch and person the page does not post.
        pass


class MemberAddForm(MemberDatesForm):
    name = forms.CharField(label="姓名", max_length=40, error_messages={"required": "请填写姓名。"})
    id_number = forms.CharField(
        label="公民身份号码",
        max_length=18,
        error_messages={"required": "请填写公民身份号码。"},
        help_text="18 位，末位可为 X；出生日期和性别由号码得出。已登记的人员按号码找到，姓名须一致。",
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    ethnicity = forms.CharField(
        label="民族", max_length=20, required=False, help_text="留空为汉族；已登记的人员不变。"
    )
    education = forms.ChoiceField(
        label="学历",
        required=False,
        choices=[("", "未填写")] + Education.choices,
        help_text="已登记的人员学历为空时写入。",
    )

    class Meta(MemberDatesForm.Meta):
        fields = [f for f in MemberDatesForm.Meta.fields if f != "left_on"]
        help_texts = MemberDatesForm.Meta.help_texts | {
            "transferred_in_on": "从其他党组织转入的填写；转入前不计入本党组织名册。"
        }

    field_order = ["name", "id_number", "ethnicity", "education"]

    def person(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("name", "id_number", "ethnicity", "education")
        }
