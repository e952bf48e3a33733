"""Day runs of ``<tenant>__crm_sync`` one after another, as a backfill runs them (``_crm_worker.py TENANT FIRST DAYS``).

Runs in its own process so bench/crm_backfill.py can SIGKILL it mid-day. Each day is
``dag.test(logical_date=L, run_after=L)`` with ``L`` the end of the Bogotá day: the interval
timetable maps it to ``[day, day + 1)``, and the fixed ``run_after`` gives each day one run id
(``manual__<L>``), so re-running a killed day is the same DagRun again, as when Airflow retries a
backfill run's task (the CRM ledger lets a run take back its own claims at once; another run would
wait out the 30-minute lease). Prints ``DAY {json}`` after each day.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from _util import REPO

BOGOTA = ZoneInfo("America/Bogota")


def main(tenant: str, first: date, days: int) -> None:
    from airflow.dag_processing.dagbag import DagBag

    dag = DagBag(dag_folder=str(REPO / "dags")).dags[f"{tenant}__crm_sync"]
    for offset in range(days):
        day = first + timedelta(days=offset)
        end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=BOGOTA)
        start = time.perf_counter()
        run = dag.test(logical_date=end, run_after=end)
        wall = time.perf_counter() - start
        state = str(getattr(run.state, "value", run.state))
        print("DAY " + json.dumps({"day": day.isoformat(), "state": state, "wall_s": wall, "run_id": run.run_id}),
              flush=True)


if __name__ == "__main__":
    main(sys.argv[1], date.fromisoformat(sys.argv[2]), int(sys.argv[3]))
