"""Recompute the entry chain of the party congress rounds and report any broken link.

Exit codes: 0 every chain checked is whole, 1 at least one is broken (each named on
stderr), 2 the round asked for does not exist.
"""

from django.core.management.base import BaseCommand

from ballots.congress import services
from ballots.models import ElectionRound


class Command(BaseCommand):
    help = "核对党员大会各轮计票录入记录链：重新计算每条录入的校验值，报告断开之处。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--round", type=int, dest="round_id", help="只核对这一轮（轮次编号 ID）"
        )

    def handle(self, *args, round_id=None, **options):
        rounds = ElectionRound.objects.select_related("congress__unit").order_by("pk")
        if round_id is not None:
            rounds = rounds.filter(pk=round_id)
            if not rounds.exists():
                self.stderr.write(f"没有编号为 {round_id} 的选举轮次。")
                raise SystemExit(2)
        checked = broken = 0
        for rnd in rounds.filter(entries__isnull=False).distinct():
            verdict = services.round_chain(rnd)
            checked += 1
            if not verdict.intact:
                broken += 1
                why = (
                    "该条录入或其后的录入在保存后被改动过"
                    if verdict.broken_at is not None
                    else "本轮保存的计票数字在计票后被改动过"
                )
                self.stderr.write(
                    f"{rnd.congress.unit.name} {rnd}（轮次编号 {rnd.pk}）：{verdict.sentence}，{why}。"
                )
        if broken:
            self.stderr.write(f"共核对 {checked} 轮，{broken} 轮记录链断开。")
            raise SystemExit(1)
        self.stdout.write(f"共核对 {checked} 轮，记录链均完整。")
