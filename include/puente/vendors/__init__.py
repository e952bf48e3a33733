"""The vendors Puente ships, one plug-in package each (see :mod:`puente.connectors.spec`).

Vendor packages use the shared machinery (``puente.hooks``, ``puente.connectors.protocols``,
``puente.models``, ``puente.rules``) and never one another; the core reaches them only through
:mod:`puente.connectors.registry`.
"""
