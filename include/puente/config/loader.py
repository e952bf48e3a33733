"""Read and validate tenant files, turning every failure into data (file, field, reason).

The DAG factory must never lose the healthy tenants because one file is broken, and the
``validate`` command must say exactly what is wrong, so loading returns results and errors side
by side instead of raising.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from puente.config.models import TenantConfig

try:  # the C loader is ~10x faster; parse time is a product metric
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml missing
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

TENANTS_DIR_ENV = "PUENTE_TENANTS_DIR"
DEFAULT_TENANTS_DIR = Path(__file__).resolve().parents[2] / "tenants"


@dataclass(frozen=True)
class FieldError:
    field: str
    reason: str


@dataclass(frozen=True)
class ConfigError:
    """Why one tenant file cannot be used."""

    path: Path
    errors: tuple[FieldError, ...]

    @property
    def tenant_key(self) -> str:
        return self.path.stem

    def message(self) -> str:
        lines = [f"{self.path.name}: invalid tenant configuration"]
        lines += [f"  - {error.field}: {error.reason}" for error in self.errors]
        return "\n".join(lines)


@dataclass
class LoadResult:
    tenants: dict[str, TenantConfig] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)
    errors: list[ConfigError] = field(default_factory=list)


def tenants_dir() -> Path:
    return Path(os.environ.get(TENANTS_DIR_ENV) or DEFAULT_TENANTS_DIR)


def tenant_files(directory: Path | None = None) -> list[Path]:
    directory = directory or tenants_dir()
    return sorted(p for p in directory.glob("*.y*ml") if p.suffix in {".yaml", ".yml"})


def _field_name(location: Iterable[object]) -> str:
    parts = []
    for part in location:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts) or "(file)"


def _pydantic_errors(exc: ValidationError) -> tuple[FieldError, ...]:
    found = []
    for error in exc.errors(include_url=False):
        location = list(error["loc"])
        reason = error["msg"]
        if error["type"] == "union_tag_invalid":
            tag = (error.get("ctx") or {}).get("tag")
            expected = (error.get("ctx") or {}).get("expected_tags")
            reason = f"unknown vendor {tag!r} (supported: {expected})"
            location.append("vendor")
        elif error["type"] == "missing":
            reason = "required field is missing"
        elif error["type"] == "extra_forbidden":
            reason = "unknown option (check the spelling; secrets belong in Airflow connections)"
        found.append(FieldError(_field_name(location), reason))
    return tuple(found)


def load_tenant_file(path: Path) -> TenantConfig | ConfigError:
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, yaml.YAMLError) as exc:
        return ConfigError(path, (FieldError("(file)", f"cannot read YAML: {exc}"),))
    if not isinstance(raw, dict):
        return ConfigError(path, (FieldError("(file)", "expected a mapping of options"),))
    try:
        config = TenantConfig.model_validate(raw)
    except ValidationError as exc:
        return ConfigError(path, _pydantic_errors(exc))
    if config.tenant != path.stem:
        return ConfigError(
            path, (FieldError("tenant", f"must equal the file name {path.stem!r} (got {config.tenant!r})"),)
        )
    return config


def load_tenants(paths: Iterable[Path] | None = None) -> LoadResult:
    """Load every tenant file, then apply the rules that span files."""
    result = LoadResult()
    for path in tenant_files() if paths is None else paths:
        loaded = load_tenant_file(path)
        if isinstance(loaded, ConfigError):
            result.errors.append(loaded)
        else:
            result.tenants[loaded.tenant] = loaded
            result.paths[loaded.tenant] = path
    return result
