"""A leaf that fails the DAG run when any task failed.

Report tasks run with ``all_done`` so they always report; being leaves, their success would
otherwise turn a run with a failed task green. This watcher (``one_failed``) keeps it red.
"""

from __future__ import annotations

from typing import Any

from airflow.sdk import BaseOperator
from airflow.sdk.exceptions import AirflowException


class FailedTaskWatcher(BaseOperator):
    ui_color = "#f7d6d6"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(trigger_rule="one_failed", retries=0, **kwargs)

    def execute(self, context: Any) -> None:
        raise AirflowException("a task of this run failed: see the red task(s) and the run report")
