"""`make bench`, roll-up part: the nightly roll-up and the county dashboard at scale.

Run by bin/bench.py (``--only rollup``) on the data set ``seed_demo --units N`` built:
- ``prepare`` (child process): for about 60% of the county's units, an approved party
  congress (``ballots.Congress``, status approved) and the newly elected party and
  villagers' committees (``Term`` with the round, and their ``TermMember``s drawn from
  the unit's roster: younger members, a woman in most units, the secretary often also
  the director), so the structure statistics have real work. Idempotent.
- ``rollup`` (child process): the nightly job ``renewal.rollup.services.rollup_run`` for the
  county and today, N times; wall time, SQL statements and their time, peak RSS.
- ``pages`` (same child): as the county reviewer, the dashboard (first page, an htmx
  page sorted by overdue units, the non-compliant units fragment), the big screen,
  the notice and a township page: median / p95 / max server time and query count.
Budgets: the roll-up under 60 s; the dashboard p95 under 200 ms (read from snapshots).
"""

import argparse
import datetime
import json
import random
import resource
import statistics
import sys
import time
from pathlib import Path

BIN = Path(__file__).resolve().parent
if str(BIN) not in sys.path:
    sys.path.insert(0, str(BIN))

import bench  # noqa: E402  (bin/ is not a package)

ROLLUP_BUDGET_S = 60.0
PAGE_BUDGET_MS = 200.0
ELECTED_SHARE = 0.6
COUNTY_CODE = "150123000000"


def log(message: str = "") -> None:
    print(message, flush=True)


# --- Child steps ------------------------------------------------------------------------


def prepare() -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from ballots.models import Congress
    from renewal.models import (
        Body,
        PartyMember,
        Post,
        Region,
        RenewalRound,
        Term,
        TermMember,
        Unit,
    )

    county = Region.objects.get(code=COUNTY_CODE)
    rnd = RenewalRound.objects.get(county=county, is_active=True)
    units = list(Unit.objects.filter(county=county).order_by("code").values_list("pk", "code"))
    chosen = [(pk, code) for pk, code in units if random.Random(code).random() < ELECTED_SHARE]
    # Units that already have this round's congress or new committees (the demo elects a
    # few; an earlier run the rest) keep them: only the others are prepared. Counting
    # the round's terms instead would skip every congress once the demo elected one unit.
    done = set(Congress.objects.filter(round=rnd).values_list("unit_id", flat=True)) | set(
        Term.objects.filter(round=rnd, body__in=[Body.PARTY, Body.VILLAGERS]).values_list(
            "unit_id", flat=True
        )
    )
    chosen = [(pk, code) for pk, code in chosen if pk not in done]
    if not chosen:
        return {
            "created_terms": 0,
            "terms": Term.objects.filter(round=rnd).count(),
            "congresses": Congress.objects.filter(round=rnd).count(),
            "seconds": 0.0,
        }
    started = time.perf_counter()
    approver = get_user_model().objects.get(username="zuzhibu")
    chosen_ids = {pk for pk, _ in chosen}
    roster: dict[int, list[tuple[int, str, datetime.date]]] = {}
    rows = (
        PartyMember.objects.filter(branch__unit__county=county, status="full")
        .values_list("branch__unit_id", "person_id", "person__sex", "person__birth_date")
        .iterator(chunk_size=20000)
    )
    for unit_id, person_id, sex, born in rows:
        if unit_id in chosen_ids:
            roster.setdefault(unit_id, []).append((person_id, sex, born))
    congresses, terms, seats = [], [], []
    for pk, code in chosen:
        rng = random.Random(f"elect{code}")
        people = sorted(roster.get(pk, []), key=lambda p: p[2], reverse=True)  # youngest first
        if len(people) < 6:
            continue
        held = datetime.date(2026, 11, 2) + datetime.timedelta(days=rng.randint(0, 14))
        approved_at = timezone.make_aware(
            datetime.datetime.combine(held + datetime.timedelta(days=7), datetime.time(10))
        )
        congresses.append(
            Congress(
                round=rnd,
                unit_id=pk,
                held_on=held,
                place="村党群服务中心",
                chair="村党组织书记",
                status="approved",
                approved_by=approver,
                approved_at=approved_at,
            )
        )
        women = [p for p in people if p[1] == "F"]
        pool = people[:2] + rng.sample(people[2:], 3)
        if women and rng.random() < 0.9 and women[0] not in pool:
            pool[-1] = women[0]
        party = Term(unit_id=pk, body=Body.PARTY, elected_on=held, round=rnd)
        villagers = Term(
            unit_id=pk,
            body=Body.VILLAGERS,
            elected_on=held + datetime.timedelta(days=10),
            round=rnd,
        )
        terms += [party, villagers]
        posts = [Post.SECRETARY, Post.DEPUTY_SECRETARY] + [Post.PARTY_MEMBER] * 3
        seats += [(party, p[0], post) for p, post in zip(pool, posts, strict=True)]
        director = pool[0] if rng.random() < 0.7 else people[-1]
        others = [p for p in people if p not in pool][:2]
        vposts = [Post.DIRECTOR, Post.DEPUTY_DIRECTOR, Post.COMMITTEE_MEMBER]
        vpeople = [director, *others]
        seats += [(villagers, p[0], post) for p, post in zip(vpeople, vposts, strict=False)]
    with transaction.atomic():
        Congress.objects.bulk_create(congresses, batch_size=5000)
        Term.objects.bulk_create(terms, batch_size=5000)
        TermMember.objects.bulk_create(
            [TermMember(term=t, person_id=p, post=post) for t, p, post in seats], batch_size=10000
        )
    with connection.cursor() as cursor:
        for table in ("ballots_congress", "renewal_term", "renewal_termmember"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    return {
        "created_terms": len(terms),
        "terms": Term.objects.filter(round=rnd).count(),
        "congresses": Congress.objects.filter(round=rnd).count(),
        "seconds": time.perf_counter() - started,
    }


def timed_rollup(reps: int) -> dict:
    from django.db import connection
    from django.utils import timezone

    from renewal.models import Region, RollupSnapshot
    from renewal.rollup.services import rollup_run

    county = Region.objects.get(code=COUNTY_CODE)
    day = timezone.localdate()
    runs = []
    for i in range(reps):
        counter = bench.QueryCounter()
        cpu0 = time.process_time()
        t0 = time.perf_counter()
        with connection.execute_wrapper(counter):
            run = rollup_run(county=county, day=day)
        wall = time.perf_counter() - t0
        runs.append(
            {
                "wall_s": wall,
                "cpu_s": time.process_time() - cpu0,
                "queries": counter.count,
                "sql_s": counter.ms / 1000,
                "slowest_ms": counter.slowest[0],
                "slowest_sql": counter.slowest[1],
            }
        )
        log(f"  第 {i + 1} 次：{wall:.1f} 秒，{counter.count} 条 SQL（{counter.ms / 1000:.1f} 秒）")
    total = RollupSnapshot.objects.get(region=county, day=day)
    return {
        "runs": runs,
        "day": day.isoformat(),
        "units": total.units,
        "townships": RollupSnapshot.objects.filter(run=run).count() - 1,
        "stage_counts": total.stage_counts,
        "figures": total.figures,
        "labels": run.figure_labels,
        "structure": {
            "current": total.structure["current"],
            "previous": total.structure["previous"],
            "verdict": total.structure["verdict"],
            "compliance": total.structure["compliance"],
        },
        "notice_chars": len(run.notice_text),
        "run_pk": run.pk,
    }


PAGES = [
    ("dashboard", "全县看板（第 1 页）", "/dashboard/{county}/", {}),
    (
        "dashboard_htmx",
        "看板乡镇表 htmx（按逾期排序第 8 页）",
        "/dashboard/{county}/?sort=-overdue&page=8",
        {"HTTP_HX_REQUEST": "true"},
    ),
    (
        "noncompliant",
        "未达标村(社区) htmx（第 5 页）",
        "/dashboard/{county}/noncompliant/?page=5",
        {},
    ),
    ("screen", "大屏", "/screen/{county}/", {}),
    ("notice", "日通报", "/rollup/notices/{run}/", {}),
    ("township", "乡镇日统计", "/rollup/townships/{township}/", {}),
]


def time_pages(reps: int, warmup: int, run_pk: int) -> list[dict]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from renewal.models import Region

    settings.DEBUG = False
    county = Region.objects.get(code=COUNTY_CODE)
    township = Region.objects.filter(parent=county).order_by("code").first()
    client = Client()
    client.force_login(get_user_model().objects.get(username="zuzhibu"))
    urls = {
        key: (label, path.format(county=county.pk, run=run_pk, township=township.pk), headers)
        for key, label, path, headers in PAGES
    }
    timings = {key: [] for key in urls}
    info = {}
    for key, (_label, path, headers) in urls.items():
        for _ in range(warmup):
            response = client.get(path, **headers)
            if response.status_code != 200:
                raise SystemExit(f"{path} 返回 {response.status_code}")
        counter = bench.QueryCounter()
        with connection.execute_wrapper(counter):
            response = client.get(path, **headers)
        info[key] = {"queries": counter.count, "kb": len(response.content) / 1024}
    for _ in range(reps):
        for key, (_label, path, headers) in urls.items():
            t0 = time.perf_counter()
            client.get(path, **headers)
            timings[key].append((time.perf_counter() - t0) * 1000)
    return [
        {
            "key": key,
            "label": label,
            "path": path,
            "median": statistics.median(timings[key]),
            "p95": bench.percentile(timings[key], 95),
            "max": max(timings[key]),
            **info[key],
        }
        for key, (label, path, _headers) in urls.items()
    ]


def child_main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("step", choices=["rollup"])
    parser.add_argument("--result", required=True)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--page-reps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()
    bench.child_setup()
    log("  准备新一届班子与已批复的党员大会 …")
    prep = prepare()
    log(f"  新建 {prep['created_terms']} 个届次（{prep['seconds']:.1f} 秒），共 {prep['terms']} 个")
    log(f"  日通报 {args.reps} 次 …")
    rollup = timed_rollup(args.reps)
    log(f"  页面：预热 {args.warmup} 次、计时 {args.page_reps} 轮 …")
    pages = time_pages(args.page_reps, args.warmup, rollup["run_pk"])
    result = {
        "prepare": prep,
        "rollup": rollup,
        "pages": pages,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    Path(args.result).write_text(json.dumps(result, ensure_ascii=False, default=str))
    return 0


# --- The section ------------------------------------------------------------------------


def run_section(args, ctx) -> tuple[str, list[str]]:
    failures: list[str] = []
    load_before = bench.loadavg()
    log(f"\n[日通报] 子进程：准备数据、日通报 {args.rollup_reps} 次、页面 {args.reps} 轮 …")
    result = bench.run_step(
        str(Path(__file__).resolve()),
        "rollup",
        [
            "--reps",
            str(args.rollup_reps),
            "--page-reps",
            str(args.reps),
            "--warmup",
            str(args.warmup),
        ],
    )
    if result is None:
        return "## 五、日报告日通报：每晚汇总与全县看板\n\n子进程失败，见终端输出。\n", [
            "日通报：子进程失败"
        ]
    walls = [r["wall_s"] for r in result["rollup"]["runs"]]
    if max(walls) > ROLLUP_BUDGET_S:
        log(f"  注意：日通报最长 {max(walls):.1f} 秒，超过预算 {ROLLUP_BUDGET_S:.0f} 秒")
    for page in result["pages"]:
        log(
            f"    {page['label']}：中位 {page['median']:.1f} ms，p95 {page['p95']:.1f} ms，查询 {page['queries']} 条"
        )
    text = render(args, ctx, result, f"{load_before} → {bench.loadavg()}")
    return text, failures


def render(args, ctx, result, load) -> str:
    rollup = result["rollup"]
    runs = rollup["runs"]
    prep = result["prepare"]
    structure = rollup["structure"]
    lines = [
        "## 五、日报告日通报：每晚汇总与全县看板",
        "",
        "### 方法",
        "",
        f"- 数据：`seed_demo --units {ctx['units']}` 的一个县（{rollup['townships']} 个乡镇(街道)、"
        f"{rollup['units']} 个村(社区)，上届两委班子、候选人与举报），再为约 60% 的村(社区)批量写入"
        "已批复的党员大会（`ballots.Congress`，status=approved）和新一届党组织、村(居)委会班子"
        f"（`Term`+`TermMember`，成员取自本村党员名册）：{prep['congresses']} 次大会、{prep['terms']} 个届次。",
        "- 日通报：子进程中直接调用 `renewal.rollup.services.rollup_run(county, today)`（与 `manage.py rollup`、"
        "Celery 任务同一函数），连续运行 "
        f"{len(runs)} 次（第一次之后为覆盖写入同一批快照，即幂等重跑）。SQL 条数与耗时用 "
        "`connection.execute_wrapper` 统计。",
        "- 推算阶段与汇总数据项时调用各应用登记的检查与计数（`renewal.kit.figures`）："
        + "、".join(rollup["labels"].values())
        + "。",
        "- 页面：县委组织部审核员 `zuzhibu`，`django.test.Client` 进程内请求，先预热 "
        f"{args.warmup} 次，再轮流计时 {args.reps} 轮，`DEBUG=False`；看板只读快照，不做实时汇总。",
        f"- 预算：日通报 < {ROLLUP_BUDGET_S:.0f} 秒；全县看板 p95 < {PAGE_BUDGET_MS:.0f} ms。",
        "",
        "### 环境",
        "",
        *bench.environment_lines(ctx, load),
        f"- 子进程峰值 RSS：{result['rss_mb']:.0f} MB",
        "",
        "### 结果：日通报",
        "",
        "| 次序 | 用时 秒 | CPU 秒（Python） | SQL 条数 | SQL 秒 | 最慢一条 ms | 预算 (< 60 s) |",
        "|---|---|---|---|---|---|---|",
    ]
    for i, r in enumerate(runs, start=1):
        ok = "✅" if r["wall_s"] < ROLLUP_BUDGET_S else "❌"
        lines.append(
            f"| {i} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} | {r['queries']} | {r['sql_s']:.1f} | "
            f"{r['slowest_ms']:.0f} | {ok} |"
        )
    slowest = max(runs, key=lambda r: r["slowest_ms"])
    lines += [
        "",
        f"最慢的一条 SQL（{slowest['slowest_ms']:.0f} ms）：`{bench.sql_cell(slowest['slowest_sql'])}`",
        "",
        f"当日全县：{rollup['units']} 个村(社区)，各阶段 "
        + "，".join(f"{k} {v}" for k, v in rollup["stage_counts"].items() if v)
        + "；新一届班子 "
        f"{structure['current']['units']} 个村(社区)、{structure['current']['members']} 人，"
        f"平均年龄 {structure['current']['average_age']}（上届 {structure['previous']['average_age']}），"
        f"结构目标全部达标 {structure['compliance']['compliant']}/{structure['compliance']['units']}。",
        "",
        "### 结果：页面",
        "",
        "| 场景 | 请求 | 中位 ms | p95 ms | 最大 ms | 查询数 | 响应 KB | 预算 (p95 < 200 ms) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for p in result["pages"]:
        ok = "✅" if p["p95"] < PAGE_BUDGET_MS else "❌"
        lines.append(
            f"| {p['label']} | `GET {p['path']}` | {p['median']:.1f} | {p['p95']:.1f} | "
            f"{p['max']:.1f} | {p['queries']} | {p['kb']:.0f} | {ok} |"
        )
    lines.append("")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(child_main())
