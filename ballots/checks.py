"""The tally checks: every figure a clerk types is checked here, and each problem is a
finding with a stable code (F.1xx refuses the save; W.2xx/W.3xx warns and is saved once the
clerk acknowledges it with a reason). Pure: figures and the catalogue in, findings out.

The catalogue maps a code to its severity and text (the TallyCheck table, edited in the
admin; ballots/check_catalogue.py ships it); the text's {placeholders} take the figures.
"""

import hashlib
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

REFUSE, WARN = "F", "W"


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    text: str

    @property
    def message(self) -> str:
        return f"{self.code} {self.text}"

    @property
    def key(self) -> str:
        """Names this finding in the acknowledgement form; other figures give another key,
        so an acknowledgement never carries over to numbers the clerk has not seen."""
        return self.code.replace(".", "") + "-" + hashlib.sha1(self.text.encode()).hexdigest()[:8]

    @property
    def reason_field(self) -> str:
        return f"reason-{self.key}"

    @property
    def refuses(self) -> bool:
        return self.severity == REFUSE


Catalogue = Mapping[str, tuple[str, str]]  # code → (severity, text with {placeholders})


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


class _Findings(list):
    def __init__(self, catalogue: Catalogue):
        super().__init__()
        self.catalogue = catalogue

    def add(self, code: str, **values) -> None:
        severity, text = self.catalogue[code]
        try:
            filled = text.format(**values)
        except (KeyError, IndexError, ValueError):
            filled = text
        self.append(Finding(code, severity, filled))


@dataclass(frozen=True)
class Reconciliation:
    """The ballot count the scrutineers sign: all optional (blank = not counted)."""

    printed: int | None = None
    spoiled: int | None = None
    unused: int | None = None
    receipts: int | None = None  # 领票登记 (register marks or attendance signatures)
    proxies_used: int | None = None

    def as_dict(self) -> dict:
        return {
            k: getattr(self, k)
            for k in ("printed", "spoiled", "unused", "receipts", "proxies_used")
        }


def _ballots(
    out: _Findings, *, issued: int, returned: int, invalid: int, void_if_over: bool = False
) -> None:
    if returned > issued and not void_if_over:
        out.add("F.101", returned=returned, issued=issued)
    if invalid > returned:
        out.add("F.103", invalid=invalid, returned=returned)


def _reconcile(out: _Findings, *, issued: int, rec: Reconciliation, registered: int | None) -> None:
    if rec.printed is not None:
        spoiled, unused = rec.spoiled or 0, rec.unused or 0
        total = issued + spoiled + unused
        if total != rec.printed:
            out.add(
                "F.111",
                issued=issued,
                spoiled=spoiled,
                unused=unused,
                total=total,
                printed=rec.printed,
            )
    if registered is not None and registered != issued:
        out.add("W.301", issued=issued, registered=registered)


def _write_ins_above(out: _Findings, *, votes: Mapping[str, int], printed: Sequence[str]) -> None:
    """A name written in that beat a printed candidate: possible, but worth a second look."""
    shown = [(votes.get(n, 0), n) for n in printed]
    if not shown:
        return
    low, low_name = min(shown, key=lambda p: (p[0], p[1]))
    for name, n in sorted(votes.items()):
        if name not in printed and n > low:
            out.add("W.202", name=name, votes=n, candidate=low_name, candidate_votes=low)


@dataclass(frozen=True)
class CongressRound:
    issued: int
    returned: int
    invalid: int
    for_: Mapping[str, int]
    against: Mapping[str, int]
    abstain: Mapping[str, int]
    candidates: Sequence[str]
    seats: int
    present: int
    plenary_members: int | None = None  # set when the committee's plenary elects officers
    per_ballot: bool = False  # 逐张录入: for + against + abstain is complete by construction
    reconciliation: Reconciliation = field(default_factory=Reconciliation)


def congress_round(f: CongressRound, catalogue: Catalogue) -> list[Finding]:
    out = _Findings(catalogue)
    if f.plenary_members is not None and f.issued > f.plenary_members:
        out.add("F.107", issued=f.issued, members=f.plenary_members)
    if f.issued > f.present:
        out.add("F.104", issued=f.issued, present=f.present)
    _ballots(out, issued=f.issued, returned=f.returned, invalid=f.invalid, void_if_over=True)
    valid = f.returned - f.invalid
    printed = set(f.candidates)
    total_for = 0
    for name in sorted(set(f.for_) | set(f.against) | set(f.abstain)):
        yes, no, blank = f.for_.get(name, 0), f.against.get(name, 0), f.abstain.get(name, 0)
        total_for += yes
        if (name in printed and yes + no + blank > valid) or (name not in printed and yes > valid):
            out.add("F.102", name=name, votes=yes + no + blank, valid=valid)
        if name not in printed and (no or blank):
            out.add("F.106", name=name)
    if total_for > valid * f.seats:
        out.add("F.105", post="", total=total_for, valid=valid, seats=f.seats)
    if not f.per_ballot:
        for name in f.candidates:
            yes, no, blank = f.for_.get(name, 0), f.against.get(name, 0), f.abstain.get(name, 0)
            if yes + no + blank < valid:
                out.add(
                    "W.201",
                    name=name,
                    for_=yes,
                    against=no,
                    abstain=blank,
                    total=yes + no + blank,
                    valid=valid,
                )
    _write_ins_above(out, votes=f.for_, printed=f.candidates)
    _reconcile(
        out,
        issued=f.issued,
        rec=f.reconciliation,
        registered=f.present if f.plenary_members is None else None,
    )
    return list(out)


@dataclass(frozen=True)
class VillagersCount:
    """One box (or a later round of one post): votes per post label → name → votes."""

    issued: int
    returned: int
    invalid: int
    votes: Mapping[str, Mapping[str, int]]  # post label → name → votes
    candidates: Mapping[str, Sequence[str]]  # post label → printed names
    seats: Mapping[str, int]  # post label → seats
    combined_posts: Sequence[str] = ()  # post labels one ballot may not repeat a name across
    taken: frozenset = frozenset()  # names already elected (later rounds)
    registered: int | None = None  # registered voters (later rounds: present must not exceed)
    present: int | None = None
    mobile: bool = False
    proxies_registered: int | None = None
    reconciliation: Reconciliation = field(default_factory=Reconciliation)


def villagers_count(f: VillagersCount, catalogue: Catalogue) -> list[Finding]:
    out = _Findings(catalogue)
    if f.registered is not None and f.present is not None and f.present > f.registered:
        out.add("F.110", present=f.present, registered=f.registered)
    _ballots(out, issued=f.issued, returned=f.returned, invalid=f.invalid)
    valid = f.returned - f.invalid
    for name in sorted({n for tally in f.votes.values() for n in tally} & set(f.taken)):
        out.add("F.109", name=name)
    for post, tally in f.votes.items():
        for name, n in tally.items():
            if n > valid:
                out.add("F.102", name=f"{post}{name}", votes=n, valid=valid)
        total = sum(tally.values())
        if total > valid * f.seats[post]:
            out.add("F.105", post=post, total=total, valid=valid, seats=f.seats[post])
    per_name: dict[str, int] = {}
    for post in f.combined_posts:
        for name, n in f.votes.get(post, {}).items():
            per_name[name] = per_name.get(name, 0) + n
    for name, n in sorted(per_name.items()):
        if n > valid:
            out.add("F.108", name=name, votes=n, valid=valid)
    for post, tally in f.votes.items():
        _write_ins_above(out, votes=tally, printed=f.candidates.get(post, ()))
    rec = f.reconciliation
    _reconcile(out, issued=f.issued, rec=rec, registered=rec.receipts)
    if (
        f.proxies_registered is not None
        and rec.proxies_used is not None
        and rec.proxies_used > f.proxies_registered
    ):
        out.add("W.302", used=rec.proxies_used, registered=f.proxies_registered)
    if f.mobile and f.returned < f.issued:
        out.add("W.303", returned=f.returned, issued=f.issued)
    return list(out)


def villagers_summed(*, issued: int, registered: int, catalogue: Catalogue) -> list[Finding]:
    """All boxes together, before they are counted."""
    out = _Findings(catalogue)
    if issued > registered:
        out.add("F.112", issued=issued, registered=registered)
    return list(out)


def refused(findings: Sequence[Finding]) -> list[Finding]:
    return [f for f in findings if f.refuses]


def unacknowledged(
    findings: Sequence[Finding], acknowledgements: Mapping[str, str]
) -> list[Finding]:
    """The warnings still waiting for a reason."""
    return [
        f for f in findings if not f.refuses and not (acknowledgements.get(f.key) or "").strip()
    ]


class AcknowledgeAll(dict):
    """For scripted entry (demo data, tests): every warning acknowledged with one reason."""

    def __init__(self, reason: str):
        super().__init__()
        self.reason = reason

    def get(self, key, default=None):
        return self.reason

    def __bool__(self):
        return True


_SHOWN = {"name": "某人", "candidate": "某候选人", "post": ""}


def shown_text(text: str) -> str:
    """The text as the list of checks prints it: names as 某人, figures as N."""
    out = []
    for literal, name, _, _ in string.Formatter().parse(text):
        out.append(literal)
        if name:
            out.append(_SHOWN.get(name, "N"))
    return "".join(out)
