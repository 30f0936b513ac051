"""Where each entry chain's head is kept (``EntryChainHead``): read, locked and moved on
by the services that append an entry, in their transaction. See ``ballots.chain``."""

from __future__ import annotations

from ballots import chain
from ballots.models import EntryChainHead


def _owner(congress_round=None, villagers_election=None) -> dict:
    if (congress_round is None) == (villagers_election is None):
        raise ValueError("exactly one chain owner")
    if congress_round is not None:
        return {"congress_round_id": congress_round.pk}
    return {"villagers_election_id": villagers_election.pk}


def head_locked(entries, *, congress_round=None, villagers_election=None) -> EntryChainHead:
    """The chain's head, locked until the caller's transaction ends. A chain begun before
    heads were kept gets its head from its stored ``entries`` (a queryset of them)."""
    owner = _owner(congress_round, villagers_election)
    head = EntryChainHead.objects.select_for_update().filter(**owner).first()
    if head is None:
        hashes = list(entries.order_by("entered_at", "id").values_list("entry_hash", flat=True))
        head = EntryChainHead.objects.create(
            **owner, head_hash=hashes[-1] if hashes else "", length=len(hashes)
        )
    return head


def head_advance(head: EntryChainHead, entry_hash: str) -> None:
    head.head_hash, head.length = entry_hash, head.length + 1
    head.save(update_fields=["head_hash", "length"])


def head_of(*, congress_round=None, villagers_election=None) -> chain.Head | None:
    """The head as stored, for the check; ``None`` for a chain with no head."""
    row = (
        EntryChainHead.objects.filter(**_owner(congress_round, villagers_election))
        .values_list("head_hash", "length")
        .first()
    )
    return None if row is None else chain.Head(head_hash=row[0], length=row[1])
