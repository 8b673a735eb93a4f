"""Every vector and sign input of tests/vectors/jwt (made by PyJWT), as core/tests/jwt.rs does."""

from __future__ import annotations

import json
from typing import Any

import pytest

import ishare_jwt

from support import SATELLITE_ID, class_name, load_jwt_vectors, pki_signer, same_json

DATA = load_jwt_vectors()
VECTORS: list[dict[str, Any]] = DATA["vectors"]
SIGN_INPUTS: list[dict[str, Any]] = DATA["sign_inputs"]
SIGNER: dict[str, Any] = DATA["signer"]
ENVELOPE = ["iss", "sub", "aud", "jti", "iat", "nbf", "exp"]


@pytest.fixture(scope="module")
def satellite_signer() -> ishare_jwt.Signer:
    assert SIGNER["key"] == "testdata/pki/server-eori.key.pem"
    assert SIGNER["chain"] == "testdata/pki/server-eori.chain.pem"
    return pki_signer("server-eori", SIGNER["party"])


def client_verifier(vector: dict[str, Any] | None = None) -> ishare_jwt.Verifier:
    setup = vector["verifier"] if vector else DATA["vectors"][0]["verifier"]
    return ishare_jwt.Verifier(setup["audience"], setup["trusted_roots"], leeway=setup["leeway"])


def test_the_set_has_both_verdicts() -> None:
    assert len(VECTORS) >= 10 and len(SIGN_INPUTS) >= 10
    for group in (VECTORS, SIGN_INPUTS):
        assert any(v["expect"] == "valid" for v in group)
        assert any(v["expect"] != "valid" for v in group)


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_vector(vector: dict[str, Any]) -> None:
    setup = vector["verifier"]

    def verify() -> ishare_jwt.VerifiedJwt:
        return client_verifier(vector).verify_jwt(
            vector["token"], now=setup["now"], issuer=setup.get("issuer")
        )

    if vector["expect"] == "valid":
        jwt = verify()
        assert same_json(jwt.claims, vector["claims"]), vector["name"]
        assert same_json(json.loads(jwt.claims_json), vector["claims"])
        assert jwt.issuer == SATELLITE_ID
        assert (jwt.audience, jwt.jti) == (setup["audience"], vector["claims"]["jti"])
        assert (jwt.issued_at, jwt.expires_at) == (vector["claims"]["iat"], vector["claims"]["exp"])
        return
    kind = vector["expect"]["error"]
    with pytest.raises(ishare_jwt.IshareJwtError) as caught:
        verify()
    assert caught.value.kind == kind, f"{vector['name']}: {caught.value}"
    assert type(caught.value) is getattr(ishare_jwt, class_name(kind))


def check_signed(token: str, want: dict[str, Any], name: str) -> None:
    """`token` verifies as the satellite's and carries the envelope, then `want`."""
    jwt = client_verifier().verify_jwt(token, now=SIGNER["now"], issuer=SATELLITE_ID)
    assert jwt.claims_json.startswith('{"iss":'), name
    assert list(jwt.claims)[:7] == ENVELOPE, f"{name}: envelope first, in order"
    assert (jwt.issued_at, jwt.not_before, jwt.expires_at) == (
        SIGNER["now"],
        SIGNER["now"],
        SIGNER["now"] + 30,
    )
    own = {k: v for k, v in jwt.claims.items() if k not in ENVELOPE}
    assert same_json(own, want), name


@pytest.mark.parametrize("case", SIGN_INPUTS, ids=[c["name"] for c in SIGN_INPUTS])
def test_sign_input_as_text(case: dict[str, Any], satellite_signer: ishare_jwt.Signer) -> None:
    """The input's JSON text, verbatim (claims_json=)."""

    def sign() -> str:
        return satellite_signer.sign_jwt(
            SIGNER["audience"], claims_json=case["claims_json"], now=SIGNER["now"]
        )

    if case["expect"] == "valid":
        text = case["claims_json"]
        check_signed(sign(), json.loads(text) if text is not None else {}, case["name"])
        return
    kind = case["expect"]["error"]
    with pytest.raises(ishare_jwt.IshareJwtError) as caught:
        sign()
    assert caught.value.kind == kind, f"{case['name']}: {caught.value}"


def as_python(text: str | None) -> tuple[bool, Any]:
    """(True, value) when `text` reads as JSON without repeated names, else (False, None)."""
    if text is None:
        return True, None

    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        if len({name for name, _ in pairs}) != len(pairs):
            raise ValueError("repeated name")
        return dict(pairs)

    try:
        return True, json.loads(text, object_pairs_hook=unique)
    except ValueError:
        return False, None


AS_PYTHON = [c for c in SIGN_INPUTS if as_python(c["claims_json"])[0]]


def test_most_inputs_have_a_python_form() -> None:
    assert {c["name"] for c in SIGN_INPUTS} - {c["name"] for c in AS_PYTHON} == {
        "malformed",
        "duplicate",
    }


@pytest.mark.parametrize("case", AS_PYTHON, ids=[c["name"] for c in AS_PYTHON])
def test_sign_input_as_mapping(case: dict[str, Any], satellite_signer: ishare_jwt.Signer) -> None:
    """The input read by json.loads, signed from the Python value (claims=): same verdict."""
    _, claims = as_python(case["claims_json"])

    def sign() -> str:
        return satellite_signer.sign_jwt(SIGNER["audience"], claims, now=SIGNER["now"])

    if claims is not None and not isinstance(claims, dict):
        with pytest.raises(TypeError, match="claims must be a mapping"):
            sign()
        assert case["expect"] != "valid"
        return
    if case["expect"] == "valid":
        check_signed(sign(), claims or {}, case["name"])
        return
    kind = case["expect"]["error"]
    with pytest.raises(ishare_jwt.IshareJwtError) as caught:
        sign()
    assert caught.value.kind == kind, f"{case['name']}: {caught.value}"
