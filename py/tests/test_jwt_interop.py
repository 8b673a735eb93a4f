"""sign_jwt / verify_jwt interop both ways with PyJWT, non-ASCII payloads included:
PyJWT verifies our tokens with the x5c leaf's public key; we verify PyJWT's
tokens carrying the x5c chain, written with ensure_ascii=True and False."""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any

import jwt
import pytest
from cryptography import x509

import ishare_jwt

from fake_satellite import SATELLITE
from support import JWT_CLIENT_ID, PKI_ROOT_SHA256, SATELLITE_ID, pki_signer, same_json

#: Latin-1, astral plane, CJK, right-to-left, a combining mark, escapes and
#: control characters JSON must escape, in names and values, nested.
NON_ASCII: dict[str, Any] = {
    "name": "Zoë Ångström",
    "emoji": "\U0001f600 \U0001f1f3\U0001f1f1",
    "cjk": "中文 日本語",
    "rtl": "שלום",
    "combining": "e\u0301",
    "controls": 'tab\t nl\n quote" backslash\\ nul\u0000 del\u007f',
    "ümlaut-näme": {"ß": ["é", 1, 2.5, None, True, False]},
    "big": 2**70,
}

ENVELOPE = ("iss", "sub", "aud", "jti", "iat", "nbf", "exp")


def payload_bytes(token: str) -> bytes:
    part = token.split(".")[1]
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def pyjwt_decode(token: str) -> dict[str, Any]:
    """PyJWT's verdict on our token, with the x5c leaf's key, by the system clock."""
    header = jwt.get_unverified_header(token)
    assert set(header) == {"alg", "typ", "x5c"} and header["alg"] == "RS256"
    assert header["x5c"] == SATELLITE.x5c()
    leaf = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
    claims: dict[str, Any] = jwt.decode(
        token,
        key=leaf.public_key(),  # type: ignore[arg-type]
        algorithms=["RS256"],
        audience=JWT_CLIENT_ID,
        issuer=SATELLITE_ID,
        options={"require": list(ENVELOPE), "strict_aud": True},
    )
    return claims


@pytest.fixture(scope="module")
def satellite_signer() -> ishare_jwt.Signer:
    return pki_signer("server-eori", SATELLITE_ID)


@pytest.fixture
def client_verifier() -> ishare_jwt.Verifier:
    return ishare_jwt.Verifier(JWT_CLIENT_ID, [PKI_ROOT_SHA256])


def test_our_mapping_verifies_in_pyjwt(satellite_signer: ishare_jwt.Signer) -> None:
    token = satellite_signer.sign_jwt(JWT_CLIENT_ID, NON_ASCII)
    claims = pyjwt_decode(token)
    assert same_json({k: claims[k] for k in claims if k not in ENVELOPE}, NON_ASCII)
    assert claims["exp"] - claims["iat"] == 30 and claims["nbf"] == claims["iat"]
    uuid.UUID(claims["jti"], version=4)
    # Written with ensure_ascii=False: the text is UTF-8, escaped only where JSON must.
    raw = payload_bytes(token)
    assert "Zoë Ångström".encode() in raw and "中文".encode() in raw
    assert b"\\u00eb" not in raw and b"\\ud83d" not in raw
    assert b"\\u0000" in raw and b"\\t" in raw


@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_our_text_verifies_in_pyjwt(
    satellite_signer: ishare_jwt.Signer, ensure_ascii: bool
) -> None:
    text = json.dumps(NON_ASCII, ensure_ascii=ensure_ascii)
    token = satellite_signer.sign_jwt(JWT_CLIENT_ID, claims_json=text)
    claims = pyjwt_decode(token)
    assert same_json({k: claims[k] for k in claims if k not in ENVELOPE}, NON_ASCII)
    # Its members follow the envelope, in their order, written compactly in UTF-8.
    raw = payload_bytes(token)
    assert raw.index(b'"exp":') < raw.index(b'"name":') < raw.index(b'"big":')
    assert "Zoë Ångström".encode() in raw and b"\\u00eb" not in raw and b", " not in raw


def pyjwt_payload(now: int, **extra: Any) -> dict[str, Any]:
    return {
        "iss": SATELLITE_ID,
        "sub": SATELLITE_ID,
        "aud": JWT_CLIENT_ID,
        "jti": str(uuid.uuid4()),
        "iat": now,
        "nbf": now,
        "exp": now + 30,
        **extra,
    }


@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_pyjwt_token_verifies_in_ours(
    client_verifier: ishare_jwt.Verifier, ensure_ascii: bool
) -> None:
    now = int(time.time())
    payload = pyjwt_payload(now, **NON_ASCII)
    text = json.dumps(payload, ensure_ascii=ensure_ascii)
    token = jwt.api_jws.encode(
        text.encode(),
        SATELLITE.key(),
        algorithm="RS256",
        headers={"typ": "JWT", "x5c": SATELLITE.x5c()},
    )
    verified = client_verifier.verify_jwt(token, issuer=SATELLITE_ID)
    assert verified.claims_json == text  # exactly the text PyJWT signed
    assert same_json(verified.claims, payload)
    assert (verified.issuer, verified.audience, verified.jti) == (
        SATELLITE_ID,
        JWT_CLIENT_ID,
        payload["jti"],
    )
    assert (verified.issued_at, verified.not_before, verified.expires_at) == (now, now, now + 30)


def test_pyjwt_encode_verifies_in_ours(client_verifier: ishare_jwt.Verifier) -> None:
    """PyJWT's own jwt.encode (its json, ensure_ascii=True, RS512) and a `kid` extra."""
    now = 1_798_761_600
    payload = pyjwt_payload(now, **NON_ASCII)
    token = jwt.encode(
        payload,
        SATELLITE.key(),
        algorithm="RS512",
        headers={"x5c": SATELLITE.x5c(), "kid": "k1"},
    )
    verified = client_verifier.verify_jwt(token, now=now + 29)
    assert verified.algorithm == "RS512"
    assert same_json(verified.claims, payload)
    assert verified.claims["ümlaut-näme"]["ß"][0] == "é"


def test_pyjwt_token_of_the_wrong_issuer(client_verifier: ishare_jwt.Verifier) -> None:
    now = 1_798_761_600
    token = jwt.encode(
        pyjwt_payload(now), SATELLITE.key(), algorithm="RS256", headers={"x5c": SATELLITE.x5c()}
    )
    with pytest.raises(ishare_jwt.IssuerMismatchError):
        client_verifier.verify_jwt(token, now=now, issuer="EU.EORI.NL000000103")


def test_our_token_tampered_fails_in_pyjwt(satellite_signer: ishare_jwt.Signer) -> None:
    token = satellite_signer.sign_jwt(JWT_CLIENT_ID, {"role": "reader"})
    head, _, signature = token.split(".")
    forged_payload = json.loads(payload_bytes(token))
    forged_payload["role"] = "admin"
    forged = ".".join(
        [
            head,
            base64.urlsafe_b64encode(json.dumps(forged_payload).encode()).rstrip(b"=").decode(),
            signature,
        ]
    )
    with pytest.raises(jwt.InvalidSignatureError):
        pyjwt_decode(forged)
    with pytest.raises(ishare_jwt.SignatureError):
        ishare_jwt.Verifier(JWT_CLIENT_ID, [PKI_ROOT_SHA256]).verify_jwt(forged)
