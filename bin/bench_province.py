"""`make bench`, province part: ``seed_demo --province`` at scale, the unit list for a province
reviewer and a township clerk, and the nightly roll-up of every county.

Run by bin/bench.py (``--only province --units N --candidacies C``), on its own data set:
- ``seed_demo --province --units N --candidacies C`` in a child process (wall time, peak
  RSS; a re-run on the same database inserts nothing and only checks);
- ``pages`` (child): the unit list's first page and its last (deepest) page, timed round
  robin as the demo's province reviewer ``shengzuzhibu`` and as a township clerk (the
  account ``bench_clerk``, township staff of the province's first township, made here);
- ``rollup`` (child): what the nightly job does for the province: ``rollup_counties`` over
  every county (set-based, in batches of counties), then ``area_rollup_above`` (the cities,
  then the province); total wall time and its two parts, queries per county, peak RSS of
  the child and the peak of Python allocations (tracemalloc).

Each run's figures are kept in the section as a comment per size, so the growth table
shows every size measured on this file (e.g. 1,000 → 10,000 → 50,000 units); a size not
run says so.
"""

import argparse
import json
import re
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

BIN = Path(__file__).resolve().parent
if str(BIN) not in sys.path:
    sys.path.insert(0, str(BIN))

import bench  # noqa: E402  (bin/ is not a package)

TITLE = "七、全省：省级演示数据、村(社区)列表与全省日通报"
REVIEWER = "shengzuzhibu"
CLERK = "bench_clerk"
PROVINCE_CODE = "150000000000"
BUDGET_MS = 100.0
SIZES = (200, 20_000, 50_000)  # the sizes the growth table should show
MARKER = re.compile(r"<!-- bench-province (\{.*?\}) -->")


def log(message: str = "") -> None:
    print(message, flush=True)


# --- Child steps ------------------------------------------------------------------------


def clerk():
    """The township clerk: staff of the province's first township that has units."""
    from django.contrib.auth import get_user_model

    from renewal import services
    from renewal.models import Profile, Region, Unit

    township = Region.objects.get(
        pk=Unit.objects.filter(county__parent__parent__code=PROVINCE_CODE)
        .order_by("code")
        .values_list("township_id", flat=True)[:1]
        .get()
    )
    user, _ = get_user_model().objects.get_or_create(
        username=CLERK, defaults={"first_name": "基准测试乡镇工作人员"}
    )
    services.account_assign_role(user=user, role=Profile.Role.TOWNSHIP_STAFF, region=township)
    return user, township


def time_pages(reps: int, warmup: int) -> dict:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from candidates.models import Candidacy
    from renewal import access
    from renewal.models import Region

    settings.DEBUG = False
    clerk_user, township = clerk()
    reviewer = get_user_model().objects.get(username=REVIEWER)
    province = Region.objects.get(code=PROVINCE_CODE)
    city = Region.objects.filter(parent=province).order_by("code").first()
    county = township.parent
    scenarios = []

    def add(key, who, label, path, client, visible=None):
        scenarios.append((key, who, label, path, client, visible))

    for key, who, user in (
        ("reviewer", "省委组织部审核人员", reviewer),
        ("clerk", f"乡镇工作人员（{township.name}）", clerk_user),
    ):
        client = Client()
        client.force_login(user)
        visible = access.units_visible_to(user).count()
        last = max(1, -(-visible // settings.UNITS_PAGE_SIZE))
        add(f"{key}_first", who, "村(社区)列表首页", "/units/", client, visible)
        add(
            f"{key}_deep",
            who,
            f"村(社区)列表末页（第 {last} 页）",
            f"/units/?page={last}",
            client,
            visible,
        )
        candidacies = Candidacy.objects.filter(unit__in=access.units_visible_to(user)).count()
        add(f"{key}_candidates", who, "人选列表首页", "/candidates/", client, candidacies)
        if key == "reviewer":
            add(
                "reviewer_candidates_deep",
                who,
                "人选列表末页",
                f"/candidates/?page={max(1, -(-candidacies // settings.UNITS_PAGE_SIZE))}",
                client,
                candidacies,
            )
            middle = max(1, -(-candidacies // settings.UNITS_PAGE_SIZE) // 2)
            for sort, words in (("name", "按姓名"), ("birth_date", "年长在前")):
                add(
                    f"reviewer_candidates_{sort}",
                    who,
                    f"人选列表{words}中间页（第 {middle} 页）",
                    f"/candidates/?sort={sort}&page={middle}",
                    client,
                    candidacies,
                )
            add("reviewer_province", who, "全省看板", f"/dashboard/areas/{province.pk}/", client)
            add("reviewer_city", who, f"{city.name}看板", f"/dashboard/areas/{city.pk}/", client)
            add("reviewer_county", who, f"{county.name}看板", f"/dashboard/{county.pk}/", client)
            add("reviewer_screen", who, "全省大屏", f"/screen/areas/{province.pk}/", client)
        else:
            add("clerk_township", who, "本乡镇统计", f"/rollup/townships/{township.pk}/", client)
    for _key, _who, _label, path, client, _visible in scenarios:
        for _ in range(warmup):
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path} 返回 {response.status_code}")
    times = {s[0]: [] for s in scenarios}
    for _ in range(reps):
        for key, _who, _label, path, client, _visible in scenarios:
            t0 = time.perf_counter()
            client.get(path)
            times[key].append((time.perf_counter() - t0) * 1000)
    rows = []
    for key, who, label, path, client, visible in scenarios:
        counter = bench.QueryCounter()
        with connection.execute_wrapper(counter):
            client.get(path)
        rows.append(
            {
                "key": key,
                "who": who,
                "label": label,
                "path": path,
                "visible": visible,
                "median": statistics.median(times[key]),
                "p95": bench.percentile(times[key], 95),
                "max": max(times[key]),
                "queries": counter.count,
            }
        )
    return {"pages": rows}


def timed_rollup() -> dict:
    from django.db import connection
    from django.utils import timezone

    from renewal.models import Region
    from renewal.rollup.areas import area_rollup_above
    from renewal.rollup.services import rollup_counties

    counties = list(
        Region.objects.filter(kind=Region.Kind.COUNTY, parent__parent__code=PROVINCE_CODE)
        .exclude(rounds__isnull=True)
        .distinct()
        .order_by("code")
    )
    day = timezone.localdate()
    counter = bench.QueryCounter()
    tracemalloc.start()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        outcome = rollup_counties(counties, day)
        counties_s = time.perf_counter() - started
        area_rollup_above(county_ids=[c.pk for c in counties], day=day)
    total = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    if outcome.failed or outcome.busy:
        raise SystemExit(
            f"日通报未完成：失败 {len(outcome.failed)} 个，被占用 {len(outcome.busy)} 个区县"
        )
    return {
        "counties": len(counties),
        "rollup_s": total,
        "counties_s": counties_s,
        "areas_s": total - counties_s,
        "queries_per_county": counter.count / max(1, len(counties)),
        "tracemalloc_peak_mb": peak / 2**20,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def child_main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("step", choices=["pages", "rollup"])
    parser.add_argument("--result", required=True)
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()
    bench.child_setup()
    result = time_pages(args.reps, args.warmup) if args.step == "pages" else timed_rollup()
    Path(args.result).write_text(json.dumps(result, ensure_ascii=False, default=str))
    return 0


# --- Orchestration (in bin/bench.py's process) -------------------------------------------------


def counts() -> dict:
    from ballots.models import VoterRegistration
    from candidates.models import Candidacy
    from renewal.models import Person, Region, Unit

    in_province = {"county__parent__parent__code": PROVINCE_CODE}
    return {
        "units": Unit.objects.filter(**in_province).count(),
        "counties": Region.objects.filter(
            kind=Region.Kind.COUNTY, parent__parent__code=PROVINCE_CODE
        ).count(),
        "townships": Region.objects.filter(parent__parent__parent__code=PROVINCE_CODE).count(),
        "people": Person.objects.count(),
        "candidacies": Candidacy.objects.filter(
            unit__county__parent__parent__code=PROVINCE_CODE
        ).count(),
        "registrations": VoterRegistration.objects.filter(
            election__unit__county__parent__parent__code=PROVINCE_CODE
        ).count(),
    }


def run_section(args, *, target: str, previous: str, machine: dict) -> tuple[str, list[str]]:
    from django.db import connection, connections

    failures: list[str] = []
    load_before = bench.loadavg()
    log(
        f"\n[全省] 负载 {load_before}；seed_demo --province --units {args.units} "
        f"--candidacies {args.candidacies} …"
    )
    before = counts()
    connections.close_all()
    t0 = time.perf_counter()
    rc, _wall, seed_rss, seed_cpu = bench.run_child(
        [
            sys.executable,
            str(bench.ROOT / "manage.py"),
            "seed_demo",
            "--province",
            "--units",
            str(args.units),
            "--candidacies",
            str(args.candidacies),
        ]
    )
    seed_s = time.perf_counter() - t0
    if rc != 0:
        return f"## {TITLE}\n\nseed_demo --province 失败（退出码 {rc}）。\n", ["全省：生成失败"]
    after = counts()
    fresh = after["units"] > before["units"]
    log(
        f"  生成用时 {seed_s:.1f} 秒（{'新生成' if fresh else '已有数据，未新增'}），"
        f"村(社区) {before['units']} → {after['units']}，峰值 RSS {seed_rss:.0f} MB；负载 {bench.loadavg()}"
    )
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    log(f"  VACUUM ANALYZE {time.perf_counter() - t0:.1f} 秒")
    connections.close_all()
    script = str(Path(__file__).resolve())
    log(f"  全省日通报（全部区县合并汇总，再汇总市、省）…；负载 {bench.loadavg()}")
    rollup = bench.run_step(script, "rollup", [])
    if rollup is None:
        failures.append("全省：日通报子进程失败")
    else:
        log(
            f"    {rollup['counties']} 个区县，共 {rollup['rollup_s']:.1f} 秒（区县 "
            f"{rollup['counties_s']:.1f} 秒，市、省 {rollup['areas_s']:.1f} 秒），"
            f"每县 {rollup['queries_per_county']:.1f} 条查询，"
            f"tracemalloc 峰值 {rollup['tracemalloc_peak_mb']:.0f} MB，RSS {rollup['wait4_rss_mb']:.0f} MB"
        )
    log(f"  列表页：预热 {args.warmup} 次、计时 {args.reps} 轮；负载 {bench.loadavg()}")
    pages = bench.run_step(
        script, "pages", ["--reps", str(args.reps), "--warmup", str(args.warmup)]
    )
    if pages is None:
        failures.append("全省：列表页子进程失败")
        pages = {"pages": []}
    for p in pages["pages"]:
        log(
            f"    {p['who']} {p['label']}：中位 {p['median']:.1f} ms，p95 {p['p95']:.1f} ms，查询 {p['queries']} 条"
        )
    load = f"{load_before} → {bench.loadavg()}"
    log(f"  负载 {load}")
    by_key = {p["key"]: p for p in pages["pages"]}
    run = {
        "units": after["units"],
        "date": time.strftime("%Y-%m-%d"),
        "load": load,
        "seed_s": round(seed_s, 1) if fresh and before["units"] == 0 else None,
        "seed_rss": round(seed_rss) if fresh and before["units"] == 0 else None,
        **{
            f"{k}_p95": round(by_key[k]["p95"], 1)
            for k in ("reviewer_first", "reviewer_deep", "clerk_first", "clerk_deep")
            if k in by_key
        },
        "candidates_p95": _worst(pages["pages"], ("candidates",)),
        "dashboards_p95": _worst(
            pages["pages"], ("province", "city", "county", "screen", "township")
        ),
        "rollup_s": round(rollup["rollup_s"], 1) if rollup else None,
        "rollup_peak_mb": round(rollup["tracemalloc_peak_mb"]) if rollup else None,
        "rollup_rss_mb": round(rollup["wait4_rss_mb"]) if rollup else None,
    }
    # Read again now: another size may have been measured into the file meanwhile.
    if args.output and Path(args.output).exists():
        previous = Path(args.output).read_text(encoding="utf-8")
    history = {}
    for match in MARKER.finditer(previous):
        old = json.loads(match.group(1))
        history[old["units"]] = old
    kept = history.get(run["units"], {})
    if run["seed_s"] is None and kept.get("seed_s") is not None:
        run["seed_s"], run["seed_rss"] = kept["seed_s"], kept.get("seed_rss")
        run["seed_date"] = kept.get("seed_date", kept.get("date"))
    elif run["seed_s"] is not None:
        run["seed_date"] = run["date"]
    history[run["units"]] = run
    text = render(
        args=args,
        target=target,
        machine=machine,
        load=load,
        after=after,
        seed={
            "seconds": seed_s,
            "fresh": fresh,
            "before": before["units"],
            "rss": seed_rss,
            "cpu": seed_cpu,
        },
        pages=pages["pages"],
        rollup=rollup,
        history=history,
        failures=failures,
    )
    return text, failures


def _worst(pages, kinds) -> float | None:
    """The slowest p95 among the scenarios whose key ends in one of ``kinds``."""
    found = [p["p95"] for p in pages if p["key"].split("_", 1)[1].split("_")[0] in kinds]
    return round(max(found), 1) if found else None


def _cell(value, fmt="{:.1f}") -> str:
    return "未测" if value is None else fmt.format(value)


def render(*, args, target, machine, load, after, seed, pages, rollup, history, failures) -> str:
    lines = [
        f"## {TITLE}",
        "",
        "### 方法",
        "",
        f"- 在单独的基准库中执行 `seed_demo --province --units {args.units} --candidacies "
        f"{args.candidacies}`（内蒙古自治区：市(盟)、区县、乡镇、村(社区)，党员名册、上届班子、"
        "每村若干初步人选与选民登记；PostgreSQL COPY 写入，变更记录由按语句执行的触发器每次 COPY 整批写入），"
        "子进程计墙钟时间与峰值 RSS；库中已有这些区县时为幂等重跑（只核对，不新增）。",
        "- 列表页与看板（在日通报之后测，看板读当天的通报）：村(社区)列表首页与末页、人选列表首页"
        "（审核人员另测末页）、全省/市/县看板与全省大屏、乡镇工作人员的本乡镇统计；"
        f"`django.test.Client` 进程内请求，`DEBUG=False`，预热 {args.warmup} 次后"
        f"轮流计时 {args.reps} 轮，报告中位数、p95（最近秩法）与最大值；身份为省委组织部审核人员 "
        f"`{REVIEWER}`（可见全省）和乡镇工作人员 `{CLERK}`（本基准建的账号，只见本乡镇）。",
        "- 日通报：子进程中做每晚任务做的事：`renewal.rollup.services.rollup_counties` 对全省"
        "各区县按批合并汇总（每项数据一次查询读一批区县），再 `area_rollup_above` 汇总各市和全省；"
        "计总墙钟时间及两部分、每县查询数、子进程峰值 RSS（`wait4` 的 "
        "`ru_maxrss`）与 Python 分配峰值（`tracemalloc`，与计时同时开启，会略抬高 Python 部分的"
        "耗时）。本节不另造新一届班子与党员大会"
        "（县级第五节才造），结构统计只有上届数据。",
        "",
        "### 环境",
        "",
        f"- 日期：{time.strftime('%Y-%m-%d %H:%M %Z')}",
        f"- 机器：nproc={machine['nproc']}，CPU {machine['cpu']}；{machine['os']}",
        f"- PostgreSQL：{machine['postgres']}（{machine['pg_settings']}）",
        f"- Python {machine['python']}，Django {machine['django']}",
        f"- 负载（1/5/15 分钟 loadavg，开始 → 结束）：{load}（同机其他进程会抬高耗时）",
        f"- 数据库：{target}；全省 {after['counties']} 个区县、{after['townships']} 个乡镇(街道)、"
        f"{after['units']} 个村(社区)，库中 {after['people']} 名人员，全省 {after['candidacies']} 条人选、"
        f"{after['registrations']} 条选民登记",
        "",
        "### 生成",
        "",
        f"- 本次 `seed_demo --province`：**{seed['seconds']:.1f} 秒**（"
        + (
            f"从 {seed['before']} 个村(社区)新生成"
            if seed["fresh"]
            else "数据已存在，本次未新增（幂等重跑）"
        )
        + f"），子进程峰值 RSS {seed['rss']:.0f} MB，CPU {seed['cpu']:.1f} 秒"
        "（墙钟远大于 CPU 时，时间花在数据库或被同机进程抢占）。",
        "",
        "### 列表页与看板",
        "",
        f"| 身份 | 页面 | 列表条数 | 中位 ms | p95 ms | 最大 ms | 查询数 | 预算 (p95 < {BUDGET_MS:.0f} ms) |",
        "|---|---|--:|--:|--:|--:|--:|---|",
    ]
    for p in pages:
        ok = "✅" if p["p95"] < BUDGET_MS else "❌"
        lines.append(
            f"| {p['who']} | {p['label']} `{p['path']}` | {'—' if p['visible'] is None else p['visible']} | {p['median']:.1f} | "
            f"{p['p95']:.1f} | {p['max']:.1f} | {p['queries']} | {ok} |"
        )
    lines += ["", "### 全省日通报", ""]
    if rollup:
        lines.append(
            f"{rollup['counties']} 个区县合并汇总并汇总市、省：共 **{rollup['rollup_s']:.1f} 秒**"
            f"（区县 {rollup['counties_s']:.1f} 秒，市、省 {rollup['areas_s']:.1f} 秒），每县 "
            f"{rollup['queries_per_county']:.1f} 条查询；子进程峰值 RSS {rollup['wait4_rss_mb']:.0f} MB，"
            f"tracemalloc 峰值 {rollup['tracemalloc_peak_mb']:.0f} MB。"
        )
    else:
        lines.append("子进程失败，未测。")
    lines += [
        "",
        "### 随规模增长",
        "",
        "本文件中记录过的各规模（每次运行按村(社区)数更新对应一行；“未测”即那次没有测到）。"
        "首次生成用时只在从空库生成时记录。",
        "",
        "| 村(社区) | 日期 | 负载 | 首次生成 秒 | 生成 RSS MB | 审核人员首页 p95 | 审核人员末页 p95 "
        "| 乡镇首页 p95 | 乡镇末页 p95 | 人选列表最慢 p95 | 看板最慢 p95 | 全省日通报 秒 "
        "| 日通报 tracemalloc MB |",
        "|--:|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for units in sorted(history):
        h = history[units]
        lines.append(
            f"| {units} | {h['date']} | {h['load']} | {_cell(h.get('seed_s'))} | "
            f"{_cell(h.get('seed_rss'), '{:.0f}')} | {_cell(h.get('reviewer_first_p95'))} | "
            f"{_cell(h.get('reviewer_deep_p95'))} | {_cell(h.get('clerk_first_p95'))} | "
            f"{_cell(h.get('clerk_deep_p95'))} | {_cell(h.get('candidates_p95'))} | "
            f"{_cell(h.get('dashboards_p95'))} | {_cell(h.get('rollup_s'))} | "
            f"{_cell(h.get('rollup_peak_mb'), '{:.0f}')} |"
        )
    missing = [n for n in SIZES if n not in history]
    if missing:
        lines += [
            "",
            "未测："
            + "、".join(f"{n} 个村(社区)" for n in missing)
            + "（用 `bin/bench.py --only province --reset --units N` 测量）。",
        ]
    if failures:
        lines += ["", "**失败：**", ""] + [f"- {f}" for f in failures]
    lines.append("")
    for units in sorted(history):
        lines.append(
            f"<!-- bench-province {json.dumps(history[units], ensure_ascii=False, sort_keys=True)} -->"
        )
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(child_main())
