"""Type stubs for the native module; the public names are re-exported by ``ishare_jwt``."""

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, Final, Literal, Protocol, final

from typing_extensions import TypeAlias

__version__: Final[str]
DEFAULT_SCOPE: Final[str]
#: The RSA backend this wheel signs and verifies with: ``"aws-lc"`` (the
#: default build) or ``"rust-crypto"`` (built with ``--no-default-features``).
BACKEND: Final[Literal["aws-lc", "rust-crypto"]]

def _panic_selftest() -> None: ...
#: Every error kind with its code, in code order (``Error::KINDS`` of the core).
ERROR_KINDS: Final[tuple[tuple[int, str], ...]]

__all__ = [
    "BACKEND",
    "DEFAULT_SCOPE",
    "ERROR_KINDS",
    "Assertion",
    "AudienceError",
    "BufferTooSmallError",
    "CertificateExpiredError",
    "CertificateReport",
    "CertificateUsageError",
    "ClientIdMismatchError",
    "ExpiredError",
    "InternalError",
    "InvalidArgumentError",
    "InvalidCertificateError",
    "InvalidHeaderError",
    "InvalidKeyError",
    "InvalidLifetimeError",
    "InvalidPartyIdError",
    "InvalidResponseError",
    "InvalidTrustAnchorError",
    "IshareJwtError",
    "IssuerMismatchError",
    "IssuerSubjectMismatchError",
    "KeyMismatchError",
    "KeyStoreError",
    "MalformedError",
    "MissingCertificateError",
    "MissingClaimError",
    "NetworkError",
    "NotYetValidError",
    "PartyCertificateUnknownError",
    "PartyIdMismatchError",
    "PartyInfo",
    "PartyNotActiveError",
    "PendingSignature",
    "PartyUnknownError",
    "Profile",
    "ReplayCacheFullError",
    "ReplayError",
    "ReplayStoreError",
    "Report",
    "RuleReport",
    "SignatureError",
    "Signer",
    "TokenEndpointError",
    "TooLargeError",
    "UnsupportedAlgorithmError",
    "UntrustedChainError",
    "VerifiedJwt",
    "Verifier",
    "WeakKeyError",
    "check_party",
    "trusted_list_anchors",
]

_Pem: TypeAlias = str | bytes
_Path: TypeAlias = str | os.PathLike[str]

class _ReplayStore(Protocol):
    def remember(self, key: str, until: int, now: int, /) -> bool: ...

class _KeyCallback(Protocol):
    def __call__(self, pending: PendingSignature, /) -> bytes | bytearray: ...

@final
class Profile:
    """Which kind of client assertion a Signer makes or a Verifier expects."""

    @staticmethod
    def ishare() -> Profile:
        """iSHARE: ``typ`` ``JWT``, ``exp`` = ``iat`` + 30 exactly (the default)."""
    @staticmethod
    def oauth(lifetime: int = 60) -> Profile:
        """Generic OAuth client assertion (RFC 7523): ``typ`` ``client-authentication+jwt``."""
    @property
    def typ(self) -> str: ...
    @property
    def lifetime(self) -> int: ...
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Signer:
    """Signs client assertions for one party (key, certificate chain, party id)."""

    @staticmethod
    def from_pem(
        key_pem: _Pem, chain_pem: _Pem, client_id: str, *, profile: Profile | None = None
    ) -> Signer: ...
    @staticmethod
    def from_files(
        key_path: _Path, chain_path: _Path, client_id: str, *, profile: Profile | None = None
    ) -> Signer: ...
    @staticmethod
    def from_callback(
        chain_pem: _Pem, client_id: str, sign: _KeyCallback, *, profile: Profile | None = None
    ) -> Signer:
        """A signer whose key stays in a device or key service: ``sign(pending)`` returns
        the RSASSA-PKCS1-v1_5 SHA-256 signature over ``pending.message``.

        Each signature is checked with the chain's leaf key (``KeyMismatchError``);
        a ``sign`` that raises or returns anything but bytes raises ``KeyStoreError``,
        caused by its exception.
        """
    @staticmethod
    def from_pkcs11(
        uri: str,
        *,
        client_id: str,
        pin: str | None = None,
        chain_pem: _Pem | None = None,
        profile: Profile | None = None,
    ) -> Signer:
        """A signer whose key is on a PKCS#11 device, named by an RFC 7512 URI.

        The PIN: ``pin``, else the URI's ``pin-value``/``pin-source``, else
        ``ISHARE_PKCS11_PIN``; the chain: ``chain_pem``, else the token's certificates.
        A device failure raises ``KeyStoreError`` (never naming the PIN).
        """
    @staticmethod
    def from_chain_pem(
        chain_pem: _Pem, client_id: str, *, profile: Profile | None = None
    ) -> Signer:
        """A signer holding no key: ``prepare_assertion``/``prepare_jwt``, sign, ``finish``."""
    def prepare_assertion(
        self, audience: str, *, now: float | None = None, jti: str | None = None
    ) -> PendingSignature:
        """What ``client_assertion`` would sign, for a key elsewhere."""
    def prepare_jwt(
        self,
        audience: str,
        claims: Mapping[str, Any] | None = None,
        *,
        claims_json: str | None = None,
        now: float | None = None,
        jti: str | None = None,
    ) -> PendingSignature:
        """What ``sign_jwt`` would sign, for a key elsewhere."""
    def finish(self, pending: PendingSignature, signature: bytes) -> str:
        """The token, once ``signature`` verifies with the leaf key (else ``KeyMismatchError``)."""
    def client_assertion(
        self, audience: str, *, now: float | None = None, jti: str | None = None
    ) -> str: ...
    def token_request(
        self, audience: str, *, scope: str = "iSHARE", now: float | None = None
    ) -> dict[str, str]: ...
    @property
    def client_id(self) -> str: ...
    @property
    def profile(self) -> Profile: ...
    @property
    def leaf_sha256(self) -> str: ...
    @property
    def warnings(self) -> list[str]:
        """What loaded but some verifiers refuse (e.g. a chain without its root), with the fix."""
    @property
    def not_after(self) -> int:
        """The last second (Unix) at which every certificate of the chain is valid."""
    def sign_jwt(
        self,
        audience: str,
        claims: Mapping[str, Any] | None = None,
        *,
        claims_json: str | None = None,
        now: float | None = None,
        jti: str | None = None,
    ) -> str:
        """Any iSHARE JWT: the envelope (iss = sub, aud, jti, iat = nbf, exp) then ``claims``.

        ``claims`` is written as JSON by Python's ``json`` module
        (``ensure_ascii=False``, ``allow_nan=False``); ``claims_json`` is JSON
        object text instead (pass one or neither). The members follow the
        envelope in their order, values unchanged. A value of a type JSON
        has no form for raises ``TypeError``; NaN, a lone surrogate or a claim
        of the envelope raises ``InvalidArgumentError``.
        """

@final
class PendingSignature:
    """A signature for a key elsewhere to make: RSASSA-PKCS1-v1_5 SHA-256 over ``message``."""

    @property
    def message(self) -> bytes:
        """The JWS signing input ``header.payload``."""
    @property
    def digest(self) -> bytes:
        """SHA-256 of ``message``: what a digest-taking key service signs."""
    @property
    def digest_info(self) -> bytes:
        """The DER DigestInfo of ``digest``: what a raw PKCS#1 v1.5 mechanism signs."""
    @property
    def algorithm(self) -> str:
        """``RS256``."""

_TrustRoot: TypeAlias = str | bytes | os.PathLike[str]
_TrustedRoots: TypeAlias = _TrustRoot | Iterable[_TrustRoot]

@final
class Verifier:
    """Verifies client assertions addressed to ``audience``; refuses replays by default.

    ``trusted_roots``: SHA-256 fingerprints (any common form: hex, with
    colons or spaces, ``sha256 Fingerprint=...``), PEM CA certificates or a
    PEM bundle (one root per certificate), as ``str`` or ``bytes``, a path to
    a file holding them, or an iterable of these. ``now`` everywhere is Unix
    seconds as ``int`` or ``float`` (``time.time()``; floored).

    Replay protection is per process: the cache lives in this ``Verifier``.
    Several workers or instances behind one endpoint each accept a token
    once; share ``replay_store=ishare_jwt.stores.RedisReplayStore(...)``
    between them to accept it once in all.

    The replay cache remembers at most ``replay_capacity`` unexpired tokens,
    of which one issuer may hold ``replay_issuer_share``; beyond either limit
    a token is refused with ``ReplayCacheFullError``. With ``replay_store``
    (e.g. ``ishare_jwt.stores.RedisReplayStore``) each accepted token is
    recorded there instead, ``replay_store.remember(key, until, now)``; a
    store that raises refuses the token (``ReplayStoreError``).
    """

    def __new__(
        cls,
        audience: str,
        trusted_roots: _TrustedRoots,
        *,
        leeway: int = 0,
        replay_protection: bool = True,
        profile: Profile | None = None,
        replay_capacity: int = 100_000,
        replay_issuer_share: float = 0.1,
        replay_store: _ReplayStore | None = None,
    ) -> Verifier: ...
    def verify(
        self, token: str, *, now: float | None = None, client_id: str | None = None
    ) -> Assertion: ...
    def verify_jwt(
        self, token: str, *, now: float | None = None, issuer: str | None = None
    ) -> VerifiedJwt:
        """Verifies any iSHARE JWT sent to us; ``issuer``, when given, must be its ``iss``."""
    def explain(
        self, token: str, *, now: float | None = None, client_id: str | None = None
    ) -> Report:
        """Every rule of ``verify``, each passed, failed or skipped; records no replay."""
    def explain_jwt(
        self, token: str, *, now: float | None = None, issuer: str | None = None
    ) -> Report:
        """``explain`` by the rules of ``verify_jwt``."""
    @property
    def audience(self) -> str: ...
    @property
    def leeway(self) -> int: ...
    @property
    def replay_protection(self) -> bool: ...
    @property
    def replay_capacity(self) -> int: ...
    @property
    def replay_issuer_share(self) -> float: ...
    @property
    def replay_store(self) -> _ReplayStore | None: ...

@final
class RuleReport:
    """One rule of a :class:`Report`."""

    @property
    def rule(self) -> str: ...
    @property
    def status(self) -> str:
        """``pass``, ``fail`` or ``skipped``."""
    @property
    def kind(self) -> str: ...
    @property
    def detail(self) -> str: ...

@final
class CertificateReport:
    """One certificate of the token's ``x5c``, as read."""

    @property
    def position(self) -> int: ...
    @property
    def subject(self) -> str: ...
    @property
    def issuer(self) -> str: ...
    @property
    def serial(self) -> str: ...
    @property
    def not_before(self) -> int: ...
    @property
    def not_after(self) -> int: ...
    @property
    def sha256(self) -> str: ...
    @property
    def key_bits(self) -> int: ...
    @property
    def party(self) -> str: ...

@final
class Report:
    """Why a token is accepted or refused: every rule, header, claims and chain."""

    @property
    def verdict(self) -> str:
        """``accepted`` or ``refused``: ``verify``'s verdict."""
    @property
    def kind(self) -> str | None: ...
    @property
    def rules(self) -> list[RuleReport]: ...
    @property
    def header(self) -> dict[str, Any] | None: ...
    @property
    def claims(self) -> dict[str, Any] | None: ...
    @property
    def chain(self) -> list[CertificateReport]: ...
    def to_json(self) -> str: ...
    def _repr_html_(self) -> str: ...

@final
class Assertion:
    """A client assertion that passed every check."""

    @property
    def client_id(self) -> str: ...
    @property
    def audience(self) -> str: ...
    @property
    def jti(self) -> str: ...
    @property
    def issued_at(self) -> int: ...
    @property
    def not_before(self) -> int | None: ...
    @property
    def expires_at(self) -> int: ...
    @property
    def algorithm(self) -> str: ...
    @property
    def leaf_sha256(self) -> str: ...
    @property
    def chain(self) -> list[bytes]: ...
    @property
    def replay_key(self) -> str:
        """Lower-case hex SHA-256(``iss`` 0x00 ``jti``): the token's key in a replay store."""
    @property
    def replay_until(self) -> int:
        """``exp`` + leeway, Unix seconds: until when a replay store keeps the key."""

@final
class VerifiedJwt:
    """Any iSHARE JWT that passed every check, with its whole payload."""

    @property
    def claims(self) -> dict[str, Any]:
        """The whole payload, ``json.loads(claims_json)`` (parsed once)."""
    @property
    def claims_json(self) -> str:
        """The whole payload as the JSON text that was verified."""
    @property
    def issuer(self) -> str: ...
    @property
    def audience(self) -> str: ...
    @property
    def jti(self) -> str: ...
    @property
    def issued_at(self) -> int: ...
    @property
    def not_before(self) -> int | None: ...
    @property
    def expires_at(self) -> int: ...
    @property
    def algorithm(self) -> str: ...
    @property
    def leaf_sha256(self) -> str: ...
    @property
    def chain(self) -> list[bytes]: ...
    @property
    def replay_key(self) -> str:
        """Lower-case hex SHA-256(``iss`` 0x00 ``jti``): the token's key in a replay store."""
    @property
    def replay_until(self) -> int:
        """``exp`` + leeway, Unix seconds: until when a replay store keeps the key."""

@final
class PartyInfo:
    """One participant as the satellite lists it."""

    @property
    def party_id(self) -> str: ...
    @property
    def party_name(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def start(self) -> int:
        """``adherence.start_date``, Unix seconds."""
    @property
    def end(self) -> int:
        """``adherence.end_date``, Unix seconds."""
    @property
    def certificates(self) -> list[str]:
        """The registered certificates' ``x5t#S256`` fingerprints."""

def check_party(
    parties_jwt: VerifiedJwt,
    party_id: str,
    *,
    leaf_sha256: str | None = None,
    now: float | None = None,
) -> PartyInfo:
    """Judges a verified ``parties_token``: listed, Active today, with that certificate."""

def trusted_list_anchors(jwt: VerifiedJwt) -> list[str]:
    """The granted, valid SHA-256 fingerprints of a verified ``trusted_list_token``."""

class IshareJwtError(Exception):
    """Base of every ishare_jwt error."""

    #: The core's kind name, e.g. ``"expired"``.
    kind: ClassVar[str]
    #: The kind's stable number.
    code: ClassVar[int]

class MalformedError(IshareJwtError): ...
class UnsupportedAlgorithmError(IshareJwtError): ...
class InvalidHeaderError(IshareJwtError): ...
class MissingCertificateError(IshareJwtError): ...
class WeakKeyError(IshareJwtError): ...
class SignatureError(IshareJwtError): ...
class UntrustedChainError(IshareJwtError): ...
class CertificateExpiredError(IshareJwtError): ...
class MissingClaimError(IshareJwtError): ...
class AudienceError(IshareJwtError): ...
class InvalidPartyIdError(IshareJwtError): ...
class IssuerSubjectMismatchError(IshareJwtError): ...
class ClientIdMismatchError(IshareJwtError): ...
class PartyIdMismatchError(IshareJwtError): ...
class InvalidLifetimeError(IshareJwtError): ...
class ExpiredError(IshareJwtError): ...
class NotYetValidError(IshareJwtError): ...
class ReplayError(IshareJwtError): ...
class ReplayCacheFullError(IshareJwtError): ...
class InvalidKeyError(IshareJwtError): ...
class InvalidCertificateError(IshareJwtError): ...
class KeyMismatchError(IshareJwtError): ...
class InvalidTrustAnchorError(IshareJwtError): ...
class TooLargeError(IshareJwtError): ...
class BufferTooSmallError(IshareJwtError): ...
class InvalidArgumentError(IshareJwtError): ...
class InvalidResponseError(IshareJwtError): ...
class InternalError(IshareJwtError): ...
class IssuerMismatchError(IshareJwtError): ...
class PartyUnknownError(IshareJwtError): ...
class PartyNotActiveError(IshareJwtError): ...
class PartyCertificateUnknownError(IshareJwtError): ...

class TokenEndpointError(IshareJwtError):
    """A token endpoint refused: any answer but 200, with what the server said."""

    #: The HTTP status of the answer.
    status: int
    #: Its ``error`` (RFC 6749 §5.2), when the body is the JSON object RFC 6749 describes.
    error: str | None
    #: Its ``error_description``, likewise.
    error_description: str | None

class NetworkError(IshareJwtError):
    """The token endpoint could not be reached (refused, timed out, TLS failed)."""

class CertificateUsageError(IshareJwtError): ...
class ReplayStoreError(IshareJwtError): ...
class KeyStoreError(IshareJwtError): ...

# ishare_jwt.oauth (the token endpoint's side); not in __all__.

#: The headers of every token endpoint answer (RFC 6749 §5.1).
TOKEN_RESPONSE_HEADERS: Final[tuple[tuple[str, str], ...]]

class OAuthError(Exception):
    """A token request refused before its assertion was judged (RFC 6749 §5.2)."""

    #: The HTTP status to answer (400).
    status: int
    #: The ``error`` code: ``invalid_request``, ``unsupported_grant_type``, ``invalid_client``.
    error: str
    #: What was wrong, for the client's developer.
    error_description: str

@final
class TokenRequest:
    """A token request whose form is right: the parts to verify."""

    @property
    def client_id(self) -> str: ...
    @property
    def client_assertion(self) -> str: ...
    @property
    def scope(self) -> str: ...

def parse_token_request_body(body: str | bytes) -> TokenRequest: ...
def parse_token_request_pairs(pairs: Sequence[tuple[str, str]]) -> TokenRequest: ...
def token_response_body(access_token: str, expires_in: int, scope: str | None = None) -> str: ...

# ishare_jwt.TokenClient's sans-IO core; not in __all__.

#: Largest token endpoint answer the core reads, in bytes.
MAX_RESPONSE_BYTES: Final[int]

def network_error(message: str) -> NetworkError: ...

# ishare_jwt.AsyncSigner's reports of its callback; not in __all__.

def key_callback_signature(sign: object, answer: object) -> bytes: ...
def key_callback_error(sign: object, failure: BaseException) -> KeyStoreError: ...
@final
class TokenManager:
    """Access tokens per (server id, token URL, scope), cached until ``refresh_before``
    seconds before they expire; ``get`` answers a cached one or the request to send."""

    def __new__(
        cls, signer: Signer, *, refresh_before: int = 60, capacity: int = 1024
    ) -> TokenManager: ...
    def cached(
        self, server_id: str, token_url: str, scope: str, *, now: float | None = None
    ) -> AccessToken | None: ...
    def get(
        self, server_id: str, token_url: str, scope: str, *, now: float | None = None
    ) -> AccessToken | TokenFetch: ...
    def finish(
        self,
        server_id: str,
        token_url: str,
        scope: str,
        status: int,
        body: bytes,
        *,
        now: float | None = None,
    ) -> AccessToken: ...
    def invalidate(self, server_id: str, token_url: str, scope: str) -> None: ...
    def cache_key(self, server_id: str, token_url: str, scope: str) -> str:
        """The key's name in a shared store: hex SHA-256(client id, server id, URL, scope)."""
    def insert(
        self,
        server_id: str,
        token_url: str,
        scope: str,
        access_token: str,
        token_type: str,
        expires_at: int,
    ) -> None:
        """Caches a token another instance fetched."""
    @property
    def refresh_before(self) -> int: ...
    def __len__(self) -> int: ...

@final
class AccessToken:
    @property
    def access_token(self) -> str: ...
    @property
    def token_type(self) -> str: ...
    @property
    def expires_at(self) -> int: ...

@final
class TokenFetch:
    @property
    def url(self) -> str: ...
    @property
    def body(self) -> str: ...
    @property
    def content_type(self) -> str: ...
