"""Signer.from_pkcs11 against a real PKCS#11 module: the SoftHSM token that
scripts/test-pkcs11 makes (the client key of tests/vectors as a sensitive,
non-extractable object ``client-eori`` with its chain as certificate objects,
and another party's key ``other``), named by ISHARE_TEST_PKCS11_MODULE,
ISHARE_TEST_PKCS11_TOKEN and ISHARE_TEST_PKCS11_PIN.

The python stage has no token: these tests are skipped there, with a warning;
the pkcs11 stage runs them with ISHARE_REQUIRE_PKCS11=1, where a missing token
fails them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor

import pytest

import ishare_jwt

from support import CLIENT_ID, SERVER_ID, T0, vector_text
from token_server import TokenServer


@pytest.fixture(scope="module")
def token() -> dict[str, str]:
    names = ("ISHARE_TEST_PKCS11_MODULE", "ISHARE_TEST_PKCS11_TOKEN", "ISHARE_TEST_PKCS11_PIN")
    missing = [name for name in names if not os.environ.get(name)]
    if missing:
        why = f"no SoftHSM token ({', '.join(missing)} unset): the PKCS#11 tests did NOT run"
        if os.environ.get("ISHARE_REQUIRE_PKCS11") == "1":
            pytest.fail(why)
        warnings.warn(why + ": SKIPPED (they run in `scripts/test pkcs11`)")
        pytest.skip(why)
    return {name: os.environ[name] for name in names}


def uri(token: dict[str, str], path: str = "object=client-eori;type=private") -> str:
    return (
        f"pkcs11:token={token['ISHARE_TEST_PKCS11_TOKEN']};{path}"
        f"?module-path={token['ISHARE_TEST_PKCS11_MODULE']}"
    )


def pin(token: dict[str, str]) -> str:
    return token["ISHARE_TEST_PKCS11_PIN"]


@pytest.fixture(scope="module")
def signer(token: dict[str, str]) -> ishare_jwt.Signer:
    return ishare_jwt.Signer.from_pkcs11(
        uri(token), client_id=CLIENT_ID, pin=pin(token), chain_pem=vector_text("client-eori.chain.pem")
    )


def test_every_sign_operation_on_the_token(
    signer: ishare_jwt.Signer, verifier: ishare_jwt.Verifier, key_pem: str, chain_pem: str
) -> None:
    token = signer.client_assertion(SERVER_ID, now=T0, jti="hsm-1")
    assert verifier.verify(token, now=T0 + 1, client_id=CLIENT_ID).jti == "hsm-1"
    # RS256 is deterministic: the token equals the PEM signer's with the same key.
    pem = ishare_jwt.Signer.from_pem(key_pem, chain_pem, CLIENT_ID)
    assert token == pem.client_assertion(SERVER_ID, now=T0, jti="hsm-1")
    jwt = signer.sign_jwt(SERVER_ID, {"delegationEvidence": {}}, now=T0)
    assert verifier.verify_jwt(jwt, now=T0, issuer=CLIENT_ID).claims["delegationEvidence"] == {}
    form = signer.token_request(SERVER_ID)
    verifier.verify(form["client_assertion"], client_id=CLIENT_ID)
    assert signer.leaf_sha256 == pem.leaf_sha256


def test_the_chain_is_read_from_the_token_and_the_pin_from_the_environment(
    token: dict[str, str], verifier: ishare_jwt.Verifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ISHARE_PKCS11_PIN", pin(token))
    signer = ishare_jwt.Signer.from_pkcs11(uri(token), client_id=CLIENT_ID)
    verifier.verify(signer.client_assertion(SERVER_ID), client_id=CLIENT_ID)


def test_sixteen_threads_sign_at_once_through_one_signer(
    signer: ishare_jwt.Signer, verifier: ishare_jwt.Verifier
) -> None:
    barrier = threading.Barrier(16)

    def sign(index: int) -> str:
        if index < 16:
            barrier.wait()
        return signer.client_assertion(SERVER_ID, jti=f"hsm-thread-{index}")

    with ThreadPoolExecutor(16) as pool:
        tokens = list(pool.map(sign, range(64)))
    jtis = {verifier.verify(t, client_id=CLIENT_ID).jti for t in tokens}
    assert jtis == {f"hsm-thread-{i}" for i in range(64)}


WRONG_PIN_SCRIPT = """
import sys
import ishare_jwt
try:
    ishare_jwt.Signer.from_pkcs11(sys.argv[1], client_id=sys.argv[2], pin=sys.argv[3])
except ishare_jwt.IshareJwtError as error:
    print(error.kind)
    print(repr(error))
"""


def test_a_wrong_pin_is_a_key_store_error_without_the_pin(token: dict[str, str]) -> None:
    # A fresh process: the login is the token's, shared by every session of
    # a process, and this one keeps sessions of the other tests open.
    wrong = "9876-not-the-pin"
    done = subprocess.run(
        [sys.executable, "-c", WRONG_PIN_SCRIPT, uri(token), CLIENT_ID, wrong],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    kind, message = done.stdout.splitlines()
    assert kind == "key_store"
    assert "the PIN is wrong" in message and token["ISHARE_TEST_PKCS11_TOKEN"] in message, message
    assert wrong not in message and pin(token) not in message, message


def test_the_pin_is_in_no_repr(signer: ishare_jwt.Signer, token: dict[str, str]) -> None:
    assert pin(token) not in repr(signer)
    assert pin(token) not in repr(ishare_jwt.TokenClient(signer))


def test_an_unknown_object_or_module_is_a_key_store_error(token: dict[str, str]) -> None:
    with pytest.raises(ishare_jwt.KeyStoreError, match="no-such-key"):
        ishare_jwt.Signer.from_pkcs11(
            uri(token, "object=no-such-key;type=private"), client_id=CLIENT_ID, pin=pin(token)
        )
    with pytest.raises(ishare_jwt.KeyStoreError):
        ishare_jwt.Signer.from_pkcs11(
            "pkcs11:token=t;object=k?module-path=/nonexistent/libpkcs11.so",
            client_id=CLIENT_ID,
            pin=pin(token),
        )
    with pytest.raises(ishare_jwt.InvalidArgumentError):
        ishare_jwt.Signer.from_pkcs11("not a pkcs11 uri", client_id=CLIENT_ID, pin=pin(token))


def test_a_key_that_is_not_the_leafs_is_a_key_mismatch(token: dict[str, str]) -> None:
    with pytest.raises(ishare_jwt.KeyMismatchError):
        ishare_jwt.Signer.from_pkcs11(
            uri(token, "object=other;type=private"),
            client_id=CLIENT_ID,
            pin=pin(token),
            chain_pem=vector_text("client-eori.chain.pem"),
        )


def test_token_client_with_the_pkcs11_signer(
    signer: ishare_jwt.Signer, token_server: TokenServer
) -> None:
    tokens = ishare_jwt.TokenClient(signer)
    access = tokens.access_token(SERVER_ID, token_server.token_url())
    assert access in token_server.issued and token_server.count() == 1
