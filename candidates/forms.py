from django import forms

from candidates.models import Candidacy, NegativeListItem, Recommendation
from renewal.kit.forms import Form, ModelForm
from renewal.kit.uploads import ATTACHMENT_ACCEPT, attachments_check
from renewal.kit.widgets import DateInput
from renewal.models import Body, Department, Person, PersonTag, Post


class PersonForm(ModelForm):
    id_number = forms.CharField(
        label="公民身份号码",
        max_length=18,
        min_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(label="联系电话", required=False, max_length=20)
    tags = forms.MultipleChoiceField(
        label="人员类别",
        choices=PersonTag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

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


class CandidacyForm(Form):
    body = forms.ChoiceField(label="拟任班子", choices=Body.choices)
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
        self.fields["candidacies"].label_from_instance = lambda c: (
            f"{c.unit.name} · {c.person.name} · {c.get_post_display()}"
        )


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
        upload = self.cleaned_data.get("attachment")
        if upload:
            attachments_check([upload], max_count=1)
        return upload


class ReserveForm(Form):
    person_id_number = forms.CharField(label="公民身份号码", max_length=18)
    note = forms.CharField(label="培养方向/说明", required=False, max_length=200)


class ProposeForm(Form):
    body = forms.ChoiceField(label="拟任班子", choices=Body.choices)
    post = forms.ChoiceField(label="拟任职务", choices=Post.choices)
    is_continuing = forms.TypedChoiceField(
        label="继任/新任",
        choices=[("0", "新任"), ("1", "继任")],
        coerce=lambda v: v == "1",
    )


class CandidacyFilterForm(Form):
    q = forms.CharField(label="姓名", required=False, max_length=20)
    township = forms.ModelChoiceField(
        label="乡镇/街道", queryset=None, required=False, empty_label="全部"
    )
    body = forms.ChoiceField(label="班子", required=False, choices=[("", "全部"), *Body.choices])
    post = forms.ChoiceField(label="职务", required=False, choices=[("", "全部"), *Post.choices])
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), *Candidacy.Status.choices]
    )

    def __init__(self, *args, townships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships
