"""``python -m ballots.recount``: the auditor's check, run with nothing but the repository.

The subprocesses get an environment with no Django settings, no secret key, no DEBUG and
no database address, and run Python isolated (``-I``: no PYTHONPATH, no user site, the
current directory not on the path; ``-S``: no site-packages, so not even Django is there to
import), so that anything reaching for settings or a dependency would fail.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ballots.record import (
    RecordError,
    canonical_json,
    grouped_hash,
    normalize_hash,
    read_json,
    record_hash,
)

PROJECT = Path(__file__).resolve().parents[2]
RECORDS = Path(__file__).resolve().parent / "records"
ELECTED = RECORDS / "party_committee_elected.json"


def bare_python(
    code: str, *args: str, cwd: Path, site_packages: bool = False
) -> subprocess.CompletedProcess:
    """Python run isolated in a clean environment, with the repository on its path only
    through the code itself; without site-packages unless asked."""
    flags = ["-I"] if site_packages else ["-I", "-S"]
    path = f"import sys; sys.path.insert(0, {str(PROJECT)!r}); "
    return subprocess.run(
        [sys.executable, *flags, "-c", path + code, *args],
        check=False,
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


RECOUNT = "from ballots.recount import main; raise SystemExit(main(sys.argv[1:]))"


def standalone(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return bare_python(RECOUNT, *args, cwd=cwd)


def module_run(*args: str) -> subprocess.CompletedProcess:
    """``python -m ballots.recount`` exactly as documented, from the repository root."""
    return subprocess.run(
        [sys.executable, "-m", "ballots.recount", *args],
        check=False,
        cwd=PROJECT,
        env={"PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def test_module_counts_and_verifies_without_any_settings():
    done = module_run(str(ELECTED), "--verify")

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["elected"] == ["王建国", "李秀英", "张伟", "刘洋", "陈静"]
    assert "核对一致" in done.stderr


def test_importing_the_recount_never_loads_django(tmp_path):
    done = bare_python(
        "import ballots.recount; "
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))",
        cwd=tmp_path,
        site_packages=True,  # Django could be imported: it must not be
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_hash_as_printed_with_groups_matches(tmp_path):
    printed = grouped_hash(record_hash(read_json(ELECTED))).upper()

    done = standalone(str(ELECTED), "--verify", "--hash", printed, cwd=tmp_path)

    assert done.returncode == 0, done.stderr
    assert "校验码一致" in done.stderr


def test_one_changed_figure_breaks_the_hash(tmp_path):
    printed = record_hash(read_json(ELECTED))
    data = read_json(ELECTED)
    same = tmp_path / "same.json"  # the same record, written out differently
    same.write_text(json.dumps(data, ensure_ascii=True, indent=4), encoding="utf-8")
    data["ballots"][0]["for"] = data["ballots"][0]["for"][:-1]
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    assert standalone(str(same), "--hash", printed, cwd=tmp_path).returncode == 0
    done = standalone(str(changed), "--hash", printed, cwd=tmp_path)
    assert done.returncode == 1
    assert "校验码不一致" in done.stderr
    assert json.loads(done.stdout)["outcome"]  # still counted and printed


@pytest.mark.parametrize("bad", ["12ab", "g" * 64, ""])
def test_a_hash_that_is_not_64_hex_digits_exits_2(tmp_path, bad):
    done = standalone(str(ELECTED), "--hash", bad, cwd=tmp_path)

    assert done.returncode == 2
    assert "校验码" in done.stderr and done.stdout == ""


def test_the_auditor_is_told_in_chinese_how_to_call_it(tmp_path):
    """Without a file, or with ``-h``, the words are Chinese, not argparse's English."""
    missing = standalone(cwd=tmp_path)
    helped = standalone("-h", cwd=tmp_path)

    assert missing.returncode == 2 and missing.stdout == ""
    assert "用法：" in missing.stderr and "需要一个选票记录文件" in missing.stderr
    assert helped.returncode == 0
    assert "用法：" in helped.stdout and "显示本说明并退出" in helped.stdout
    for done in (missing, helped):
        text = done.stdout + done.stderr
        assert not any(w in text for w in ("usage", "arguments", "options", "required"))


def test_canonical_json_is_sorted_compact_utf8():
    assert canonical_json({"b": [1, "王"], "a": None}) == '{"a":null,"b":[1,"王"]}'.encode()


def test_hash_is_accepted_with_spaces_dashes_and_upper_case():
    digest = "0123456789abcdef" * 4
    assert normalize_hash(grouped_hash(digest).upper()) == digest
    assert normalize_hash("-".join(digest[i : i + 8] for i in range(0, 64, 8))) == digest
    with pytest.raises(RecordError):
        normalize_hash(digest[:-1])
