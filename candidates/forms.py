from django import forms

from candidates.models import Candidacy, NegativeListItem, Recommendation, ReserveCadre
from renewal.forms import RegionFilterForm
from renewal.kit.forms import Form, ModelForm
from renewal.kit.idcard import IdNumberError, check_id_number_matches, parse_id_number
from renewal.kit.naming import Standing, ballot_names
from renewal.kit.uploads import ATTACHMENT_ACCEPT, attachments_check
from renewal.kit.widgets import DateInput
from renewal.models import COMMITTEE_CHOICES, Department, Person, PersonTag, Post


class PersonForm(ModelForm):
    """A person's record, keyed by the citizen ID number.

    Sex and birth date are part of the number: left blank they are taken from it, and a
    value that disagrees with it is refused on its own field. In the browser
    static/js/idcard-fields.js fills them as the number is typed.
    """

    id_number = forms.CharField(
        label="公民身份号码",
        max_length=18,
        min_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text="性别和出生日期按身份证号码自动填写。",
    )
    phone = forms.CharField(label="联系电话", required=False, max_length=20)
    tags = forms.MultipleChoiceField(
        label="人员类别",
        choices=PersonTag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    field_order = ["name", "id_number", "sex", "birth_date", "ethnicity", "education"]

    class Meta:
        model = Person
        fields = [
            "name",
            "sex",
            "ethnicity",
            "birth_date",
            "education",
            "political_status",
            "party_joined_on",
            "tags",
        ]
        widgets = {
            "birth_date": DateInput(),
            "party_joined_on": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sex"].required = False
        self.fields["birth_date"].required = False
        self.fields["id_number"].widget.attrs.update(
            {
                "data-idcard-birth": self["birth_date"].auto_id,
                "data-idcard-sex": self["sex"].auto_id,
            }
        )

    def clean(self):
        data = super().clean()
        raw = data.get("id_number")
        if not raw:
            return data
        try:
            info = parse_id_number(raw)
        except IdNumberError as exc:
            self.add_error("id_number", str(exc))
            return data
        data["id_number"] = info.number
        for field, derived in (("birth_date", info.birth_date), ("sex", info.sex)):
            given = data.get(field)
            if not given and field not in self.errors:
                data[field] = derived
            elif given and given != derived:
                kwargs = {"birth_date": None, "sex": None, field: given}
                for message in check_id_number_matches(info, **kwargs):
                    self.add_error(field, message)
        return data


class KnownPersonForm(PersonForm):
    """Entering someone who may be on record already: found by the ID number, or registered.

    Someone already on record (a party member on the roster, say) needs only the ID number
    and the name; what is left blank keeps the record as it is, so the roster's political
    status and joining date are not overwritten by a form's defaults. A new person also
    needs education and political status (the service says so).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("ethnicity", "education", "political_status"):
            self.fields[name].required = False
        self.fields["ethnicity"].initial = None
        self.fields["political_status"].initial = None
        self.fields["political_status"].choices = [
            ("", "不变 / 请选择"),
            *Person.PoliticalStatus.choices,
        ]
        self.fields["id_number"].help_text = (
            "已在系统中的人员（如党员名册中的党员）只需填写姓名和公民身份号码，"
            "其余留空则保持原有信息；新登记的人员还须填写学历和政治面貌。"
        )


class ReservePersonForm(KnownPersonForm):
    """Adding someone to the talent pool, found by ID number or registered anew."""

    unit = forms.ModelChoiceField(label="村(社区)", queryset=None, empty_label="请选择")
    direction = forms.CharField(label="培养方向", required=False, max_length=100)
    note = forms.CharField(label="说明", required=False, max_length=200)
    field_order = ["unit", "name", "id_number", "sex", "birth_date", "ethnicity", "education"]

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda u: f"{u.township.name} · {u.name}"


class CandidacyForm(Form):
    body = forms.ChoiceField(label="拟任班子", choices=COMMITTEE_CHOICES)
    post = forms.ChoiceField(label="拟任职务", choices=Post.choices)
    is_continuing = forms.TypedChoiceField(
        label="继任/新任",
        choices=[("0", "新任"), ("1", "继任")],
        coerce=lambda v: v == "1",
    )
    votes_party_members = forms.IntegerField(label="党员推荐票", min_value=0, required=False)
    votes_masses = forms.IntegerField(label="群众推荐票", min_value=0, required=False)
    votes_higher = forms.IntegerField(label="上级党组织推荐票", min_value=0, required=False)
    notes = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def recommendations(self):
        return {
            Recommendation.Source.PARTY_MEMBERS: self.cleaned_data.get("votes_party_members"),
            Recommendation.Source.MASSES: self.cleaned_data.get("votes_masses"),
            Recommendation.Source.HIGHER: self.cleaned_data.get("votes_higher"),
        }


class InspectionForm(Form):
    result = forms.ChoiceField(label="考察结果", choices=[("passed", "合格"), ("failed", "不合格")])
    score = forms.DecimalField(
        label="群众测评得分", min_value=0, max_value=100, decimal_places=2, required=False
    )
    inspected_on = forms.DateField(label="考察日期", widget=DateInput())
    notes = forms.CharField(label="说明", required=False, max_length=300)


class ReasonForm(Form):
    reason = forms.CharField(label="原因", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class VettingSendForm(Form):
    candidacies = forms.ModelMultipleChoiceField(
        label="人选", queryset=Candidacy.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    departments = forms.ModelMultipleChoiceField(
        label="联审部门", queryset=Department.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    due_date = forms.DateField(label="答复时限", widget=DateInput())
    note = forms.CharField(label="说明", required=False, max_length=200)

    def __init__(self, *args, candidacies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidacies"].queryset = candidacies
        names = ballot_names(
            Standing(pk, name, birth)
            for pk, name, birth in candidacies.values_list(
                "person_id", "person__name", "person__birth_date"
            ).distinct()
        )
        self.fields["candidacies"].label_from_instance = lambda c: _vetting_choice_label(
            c, names[c.person_id]
        )


def _vetting_choice_label(c, shown_name: str) -> str:
    label = f"{c.unit.name} · {shown_name} · {c.get_post_display()}"
    asked = sorted({r.department.name for r in c.vetting.all()})
    return f"{label}（已送：{'、'.join(asked)}）" if asked else label


class VettingAnswerForm(Form):
    passed = forms.TypedChoiceField(
        label="结论",
        choices=[("1", "无问题"), ("0", "有问题")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    items = forms.ModelMultipleChoiceField(
        label="涉及负面清单条目",
        queryset=NegativeListItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    document_number = forms.CharField(label="文号", required=False, max_length=60)
    comment = forms.CharField(
        label="意见", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    attachment = forms.FileField(
        label="附件（PDF 或图片，5 MB 以内）",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ATTACHMENT_ACCEPT}),
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = items

    def clean_attachment(self):
        """The file as it is to be stored: parsed, and without its metadata."""
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return upload
        ((clean, _kind),) = attachments_check([upload], max_count=1)
        return clean


class ReserveEditForm(Form):
    direction = forms.CharField(label="培养方向", required=False, max_length=100)
    note = forms.CharField(label="说明", required=False, max_length=200)


class ReserveRetireForm(Form):
    reason = forms.CharField(
        label="出库原因", max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReserveFilterForm(RegionFilterForm):
    SORTS = [
        ("unit", "按村(社区)"),
        ("name", "按姓名"),
        ("-added_at", "最近入库在前"),
        ("birth_date", "年长在前"),
        ("-birth_date", "年轻在前"),
    ]

    q = forms.CharField(
        label="搜索（姓名、村(社区)、培养方向、说明）", required=False, max_length=40
    )
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[*ReserveCadre.Status.choices, ("all", "全部")],
    )
    sort = forms.ChoiceField(label="排序", required=False, choices=SORTS)
    field_order = ["q", "county", "township"]


class ProposeForm(Form):
    body = forms.ChoiceField(label="拟任班子", choices=COMMITTEE_CHOICES)
    post = forms.ChoiceField(label="拟任职务", choices=Post.choices)
    is_continuing = forms.TypedChoiceField(
        label="继任/新任",
        choices=[("0", "新任"), ("1", "继任")],
        coerce=lambda v: v == "1",
    )


class CandidacyFilterForm(RegionFilterForm):
    SORTS = [
        ("unit", "按村(社区)"),
        ("name", "按姓名"),
        ("birth_date", "年长在前"),
        ("-birth_date", "年轻在前"),
        ("status", "按状态"),
    ]

    q = forms.CharField(label="姓名", required=False, max_length=20)
    body = forms.ChoiceField(
        label="班子", required=False, choices=[("", "全部"), *COMMITTEE_CHOICES]
    )
    post = forms.ChoiceField(label="职务", required=False, choices=[("", "全部"), *Post.choices])
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), *Candidacy.Status.choices]
    )
    sort = forms.ChoiceField(label="排序", required=False, choices=SORTS)
    field_order = ["q", "county", "township"]
