"""``AsyncSigner``: client assertions and iSHARE JWTs signed by an async key
service (an ``aio`` Azure Key Vault or Google Cloud KMS client, aioboto3's
KMS, a remote signing API called with ``httpx.AsyncClient``).

The core prepares each token and checks each signature (``Signer.from_chain_pem``,
``prepare_assertion`` / ``prepare_jwt``, ``finish``); this module only awaits the
callback in between, and reports its failures as a sync callback's are.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from typing import Any, Callable, Optional

from . import _native

#: ``async def sign(pending) -> bytes``: the RSASSA-PKCS1-v1_5 SHA-256
#: signature over ``pending.message`` (or, as a digest-taking service signs,
#: over ``pending.digest``).
AsyncSign = Callable[[_native.PendingSignature], Awaitable[bytes]]


class AsyncSigner:
    """Signs for one party with a key that stays in an async key service:
    ``await signer.client_assertion(...)``, ``await signer.sign_jwt(...)``, with
    the arguments of :class:`Signer`'s methods of those names.

    ``signer`` holds the chain and party (``Signer.from_chain_pem``; any Signer
    serves, only its prepare and finish are used); ``sign`` is awaited once per
    token. Each signature is checked with the chain's leaf key
    (``KeyMismatchError``); a ``sign`` that raises, or answers anything but
    bytes, raises ``KeyStoreError`` (caused by its exception).

    For ``IshareAuth`` on an ``httpx.AsyncClient`` no AsyncSigner is needed: the
    async flow fetches tokens in a worker thread, so a sync callback may block,
    or hand the work back to the event loop (see the README).
    """

    def __init__(self, signer: _native.Signer, sign: AsyncSign) -> None:
        if not isinstance(signer, _native.Signer):
            raise TypeError(f"signer must be an ishare_jwt.Signer, not {type(signer).__name__}")
        if not callable(sign):
            raise TypeError(f"sign must be callable, not {type(sign).__name__}")
        self._signer = signer
        self._sign = sign

    @classmethod
    def from_callback(
        cls,
        chain_pem: str | bytes,
        client_id: str,
        sign: AsyncSign,
        *,
        profile: Optional[_native.Profile] = None,
    ) -> AsyncSigner:
        """The signer of ``client_id`` with the PEM ``chain_pem`` (leaf first),
        signing through ``await sign(pending)``."""
        return cls(_native.Signer.from_chain_pem(chain_pem, client_id, profile=profile), sign)

    async def client_assertion(
        self, audience: str, *, now: Optional[int] = None, jti: Optional[str] = None
    ) -> str:
        """A signed client assertion, as ``Signer.client_assertion``."""
        pending = self._signer.prepare_assertion(audience, now=now, jti=jti)
        return await self._finish(pending)

    async def sign_jwt(
        self,
        audience: str,
        claims: Optional[Mapping[str, Any]] = None,
        *,
        claims_json: Optional[str] = None,
        now: Optional[int] = None,
        jti: Optional[str] = None,
    ) -> str:
        """Any iSHARE JWT, as ``Signer.sign_jwt``."""
        pending = self._signer.prepare_jwt(
            audience, claims, claims_json=claims_json, now=now, jti=jti
        )
        return await self._finish(pending)

    @property
    def client_id(self) -> str:
        return self._signer.client_id

    @property
    def leaf_sha256(self) -> str:
        return self._signer.leaf_sha256

    @property
    def profile(self) -> _native.Profile:
        return self._signer.profile

    def __repr__(self) -> str:
        return f"AsyncSigner(client_id={self.client_id!r}, leaf_sha256={self.leaf_sha256!r})"

    async def _finish(self, pending: _native.PendingSignature) -> str:
        try:
            answer = await self._sign(pending)
        except Exception as failure:
            raise _native.key_callback_error(self._sign, failure) from failure
        return self._signer.finish(pending, _native.key_callback_signature(self._sign, answer))
