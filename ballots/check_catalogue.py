"""The tally checks as shipped: one row per rule, with a stable code, a severity and a
Chinese text whose {placeholders} the check engine (ballots/checks.py) fills with figures.

The rows are loaded into the TallyCheck table by a data migration and by the test fixtures
(after a flush); administrators may then reword a text or change a severity, never a code.

A row's ``villagers_text`` words the rule for the villagers' ballot where its choices differ
from the party congress ballot's (赞成 / 反对 / 弃权 there, a mark per name here).
"""

import datetime

from renewal.models.base import DomainError

VERSION = "2026.2"
EFFECTIVE_FROM = datetime.date(2026, 1, 1)

PARTY = "《中国共产党基层组织选举工作条例》（2020）第二十六条至第二十九条"
VILLAGERS = "《中华人民共和国村民委员会组织法》第十五条、本省村民委员会选举办法"
RECONCILE = "选票清点核对（印制、发出、收回、作废、未用逐项核对，监票人、计票人签字）"

BOTH, CONGRESS, VILLAGERS_ONLY = "both", "congress", "villagers"

CHECKS = [
    {
        "code": "F.101",
        "severity": "F",
        # At a party congress more ballots back than issued is an outcome, not a typing
        # error: the counting engine records the vote as void and opens the re-vote.
        "applies_to": VILLAGERS_ONLY,
        "text": "收回票数（{returned}）多于发出票数（{issued}）",
        "source": PARTY,
    },
    {
        "code": "F.102",
        "severity": "F",
        "applies_to": BOTH,
        "text": "{name}得票（含反对、弃权，合计 {votes}）多于有效票（{valid}）",
        # A villagers' ballot has no 反对 / 弃权: the figure is the votes for the name.
        "villagers_text": "{name}得票（{votes}）多于有效票（{valid}）",
        "source": PARTY,
    },
    {
        "code": "F.103",
        "severity": "F",
        "applies_to": BOTH,
        "text": "废票（{invalid}）多于收回票数（{returned}）",
        "source": PARTY,
    },
    {
        "code": "F.104",
        "severity": "F",
        "applies_to": CONGRESS,
        "text": "发出票数（{issued}）多于实到会有选举权人数（{present}）",
        "source": PARTY,
    },
    {
        "code": "F.105",
        "severity": "F",
        "applies_to": BOTH,
        "text": "{post}赞成票合计（{total}）多于有效票（{valid}）× 应选人数（{seats}）",
        "source": PARTY,
    },
    {
        "code": "F.106",
        "severity": "F",
        "applies_to": CONGRESS,
        "text": "另选他人“{name}”只能登记赞成票",
        "source": PARTY,
    },
    {
        "code": "F.107",
        "severity": "F",
        "applies_to": CONGRESS,
        "text": "书记、副书记由委员会全体会议选举，发出票数（{issued}）多于新当选委员人数（{members}）",
        "source": PARTY,
    },
    {
        "code": "F.108",
        "severity": "F",
        "applies_to": VILLAGERS_ONLY,
        "text": "{name}在主任、副主任、委员栏得票合计（{votes}）多于有效票（{valid}），"
        "同一张选票不能把同一人填在两个职位上",
        "source": VILLAGERS,
    },
    {
        "code": "F.109",
        "severity": "F",
        "applies_to": VILLAGERS_ONLY,
        "text": "{name}已当选，不能再计入本轮得票",
        "source": VILLAGERS,
    },
    {
        "code": "F.110",
        "severity": "F",
        "applies_to": VILLAGERS_ONLY,
        "text": "参加投票人数（{present}）多于登记选民人数（{registered}）",
        "source": VILLAGERS,
    },
    {
        "code": "F.111",
        "severity": "F",
        "applies_to": BOTH,
        "text": "发出（{issued}）、作废（{spoiled}）、未用（{unused}）合计 {total}，"
        "与印制票数（{printed}）不符",
        "source": RECONCILE,
    },
    {
        "code": "F.112",
        "severity": "F",
        "applies_to": VILLAGERS_ONLY,
        "text": "各投票点发出票数合计（{issued}）多于登记选民人数（{registered}）",
        "source": VILLAGERS,
    },
    {
        "code": "W.201",
        "severity": "W",
        "applies_to": CONGRESS,
        "text": "{name}赞成（{for_}）、反对（{against}）、弃权（{abstain}）之和（{total}）"
        "少于有效票（{valid}），请核对计票单是否漏记",
        "source": PARTY,
    },
    {
        "code": "W.202",
        "severity": "W",
        "applies_to": BOTH,
        "text": "另选他人“{name}”得票（{votes}）超过候选人{candidate}（{candidate_votes}）",
        "source": RECONCILE,
    },
    {
        "code": "W.301",
        "severity": "W",
        "applies_to": BOTH,
        "text": "发出票数（{issued}）与到会/领票登记人数（{registered}）不符",
        "source": RECONCILE,
    },
    {
        "code": "W.302",
        "severity": "W",
        "applies_to": VILLAGERS_ONLY,
        "text": "使用委托投票（{used}）多于登记的委托投票（{registered}）",
        "source": VILLAGERS,
    },
    {
        "code": "W.303",
        "severity": "W",
        "applies_to": VILLAGERS_ONLY,
        "text": "流动票箱收回票数（{returned}）少于随箱发出票数（{issued}）",
        "source": RECONCILE,
    },
]


def load_tally_checks(model) -> None:
    """Write CHECKS into the TallyCheck table (the migration's model or the real one); a row
    already there by code is brought back to the shipped text, severity and version."""
    # An earlier migration's model lacks the columns added since.
    columns = {f.name for f in model._meta.get_fields()}
    for position, data in enumerate(CHECKS):
        wording = {"villagers_text": data.get("villagers_text", "")}
        model.objects.update_or_create(
            code=data["code"],
            defaults={
                **{k: v for k, v in wording.items() if k in columns},
                "severity": data["severity"],
                "applies_to": data["applies_to"],
                "text": data["text"],
                "source": data["source"],
                "version": VERSION,
                "effective_from": EFFECTIVE_FROM,
                "position": position,
            },
        )


# --- In force, and what the clerk answered --------------------------------------------------


def in_force(kind: str = CONGRESS) -> dict[str, tuple[str, str]]:
    """code → (severity, text) as administrators left them, worded for ``kind``
    (``congress`` or ``villagers``); a code missing from the table (a flushed test
    database) falls back to the shipped row."""
    from ballots.models import TallyCheck

    def shipped_text(c):
        return (c.get("villagers_text") if kind == VILLAGERS_ONLY else None) or c["text"]

    rules = {c["code"]: (c["severity"], shipped_text(c)) for c in CHECKS}
    rules.update({row.code: (row.severity, row.text_for(kind)) for row in TallyCheck.objects.all()})
    return rules


class TallyRefused(DomainError):
    """F findings: the figures cannot be saved as typed."""

    def __init__(self, findings):
        super().__init__("录入有误，未保存：" + "；".join(f.message for f in findings) + "。")
        self.findings = list(findings)


class TallyWarnings(DomainError):
    """W findings not yet acknowledged: each needs the clerk's reason before saving."""

    def __init__(self, findings):
        super().__init__(
            "请核对以下数字并逐条说明理由：" + "；".join(f.message for f in findings) + "。"
        )
        self.findings = list(findings)


def require_acknowledged(findings, acknowledgements) -> None:
    """Refuse on any F finding; ask again while a W finding lacks a reason."""
    from ballots import checks

    refused = checks.refused(findings)
    if refused:
        raise TallyRefused(refused)
    if checks.unacknowledged(findings, {} if acknowledgements is None else acknowledgements):
        raise TallyWarnings([f for f in findings if not f.refuses])


def acknowledgements_record(
    findings,
    acknowledgements,
    *,
    actor,
    rnd=None,
    box=None,
    vote_round=None,
    supervision_round=None,
) -> None:
    """Keep each acknowledged warning, its code and the reason, with the congress round, the
    villagers' box, the villagers' later round or the supervision committee's meeting round
    it was entered for."""
    from ballots.models import TallyAcknowledgement

    TallyAcknowledgement.objects.bulk_create(
        TallyAcknowledgement(
            round=rnd,
            box=box,
            vote_round=vote_round,
            supervision_round=supervision_round,
            code=f.code,
            text=f.text[:400],
            reason=((acknowledgements or {}).get(f.key) or "").strip()[:300],
            acknowledged_by=actor,
        )
        for f in findings
        if not f.refuses
    )
