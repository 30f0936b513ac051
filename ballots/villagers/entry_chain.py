"""The villagers' election's chain of tally entries (``ballots.chain``): every box count and
every later round's totals and every supervision committee meeting's totals, as typed, appended in the order they were saved.

The counting services call ``entry_append`` inside their transaction, holding the
election's lock or the row lock of what they save; ``election_chain`` recomputes the
chain and checks that each box and each later round still holds the figures of its
latest entry, and that the chain ends where the election's chain head says.
"""

from __future__ import annotations

from django.utils import timezone

from ballots import chain, chain_heads
from ballots.models import (
    BallotBox,
    SupervisionRound,
    VillagersElection,
    VillagersRound,
    VillagersTallyEntry,
)
from ballots.record import canonical_json


def box_figures(box: BallotBox) -> dict:
    return {
        "ballots_issued": box.ballots_issued,
        "ballots_returned": box.ballots_returned,
        "ballots_invalid": box.ballots_invalid,
        "votes": box.votes,
    }


def round_figures(rnd: VillagersRound | SupervisionRound) -> dict:
    return {"present": rnd.present, "totals": rnd.totals}


def entry_append(
    *,
    election: VillagersElection,
    actor,
    figures: dict,
    box: BallotBox | None = None,
    vote_round: VillagersRound | None = None,
    supervision_round: SupervisionRound | None = None,
) -> VillagersTallyEntry:
    # Serialise appends per election: two boxes saved at once must not both follow the
    # same entry. The row locks are held until the caller's transaction ends.
    VillagersElection.objects.select_for_update().filter(pk=election.pk).values("pk").first()
    head = chain_heads.head_locked(
        VillagersTallyEntry.objects.filter(election=election), villagers_election=election
    )
    entry = VillagersTallyEntry(
        election=election,
        box=box,
        vote_round=vote_round,
        supervision_round=supervision_round,
        figures=figures,
        entered_by=actor,
        entered_at=timezone.now(),
        prev_hash=head.head_hash,
    )
    entry.entry_hash = chain.entry_hash(
        entry.prev_hash, figures=figures, entered_by=actor.pk, entered_at=entry.entered_at
    )
    entry.save()
    chain_heads.head_advance(head, entry.entry_hash)
    return entry


def election_chain(election: VillagersElection) -> chain.ChainVerdict:
    entries = list(election.tally_entries.order_by("entered_at", "id"))
    verdict = chain.check_chain(
        (
            chain.Link(
                prev_hash=e.prev_hash,
                entry_hash=e.entry_hash,
                figures=e.figures,
                entered_by=e.entered_by_id,
                entered_at=e.entered_at,
            )
            for e in entries
        ),
        head=chain_heads.head_of(villagers_election=election),
    )
    if not verdict.intact:
        return verdict
    latest: dict[tuple[str, int], dict] = {}
    for e in entries:
        if e.box_id:
            key = ("box", e.box_id)
        elif e.supervision_round_id:
            key = ("supervision", e.supervision_round_id)
        else:
            key = ("round", e.vote_round_id)
        latest[key] = e.figures
    # What was saved as typed from paper: entered boxes, counted later rounds and meetings
    # (a first round is counted from its boxes); each must be its own last entry.
    counted = VillagersRound.Status.COUNTED
    stored = {
        ("box", b.pk): box_figures(b) for b in election.boxes.filter(entered_at__isnull=False)
    }
    stored |= {
        ("round", r.pk): round_figures(r)
        for r in election.vote_rounds.filter(status=counted).exclude(
            round_type=VillagersRound.RoundType.FIRST
        )
    }
    stored |= {
        ("supervision", r.pk): round_figures(r)
        for r in SupervisionRound.objects.filter(election__villagers=election, status=counted)
    }
    differs = any(
        key not in latest or canonical_json(figures) != canonical_json(latest[key])
        for key, figures in stored.items()
    )
    return chain.ChainVerdict(entries=verdict.entries, broken_at=None, counted_differs=differs)
