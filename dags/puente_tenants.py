"""Puente DAG factory: one Airflow DAG per tenant file and flow (see include/puente/factory.py).

Kept to an import and a call: the Airflow DAG processor parses this file often, and every
tenant's DAG id, tags and docs come from the validated tenant files in include/tenants/.
"""

from puente.factory import register_dags

register_dags(globals())
