"""``PuenteHttpHook``: the shared vendor transport (session, auth, limits, retries, typed errors).

Why not ``HttpHook.run``: it re-reads the connection and builds a new ``requests.Session`` on every
call (too slow for 20k-item catalogs), sends every unknown connection extra as an HTTP header,
and raises ``AirflowException("503:...")`` without the status. This hook keeps HttpHook's class
contract (``conn_type``, ``conn_name_attr``, ``get_conn``, ``run``, ``test_connection``) so Airflow
and ``HttpOperator`` still work with it, but owns the request loop:

1. ``limiter.acquire(rate_limit_key(), rate_budgets())`` before *every* send (retries included);
2. send on one cached session;
3. look the status up in ``status_actions`` (class attribute, overridable per vendor);
4. wait/back off and retry, or raise a typed :mod:`puente.hooks.errors` exception.

Non-idempotent requests (POST unless ``idempotent=True``) are never resent after they may have
reached the vendor: a 5xx, a timeout or a dropped connection raises
``TransientError(uncertain=True)`` so the caller looks the document up before trying again.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

import requests
from airflow.providers.http.hooks.http import HttpHook
from requests import Response, Session
from requests.auth import HTTPBasicAuth

from puente.hooks import deadline
from puente.hooks.errors import RateLimited, TransientError, VendorError
from puente.hooks.failures import error_for_exception, error_for_response, error_for_unreadable_body
from puente.hooks.pagination import NextLinkPaginator, PageNumberPaginator
from puente.hooks.ratelimit import Budget, RateLimiter, get_limiter
from puente.hooks.retry import (
    DEFAULT_STATUS_ACTIONS,
    Action,
    ExponentialBackoff,
    StatusTable,
    action_for,
    parse_retry_after,
)
from puente.hooks.transport import body_of, mask, message_from_body, rebase_url, session_options, to_int

if TYPE_CHECKING:
    from airflow.sdk import Connection


_CONNECTION_LOOKUP = threading.Lock()  # see PuenteHttpHook.connection


class PuenteHttpHook(HttpHook):
    """Base hook for every Puente vendor. Subclasses set the class attributes and ``configure_auth``."""

    conn_name_attr = "http_conn_id"
    default_conn_name = "http_default"
    conn_type = "http"
    hook_name = "Puente HTTP"
    default_host = ""
    vendor: ClassVar[str] = "http"

    # Transport policy; class attributes so a vendor (or a test) changes one number.
    rate_limit_budgets: ClassVar[tuple[Budget, ...]] = ()
    status_actions: ClassVar[StatusTable] = DEFAULT_STATUS_ACTIONS
    idempotent_methods: ClassVar[frozenset[str]] = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
    max_attempts: ClassVar[int] = 6
    max_total_wait: ClassVar[float] = 300.0
    backoff_base: ClassVar[float] = 0.5
    backoff_max: ClassVar[float] = 30.0
    default_rate_limit_wait: ClassVar[float] = 1.0
    default_timeout: ClassVar[float | tuple[float, float]] = (10.0, 60.0)
    default_scheme: ClassVar[str] = "https"
    test_connection_path: ClassVar[str] = "/"
    test_connection_params: ClassVar[Mapping[str, Any] | None] = None

    def __init__(self, conn_id: str | None = None, *, limiter: RateLimiter | None = None, **kwargs: Any):
        conn_id = conn_id or self.default_conn_name
        super().__init__(method="GET", http_conn_id=conn_id, **kwargs)
        self.conn_id = conn_id
        setattr(self, self.conn_name_attr, conn_id)
        self._limiter = limiter
        self._connection: Connection | None = None
        self._extra: dict[str, Any] = {}
        self._session: Session | None = None
        self._init_lock = threading.Lock()
        self._metrics_lock = threading.Lock()
        self._send_options: dict[str, Any] = {"timeout": self.default_timeout}
        self._conn_options: dict[str, Any] = {}
        self._rate_key: str | None = None
        self._budgets: tuple[Budget, ...] | None = None
        self.calls = 0
        self.retries = 0
        self.rate_limited = 0

    # ----------------------------------------------------------------- connection and session
    @property
    def connection(self) -> Connection:
        """The Airflow connection, read once; its secrets are registered with the log masker.

        Lookups are serialised process-wide: inside a task, Airflow answers them through its task
        runner's channel to the supervisor, and the in-process one (``dag.test()``, the demo) swaps
        a module global per request, so two threads looking up at once make one of them see
        "conn_id isn't defined". Hooks used from worker threads (concurrent reads) stay safe.
        """
        if self._connection is None:
            with _CONNECTION_LOOKUP:
                if self._connection is None:
                    self._connection = self._read_connection()
        return self._connection

    def _read_connection(self) -> Connection:
        conn = self.get_connection(self.conn_id)
        mask(conn.password)
        self._extra = conn.extra_dejson  # parses JSON (and masks) on every access: read once
        for name, value in self._extra.items():
            if isinstance(value, str) and any(w in name.lower() for w in ("token", "secret", "password")):
                mask(value)
        return conn

    @property
    def extras(self) -> dict[str, Any]:
        """The connection's extras, parsed once."""
        self.connection  # noqa: B018 - loads and caches the extras
        return self._extra

    def extra_field(self, name: str, default: Any = None) -> Any:
        """A vendor extra, as ``name`` or as the UI form's ``extra__<conn_type>__name``; blanks are unset."""
        extra = self.extras
        for key in (name, f"extra__{self.conn_type}__{name}"):
            value = extra.get(key)
            if value not in (None, ""):
                return value
        return default

    def host_default(self) -> str:
        """Host used when the connection has none; vendors may derive it from an extra."""
        return self.default_host

    def _set_base_url(self, connection: Any) -> None:
        host = (connection.host or self.host_default()).strip()
        if "://" not in host:
            host = f"{connection.schema or self.default_scheme}://{host}"
        if connection.port:
            host = f"{host.rstrip('/')}:{connection.port}"
        self.base_url = host.rstrip("/")
        self._base_url_initialized = True

    def configure_auth(self, session: Session, connection: Connection) -> None:
        """Put credentials on the session. Default: HTTP Basic when the connection has a login."""
        if connection.login:
            session.auth = HTTPBasicAuth(connection.login, connection.password or "")

    def _configure_session_from_extra(
        self, session: Session, connection: Any, extra_options: dict[str, Any]
    ) -> Session:
        """Honour transport options only; unlike HttpHook, never turn extras into headers."""
        extra = self.extras if connection is self._connection else connection.extra_dejson
        options = session_options({**extra, **(extra_options or {})}, self.conn_type)
        self._conn_options = options
        self.merged_extra = options
        for attr in ("proxies", "verify", "cert", "trust_env", "max_redirects"):
            if attr in options:
                setattr(session, attr, options[attr])
        self._send_options = {
            "timeout": options.get("timeout", self.default_timeout),
            "allow_redirects": options.get("allow_redirects", True),
        }
        return session

    def get_conn(self, headers: dict[Any, Any] | None = None, extra_options: dict[str, Any] | None = None) -> Session:
        """The hook's one session (built on first use).

        ``headers`` are per request (``run`` puts them on the request), never stored on the
        session; ``extra_options`` apply to the next ``run`` only, as in HttpHook.
        """
        if self._session is None:
            with self._init_lock:
                if self._session is None:
                    conn = self.connection
                    self._set_base_url(conn)
                    session = Session()
                    session.headers.update({"Accept": "application/json", "User-Agent": "puente/0.1"})
                    self.configure_auth(session, conn)
                    self._configure_session_from_extra(session, conn, {})
                    self._configure_session_from_mount_adapters(session)
                    self._session = session
        self.merged_extra = {**self._conn_options, **(extra_options or {})}
        return self._session

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None

    # ------------------------------------------------------------------------- rate limiting
    @property
    def limiter(self) -> RateLimiter:
        if self._limiter is None:
            self._limiter = get_limiter()
        return self._limiter

    def rate_limit_key(self) -> str:
        """``<vendor>:<host>:<hash of login-or-token>``: one key per vendor account, no secret in clear."""
        if self._rate_key is None:
            self.get_conn()
            conn = self.connection
            identity = conn.login or conn.password or ""
            digest = hashlib.sha256(f"{self.base_url}|{identity}".encode()).hexdigest()[:16]
            self._rate_key = f"{self.vendor}:{urlsplit(self.base_url).netloc}:{digest}"
        return self._rate_key

    def rate_budgets(self) -> tuple[Budget, ...]:
        """Class budgets, with ``rate_limit_per_second`` / ``rate_limit_per_minute`` extras overriding.

        An override of 0 disables that window.
        """
        if self._budgets is None:
            by_window = {window: limit for limit, window in self.rate_limit_budgets}
            for field, window in (("rate_limit_per_second", 1.0), ("rate_limit_per_minute", 60.0)):
                override = to_int(self.extra_field(field))
                if override is not None:
                    by_window[window] = override
            self._budgets = tuple((limit, window) for window, limit in by_window.items() if limit > 0)
        return self._budgets

    # ------------------------------------------------------------------------ vendor overrides
    def extract_message(self, response: Response) -> str | None:
        """The vendor's own error text, verbatim. Vendors override to read their error shape."""
        return message_from_body(body_of(response), ("error", "message", "errors", "detail"))

    def wait_hint(self, response: Response) -> float | None:
        """Seconds a 429 asks us to wait; default ``Retry-After`` (seconds or HTTP-date)."""
        return parse_retry_after(response.headers.get("Retry-After"))

    def classify(self, response: Response) -> Action:
        return action_for(response.status_code, self.status_actions)

    # ------------------------------------------------------------------------------- requests
    def url_for(self, path: str) -> str:
        """Resolve ``path`` (or a vendor link) against the connection's base URL (see ``rebase_url``)."""
        self.get_conn()
        return rebase_url(self.base_url, path)

    def _bump(self, name: str) -> None:
        with self._metrics_lock:
            setattr(self, name, getattr(self, name) + 1)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
        data: bytes | None = None,
    ) -> Response:
        """Send one request (``json``, or a raw ``data`` body such as SOAP XML) with limits, retries, typed errors."""
        method = method.upper()
        if idempotent is None:
            idempotent = method in self.idempotent_methods
        session = self.get_conn()
        url = self.url_for(path)
        log_path = urlsplit(url).path
        key, budgets, limiter = self.rate_limit_key(), self.rate_budgets(), self.limiter
        backoff = ExponentialBackoff(self.backoff_base, self.backoff_max)
        waited = 0.0
        for attempt in range(1, self.max_attempts + 1):
            limiter.acquire(key, budgets)  # may block on the account's budget (shared with the tasks)
            deadline.check(self.vendor, method, log_path)  # a console caller's time is up: raised, nothing sent
            started = time.monotonic()
            self._bump("calls")
            try:
                # a write keeps its whole timeout: cut short it would only turn into an uncertain outcome
                options = deadline.send_options(self._send_options) if idempotent else self._send_options
                response = session.request(method, url, params=params, json=json, data=data, headers=headers, **options)
            except requests.RequestException as exc:
                self._log_exchange(method, log_path, type(exc).__name__, started, attempt, ok=False)
                error = error_for_exception(
                    exc, vendor=self.vendor, method=method, path=log_path, idempotent=idempotent
                )
                retryable = isinstance(error, TransientError) and not error.uncertain
                wait = backoff.wait(attempt) if retryable else None
            else:
                action = self.classify(response)
                ok = action is Action.OK
                self._log_exchange(method, log_path, response.status_code, started, attempt, ok=ok)
                if ok:
                    return response
                error, wait = self._error_and_wait(response, action, method, log_path, idempotent, backoff, attempt)
            if (wait is None or attempt == self.max_attempts or waited + wait > self.max_total_wait
                    or not deadline.may_wait(wait)):
                raise error
            if isinstance(error, RateLimited):
                limiter.note_server_wait(key, wait)  # the next acquire (of every user) blocks
            else:
                time.sleep(wait)
            waited += wait
            self._bump("retries")
            self.log.info("retrying %s %s in %.2f s (attempt %d)", method, log_path, wait, attempt + 1)
        raise AssertionError("unreachable")  # pragma: no cover

    def _log_exchange(self, method: str, path: str, outcome: object, started: float, attempt: int, *, ok: bool) -> None:
        """Method, path (never the query string), status, duration, attempt; never headers or auth."""
        log = self.log.debug if ok else self.log.warning
        elapsed_ms = (time.monotonic() - started) * 1000
        log("%s %s -> %s in %.0f ms (attempt %d)", method, path, outcome, elapsed_ms, attempt)

    def _error_and_wait(
        self,
        response: Response,
        action: Action,
        method: str,
        path: str,
        idempotent: bool,
        backoff: ExponentialBackoff,
        attempt: int,
    ) -> tuple[VendorError, float | None]:
        """The typed error for a non-2xx response, and how long to wait before retrying (None: don't)."""
        hint, wait = None, None
        if action is Action.WAIT:
            self._bump("rate_limited")
            hint = self.wait_hint(response)
            wait = hint if hint is not None else max(self.default_rate_limit_wait, backoff.wait(attempt))
        elif action is Action.BACKOFF and idempotent:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            wait = retry_after if retry_after is not None else backoff.wait(attempt)
        error = error_for_response(
            response,
            action,
            vendor=self.vendor,
            method=method,
            path=path,
            idempotent=idempotent,
            vendor_message=self.extract_message(response),
            retry_after=hint,
        )
        return error, wait

    def check_response(self, response: Response) -> None:
        """For ``HttpHook.run`` callers: raise the typed error instead of a bare AirflowException."""
        action = self.classify(response)
        if action is Action.OK:
            return
        request = response.request
        method = (request.method or "") if request else ""
        path = urlsplit(request.url or "").path if request else ""
        idempotent = method in self.idempotent_methods
        raise self._error_and_wait(response, action, method, path, idempotent, ExponentialBackoff(), 1)[0]

    def request_json(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
    ) -> Any:
        """``request`` then decode JSON; an empty body (204) is ``None``."""
        response = self.request(method, path, params=params, json=json, headers=headers, idempotent=idempotent)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            idem = idempotent if idempotent is not None else method.upper() in self.idempotent_methods
            raise error_for_unreadable_body(response, vendor=self.vendor, method=method, idempotent=idem) from exc

    def paginate(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        paginator: NextLinkPaginator | PageNumberPaginator | None = None,
    ) -> Iterator[Any]:
        """Yield every item of a paged GET, one page request at a time."""
        paginator = paginator or NextLinkPaginator()
        for page in paginator.pages(lambda p, q: self.request_json("GET", p, params=q), path, params):
            yield from page

    def test_connection(self) -> tuple[bool, str]:
        """Call a cheap vendor endpoint with the connection's credentials."""
        try:
            self.request("GET", self.test_connection_path, params=self.test_connection_params)
        except VendorError as exc:
            return False, str(exc)
        except Exception as exc:  # a broken connection definition, e.g. a bad host
            return False, f"{type(exc).__name__}: {exc}"
        return True, f"Connected to {self.hook_name} at {self.base_url}"


__all__ = ["PuenteHttpHook"]
