"""The villagers' tally sheets as the printing module draws them: one per box, and the
combined tally of one round (all boxes summed for a first vote; a later vote's own totals).
Loads what was entered and builds the pure ``VillagersTallySpec``; figures not yet entered
print as lines to fill in by hand."""

from __future__ import annotations

from collections.abc import Sequence

from ballots.congress import printing
from ballots.models import BallotBox, VillagersPost, VillagersRound
from ballots.villagers import vote as vv


def _valid(returned: int | None, invalid: int | None) -> int | None:
    return None if returned is None or invalid is None else returned - invalid


def _sum(values: Sequence[int | None]) -> int | None:
    return None if not values or any(v is None for v in values) else sum(values)


def _heading(election) -> str:
    return f"{election.unit.name}{election.committee_name}选举"


def box_sheet(box: BallotBox) -> printing.VillagersTallySpec:
    election = box.election
    formal = vv.formal_candidates(election)
    mobile = box.kind == BallotBox.Kind.MOBILE
    registered = vv.registered_voters(election).count()
    return printing.VillagersTallySpec(
        title=f"{_heading(election)} {box.get_kind_display()}（{box.name}）计票单",
        subtitle=f"登记选民 {registered} 人　本投票点发出选票 "
        f"{printing.BLANK if box.ballots_issued is None else box.ballots_issued} 张",
        sections=[
            printing.TallySection(
                label=VillagersPost(post).label,
                seats=seats,
                candidates=formal.get(post, []),
                votes=(box.votes or {}).get(post, {}),
            )
            for post, seats in vv.seats_by_post(election).items()
        ],
        count=printing.BallotCount(
            issued=box.ballots_issued,
            receipts=box.ballot_receipts,
            receipts_label="领票登记",
            printed=box.ballots_printed,
            printed_label="随箱领取选票" if mobile else "印制（领取）选票",
            spoiled=box.ballots_spoiled,
            unused=box.ballots_unused,
            returned=box.ballots_returned,
            valid=_valid(box.ballots_returned, box.ballots_invalid),
            invalid=box.ballots_invalid,
            show_proxies=True,
            proxies_used=box.proxies_used,
            show_mobile=mobile,
            mobile_issued=box.ballots_issued if mobile else None,
            mobile_returned=box.ballots_returned if mobile else None,
        ),
        present=box.ballots_issued or box.ballot_receipts or registered,
    )


def _box_row(box: BallotBox) -> printing.BoxCountRow:
    return printing.BoxCountRow(
        name=f"{box.get_kind_display()}：{box.name}",
        printed=box.ballots_printed,
        issued=box.ballots_issued,
        returned=box.ballots_returned,
        invalid=box.ballots_invalid,
        spoiled=box.ballots_spoiled,
        unused=box.ballots_unused,
        receipts=box.ballot_receipts,
        proxies_used=box.proxies_used,
    )


def round_sheet(rnd: VillagersRound) -> printing.VillagersTallySpec:
    """A first vote's round sums every box (a row per box); a later vote (re-vote, 另行选举)
    is counted on its own, its ballot count filled in by hand where not entered."""
    election = rnd.election
    totals = rnd.totals or {}
    returned, invalid = totals.get("returned"), totals.get("invalid")
    section = printing.TallySection(
        label=VillagersPost(rnd.post).label,
        seats=rnd.seats,
        candidates=list(rnd.candidates),
        votes=dict(totals.get("for") or {}),
    )
    registered = rnd.expected or vv.registered_voters(election).count()
    issued = rnd.ballots_issued
    subtitle = f"{rnd}　登记选民 {registered} 人　应选 {rnd.seats} 名"
    if rnd.round_type != VillagersRound.RoundType.FIRST:
        return printing.VillagersTallySpec(
            title=f"{_heading(election)} 第{rnd.number}轮计票单",
            subtitle=subtitle,
            sections=[section],
            count=printing.BallotCount(
                issued=issued,
                receipts=rnd.ballot_receipts,
                receipts_label="领票登记",
                printed=rnd.ballots_printed,
                printed_label="印制（领取）选票",
                spoiled=rnd.ballots_spoiled,
                unused=rnd.ballots_unused,
                returned=returned,
                valid=_valid(returned, invalid),
                invalid=invalid,
                show_proxies=True,
                proxies_used=rnd.proxies_used,
                show_mobile=True,
            ),
            present=issued or registered,
        )
    boxes = list(election.boxes.all())
    moving = [b for b in boxes if b.kind == BallotBox.Kind.MOBILE]
    return printing.VillagersTallySpec(
        title=f"{_heading(election)} 第{rnd.number}轮汇总计票单",
        subtitle=subtitle,
        sections=[section],
        boxes=[_box_row(b) for b in boxes],
        count=printing.BallotCount(
            issued=_sum([b.ballots_issued for b in boxes]),
            receipts=_sum([b.ballot_receipts for b in boxes]),
            receipts_label="领票登记",
            printed=_sum([b.ballots_printed for b in boxes]),
            printed_label="印制（领取）选票",
            spoiled=_sum([b.ballots_spoiled for b in boxes]),
            unused=_sum([b.ballots_unused for b in boxes]),
            returned=_sum([b.ballots_returned for b in boxes]),
            valid=_valid(
                _sum([b.ballots_returned for b in boxes]),
                _sum([b.ballots_invalid for b in boxes]),
            ),
            invalid=_sum([b.ballots_invalid for b in boxes]),
            show_proxies=True,
            proxies_used=_sum([b.proxies_used for b in boxes]),
            show_mobile=bool(moving),
            mobile_issued=_sum([b.ballots_issued for b in moving]),
            mobile_returned=_sum([b.ballots_returned for b in moving]),
        ),
        present=issued or registered,
    )
