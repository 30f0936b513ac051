"""Forms of the villagers' election: set-up, register, objections, proxies, and the vote.

The rules live in ballots.villagers.setup and ballots.villagers.vote.
"""

from django import forms

from ballots.models import (
    BallotBox,
    ElectionCommitteeMember,
    VillagersBallotSetup,
    VillagersNomination,
    VillagersPost,
    VoteOfficial,
    VoterObjection,
    VoterProxy,
    VoterRegistration,
)
from ballots.villagers.setup import Correction
from renewal.kit.forms import Form
from renewal.kit.widgets import DateInput
from renewal.models import Education, Person

DATE = DateInput()


def _version_field():
    return forms.IntegerField(widget=forms.HiddenInput, required=False)


class ElectionForm(Form):
    election_day = forms.DateField(
        label="选举日",
        widget=DATE,
        help_text="选举规则（选民年龄、名单公布期限、委托上限等）按区县选择和选举日自动确定。",
        error_messages={"required": "请填写选举日。", "invalid": "请填写有效日期。"},
    )
    version = _version_field()


class CommitteeMemberForm(Form):
    name = forms.CharField(label="姓名", max_length=40)
    role = forms.ChoiceField(label="职务", choices=ElectionCommitteeMember.Role.choices)
    id_number = forms.CharField(
        label="公民身份号码",
        max_length=18,
        required=False,
        help_text="选填。填写后可在此人被提名为候选人时自动办理退出。",
    )


class MemberLeaveForm(Form):
    reason = forms.CharField(label="退出原因", max_length=200)
    replacement_name = forms.CharField(label="递补人姓名", max_length=40, required=False)
    replacement_id_number = forms.CharField(
        label="递补人公民身份号码", max_length=18, required=False
    )


class VoterForm(Form):
    name = forms.CharField(label="姓名", max_length=40)
    id_number = forms.CharField(
        label="公民身份号码",
        max_length=18,
        help_text="18 位，末位可为 X；出生日期和性别由号码得出。",
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    category = forms.ChoiceField(
        label="登记类别", choices=[("", "请选择")] + VoterRegistration.Category.choices
    )
    group_name = forms.CharField(label="村(居)民小组", max_length=40, required=False)


class VoterEditForm(Form):
    category = forms.ChoiceField(label="登记类别", choices=VoterRegistration.Category.choices)
    group_name = forms.CharField(label="村(居)民小组", max_length=40, required=False)


class VoterFilterForm(Form):
    SORTS = [
        ("name", "按姓名"),
        ("group", "按小组"),
        ("category", "按类别"),
        ("-registered", "按登记时间（新的在前）"),
    ]
    q = forms.CharField(label="姓名", required=False)
    category = forms.ChoiceField(
        label="登记类别",
        required=False,
        choices=[("", "全部")] + VoterRegistration.Category.choices,
    )
    group = forms.CharField(label="小组", required=False)
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "有效"), ("inactive", "已移出"), ("all", "全部")],
    )
    sort = forms.ChoiceField(label="排序", required=False, choices=SORTS)


class PublishForm(Form):
    published_on = forms.DateField(label="公布日期", widget=DATE)
    version = _version_field()


class ObjectionForm(Form):
    raised_by = forms.CharField(label="提出人", max_length=40)
    received_on = forms.DateField(label="受理日期", widget=DATE)
    kind = forms.ChoiceField(label="异议类型", choices=VoterObjection.Kind.choices)
    registration = forms.ModelChoiceField(
        label="所涉选民（不应登记而已登记）",
        queryset=VoterRegistration.objects.none(),
        required=False,
        empty_label="请选择",
    )
    name = forms.CharField(label="要求登记的人：姓名", max_length=40, required=False)
    id_number = forms.CharField(label="要求登记的人：公民身份号码", max_length=18, required=False)
    category = forms.ChoiceField(
        label="要求登记的类别",
        choices=[("", "请选择")] + VoterRegistration.Category.choices,
        required=False,
    )
    group_name = forms.CharField(label="村(居)民小组", max_length=40, required=False)
    reason = forms.CharField(label="异议理由", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, election, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["registration"]
        field.queryset = (
            election.registrations.filter(is_active=True)
            .select_related("person")
            .order_by("person__name")
        )
        field.label_from_instance = lambda r: f"{r.person.name}（{r.person.id_number_masked}）"

    def clean(self):
        data = super().clean()
        if data.get("kind") == VoterObjection.Kind.REMOVE and not data.get("registration"):
            self.add_error("registration", "请选择所涉选民。")
        if data.get("kind") == VoterObjection.Kind.ADD:
            for key, message in (
                ("name", "请填写要求登记的人的姓名。"),
                ("id_number", "请填写要求登记的人的公民身份号码。"),
                ("category", "请选择要求登记的类别。"),
            ):
                if not data.get(key):
                    self.add_error(key, message)
        return data


class CorrectionForm(Form):
    """A correction (更正) of the published voter list; the rules are register_correct's."""

    action = forms.ChoiceField(label="更正内容", choices=[("", "请选择")] + Correction.CHOICES)
    registration = forms.ModelChoiceField(
        label="所涉选民（移出、恢复或修改时选择）",
        queryset=VoterRegistration.objects.none(),
        required=False,
        empty_label="请选择",
    )
    name = forms.CharField(label="增加的选民：姓名", max_length=40, required=False)
    id_number = forms.CharField(
        label="增加的选民：公民身份号码",
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    category = forms.ChoiceField(
        label="登记类别（增加或修改时填写）",
        choices=[("", "请选择")] + VoterRegistration.Category.choices,
        required=False,
    )
    group_name = forms.CharField(label="村(居)民小组", max_length=40, required=False)
    reason = forms.CharField(
        label="更正理由", max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )
    basis = forms.CharField(
        label="更正依据（选填）",
        max_length=200,
        required=False,
        help_text="如选举委员会会议记录、户籍证明等文书名称和编号。",
    )

    def __init__(self, *args, election, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["registration"]
        field.queryset = election.registrations.select_related("person").order_by(
            "-is_active", "person__name", "pk"
        )
        field.label_from_instance = lambda r: (
            f"{r.person.name}（{r.person.id_number_masked}）" + ("" if r.is_active else "，已移出")
        )


class ObjectionAnswerForm(Form):
    outcome = forms.ChoiceField(
        label="处理结果",
        choices=[
            (VoterObjection.Outcome.UPHELD, "异议成立"),
            (VoterObjection.Outcome.REJECTED, "异议不成立"),
        ],
        widget=forms.RadioSelect,
    )
    answered_on = forms.DateField(label="答复日期", widget=DATE)
    answer = forms.CharField(label="答复意见", widget=forms.Textarea(attrs={"rows": 3}))


class ProxyForm(Form):
    principal = forms.ModelChoiceField(
        label="委托人", queryset=VoterRegistration.objects.none(), empty_label="请选择"
    )
    holder = forms.ModelChoiceField(
        label="受委托人", queryset=VoterRegistration.objects.none(), empty_label="请选择"
    )
    relation = forms.ChoiceField(
        label="受委托人是委托人的", choices=[("", "请选择")] + VoterProxy.Relation.choices
    )
    written_on = forms.DateField(label="书面委托日期", widget=DATE)

    def __init__(self, *args, election, **kwargs):
        super().__init__(*args, **kwargs)
        voters = (
            election.registrations.filter(is_active=True)
            .select_related("person")
            .order_by("group_name", "person__name")
        )
        for key in ("principal", "holder"):
            self.fields[key].queryset = voters
            self.fields[key].label_from_instance = lambda r: (
                f"{r.person.name}（{r.person.id_number_masked}）"
                + (f" · {r.group_name}" if r.group_name else "")
            )


# --- The vote: nominations, officials and boxes, recall -----------------------------------------


class VoterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person):
        return f"{person.name}（{person.get_sex_display()}，{person.birth_date:%Y}年生）"


def _voters(election):
    return Person.objects.filter(
        voter_registrations__election=election, voter_registrations__is_active=True
    ).order_by("name", "id")


class NominationForm(Form):
    post = forms.ChoiceField(label="职位")
    person = VoterChoiceField(label="被提名人（登记选民）", queryset=Person.objects.none())
    nominators = forms.IntegerField(label="提名人数", min_value=1, max_value=100000)
    source = forms.ChoiceField(label="提名方式", choices=VillagersNomination.Source.choices)
    education = forms.ChoiceField(
        label="学历",
        required=False,
        choices=[("", "请选择")] + Education.choices,
        help_text="选民名单不登记学历：被提名人的学历尚未登记的须填写，用于统计班子结构。",
    )
    relatives = forms.CharField(
        label="近亲属",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一人：姓名、关系（如配偶、父亲、儿子）、公民身份号码，用空格隔开。"
        "近亲属不得担任监票人、计票人、记录人，也不得担任村(居)务监督委员会成员。",
    )

    def __init__(self, *args, election, posts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].choices = [(p, VillagersPost(p).label) for p in posts]
        self.fields["person"].queryset = _voters(election)


class OfficialForm(Form):
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


class BoxForm(Form):
    kind = forms.ChoiceField(label="类型", choices=BallotBox.Kind.choices)
    name = forms.CharField(label="名称", max_length=40)


class RecallForm(Form):
    member = forms.ModelChoiceField(label="被罢免成员", queryset=None)
    signatures = forms.IntegerField(label="联名选民人数", min_value=0)
    reason = forms.CharField(label="罢免理由", max_length=300)
    proposed_on = forms.DateField(label="提出日期", widget=DateInput())

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = lambda m: (
            f"{m.person.name}（{m.get_post_display()}）"
        )


class RecallVoteForm(Form):
    voted_on = forms.DateField(label="投票日期", widget=DateInput())
    registered = forms.IntegerField(label="登记选民人数", min_value=0)
    voted = forms.IntegerField(label="参加投票人数", min_value=0)
    in_favour = forms.IntegerField(label="赞成罢免票数", min_value=0)


class BallotSetupForm(Form):
    mode = forms.ChoiceField(label="计票方式", choices=VillagersBallotSetup.Mode.choices)
    deputy_seats = forms.IntegerField(label="副主任职数", min_value=0, max_value=3)
