"""200 hostile webhook requests (seeded): malformed, oversized, replayed, cross-tenant, odd ids.

Acceptance line of the hardening issue: 0 answers 5xx and 0 runs triggered by any of them. One
genuine event is delivered first, so the replays have a run to collide with.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Callable

from webhook_tenants import BROKEN_TENANT, EVENT, FACTO_TENANT, NOW, TOKENS, UNARMED_TENANT, Receiver

ANDES = TOKENS["andes_outdoor"]
REQUESTS = 200
ODD_IDS = ["", "-1", "3960.5", "3960/../../etc", "3960; DROP TABLE", "\uff19", "9" * 19, "0x1f", " 3960", "a" * 300,
           None, True, [], {"id": 1}, 3.5, -7, "%2e%2e", "3960\n"]
ODD_TENANTS = ["nobody", "ANDES_OUTDOOR", "andes__outdoor", "a", "x" * 300, "andes_outdoor.yaml", "..",
               "%2e%2e%2fetc", "andes outdoor", "andes_outdoor%00", "config_error__andes_outdoor", "ñandú"]


def _malformed_json(rng: random.Random) -> dict:
    good = json.dumps(EVENT).encode()
    choices = [good[: rng.randrange(1, len(good) - 1)], bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200))),
               b"{'topic': 'stock'}", b"NaN", b"{" * rng.randrange(10, 50_000), good + b"garbage"]
    return {"content": rng.choice(choices)}


def _not_an_object(rng: random.Random) -> dict:
    return {"json": rng.choice([[EVENT], "stock", 3960, None, True, [], [[[]]]])}


def _empty_or_form(rng: random.Random) -> dict:
    return rng.choice([{"content": b""}, {"content": b"   \n"},
                       {"data": {k: str(v) for k, v in EVENT.items()}},
                       {"files": {"event": ("event.json", json.dumps(EVENT).encode())}}])


def _oversized(rng: random.Random) -> dict:
    size = 1024 * 1024 + rng.randrange(1, 4096)
    if rng.random() < 0.5:
        return {"content": b" " * size}
    return {"content": iter([b" " * 65536] * (size // 65536 + 1))}  # chunked: no Content-Length


def _bad_fields(rng: random.Random) -> dict:
    key, value = rng.choice([("resourceId", rng.choice(ODD_IDS)),
                             ("send", rng.choice(["now", None, -5, 10**12, 1.5e20])),
                             ("topic", rng.choice(["", "STOCK", "stock__x", "s" * 41, None, 7])),
                             ("cpnId", rng.choice(["two", -1, None])), ("officeId", rng.choice(ODD_IDS[1:]))])
    event = dict(EVENT)
    if rng.random() < 0.1:
        event.pop(rng.choice(["resourceId", "send", "topic", "cpnId"]))
    else:
        event[key] = value
    return {"json": event}


def _replayed(rng: random.Random) -> dict:
    shift = rng.choice([0, rng.randrange(0, 30), -rng.randrange(16 * 60, 10**6), rng.randrange(6 * 60 + 30, 10**6)])
    return {"json": EVENT | {"send": EVENT["send"] + shift}}


BODY_KINDS: list[Callable[[random.Random], dict]] = [_malformed_json, _not_an_object, _empty_or_form, _oversized,
                                                    _bad_fields, _replayed]


def _hostile_request(rng: random.Random) -> tuple[str, str | None, dict, str]:
    """(tenant, token, body, kind): either a hostile body to a good URL, or a good body to a bad one."""
    if rng.random() < 0.6:
        make_body = rng.choice(BODY_KINDS)
        return "andes_outdoor", ANDES, make_body(rng), make_body.__name__
    wrong = rng.choice([("andes_sur", ANDES), ("andes_outdoor", TOKENS["andes_sur"]), (FACTO_TENANT, ANDES),
                        (UNARMED_TENANT, ANDES), (BROKEN_TENANT, ANDES), ("andes_outdoor", None),
                        ("andes_outdoor", ANDES[:-1]), ("andes_outdoor", ANDES + "x"), ("andes_outdoor", ""),
                        (rng.choice(ODD_TENANTS), ANDES)])
    fresh = EVENT | {"resourceId": str(rng.randrange(1, 10**6)), "send": NOW - rng.randrange(0, 600)}
    return wrong[0], wrong[1], {"json": fresh}, "wrong tenant or token"


def test_two_hundred_hostile_requests_answer_4xx_or_drop_and_trigger_nothing(receiver: Receiver):
    assert receiver.post("andes_outdoor", ANDES, json=EVENT).json()["status"] == "triggered"
    genuine = dict(receiver.created)
    rng = random.Random(20261207)
    answers: Counter[tuple[str, int, str]] = Counter()
    for _ in range(REQUESTS):
        tenant, token, body, kind = _hostile_request(rng)
        answer = receiver.post(tenant, token, **body)
        assert answer.status_code < 500, (kind, tenant, answer.status_code, answer.text[:300])
        reply = answer.json()
        outcome = reply.get("status") or reply["detail"].split(":")[0][:40]
        assert answer.status_code >= 400 or outcome in {"stale", "duplicate"}, (kind, reply)
        answers[(kind, answer.status_code, outcome)] += 1
    assert receiver.created == genuine, "a hostile request started a run"
    assert sum(answers.values()) == REQUESTS
    kinds = {kind for kind, _, _ in answers}
    assert kinds == {*(make.__name__ for make in BODY_KINDS), "wrong tenant or token"}, answers
