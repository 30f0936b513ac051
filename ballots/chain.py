"""The entry chain: each stored tally entry of a round carries the hash of the entry before
it, so that changing any stored entry afterwards (in the database, by hand) breaks every
link from there on, and ``check_ballot_chain`` or the round page says where.

Pure: plain values in, hex digests out; no ORM, no settings.

    entry_hash = SHA-256( prev_hash (ASCII hex, "" for the first entry)
                          + canonical JSON of {"figures": …, "entered_by": id,
                                               "entered_at": ISO 8601 in UTC} )

The chain's owner (the round, or the villagers' election) keeps its head: the last entry's
hash and the number of entries (``EntryChainHead``), written with every append. The entries
alone cannot show that the last one was deleted; the head can, and the next entry is
chained to the head, not to whatever entry happens to be last in the table.

``figures`` are what the teller typed (``entry_figures``): ``ballots_issued``, ``totals``
and ``ballots``, the one not used being ``null``. The canonical JSON is ``ballots.record.canonical_json`` (sorted keys, no
whitespace, UTF-8), the same as for a ballot record's hash.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ballots.record import canonical_json


def entry_figures(*, ballots_issued: int, totals, ballots) -> dict:
    """What the teller typed; the form not used is ``None`` (``null``)."""
    return {"ballots_issued": ballots_issued, "totals": totals, "ballots": ballots}


def entry_payload(*, figures: Mapping, entered_by: int, entered_at: datetime.datetime) -> dict:
    when = entered_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    return {"figures": dict(figures), "entered_by": entered_by, "entered_at": when}


def entry_hash(
    prev_hash: str, *, figures: Mapping, entered_by: int, entered_at: datetime.datetime
) -> str:
    payload = entry_payload(figures=figures, entered_by=entered_by, entered_at=entered_at)
    return hashlib.sha256(prev_hash.encode("ascii") + canonical_json(payload)).hexdigest()


@dataclass(frozen=True)
class Link:
    """One stored entry as the chain sees it."""

    prev_hash: str
    entry_hash: str
    figures: Mapping
    entered_by: int
    entered_at: datetime.datetime


@dataclass(frozen=True)
class Head:
    """What the chain's owner recorded at the last append."""

    head_hash: str
    length: int


@dataclass(frozen=True)
class ChainVerdict:
    entries: int
    broken_at: int | None  # 1-based position of the first entry that does not check out
    # The chain holds, but the figures stored for counting are not those last entered.
    counted_differs: bool = False
    # The entries hold together, but they do not end where the owner's head says: entries
    # were deleted from the end (or the last one replaced). ``expected`` is the head's count.
    head_differs: bool = False
    expected: int | None = None

    @property
    def intact(self) -> bool:
        return self.broken_at is None and not self.counted_differs and not self.head_differs

    @property
    def sentence(self) -> str:
        if self.broken_at is not None:
            return f"记录链在第 {self.broken_at} 条处断开"
        if self.head_differs and self.expected != self.entries:
            return f"记录链末尾的录入缺失：应有 {self.expected} 条，现存 {self.entries} 条"
        if self.head_differs:
            return "记录链最后一条录入与保存时不一致"
        if self.counted_differs and not self.entries:
            return "已保存计票结果，但没有任何录入记录"
        if self.counted_differs:
            return "记录链完整，但保存的计票数字与最后一条录入不一致"
        return "记录链完整" if self.entries else "尚无录入记录"


def check_chain(
    links: Iterable[Link], *, counted_from: Mapping | None = None, head: Head | None = None
) -> ChainVerdict:
    """Walk the entries in the order they were saved; the first whose stored link to the
    one before, or whose own hash, does not match what its stored fields give. With
    ``counted_from`` (the figures the round's result was computed from), also that they
    are the last entry's; with ``head`` (the owner's record of the last append), that the
    chain ends where the head says."""
    previous = ""
    count = 0
    last = None
    for position, link in enumerate(links, start=1):
        last = link
        count = position
        expected = entry_hash(
            previous,
            figures=link.figures,
            entered_by=link.entered_by,
            entered_at=link.entered_at,
        )
        if link.prev_hash != previous or link.entry_hash != expected:
            return ChainVerdict(entries=position, broken_at=position)
        previous = link.entry_hash
    if head is not None and (head.head_hash, head.length) != (previous, count):
        return ChainVerdict(entries=count, broken_at=None, head_differs=True, expected=head.length)
    # A counted tally with no entry at all was not counted from the chain either.
    differs = counted_from is not None and (
        last is None or canonical_json(dict(counted_from)) != canonical_json(dict(last.figures))
    )
    return ChainVerdict(entries=count, broken_at=None, counted_differs=differs)
