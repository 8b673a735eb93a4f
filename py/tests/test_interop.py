"""Interop both ways with PyJWT + cryptography, an independent JOSE stack."""

from __future__ import annotations

import base64
import time
import uuid
from typing import Any

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

import ishare_jwt

from support import CLIENT_ID, ROOT_SHA256, SERVER_ID, T0, vector_text

CLAIMS_REQUIRED = ["iss", "sub", "aud", "jti", "iat", "nbf", "exp"]


def chain_x5c() -> list[str]:
    certificates = x509.load_pem_x509_certificates(vector_text("client-eori.chain.pem").encode())
    return [
        base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode() for c in certificates
    ]


def private_key() -> RSAPrivateKey:
    key = serialization.load_pem_private_key(
        vector_text("client-eori.key.pem").encode(), password=None
    )
    assert isinstance(key, RSAPrivateKey)
    return key


def pyjwt_token(
    now: int,
    *,
    algorithm: str = "RS256",
    typ: str = "JWT",
    key: Any = None,
    extra_headers: dict[str, Any] | None = None,
    **extra_claims: Any,
) -> str:
    claims: dict[str, Any] = {
        "iss": CLIENT_ID,
        "sub": CLIENT_ID,
        "aud": SERVER_ID,
        "jti": str(uuid.uuid4()),
        "iat": now,
        "nbf": now,
        "exp": now + 30,
        **extra_claims,
    }
    headers = {"x5c": chain_x5c(), "typ": typ, **(extra_headers or {})}
    return jwt.encode(claims, key or private_key(), algorithm=algorithm, headers=headers)


def test_our_token_verifies_in_pyjwt(signer: ishare_jwt.Signer) -> None:
    token = signer.client_assertion(SERVER_ID)  # the system clock: PyJWT checks exp/nbf/iat by it
    header = jwt.get_unverified_header(token)
    assert set(header) == {"alg", "typ", "x5c"}
    assert header["x5c"] == chain_x5c()
    leaf = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
    claims = jwt.decode(
        token,
        key=leaf.public_key(),  # type: ignore[arg-type]
        algorithms=["RS256"],
        audience=SERVER_ID,
        issuer=CLIENT_ID,
        options={"require": CLAIMS_REQUIRED, "strict_aud": True},
    )
    assert claims["sub"] == CLIENT_ID
    assert claims["exp"] - claims["iat"] == 30
    assert claims["nbf"] == claims["iat"]
    uuid.UUID(claims["jti"], version=4)


def test_our_token_tampered_fails_in_pyjwt(signer: ishare_jwt.Signer) -> None:
    token = signer.client_assertion(SERVER_ID)
    head, claims, signature = token.split(".")
    forged = ".".join(
        [head, claims, signature[:-4] + ("AAAA" if signature[-4:] != "AAAA" else "BBBB")]
    )
    leaf = x509.load_pem_x509_certificates(vector_text("client-eori.chain.pem").encode())[0]
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged, key=leaf.public_key(), algorithms=["RS256"], audience=SERVER_ID)  # type: ignore[arg-type]


@pytest.mark.parametrize("algorithm", ["RS256", "RS384", "RS512"])
def test_pyjwt_token_verifies_in_ours(algorithm: str, verifier: ishare_jwt.Verifier) -> None:
    token = pyjwt_token(T0, algorithm=algorithm)
    assertion = verifier.verify(token, now=T0 + 1, client_id=CLIENT_ID)
    assert (assertion.client_id, assertion.algorithm) == (CLIENT_ID, algorithm)


def test_pyjwt_token_with_system_clock(verifier: ishare_jwt.Verifier) -> None:
    assert verifier.verify(pyjwt_token(int(time.time()))).client_id == CLIENT_ID


def test_pyjwt_token_with_harmless_extras(verifier: ishare_jwt.Verifier) -> None:
    token = pyjwt_token(T0, extra=[1, 2], extra_headers={"kid": "k1"})
    verifier.verify(token, now=T0)


def test_pyjwt_oauth_profile_token() -> None:
    issuer = "https://as.example.com"
    token = pyjwt_token(T0, typ="client-authentication+jwt", aud=issuer, exp=T0 + 45)
    verifier = ishare_jwt.Verifier(
        issuer, [ROOT_SHA256], profile=ishare_jwt.Profile.oauth(lifetime=60)
    )
    assert verifier.verify(token, now=T0).expires_at == T0 + 45


def test_pyjwt_token_signed_with_another_key(verifier: ishare_jwt.Verifier) -> None:
    other = serialization.load_pem_private_key(
        vector_text("server-eori.key.pem").encode(), password=None
    )
    token = pyjwt_token(T0, key=other)
    with pytest.raises(ishare_jwt.SignatureError):
        verifier.verify(token, now=T0)


def test_pyjwt_hs256_token_refused(verifier: ishare_jwt.Verifier) -> None:
    token = jwt.encode(
        {"iss": CLIENT_ID},
        "a-secret-of-at-least-32-bytes-length",
        algorithm="HS256",
        headers={"x5c": chain_x5c()},
    )
    with pytest.raises(ishare_jwt.UnsupportedAlgorithmError, match="HS256"):
        verifier.verify(token, now=T0)
