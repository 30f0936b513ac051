"""Recompute the chains of tally entries and report any broken link: each party congress
round's entries, and each villagers' election's box counts and later rounds.

Exit codes: 0 every chain checked is whole, 1 at least one is broken (each named on
stderr), 2 the round or election asked for does not exist.
"""

from django.core.management.base import BaseCommand
from django.db.models import Q

from ballots.congress import services
from ballots.models import ElectionRound, VillagersElection, VillagersRound
from ballots.villagers import entry_chain


class Command(BaseCommand):
    help = "核对计票录入记录链：重新计算每条录入的校验值，报告断开之处。"

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--round", type=int, dest="round_id", help="只核对党员大会的这一轮（轮次编号）"
        )
        group.add_argument(
            "--villagers-election",
            type=int,
            dest="election_id",
            help="只核对这一次村(居)委会选举（选举编号）",
        )

    def handle(self, *args, round_id=None, election_id=None, **options):
        rounds = ElectionRound.objects.select_related("congress__unit").order_by("pk")
        elections = VillagersElection.objects.select_related("unit").order_by("pk")
        if round_id is not None:
            rounds, elections = rounds.filter(pk=round_id), elections.none()
            if not rounds.exists():
                self.stderr.write(f"没有编号为 {round_id} 的选举轮次。")
                raise SystemExit(2)
        if election_id is not None:
            rounds, elections = rounds.none(), elections.filter(pk=election_id)
            if not elections.exists():
                self.stderr.write(f"没有编号为 {election_id} 的村(居)委会选举。")
                raise SystemExit(2)
        checked, broken = 0, []
        # A chain whose every entry was deleted still has its head; a counted tally is checked
        # even when it has neither (its entries and head both gone).
        rounds = rounds.filter(
            Q(entries__isnull=False)
            | Q(chain_head__isnull=False)
            | Q(status=ElectionRound.Status.COUNTED)
        )
        elections = elections.filter(
            Q(tally_entries__isnull=False)
            | Q(chain_head__isnull=False)
            | Q(boxes__entered_at__isnull=False)
            | Q(supervision__rounds__status=VillagersRound.Status.COUNTED)
        )
        for rnd in rounds.distinct():
            checked += 1
            verdict = services.round_chain(rnd)
            if not verdict.intact:
                where = f"{rnd.congress.unit.name}党员大会{rnd}（轮次编号 {rnd.pk}）"
                broken.append((where, verdict))
        for election in elections.distinct():
            checked += 1
            verdict = entry_chain.election_chain(election)
            if not verdict.intact:
                where = f"{election.unit.name}村(居)委会选举（选举编号 {election.pk}）"
                broken.append((where, verdict))
        for where, verdict in broken:
            if verdict.broken_at is not None:
                why = "该条录入或其后的录入在保存后被改动过"
            elif verdict.head_differs or not verdict.entries:
                why = "最后的录入在保存后被删除或替换过"
            else:
                why = "保存的计票数字在录入后被改动过"
            self.stderr.write(f"{where}：{verdict.sentence}，{why}。")
        if broken:
            self.stderr.write(f"共核对 {checked} 条记录链，{len(broken)} 条断开。")
            raise SystemExit(1)
        self.stdout.write(f"共核对 {checked} 条记录链，均完整。")
