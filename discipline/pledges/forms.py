"""Forms of the candidates' pledges (承诺书) and the talks (谈心谈话)."""

from django import forms

from discipline.forms import DATE
from discipline.models import Talk
from renewal.kit.forms import Form


class PledgeForm(Form):
    candidacy = forms.IntegerField(label="人选")
    decision = forms.ChoiceField(label="签订情况", choices=[("sign", "签订"), ("refuse", "拒签")])
    signed_on = forms.DateField(label="签订日期", required=False, widget=DATE)
    note = forms.CharField(label="说明", required=False, max_length=200)


class TalkForm(Form):
    person = forms.TypedChoiceField(label="谈话对象", coerce=int)
    phase = forms.ChoiceField(label="阶段", choices=Talk.Phase.choices)
    held_on = forms.DateField(label="谈话日期", widget=DATE)
    talked_by = forms.CharField(label="谈话人", max_length=40)
    summary = forms.CharField(label="谈话要点", required=False, max_length=300)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "请选择")] + list(people)
