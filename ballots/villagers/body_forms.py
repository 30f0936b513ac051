"""Forms of the other bodies: the supervision committee, the groups and their representatives
and leaders. The rules live in ballots.villagers.supervision and ballots.villagers.groups."""

from django import forms

from ballots.models import GroupOfficer, SupervisionElection, VillagersNomination
from ballots.villagers.forms import VoterChoiceField, _voters
from ballots.villagers.groups import methods_allowed
from ballots.villagers.supervision import assemblies_allowed
from renewal.kit.forms import Form
from renewal.kit.widgets import DateInput
from renewal.models import Person, VillagerGroup


class SupervisionSetupForm(Form):
    assembly = forms.ChoiceField(label="推选会议")
    seats = forms.IntegerField(label="应选人数", min_value=1, max_value=20)
    meeting_day = forms.DateField(
        label="会议日期",
        widget=DateInput(),
        error_messages={"required": "请填写会议日期。", "invalid": "请填写有效日期。"},
    )

    def __init__(self, *args, election, **kwargs):
        super().__init__(*args, **kwargs)
        residents = election.unit.words["residents"]
        self.fields["assembly"].choices = [
            (a, SupervisionElection.Assembly(a).label.replace("村(居)民", residents))
            for a in assemblies_allowed(election.pack.supervision_assembly)
        ]
        pack = election.pack
        self.fields[
            "seats"
        ].help_text = (
            f"按{pack.name}，应选 {pack.supervision_min_seats} 至 {pack.supervision_max_seats} 人。"
        )


class SupervisionNominationForm(Form):
    person = VoterChoiceField(label="被提名人（登记选民）", queryset=Person.objects.none())
    nominators = forms.IntegerField(label="提名人数", min_value=1, max_value=100000)
    source = forms.ChoiceField(label="提名方式", choices=VillagersNomination.Source.choices)
    relatives = forms.CharField(
        label="近亲属",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一人：姓名、关系（如配偶、父亲）、公民身份号码，用空格隔开。"
        "近亲属是本届村(居)委会成员的，不得担任监督委员会成员。",
    )

    def __init__(self, *args, election, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _voters(election)


class SupervisionApproveForm(Form):
    chair = forms.ModelChoiceField(
        label="主任", queryset=Person.objects.none(), empty_label="请选择"
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = Person.objects.filter(pk__in=[p.pk for p in people])


class GroupForm(Form):
    name = forms.CharField(label="小组名称", max_length=40)
    households = forms.IntegerField(label="户数", min_value=0, max_value=100000, required=False)


class GroupEditForm(GroupForm):
    order = forms.IntegerField(label="排序", min_value=0, max_value=999)


class OfficerForm(Form):
    group = forms.ModelChoiceField(
        label="小组", queryset=VillagerGroup.objects.none(), empty_label="请选择"
    )
    role = forms.ChoiceField(label="职务")
    person = VoterChoiceField(label="当选人（登记选民）", queryset=Person.objects.none())
    method = forms.ChoiceField(label="推选方式")
    votes = forms.IntegerField(
        label="得票（推选户数）", min_value=0, max_value=100000, required=False
    )
    elected_on = forms.DateField(
        label="推选日期",
        widget=DateInput(),
        error_messages={"required": "请填写推选日期。", "invalid": "请填写有效日期。"},
    )

    def __init__(self, *args, election, **kwargs):
        super().__init__(*args, **kwargs)
        words = election.unit.words
        self.fields["role"].choices = [
            (GroupOfficer.Role.REPRESENTATIVE.value, words["representative"]),
            (GroupOfficer.Role.LEADER.value, words["leader"]),
        ]
        pack = election.pack
        methods = set(methods_allowed(pack.representative_method)) | set(
            methods_allowed(pack.group_leader_method)
        )
        self.fields["method"].choices = [
            (m, GroupOfficer.Method(m).label) for m in GroupOfficer.Method.values if m in methods
        ]
        self.fields["person"].queryset = _voters(election)
        self.fields["group"].queryset = election.unit.villager_groups.all()
