"""Read and validate tenant files, turning every failure into data (file, field, reason).

The DAG factory must never lose the healthy tenants because one file is broken, and the
``validate`` command must say exactly what is wrong, so loading returns results and errors side
by side instead of raising. Rules that span files (who may use a connection) are checked after
every file is read; see :func:`cross_file_errors`.
"""

from __future__ import annotations

import hashlib
import os
import re
import types
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from puente.config.base import TENANT_ID
from puente.config.connection_ownership import named_owner, ownership_errors
from puente.config.models import TenantConfig, connection_roles

try:  # the C loader is ~10x faster; parse time is a product metric
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml missing
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

TENANTS_DIR_ENV = "PUENTE_TENANTS_DIR"
TENANT_SUFFIXES = frozenset({".yaml", ".yml"})  # compared case-insensitively: X.YML is a tenant file too
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
        """A key a DAG id can hold, unique per file name: see :func:`error_key`."""
        return error_key(self.path)

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
    try:
        entries = list(directory.iterdir())
    except OSError:
        return []
    return sorted(p for p in entries if p.suffix.lower() in TENANT_SUFFIXES and p.is_file())


def tenant_paths(tenant: str, directory: Path | None = None) -> list[Path]:
    """The files that hold (or claim to hold) one tenant id: any extension, any case, twins included,
    so loading just these gives the same verdict as loading the whole directory."""
    key = tenant.lower()
    return [path for path in tenant_files(directory) if path.stem.lower() == key]


_NOT_IN_AN_ID = re.compile(r"[^a-z0-9]+")


def _slug(stem: str) -> str:
    """``Andes Outdoor (copy)`` -> ``andes_outdoor_copy``: the nearest thing to a tenant id."""
    return _NOT_IN_AN_ID.sub("_", stem.lower()).strip("_")


def error_key(path: Path) -> str:
    """The part after ``config_error__`` in the DAG id of a broken file: one key per file name, always
    made of the characters Airflow allows in a DAG id, and short.

    Why: the file name is the merchant's and may hold anything (``Andes Outdoor (copy).yaml``); an
    id Airflow refuses took the whole DAG file down, every tenant with it. A name that is a tenant
    id keeps it (``andes_outdoor``; ``andes_outdoor.yml`` beside a twin ``.yaml``); any other becomes
    a slug plus a digest of the exact name, so two odd names never share a DAG.
    """
    stem, suffix = path.stem, path.suffix
    if TENANT_ID.match(stem):
        return stem if suffix == ".yaml" else f"{stem}.{suffix.lstrip('.').lower() or 'file'}"
    slug = _slug(stem)[:60] or "file"
    return f"{slug}_{hashlib.sha1(path.name.encode('utf-8', 'surrogateescape')).hexdigest()[:8]}"


def _field_name(location: Iterable[object]) -> str:
    parts = []
    for part in location:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts) or "(file)"


SECRET_LIKE = re.compile(r"token|secret|password|api_?key|access_key", re.IGNORECASE)
SECRETS_HINT = "secrets belong in Airflow connections"


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models a field can hold (through Annotated, unions, optionals and lists)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _models_in(get_args(annotation)[0])
    if origin in (Union, types.UnionType, list, tuple, set, frozenset):
        return [model for arg in get_args(annotation) for model in _models_in(arg)]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return []


def _vendor_tag(model: type[BaseModel]) -> str | None:
    vendor = model.model_fields.get("vendor")
    tags = get_args(vendor.annotation) if vendor is not None else ()
    return str(tags[0]) if len(tags) == 1 else None


def _unknown_vendor_option(location: list[Any]) -> FieldError | None:
    """An option the chosen vendor does not have, said in the merchant's terms.

    pydantic says "Extra inputs are not permitted" at ``erp.alegra.send_to_dian``; the merchant
    needs to hear which vendor lacks it, which vendor of the same section has it (a copied option
    or the wrong vendor chosen), and what the chosen vendor does offer. Generic over every
    discriminated union of the tenant model (ERP, channels, CRM): the models are walked along the
    error's location, so a new vendor gets the same message without code here.
    """
    models: list[type[BaseModel]] = [TenantConfig]
    shown: list[Any] = []
    union: list[type[BaseModel]] | None = None
    for part in location[:-1]:
        if isinstance(part, int):
            shown.append(part)
            continue
        tagged = {_vendor_tag(model): model for model in models}
        if part in tagged and not any(part in model.model_fields for model in models):
            union, models = models, [tagged[part]]
            continue
        owner = next((model for model in models if part in model.model_fields), None)
        if owner is None:
            return None
        shown.append(part)
        models, union = _models_in(owner.model_fields[part].annotation), None
    if union is None or len(models) != 1:
        return None
    chosen, option = models[0], str(location[-1])
    vendor = _vendor_tag(chosen)
    others = [_vendor_tag(model) for model in union if model is not chosen and option in model.model_fields]
    reason = f"{vendor} has no option {option!r}"
    if others:
        reason += f" ({', '.join(map(str, others))} {'has' if len(others) == 1 else 'have'} it)"
    reason += f"; {vendor}'s options: {', '.join(name for name in chosen.model_fields if name != 'vendor')}"
    if SECRET_LIKE.search(option):
        reason += f" ({SECRETS_HINT})"
    return FieldError(_field_name([*shown, option]), reason)


def _pydantic_errors(exc: ValidationError) -> tuple[FieldError, ...]:
    found = []
    for error in exc.errors(include_url=False):
        location = list(error["loc"])
        reason = error["msg"]
        if error["type"] == "extra_forbidden" and (explained := _unknown_vendor_option(location)):
            found.append(explained)
            continue
        if error["type"] == "union_tag_invalid":
            tag = (error.get("ctx") or {}).get("tag")
            expected = (error.get("ctx") or {}).get("expected_tags")
            reason = f"unknown vendor {tag!r} (supported: {expected})"
            location.append("vendor")
        elif error["type"] == "missing":
            reason = "required field is missing"
        elif error["type"] == "extra_forbidden":
            reason = f"unknown option (check the spelling; {SECRETS_HINT})"
        found.append(FieldError(_field_name(location), reason))
    return tuple(found)


def _file_name_errors(path: Path) -> tuple[FieldError, ...]:
    """Why the file's name cannot be a tenant id (reported before what the file holds), or nothing."""
    if TENANT_ID.match(path.stem):
        return ()
    suggestion = _slug(path.stem)
    hint = f", e.g. {suggestion}.yaml" if TENANT_ID.match(suggestion) else ""
    return (FieldError("(file name)", f"{path.stem!r} cannot be a tenant id: name the file after its tenant id "
                                      f"(lowercase letters, digits and underscores{hint})"),)


def load_tenant_file(path: Path) -> TenantConfig | ConfigError:
    named = _file_name_errors(path)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        reason = f"cannot read YAML: {exc}".replace("\n", " ")
        return ConfigError(path, (*named, FieldError("(file)", reason[:500])))
    if not isinstance(raw, dict):
        return ConfigError(path, (*named, FieldError("(file)", "expected a mapping of options")))
    try:
        config = TenantConfig.model_validate(raw)
    except ValidationError as exc:
        return ConfigError(path, (*named, *_pydantic_errors(exc)))
    if config.tenant != path.stem:
        return ConfigError(path, (*named, FieldError(
            "tenant", f"must equal the file name {path.stem!r} (got {config.tenant!r})")))
    return config


def same_tenant_files(paths: Iterable[Path], listings: dict[Path, list[Path]]) -> dict[Path, list[Path]]:
    """File -> the other files of its directory for the same tenant id (any extension, any case).

    Why: ``andes_outdoor.yaml`` and ``andes_outdoor.yml`` (or ``Andes_Outdoor.yaml``) silently let one
    replace the other. ``listings`` holds the tenant files of every given file's directory, so a
    worker that reads only its DAG's file still sees the twin and agrees with the scheduler.
    """
    by_key: dict[tuple[Path, str], set[Path]] = {}
    given = list(paths)
    for directory in {path.parent for path in given}:
        for sibling in listings[directory]:
            by_key.setdefault((directory, sibling.stem.lower()), set()).add(sibling)
    twins = {}
    for path in given:
        others = sorted(p for p in by_key.get((path.parent, path.stem.lower()), ()) if p != path)
        if others:
            twins[path] = others
    return twins


def load_tenants(paths: Iterable[Path] | None = None) -> LoadResult:
    """Load every tenant file, then apply the rules that span files."""
    result = LoadResult()
    paths = list(tenant_files() if paths is None else paths)
    listings = {directory: tenant_files(directory) for directory in {path.parent for path in paths}}
    twins = same_tenant_files(paths, listings)
    for path in paths:
        if others := twins.get(path):
            names = ", ".join(other.name for other in others)
            result.errors.append(ConfigError(path, (FieldError("(file name)", (
                f"{path.name} and {names} are files for the same tenant id {path.stem.lower()!r}: "
                "neither is used; keep one and remove the other")),)))
            continue
        loaded = load_tenant_file(path)
        if isinstance(loaded, ConfigError):
            result.errors.append(loaded)
        else:
            result.tenants[loaded.tenant] = loaded
            result.paths[loaded.tenant] = path
    for tenant, errors in cross_file_errors(result, paths, listings).items():
        result.errors.append(ConfigError(result.paths.pop(tenant), tuple(errors)))
        del result.tenants[tenant]
    return result


def _peers(result: LoadResult, paths: list[Path], listings: dict[Path, list[Path]]) -> dict[Path, TenantConfig]:
    """The loaded tenants plus every other valid file of their directories that names one of their
    connections not named after them (:mod:`puente.config.connection_ownership` says why that is enough)."""
    peers = {result.paths[tenant].resolve(): config for tenant, config in result.tenants.items()}
    given = {path.resolve() for path in paths}
    for files in listings.values():
        stems = Counter(path.stem.lower() for path in files)
        ids = {path.stem for path in files} | {config.tenant for config in peers.values()}
        needles = {conn.lower().encode() for config in list(peers.values())
                   for conn, _ in connection_roles(config) if named_owner(conn, ids) != config.tenant}
        for sibling in files if needles else ():
            if stems[sibling.stem.lower()] > 1 or sibling.resolve() in given:  # twins are in error anyway
                continue
            try:
                text = sibling.read_bytes().lower()
            except OSError:
                continue
            if any(needle in text for needle in needles) and isinstance(
                    config := load_tenant_file(sibling), TenantConfig):
                peers[sibling] = config
    return peers


def cross_file_errors(result: LoadResult, paths: list[Path],
                      listings: dict[Path, list[Path]]) -> dict[str, list[FieldError]]:
    """Tenant -> the errors of the rules that span files: today, who may use a connection."""
    loaded = {result.paths[tenant].resolve(): tenant for tenant in result.tenants}
    found = ownership_errors(_peers(result, paths, listings))
    return {loaded[path]: [FieldError(field, reason) for field, reason in errors]
            for path, errors in found.items() if path in loaded}
