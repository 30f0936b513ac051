from django import forms
from django.contrib.auth import forms as auth_forms

from renewal.kit.forms import Form, ModelForm
from renewal.kit.widgets import DateInput
from renewal.models import COMMITTEES, PartyBranch, RiskPoint, Stage, Unit

SORTS = {
    "code": ("code", "区划代码"),
    "name": ("name", "名称"),
    "township": ("township__code", "乡镇/街道"),
    "-population": ("-population", "人口（多→少）"),
    "stage": ("stage", "阶段"),
}


class RegionFilterForm(Form):
    """A list's region filters: the townships the user sees and, when they see more than one
    county (a city's or a province's reviewer), the counties. A county-only user gets no
    county filter, as before there were levels above the county."""

    county = forms.ModelChoiceField(label="区县", queryset=None, required=False, empty_label="全部")
    township = forms.ModelChoiceField(
        label="乡镇/街道", queryset=None, required=False, empty_label="全部"
    )

    def __init__(self, *args, townships, counties=None, **kwargs):
        # `counties`: the counties to offer, or None when the user sees only one.
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships
        if counties is not None:
            self.fields["county"].queryset = counties
        else:
            del self.fields["county"]

    @property
    def many_counties(self) -> bool:
        return "county" in self.fields

    def clean(self):
        # A township left chosen from another county (the county was changed after it) is
        # dropped rather than narrowing the list to nothing.
        data = super().clean()
        county, township = data.get("county"), data.get("township")
        if county and township and township.parent_id != county.pk:
            data["township"] = None
        return data

    def filter_region(self, qs, *, county_field="county", township_field="township"):
        """`qs` narrowed to the chosen county and township (call after is_valid())."""
        data = self.cleaned_data
        if data.get("county"):
            qs = qs.filter(**{county_field: data["county"]})
        if data.get("township"):
            qs = qs.filter(**{township_field: data["township"]})
        return qs


class UnitFilterForm(RegionFilterForm):
    q = forms.CharField(label="名称或代码", required=False, max_length=40)
    kind = forms.ChoiceField(
        label="类型", required=False, choices=[("", "全部")] + Unit.Kind.choices
    )
    stage = forms.ChoiceField(label="阶段", required=False)
    key = forms.ChoiceField(
        label="重点难点",
        required=False,
        choices=[("", "全部"), ("1", "仅重点难点村"), ("0", "非重点难点村")],
    )
    overdue = forms.BooleanField(label="仅逾期", required=False)
    sort = forms.ChoiceField(
        label="排序", required=False, choices=[(k, v[1]) for k, v in SORTS.items()]
    )

    field_order = ["q", "county", "township"]

    def __init__(self, *args, stage_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", "全部")] + stage_choices


class UnitForm(ModelForm):
    class Meta:
        model = Unit
        fields = [
            "name",
            "kind",
            "population",
            "households",
            "groups",
            "is_key",
            "key_reasons",
            "risk_assessed_on",
        ]
        widgets = {
            "key_reasons": forms.Textarea(attrs={"rows": 2}),
            "risk_assessed_on": DateInput(),
        }


class UnitCreateForm(UnitForm):
    class Meta(UnitForm.Meta):
        fields = ["township", "code", *UnitForm.Meta.fields]

    def __init__(self, *args, townships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships
        self.fields["code"].widget.attrs.update(inputmode="numeric", autocomplete="off")

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        other = Unit.objects.filter(code=code).first()
        if other:
            raise forms.ValidationError(f"区划代码 {code} 已被“{other.name}”使用。")
        return code

    def _post_clean(self):
        # county is derived from the township; set it before model validation runs.
        if self.cleaned_data.get("township"):
            self.instance.county_id = self.cleaned_data["township"].parent_id
        super()._post_clean()


class RiskPointForm(ModelForm):
    class Meta:
        model = RiskPoint
        fields = ["category", "description"]


class BranchForm(ModelForm):
    class Meta:
        model = PartyBranch
        fields = ["name", "kind"]


class SeatChangeForm(Form):
    # Seats are set for the two committees; the supervision committee's come from its pack.
    body = forms.ChoiceField(label="班子", choices=[(b.value, b.label) for b in COMMITTEES])
    requested = forms.IntegerField(label="申请职数", min_value=1, max_value=99)
    reason = forms.CharField(
        label="理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )


class DecisionForm(Form):
    decision = forms.ChoiceField(label="决定", choices=[("approve", "同意"), ("reject", "不同意")])
    comment = forms.CharField(label="意见", required=False, max_length=300)


class StageForm(ModelForm):
    class Meta:
        model = Stage
        fields = ["name", "due_date", "enabled"]
        widgets = {"due_date": DateInput()}


StageFormSet = forms.modelformset_factory(Stage, form=StageForm, extra=0)


class PasswordChangeForm(Form, auth_forms.PasswordChangeForm):
    """The user's own password: the old one, and the new one twice (the rules are listed)."""


class SecondFactorCodeForm(Form):
    """A code typed after the password: the authenticator's 6 digits (or, on the sign-in step,
    a recovery code)."""

    code = forms.CharField(
        label="验证码",
        max_length=20,
        error_messages={"required": "请输入验证码。"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )
