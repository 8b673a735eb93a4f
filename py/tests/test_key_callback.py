"""Keys that never leave their device: Signer.from_callback, the keyless
Signer.from_chain_pem with prepare/finish, and AsyncSigner, each backed by a
key service holding the client's key (key_service.py)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import subprocess
import sys
import textwrap
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import anyio.from_thread
import httpx
import pytest

import ishare_jwt
from ishare_jwt.auth import IshareAuth

from key_service import KeyService
from support import CLIENT_ID, PKI, SERVER_ID, T0, VECTORS
from token_server import TokenServer

#: The DER DigestInfo prefix of SHA-256 (RFC 8017 §9.2, note 1).
SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")


@pytest.fixture
def service(key_pem: str) -> KeyService:
    return KeyService(key_pem)


@pytest.fixture
def wrong_service() -> KeyService:
    """A service holding a key that is not the chain's leaf's."""
    return KeyService((PKI / "server-eori.key.pem").read_text(encoding="ascii"))


def callback_signer(chain_pem: str, sign: Any) -> ishare_jwt.Signer:
    return ishare_jwt.Signer.from_callback(chain_pem, CLIENT_ID, sign)


def payload(token: str) -> dict[str, Any]:
    part = token.split(".")[1]
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return claims


@pytest.mark.parametrize("how", ["sign_message", "sign_digest", "sign_raw"])
def test_every_sign_operation_works_through_the_key_service(
    service: KeyService, chain_pem: str, verifier: ishare_jwt.Verifier, how: str
) -> None:
    signer = callback_signer(chain_pem, getattr(service, how))
    assert signer.client_id == CLIENT_ID
    assert signer.leaf_sha256 == ishare_jwt.Signer.from_chain_pem(chain_pem, CLIENT_ID).leaf_sha256

    token = signer.client_assertion(SERVER_ID, now=T0, jti="kms-1")
    assertion = verifier.verify(token, now=T0 + 1, client_id=CLIENT_ID)
    assert (assertion.jti, assertion.leaf_sha256) == ("kms-1", signer.leaf_sha256)

    jwt = signer.sign_jwt(SERVER_ID, {"delegation": ["é", 1]}, now=T0)
    assert verifier.verify_jwt(jwt, now=T0, issuer=CLIENT_ID).claims["delegation"] == ["é", 1]

    form = signer.token_request(SERVER_ID, scope="iSHARE extra")
    assert (form["client_id"], form["scope"]) == (CLIENT_ID, "iSHARE extra")
    verifier.verify(form["client_assertion"], client_id=CLIENT_ID)
    assert service.calls == 3


def test_the_callback_gets_the_message_its_digest_and_digest_info(
    service: KeyService, chain_pem: str
) -> None:
    token = callback_signer(chain_pem, service.sign_message).client_assertion(SERVER_ID)
    (pending,) = service.seen
    message = token.rsplit(".", 1)[0].encode("ascii")
    assert pending.message == message
    assert pending.digest == hashlib.sha256(message).digest()
    assert pending.digest_info == SHA256_DIGEST_INFO + pending.digest
    assert pending.algorithm == "RS256"
    assert repr(pending) == f'PendingSignature(algorithm="RS256", message_len={len(message)})'


def test_a_callback_that_raises_is_a_key_store_error_caused_by_it(chain_pem: str) -> None:
    offline = ConnectionError("key vault unreachable")

    def sign_in_vault(pending: ishare_jwt.PendingSignature) -> bytes:
        raise offline

    signer = callback_signer(chain_pem, sign_in_vault)
    for attempt in (
        lambda: signer.client_assertion(SERVER_ID),
        lambda: signer.sign_jwt(SERVER_ID, {"a": 1}),
        lambda: signer.token_request(SERVER_ID),
    ):
        with pytest.raises(ishare_jwt.KeyStoreError) as caught:
            attempt()
        error = caught.value
        assert (error.kind, error.code) == ("key_store", 37)
        assert error.__cause__ is offline
        assert "sign_in_vault" in str(error), error
        assert "ConnectionError: key vault unreachable" in str(error), error


def test_an_interrupt_in_the_callback_goes_through_unchanged(chain_pem: str) -> None:
    def interrupted(pending: ishare_jwt.PendingSignature) -> bytes:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        callback_signer(chain_pem, interrupted).client_assertion(SERVER_ID)


@pytest.mark.parametrize(
    "answer,named", [("c2lnbmF0dXJl", "str"), (None, "NoneType"), (12345, "int"), ([1], "list")]
)
def test_an_answer_that_is_not_bytes_is_a_key_store_error_naming_its_type(
    chain_pem: str, answer: object, named: str
) -> None:
    signer = callback_signer(chain_pem, lambda pending: answer)
    with pytest.raises(ishare_jwt.KeyStoreError) as caught:
        signer.client_assertion(SERVER_ID)
    assert f"returned {named}, not the signature bytes" in str(caught.value)
    assert "<lambda>" in str(caught.value)
    assert caught.value.__cause__ is None


@pytest.mark.parametrize("garbage", [b"", b"\x00" * 3, b"\xff" * 256, b"\x01" * 512])
def test_garbage_bytes_are_a_key_mismatch(chain_pem: str, garbage: bytes) -> None:
    signer = callback_signer(chain_pem, lambda pending: garbage)
    with pytest.raises(ishare_jwt.KeyMismatchError):
        signer.client_assertion(SERVER_ID)


def test_a_service_holding_another_key_is_a_key_mismatch_never_a_token(
    chain_pem: str, wrong_service: KeyService
) -> None:
    signer = callback_signer(chain_pem, wrong_service.sign_message)
    for attempt in (
        lambda: signer.client_assertion(SERVER_ID),
        lambda: signer.sign_jwt(SERVER_ID),
        lambda: signer.token_request(SERVER_ID),
    ):
        with pytest.raises(ishare_jwt.KeyMismatchError):
            attempt()
    assert wrong_service.calls == 3


def test_a_bytearray_answer_is_accepted(
    service: KeyService, chain_pem: str, verifier: ishare_jwt.Verifier
) -> None:
    signer = callback_signer(chain_pem, lambda pending: bytearray(service.sign_message(pending)))
    verifier.verify(signer.client_assertion(SERVER_ID), client_id=CLIENT_ID)


def test_the_chain_and_party_are_checked_when_the_signer_is_made(
    service: KeyService, chain_pem: str
) -> None:
    with pytest.raises(ishare_jwt.PartyIdMismatchError):
        ishare_jwt.Signer.from_callback(chain_pem, "EU.EORI.NL000000009", service.sign_message)
    with pytest.raises(ishare_jwt.InvalidCertificateError):
        ishare_jwt.Signer.from_callback("no PEM here", CLIENT_ID, service.sign_message)
    with pytest.raises(TypeError, match="sign must be callable, not bytes"):
        ishare_jwt.Signer.from_callback(chain_pem, CLIENT_ID, b"key")  # type: ignore[arg-type]
    assert service.calls == 0


def test_sixteen_threads_sign_at_once_through_one_callback_signer(
    service: KeyService, chain_pem: str, verifier: ishare_jwt.Verifier
) -> None:
    signer = callback_signer(chain_pem, service.sign_message)
    barrier = threading.Barrier(16)

    def sign(index: int) -> str:
        barrier.wait()
        return signer.client_assertion(SERVER_ID, jti=f"thread-{index}")

    with ThreadPoolExecutor(16) as pool:
        tokens = list(pool.map(sign, range(16 * 4)))
    assert len(set(tokens)) == 64
    accepted = [verifier.verify(token, client_id=CLIENT_ID) for token in tokens]
    assert {a.jti for a in accepted} == {f"thread-{i}" for i in range(64)}
    assert service.calls == 64
    assert len(service.threads) == 16  # called on each signing thread


def test_prepare_and_finish_with_a_keyless_signer(
    service: KeyService, wrong_service: KeyService, chain_pem: str, verifier: ishare_jwt.Verifier
) -> None:
    signer = ishare_jwt.Signer.from_chain_pem(chain_pem.encode("ascii"), CLIENT_ID)
    with pytest.raises(ishare_jwt.InvalidKeyError, match="prepare_assertion"):
        signer.client_assertion(SERVER_ID)

    pending = signer.prepare_assertion(SERVER_ID, now=T0, jti="two-step")
    token = signer.finish(pending, service.sign_digest(pending))
    assert verifier.verify(token, now=T0, client_id=CLIENT_ID).jti == "two-step"
    assert token.rsplit(".", 1)[0].encode("ascii") == pending.message

    pending = signer.prepare_jwt(SERVER_ID, claims_json='{"x":[true]}', now=T0)
    with pytest.raises(ishare_jwt.KeyMismatchError):
        signer.finish(pending, wrong_service.sign_digest(pending))
    # The pending signature is still usable after a refused finish.
    jwt = signer.finish(pending, service.sign_raw(pending))
    assert payload(jwt)["x"] == [True]
    with pytest.raises(ishare_jwt.InvalidArgumentError):
        signer.prepare_jwt(SERVER_ID, {"iss": "someone else"})
    with pytest.raises(TypeError):
        signer.finish(pending, "signature")  # type: ignore[arg-type]


def test_token_client_and_auth_with_a_callback_signer(
    service: KeyService, chain_pem: str, token_server: TokenServer
) -> None:
    tokens = ishare_jwt.TokenClient(callback_signer(chain_pem, service.sign_message))
    url = token_server.token_url()
    token = tokens.access_token(SERVER_ID, url)
    assert token in token_server.issued and tokens.access_token(SERVER_ID, url) == token
    assert service.calls == 1 and token_server.count() == 1
    with httpx.Client(auth=IshareAuth(tokens, SERVER_ID, url)) as http:
        assert http.get(token_server.resource_url).status_code == 200
        token_server.revoke()  # a 401: renewed through the key service
        assert http.get(token_server.resource_url).status_code == 200
    assert service.calls == 2 and token_server.count() == 2


def test_token_client_with_a_failing_key_service(
    chain_pem: str, wrong_service: KeyService, token_server: TokenServer
) -> None:
    def unavailable(pending: ishare_jwt.PendingSignature) -> bytes:
        raise TimeoutError("HSM busy")

    url = token_server.token_url()
    with pytest.raises(ishare_jwt.KeyStoreError) as caught:
        ishare_jwt.TokenClient(callback_signer(chain_pem, unavailable)).access_token(SERVER_ID, url)
    assert isinstance(caught.value.__cause__, TimeoutError)
    with pytest.raises(ishare_jwt.KeyMismatchError):
        wrong = ishare_jwt.TokenClient(callback_signer(chain_pem, wrong_service.sign_message))
        wrong.access_token(SERVER_ID, url)
    assert token_server.count() == 0  # nothing unsigned or mis-signed was sent


def test_an_async_key_service_behind_httpx_async_auth(
    service: KeyService, chain_pem: str, token_server: TokenServer
) -> None:
    """IshareAuth's async flow fetches in a worker thread; the sync callback
    hands the signature back to the event loop (the README's recipe)."""
    loop_threads: set[int] = set()

    async def sign_on_the_loop(pending: ishare_jwt.PendingSignature) -> bytes:
        loop_threads.add(threading.get_ident())
        return await service.sign_async(pending)

    def sign(pending: ishare_jwt.PendingSignature) -> bytes:
        return anyio.from_thread.run(sign_on_the_loop, pending)

    tokens = ishare_jwt.TokenClient(callback_signer(chain_pem, sign))
    auth = IshareAuth(tokens, SERVER_ID, token_server.token_url())

    async def scenario() -> list[int]:
        loop_threads.add(threading.get_ident())
        async with httpx.AsyncClient(auth=auth) as http:
            answers = await asyncio.gather(*(http.get(token_server.resource_url) for _ in range(5)))
        return [answer.status_code for answer in answers]

    assert asyncio.run(scenario()) == [200] * 5
    assert len(loop_threads) == 1  # signed on the event loop's thread
    assert service.calls >= 1 and token_server.count() == service.calls


# AsyncSigner: an async key service, awaited.


def test_async_signer_signs_assertions_and_jwts(
    service: KeyService, chain_pem: str, verifier: ishare_jwt.Verifier
) -> None:
    signer = ishare_jwt.AsyncSigner.from_callback(chain_pem, CLIENT_ID, service.sign_async)
    assert signer.client_id == CLIENT_ID
    assert repr(signer) == f"AsyncSigner(client_id={CLIENT_ID!r}, leaf_sha256={signer.leaf_sha256!r})"

    async def scenario() -> list[str]:
        assertions = [signer.client_assertion(SERVER_ID, jti=f"async-{i}") for i in range(16)]
        jwt = signer.sign_jwt(SERVER_ID, {"capabilities": {}}, now=T0)
        return list(await asyncio.gather(*assertions, jwt))

    *assertions, jwt = asyncio.run(scenario())
    jtis = {verifier.verify(token, client_id=CLIENT_ID).jti for token in assertions}
    assert jtis == {f"async-{i}" for i in range(16)}
    assert verifier.verify_jwt(jwt, now=T0).claims["capabilities"] == {}
    assert service.calls == 17


def test_async_signer_failures(
    service: KeyService, wrong_service: KeyService, chain_pem: str
) -> None:
    refused = PermissionError("key disabled")

    async def disabled(pending: ishare_jwt.PendingSignature) -> bytes:
        raise refused

    async def garbage(pending: ishare_jwt.PendingSignature) -> bytes:
        return "not bytes"  # type: ignore[return-value]

    def not_async(pending: ishare_jwt.PendingSignature) -> bytes:
        return service.sign_message(pending)

    def signer(sign: Any) -> ishare_jwt.AsyncSigner:
        return ishare_jwt.AsyncSigner.from_callback(chain_pem, CLIENT_ID, sign)

    with pytest.raises(ishare_jwt.KeyStoreError) as caught:
        asyncio.run(signer(disabled).client_assertion(SERVER_ID))
    assert caught.value.__cause__ is refused
    assert "key callback" in str(caught.value) and "disabled" in str(caught.value)
    assert "PermissionError: key disabled" in str(caught.value)

    with pytest.raises(ishare_jwt.KeyStoreError, match="returned str, not the signature bytes"):
        asyncio.run(signer(garbage).sign_jwt(SERVER_ID))
    with pytest.raises(ishare_jwt.KeyStoreError, match="not_async raised TypeError"):
        asyncio.run(signer(not_async).client_assertion(SERVER_ID))
    with pytest.raises(ishare_jwt.KeyMismatchError):
        asyncio.run(signer(wrong_service.sign_async).client_assertion(SERVER_ID))
    with pytest.raises(TypeError):
        ishare_jwt.AsyncSigner(object(), service.sign_async)  # type: ignore[arg-type]


DEADLOCK_SCRIPT = textwrap.dedent(
    """
    import sys, threading, time
    import ishare_jwt
    from ishare_jwt import _native
    sys.path.insert(0, sys.argv[1])
    from key_service import KeyService

    key_pem, chain_pem = open(sys.argv[2]).read(), open(sys.argv[3]).read()
    service = KeyService(key_pem)
    entered, release = threading.Event(), threading.Event()

    def sign(pending):
        entered.set()
        release.wait()  # the GIL is free while the key service works
        return service.sign_message(pending)

    manager = _native.TokenManager(ishare_jwt.Signer.from_callback(chain_pem, sys.argv[4], sign))
    key = ("EU.EORI.NL000000000", "http://127.0.0.1:9/connect/token", "iSHARE")
    # Signing: the manager's read lock is held while the callback runs.
    signing = threading.Thread(target=manager.get, args=key, daemon=True)
    signing.start()
    entered.wait()
    # A writer queues behind it ...
    writing = threading.Thread(target=manager.invalidate, args=key, daemon=True)
    writing.start()
    time.sleep(0.2)
    threading.Timer(0.2, release.set).start()
    # ... and a reader must wait for the lock without holding the GIL, or the
    # timer (and then the callback) never runs again.
    print(manager.cached(*key), len(manager))
    # Both finish before the interpreter does: a daemon thread still in
    # native code at exit is killed mid-call (pthread_exit through Rust).
    signing.join(30)
    writing.join(30)
    assert not signing.is_alive() and not writing.is_alive(), "a thread is stuck"
    """
)


def test_a_reader_of_the_token_cache_never_blocks_a_signing_callback(
    tmp_path: Any,
) -> None:
    script = tmp_path / "deadlock.py"
    script.write_text(DEADLOCK_SCRIPT, encoding="utf-8")
    tests = str(VECTORS.parents[1] / "py" / "tests")
    done = subprocess.run(
        [
            sys.executable,
            str(script),
            tests,
            str(VECTORS / "client-eori.key.pem"),
            str(VECTORS / "client-eori.chain.pem"),
            CLIENT_ID,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "None 0"
