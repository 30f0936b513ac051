"""Long lists: the candidate list of a county reviewer, first, middle and last page.

Not part of `make bench`; run by hand on a benchmark database that has one county with many
candidacies:

    export DATABASE_URL=postgres://…/renewal_bench_lists DEBUG=1
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_demo --units 2000
    .venv/bin/python bin/bench_lists.py prepare            # every party member a candidacy
    .venv/bin/python bin/bench_lists.py pages --reps 20    # the timings, as a table

``prepare`` adds, in one statement each, a candidacy (党组织委员 人选) for every party member
of the seeded county's units and a 村委委员 人选 for every fifth of them, then VACUUM ANALYZE;
a re-run adds nothing. ``pages`` times, in this process with ``django.test.Client`` and
``DEBUG=False``, the reviewer ``zuzhibu``'s candidate list sorted by unit, name, age and status, first,
middle and last page (round robin after a warm-up) and prints median / p95 / max (ms), the
number of queries and the load average before and after. The database's name must contain
"bench": the script writes to it.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "bin"
for path in (str(ROOT), str(BIN)):
    if path not in sys.path:
        sys.path.insert(0, path)

import bench  # noqa: E402  (bin/ is not a package)

REVIEWER = "zuzhibu"
SORTS = ("unit", "name", "-birth_date", "status")


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    # force_login gives no second factor (as in bin/bench.py).
    os.environ["TWO_FACTOR_REQUIRED_ROLES"] = ""
    import django

    django.setup()
    from django.db import connection

    if "bench" not in connection.settings_dict["NAME"]:
        raise SystemExit("DATABASE_URL 须指向名称含 bench 的基准库（本脚本会写入数据）。")


def prepare() -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection

    reviewer = get_user_model().objects.get(username=REVIEWER)
    insert = """
        INSERT INTO candidates_candidacy (body, post, is_continuing, status, status_reason,
            inspection, notes, created_at, created_by_id, person_id, round_id, unit_id, outcome)
        SELECT %s, %s, false, 'preliminary', '', 'pending', '', now(), %s, m.person_id, r.id,
            b.unit_id, ''
        FROM renewal_partymember m
        JOIN renewal_partybranch b ON b.id = m.branch_id
        JOIN renewal_unit u ON u.id = b.unit_id
        JOIN renewal_renewalround r ON r.county_id = u.county_id AND r.is_active
        WHERE m.person_id %% %s = 0
        ON CONFLICT DO NOTHING
    """
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        for body, post, every in (
            ("party", "party_member", 1),
            ("villagers", "committee_member", 5),
        ):
            cursor.execute(insert, [body, post, reviewer.pk, every])
            print(f"{body}/{post}: {cursor.rowcount} 条新人选", flush=True)
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SELECT count(*) FROM candidates_candidacy")
        print(f"共 {cursor.fetchone()[0]} 条人选；用时 {time.perf_counter() - t0:.1f} 秒")


def pages(reps: int, warmup: int) -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from candidates.access import candidacies_visible_to

    settings.DEBUG = False
    load_before = bench.loadavg()
    user = get_user_model().objects.get(username=REVIEWER)
    client = Client()
    client.force_login(user)
    visible = candidacies_visible_to(user).count()
    last = max(1, -(-visible // settings.UNITS_PAGE_SIZE))
    paths = []
    for sort in SORTS:
        for label, number in (("首页", 1), ("中间页", (last + 1) // 2), ("末页", last)):
            paths.append(
                (f"{sort} {label}（第 {number} 页）", f"/candidates/?sort={sort}&page={number}")
            )
    for _label, path in paths:
        for _ in range(warmup):
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path} 返回 {response.status_code}")
    times = {path: [] for _label, path in paths}
    for _ in range(reps):
        for _label, path in paths:
            t0 = time.perf_counter()
            client.get(path)
            times[path].append((time.perf_counter() - t0) * 1000)
    print(
        f"县委组织部审核人员 {REVIEWER}：可见 {visible} 条人选，{last} 页（每页 {settings.UNITS_PAGE_SIZE} 条）"
    )
    print(f"{reps} 轮，预热 {warmup} 次；负载 {load_before} → {bench.loadavg()}")
    print("| 页面 | 中位 ms | p95 ms | 最大 ms | 查询数 |")
    print("|---|--:|--:|--:|--:|")
    for label, path in paths:
        counter = bench.QueryCounter()
        with connection.execute_wrapper(counter):
            client.get(path)
        t = times[path]
        print(
            f"| {label} | {statistics.median(t):.1f} | {bench.percentile(t, 95):.1f} "
            f"| {max(t):.1f} | {counter.count} |"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["prepare", "pages"])
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    args = parser.parse_args()
    setup()
    if args.step == "prepare":
        prepare()
    else:
        pages(args.reps, args.warmup)
    return 0


if __name__ == "__main__":
    sys.exit(main())
