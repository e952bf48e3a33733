"""The factory's memo of Param validation must answer exactly as jsonschema does.

Why: the memo is installed process-wide by the factory (parse time), and Airflow's trigger-time
validation of user values runs through the same ``jsonschema.validate``. These tests pin that an
invalid value is still rejected, that only the plain shape of ``Param.resolve``'s call is
remembered, and that values JSON cannot tell apart from each other (tuple vs list) are not confused.
"""

from __future__ import annotations

import jsonschema
import pytest
from airflow.sdk import Param
from airflow.sdk.definitions.param import ParamValidationError

from puente import param_speedups

SKUS = {"type": ["array", "null"], "items": {"type": "string"}}
DAY = {"type": ["null", "string"], "format": "date"}


@pytest.fixture
def memo():
    """A fresh memo for each test; restores whatever state the factory left behind."""
    was_installed = param_speedups._original is not None
    param_speedups.uninstall()
    param_speedups.install()
    yield param_speedups._memo
    param_speedups.uninstall()
    if was_installed:
        param_speedups.install()


def _jsonschema_says(instance, schema) -> bool:
    original = param_speedups._original or jsonschema.validate
    try:
        original(instance, schema, format_checker=jsonschema.FormatChecker())
    except jsonschema.ValidationError:
        return False
    return True


def _memo_says(instance, schema) -> bool:
    try:
        jsonschema.validate(instance, schema, format_checker=jsonschema.FormatChecker())
    except jsonschema.ValidationError:
        return False
    return True


@pytest.mark.parametrize(
    ("instance", "schema"),
    [
        ([], SKUS), (None, SKUS), (["a", "b"], SKUS), (["a", 1], SKUS), ("a", SKUS), (("a",), SKUS),
        (None, DAY), ("2026-11-30", DAY), ("2026-13-45", DAY), (3, DAY),
        (False, {"type": "boolean"}), (0, {"type": "boolean"}), (1, {"type": "integer"}),
        (True, {"type": "integer"}), (1.0, {"type": "integer"}), (1.5, {"type": "integer"}),
    ],
)
def test_memo_answers_as_jsonschema_twice(memo, instance, schema):
    expected = _jsonschema_says(instance, schema)
    assert _memo_says(instance, schema) is expected
    assert _memo_says(instance, schema) is expected  # the second answer may come from the memo


def test_only_successes_are_remembered(memo):
    _memo_says(["a"], SKUS)
    _memo_says([1], SKUS)
    _memo_says("2026-13-45", DAY)
    assert len(memo) == 1


def test_tuple_is_not_confused_with_the_list_jsonschema_accepts(memo):
    assert _memo_says(["a"], SKUS)
    assert not _memo_says(("a",), SKUS)  # same JSON, but jsonschema's "array" is a list only


def test_other_call_shapes_bypass_the_memo(memo):
    jsonschema.validate(["a"], SKUS)  # no format checker: not Param.resolve's call
    jsonschema.validate(["a"], SKUS, cls=jsonschema.Draft7Validator)
    assert not memo
    with pytest.raises(jsonschema.SchemaError):  # an invalid schema is still reported
        jsonschema.validate(1, {"type": "nonsense"}, format_checker=jsonschema.FormatChecker())


def test_invalid_trigger_value_is_still_rejected_after_the_default_was_remembered(memo):
    param = Param([], type=["array", "null"], items={"type": "string"})
    assert param.resolve() == []
    assert param.resolve(["SKU-1"]) == ["SKU-1"]
    with pytest.raises(ParamValidationError):
        param.resolve(["SKU-1", 2])
    with pytest.raises(ParamValidationError):
        Param(None, type=["null", "string"], format="date").resolve("30/11/2026")
    assert Param(False, type="boolean").resolve(suppress_exception=True) is False
    assert Param(False, type="boolean").resolve("yes", suppress_exception=True) is None


def test_the_factory_installs_the_memo():
    import puente.factory  # noqa: F401  (installs on import)

    assert jsonschema.validate is param_speedups.memoised_validate


def test_param_deep_copy_is_independent_and_equal(memo):
    import copy

    from airflow.sdk.definitions.param import ParamsDict

    assert "__deepcopy__" in vars(Param)
    params = ParamsDict({"skus": Param(["a"], type=["array", "null"], items={"type": "string"}, description="d"),
                         "dry_run": Param(False, type="boolean")})
    copied = copy.deepcopy(params)
    for name in params:
        original, twin = params.get_param(name), copied.get_param(name)
        assert type(twin) is Param and twin is not original
        assert twin.dump() == original.dump()
        assert twin.schema is not original.schema
    copied.get_param("skus").schema["items"]["type"] = "integer"
    copied.get_param("skus").value.append("b")
    assert params.get_param("skus").schema["items"] == {"type": "string"}
    assert params.get_param("skus").value == ["a"]
