from django import forms

from ballots.models import Attendance, ElectionRound, Scrutineer
from renewal.kit.forms import Form
from renewal.kit.widgets import DateInput


class CongressForm(Form):
    held_on = forms.DateField(label="会议日期", widget=DateInput())
    place = forms.CharField(label="会议地点", max_length=100)
    chair = forms.CharField(label="主持人", max_length=40)


class RoundForm(Form):
    kind = forms.ChoiceField(label="选举事项", choices=ElectionRound.Kind.choices)
    seats = forms.IntegerField(label="应选人数", min_value=1, max_value=15)
    candidates = forms.CharField(
        label="候选人",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一个姓名，或用顿号、逗号分隔；打印时按姓氏笔画排序。",
    )
    double_entry = forms.BooleanField(label="由两个账号分别录入并核对", required=False)

    def clean_candidates(self):
        raw = self.cleaned_data["candidates"]
        for sep in ("、", "，", ",", "；", ";"):
            raw = raw.replace(sep, "\n")
        return [n.strip() for n in raw.splitlines() if n.strip()]


class ScrutineerForm(Form):
    member = forms.ModelChoiceField(label="人员", queryset=Attendance.objects.none())
    role = forms.ChoiceField(label="职责", choices=Scrutineer.Role.choices)

    def __init__(self, *args, congress, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = congress.attendance.select_related("member__person")
        self.fields["member"].label_from_instance = lambda a: a.member.person.name


class ReportForm(Form):
    notice_start = forms.DateField(label="公示开始日期", widget=DateInput())


class ReasonForm(Form):
    reason = forms.CharField(label="原因", max_length=300)
