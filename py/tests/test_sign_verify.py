"""Signing and verifying with the same library: the happy paths."""

from __future__ import annotations

import base64
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest

import ishare_jwt

from support import CLIENT_ID, ROOT_SHA256, SERVER_ID, T0, VECTORS, load_pki, vector_text


def decode_part(token: str, index: int) -> dict[str, Any]:
    part = token.split(".")[index]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return decoded


def test_round_trip(signer: ishare_jwt.Signer, verifier: ishare_jwt.Verifier) -> None:
    token = signer.client_assertion(SERVER_ID, now=T0)
    assertion = verifier.verify(token, now=T0 + 1, client_id=CLIENT_ID)
    assert assertion.client_id == CLIENT_ID
    assert assertion.audience == SERVER_ID
    assert assertion.issued_at == T0
    assert assertion.not_before == T0
    assert assertion.expires_at == T0 + 30
    assert assertion.algorithm == "RS256"
    assert assertion.leaf_sha256 == load_pki()["parties"]["client-eori"]["leaf_sha256"]
    assert assertion.leaf_sha256 == signer.leaf_sha256
    assert len(assertion.chain) == 3
    assert all(isinstance(der, bytes) for der in assertion.chain)
    assert CLIENT_ID in repr(assertion)


def test_token_shape(signer: ishare_jwt.Signer) -> None:
    token = signer.client_assertion(SERVER_ID, now=T0, jti="my-jti")
    header, claims = decode_part(token, 0), decode_part(token, 1)
    assert sorted(header) == ["alg", "typ", "x5c"]
    assert (header["alg"], header["typ"], len(header["x5c"])) == ("RS256", "JWT", 3)
    assert claims == {
        "iss": CLIENT_ID,
        "sub": CLIENT_ID,
        "aud": SERVER_ID,
        "jti": "my-jti",
        "iat": T0,
        "nbf": T0,
        "exp": T0 + 30,
    }


def test_fresh_jti_per_token(signer: ishare_jwt.Signer) -> None:
    jtis = {decode_part(signer.client_assertion(SERVER_ID, now=T0), 1)["jti"] for _ in range(5)}
    assert len(jtis) == 5


def test_system_clock_by_default(signer: ishare_jwt.Signer, verifier: ishare_jwt.Verifier) -> None:
    before = int(time.time())
    assertion = verifier.verify(signer.client_assertion(SERVER_ID))
    assert before <= assertion.issued_at <= int(time.time())


def test_token_request(signer: ishare_jwt.Signer, verifier: ishare_jwt.Verifier) -> None:
    form = signer.token_request(SERVER_ID, now=T0)
    assert list(form) == [
        "grant_type",
        "scope",
        "client_id",
        "client_assertion_type",
        "client_assertion",
    ]
    assert form["grant_type"] == "client_credentials"
    assert form["scope"] == "iSHARE" == ishare_jwt.DEFAULT_SCOPE
    assert form["client_id"] == CLIENT_ID
    assert form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    assertion = verifier.verify(form["client_assertion"], now=T0, client_id=form["client_id"])
    assert assertion.client_id == CLIENT_ID


def test_token_request_scope(signer: ishare_jwt.Signer) -> None:
    assert signer.token_request(SERVER_ID, scope="iSHARE extra")["scope"] == "iSHARE extra"
    with pytest.raises(ishare_jwt.InvalidArgumentError, match="scope"):
        signer.token_request(SERVER_ID, scope='bad"scope')


def test_from_files_with_pathlib(verifier: ishare_jwt.Verifier) -> None:
    signer = ishare_jwt.Signer.from_files(
        VECTORS / "client-eori.key.pem", VECTORS / "client-eori.chain.pem", CLIENT_ID
    )
    assert signer.client_id == CLIENT_ID
    verifier.verify(signer.client_assertion(SERVER_ID, now=T0), now=T0)


def test_from_files_with_str() -> None:
    signer = ishare_jwt.Signer.from_files(
        str(VECTORS / "client-eori.key.pkcs1.pem"),
        str(VECTORS / "client-eori.chain.pem"),
        CLIENT_ID,
    )
    assert signer.client_id == CLIENT_ID


def test_from_pem_accepts_bytes(key_pem: str, chain_pem: str) -> None:
    signer = ishare_jwt.Signer.from_pem(key_pem.encode(), chain_pem.encode(), CLIENT_ID)
    assert signer.client_id == CLIENT_ID


def test_did_party_and_pem_trust_anchor() -> None:
    client, server = "did:ishare:EU.NL.NTRNL-10000001", "did:ishare:EU.NL.NTRNL-10000000"
    signer = ishare_jwt.Signer.from_files(
        VECTORS / "client-did.key.pem", VECTORS / "client-did.chain.pem", client
    )
    verifier = ishare_jwt.Verifier(server, [vector_text("root-ca.pem")])
    assert verifier.verify(signer.client_assertion(server, now=T0), now=T0).client_id == client


def test_chain_stopping_below_a_pem_root(key_pem: str) -> None:
    """iSHARE 2.0 allowed leaving the root out; a PEM anchor still verifies it."""
    leaf_and_intermediate = vector_text("client-eori.chain.pem").split("-----END CERTIFICATE-----")
    chain = (
        "-----END CERTIFICATE-----".join(leaf_and_intermediate[:2]) + "-----END CERTIFICATE-----\n"
    )
    signer = ishare_jwt.Signer.from_pem(key_pem, chain, CLIENT_ID)
    token = signer.client_assertion(SERVER_ID, now=T0)
    ishare_jwt.Verifier(SERVER_ID, [vector_text("root-ca.pem")]).verify(token, now=T0)
    with pytest.raises(ishare_jwt.UntrustedChainError):
        ishare_jwt.Verifier(SERVER_ID, [ROOT_SHA256]).verify(token, now=T0)


def test_leeway(signer: ishare_jwt.Signer) -> None:
    token = signer.client_assertion(SERVER_ID, now=T0)
    with pytest.raises(ishare_jwt.ExpiredError, match="exp"):
        ishare_jwt.Verifier(SERVER_ID, [ROOT_SHA256]).verify(token, now=T0 + 35)
    lenient = ishare_jwt.Verifier(SERVER_ID, [ROOT_SHA256], leeway=10)
    assert lenient.leeway == 10
    lenient.verify(token, now=T0 + 35)


def test_client_id_must_match(signer: ishare_jwt.Signer, verifier: ishare_jwt.Verifier) -> None:
    token = signer.client_assertion(SERVER_ID, now=T0)
    with pytest.raises(ishare_jwt.ClientIdMismatchError) as caught:
        verifier.verify(token, now=T0, client_id="EU.EORI.NL000000002")
    assert "EU.EORI.NL000000002" in str(caught.value)


def test_wrong_audience(signer: ishare_jwt.Signer) -> None:
    token = signer.client_assertion("EU.EORI.NL000000009", now=T0)
    with pytest.raises(ishare_jwt.AudienceError, match=re.escape(SERVER_ID)):
        ishare_jwt.Verifier(SERVER_ID, [ROOT_SHA256]).verify(token, now=T0)


def test_oauth_profile(key_pem: str, chain_pem: str) -> None:
    issuer = "https://as.example.com"
    profile = ishare_jwt.Profile.oauth(lifetime=60)
    assert (profile.typ, profile.lifetime) == ("client-authentication+jwt", 60)
    assert profile == ishare_jwt.Profile.oauth(60) != ishare_jwt.Profile.ishare()
    signer = ishare_jwt.Signer.from_pem(key_pem, chain_pem, CLIENT_ID, profile=profile)
    assert signer.profile == profile
    token = signer.client_assertion(issuer, now=T0)
    assert decode_part(token, 0)["typ"] == "client-authentication+jwt"
    assert decode_part(token, 1)["exp"] == T0 + 60
    verifier = ishare_jwt.Verifier(issuer, [ROOT_SHA256], profile=profile)
    assert verifier.verify(token, now=T0 + 59).audience == issuer
    # The profiles do not accept each other's tokens.
    with pytest.raises(ishare_jwt.InvalidHeaderError):
        ishare_jwt.Verifier(SERVER_ID, [ROOT_SHA256]).verify(token, now=T0)
    ishare_token = ishare_jwt.Signer.from_pem(key_pem, chain_pem, CLIENT_ID).client_assertion(
        SERVER_ID, now=T0
    )
    with pytest.raises(ishare_jwt.InvalidHeaderError):
        ishare_jwt.Verifier(SERVER_ID, [ROOT_SHA256], profile=profile).verify(ishare_token, now=T0)


def test_oauth_lifetime_bounds() -> None:
    assert ishare_jwt.Profile.oauth().lifetime == 60
    assert repr(ishare_jwt.Profile.ishare()) == "Profile.ishare()"
    for bad in (0, -1, 3601, 2**40):
        with pytest.raises(ishare_jwt.InvalidArgumentError, match="lifetime"):
            ishare_jwt.Profile.oauth(lifetime=bad)


def test_reprs_never_show_the_key(signer: ishare_jwt.Signer, verifier: ishare_jwt.Verifier) -> None:
    assert "PRIVATE" not in repr(signer)
    assert CLIENT_ID in repr(signer)
    assert SERVER_ID in repr(verifier)
    assert verifier.audience == SERVER_ID
    assert verifier.replay_protection is True


def test_files_in_a_temporary_directory(tmp_path: Path, key_pem: str, chain_pem: str) -> None:
    (tmp_path / "key.pem").write_text(key_pem)
    (tmp_path / "chain.pem").write_bytes(chain_pem.encode())
    signer = ishare_jwt.Signer.from_files(tmp_path / "key.pem", tmp_path / "chain.pem", CLIENT_ID)
    assert signer.leaf_sha256 == load_pki()["parties"]["client-eori"]["leaf_sha256"]
