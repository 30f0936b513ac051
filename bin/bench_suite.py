"""The test suite's own budget: ``make test`` from a clean clone, under 5 minutes.

Clones the repository's HEAD (what is committed, as CI sees it) into a temporary folder,
runs ``make test`` there with the same services as CI (PostgreSQL, Redis, Chromium: the
tests that need them fail without them, never skip) and reports the wall time: creating the
virtual environment and installing, the lint, and pytest. The test databases get their own
name (``<database>_suite``), so a developer's test run at the same time is not disturbed.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

BIN = Path(__file__).resolve().parent
if str(BIN) not in sys.path:
    sys.path.insert(0, str(BIN))

import bench  # noqa: E402  (bin/ is not a package)

BUDGET_S = 300.0
# Before the suite was parallel and the permission matrix built its world once per module,
# the same command took 11 min 09 s here (and 17-20 min in CI with its installs).
BEFORE = (
    "45 分 23 秒（6,327 个测试；每个事务型测试结束时 TRUNCATE 全部表约 10 秒，"
    "新建测试库时迁移逐个重建触发器所在模型；同机另有其他工作，负载 5–8）"
)
# The whole output of the run, to read a failure or the slowest tests after the clone is gone.
LOG = bench.ROOT / "var" / "bench" / "suite.log"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def _suite_database(url: str) -> str:
    parts = urlsplit(url)
    name = (parts.path or "/renewal").lstrip("/") or "renewal"
    return parts._replace(path=f"/{name}_suite").geturl()


def _environment() -> tuple[dict, list[str]]:
    # What bench.configure_environment set for the benchmark's own Django is not CI's.
    own = ("DEBUG", "ALLOWED_HOSTS", "MEDIA_ROOT", "EMBEDDED_DB_NAME", "PYTHONUNBUFFERED")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("BENCH_", "DJANGO_")) and k not in own
    }
    notes = []
    database = os.environ.get("DATABASE_URL", "")
    if database:
        env["DATABASE_URL"] = _suite_database(database)
        notes.append(f"PostgreSQL：`{bench._redact(env['DATABASE_URL'])}` 的测试库（每个进程一个）")
    else:
        env.pop("DATABASE_URL", None)
        notes.append("内置 PostgreSQL（克隆目录中首次初始化）")
    services = bool(database) and bool(env.get("REDIS_URL")) and os.path.exists(CHROMIUM)
    # The slowest tests go into the section: where the suite's time goes.
    env.setdefault("PYTEST_ARGS", "--durations=25")
    if services:
        env["CHROMIUM_PATH"] = CHROMIUM
        notes.append("浏览器与 Celery 测试都运行（与 CI 相同）")
    else:
        notes.append("缺少 PostgreSQL、Redis 或 chromium：浏览器或 Celery 测试失败，用时不可比")
    return env, notes


def _machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cores} 核 {cpu}".strip()


def run_section(args) -> tuple[str, list[str]]:
    bench.log("\n== 测试套件：从干净克隆运行 make test ==")
    env, notes = _environment()
    load = bench.loadavg()
    folder = Path(tempfile.mkdtemp(prefix="hjt-suite-"))
    failures: list[str] = []
    try:
        head = subprocess.run(
            ["git", "-C", str(bench.ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        subprocess.run(["git", "clone", "--quiet", str(bench.ROOT), str(folder)], check=True)
        t0 = time.perf_counter()
        done = subprocess.run(
            ["make", "test"], cwd=folder, env=env, capture_output=True, text=True, check=False
        )
        wall = time.perf_counter() - t0
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    output = done.stdout + done.stderr
    LOG.parent.mkdir(parents=True, exist_ok=True)
    LOG.write_text(output, encoding="utf-8")
    summary = re.findall(r"=+ (.*?) in ([\d.]+)s", output)
    tests, pytest_s = (summary[-1][0], float(summary[-1][1])) if summary else ("未知", 0.0)
    if done.returncode != 0:
        failures.append(
            f"make test 失败（退出码 {done.returncode}，全文见 {LOG}）：{output[-500:]}"
        )
    bench.log(f"make test：{wall:.0f} 秒（pytest {pytest_s:.0f} 秒，{tests}）")
    verdict = "✅ 在预算内" if wall < BUDGET_S and not failures else "❌ 超出预算或失败"
    lines = [
        "## 六、测试套件：从干净克隆运行 make test",
        "",
        f"预算：从干净克隆运行 `make test`（含创建虚拟环境与安装依赖、ruff 与分层检查、全部测试）"
        f"不超过 {BUDGET_S / 60:.0f} 分钟。结果：**{wall / 60:.0f} 分 {wall % 60:02.0f} 秒** {verdict}。",
        "",
        "| 项目 | 用时 |",
        "|---|---|",
        f"| 总计（`time make test`，提交 `{head}`） | {wall:.0f} 秒 |",
        f"| 其中 pytest | {pytest_s:.0f} 秒（{tests}） |",
        f"| 其中安装依赖、ruff、分层检查 | {wall - pytest_s:.0f} 秒 |",
        f"| 此前（同一命令、同一机器） | {BEFORE} |",
        "",
        "- 环境：" + "；".join(notes) + "。",
        "- 并行：pytest-xdist `-n auto --dist loadscope`，每个进程有自己的测试数据库；"
        "权限矩阵每个模块只建一次示例数据，每个用例在其事务保存点中运行后回滚；"
        "浏览器测试共用一个 chromium。",
        f"- 机器：{_machine()}；开始时负载 {load}。",
        "",
    ]
    slowest = re.findall(r"^([\d.]+)s (setup|call|teardown)\s+(\S+)$", output, re.M)[:10]
    if slowest:
        lines += ["最慢的 10 个步骤（setup 含新建测试库的迁移）：", ""]
        lines += ["| 秒 | 步骤 | 测试 |", "|--:|---|---|"]
        lines += [f"| {sec} | {step} | `{test}` |" for sec, step, test in slowest]
        lines.append("")
    return "\n".join(lines), failures
