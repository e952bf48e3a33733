"""Run a sandbox app on a real loopback socket in a background thread.

Hooks must be exercised over real HTTP (connection reuse, timeouts, dropped connections), so
tests get a real uvicorn server rather than an in-process test client. The socket is bound
before the server starts, so ``port=0`` yields a free ephemeral port with no race.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

STARTUP_TIMEOUT_S = 10.0
SHUTDOWN_TIMEOUT_S = 5.0


class _PromptServer(uvicorn.Server):
    """uvicorn with a 10 ms housekeeping tick instead of 100 ms, and a shutdown that waits only
    as long as connections and tasks are actually busy. Stock uvicorn spends ~0.2 s per stop,
    which dominates a test suite that starts a fresh server per test."""

    async def main_loop(self) -> None:
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864000
            await asyncio.sleep(0.01)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.config.timeout_graceful_shutdown or 1)
        while (self.server_state.connections or self.server_state.tasks) and loop.time() < deadline:
            await asyncio.sleep(0.005)
        for task in self.server_state.tasks:
            task.cancel(msg="sandbox server shutting down")
        for server in self.servers:
            await server.wait_closed()


class ServerThread:
    """A uvicorn server owning a pre-bound socket, started and stopped from another thread."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.host, self.port = self.sock.getsockname()[:2]
        config = uvicorn.Config(
            app,
            log_config=None,  # leave the host process's logging alone
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=1,
        )
        self.server = _PromptServer(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, name=f"sandbox-{self.port}", daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError(f"sandbox server on {self.base_url} died during startup")
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"sandbox server on {self.base_url} did not start")
            time.sleep(0.01)
        _wait_accepting(self.host, self.port, deadline)
        return self.base_url

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(SHUTDOWN_TIMEOUT_S)
        if self.thread.is_alive():
            self.server.force_exit = True
            self.thread.join(SHUTDOWN_TIMEOUT_S)
        self.sock.close()


def _wait_accepting(host: str, port: int, deadline: float) -> None:
    while True:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.01)


@contextmanager
def serve_in_thread(app: Any, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``app`` until the block exits; yields the base URL (``http://127.0.0.1:PORT``)."""
    server = ServerThread(app, host, port)
    base_url = server.start()
    try:
        yield base_url
    finally:
        server.stop()
