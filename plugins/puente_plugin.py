"""Airflow plugin: mounts Puente's webhook receiver and operations view on the api-server.

Thin on purpose; the app lives in the installable package (include/puente/web/).
"""

from airflow.plugins_manager import AirflowPlugin

from puente.web.app import URL_PREFIX, create_app


class PuentePlugin(AirflowPlugin):
    name = "puente"
    fastapi_apps = [{"app": create_app(), "url_prefix": URL_PREFIX, "name": "Puente"}]
    external_views = [
        {"name": "Puente operations", "href": f"{URL_PREFIX}/ops", "destination": "nav", "url_route": "puente"}
    ]
