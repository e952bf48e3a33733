"""A webhook receiver for sandbox tests: records every POST and answers as told (status, delay).

``run_callback_recorder(script)`` serves it on loopback; ``script`` is a list of ``(status,
delay_s)`` answers used in order (the last one repeats), so a test can make the first attempts
fail or time out and watch the sandbox retry over real HTTP.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from starlette.responses import JSONResponse

from puente_sandbox.server import ServerThread


@dataclass
class CallbackRecorder:
    base_url: str = ""
    script: list[tuple[int, float]] = field(default_factory=lambda: [(200, 0.0)])
    received: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"{self.base_url}/callbacks"

    def bodies(self) -> list[Any]:
        with self.lock:
            return [entry["body"] for entry in self.received]

    def wait_for(self, count: int, timeout_s: float = 10.0) -> list[Any]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and len(self.bodies()) < count:
            time.sleep(0.01)
        return self.bodies()


def _app(recorder: CallbackRecorder) -> FastAPI:
    app = FastAPI()

    @app.post("/callbacks")
    async def callback(request: Request) -> JSONResponse:
        raw = await request.body()
        with recorder.lock:
            index = len(recorder.received)
            status, delay = recorder.script[min(index, len(recorder.script) - 1)]
            try:
                body: Any = json.loads(raw)
            except ValueError:
                body = raw.decode("utf-8", "replace")
            recorder.received.append({"body": body, "headers": dict(request.headers),
                                      "query": dict(request.query_params), "at": time.time()})
        if delay:
            await asyncio.sleep(delay)
        return JSONResponse({"ok": status == 200}, status_code=status)

    return app


@contextmanager
def run_callback_recorder(script: Sequence[tuple[int, float]] = ((200, 0.0),)) -> Iterator[CallbackRecorder]:
    recorder = CallbackRecorder(script=list(script))
    server = ServerThread(_app(recorder))
    recorder.base_url = server.start()
    try:
        yield recorder
    finally:
        server.stop()
