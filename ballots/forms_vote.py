from django import forms

from ballots.models import (
    BallotBox,
    VillagersBallotSetup,
    VillagersNomination,
    VillagersPost,
    VoteOfficial,
)
from renewal.models import Person


class VoterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person):
        return f"{person.name}（{person.get_sex_display()}，{person.birth_date:%Y}年生）"


def _voters(election):
    return Person.objects.filter(
        voter_registrations__election=election, voter_registrations__is_active=True
    ).order_by("name", "id")


class NominationForm(forms.Form):
    post = forms.ChoiceField(label="职位")
    person = VoterChoiceField(label="被提名人（登记选民）", queryset=Person.objects.none())
    nominators = forms.IntegerField(label="提名人数", min_value=1, max_value=100000)
    source = forms.ChoiceField(label="提名方式", choices=VillagersNomination.Source.choices)
    relatives = forms.CharField(
        label="近亲属",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一人：姓名，可空格后接身份证号。近亲属不得担任监票人、计票人。",
    )

    def __init__(self, *args, election, posts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].choices = [(p, VillagersPost(p).label) for p in posts]
        self.fields["person"].queryset = _voters(election)


class OfficialForm(forms.Form):
    person = VoterChoiceField(label="人员", queryset=Person.objects.none())
    role = forms.ChoiceField(label="职责", choices=VoteOfficial.Role.choices)
    box = forms.ModelChoiceField(
        label="随投票点",
        queryset=BallotBox.objects.none(),
        required=False,
        empty_label="（不随箱）",
    )

    def __init__(self, *args, election, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _voters(election)
        self.fields["box"].queryset = election.boxes.exclude(kind=BallotBox.Kind.MAIN)


class BoxForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=BallotBox.Kind.choices)
    name = forms.CharField(label="名称", max_length=40)


class RecallForm(forms.Form):
    member = forms.ModelChoiceField(label="被罢免成员", queryset=None)
    signatures = forms.IntegerField(label="联名选民人数", min_value=0)
    reason = forms.CharField(label="罢免理由", max_length=300)
    proposed_on = forms.DateField(label="提出日期", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = lambda m: (
            f"{m.person.name}（{m.get_post_display()}）"
        )


class RecallVoteForm(forms.Form):
    voted_on = forms.DateField(label="投票日期", widget=forms.DateInput(attrs={"type": "date"}))
    registered = forms.IntegerField(label="登记选民人数", min_value=0)
    voted = forms.IntegerField(label="参加投票人数", min_value=0)
    in_favour = forms.IntegerField(label="赞成罢免票数", min_value=0)


class BallotSetupForm(forms.Form):
    mode = forms.ChoiceField(label="计票方式", choices=VillagersBallotSetup.Mode.choices)
    deputy_seats = forms.IntegerField(label="副主任职数", min_value=0, max_value=3)
