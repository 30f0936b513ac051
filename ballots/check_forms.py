"""What the tally forms share around the coded checks: the reconciliation fields the
scrutineers sign and the clerk's acknowledgements of warnings. Pure, no database."""

from ballots.checks import Reconciliation
from ballots.congress.entry import read_count

RECONCILIATION_LABELS = (
    ("printed", "印制选票"),
    ("spoiled", "作废选票"),
    ("unused", "未使用选票"),
    ("receipts", "领票登记人数"),
    ("proxies_used", "使用委托投票"),
)


def parse_reconciliation(post, problems: list[str]) -> Reconciliation:
    """The ballot count the scrutineers sign; a blank field was not counted (None)."""
    values = {}
    for key, label in RECONCILIATION_LABELS:
        raw = (post.get(f"rec-{key}") or "").strip()
        values[key] = read_count(raw, label, problems) if raw else None
    return Reconciliation(**values)


def parse_acknowledgements(post) -> tuple[dict[str, str], list[str]]:
    """Ticked warnings (ack = finding key) and their reasons; a tick without a reason is a
    problem, so the clerk is asked again rather than saving an empty explanation."""
    acks, problems = {}, []
    for key in post.getlist("ack") if hasattr(post, "getlist") else post.get("ack", []):
        reason = (post.get(f"reason-{key}") or "").strip()
        if reason:
            acks[key] = reason
        else:
            problems.append("已勾选的核对提示须填写理由。")
    return acks, sorted(set(problems))
