"""Guards of the suite itself: no machine's absolute paths, and a time cap on every test.

Why: a test that looked for a spec at one machine's absolute path skipped itself everywhere else,
and CI stayed green without running it (shared material is found relative to the clone,
``../shared``); and one hanging test would eat CI's whole budget.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# A home or workspace folder at the start of a path (not inside a URL or a relative path).
MACHINE_PATH = re.compile(r"(?<![\w.:/-])/(?:" + "|".join(["work", "root", "home", "Users", "mnt"]) + r")/[\w.]")


def tracked_text_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, capture_output=True, text=True, check=True,
    ).stdout.split()
    return [REPO / name for name in listed if (REPO / name).is_file()]


def test_no_absolute_machine_path_in_the_repository() -> None:
    offenders = []
    for path in tracked_text_files():
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # binary files
        for number, line in enumerate(text.splitlines(), 1):
            if MACHINE_PATH.search(line):
                offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()[:120]}")
    assert not offenders, "absolute machine paths:\n" + "\n".join(offenders)


def test_the_pattern_catches_what_it_must() -> None:
    assert MACHINE_PATH.search('SPEC = Path("' + "/wo" + 'rk/shared/specs/x.json")')
    assert MACHINE_PATH.search("see " + "/ro" + "ot/.cache/file")
    assert not MACHINE_PATH.search("see ../shared/vendor-apis/x.md")
    assert not MACHINE_PATH.search("https://example.com" + "/ho" + "me/index")


def test_every_test_runs_under_a_time_cap(pytestconfig: pytest.Config) -> None:
    assert pytestconfig.pluginmanager.hasplugin("timeout"), "pytest-timeout is not installed"
    cap = float(pytestconfig.getini("timeout"))
    assert 0 < cap <= 300, cap
    assert 0 < float(pytestconfig.getini("session_timeout")) <= 60 * 60


def test_test_modules_outside_packages_have_unique_names() -> None:
    """pytest imports a test file outside a package by its bare name: two ``test_x.py`` in such
    folders stop the whole collection ("import file mismatch"), which a run of one folder never shows."""
    seen: dict[str, Path] = {}
    clashes = []
    for path in sorted((REPO / "tests").rglob("test_*.py")):
        if (path.parent / "__init__.py").exists() or "plugin_vendor" in path.parts:
            continue
        if path.name in seen:
            clashes.append(f"{seen[path.name].relative_to(REPO)} and {path.relative_to(REPO)}")
        seen.setdefault(path.name, path)
    assert clashes == []
