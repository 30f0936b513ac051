"""What the audit trail costs: audited rows written in bulk, against the same rows unaudited.

Run on the benchmark database (as bin/bench.py: BENCH_DATABASE_URL when DATABASE_URL is
set; seeded by ``bin/bench.py`` or ``manage.py seed_demo``):

    BENCH_DATABASE_URL=postgres://…/renewal_bench .venv/bin/python bin/bench_audit.py

For each size (``--rows 5000,10000``), in one process and one run, so that the anchor
sees the same machine load as the figures it anchors:

- ``copy``: the anchor. COPY of N people into the person table with every trigger off
  (``session_replication_role = replica``): what writing the rows costs the database.
- ``orm``: ``bulk_create`` of the same N people with the triggers off, then with the
  audit on (under a pghistory context, user and url, as the web request sets it); then
  one ``UPDATE`` of the N rows and one ``DELETE`` of them, each audited and not. Every
  step runs in a transaction rolled back afterwards; the audited steps check that each
  row left one event carrying the context.
- ``import``: the candidate import (bin/bench_candidates.py's file of N rows) through
  the real service: ``import_start`` (the preview) and ``import_confirm`` (the save), as
  the township user, with Celery eager, under the context the upload request sets; then
  the insert events of the new candidacies are counted. What it created is deleted again.

Seconds are wall clock (perf_counter) in this process; the load average is printed at the
start and the end. ``--reps`` repeats each measurement and prints the median.
"""

import argparse
import hashlib
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

BIN = Path(__file__).resolve().parent
if str(BIN) not in sys.path:
    sys.path.insert(0, str(BIN))

import bench  # noqa: E402  (bin/ is not a package)
import bench_candidates  # noqa: E402

MARK = "bench:audit"


class Rollback(Exception):
    """Raised inside a measured transaction to undo it."""


def log(message: str = "") -> None:
    print(message, flush=True)


def people(count: int) -> list:
    """``count`` people ready to save; none of them exists in a seeded database."""
    import datetime

    from renewal.models import Person

    rows = []
    for n in range(count):
        person = Person(
            name=f"审计{n}",
            sex="M" if n % 2 else "F",
            birth_date=datetime.date(1970, 1, 1) + datetime.timedelta(days=n % 9000),
            education="high_school",
            current_posts=MARK,
        )
        # A blind index of its own: no real ID number, and no encryption in the timing.
        person.id_number = ""
        person.id_number_hash = hashlib.sha256(f"{MARK}:{n}".encode()).hexdigest()
        person.phone = ""
        person.phone_hash = ""
        rows.append(person)
    return rows


def copy_text(rows) -> io.StringIO:
    """The people as COPY text (tab-separated), in the columns ``COPY_COLUMNS``."""
    out = io.StringIO()
    for p in rows:
        fields = [
            p.name,
            p.sex,
            p.ethnicity,
            p.birth_date.isoformat(),
            "",
            p.id_number_hash,
            "",
            "",
            p.education,
            p.political_status,
            r"\N",
            p.current_posts,
            "{}",
        ]
        out.write("\t".join(fields) + "\n")
    out.seek(0)
    return out


COPY_COLUMNS = (
    "name, sex, ethnicity, birth_date, id_number, id_number_hash, phone, phone_hash, "
    "education, political_status, party_joined_on, current_posts, tags"
)


def measured(fn, *, triggers: bool, check=None):
    """Seconds fn() takes in a transaction that is then rolled back; check(fn's result),
    run after the timing, before the rollback."""
    from django.db import connection, transaction

    result = {}
    try:
        with transaction.atomic():
            with connection.cursor() as cur:
                cur.execute(
                    "SET LOCAL session_replication_role = " + ("origin" if triggers else "replica")
                )
            t0 = time.perf_counter()
            value = fn()
            result["seconds"] = time.perf_counter() - t0
            result["value"] = check(value) if check else value
            raise Rollback
    except Rollback:
        pass
    return result["seconds"], result.get("value")


def events_with_context(pks, label: str, user_id: int) -> tuple[int, int]:
    """(events of these people with this label, of them those whose context names the user)."""
    from renewal.models import Person

    events = Person.pgh_event_model.objects.filter(pgh_obj_id__in=pks, pgh_label=label)
    return events.count(), events.filter(pgh_context__metadata__user=user_id).count()


def orm_steps(count: int, user) -> dict:
    """The ``copy`` and ``orm`` figures for ``count`` people."""
    import pghistory
    from django.db import connection

    from renewal.models import Person

    context = {"user": user.pk, "url": "/bench/audit/"}
    out = {}

    def copy():
        with connection.cursor() as cur:
            cur.cursor.copy_expert(
                f"COPY renewal_person ({COPY_COLUMNS}) FROM STDIN", copy_text(people(count))
            )

    out["copy"], _ = measured(copy, triggers=False)

    def insert():
        rows = people(count)
        with pghistory.context(**context):
            Person.objects.bulk_create(rows)
        return [p.pk for p in rows]

    out["insert_plain"], _ = measured(insert, triggers=False)
    seconds, (events, with_user) = measured(
        insert, triggers=True, check=lambda pks: events_with_context(pks, "insert", user.pk)
    )
    out["insert_audited"], out["insert_events"], out["insert_with_user"] = (
        seconds,
        events,
        with_user,
    )

    def then(action, label):
        """Insert (untimed, audited), then time ``action`` on those rows."""

        def run():
            pks = insert()
            with pghistory.context(**context):
                t0 = time.perf_counter()
                action(pks)
                spent = time.perf_counter() - t0
            return spent, events_with_context(pks, label, user.pk)

        return run

    def update(pks):
        Person.objects.filter(pk__in=pks).update(current_posts=f"{MARK}:updated")

    def delete(pks):
        Person.objects.filter(pk__in=pks).delete()

    for name, action in (("update", update), ("delete", delete)):
        _total, (spent, _seen) = measured(then(action, name), triggers=False)
        out[f"{name}_plain"] = spent
        _total, (spent, (events, with_user)) = measured(then(action, name), triggers=True)
        out[f"{name}_audited"] = spent
        out[f"{name}_events"], out[f"{name}_with_user"] = events, with_user
    return out


def import_step(count: int, user, path: Path) -> dict:
    """The candidate import of ``count`` rows, timed; its insert events counted."""
    import pghistory
    from django.core.files.uploadedfile import SimpleUploadedFile

    from candidates.imports import IMPORTER
    from candidates.models import Candidacy, ImportJob
    from renewal.kit import crypto
    from renewal.kit.uploads import import_confirm, import_start

    bench_candidates.import_cleanup(user, count)
    bench_candidates.import_roster(user, count)
    data = path.read_bytes()
    context = {"user": user.pk, "url": "/candidates/import/"}
    with pghistory.context(**context):
        t0 = time.perf_counter()
        job = import_start(
            IMPORTER,
            user=user,
            upload=SimpleUploadedFile(
                bench_candidates.IMPORT_FILE_NAME,
                data,
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
        )
        preview = time.perf_counter() - t0
    job.refresh_from_db()
    if job.status != ImportJob.Status.PREVIEW:
        raise SystemExit(f"预览失败：状态 {job.status}，{job.problems[:3] or job.error}")
    with pghistory.context(**(context | {"url": f"/candidates/import/{job.pk}/confirm/"})):
        t0 = time.perf_counter()
        import_confirm(job=job)
        confirm = time.perf_counter() - t0
    job.refresh_from_db()
    if job.status != ImportJob.Status.DONE:
        raise SystemExit(f"导入失败：状态 {job.status}，{job.error}")
    hashes = [
        crypto.blind_index(bench_candidates.import_person(n)[0], purpose="id") for n in range(count)
    ]
    created = Candidacy.objects.filter(person__id_number_hash__in=hashes, created_by=user)
    events = Candidacy.pgh_event_model.objects.filter(
        pgh_obj_id__in=created.values("pk"), pgh_label="insert"
    )
    total = events.count()
    seen = events.filter(pgh_context__metadata__user=user.pk).count()
    bench_candidates.import_cleanup(user, count)
    return {
        "preview": preview,
        "confirm": confirm,
        "import": preview + confirm,
        "created": job.summary.get("candidacies_created"),
        "import_events": total,
        "import_with_user": seen,
    }


def median_of(runs: list[dict]) -> dict:
    keys = runs[0].keys()
    return {k: statistics.median(r[k] for r in runs) for k in keys}


def main() -> int:
    parser = argparse.ArgumentParser(description="审计（pghistory 触发器）写入开销的基准。")
    parser.add_argument("--rows", default="5000,10000", help="行数，逗号分隔")
    parser.add_argument("--reps", type=int, default=1, help="每项重复次数，取中位数")
    parser.add_argument("--skip-import", action="store_true", help="不测候选人导入")
    parser.add_argument("--json", help="结果另写入此 JSON 文件")
    args = parser.parse_args()
    sizes = [int(s) for s in args.rows.split(",") if s.strip()]
    os.environ.pop("REDIS_URL", None)  # eager Celery: the import runs in this process
    bench.child_setup()

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection

    if not settings.CELERY_TASK_ALWAYS_EAGER:
        raise SystemExit("Celery 未以 eager 模式运行，无法在进程内计时。")
    user = get_user_model().objects.get(username=bench_candidates.IMPORT_USER)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relname = 'renewal_person' AND NOT t.tgisinternal "
            "AND t.tgtype & 1 = 1"  # FOR EACH ROW
        )
        row_triggers = cur.fetchone()[0]
    load_start = bench.loadavg()
    log(f"load average at start: {load_start}")
    log(f"row-level triggers on renewal_person: {row_triggers}")
    results = {"load_start": load_start, "row_triggers": row_triggers, "sizes": {}}
    for count in sizes:
        runs = []
        path = bench.BENCH_VAR / f"bench-audit-{count}.xlsx"
        if not args.skip_import:
            units = bench_candidates.import_units(user)
            bench_candidates.write_import_file(path, units, count)
        for rep in range(args.reps):
            run = orm_steps(count, user)
            if not args.skip_import:
                run |= import_step(count, user, path)
            runs.append(run)
            log(
                f"  N={count} rep {rep + 1}: "
                + json.dumps({k: round(v, 3) for k, v in run.items()})
            )
        m = median_of(runs)
        results["sizes"][count] = m
        log(f"N={count} (median of {len(runs)}):")
        log(f"  COPY, triggers off (anchor)      {m['copy']:7.2f} s")
        for op in ("insert", "update", "delete"):
            log(
                f"  {op:6} ORM  plain {m[f'{op}_plain']:6.2f} s  audited {m[f'{op}_audited']:6.2f} s"
                f"  audited/anchor {m[f'{op}_audited'] / m['copy']:5.2f}"
                f"  events {m[f'{op}_events']:.0f}, with the user {m[f'{op}_with_user']:.0f}"
            )
        if not args.skip_import:
            log(
                f"  candidate import preview {m['preview']:.2f} s + confirm {m['confirm']:.2f} s"
                f" = {m['import']:.2f} s  import/anchor {m['import'] / m['copy']:.2f}"
                f"  created {m['created']:.0f}, insert events {m['import_events']:.0f},"
                f" with the user {m['import_with_user']:.0f}"
            )
    results["load_end"] = bench.loadavg()
    log(f"load average at end: {results['load_end']}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
