"""Stores shared by every instance of a service, in Redis (redis-py).

``RedisReplayStore`` remembers accepted tokens for ``Verifier(...,
replay_store=store)``: a token one instance accepted is a replay to every
other. It fails closed: a store that cannot answer refuses the token
(``ReplayStoreError``).

``RedisTokenStore`` shares access tokens between the ``TokenClient`` s of
every instance (``TokenClient(signer, store=store)``): one fetch per key
across processes. It fails open: a store that cannot answer only costs a
token request.

redis-py is optional (``pip install "ishare-jwt[redis]"``) and never imported
by this module: pass a ``redis.Redis`` client. The keys are the core's
(``Assertion.replay_key``; the token manager's cache key), so the Rust crate's
adapters share the same entries.
"""

from __future__ import annotations

import json
import math
import secrets
import time
from typing import Any, NamedTuple, Optional, Protocol

__all__ = [
    "Cipher",
    "RedisReplayStore",
    "RedisTokenStore",
    "ReplayStore",
    "StoredToken",
    "TokenStore",
]

DEFAULT_PREFIX = "ishare-jwt:"


class Cipher(Protocol):
    """Encrypts what a token store writes (``cryptography.fernet.Fernet`` is one)."""

    def encrypt(self, data: bytes) -> bytes: ...
    def decrypt(self, token: bytes) -> bytes: ...


class ReplayStore(Protocol):
    """What ``Verifier(replay_store=...)`` calls for every token it accepts."""

    def remember(self, key: str, until: int, now: int) -> bool:
        """Records ``key`` until ``until`` (Unix seconds): True if it is new,
        False if it is there already (a replay). Raises when it cannot tell:
        the token is then refused."""
        ...


class StoredToken(NamedTuple):
    """An access token as a token store keeps it."""

    access_token: str
    token_type: str
    #: Unix seconds.
    expires_at: int

    def __repr__(self) -> str:
        # Never the token itself.
        return f"StoredToken(token_type={self.token_type!r}, expires_at={self.expires_at})"


class TokenStore(Protocol):
    """What ``TokenClient(store=...)`` uses; any method may raise when the store
    cannot answer (the client then fetches the token itself)."""

    #: Seconds a lock holder may take to fetch a token; waiters then fetch themselves.
    lock_timeout: float

    def load(self, key: str) -> Optional[StoredToken]: ...
    def save(self, key: str, token: StoredToken) -> None: ...
    def delete(self, key: str) -> None: ...
    def lock(self, key: str) -> Optional[str]:
        """The owner's secret if the lock on ``key`` was taken, None if held elsewhere."""
        ...

    def unlock(self, key: str, owner: str) -> None: ...


def _positive(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number of seconds, not {type(value).__name__}")
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive number of seconds, got {value}")
    return float(value)


def _bounded(client: Any, timeout: float) -> Any:
    """``client``, or a client on the same server whose connections connect and
    read within ``timeout`` and never retry (for a plain ``redis.Redis``: its
    pool's settings with those bounds). Other clients are used as given."""
    pool = getattr(client, "connection_pool", None)
    kwargs = getattr(pool, "connection_kwargs", None)
    if pool is None or not isinstance(kwargs, dict):
        return client
    import redis

    if type(pool) is not redis.ConnectionPool or type(client) is not redis.Redis:
        return client
    bounded = dict(kwargs)
    for name in ("socket_timeout", "socket_connect_timeout"):
        given = bounded.get(name)
        bounded[name] = timeout if given is None else min(float(given), timeout)
    bounded["retry"] = None
    bounded["retry_on_timeout"] = False
    bounded["retry_on_error"] = []
    return redis.Redis(
        connection_pool=redis.ConnectionPool(connection_class=pool.connection_class, **bounded)
    )


class RedisReplayStore:
    """Accepted tokens in Redis: ``SET <prefix>replay:<replay_key> 1 NX EXAT
    <replay_until>``, so each token is accepted once across every verifier on
    the server, and forgotten when it could not be accepted anyway.

    ``timeout``: seconds one record may take. Any Redis error, and any record
    that took longer, raises: the verifier refuses the token
    (``ReplayStoreError``). A plain ``redis.Redis`` client's pool is copied with
    that timeout and no retries; give other clients bounded timeouts yourself.
    """

    def __init__(
        self, client: Any, *, prefix: str = DEFAULT_PREFIX, timeout: float = 1.0
    ) -> None:
        self.prefix = prefix
        self.timeout = _positive("timeout", timeout)
        self._client = _bounded(client, self.timeout)

    def key(self, replay_key: str) -> str:
        """The Redis key of a token's ``replay_key``."""
        return f"{self.prefix}replay:{replay_key}"

    def remember(self, key: str, until: int, now: int) -> bool:
        started = time.monotonic()
        # EXAT must lie ahead; a token the verifier accepts always does.
        stored = self._client.set(self.key(key), 1, nx=True, exat=max(until, now + 1))
        took = time.monotonic() - started
        if took > self.timeout:
            raise TimeoutError(f"Redis answered in {took:.3f} s, beyond timeout={self.timeout}")
        return bool(stored)

    def __repr__(self) -> str:
        return f"RedisReplayStore(prefix={self.prefix!r}, timeout={self.timeout})"


# Deletes the lock only if its value is still the owner's secret.
_UNLOCK = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""


class RedisTokenStore:
    """Access tokens in Redis, shared by the ``TokenClient`` s of every instance.

    Each token is kept under ``<prefix>token:<cache_key>`` as JSON
    ``{"access_token":…,"token_type":…,"expires_at":…}`` (encrypted by
    ``cipher`` when given, e.g. a ``cryptography.fernet.Fernet``, so that Redis
    never holds a token in clear), expiring with the token. One instance
    fetches a key's token while holding ``<prefix>lock:<cache_key>`` (``SET NX
    PX``); the others wait for it to be stored, for at most ``lock_timeout``
    seconds, then fetch themselves.
    """

    def __init__(
        self,
        client: Any,
        *,
        prefix: str = DEFAULT_PREFIX,
        cipher: Optional[Cipher] = None,
        lock_timeout: float = 10.0,
    ) -> None:
        self._client = client
        self.prefix = prefix
        self.cipher = cipher
        self.lock_timeout = _positive("lock_timeout", lock_timeout)

    def token_key(self, key: str) -> str:
        return f"{self.prefix}token:{key}"

    def lock_key(self, key: str) -> str:
        return f"{self.prefix}lock:{key}"

    def load(self, key: str) -> Optional[StoredToken]:
        """The stored token of ``key``; None if there is none, or none this store
        can read (written with another cipher, damaged): it is then fetched anew."""
        value = self._client.get(self.token_key(key))
        if value is None:
            return None
        if isinstance(value, str):
            value = value.encode("utf-8")
        try:
            if self.cipher is not None:
                value = self.cipher.decrypt(value)
            data = json.loads(value)
            token = StoredToken(data["access_token"], data["token_type"], data["expires_at"])
        except Exception:
            return None
        if not (
            isinstance(token.access_token, str)
            and isinstance(token.token_type, str)
            and type(token.expires_at) is int
        ):
            return None
        return token

    def save(self, key: str, token: StoredToken) -> None:
        if token.expires_at <= time.time():
            return
        value = json.dumps(
            {
                "access_token": token.access_token,
                "token_type": token.token_type,
                "expires_at": token.expires_at,
            },
            separators=(",", ":"),
        ).encode("utf-8")
        if self.cipher is not None:
            value = self.cipher.encrypt(value)
        self._client.set(self.token_key(key), value, exat=token.expires_at)

    def delete(self, key: str) -> None:
        self._client.delete(self.token_key(key))

    def lock(self, key: str) -> Optional[str]:
        owner = secrets.token_hex(16)
        taken = self._client.set(
            self.lock_key(key), owner, nx=True, px=max(1, int(self.lock_timeout * 1000))
        )
        return owner if taken else None

    def unlock(self, key: str, owner: str) -> None:
        self._client.eval(_UNLOCK, 1, self.lock_key(key), owner)

    def __repr__(self) -> str:
        cipher = "None" if self.cipher is None else type(self.cipher).__name__
        return (
            f"RedisTokenStore(prefix={self.prefix!r}, cipher={cipher}, "
            f"lock_timeout={self.lock_timeout})"
        )
