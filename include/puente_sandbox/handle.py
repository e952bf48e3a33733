"""``SandboxHandle``: a test's remote control for one running sandbox, over HTTP.

It talks to the inspection routes only, so it works the same for a sandbox in a thread, in a
``make up`` background process, or on another machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import requests

from puente_sandbox.common.state import INSPECTION_PREFIX

TIMEOUT_S = 10.0


@dataclass
class SandboxHandle:
    """``base_url`` plus helpers; ``auth``/``headers`` are what a vendor client must send.

    ``store`` is the in-process store when the sandbox runs in this process (white-box checks);
    ``None`` for a remote sandbox.
    """

    base_url: str
    vendor: str
    auth: tuple[str, str] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    store: Any = None
    session: requests.Session = field(default_factory=requests.Session, repr=False)

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    def client(self) -> requests.Session:
        """A new session that authenticates like a correctly configured vendor client."""
        session = requests.Session()
        session.auth = self.auth
        session.headers.update(self.headers)
        return session

    def _inspection_url(self, path: str) -> str:
        path = path if path.startswith(INSPECTION_PREFIX) else f"{INSPECTION_PREFIX}/{path.lstrip('/')}"
        return self.url(path)

    def inspect_get(self, path: str, **params: Any) -> Any:
        response = self.session.get(self._inspection_url(path), params=params or None, timeout=TIMEOUT_S)
        response.raise_for_status()
        return response.json()

    def inspect_post(self, path: str, json: Any = None) -> Any:
        response = self.session.post(self._inspection_url(path), json=json or {}, timeout=TIMEOUT_S)
        response.raise_for_status()
        return response.json()

    def inspect_put(self, path: str, json: Any = None) -> Any:
        response = self.session.put(self._inspection_url(path), json=json or {}, timeout=TIMEOUT_S)
        response.raise_for_status()
        return response.json()

    def health(self) -> dict[str, Any]:
        return self.inspect_get("health")

    def counters(self) -> dict[str, Any]:
        return self.inspect_get("counters")

    def reset_counters(self) -> dict[str, Any]:
        return self.inspect_post("counters/reset")

    def faults(self) -> dict[str, Any]:
        return self.inspect_get("faults")

    def set_faults(self, **config: Any) -> dict[str, Any]:
        """Replace the fault config (unspecified fields fall back to "no fault")."""
        return self.inspect_post("faults", config)

    def clear_faults(self) -> dict[str, Any]:
        return self.inspect_post("faults", {})

    def writes(self) -> list[dict[str, Any]]:
        return self.inspect_get("writes")

    def close(self) -> None:
        self.session.close()
