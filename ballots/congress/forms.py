from django import forms

from ballots.models import Attendance, ElectionRound, Scrutineer
from renewal.kit.forms import Form
from renewal.kit.naming import ballot_names, standing
from renewal.kit.widgets import DateInput
from renewal.models import Person


class CongressForm(Form):
    held_on = forms.DateField(label="会议日期", widget=DateInput())
    place = forms.CharField(label="会议地点", max_length=100)
    chair = forms.CharField(label="主持人", max_length=40)


class PeopleField(forms.ModelMultipleChoiceField):
    """People chosen by id; the label is the name as printed on the ballot."""

    def __init__(self, *args, names=None, **kwargs):
        self.names = names or {}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, person):
        return self.names.get(person.pk, person.name)


class RoundForm(Form):
    """A vote of the congress among people it may elect: the unit's formal candidates for the
    committee, a newly elected member for the secretary or deputy. No name is typed."""

    kind = forms.ChoiceField(label="选举事项", choices=ElectionRound.Kind.choices)
    seats = forms.IntegerField(label="应选人数", min_value=1, max_value=15)
    people = PeopleField(
        label="候选人",
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="打印时按姓氏笔画排序；同名的候选人在姓名后注明出生年月以示区别。",
        error_messages={"required": "请选择候选人。"},
    )
    double_entry = forms.BooleanField(label="由两个账号分别录入并核对", required=False)

    def __init__(self, *args, people=(), names=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["people"]
        field.queryset = Person.objects.filter(pk__in=[p.pk for p in people])
        field.names = names or {}


class WriteInForm(Form):
    person = forms.ModelChoiceField(
        label="名册中的党员", queryset=Person.objects.none(), empty_label="请选择"
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(pk__in=[m.pk for m in members])


class ScrutineerForm(Form):
    member = forms.ModelChoiceField(label="人员", queryset=Attendance.objects.none())
    role = forms.ChoiceField(label="职责", choices=Scrutineer.Role.choices)

    def __init__(self, *args, congress, **kwargs):
        super().__init__(*args, **kwargs)
        rows = congress.attendance.select_related("member__person")
        self.fields["member"].queryset = rows
        # Two members of the same name are told apart as on the ballot.
        shown = ballot_names(standing(a.member.person) for a in rows)
        self.fields["member"].label_from_instance = lambda a: shown[a.member.person_id]


class ReportForm(Form):
    notice_start = forms.DateField(label="公示开始日期", widget=DateInput())


class ReasonForm(Form):
    reason = forms.CharField(label="原因", max_length=300)
