"""Airflow plugin: mounts Puente's webhook receiver and operations console on the api-server, and puts the
console in Airflow's navigation (shown inside the Airflow UI at /plugin/puente).

Thin on purpose; the app lives in the installable package (include/puente/web/).
"""

from airflow.plugins_manager import AirflowPlugin

from puente.web.app import URL_PREFIX, create_app
from puente.web.dry_run_guard import DryRunGuard


class PuentePlugin(AirflowPlugin):
    name = "puente"
    fastapi_apps = [{"app": create_app(), "url_prefix": URL_PREFIX, "name": "Puente"}]
    fastapi_root_middlewares = [{"middleware": DryRunGuard, "name": "puente_dry_run_guard"}]
    external_views = [
        {"name": "Puente operations", "href": f"{URL_PREFIX}/console", "destination": "nav", "url_route": "puente",
         "icon": f"{URL_PREFIX}/console/assets/icon.svg"}
    ]
