"""Where the vendors' official specs are: ``../shared/vendor-apis/specs/`` beside the clone.

CI lays the shared folder next to the repository, so the path is found relative to this file, never
as one machine's absolute path. ``PUENTE_SHARED_DIR`` points elsewhere; ``PUENTE_REQUIRE_SPECS=1``
(set by ``.ci/run``) turns a missing spec from a visible skip into a collection error, so the
conformance suites can never pass in CI by not running.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("PUENTE_SHARED_DIR") or REPO.parent / "shared")
SPECS_DIR = SHARED_DIR / "vendor-apis" / "specs"
REQUIRE_SPECS = os.environ.get("PUENTE_REQUIRE_SPECS") == "1"


def spec_path(file_name: str) -> Path:
    return SPECS_DIR / file_name


def spec_or_skip(file_name: str, what: str) -> tuple[Path, pytest.MarkDecorator]:
    """``(path, pytestmark)``: the spec's path and a skip mark when it is absent (an error when required)."""
    path = spec_path(file_name)
    if not path.exists() and REQUIRE_SPECS:
        pytest.fail(f"{what} not found at {path} (PUENTE_REQUIRE_SPECS=1)", pytrace=False)
    return path, pytest.mark.skipif(not path.exists(), reason=f"{what} not found at {path}")
