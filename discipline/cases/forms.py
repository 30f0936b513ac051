"""The case forms: one per stage, each built for its report."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from candidates.models import Candidacy
from discipline.cases import services
from discipline.forms import DATE
from discipline.models import ProhibitionItem
from renewal.kit import people
from renewal.kit.forms import Form
from renewal.models import Unit

# --- Case forms: one per stage, each built for its report --------------------------------------


class LinkForm(Form):
    units = forms.ModelMultipleChoiceField(
        label="涉及村(社区)",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    candidacies = forms.ModelMultipleChoiceField(
        label="涉及候选人", queryset=Candidacy.objects.none(), required=False
    )

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(county_id=report.county_id)
        if report.township_id:
            units = units.filter(Q(township_id=report.township_id) | Q(report=report))
        self.fields["units"].queryset = units.distinct().order_by("code")
        self.fields["candidacies"].queryset = Candidacy.objects.filter(
            unit__county_id=report.county_id
        ).select_related("person", "unit")

    def run(self, actor, report):
        d = self.cleaned_data
        services.case_link(
            actor=actor, report=report, units=d["units"], candidacies=d["candidacies"]
        )
        return "已保存涉及的村(社区)和候选人。"


class AssignForm(Form):
    officers = forms.ModelMultipleChoiceField(
        label="承办人员",
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少指定一名承办人员。"},
    )
    check_group = forms.CharField(label="核查组", max_length=60)

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officers"].queryset = services.officers_for_county(report.county)
        self.fields["officers"].label_from_instance = people.person_name

    def run(self, actor, report):
        d = self.cleaned_data
        services.case_assign(
            actor=actor, report=report, officers=d["officers"], check_group=d["check_group"]
        )
        return "已交办核查组。"


class CheckForm(Form):
    findings = forms.CharField(label="核查情况", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)

    def run(self, actor, report):
        services.case_check(actor=actor, report=report, findings=self.cleaned_data["findings"])
        return "核查情况已登记。"


class ConcludeForm(Form):
    substantiated = forms.TypedChoiceField(
        label="核查结论",
        choices=[("1", "属实"), ("0", "不属实")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    items = forms.ModelMultipleChoiceField(
        label="违反的纪律条目",
        queryset=ProhibitionItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    action_taken = forms.CharField(
        label="处理结果", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = services.allowed_items(report).select_related("catalogue")

    def run(self, actor, report):
        d = self.cleaned_data
        services.case_conclude(
            actor=actor,
            report=report,
            substantiated=d["substantiated"],
            items=d["items"],
            action_taken=d["action_taken"],
        )
        return "案件已办结。" + ("请按期通报。" if d["substantiated"] else "")


class NotifyForm(Form):
    notified_on = forms.DateField(label="通报日期", widget=DATE)
    scope = forms.CharField(label="通报范围", max_length=100)

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)

    def run(self, actor, report):
        d = self.cleaned_data
        services.case_notify(
            actor=actor, report=report, notified_on=d["notified_on"], scope=d["scope"]
        )
        return "已登记通报。"
