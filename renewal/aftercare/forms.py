from django import forms

from renewal.kit.forms import Form, ModelForm
from renewal.kit.naming import ballot_names, standing
from renewal.kit.widgets import DateInput
from renewal.models import (
    AuditCategory,
    Body,
    CommitteePledge,
    ExitAudit,
    KeyUnitPlan,
    Rectification,
    Region,
    Unit,
)


class ListFilterForm(Form):
    """Township, search and sort for the aftercare lists; the choices come from the view."""

    q = forms.CharField(label="村(社区)名称", required=False, max_length=40)
    township = forms.ModelChoiceField(
        label="乡镇/街道", queryset=None, required=False, empty_label="全部"
    )
    status = forms.ChoiceField(label="状态", required=False)
    sort = forms.ChoiceField(label="排序", required=False)

    def __init__(self, *args, townships, statuses, sorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships
        self.fields["status"].choices = [("", "全部")] + list(statuses)
        self.fields["sort"].choices = list(sorts)


class AuditForm(ModelForm):
    class Meta:
        model = ExitAudit
        fields = ["auditor", "period", "audited_on", "summary"]
        widgets = {
            "audited_on": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }


class FindingForm(Form):
    category = forms.ModelChoiceField(label="问题类别", queryset=AuditCategory.objects.none())
    description = forms.CharField(
        label="问题描述", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    amount = forms.CharField(
        label="涉及金额(元)", required=False, max_length=20, help_text="可留空；最多两位小数。"
    )
    person = forms.ModelChoiceField(
        label="涉及人员", queryset=None, required=False, empty_label="（不涉及具体人员）"
    )

    def __init__(self, *args, categories, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        self.fields["person"].queryset = people


class RectificationForm(ModelForm):
    class Meta:
        model = Rectification
        fields = ["measure", "responsible", "due_on"]
        widgets = {"due_on": DateInput()}


class RectificationUpdateForm(Form):
    status = forms.ChoiceField(label="状态", choices=Rectification.Status.choices)
    due_on = forms.DateField(label="整改时限", widget=DateInput())
    evidence = forms.CharField(
        label="整改佐证",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="标为“已整改”时须填写佐证或上传附件。",
    )
    attachment = forms.FileField(
        label="佐证附件", required=False, help_text="PDF、JPG 或 PNG，不超过 5 MB。"
    )
    closed_on = forms.DateField(
        label="完成日期",
        required=False,
        widget=DateInput(),
        help_text="标为“已整改”时填写；留空为今天。",
    )


class CategoryForm(ModelForm):
    class Meta:
        model = AuditCategory
        fields = ["number", "name", "source", "needs_local_check", "is_active"]


class PlanForm(ModelForm):
    class Meta:
        model = KeyUnitPlan
        fields = ["content", "measures", "status", "leader_name", "leader_post"]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 3}),
            "measures": forms.Textarea(attrs={"rows": 4}),
        }


class GroupForm(Form):
    name = forms.CharField(label="指导组名称", max_length=40)
    leader_name = forms.CharField(label="组长", max_length=40)
    leader_post = forms.CharField(label="组长职务", max_length=60)
    units = forms.ModelMultipleChoiceField(
        label="包联村(社区)",
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units
        self.fields["units"].label_from_instance = lambda u: f"{u.township.name} · {u.name}"


class MemberForm(Form):
    """One member of a guidance group. A member who signs in to the system is linked to the
    account (chosen by name, role and region), so that they may log the group's visits."""

    name = forms.CharField(
        label="姓名",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"aria-label": "成员姓名"}),
    )
    post = forms.CharField(
        label="单位及职务",
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"aria-label": "成员的单位及职务"}),
    )
    user = forms.TypedChoiceField(
        label="系统账号",
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs={"aria-label": "成员的系统账号"}),
    )
    # The member row the line shows, so that saving changes that row in place.
    member = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "无")] + list(accounts)

    def clean(self):
        data = super().clean()
        if not data.get("name") and (data.get("post") or data.get("user")):
            self.add_error("name", "请填写成员姓名。")
        elif data.get("name") and not data.get("post"):
            self.add_error("post", "请填写成员的单位及职务。")
        return data


MemberFormSet = forms.formset_factory(MemberForm, extra=3)


class VisitForm(Form):
    unit = forms.ModelChoiceField(label="村(社区)", queryset=None)
    visited_on = forms.DateField(label="走访日期", widget=DateInput())
    findings = forms.CharField(
        label="发现问题", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    follow_up = forms.CharField(
        label="跟进措施", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class SupervisionGroupForm(Form):
    name = forms.CharField(label="督查组名称", max_length=40)
    year = forms.IntegerField(label="换届年度", min_value=2000, max_value=2100)
    leader_name = forms.CharField(label="组长", max_length=40)
    leader_post = forms.CharField(label="组长职务", max_length=60)
    counties = forms.ModelMultipleChoiceField(
        label="督查区县", queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counties"].queryset = counties


class SupervisionVisitForm(VisitForm):
    """A visit to a covered county; naming one of its units is optional.

    The unit is chosen county → township → unit, each list holding only what the choice
    before it allows (a large city's units would not fit one list): the bound or initial
    county and township decide the choices of the next field, so a unit outside the chosen
    township, or a township outside the chosen county, is refused as an invalid choice.
    """

    county = forms.ModelChoiceField(label="区县", queryset=None)
    township = forms.ModelChoiceField(
        label="乡镇(街道)",
        queryset=None,
        required=False,
        empty_label="不具体到村(社区)",
        help_text="记到某个村(社区)时，先选乡镇(街道)，再选村(社区)；不选则只记到区县。",
    )
    # Labelled here, not after __init__: the error messages are built from the labels.
    visited_on = forms.DateField(label="督查日期", widget=DateInput())
    follow_up = forms.CharField(
        label="整改要求与跟进",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    field_order = ["county", "township", "unit", "visited_on", "findings", "follow_up"]
    PLACE = ("county", "township", "unit")

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, units=Unit.objects.none(), **kwargs)
        self.fields["county"].queryset = counties
        county = self._chosen("county", counties)
        townships = Region.objects.none()
        if county is not None:
            townships = Region.objects.filter(
                parent=county, kind__in=(Region.Kind.TOWNSHIP, Region.Kind.SUBDISTRICT)
            ).order_by("code")
        self.fields["township"].queryset = townships
        township = self._chosen("township", townships)
        unit = self.fields["unit"]
        unit.queryset = (
            Unit.objects.filter(township=township, county=county).order_by("code")
            if township is not None
            else Unit.objects.none()
        )
        unit.required = False
        unit.empty_label = "不具体到村(社区)"
        if township is None:
            unit.help_text = "请先选择乡镇(街道)。"

    def _chosen(self, name, queryset):
        """The county or township the form holds (posted, else initial), if a choice."""
        if self.is_bound:
            value = self.data.get(self.add_prefix(name))
        else:
            value = self.initial.get(name)
        value = str(getattr(value, "pk", value) or "")
        return queryset.filter(pk=value).first() if value.isdecimal() else None

    def place_fields(self):
        return [self[name] for name in self.PLACE]

    def other_fields(self):
        return [f for f in self.visible_fields() if f.name not in self.PLACE]


class HandoverOpenForm(Form):
    unit = forms.ModelChoiceField(label="村(社区)", queryset=None)
    body = forms.ChoiceField(label="班子", choices=Body.choices)
    approved_on = forms.DateField(label="结果批复日期", widget=DateInput())

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda u: f"{u.township.name} · {u.name}"


class SignForm(Form):
    handed_over_on = forms.DateField(label="交接日期", widget=DateInput())
    outgoing_name = forms.CharField(label="移交人(原班子)", max_length=40)
    incoming_name = forms.CharField(label="接收人(新班子)", max_length=40)
    detail = forms.CharField(label="交接明细", required=False, max_length=200)


class RefusalForm(Form):
    item = forms.ModelChoiceField(label="拒不移交的项目", queryset=None)
    refused_by = forms.CharField(label="拒不移交人", max_length=40)
    refused_on = forms.DateField(label="日期", widget=DateInput())
    details = forms.CharField(
        label="情况说明", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.fields["item"].label_from_instance = lambda i: i.kind.name


def member_choices(people) -> list[tuple[int, str]]:
    """New committee members as choices; people who share a name are shown as on the
    ballot (with their birth year, or more)."""
    people = list(people)
    shown = ballot_names(standing(p) for p in people)
    return [(p.pk, shown[p.pk]) for p in people]


class TrainingForm(Form):
    title = forms.CharField(label="培训主题", max_length=100)
    held_on = forms.DateField(label="培训日期", widget=DateInput())
    attendees = forms.MultipleChoiceField(
        label="参训人员", choices=(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].choices = member_choices(people)


class PledgeForm(Form):
    """One of the four pledges, for the members who signed it (all of them by default)."""

    people = forms.MultipleChoiceField(
        label="签订成员", choices=(), widget=forms.CheckboxSelectMultiple
    )
    kind = forms.ChoiceField(label="承诺类别", choices=CommitteePledge.Kind.choices)
    summary = forms.CharField(label="内容摘要", max_length=300)
    signed_on = forms.DateField(label="签订日期", widget=DateInput())

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].choices = member_choices(people)
