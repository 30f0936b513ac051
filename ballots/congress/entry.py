"""What tellers type, read into the counting engine's input: pure, no database.

Two ways of entering a round: the totals of the paper count (发出、收回、废票, each
candidate's for / against / abstain, write-ins), or one line per ballot (逐张录入).
Every problem is a Chinese sentence naming the field or ballot line, so the form can show
them all at once and keep what was typed.
"""

MAX_WRITE_INS = 5


def read_count(value, label, problems):
    """A typed count: blank is 0; anything but digits is a problem named by its label."""
    value = (value or "").strip()
    if value == "":
        return 0
    if not value.isdecimal():
        problems.append(f"{label}应为非负整数，当前填写为“{value}”。")
        return 0
    return int(value)


def parse_totals(candidates: list[str], post) -> tuple[int, dict, list[str]]:
    """The paper-count form (any mapping of its fields) → (ballots_issued, totals, problems)."""
    problems = []
    issued = read_count(post.get("ballots_issued"), "发出选票", problems)
    totals = {
        "returned": read_count(post.get("returned"), "收回选票", problems),
        "invalid": read_count(post.get("invalid"), "废票", problems),
        "for": {},
        "against": {},
        "abstain": {},
    }
    for i, name in enumerate(candidates):
        for key, label in (("for", "赞成"), ("against", "反对"), ("abstain", "弃权")):
            n = read_count(post.get(f"{key}-{i}"), f"{name}的{label}票", problems)
            if n:
                totals[key][name] = n
    for k in range(MAX_WRITE_INS):
        name = (post.get(f"wi-name-{k}") or "").strip()
        votes = read_count(post.get(f"wi-for-{k}"), f"另选他人第 {k + 1} 行的票数", problems)
        if name and name in candidates:
            problems.append(f"另选他人“{name}”是正式候选人，请在候选人一栏登记。")
        elif name and votes:
            totals["for"][name] = totals["for"].get(name, 0) + votes
        elif votes and not name:
            problems.append(f"另选他人第 {k + 1} 行填写了票数，但没有填写姓名。")
    return issued, totals, problems


FOR_MARKS, AGAINST_MARKS, ABSTAIN_MARKS = set("○oO〇0"), set("×xX"), set("-－空_")


def parse_ballot_lines(candidates: list[str], text: str) -> tuple[list[dict], list[str]]:
    """逐张录入: one line per ballot, one mark per printed candidate (in printed order):
    ○/o = 赞成, ×/x = 反对, -/空 = 弃权; then optional 另选:姓名[、姓名]. → (ballots, problems)."""
    ballots, problems = [], []
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        marks, _, write = line.partition("另选")
        marks = marks.replace(" ", "").replace("\t", "")
        if len(marks) != len(candidates):
            problems.append(
                f"第 {n} 张选票标记了 {len(marks)} 个符号，应为 {len(candidates)} 个"
                f"（每位候选人一个）。"
            )
            continue
        ballot = {"for": [], "against": [], "abstain": [], "write_in": []}
        for name, mark in zip(candidates, marks, strict=True):
            if mark in FOR_MARKS:
                ballot["for"].append(name)
            elif mark in AGAINST_MARKS:
                ballot["against"].append(name)
            elif mark in ABSTAIN_MARKS:
                ballot["abstain"].append(name)
            else:
                problems.append(f"第 {n} 张选票有无法识别的符号“{mark}”（可用 ○ o × x - 空）。")
        names = [w.strip() for w in write.lstrip(":：").replace(",", "、").split("、") if w.strip()]
        for name in names:
            if name in candidates:
                problems.append(f"第 {n} 张选票的另选他人“{name}”是候选人。")
            else:
                ballot["write_in"].append(name)
        ballots.append(ballot)
    if not ballots and not problems:
        problems.append("没有录入任何选票。")
    return ballots, problems
