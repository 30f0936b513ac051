"""Every action that cannot simply be taken back answers a confirmation page, and changes
nothing, until the POST carries confirmed=1 (renewal/kit/confirmation.py). On the permission
matrix's world, as a persona who may act."""

import pytest

from ballots.models import (
    Congress,
    Scrutineer,
    VillagersBallotSetup,
    VillagersNomination,
    VoteOfficial,
    VoterProxy,
)
from candidates.models import Candidacy
from discipline.models import Informant
from renewal.models import RiskPoint, RollupRun
from tests.test_permission_matrix import MATRIX, log_in, matrix, shared_world  # noqa: F401


def _row(name):
    """The matrix row's path and data, the data without its confirmation."""
    _method, build, data, _expected = MATRIX[name]

    def path_and_data(world, extras):
        fields = data(world, extras) if callable(data) else dict(data)
        fields.pop("confirmed", None)
        return build(world, extras), fields

    return path_and_data


def _disqualify(world, extras):
    return f"/candidates/{extras['candidacy'].pk}/disqualify/", {"reason": "不符合任职条件"}


def _refuse(world, extras):
    candidacy = extras["candidacy"]
    fields = {"candidacy": candidacy.pk, "decision": "refuse", "note": "不愿签"}
    return f"/discipline/units/{candidacy.unit_id}/pledge/", fields


def _candidacy_status(world, extras):
    return Candidacy.objects.get(pk=extras["candidacy"].pk).status


# action: (who may act, path and data, what the action would change, words on the page)
ACTIONS = {
    "取消资格": ("staff_a", _disqualify, _candidacy_status, "候选人资格"),
    "登记拒签": ("staff_a", _refuse, _candidacy_status, "拒签换届纪律承诺书"),
    "撤销提名": (
        "staff_a",
        _row("villagers:nomination-delete"),
        lambda w, x: VillagersNomination.objects.filter(pk=x["v_nomination"].pk).exists(),
        "提名",
    ),
    "批复": (
        "leader_a",
        _row("ballots:congress-approve"),
        lambda w, x: Congress.objects.values("status", "approved_at").get(pk=x["congress"].pk),
        "选举结果锁定",
    ),
    "确认选举结果": (
        "leader_a",
        _row("villagers:approve"),
        lambda w, x: list(
            VillagersBallotSetup.objects.filter(election=x["v_election"]).values("approved_at")
        ),
        "选举结果锁定",
    ),
    "生成日通报": (
        "reviewer",
        _row("rollup:run"),
        lambda w, x: list(RollupRun.objects.values_list("pk", "ran_at")),
        "当日日报锁定",
    ),
    "删除风险点": (
        "staff_a",
        _row("renewal:risk-delete"),
        lambda w, x: RiskPoint.objects.filter(pk=w["risk_a1"].pk).exists(),
        "删除后不能恢复",
    ),
    "取消监票人": (
        "staff_a",
        _row("ballots:scrutineer-remove"),
        lambda w, x: list(Scrutineer.objects.filter(congress=x["congress"]).values_list("pk")),
        "计票前须另行推选",
    ),
    "撤销委托投票": (
        "staff_a",
        _row("villagers:proxy-withdraw"),
        lambda w, x: VoterProxy.objects.filter(pk=x["proxy"].pk).exists(),
        "须重新登记书面委托",
    ),
    "民情直报员不在任": (
        "discipline",
        _row("discipline:informant-deactivate"),
        lambda w, x: Informant.objects.get(pk=x["informant"].pk).active,
        "设为不在任后不能恢复",
    ),
    "撤换工作人员": (
        "staff_a",
        _row("villagers:official-delete"),
        lambda w, x: VoteOfficial.objects.filter(pk=x["v_official"].pk).exists(),
        "不再担任",
    ),
}


@pytest.mark.parametrize("action", ACTIONS)
def test_an_unconfirmed_post_asks_and_changes_nothing(client, matrix, action):  # noqa: F811
    world, personas, extras = matrix
    persona, target, state, words = ACTIONS[action]
    log_in(client, personas, persona)
    path, fields = target(world, extras)
    before = state(world, extras)

    response = client.post(path, fields)

    assert response.status_code == 200, action
    page = response.content.decode()
    assert words in page
    assert f'action="{path}"' in page
    assert 'name="confirmed" value="1"' in page
    for name, value in fields.items():  # the 确认 button posts the same fields again
        assert f'name="{name}" value="{value}"' in page
    assert "返回" in page
    assert state(world, extras) == before

    assert client.post(path, {**fields, "confirmed": "1"}).status_code == 302
