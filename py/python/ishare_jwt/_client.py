"""``TokenClient``: access tokens, managed, for the client side.

The core's sans-IO ``TokenManager`` decides everything (what is cached, when a
token is renewed, what an answer means); this module adds only the HTTP (the
standard library's urllib, or the caller's ``requests.Session`` or
``httpx.Client``), the clock and the locking: one request per key at a time,
the other callers of that key waiting for it, callers of other keys never.

With a ``store`` (``ishare_jwt.stores.RedisTokenStore``) the tokens are shared
by every instance: a miss here looks in the store, and one instance per key
fetches (under the store's lock) while the others wait for its token. The
store only ever saves requests: when it cannot answer, tokens are fetched
directly and one warning per outage is logged (logger ``ishare_jwt``).
"""

from __future__ import annotations

import copy
import http.client
import logging
import math
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from typing import Any, Callable, Optional, Tuple, TypeVar

from . import _native
from .stores import StoredToken, TokenStore

_log = logging.getLogger("ishare_jwt")
_T = TypeVar("_T")

#: Seconds between looks into the store while another instance fetches.
_STORE_POLL = 0.05

#: (status, body) of the token endpoint's answer.
_Answer = Tuple[int, bytes]
#: POSTs (url, body, content type) within a timeout.
_Post = Callable[[str, str, str, float], _Answer]
_Key = Tuple[str, str, str]

#: Read one byte more than the core accepts, so that it, not we, refuses a
#: larger answer.
_READ_LIMIT = _native.MAX_RESPONSE_BYTES + 1


class _Flight:
    """The one token request in progress for a key; its result for the waiters."""

    __slots__ = ("done", "error", "token")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.token: Optional[str] = None
        self.error: Optional[Exception] = None


class _StoreUnavailable(Exception):
    """The token store failed (already logged): fetch directly."""


class TokenClient:
    """Access tokens of one client (``signer``), per server: fetched with a fresh
    client assertion, cached until ``refresh_before`` seconds before they expire.

    ``session``: a ``requests.Session`` or an ``httpx.Client`` to send the token
    requests with (its proxies, certificates, retries); the standard library's
    urllib when None. ``timeout``: seconds for connecting and for each read.

    ``store``: a token store shared by every instance (``RedisTokenStore``);
    this client's own cache stays in front of it, so a warm call touches no
    network. A store that cannot answer never makes a call fail: the token is
    fetched directly, with one logged warning per outage.

    Thread-safe. Concurrent calls for one key make one HTTP request, the others
    wait for its answer (its token, or its error); calls for different keys do
    not wait for each other.
    """

    def __init__(
        self,
        signer: _native.Signer,
        *,
        refresh_before: int = 60,
        timeout: float = 10.0,
        session: Any = None,
        store: Optional[TokenStore] = None,
    ) -> None:
        self._manager = _native.TokenManager(signer, refresh_before=refresh_before)
        self._timeout = _checked_timeout(timeout)
        self._post = _poster(session)
        # Guards _flights only; never held across the network or signing.
        self._lock = threading.Lock()
        self._flights: dict[_Key, _Flight] = {}
        self._store = store
        self._store_down = False

    def access_token(self, server_id: str, token_url: str, *, scope: str = "iSHARE") -> str:
        """A token for ``server_id`` (its party id, the assertion's audience) from
        its token endpoint ``token_url``: the cached one, or a new one.

        Raises ``TokenEndpointError`` when the server refuses (``.status``,
        ``.error``, ``.error_description``), ``NetworkError`` when it cannot be
        reached within the timeout, ``InvalidResponseError`` for an answer that
        is not a token response.
        """
        cached = self._manager.cached(server_id, token_url, scope)
        if cached is not None:
            return cached.access_token
        key = (server_id, token_url, scope)
        while True:
            with self._lock:
                flight = self._flights.get(key)
                leading = flight is None
                if flight is None:
                    flight = self._flights[key] = _Flight()
            if leading:
                return self._lead(key, flight)
            flight.done.wait()
            if flight.token is not None:
                return flight.token
            if flight.error is not None:
                raise _copy(flight.error) from flight.error
            # The leader was interrupted (KeyboardInterrupt, ...): try again.

    def invalidate(self, server_id: str, token_url: str, *, scope: str = "iSHARE") -> None:
        """Forgets the cached token of the key (a resource server refused it),
        here and in the store."""
        self._manager.invalidate(server_id, token_url, scope)
        if self._store is not None:
            self._quietly(self._store.delete, self._manager.cache_key(server_id, token_url, scope))

    def __repr__(self) -> str:
        store = "" if self._store is None else f", store={self._store!r}"
        return f"TokenClient({self._manager!r}, timeout={self._timeout}{store})"

    def _lead(self, key: _Key, flight: _Flight) -> str:
        """Fetches the key's token for every caller waiting on ``flight``."""
        try:
            flight.token = self._fetch(*key)
            return flight.token
        except Exception as error:
            flight.error = error
            raise
        finally:
            with self._lock:
                del self._flights[key]
            flight.done.set()

    def _fetch(self, server_id: str, token_url: str, scope: str) -> str:
        key = (server_id, token_url, scope)
        if self._store is None:
            return self._request(key).access_token
        try:
            return self._fetch_shared(self._store, key)
        except _StoreUnavailable:
            return self._request(key).access_token

    def _request(self, key: _Key) -> _native.AccessToken:
        """The key's token from the token endpoint (or from this cache, if
        another caller's request just finished)."""
        step = self._manager.get(*key)
        if isinstance(step, _native.AccessToken):
            return step
        # The token's lifetime counts from before the request was sent.
        sent_at = int(time.time())
        status, body = self._post(step.url, step.body, step.content_type, self._timeout)
        return self._manager.finish(*key, status, body, now=sent_at)

    def _fetch_shared(self, store: TokenStore, key: _Key) -> str:
        """The key's token from the store, or fetched under the store's lock
        and saved there; past the lock timeout, fetched regardless. Raises
        ``_StoreUnavailable`` when the store fails before a token is fetched."""
        name = self._manager.cache_key(*key)
        deadline = time.monotonic() + store.lock_timeout
        while True:
            token = self._adopt(key, self._call(store.load, name))
            if token is not None:
                return token
            owner = self._call(store.lock, name)
            if owner is not None:
                try:
                    # Stored by another instance between our look and the lock?
                    token = self._adopt(key, self._call(store.load, name))
                    if token is not None:
                        return token
                    fetched = self._request(key)
                    stored = StoredToken(
                        fetched.access_token, fetched.token_type, fetched.expires_at
                    )
                    self._quietly(store.save, name, stored)
                    return fetched.access_token
                finally:
                    self._quietly(store.unlock, name, owner)
            if time.monotonic() >= deadline:
                return self._request(key).access_token
            time.sleep(_STORE_POLL)

    def _adopt(self, key: _Key, stored: Optional[StoredToken]) -> Optional[str]:
        """Caches a stored token here; returns it if it is still good for
        ``refresh_before`` seconds (the core judges, as for its own)."""
        if stored is None:
            return None
        self._manager.insert(*key, stored.access_token, stored.token_type, stored.expires_at)
        cached = self._manager.cached(*key)
        return None if cached is None else cached.access_token

    def _call(self, operation: Callable[..., _T], *args: Any) -> _T:
        """``operation(*args)`` on the store; its failure is logged (once per
        outage) and raised as ``_StoreUnavailable``."""
        try:
            result = operation(*args)
        except Exception as error:
            self._store_failed(error)
            raise _StoreUnavailable() from error
        self._store_answered()
        return result

    def _quietly(self, operation: Callable[..., _T], *args: Any) -> Optional[_T]:
        """``operation(*args)`` on the store; None (logged) when it fails."""
        try:
            return self._call(operation, *args)
        except _StoreUnavailable:
            return None

    def _store_failed(self, error: Exception) -> None:
        with self._lock:
            first = not self._store_down
            self._store_down = True
        if first:
            _log.warning(
                "token store %r failed (%s: %s): fetching tokens directly until it answers",
                self._store,
                type(error).__name__,
                error,
            )

    def _store_answered(self) -> None:
        if self._store_down:
            with self._lock:
                back, self._store_down = self._store_down, False
            if back:
                _log.info("token store %r answers again", self._store)

    # For IshareAuth (ishare_jwt.auth).

    def _cached_token(self, server_id: str, token_url: str, scope: str) -> Optional[str]:
        cached = self._manager.cached(server_id, token_url, scope)
        return None if cached is None else cached.access_token

    def _renew(self, server_id: str, token_url: str, scope: str, refused: str) -> str:
        """A token other than ``refused`` (which a resource server answered 401
        to): the cached one if another caller already renewed it, else a new one."""
        with self._lock:
            if self._cached_token(server_id, token_url, scope) == refused:
                self._manager.invalidate(server_id, token_url, scope)
        if self._store is not None:
            name = self._manager.cache_key(server_id, token_url, scope)
            stored = self._quietly(self._store.load, name)
            if stored is not None and stored.access_token == refused:
                self._quietly(self._store.delete, name)
        return self.access_token(server_id, token_url, scope=scope)


def _copy(error: Exception) -> Exception:
    """A copy of the leader's error to raise in another thread (one exception
    object raised in many threads would collect all their tracebacks)."""
    try:
        return copy.copy(error)
    except Exception:
        return error


def _checked_timeout(timeout: float) -> float:
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError(f"timeout must be a number of seconds, not {type(timeout).__name__}")
    if not (math.isfinite(timeout) and timeout > 0):
        raise _native.InvalidArgumentError(
            f"timeout must be a positive number of seconds, got {timeout}"
        )
    return float(timeout)


def _poster(session: Any) -> _Post:
    """How to POST: urllib, or the caller's requests or httpx session. Neither
    library is imported here: a session of one means it is loaded already."""
    if session is None:
        return _post_urllib
    requests = sys.modules.get("requests")
    if requests is not None and isinstance(session, requests.Session):
        return lambda *request: _post_requests(session, *request)
    httpx = sys.modules.get("httpx")
    if httpx is not None and isinstance(session, httpx.Client):
        return lambda *request: _post_httpx(session, *request)
    raise TypeError(
        f"session must be a requests.Session or an httpx.Client, not {type(session).__name__}"
    )


def _network_error(url: str, reason: object) -> Exception:
    error: Exception = _native.network_error(f"POST {url}: {reason}")
    return error


def _headers(content_type: str) -> dict[str, str]:
    return {"Content-Type": content_type, "Accept": "application/json"}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is the token endpoint's answer, not a reason to send the
    assertion elsewhere (urllib would follow a 302 as a GET)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_URLLIB = urllib.request.build_opener(_NoRedirect)


def _post_urllib(url: str, body: str, content_type: str, timeout: float) -> _Answer:
    request = urllib.request.Request(
        url, data=body.encode("ascii"), headers=_headers(content_type), method="POST"
    )
    try:
        try:
            with _URLLIB.open(request, timeout=timeout) as answer:
                return answer.status, answer.read(_READ_LIMIT)
        except urllib.error.HTTPError as refusal:
            with refusal:
                return refusal.code, refusal.read(_READ_LIMIT)
    except urllib.error.URLError as error:
        raise _network_error(url, error.reason) from error
    except (OSError, http.client.HTTPException) as error:
        raise _network_error(url, repr(error)) from error


def _read_limited(chunks: Iterable[bytes]) -> bytes:
    data = bytearray()
    for chunk in chunks:
        data += chunk
        if len(data) >= _READ_LIMIT:
            break
    return bytes(data[:_READ_LIMIT])


def _no_auth(request: Any) -> Any:
    """The token request authenticates with its client assertion: never with
    the session's own ``auth`` (which may be an IshareAuth of this client)."""
    return request


def _post_requests(session: Any, url: str, body: str, content_type: str, timeout: float) -> _Answer:
    import requests

    try:
        with session.post(
            url,
            data=body.encode("ascii"),
            headers=_headers(content_type),
            timeout=timeout,
            allow_redirects=False,
            stream=True,
            auth=_no_auth,
        ) as answer:
            return answer.status_code, _read_limited(answer.iter_content(16384))
    except requests.RequestException as error:
        raise _network_error(url, repr(error)) from error


def _post_httpx(session: Any, url: str, body: str, content_type: str, timeout: float) -> _Answer:
    import httpx

    try:
        with session.stream(
            "POST",
            url,
            content=body.encode("ascii"),
            headers=_headers(content_type),
            timeout=timeout,
            follow_redirects=False,
            auth=None,
        ) as answer:
            return answer.status_code, _read_limited(answer.iter_bytes())
    except httpx.TransportError as error:
        raise _network_error(url, repr(error)) from error
