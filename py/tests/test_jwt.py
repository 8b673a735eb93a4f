"""Signer.sign_jwt, Verifier.verify_jwt, VerifiedJwt, and the satellite checks
without HTTP (check_party, trusted_list_anchors on tokens we sign)."""

from __future__ import annotations

import datetime
import decimal
import gc
import hashlib
import json
import types
import uuid
import weakref
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

import ishare_jwt

from fake_satellite import CLIENT, party_entry, trusted_entry
from support import JWT_CLIENT_ID, PKI_ROOT_SHA256, SATELLITE_ID, pki_signer

NOW = 1_798_761_600  # 2027-01-01T00:00:00Z, inside testdata/pki's validity


@pytest.fixture(scope="module")
def satellite_signer() -> ishare_jwt.Signer:
    return pki_signer("server-eori", SATELLITE_ID)


@pytest.fixture
def client_verifier() -> ishare_jwt.Verifier:
    return ishare_jwt.Verifier(JWT_CLIENT_ID, [PKI_ROOT_SHA256])


def round_trip(
    signer: ishare_jwt.Signer, verifier: ishare_jwt.Verifier, claims: Any = None, **kw: Any
) -> ishare_jwt.VerifiedJwt:
    token = signer.sign_jwt(JWT_CLIENT_ID, claims, now=NOW, **kw)
    return verifier.verify_jwt(token, now=NOW, issuer=SATELLITE_ID)


def test_envelope_only(
    satellite_signer: ishare_jwt.Signer, client_verifier: ishare_jwt.Verifier
) -> None:
    jwt = round_trip(satellite_signer, client_verifier)
    assert list(jwt.claims) == ["iss", "sub", "aud", "jti", "iat", "nbf", "exp"]
    assert (jwt.issuer, jwt.audience) == (SATELLITE_ID, JWT_CLIENT_ID)
    assert jwt.claims["sub"] == jwt.claims["iss"] == SATELLITE_ID
    assert (jwt.issued_at, jwt.not_before, jwt.expires_at) == (NOW, NOW, NOW + 30)
    assert uuid.UUID(jwt.jti).version == 4
    assert jwt.algorithm == "RS256"
    assert jwt.leaf_sha256 == satellite_signer.leaf_sha256
    assert jwt.leaf_sha256 == hashlib.sha256(jwt.chain[0]).hexdigest().upper()
    assert len(jwt.chain) == 3 and all(isinstance(c, bytes) for c in jwt.chain)
    assert f'issuer="{SATELLITE_ID}"' in repr(jwt) and jwt.jti in repr(jwt)


def test_claims_follow_the_envelope_in_order(
    satellite_signer: ishare_jwt.Signer, client_verifier: ishare_jwt.Verifier
) -> None:
    claims = {"z": 1, "a": {"y": [0.1, -0.0, 2**70, None, True, "é"]}, "m": ""}
    jwt = round_trip(satellite_signer, client_verifier, claims, jti="fixed")
    assert jwt.jti == "fixed"
    assert list(jwt.claims)[7:] == ["z", "a", "m"]
    assert jwt.claims_json.endswith(
        ',"z":1,"a":{"y":[0.1,-0.0,1180591620717411303424,null,true,"é"]},"m":""}'
    )
    assert jwt.claims["a"]["y"][2] == 2**70 and isinstance(jwt.claims["a"]["y"][2], int)


def test_claims_is_parsed_once(
    satellite_signer: ishare_jwt.Signer, client_verifier: ishare_jwt.Verifier
) -> None:
    jwt = round_trip(satellite_signer, client_verifier, {"a": [1]})
    claims = jwt.claims
    assert isinstance(claims, dict) and claims is jwt.claims
    assert claims == json.loads(jwt.claims_json)


def test_a_verified_jwt_in_a_cycle_is_collected(
    satellite_signer: ishare_jwt.Signer, client_verifier: ishare_jwt.Verifier
) -> None:
    class Marker:
        pass

    jwt = round_trip(satellite_signer, client_verifier)
    marker = Marker()
    jwt.claims["self"], jwt.claims["marker"] = jwt, marker  # the dict holds its holder
    gone = weakref.ref(marker)
    del jwt, marker
    gc.collect()
    assert gone() is None


def test_any_mapping_is_accepted(
    satellite_signer: ishare_jwt.Signer, client_verifier: ishare_jwt.Verifier
) -> None:
    class Claims(Mapping[str, Any]):
        def __getitem__(self, key: str) -> Any:
            return {"b": 2, "a": 1}[key]

        def __iter__(self) -> Iterator[str]:
            return iter(["b", "a"])

        def __len__(self) -> int:
            return 2

    for claims in (Claims(), types.MappingProxyType({"b": 2, "a": 1})):
        jwt = round_trip(satellite_signer, client_verifier, claims)
        assert jwt.claims_json.endswith(',"b":2,"a":1}')


def test_keys_json_turns_into_names(
    satellite_signer: ishare_jwt.Signer, client_verifier: ishare_jwt.Verifier
) -> None:
    claims: dict[Any, str] = {1: "one", None: "null"}
    jwt = round_trip(satellite_signer, client_verifier, claims)
    assert (jwt.claims["1"], jwt.claims["null"]) == ("one", "null")
    # ...so two keys may become one name: refused, not silently merged.
    with pytest.raises(ishare_jwt.InvalidArgumentError, match="1"):
        satellite_signer.sign_jwt(JWT_CLIENT_ID, {1: "a", "1": "b"}, now=NOW)  # type: ignore[dict-item]


@pytest.mark.parametrize("claims", [[("a", 1)], "{}", b"{}", 1, ("a",)], ids=repr)
def test_claims_that_are_not_a_mapping_are_a_type_error(
    satellite_signer: ishare_jwt.Signer, claims: Any
) -> None:
    with pytest.raises(TypeError, match="claims must be a mapping"):
        satellite_signer.sign_jwt(JWT_CLIENT_ID, claims, now=NOW)


@pytest.mark.parametrize(
    "value",
    [
        datetime.datetime(2027, 1, 1),
        decimal.Decimal("1.5"),
        {1, 2},
        b"bytes",
        object(),
        {"nested": [uuid.uuid4()]},
        {("tuple", "key"): 1},
    ],
    ids=lambda v: type(v).__name__,
)
def test_a_value_json_has_no_form_for_is_a_type_error(
    satellite_signer: ishare_jwt.Signer, value: Any
) -> None:
    """As json.dumps and PyJWT raise it: `except TypeError` keeps working."""
    with pytest.raises(TypeError, match=r"^claims: ") as caught:
        satellite_signer.sign_jwt(JWT_CLIENT_ID, {"v": value}, now=NOW)
    assert not isinstance(caught.value, ishare_jwt.IshareJwtError)
    assert isinstance(caught.value.__cause__, TypeError)  # json's own, chained


def circular() -> dict[str, Any]:
    claims: dict[str, Any] = {}
    claims["self"] = claims
    return claims


def deep(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth):
        value = {"n": value}
    return value


@pytest.mark.parametrize(
    "claims,words",
    [
        ({"v": float("nan")}, ["JSON"]),
        ({"v": [float("inf")]}, ["JSON"]),
        ({"v": -float("inf")}, ["JSON"]),
        ({"v": "lone \udc00"}, ["surrogate"]),
        ({"\ud800": 1}, ["surrogate"]),
        (circular(), ["Circular"]),
        (deep(100_000), ["claims"]),  # json.dumps' RecursionError
        (deep(40), ["depth"]),  # the core's limit
        ({"iss": "someone else"}, ['"iss"']),
        ({"exp": 1}, ['"exp"']),
    ],
    ids=[
        "nan",
        "inf",
        "-inf",
        "lone_surrogate",
        "surrogate_name",
        "circular",
        "recursion",
        "depth",
        "iss",
        "exp",
    ],
)
def test_a_json_value_json_text_cannot_carry_is_invalid_argument(
    satellite_signer: ishare_jwt.Signer, claims: dict[str, Any], words: list[str]
) -> None:
    with pytest.raises(ishare_jwt.InvalidArgumentError) as caught:
        satellite_signer.sign_jwt(JWT_CLIENT_ID, claims, now=NOW)
    for word in words:
        assert word in str(caught.value), str(caught.value)


def test_claims_json_text(
    satellite_signer: ishare_jwt.Signer, client_verifier: ishare_jwt.Verifier
) -> None:
    jwt = round_trip(satellite_signer, client_verifier, claims_json='{"n": 1.50, "e": "\\u00e9"}')
    assert jwt.claims_json.endswith(',"n":1.50,"e":"é"}')  # the number's spelling kept
    for text, word in [("[1]", "object"), ("{", "claims"), ('{"a":1,"a":2}', "a")]:
        with pytest.raises(ishare_jwt.InvalidArgumentError, match=word):
            satellite_signer.sign_jwt(JWT_CLIENT_ID, claims_json=text, now=NOW)
    with pytest.raises(TypeError, match="not both"):
        satellite_signer.sign_jwt(JWT_CLIENT_ID, {"a": 1}, claims_json="{}", now=NOW)
    with pytest.raises(TypeError):
        satellite_signer.sign_jwt(JWT_CLIENT_ID, claims_json={"a": 1})  # type: ignore[arg-type]


def test_sign_jwt_checks_its_other_arguments(satellite_signer: ishare_jwt.Signer) -> None:
    with pytest.raises(ishare_jwt.InvalidPartyIdError):
        satellite_signer.sign_jwt("nobody", {"a": 1}, now=NOW)
    with pytest.raises(ishare_jwt.InvalidArgumentError, match="jti"):
        satellite_signer.sign_jwt(JWT_CLIENT_ID, jti="", now=NOW)
    with pytest.raises(ishare_jwt.InvalidArgumentError):
        satellite_signer.sign_jwt(JWT_CLIENT_ID, now=-1)
    with pytest.raises(TypeError):
        satellite_signer.sign_jwt(JWT_CLIENT_ID, {}, NOW)  # type: ignore[call-arg, arg-type]


def test_verify_jwt_refusals(
    satellite_signer: ishare_jwt.Signer, client_verifier: ishare_jwt.Verifier
) -> None:
    token = satellite_signer.sign_jwt(JWT_CLIENT_ID, {"a": 1}, now=NOW)
    with pytest.raises(ishare_jwt.IssuerMismatchError) as caught:
        client_verifier.verify_jwt(token, now=NOW, issuer="EU.EORI.NL000000103")
    assert SATELLITE_ID in str(caught.value) and "EU.EORI.NL000000103" in str(caught.value)
    assert (caught.value.kind, caught.value.code) == ("issuer_mismatch", 29)
    with pytest.raises(ishare_jwt.ExpiredError):
        client_verifier.verify_jwt(token, now=NOW + 31)
    with pytest.raises(ishare_jwt.AudienceError):
        ishare_jwt.Verifier("EU.EORI.NL000000103", [PKI_ROOT_SHA256]).verify_jwt(token, now=NOW)
    client_verifier.verify_jwt(token, now=NOW)
    with pytest.raises(ishare_jwt.ReplayError):
        client_verifier.verify_jwt(token, now=NOW)
    relaxed = ishare_jwt.Verifier(JWT_CLIENT_ID, [PKI_ROOT_SHA256], replay_protection=False)
    assert relaxed.verify_jwt(token, now=NOW).jti == relaxed.verify_jwt(token, now=NOW).jti


def test_a_client_assertion_is_also_a_jwt() -> None:
    client = pki_signer("client-eori", JWT_CLIENT_ID)
    verifier = ishare_jwt.Verifier(SATELLITE_ID, [PKI_ROOT_SHA256])
    jwt = verifier.verify_jwt(client.client_assertion(SATELLITE_ID, now=NOW), now=NOW)
    assert jwt.issuer == JWT_CLIENT_ID and jwt.claims["sub"] == JWT_CLIENT_ID
    assert set(jwt.claims) == {"iss", "sub", "aud", "jti", "iat", "nbf", "exp"}


# The satellite checks, sans-IO: on parties and trusted-list tokens we sign.


def parties_jwt(
    signer: ishare_jwt.Signer, verifier: ishare_jwt.Verifier, *entries: dict[str, Any]
) -> ishare_jwt.VerifiedJwt:
    info = {"parties_info": {"count": len(entries), "data": list(entries)}}
    return round_trip(signer, verifier, info)


def test_check_party(
    satellite_signer: ishare_jwt.Signer, client_verifier: ishare_jwt.Verifier
) -> None:
    jwt = parties_jwt(satellite_signer, client_verifier, party_entry(CLIENT))
    leaf = CLIENT.leaf_sha256()
    info = ishare_jwt.check_party(jwt, JWT_CLIENT_ID, leaf_sha256=leaf.upper(), now=NOW)
    assert (info.party_id, info.party_name, info.status) == (JWT_CLIENT_ID, "Demo Client", "Active")
    assert (info.start, info.end, info.certificates) == (1_735_689_600, 2_366_841_600, [leaf])
    assert ishare_jwt.check_party(jwt, JWT_CLIENT_ID).party_id == JWT_CLIENT_ID  # the clock
    with pytest.raises(ishare_jwt.PartyNotActiveError, match="2366841600"):
        ishare_jwt.check_party(jwt, JWT_CLIENT_ID, now=2_366_841_600)
    with pytest.raises(ishare_jwt.PartyNotActiveError):
        ishare_jwt.check_party(jwt, JWT_CLIENT_ID, now=1_735_689_599)
    with pytest.raises(ishare_jwt.PartyUnknownError):
        ishare_jwt.check_party(jwt, "EU.EORI.NL000000103", now=NOW)
    with pytest.raises(ishare_jwt.PartyCertificateUnknownError):
        ishare_jwt.check_party(jwt, JWT_CLIENT_ID, leaf_sha256="AB" * 32, now=NOW)


def test_check_party_wants_a_verified_jwt(satellite_signer: ishare_jwt.Signer) -> None:
    token = satellite_signer.sign_jwt(JWT_CLIENT_ID, now=NOW)
    with pytest.raises(TypeError):
        ishare_jwt.check_party(token, JWT_CLIENT_ID)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ishare_jwt.trusted_list_anchors(token)  # type: ignore[arg-type]


def test_check_party_on_an_answer_that_is_no_parties_answer(
    satellite_signer: ishare_jwt.Signer, client_verifier: ishare_jwt.Verifier
) -> None:
    with pytest.raises(ishare_jwt.MissingClaimError, match="parties_info"):
        ishare_jwt.check_party(round_trip(satellite_signer, client_verifier), JWT_CLIENT_ID)
    jwt = round_trip(satellite_signer, client_verifier, {"parties_info": {"data": 5}})
    with pytest.raises(ishare_jwt.InvalidResponseError):
        ishare_jwt.check_party(jwt, JWT_CLIENT_ID)


def test_trusted_list_anchors(
    satellite_signer: ishare_jwt.Signer, client_verifier: ishare_jwt.Verifier
) -> None:
    listed = [
        trusted_entry(PKI_ROOT_SHA256.lower()),
        trusted_entry("AB" * 32, status="withdrawn"),
        trusted_entry("CD" * 32, validity="invalid"),
        trusted_entry("EF" * 32),
    ]
    jwt = round_trip(satellite_signer, client_verifier, {"trusted_list": listed})
    anchors = ishare_jwt.trusted_list_anchors(jwt)
    assert anchors == [PKI_ROOT_SHA256, "EF" * 32]  # upper-case hex, as a Verifier takes them
    ishare_jwt.Verifier(JWT_CLIENT_ID, anchors)
    nothing = round_trip(satellite_signer, client_verifier, {"trusted_list": listed[1:3]})
    with pytest.raises(ishare_jwt.InvalidResponseError, match="granted"):
        ishare_jwt.trusted_list_anchors(nothing)
