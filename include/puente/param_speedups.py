"""Two parse-time costs of DAG ``Param``s, removed for the DAG processor and workers.

Both are installed once per process by the factory (``install()``, idempotent) and measured in
docs/benchmarks.md ("Where the DAG parse time goes"). Neither changes a value Airflow sees.

1. A memo of successful ``jsonschema.validate`` calls (Param defaults).
2. A direct ``Param.__deepcopy__``: Airflow deep-copies the DAG's params into every operator.

The memo
--------
Airflow validates every ``Param`` default while the DAG is built (``DAG._validate_params`` ->
``Param.resolve`` -> ``jsonschema.validate``), and ``jsonschema.validate`` checks the *schema
itself* against the Draft 2020-12 metaschema on every call. With 500 tenants that re-checks the
same handful of schemas thousands of times: about 45% of the whole DAG parse (see
docs/benchmarks.md, "Where the DAG parse time goes"). The result of a validation is a pure function
of (instance, schema), so a success can be remembered.

What is remembered, and why it cannot change what Airflow accepts:

- only the call shape ``Param.resolve`` makes: ``validate(instance, schema,
  format_checker=FormatChecker())`` with the default format checkers; any other call goes
  straight to jsonschema;
- only *successes*: an invalid value (a default or a user's trigger value) is re-validated every
  time and raises exactly what jsonschema raises;
- keyed on a canonical JSON of both instance and schema, and only when both are made of plain JSON
  types (``dict`` with ``str`` keys, ``list``, ``str``, ``int``, ``float``, ``bool``, ``None``). A
  tuple, a ``str`` subclass or any other type bypasses the memo, because jsonschema's type checks
  tell them apart and JSON would not;
- schemas with ``$ref`` / ``$dynamicRef`` bypass the memo (their result could depend on a
  resolver), and the memo is bounded so user-supplied values cannot grow it without limit.

Airflow's ``Param.resolve`` imports ``validate`` from the ``jsonschema`` module on every call, so
replacing the module attribute is enough.

The deep copy
-------------
``BaseOperator`` deep-copies ``dag.params`` for every task, twice for an operator with its own
``__init__`` (``_get_parent_defaults``). ``Param`` defines ``__copy__`` but no ``__deepcopy__``,
so each copy goes through ``__reduce_ex__`` and ``copy._reconstruct``: about 60 µs per copy of
the five invoicing params on a quiet machine, ~11% of the parse; the direct copy takes about 30.
``param_deepcopy`` does what that generic path does (new instance of the same class, registered
in ``memo``, every ``__dict__`` value deep-copied) without the reduce machinery; values of atomic
types are shared, as ``copy.deepcopy`` itself shares them. It is only installed when ``Param``
has no ``__deepcopy__``, ``__getstate__``, ``__setstate__`` or ``__reduce_ex__`` of its own, so
a future Airflow that customises copying keeps its own behaviour.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import jsonschema
from airflow.sdk import Param

MAX_ENTRIES = 4096
_JSON_SCALARS = (str, int, float, bool, type(None))
_memo: set[tuple[str, str]] = set()
_original: Callable[..., None] | None = None


def _plain_json(value: Any) -> bool:
    """True when ``value`` is built only from exact JSON types (no subclasses, no tuples)."""
    kind = type(value)
    if kind in _JSON_SCALARS:
        return True
    if kind is list:
        return all(_plain_json(item) for item in value)
    if kind is dict:
        return all(type(key) is str and _plain_json(item) for key, item in value.items())
    return False


def _key(instance: Any, schema: Any) -> tuple[str, str] | None:
    if type(schema) is not dict or not _plain_json(schema) or not _plain_json(instance):
        return None
    schema_key = json.dumps(schema, sort_keys=True, separators=(",", ":"))
    if "$ref" in schema_key or "$dynamicRef" in schema_key:
        return None
    return json.dumps(instance, sort_keys=True, separators=(",", ":")), schema_key


def _default_format_checker(args: tuple, kwargs: dict) -> bool:
    """The exact shape of Airflow's call: no extra arguments, a fresh default ``FormatChecker``."""
    if args or set(kwargs) != {"format_checker"}:
        return False
    checker = kwargs["format_checker"]
    return type(checker) is jsonschema.FormatChecker and checker.checkers == jsonschema.FormatChecker.checkers


def memoised_validate(instance: Any, schema: Any, cls: Any = None, *args: Any, **kwargs: Any) -> None:
    """``jsonschema.validate`` that skips a call which already succeeded with the same values."""
    assert _original is not None, "install() first"
    key = _key(instance, schema) if cls is None and _default_format_checker(args, kwargs) else None
    if key is not None and key in _memo:
        return
    _original(instance, schema, cls, *args, **kwargs)  # raises on invalid: never remembered
    if key is not None and len(_memo) < MAX_ENTRIES:
        _memo.add(key)


def param_deepcopy(self: Param, memo: dict[int, Any]) -> Param:
    """``copy.deepcopy`` of a ``Param``, as the generic path makes it, minus the reduce machinery."""
    cls = type(self)
    if cls is not Param and not _copies_generically(cls):  # a subclass that customises copying
        return copy._reconstruct(self, memo, *self.__reduce_ex__(4))  # what copy.deepcopy would do
    new = cls.__new__(cls)
    memo[id(self)] = new
    new.__dict__.update(
        {name: value if type(value) in _JSON_SCALARS else copy.deepcopy(value, memo)
         for name, value in self.__dict__.items()}
    )
    return new


def _copies_generically(cls: type) -> bool:
    """True when ``cls`` leaves deep copies to ``copy``'s generic ``__reduce_ex__`` path."""
    return (
        all(getattr(cls, name, None) is getattr(object, name, None)
            for name in ("__getstate__", "__setstate__", "__reduce_ex__", "__reduce__"))
        and not any("__slots__" in vars(klass) for klass in cls.__mro__)
    )


def install() -> None:
    """Route ``jsonschema.validate`` through the memo and give ``Param`` a direct deep copy (idempotent)."""
    global _original
    if _original is None:
        _original = jsonschema.validate
        jsonschema.validate = memoised_validate
    if "__deepcopy__" not in vars(Param) and _copies_generically(Param):
        Param.__deepcopy__ = param_deepcopy  # type: ignore[attr-defined]


def uninstall() -> None:
    """Undo ``install()`` and forget every remembered success (for tests)."""
    global _original
    if _original is not None:
        jsonschema.validate = _original
        _original = None
    if vars(Param).get("__deepcopy__") is param_deepcopy:
        del Param.__deepcopy__  # type: ignore[attr-defined]
    _memo.clear()
