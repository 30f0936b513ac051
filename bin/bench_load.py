"""`make bench`, load part: the township clerk's pages, in one process and under load.

Run by bin/bench.py (``--only load``), each step in a child process:
- ``pages``: as the township staff ``chengguan``, with ``django.test.Client`` (``force_login``,
  ``DEBUG=False``), the pages a clerk uses on election day: the home page, the unit list, the
  candidate list, the township's dashboard, the daily reports (list, form, and saving the
  day's report), and a party congress's paper-count entry (the form, and posting the
  totals: each repetition walks a congress from creation to the counted result with
  bin/bench_ballots.py's flow and keeps those two steps). Median wall and CPU time
  (``time.process_time``) and the query count per page. ``--profile KEY`` prints a
  cProfile of one page instead (for finding where its time goes).
- ``load``: gunicorn (``-w 4``, ``DEBUG=0`` with the benchmark's keys, behind an assumed
  TLS proxy: ``X-Forwarded-Proto: https``) against the benchmark database; N clerk accounts
  (``bench_clerk_001``…, township staff of 城关镇, created once with the demo password) sign
  in through the login form (its CSRF token and cookie, the real password check) and then,
  each in a thread with a think time of 1–3 s, open the clerk's pages in turn for a fixed
  time: requests per second, median / p95 / max latency, errors. Sign-ins happen before the
  timed part and are reported on their own.
"""

import argparse
import cProfile
import http.client
import http.cookies
import json
import os
import pstats
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

BIN = Path(__file__).resolve().parent
if str(BIN) not in sys.path:
    sys.path.insert(0, str(BIN))

import bench  # noqa: E402  (bin/ is not a package)
import bench_ballots  # noqa: E402

STAFF = bench_ballots.STAFF
CLERK_PREFIX = "bench_clerk_"
CPU_BUDGET_MS = 20.0
P95_BUDGET_MS = 300.0
THINK_S = (1.0, 3.0)
# The clerk's pages under load, with how often each is opened (weights).
LOAD_PAGES = [
    ("home", "工作台", 15),
    ("units", "村(社区)列表", 20),
    ("candidates", "候选人列表", 20),
    ("dashboard", "乡镇看板", 10),
    ("reports", "乡镇日报列表", 5),
    ("report_form", "日报填报页", 5),
    ("round_get", "计票录入页", 15),
    ("round_post", "提交计票汇总（有误，退回重填）", 10),
]


def log(message: str = "") -> None:
    print(message, flush=True)


# --- In one process ----------------------------------------------------------------------------


def clerk_paths(user) -> dict:
    """The clerk's own township, today's daily report form and the township dashboard."""
    from django.utils import timezone

    township = user.profile.region
    today = timezone.localdate()
    return {
        "township": township,
        "home": "/",
        "units": "/units/",
        "candidates": "/candidates/",
        "dashboard": f"/rollup/townships/{township.pk}/",
        "reports": "/daily-reports/",
        "report_form": f"/daily-reports/{township.pk}/{today.isoformat()}/",
    }


PAGE_STEPS = [
    ("home", "工作台", "GET /"),
    ("units", "村(社区)列表", "GET /units/"),
    ("candidates", "候选人列表", "GET /candidates/"),
    ("dashboard", "乡镇看板", "GET /rollup/townships/<pk>/"),
    ("reports", "乡镇日报列表", "GET /daily-reports/"),
    ("report_form", "日报填报页", "GET /daily-reports/<pk>/<day>/"),
    ("report_post", "保存日报", "POST /daily-reports/<pk>/<day>/"),
    ("round_get", "计票录入页", "GET /congress-rounds/<pk>/"),
    ("totals_post", "提交计票汇总（计票）", "POST /congress-rounds/<pk>/"),
]
REPORT_FORM = {
    "talks_held": 12,
    "disputes_mediated": 2,
    "problems_solved": 5,
    "petitions_handled": 0,
    "note": "",
}


def timed(client, method, path, data=None) -> dict:
    from django.db import connection

    counter = bench.QueryCounter()
    with connection.execute_wrapper(counter):
        c0 = time.process_time()
        t0 = time.perf_counter()
        response = client.post(path, data) if method == "POST" else client.get(path)
        ms = (time.perf_counter() - t0) * 1000
        cpu = (time.process_time() - c0) * 1000
    return {
        "ms": ms,
        "cpu": cpu,
        "queries": counter.count,
        "db_ms": counter.ms,
        "status": response.status_code,
        "kb": len(response.content) / 1024,
    }


def step_pages(args) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from renewal.selectors import active_round

    user = get_user_model().objects.get(username=STAFF)
    paths = clerk_paths(user)
    unit = bench_ballots.bench_unit(user, args.members)
    bench_ballots.top_up_roster(unit, args.members)
    rnd = active_round(unit.county_id)
    people, scrutineers = bench_ballots.formal_candidates(unit, user)
    client = Client()
    client.force_login(user)
    gets = [key for key, *_ in PAGE_STEPS if key in paths]
    expected = {"report_post": 302, "round_get": 200, "totals_post": 302}

    def one(key):
        if key == "report_post":
            return timed(client, "POST", paths["report_form"], REPORT_FORM)
        return timed(client, "GET", paths[key])

    if args.profile:
        return profile_page(args, client, one, unit, rnd, people, scrutineers)
    runs: dict[str, list] = {key: [] for key, *_ in PAGE_STEPS}
    for rep in range(args.warmup + args.reps):
        # Round robin, so that a burst of load on the machine spreads over every page.
        results = {key: one(key) for key in [*gets, "report_post"]}
        bench_ballots.delete_congress(unit)
        steps, _check = bench_ballots.run_flow(client, unit, rnd, people, scrutineers)
        for key in ("round_get", "totals_post"):
            if key in steps:
                results[key] = steps[key]
        if rep >= args.warmup:
            for key, value in results.items():
                runs[key].append(value)
    bench_ballots.delete_congress(unit)
    rows, failures = [], []
    for key, label, request in PAGE_STEPS:
        values = runs[key]
        if not values:
            failures.append(f"{label}：没有结果")
            continue
        want = expected.get(key, 200)
        bad = [v["status"] for v in values if v["status"] != want]
        if bad:
            failures.append(f"{label}：HTTP {sorted(set(bad))}（应为 {want}）")
        queries = [v["queries"] for v in values]
        rows.append(
            {
                "key": key,
                "label": label,
                "request": request,
                "median": statistics.median(v["ms"] for v in values),
                "p95": bench.percentile([v["ms"] for v in values], 95),
                "cpu": statistics.median(v["cpu"] for v in values),
                "queries": statistics.median(queries),
                "queries_stable": len(set(queries)) == 1,
                "db_ms": statistics.median(v["db_ms"] for v in values),
                "kb": statistics.median(v["kb"] for v in values),
            }
        )
    return {
        "rows": rows,
        "failures": failures,
        "township": paths["township"].name,
        "unit": unit.name,
    }


def profile_page(args, client, one, unit, rnd, people, scrutineers) -> dict:
    """cProfile of one page over the repetitions (after the warm-up), printed to stdout."""
    key = args.profile
    profiler = cProfile.Profile()
    for rep in range(args.warmup + args.reps):
        if key in ("round_get", "totals_post"):
            bench_ballots.delete_congress(unit)
            _out, made = bench_ballots.run_flow(
                client, unit, rnd, people, scrutineers, until="round_create"
            )
            target = f"/congress-rounds/{made['round'].pk}/"
            if key == "totals_post":
                data, _ = bench_ballots.vote_plan(list(made["round"].candidates), 94)
                data = {"version": made["round"].version, **data}
            if rep >= args.warmup:
                profiler.enable()
            if key == "round_get":
                client.get(target)
            else:
                client.post(target, data)
            profiler.disable()
        else:
            if rep >= args.warmup:
                profiler.enable()
            one(key)
            profiler.disable()
    bench_ballots.delete_congress(unit)
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(args.profile_lines)
    stats.sort_stats("tottime").print_stats(args.profile_lines)
    return {"rows": [], "failures": [], "profile": key}


# --- Under load ----------------------------------------------------------------------------------


def ensure_clerks(count: int, township) -> list[str]:
    """`count` township staff accounts of `township`, with the demo password (hashed once)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from renewal import services
    from renewal.management.commands.seed_demo import DEMO_PASSWORD
    from renewal.models import Profile

    User = get_user_model()
    names = [f"{CLERK_PREFIX}{i:03d}" for i in range(1, count + 1)]
    existing = set(
        User.objects.filter(
            username__in=names,
            profile__role=Profile.Role.TOWNSHIP_STAFF,
            profile__region=township,
        ).values_list("username", flat=True)
    )
    missing = [n for n in names if n not in existing]
    if missing:
        hashed = make_password(DEMO_PASSWORD)
        for name in missing:
            user, _ = User.objects.get_or_create(
                username=name, defaults={"first_name": f"压测{name[-3:]}"}
            )
            user.password = hashed
            user.save(update_fields=["password"])
            services.account_assign_role(
                user=user, role=Profile.Role.TOWNSHIP_STAFF, region=township
            )
    return names


class Browser:
    """One clerk's browser: its cookies, over a new connection per request (gunicorn's sync
    workers close each one)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            # As behind the TLS proxy of a deployment (settings.SECURE_PROXY_SSL_HEADER).
            "X-Forwarded-Proto": "https",
            "User-Agent": "hjt-bench-load",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://127.0.0.1:{self.port}{path}"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read()
            for value in response.headers.get_all("Set-Cookie") or []:
                cookie = http.cookies.SimpleCookie()
                cookie.load(value)
                for name, morsel in cookie.items():
                    if morsel["max-age"] == "0" or morsel.value == "":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return response.status, response.getheader("Location", ""), content
        finally:
            conn.close()

    def login(self, username: str, password: str) -> bool:
        status, _loc, content = self.request("GET", "/login/")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
        if status != 200 or not match:
            return False
        status, location, _ = self.request(
            "POST",
            "/login/",
            {
                "csrfmiddlewaretoken": match.group(1).decode(),
                "username": username,
                "password": password,
            },
        )
        return status == 302 and "/login/" not in location and "sessionid" in self.cookies


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env() -> dict:
    """Production settings (DEBUG off) with the benchmark's development keys."""
    from django.conf import settings

    env = os.environ.copy()
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": settings.SECRET_KEY,
            "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
            "FIELD_SM4_KEYS": ",".join(settings.FIELD_SM4_KEYS),
            "DISCIPLINE_ENCRYPTION_KEYS": ",".join(settings.DISCIPLINE_ENCRYPTION_KEYS),
            "DISCIPLINE_SM4_KEYS": ",".join(settings.DISCIPLINE_SM4_KEYS),
            "BLIND_INDEX_KEY": settings.BLIND_INDEX_KEY,
            "DISCIPLINE_INDEX_KEY": settings.DISCIPLINE_INDEX_KEY,
            "STATIC_ROOT": str(bench.BENCH_VAR / "static"),
            "SECURE_HSTS_PRELOAD": "0",
        }
    )
    return env


def start_server(workers: int, env: dict) -> tuple[subprocess.Popen, int, Path]:
    port = free_port()
    errors = bench.BENCH_VAR / "gunicorn.log"
    with errors.open("wb") as err:
        proc = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "-w",
                str(workers),
                "--timeout",
                "120",
                "--backlog",
                "2048",
            ],
            cwd=bench.ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn 未能启动：\n{errors.read_text(errors='replace')[-2000:]}")
        try:
            status, _loc, _c = Browser(port).request("GET", "/login/")
            if status == 200:
                return proc, port, errors
        except OSError:
            pass
        time.sleep(0.5)
    stop_server(proc)
    raise SystemExit("gunicorn 两分钟内未就绪。")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def server_cpu_seconds(master: int) -> float:
    """User + system CPU of gunicorn's workers so far (Linux /proc; 0 where unreadable)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return 0.0
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def collect_static(env: dict) -> float:
    """DEBUG off serves the hashed static files: collect them once (kept under var/bench)."""
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, str(bench.ROOT / "manage.py"), "collectstatic", "--noinput", "-v", "0"],
        cwd=bench.ROOT,
        env=env,
        check=True,
    )
    return time.perf_counter() - t0


def step_load(args) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connections
    from django.test import Client

    from renewal.management.commands.seed_demo import DEMO_PASSWORD
    from renewal.selectors import active_round

    staff = get_user_model().objects.get(username=STAFF)
    paths = clerk_paths(staff)
    names = ensure_clerks(args.users, paths["township"])
    # One congress round of the township waiting for its paper count: the clerks open its
    # entry form, and post totals with a write-in row that has votes but no name (the form
    # comes back with the problem; nothing is saved, so every clerk can post it again).
    unit = bench_ballots.bench_unit(staff, args.members)
    bench_ballots.top_up_roster(unit, args.members)
    rnd = active_round(unit.county_id)
    people, scrutineers = bench_ballots.formal_candidates(unit, staff)
    bench_ballots.delete_congress(unit)
    client = Client()
    client.force_login(staff)
    _out, made = bench_ballots.run_flow(
        client, unit, rnd, people, scrutineers, until="round_create"
    )
    entry = made["round"]
    totals, _valid = bench_ballots.vote_plan(list(entry.candidates), 90)
    refused = {"version": entry.version, **totals, "wi-name-0": ""}
    paths["round_get"] = paths["round_post"] = f"/congress-rounds/{entry.pk}/"
    connections.close_all()

    env = server_env()
    static_s = collect_static(env)
    log(f"  collectstatic {static_s:.1f} 秒；启动 gunicorn -w {args.workers} …")
    proc, port, errlog = start_server(args.workers, env)
    load_before = bench.loadavg()
    records: list[tuple[str, float, float, int]] = []  # page, start, ms, status
    logins: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    signed_in = threading.Barrier(args.users + 1)
    login_gate = threading.Semaphore(args.workers)
    go = threading.Event()
    window = {}
    pages = [key for key, _label, _w in LOAD_PAGES]
    weights = [w for _key, _label, w in LOAD_PAGES]

    def clerk(i: int, name: str) -> None:
        rng = random.Random(f"bench-load-{i}")
        browser = Browser(port)
        ok = False
        # A few sign-ins at a time: each costs the server a password hash (PBKDF2), and a
        # crowd of them queued at once would time out waiting rather than measure anything.
        with login_gate:
            t0 = time.perf_counter()
            try:
                ok = browser.login(name, DEMO_PASSWORD)
            except OSError as exc:
                with lock:
                    failures.append(f"{name} 登录：{exc}")
        with lock:
            logins.append((time.perf_counter() - t0) * 1000)
            if not ok:
                failures.append(f"{name} 登录失败")
        signed_in.wait()
        go.wait()
        if not ok:
            return
        # Spread the first requests over one think time, as clerks do not click in step.
        time.sleep(rng.uniform(0, THINK_S[1]))
        while time.perf_counter() < window["end"]:
            page = rng.choices(pages, weights)[0]
            start = time.perf_counter()
            try:
                if page == "round_post":
                    status, _loc, _c = browser.request("POST", paths[page], refused)
                else:
                    status, _loc, _c = browser.request("GET", paths[page])
            except OSError as exc:
                status = 0
                with lock:
                    failures.append(f"{page}：{type(exc).__name__}")
            ms = (time.perf_counter() - start) * 1000
            with lock:
                records.append((page, start, ms, status))
            time.sleep(rng.uniform(*THINK_S))

    threads = [
        threading.Thread(target=clerk, args=(i, name), daemon=True) for i, name in enumerate(names)
    ]
    login_started = time.perf_counter()
    try:
        for thread in threads:
            thread.start()
            time.sleep(0.005)
        signed_in.wait()
        login_s = time.perf_counter() - login_started
        log(f"  {len(names)} 名办事员登录用时 {login_s:.1f} 秒；计时 {args.duration} 秒 …")
        window["start"] = time.perf_counter()
        window["end"] = window["start"] + args.duration
        cpu_before, client_before = server_cpu_seconds(proc.pid), time.process_time()
        go.set()
        time.sleep(args.duration / 2)
        load_mid = bench.loadavg()
        for thread in threads:
            thread.join(max(window["end"] + 90 - time.perf_counter(), 0.1))
        server_cpu = server_cpu_seconds(proc.pid) - cpu_before
        client_cpu = time.process_time() - client_before
        # Every request counted started inside the window (a clerk stops once it is over).
        elapsed = float(args.duration)
    finally:
        stop_server(proc)
    server_errors = [
        line
        for line in errlog.read_text(encoding="utf-8", errors="replace").splitlines()
        if "Traceback" in line or "[ERROR]" in line or "WORKER TIMEOUT" in line
    ]
    load_after = bench.loadavg()
    bench_ballots.delete_congress(unit)
    return summarize_load(
        args,
        records=records,
        logins=logins,
        login_s=login_s,
        elapsed=elapsed,
        failures=failures,
        server_errors=server_errors,
        load=f"{load_before} → {load_mid or '—'} → {load_after}",
        server_cpu_ms=server_cpu * 1000 / max(len(records), 1),
        client_cpu_ms=client_cpu * 1000 / max(len(records), 1),
        township=paths["township"].name,
        unit=unit.name,
    )


def summarize_load(args, *, records, logins, login_s, elapsed, failures, server_errors, **kw):
    labels = {key: label for key, label, _w in LOAD_PAGES}
    expected = {"round_post": 200}
    ok = [r for r in records if r[3] == expected.get(r[0], 200)]
    bad = [r for r in records if r[3] != expected.get(r[0], 200)]
    by_status: dict[str, int] = {}
    for page, _s, _ms, status in bad:
        key = f"{labels[page]} HTTP {status}"
        by_status[key] = by_status.get(key, 0) + 1
    latencies = [r[2] for r in records]
    pages = []
    for key, label, weight in LOAD_PAGES:
        values = [r[2] for r in records if r[0] == key]
        if values:
            pages.append(
                {
                    "key": key,
                    "label": label,
                    "weight": weight,
                    "count": len(values),
                    "median": statistics.median(values),
                    "p95": bench.percentile(values, 95),
                    "max": max(values),
                }
            )
    return {
        "users": args.users,
        "duration": args.duration,
        "workers": args.workers,
        "elapsed": elapsed,
        "requests": len(records),
        "ok": len(ok),
        "errors": len(bad),
        "errors_by": by_status,
        "rps": len(records) / elapsed if elapsed else 0.0,
        "median": statistics.median(latencies) if latencies else 0.0,
        "p95": bench.percentile(latencies, 95) if latencies else 0.0,
        "max": max(latencies, default=0.0),
        "pages": pages,
        "logins": len(logins),
        "login_s": login_s,
        "login_median": statistics.median(logins) if logins else 0.0,
        "failures": failures[:20],
        "failure_count": len(failures),
        "server_errors": server_errors[:20],
        **kw,
    }


# --- Orchestration (in bin/bench.py's process) -----------------------------------------------------


def run_section(args, ctx) -> tuple[str, list[str]]:
    failures: list[str] = []
    script = str(Path(__file__).resolve())
    load_before = bench.loadavg()
    log(
        f"\n[办事员页面] 单进程逐页计时：预热 {args.page_warmup} 次、计时 {args.page_reps} 次（子进程）…"
    )
    pages = bench.run_step(
        script,
        "pages",
        ["--reps", str(args.page_reps), "--warmup", str(args.page_warmup)],
    )
    if pages is None:
        failures.append("办事员页面：逐页计时子进程失败")
    else:
        failures += [f"办事员页面：{f}" for f in pages["failures"]]
        for r in pages["rows"]:
            log(
                f"  {r['label']}：中位 {r['median']:.1f} ms，CPU {r['cpu']:.1f} ms，"
                f"查询 {r['queries']:.0f} 条"
            )
    log(
        f"\n[压测] gunicorn -w {args.workers}，{args.users} 名办事员，思考时间 1–3 秒，"
        f"持续 {args.duration} 秒（子进程）…"
    )
    load = bench.run_step(
        script,
        "load",
        [
            "--users",
            str(args.users),
            "--duration",
            str(args.duration),
            "--workers",
            str(args.workers),
        ],
    )
    if load is None:
        failures.append("压测：子进程失败")
    else:
        if load["errors"]:
            failures.append(
                f"压测：{load['errors']} 个请求出错（"
                + "、".join(f"{k} × {n}" for k, n in load["errors_by"].items())
                + "）"
            )
        if load["failure_count"]:
            failures.append(f"压测：{load['failure_count']} 次登录或连接失败")
        if load["server_errors"]:
            failures.append(f"压测：gunicorn 日志有 {len(load['server_errors'])} 行错误")
        log(
            f"  {load['requests']} 个请求，{load['rps']:.1f} 次/秒，中位 {load['median']:.0f} ms，"
            f"p95 {load['p95']:.0f} ms，最大 {load['max']:.0f} ms，出错 {load['errors']}，"
            f"服务器 CPU {load['server_cpu_ms']:.1f} ms/请求；"
            f"负载 {load['load']}"
        )
    text = render(
        args=args,
        ctx=ctx,
        pages=pages,
        load=load,
        loadavg=f"{load_before} → {bench.loadavg()}",
        failures=failures,
    )
    return text, failures


def _queries(row) -> str:
    q = row["queries"]
    text = f"{q:.0f}" if float(q).is_integer() else f"{q:.1f}"
    return text + ("" if row["queries_stable"] else "（不稳定）")


def render(*, args, ctx, pages, load, loadavg, failures) -> str:
    lines = [
        f"## {bench.SECTION_TITLES['load']}",
        "",
        "### 方法",
        "",
        f"- **逐页（单进程）**：以城关镇工作人员 `{STAFF}` 身份用 `django.test.Client`（`force_login`，"
        "`DEBUG = False`）在子进程中轮流请求办事员选举日常用的页面：工作台、村(社区)列表、候选人列表、"
        "乡镇看板、乡镇日报列表、日报填报页与保存日报，以及党员大会的计票录入页与提交计票汇总"
        "（每次按“三、选票”中的流程从建立大会走到计票，只取这两步）。"
        f"先预热 {args.page_warmup} 次，再计时 {args.page_reps} 次；报告服务器时间中位数与 p95、"
        "本进程 CPU 时间（`time.process_time()`，不含 PostgreSQL）中位数、查询数与 SQL 耗时。",
        f"- **压测**：`gunicorn -w {args.workers}`（`DEBUG=0`，基准库的开发密钥，静态文件先 "
        "`collectstatic` 到 `var/bench/static`；请求带 `X-Forwarded-Proto: https`，如部署在 TLS "
        f"反向代理之后）连基准库。{args.users} 个城关镇工作人员账号（`{CLERK_PREFIX}001` 起，"
        "首次运行时建立，密码同演示账号）各用一个线程：先打开登录页、带 CSRF 令牌与 Cookie 提交密码"
        "（真实的密码校验与登录锁定检查；乡镇工作人员无须动态口令），全部登录后开始计时；"
        f"之后每人随机打开页面、每次间隔 1–3 秒（思考时间），持续 {args.duration} 秒。"
        "页面与权重："
        + "、".join(f"{label} {w}" for _k, label, w in LOAD_PAGES)
        + "。提交计票汇总用一份“另选他人填了票数、没填姓名”的表单：页面退回并提示，不保存，"
        "每人都可反复提交。每个 gunicorn 同步 worker 一次处理一个请求，每个请求新建一个连接。",
        f"- 预算：逐页 CPU 中位数 ≤ {CPU_BUDGET_MS:.0f} ms；压测 p95 < {P95_BUDGET_MS:.0f} ms、无错误。"
        "同机其他进程（及压测客户端本身，与服务器同机）会抬高耗时，请对照负载读数。",
        "",
        "### 环境",
        "",
        *bench.environment_lines(ctx, loadavg),
        "",
        "### 结果：逐页（单进程）",
        "",
    ]
    if pages and pages["rows"]:
        lines += [
            f"- 乡镇：{pages['township']}；党员大会所在村(社区)：{pages['unit']}。",
            "",
            "| 页面 | 请求 | 中位 ms | p95 ms | CPU 中位 ms | 查询数 | SQL ms（中位） | 响应 KB "
            f"| 预算 (CPU ≤ {CPU_BUDGET_MS:.0f} ms) |",
            "|---|---|--:|--:|--:|--:|--:|--:|---|",
        ]
        for r in pages["rows"]:
            verdict = "✅" if r["cpu"] <= CPU_BUDGET_MS else "❌ 超出"
            lines.append(
                f"| {r['label']} | `{r['request']}` | {r['median']:.1f} | {r['p95']:.1f} "
                f"| {r['cpu']:.1f} | {_queries(r)} | {r['db_ms']:.1f} | {r['kb']:.0f} | {verdict} |"
            )
        cpus = sorted(r["cpu"] for r in pages["rows"])
        lines += ["", f"- 各页 CPU 中位数的中位数：{statistics.median(cpus):.1f} ms。"]
    else:
        lines.append("**未完成**（见失败列表）。")
    lines += ["", "### 结果：压测", ""]
    if load:
        verdict = "✅" if load["p95"] < P95_BUDGET_MS and not load["errors"] else "❌"
        lines += [
            f"- {load['users']} 名办事员（{load['township']}），gunicorn {load['workers']} 个 worker，"
            f"计时 {load['elapsed']:.0f} 秒；登录 {load['logins']} 次共用时 {load['login_s']:.1f} 秒"
            f"（中位 {load['login_median']:.0f} ms，不计入下表）。",
            f"- 压测期间负载（1/5/15 分钟 loadavg，开始 → 中途 → 结束）：{load['load']}。",
            f"- 计时期间 gunicorn 各 worker 的 CPU 时间（/proc，user + sys）合计折合每个请求 "
            f"{load['server_cpu_ms']:.1f} ms（含 WSGI 与 gunicorn 本身，不含 PostgreSQL）；"
            f"压测客户端（同机）每个请求 {load['client_cpu_ms']:.1f} ms。",
            "",
            "| 请求数 | 吞吐 次/秒 | 中位 ms | p95 ms | 最大 ms | 出错 | 预算 (p95 < 300 ms，无错误) |",
            "|--:|--:|--:|--:|--:|--:|---|",
            f"| {load['requests']} | {load['rps']:.1f} | {load['median']:.0f} | {load['p95']:.0f} "
            f"| {load['max']:.0f} | {load['errors']} | {verdict} |",
            "",
            "| 页面 | 权重 | 请求数 | 中位 ms | p95 ms | 最大 ms |",
            "|---|--:|--:|--:|--:|--:|",
        ]
        for p in load["pages"]:
            lines.append(
                f"| {p['label']} | {p['weight']} | {p['count']} | {p['median']:.0f} "
                f"| {p['p95']:.0f} | {p['max']:.0f} |"
            )
        if load["errors_by"]:
            lines += [
                "",
                "出错的请求：" + "、".join(f"{k} × {n}" for k, n in load["errors_by"].items()),
            ]
        if load["server_errors"]:
            lines += ["", "gunicorn 日志中的错误（前 20 行）：", ""]
            lines += [f"- `{line[:200]}`" for line in load["server_errors"]]
    else:
        lines.append("**未完成**（见失败列表）。")
    lines += ["", "### 结论", ""]
    if pages and pages["rows"]:
        over = [r for r in pages["rows"] if r["cpu"] > CPU_BUDGET_MS]
        lines.append(
            "- 逐页 CPU 中位数超过 "
            f"{CPU_BUDGET_MS:.0f} ms 的页面："
            + "、".join(f"{r['label']}（{r['cpu']:.0f} ms）" for r in over)
            + "。"
            if over
            else f"- 各页 CPU 中位数均不超过 {CPU_BUDGET_MS:.0f} ms。"
        )
    if load:
        lines.append(
            f"- 压测：{load['users']} 人、思考时间 1–3 秒，吞吐 {load['rps']:.1f} 次/秒，"
            f"p95 {load['p95']:.0f} ms"
            + ("，达标。" if load["p95"] < P95_BUDGET_MS and not load["errors"] else "，未达标。")
        )
        if load["server_cpu_ms"]:
            cores = load["rps"] * load["server_cpu_ms"] / 1000
            offered = load["users"] / (sum(THINK_S) / 2)
            lines.append(
                f"- 服务器每个请求 {load['server_cpu_ms']:.1f} ms CPU：{load['users']} 人按平均 "
                f"{sum(THINK_S) / 2:.0f} 秒一次约发出 {offered:.0f} 次/秒，需要约 "
                f"{offered * load['server_cpu_ms'] / 1000:.1f} 个核；本次 gunicorn 实际用到 "
                f"{cores:.2f} 个核（机器共 {ctx['machine']['nproc']} 个，与其他进程共用）。"
            )
    if failures:
        lines += ["", "**失败：**", ""] + [f"- {f}" for f in failures]
    lines.append("")
    return "\n".join(lines)


def child_main() -> int:
    parser = argparse.ArgumentParser(
        description="办事员页面与压测的子进程步骤（由 bin/bench.py 调用）。"
    )
    parser.add_argument("step", choices=["pages", "load"])
    parser.add_argument("--result", required=True)
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--profile", default="", help="pages：打印这一页的 cProfile（不计时）")
    parser.add_argument("--profile-lines", type=int, default=40)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    bench.child_setup()
    result = step_pages(args) if args.step == "pages" else step_load(args)
    Path(args.result).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(child_main())
