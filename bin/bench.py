"""`make bench`: seed N units into a separate database and run the benchmarks.

Four parts, each written as its own section of docs/benchmarks.md (one file; a run
rewrites the sections it ran and keeps the others as they were):

- ``units``: for the seeded county reviewer ``zuzhibu``, the unit list (first page, a
  filtered page, a middle and a deep page, the htmx fragment, 100 per page) and the unit
  detail: median / p95 / max server time and query count (in this process);
- ``candidates`` (bin/bench_candidates.py): a 5,000-row xlsx import, preview and
  confirm, and the 200,000-row roster export, each in a child process (time, peak RSS);
- ``rollup`` (bin/bench_rollup.py): the nightly roll-up of the county (budget 60 s)
  and the county dashboard and big screen read from its snapshots (p95 < 200 ms);
- ``ballots`` (bin/bench_ballots.py): ``manage.py recount`` of a 5,000-ballot file, and
  a 100-member party congress entered and counted through the pages (child process);
- ``voters`` (bin/bench_voters.py): 500,000 voter registrations in the county's round,
  a 5,000-row voter import (preview + confirm) and the county-wide duplicate check;
- ``suite`` (bin/bench_suite.py): ``make test`` from a clean clone (budget 5 minutes);
- ``load`` (bin/bench_load.py): the township clerk's pages one by one (CPU and queries per
  page), then N clerks (200) signing in and clicking through them with 1–3 s think time
  against gunicorn -w 4 for a fixed time (60 s): requests per second, median / p95 latency;
- ``province`` (bin/bench_province.py), run on its own (``--only province --units N
  --candidacies C``): ``seed_demo --province`` at scale, the unit list for a province
  reviewer and a township clerk, and the nightly roll-up of every county.

``--only units,ballots`` runs some of them (all but ``province`` by default). This is a benchmark, not a test: going over
budget does not fail the run; a failed step or an unexpected response does (exit 1).

Never touches the developer's demo database:
- without DATABASE_URL the embedded PostgreSQL is used with database ``renewal_bench``;
- with DATABASE_URL, BENCH_DATABASE_URL must name the database to use instead.
Files (the import file, exports, ballot records) go under var/bench/.
"""

import argparse
import collections
import datetime
import json
import math
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "bin"
BENCH_VAR = ROOT / "var" / "bench"
BUDGET_MS = 150.0
BENCH_DB_NAME = "renewal_bench"
REVIEWER = "zuzhibu"
PARTS = ("units", "candidates", "ballots", "voters", "rollup", "suite", "province", "load")
COUNTY_PARTS = tuple(p for p in PARTS if p != "province")
COUNTY_UNITS, PROVINCE_UNITS = 20_000, 50_000
SECTION_TITLES = {
    "units": "一、村(社区)列表与详情",
    "candidates": "二、候选人：Excel 导入与花名册导出",
    "ballots": "三、选票：recount 复核与党员大会录入计票",
    "voters": "四、选民登记：Excel 导入与县内查重",
    "rollup": "五、日报告日通报：每晚汇总与全县看板",
    "suite": "六、测试套件：从干净克隆运行 make test",
    "province": "七、全省：省级演示数据、村(社区)列表与全省日通报",
    "load": "八、乡镇办事员页面：逐页 CPU 与 200 人并发压测",
}
SECTION = re.compile(r"<!-- bench-section:(\w+) -->\n(.*?)<!-- /bench-section:\1 -->", re.S)


# Carries the last from-empty seed time over idempotent re-runs (which only re-check).
FRESH_MARKER = re.compile(
    r"<!-- bench-fresh-seed units=(\d+) seconds=([\d.]+) rss_mb=(\d+) date=(\S+) -->"
)


def log(message: str = "") -> None:
    print(message, flush=True)


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        parts = parts._replace(netloc=f"{parts.username or ''}:***@{host}")
    return urlunsplit(parts)


def configure_environment() -> str:
    """Point Django at the benchmark database before settings load; describe it.

    Children started by the benchmark inherit the result (BENCH_CHILD=1) and keep it.
    """
    if os.environ.get("BENCH_CHILD") == "1":
        return os.environ.get("BENCH_TARGET", "")
    bench_url = os.environ.get("BENCH_DATABASE_URL", "").strip()
    dev_url = os.environ.get("DATABASE_URL", "").strip()
    if dev_url and not bench_url:
        sys.stderr.write(
            "已设置 DATABASE_URL，基准测试不会使用该数据库，以免覆盖开发/演示数据。\n"
            "请另设 BENCH_DATABASE_URL，指向一个专供基准测试使用、可被清空重建的 PostgreSQL 数据库，例如：\n"
            "  BENCH_DATABASE_URL=postgres://user:password@localhost/renewal_bench make bench\n"
            "或取消 DATABASE_URL，改用内置 PostgreSQL 中的 renewal_bench 库。\n"
        )
        sys.exit(2)
    if bench_url:
        if dev_url and urlsplit(bench_url)._replace(query="") == urlsplit(dev_url)._replace(
            query=""
        ):
            sys.stderr.write(
                "BENCH_DATABASE_URL 与 DATABASE_URL 指向同一个数据库，已拒绝运行。"
                "请为基准测试单独建一个数据库。\n"
            )
            sys.exit(2)
        os.environ["DATABASE_URL"] = bench_url
        target = f"BENCH_DATABASE_URL（{_redact(bench_url)}）"
    else:
        os.environ["EMBEDDED_DB_NAME"] = BENCH_DB_NAME
        target = f"内置 PostgreSQL，数据库 {BENCH_DB_NAME}"
    os.environ["DEBUG"] = "1"  # the settings only provide dev keys with DEBUG on
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    hosts = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
    if "testserver" not in hosts:
        hosts.append("testserver")
    os.environ["ALLOWED_HOSTS"] = ",".join(hosts)
    os.environ["PYTHONUNBUFFERED"] = "1"  # the seed's progress shows up as it happens
    # The timed clients sign in with force_login, which gives no second factor: with the
    # county reviewer's role requiring one, every page would answer a redirect to the
    # binding page. The check itself is one session lookup per request either way.
    os.environ["TWO_FACTOR_REQUIRED_ROLES"] = ""
    # Uploaded imports and finished exports land here, not in the demo's media folder.
    os.environ["MEDIA_ROOT"] = str(BENCH_VAR / "media")
    os.environ["BENCH_CHILD"] = "1"
    os.environ["BENCH_TARGET"] = target
    return target


def child_setup() -> None:
    """For bin/bench_*.py steps: the benchmark database, Django, production DEBUG."""
    sys.path.insert(0, str(ROOT))
    configure_environment()
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # DEBUG=1 only provides the dev keys at settings import


def loadavg() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def machine_info(connection) -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    with connection.cursor() as cur:
        cur.execute("SELECT version()")
        pg_version = cur.fetchone()[0]
        cur.execute("SHOW shared_buffers")
        shared_buffers = cur.fetchone()[0]
        cur.execute("SHOW work_mem")
        work_mem = cur.fetchone()[0]
    import django

    return {
        "nproc": str(
            len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        ),
        "cpu": cpu,
        "postgres": pg_version,
        "pg_settings": f"shared_buffers={shared_buffers}, work_mem={work_mem}",
        "python": platform.python_version(),
        "django": django.get_version(),
        "os": platform.platform(),
    }


def manage(*args: str) -> float:
    """Run manage.py in a child process; its peak RSS in MB."""
    rc, _wall, rss, _cpu = run_child([sys.executable, str(ROOT / "manage.py"), *args])
    if rc != 0:
        sys.stderr.write(f"命令失败（退出码 {rc}）：manage.py {' '.join(args)}\n")
        sys.exit(rc)
    return rss


class QueryTimer:
    """connection.execute_wrapper that times each SQL statement with perf_counter."""

    def __init__(self):
        self.calls: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.calls.append(((time.perf_counter() - start) * 1000, sql))


class QueryCounter:
    """execute_wrapper keeping only a count, the total time and the slowest statement."""

    def __init__(self):
        self.count, self.ms, self.slowest = 0, 0.0, (0.0, "")

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            ms = (time.perf_counter() - start) * 1000
            self.count += 1
            self.ms += ms
            if ms > self.slowest[0]:
                self.slowest = (ms, sql[:400])

    def snapshot(self) -> dict:
        return {"count": self.count, "ms": self.ms}


# Runs the command in a grandchild and reports that process's own rusage. A child exec'd
# straight from this process would inherit this process's peak RSS: on exec, Linux
# keeps the replaced memory's high-water mark in ru_maxrss. The launcher is a small
# Python (-S), so the floor it leaves is a few MB.
LAUNCHER = """
import os, sys, time
report, argv = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execv(argv[0], argv)
    finally:
        os._exit(127)
_pid, status, usage = os.wait4(pid, 0)
with open(report, "w") as out:
    cpu = usage.ru_utime + usage.ru_stime
    out.write(f"{usage.ru_maxrss} {time.perf_counter() - start} {cpu}")
sys.exit(os.waitstatus_to_exitcode(status))
"""


RSS_NOTE = (
    "子进程都经一个很小的启动器（`python -S`）再 fork/exec 出来：直接从基准进程 exec 时，"
    "Linux 会把被替换掉的（基准进程的）内存高水位记进子进程的 `ru_maxrss`，数字会偏大。"
)


def run_child(cmd: list[str], *, stdout=None, stderr=None) -> tuple[int, float, float, float]:
    """Run a command; (exit code, its wall seconds, its own peak RSS in MB, its CPU seconds)."""
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=BENCH_VAR, suffix=".rss", delete=False) as tmp:
        report = Path(tmp.name)
    try:
        rc = subprocess.run(
            [sys.executable, "-S", "-c", LAUNCHER, str(report), *cmd],
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=stdout,
            stderr=stderr,
            check=False,
        ).returncode
        text = report.read_text().split()
    finally:
        report.unlink(missing_ok=True)
    if len(text) != 3:
        return rc, float("nan"), float("nan"), float("nan")
    return rc, float(text[1]), int(text[0]) / 1024, float(text[2])


def run_step(script: str, step: str, extra: list[str]) -> dict | None:
    """Run `script step --result FILE ...` in a child process; its JSON result or None."""
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=BENCH_VAR, suffix=".json", delete=False) as tmp:
        result_path = Path(tmp.name)
    try:
        rc, wall, rss, _cpu = run_child(
            [sys.executable, script, step, "--result", str(result_path), *extra]
        )
        if rc != 0:
            sys.stderr.write(f"子进程失败（退出码 {rc}）：{Path(script).name} {step}\n")
            return None
        result = json.loads(result_path.read_text(encoding="utf-8"))
    finally:
        result_path.unlink(missing_ok=True)
    result["wall_s"], result["wait4_rss_mb"] = wall, rss
    return result


def environment_lines(ctx: dict, load: str) -> list[str]:
    machine = ctx["machine"]
    return [
        f"- 日期：{datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- 机器：nproc={machine['nproc']}，CPU {machine['cpu']}；{machine['os']}",
        f"- PostgreSQL：{machine['postgres']}（{machine['pg_settings']}）",
        f"- Python {machine['python']}，Django {machine['django']}",
        f"- 负载（1/5/15 分钟 loadavg，开始 → 结束）：{load}（同机其他进程会抬高耗时）",
        f"- 数据库：{ctx['target']}；库中 {ctx['units']} 个村(社区)、{ctx['people']} 名人员、"
        f"{ctx['candidacies']} 条人选（其中 {ctx['roster_rows']} 条是为花名册导出预置的）",
    ]


def recreate_database(connection) -> None:
    """--reset: drop and recreate the benchmark database (never the demo one).

    Not `flush`: it would also empty the rows data migrations created (departments).
    """
    name = connection.settings_dict["NAME"]
    if name == "renewal":
        sys.stderr.write("拒绝删除名为 renewal 的数据库（开发/演示库的默认名）。\n")
        sys.exit(2)
    quoted = connection.ops.quote_name(name)
    log(f"按 --reset 删除并重建数据库 {name} …")
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {quoted}")


def rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def parse_parts(value: str) -> list[str]:
    parts = [p.strip() for p in value.replace("+", ",").split(",") if p.strip()]
    unknown = [p for p in parts if p not in PARTS]
    if not parts or unknown:
        raise argparse.ArgumentTypeError(
            f"未知的部分：{'、'.join(unknown) or '（空）'}；可选 {', '.join(PARTS)}，可用逗号组合"
        )
    return [p for p in PARTS if p in parts]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="换届通性能基准：村(社区)列表与详情、候选人导入与导出、选票复核与大会计票。"
    )
    parser.add_argument(
        "--only",
        type=parse_parts,
        default=list(COUNTY_PARTS),
        metavar="PARTS",
        help="只运行这些部分（units、candidates、ballots、voters、rollup、suite、load，可用逗号组合；"
        "province 须单独运行）；默认除 province 外全部；结果文件中其余部分保持上次的内容",
    )
    parser.add_argument(
        "--units",
        type=int,
        default=None,
        help=f"村(社区)数量：县级各部分默认 {COUNTY_UNITS}；--only province 时为全省总数，"
        f"默认 {PROVINCE_UNITS}",
    )
    parser.add_argument(
        "--candidacies",
        type=int,
        default=4,
        help="--only province 时每个村(社区)的初步人选数（seed_demo --candidacies），默认 4",
    )
    parser.add_argument("--reps", type=int, default=30, help="列表页每个场景的计时次数，默认 30")
    parser.add_argument("--warmup", type=int, default=3, help="每个场景的预热次数，默认 3")
    parser.add_argument(
        "--reset",
        action="store_true",
        help="先删除并重建基准库再生成数据，用于重测首次生成耗时或更换 --units",
    )
    parser.add_argument(
        "--output", default=str(ROOT / "docs" / "benchmarks.md"), help="结果文件路径"
    )
    group = parser.add_argument_group("candidates")
    group.add_argument("--import-rows", type=int, default=5000, help="导入文件行数，默认 5000")
    group.add_argument("--import-reps", type=int, default=3, help="导入次数，默认 3")
    group.add_argument(
        "--roster-rows",
        type=int,
        default=200_000,
        help="花名册导出的人选条数（每村 10 条），默认 200000；与库中已有数量不同时删除重建",
    )
    group.add_argument("--export-reps", type=int, default=1, help="花名册导出次数，默认 1")
    group = parser.add_argument_group("ballots")
    group.add_argument(
        "--ballots", type=int, default=5000, help="recount 文件的选票张数，默认 5000"
    )
    group.add_argument("--recount-reps", type=int, default=5, help="recount 每种方式的次数，默认 5")
    group.add_argument("--members", type=int, default=100, help="党员大会名册人数，默认 100")
    group.add_argument(
        "--congress-reps", type=int, default=20, help="党员大会流程的计时次数，默认 20"
    )
    group.add_argument(
        "--congress-warmup", type=int, default=2, help="党员大会流程的预热次数，默认 2"
    )
    group = parser.add_argument_group("voters")
    group.add_argument(
        "--voter-rows", type=int, default=500_000, help="本县预置的选民登记条数，默认 500000"
    )
    group.add_argument(
        "--voter-import-rows", type=int, default=5000, help="选民导入文件行数，默认 5000"
    )
    group.add_argument("--voter-import-reps", type=int, default=3, help="选民导入次数，默认 3")
    group.add_argument("--dup-reps", type=int, default=5, help="县内查重计时次数，默认 5")
    group = parser.add_argument_group("load")
    group.add_argument("--users", type=int, default=200, help="压测的办事员人数，默认 200")
    group.add_argument("--duration", type=int, default=60, help="压测计时秒数，默认 60")
    group.add_argument("--workers", type=int, default=4, help="压测的 gunicorn worker 数，默认 4")
    group.add_argument("--page-reps", type=int, default=20, help="办事员逐页计时次数，默认 20")
    group.add_argument("--page-warmup", type=int, default=3, help="办事员逐页预热次数，默认 3")
    group = parser.add_argument_group("rollup")
    group.add_argument(
        "--rollup-reps", type=int, default=3, help="日通报（每晚汇总）连续运行次数，默认 3"
    )
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    if "province" in args.only and len(args.only) > 1:
        sys.stderr.write("province 部分用自己的数据，请单独运行：--only province。\n")
        return 2
    if args.units is None:
        args.units = PROVINCE_UNITS if args.only == ["province"] else COUNTY_UNITS
    if not 1 <= args.units <= 100_000 or not 0 <= args.candidacies <= 20:
        sys.stderr.write("--units 应在 1 到 100000 之间，--candidacies 应在 0 到 20 之间。\n")
        return 2
    if args.reps < 1 or args.warmup < 0:
        sys.stderr.write("--reps 至少为 1，--warmup 不能为负。\n")
        return 2
    if not 1 <= args.import_rows <= 10_000:
        sys.stderr.write("--import-rows 应在 1 到 10000 之间（导入的行数上限）。\n")
        return 2
    if (
        min(args.import_reps, args.export_reps, args.congress_warmup, args.page_warmup) < 0
        or min(
            args.recount_reps,
            args.congress_reps,
            args.ballots,
            args.members,
            args.roster_rows,
            args.rollup_reps,
            args.users,
            args.duration,
            args.workers,
            args.page_reps,
        )
        < 1
    ):
        sys.stderr.write("次数与数量参数不能为负（计时次数至少为 1）。\n")
        return 2
    sys.path.insert(0, str(ROOT))
    target = configure_environment()
    if args.only == ["suite"]:
        return run_suite_only(args)
    if args.only == ["province"]:
        return run_province_only(args, target)
    started_at = datetime.datetime.now().astimezone()
    log(f"== 换届通基准测试：{', '.join(args.only)}；{args.units} 个村(社区) ==")
    log(f"数据库：{target}")

    import django

    django.setup()

    from django.conf import settings
    from django.db import connection, connections

    from candidates.models import Candidacy
    from renewal.models import Person, Unit

    if args.reset:
        recreate_database(connection)

    log("\n[准备 1/4] migrate …")
    t0 = time.perf_counter()
    manage("migrate", "--noinput", "-v", "0")
    log(f"migrate 完成（{time.perf_counter() - t0:.1f} 秒）")

    units_before = Unit.objects.count()
    people_before = Person.objects.count()
    connections.close_all()

    log(f"\n[准备 2/4] seed_demo --units {args.units}（库中已有 {units_before} 个村(社区)）…")
    t0 = time.perf_counter()
    seed_rss = manage("seed_demo", "--units", str(args.units))
    seed_seconds = time.perf_counter() - t0
    units_after = Unit.objects.count()
    people_after = Person.objects.count()
    fresh = units_after > units_before
    log(
        f"seed_demo 用时 {seed_seconds:.1f} 秒（{'新生成' if fresh else '已有数据，未新增'}），"
        f"村(社区) {units_before} → {units_after}，人员 {people_before} → {people_after}"
    )
    warnings = []
    if units_after != args.units:
        warnings.append(
            f"库中共有 {units_after} 个村(社区)，与 --units {args.units} 不一致"
            "（可能是先前用其他 --units 生成过）；用 `bin/bench.py --reset` 重建。"
        )
        log("注意：" + warnings[-1])

    # The candidacies the roster export reads are part of the data set for every part,
    # so the unit pages are measured on the same data whichever parts run.
    log(f"\n[准备 3/4] 花名册人选（每村 10 条，共 {args.roster_rows} 条；首次约需数分钟）")
    connections.close_all()
    import bench_candidates

    roster = bench_candidates.ensure_roster(args)

    # A freshly bulk-loaded table has no statistics or visibility map yet; production
    # tables are vacuumed by autovacuum, so measure after one explicit pass.
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    log(f"\n[准备 4/4] VACUUM ANALYZE 完成（{time.perf_counter() - t0:.1f} 秒）")

    # DEBUG=1 was only needed for the dev keys at settings import. Measure with the
    # production value so Django's debug cursor does not log every query.
    settings.DEBUG = False
    ctx = {
        "target": target,
        "machine": machine_info(connection),
        "units": units_after,
        "people": Person.objects.count(),
        "started_at": started_at,
        "visible_candidacies": lambda: _visible_candidacies(),
        "roster": roster,
        "candidacies": Candidacy.objects.count(),
        "roster_rows": roster["existing"] if roster else 0,
    }
    output = Path(args.output)
    previous = output.read_text(encoding="utf-8") if output.exists() else ""
    sections: dict[str, str] = {}
    failures: list[str] = []

    if "units" in args.only:
        log(f"\n== {SECTION_TITLES['units']}：负载 {loadavg()} ==")
        text, failed = run_units(
            args,
            ctx,
            previous=previous,
            seed={
                "seconds": seed_seconds,
                "fresh": fresh,
                "units_before": units_before,
                "units_after": units_after,
                "people_after": people_after,
                "rss": seed_rss,
            },
            warnings=warnings,
        )
        sections["units"] = text
        failures += failed
    connections.close_all()  # children get the database to themselves
    if "candidates" in args.only:
        log(f"\n== {SECTION_TITLES['candidates']}：负载 {loadavg()} ==")
        text, failed = bench_candidates.run_section(args, ctx)
        sections["candidates"] = text
        failures += failed
        connections.close_all()
    if "ballots" in args.only:
        import bench_ballots

        log(f"\n== {SECTION_TITLES['ballots']}：负载 {loadavg()} ==")
        text, failed = bench_ballots.run_section(args, ctx)
        sections["ballots"] = text
        failures += failed
        connections.close_all()
    if "voters" in args.only:
        import bench_voters

        log(f"\n== {SECTION_TITLES['voters']}：负载 {loadavg()} ==")
        text, failed = bench_voters.run_section(args, ctx)
        sections["voters"] = text
        failures += failed
        connections.close_all()

    if "rollup" in args.only:
        import bench_rollup

        log(f"\n== {SECTION_TITLES['rollup']}：负载 {loadavg()} ==")
        text, failed = bench_rollup.run_section(args, ctx)
        sections["rollup"] = text
        failures += failed
        connections.close_all()

    if "load" in args.only:
        import bench_load

        log(f"\n== {SECTION_TITLES['load']}：负载 {loadavg()} ==")
        text, failed = bench_load.run_section(args, ctx)
        sections["load"] = text
        failures += failed
        connections.close_all()

    if "suite" in args.only:
        import bench_suite

        log(f"\n== {SECTION_TITLES['suite']}：负载 {loadavg()} ==")
        text, failed = bench_suite.run_section(args)
        sections["suite"] = text
        failures += failed

    log(f"\n写入 {output}（本次更新：{'、'.join(SECTION_TITLES[p] for p in args.only)}）")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render_file(sections, previous), encoding="utf-8")
    if failures:
        log("失败：\n  " + "\n  ".join(failures))
        return 1
    return 0


def run_suite_only(args) -> int:
    """The suite's budget needs no seeded county: clone, time make test, write the section."""
    import bench_suite

    text, failures = bench_suite.run_section(args)
    output = Path(args.output)
    previous = output.read_text(encoding="utf-8") if output.exists() else ""
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render_file({"suite": text}, previous), encoding="utf-8")
    log(f"\n写入 {output}（本次更新：{SECTION_TITLES['suite']}）")
    if failures:
        log("失败：\n  " + "\n  ".join(failures))
        return 1
    return 0


def run_province_only(args, target: str) -> int:
    """The province's own data set: migrate, seed the province, measure, write the section."""
    log(f"== 换届通基准测试：province；全省 {args.units} 个村(社区) ==")
    log(f"数据库：{target}；负载 {loadavg()}")
    import django

    django.setup()
    import bench_province
    from django.db import connection, connections

    if args.reset:
        recreate_database(connection)
    log("\n[准备] migrate …")
    t0 = time.perf_counter()
    manage("migrate", "--noinput", "-v", "0")
    log(f"migrate 完成（{time.perf_counter() - t0:.1f} 秒）；负载 {loadavg()}")
    machine = machine_info(connection)
    output = Path(args.output)
    previous = output.read_text(encoding="utf-8") if output.exists() else ""
    kept = {m.group(1): m.group(2) for m in SECTION.finditer(previous)}
    connections.close_all()
    text, failures = bench_province.run_section(
        args, target=target, previous=kept.get("province", ""), machine=machine
    )
    # The file as it is now: the sections of runs that finished meanwhile are kept.
    previous = output.read_text(encoding="utf-8") if output.exists() else ""
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render_file({"province": text}, previous), encoding="utf-8")
    log(f"\n写入 {output}（本次更新：{SECTION_TITLES['province']}）")
    if failures:
        log("失败：\n  " + "\n  ".join(failures))
        return 1
    return 0


def _visible_candidacies() -> int:
    from django.contrib.auth import get_user_model

    from candidates.access import candidacies_visible_to

    return candidacies_visible_to(get_user_model().objects.get(username=REVIEWER)).count()


# --- The output file ---------------------------------------------------------------------------


def render_file(sections: dict[str, str], previous: str) -> str:
    """The whole file: this run's sections, the previous run's for the parts not run."""
    kept = {m.group(1): m.group(2) for m in SECTION.finditer(previous)}
    lines = [
        "# 性能基准",
        "",
        "> 本文件由 `make bench`（`bin/bench.py`）自动生成，每次运行覆盖所运行部分的章节"
        "（`--only` 只运行其中一部分时，其余章节保留上次的结果），请勿手工编辑。",
        "",
    ]
    for part in PARTS:
        lines.append(f"- [{SECTION_TITLES[part]}](#{_anchor(SECTION_TITLES[part])})")
    lines.append("")
    for part in PARTS:
        body = sections.get(part) or kept.get(part)
        if body is None:
            body = (
                f"## {SECTION_TITLES[part]}\n\n"
                f"尚无结果：运行 `.venv/bin/python bin/bench.py --only {part}`。\n\n"
            )
        lines += [
            f"<!-- bench-section:{part} -->",
            body.rstrip("\n") + "\n",
            f"<!-- /bench-section:{part} -->",
            "",
        ]
    marker = FRESH_MARKER.search(previous)
    if "units" not in sections and marker and not FRESH_MARKER.search("\n".join(lines)):
        # The old single-section file kept it at the end; keep it until units run again.
        lines += [marker.group(0), ""]
    lines += [
        "## 如何复现",
        "",
        "```sh",
        "make bench                                   # 除全省外的各部分（20000 个村(社区)）",
        ".venv/bin/python bin/bench.py --only units   # 只测列表页；也可 --only candidates,ballots",
        ".venv/bin/python bin/bench.py --only units --units 2000 --reps 50",
        ".venv/bin/python bin/bench.py --only candidates --import-reps 5 --export-reps 3",
        ".venv/bin/python bin/bench.py --only ballots --congress-reps 50",
        ".venv/bin/python bin/bench.py --only voters --voter-rows 500000",
        ".venv/bin/python bin/bench.py --only rollup --rollup-reps 3",
        ".venv/bin/python bin/bench.py --only suite   # make test 从干净克隆运行的用时（预算 5 分钟）",
        ".venv/bin/python bin/bench.py --only load --users 200 --duration 60"
        "  # 办事员逐页 CPU 与并发压测",
        ".venv/bin/python bin/bench.py --reset        # 清空基准库后重新生成（测量首次生成耗时）",
        ".venv/bin/python bin/bench.py --only province --reset --units 50000 --candidacies 20"
        "  # 全省（单独的数据）",
        "```",
        "",
        f"未设置 `DATABASE_URL` 时使用内置 PostgreSQL 的 `{BENCH_DB_NAME}` 库；设置了 `DATABASE_URL` 时"
        "必须另设 `BENCH_DATABASE_URL`（专用于基准测试的库），否则拒绝运行。"
        "每次运行都先执行 `migrate` 与 `seed_demo`（幂等：重跑不会新增数据，第二次起“生成用时”只是核对耗时）。"
        "基准测试写入的文件（导入文件、导出文件、选票记录）放在 `var/bench/` 下。",
        "",
    ]
    return "\n".join(lines)


def _anchor(title: str) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")


# --- Part 1: unit list and detail ------------------------------------------------------------


def run_units(args, ctx, *, previous, seed, warnings) -> tuple[str, list[str]]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from renewal import access
    from renewal.models import Region

    user = get_user_model().objects.get(username=REVIEWER)
    client = Client()
    client.force_login(user)

    visible = access.units_visible_to(user)
    visible_count = visible.count()
    page_size = settings.UNITS_PAGE_SIZE
    last_page = max(1, math.ceil(visible_count / page_size))
    middle_page = max(1, last_page // 2)
    townships = list(access.townships_visible_to(user).order_by("code").values_list("pk", "name"))
    township_id, township_name = townships[1] if len(townships) > 1 else townships[0]
    middle_unit = visible.order_by("code").values_list("pk", "name")[visible_count // 2]
    county_count = Region.objects.filter(kind=Region.Kind.COUNTY).count()

    htmx = {"HTTP_HX_REQUEST": "true"}
    filtered = f"/units/?township={township_id}&kind=village&key=0&sort=-population"
    scenarios = [
        ("list_first", "列表首页", "/units/", {}),
        ("list_filtered", f"筛选页（{township_name}·村·非重点·按人口降序）", filtered, {}),
        ("list_middle", f"中间页（第 {middle_page} 页）", f"/units/?page={middle_page}", {}),
        ("list_deep", f"末页（第 {last_page} 页）", f"/units/?page={last_page}", {}),
        ("list_htmx", "列表首页 htmx 片段", "/units/", htmx),
        ("list_size100", "列表首页 size=100", "/units/?size=100", {}),
        (
            "detail",
            f"详情（{middle_unit[1]}，pk={middle_unit[0]}）",
            f"/units/{middle_unit[0]}/",
            {},
        ),
    ]

    log(
        f"\n[村(社区)] 计时：审核员 {REVIEWER} 可见 {visible_count} 个村(社区)，"
        f"{len(townships)} 个乡镇(街道)，每页 {page_size} 条，共 {last_page} 页"
    )
    load_before = loadavg()
    failures = []

    def get(label, path, headers):
        response = client.get(path, **headers)
        if response.status_code != 200:
            failures.append(f"{label} {path}：HTTP {response.status_code}")
        return response

    log(f"  预热：每个场景 {args.warmup} 次")
    for _, label, path, headers in scenarios:
        for _ in range(args.warmup):
            get(label, path, headers)
    # Round-robin: a burst of load on the machine spreads over all scenarios instead of
    # landing on whichever one happened to be running.
    times = {key: [] for key, *_ in scenarios}
    cpu = {key: [] for key, *_ in scenarios}
    for rep in range(1, args.reps + 1):
        for key, label, path, headers in scenarios:
            c0 = time.process_time()
            t0 = time.perf_counter()
            get(label, path, headers)
            times[key].append((time.perf_counter() - t0) * 1000)
            cpu[key].append((time.process_time() - c0) * 1000)
        if rep % 10 == 0 or rep == args.reps:
            log(f"  计时：第 {rep}/{args.reps} 轮")

    results = []
    for key, label, path, headers in scenarios:
        # Query counts from separate runs, so capturing SQL does not inflate the times.
        counts, timer = [], None
        for _ in range(2):
            timer = QueryTimer()
            with connection.execute_wrapper(timer), CaptureQueriesContext(connection) as ctx_q:
                response = get(label, path, headers)
            counts.append(len(ctx_q.captured_queries))
        slowest = max(timer.calls, default=(0.0, ""))
        row = {
            "key": key,
            "label": label,
            "path": path + (" (HX-Request: true)" if headers else ""),
            "median": statistics.median(times[key]),
            "p95": percentile(times[key], 95),
            "max": max(times[key]),
            "cpu": statistics.median(cpu[key]),
            "queries": counts[-1],
            "queries_stable": len(set(counts)) == 1,
            "db_ms": sum(ms for ms, _ in timer.calls),
            "kb": len(response.content) / 1024,
            "slowest_ms": slowest[0],
            "slowest_sql": slowest[1],
        }
        results.append(row)
        verdict = "达标" if row["p95"] < BUDGET_MS else "超标"
        log(
            f"  {label}：{row['path']}\n"
            f"    中位 {row['median']:.1f} ms（本进程 CPU {row['cpu']:.1f} ms），"
            f"p95 {row['p95']:.1f} ms，最大 {row['max']:.1f} ms，"
            f"查询 {row['queries']} 条（其中数据库 {row['db_ms']:.1f} ms），"
            f"响应 {row['kb']:.0f} KB —— {verdict}"
        )

    failures = [f"{msg}（{n} 次）" for msg, n in collections.Counter(failures).items()]
    bench_rss = rss_mb(resource.RUSAGE_SELF)
    load = f"{load_before} → {loadavg()}"
    by_key = {r["key"]: r for r in results}
    size_same = by_key["list_first"]["queries"] == by_key["list_size100"]["queries"]

    if seed["fresh"] and seed["units_before"] == 0:
        fresh_seed = {
            "units": seed["units_after"],
            "seconds": seed["seconds"],
            "rss": seed["rss"],
            "date": f"{ctx['started_at']:%Y-%m-%d}",
        }
    else:
        match = FRESH_MARKER.search(previous)
        fresh_seed = None
        if match and int(match.group(1)) == seed["units_after"]:
            fresh_seed = {
                "units": int(match.group(1)),
                "seconds": float(match.group(2)),
                "rss": float(match.group(3)),
                "date": match.group(4),
            }
    text = render_units(
        fresh_seed=fresh_seed,
        args=args,
        ctx=ctx,
        load=load,
        seed=seed,
        scope={
            "visible": visible_count,
            "townships": len(townships),
            "counties": county_count,
            "page_size": page_size,
            "last_page": last_page,
        },
        results=results,
        size_same=size_same,
        bench_rss=bench_rss,
        failures=failures,
        warnings=warnings,
    )

    log("")
    log(
        f"{'scenario':<14} {'median':>8} {'p95':>8} {'max':>8} {'cpu':>8} {'queries':>7}  "
        f"budget<{BUDGET_MS:.0f}ms"
    )
    for r in results:
        log(
            f"{r['key']:<14} {r['median']:>8.1f} {r['p95']:>8.1f} {r['max']:>8.1f} "
            f"{r['cpu']:>8.1f} {r['queries']:>7}  {'OK' if r['p95'] < BUDGET_MS else 'OVER'}"
        )
    log(
        f"查询数 size=50：{by_key['list_first']['queries']}，size=100："
        f"{by_key['list_size100']['queries']} —— {'与每页条数无关' if size_same else '随每页条数变化！'}"
    )
    log(
        f"seed 用时 {seed['seconds']:.1f} 秒；峰值 RSS：seed 子进程 {seed['rss']:.0f} MB，"
        f"计时进程 {bench_rss:.0f} MB"
    )
    return text, [f"村(社区)：{f}" for f in failures]


def render_units(
    *,
    args,
    ctx,
    load,
    seed,
    fresh_seed,
    scope,
    results,
    size_same,
    bench_rss,
    failures,
    warnings,
) -> str:
    by_key = {r["key"]: r for r in results}
    over = [r for r in results if r["p95"] >= BUDGET_MS]
    lines = [
        f"## {SECTION_TITLES['units']}",
        "",
        "### 方法",
        "",
        f"- 在单独的数据库中（不碰开发/演示库）执行 `migrate` 与 `seed_demo --units N`，"
        f"以县委组织部审核员 `{REVIEWER}`（县级授权，可见全县）身份用 `django.test.Client` "
        "在进程内请求页面（`force_login`）。",
        "- “服务器时间”是 `time.perf_counter()` 包住 `client.get()` 的耗时：包括中间件、会话与用户查询、"
        "视图、SQL 与模板渲染，不含网络与浏览器。",
        "- 生成数据后先执行一次 `VACUUM ANALYZE`（刚批量写入的表还没有统计信息和可见性映射，"
        "而生产库由 autovacuum 维护），再开始计时。",
        f"- 每个场景先预热 {args.warmup} 次，再轮流（各场景交替）计时 {args.reps} 轮，"
        "报告中位数、p95（最近秩法）与最大值。"
        "计时时 `settings.DEBUG = False`（`DEBUG=1` 只用于在导入设置时取得开发密钥），"
        "避免调试游标记录每条 SQL。",
        "- “CPU 中位 ms”是本进程（Python + 驱动）的 `time.process_time()`，不含 PostgreSQL 进程；"
        "墙钟时间远大于它时，多半是在等数据库或同机其他进程抢 CPU。",
        "- 查询数另用 `django.test.utils.CaptureQueriesContext` 单独请求两次统计（不计入计时）；"
        "“数据库 ms”是这次请求中各条 SQL 的耗时之和（`connection.execute_wrapper` + `perf_counter`，"
        "含驱动往返，不含建模型对象）。",
        f"- 预算：每个场景 p95 < {BUDGET_MS:.0f} ms（{seed['units_after']} 个村(社区)）；"
        "查询数与每页条数无关（size=50 与 size=100 相同）。",
        "",
        "### 环境",
        "",
        *environment_lines(ctx, load),
        "",
        "### 数据",
        "",
        f"- `seed_demo --units {args.units}`：用时 **{seed['seconds']:.1f} 秒**"
        f"（{'本次新生成数据' if seed['fresh'] else '数据已存在，本次未新增（幂等重跑）'}；"
        f"运行前 {seed['units_before']} 个村(社区)，运行后 {seed['units_after']} 个，"
        f"人员 {seed['people_after']} 人）。",
        (
            f"- 最近一次从空库全新生成 {fresh_seed['units']} 个村(社区)：**{fresh_seed['seconds']:.1f} 秒**，"
            f"seed 子进程峰值 RSS {fresh_seed['rss']:.0f} MB（{fresh_seed['date']}，"
            "`bin/bench.py --reset` 重测）。"
            if fresh_seed
            else "- 尚无从空库全新生成的记录（用 `bin/bench.py --reset` 测量）。"
        ),
        f"- 审核员可见 {scope['visible']} 个村(社区)，分属 {scope['counties']} 个区县、"
        f"{scope['townships']} 个乡镇(街道)；每页 {scope['page_size']} 条，共 {scope['last_page']} 页。",
        f"- 峰值 RSS：seed 子进程 {seed['rss']:.0f} MB；计时进程 {bench_rss:.0f} MB。",
    ]
    lines += [f"- 注意：{w}" for w in warnings]
    lines += [
        "",
        "### 结果",
        "",
        "| 场景 | 请求 | 中位 ms | p95 ms | 最大 ms | CPU 中位 ms | 查询数 | 数据库 ms | 响应 KB "
        "| 预算 (p95 < 150 ms) |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for r in results:
        verdict = "✅ 达标" if r["p95"] < BUDGET_MS else "❌ 超标"
        queries = str(r["queries"]) + ("" if r["queries_stable"] else "（不稳定）")
        lines.append(
            f"| {r['label']} | `{r['path']}` | {r['median']:.1f} | {r['p95']:.1f} | {r['max']:.1f} "
            f"| {r['cpu']:.1f} | {queries} | {r['db_ms']:.1f} | {r['kb']:.0f} | {verdict} |"
        )
    first, big = by_key["list_first"], by_key["list_size100"]
    lines += [
        "",
        "#### 查询数与每页条数",
        "",
        f"- 列表首页 size=50：{first['queries']} 条查询；size=100：{big['queries']} 条查询 —— "
        + ("**与每页条数无关** ✅" if size_same else "**随每页条数增长** ❌（存在 N+1 查询）"),
        "",
        "#### 各场景最慢的一条 SQL",
        "",
        "| 场景 | 耗时 ms | SQL（截断） |",
        "|---|--:|---|",
    ]
    for r in results:
        lines.append(f"| {r['key']} | {r['slowest_ms']:.1f} | {sql_cell(r['slowest_sql'])} |")
    lines += ["", "### 结论", ""]
    if over:
        lines.append(
            "超出预算的场景："
            + "、".join(f"{r['label']}（p95 {r['p95']:.0f} ms）" for r in over)
            + "。"
        )
    else:
        lines.append(f"全部场景 p95 均低于 {BUDGET_MS:.0f} ms。")
    if failures:
        lines += ["", "**失败的请求：**", ""] + [f"- {f}" for f in failures]
    if fresh_seed:
        lines += [
            "",
            f"<!-- bench-fresh-seed units={fresh_seed['units']} seconds={fresh_seed['seconds']:.1f} "
            f"rss_mb={fresh_seed['rss']:.0f} date={fresh_seed['date']} -->",
        ]
    lines.append("")
    return "\n".join(lines)


def sql_cell(sql: str, limit: int = 160) -> str:
    sql = re.sub(r"\s+", " ", sql)
    sql = (sql[:limit] + "…") if len(sql) > limit else sql
    return "`" + sql.replace("|", "\\|").replace("`", "'") + "`"


if __name__ == "__main__":
    sys.exit(main())
