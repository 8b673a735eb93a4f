"""The server-side flow over loopback HTTP: a token endpoint verifies a client
assertion, asks the satellite about the client, verifies the answer and checks
the party; and the trusted list feeding a Verifier. The satellite is
fake_satellite.py (PyJWT-signed answers); all HTTP here is urllib's."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest

import ishare_jwt

from fake_satellite import (
    CLIENT,
    OTHER,
    SATELLITE,
    SERVICE_PROVIDER_ID,
    THREAD_NAME,
    Satellite,
    party_entry,
    running_satellite,
    trusted_entry,
)
from support import JWT_CLIENT_ID, PKI_ROOT_SHA256, SATELLITE_ID, pki_signer


def fetch(satellite: Satellite, path: str) -> dict[str, Any]:
    with urllib.request.urlopen(satellite.url + path, timeout=10) as answer:
        body: dict[str, Any] = json.load(answer)
        return body


def token_endpoint(
    satellite: Satellite, form: dict[str, str], verifier: ishare_jwt.Verifier | None = None
) -> ishare_jwt.PartyInfo:
    """What a token endpoint does with a token request's form, step by step."""
    verifier = verifier or ishare_jwt.Verifier(SERVICE_PROVIDER_ID, [PKI_ROOT_SHA256])
    assertion = verifier.verify(form["client_assertion"], client_id=form["client_id"])
    query = urllib.parse.urlencode({"eori": assertion.client_id})
    answer = fetch(satellite, f"/parties?{query}")
    parties = verifier.verify_jwt(answer["parties_token"], issuer=SATELLITE_ID)
    assert parties.audience == SERVICE_PROVIDER_ID
    return ishare_jwt.check_party(parties, assertion.client_id, leaf_sha256=assertion.leaf_sha256)


def request_from(stem: str, party_id: str) -> dict[str, str]:
    return pki_signer(stem, party_id).token_request(SERVICE_PROVIDER_ID)


def test_an_active_participant_with_its_certificate_passes(satellite: Satellite) -> None:
    info = token_endpoint(satellite, request_from("client-eori", JWT_CLIENT_ID))
    assert (info.party_id, info.party_name, info.status) == (JWT_CLIENT_ID, "Demo Client", "Active")
    assert (info.start, info.end) == (1_735_689_600, 2_366_841_600)  # 2025-01-01, 2045-01-01
    assert info.certificates == [CLIENT.leaf_sha256()]
    assert satellite.requests == [f"/parties?eori={JWT_CLIENT_ID}"]
    assert "Demo Client" in repr(info)


def test_a_party_the_satellite_does_not_list(satellite: Satellite) -> None:
    form = request_from("client-3072", OTHER.party_id)  # a valid assertion of another party
    with pytest.raises(ishare_jwt.PartyUnknownError, match=OTHER.party_id):
        token_endpoint(satellite, form)
    assert satellite.requests == [f"/parties?eori={OTHER.party_id}"]


@pytest.mark.parametrize(
    "entry",
    [
        {"status": "Revoked"},
        {"status": "NotActive"},
        {"end": "2025-06-01T00:00:00.000Z"},  # adherence ended
        {"start": "2125-01-01T00:00:00.000Z", "end": "2126-01-01T00:00:00.000Z"},  # not yet
    ],
    ids=["revoked", "not_active", "ended", "not_started"],
)
def test_a_party_not_active(satellite: Satellite, entry: dict[str, Any]) -> None:
    satellite.parties = [party_entry(CLIENT, **entry)]
    with pytest.raises(ishare_jwt.PartyNotActiveError, match=JWT_CLIENT_ID):
        token_endpoint(satellite, request_from("client-eori", JWT_CLIENT_ID))


def test_a_party_registered_with_another_certificate(satellite: Satellite) -> None:
    satellite.parties = [party_entry(CLIENT, certificates=[OTHER.leaf_sha256()])]
    with pytest.raises(ishare_jwt.PartyCertificateUnknownError, match=JWT_CLIENT_ID):
        token_endpoint(satellite, request_from("client-eori", JWT_CLIENT_ID))


def test_the_certificate_fingerprint_is_compared_without_case(satellite: Satellite) -> None:
    satellite.parties = [
        party_entry(CLIENT, certificates=["00" * 32, CLIENT.leaf_sha256().upper()])
    ]
    info = token_endpoint(satellite, request_from("client-eori", JWT_CLIENT_ID))
    assert info.certificates == ["00" * 32, CLIENT.leaf_sha256().upper()]


def test_an_answer_signed_by_someone_else(satellite: Satellite) -> None:
    satellite.signed_by = OTHER  # a participant with a valid certificate, but not the satellite
    with pytest.raises(ishare_jwt.IssuerMismatchError, match=SATELLITE_ID):
        token_endpoint(satellite, request_from("client-eori", JWT_CLIENT_ID))


def test_an_answer_signed_by_someone_else_claiming_to_be_the_satellite(
    satellite: Satellite,
) -> None:
    satellite.signed_by, satellite.claimed_issuer = OTHER, SATELLITE_ID
    with pytest.raises(ishare_jwt.PartyIdMismatchError):
        token_endpoint(satellite, request_from("client-eori", JWT_CLIENT_ID))


def test_an_answer_for_another_service_provider(satellite: Satellite) -> None:
    verifier = ishare_jwt.Verifier("EU.EORI.NL000000104", [PKI_ROOT_SHA256])
    form = pki_signer("client-eori", JWT_CLIENT_ID).token_request("EU.EORI.NL000000104")
    with pytest.raises(ishare_jwt.AudienceError):
        token_endpoint(satellite, form, verifier)


def test_the_same_answer_twice_is_a_replay(satellite: Satellite) -> None:
    verifier = ishare_jwt.Verifier(SERVICE_PROVIDER_ID, [PKI_ROOT_SHA256])
    token = fetch(satellite, f"/parties?eori={JWT_CLIENT_ID}")["parties_token"]
    verifier.verify_jwt(token, issuer=SATELLITE_ID)
    with pytest.raises(ishare_jwt.ReplayError):
        verifier.verify_jwt(token, issuer=SATELLITE_ID)


def test_many_requests_at_once(satellite: Satellite) -> None:
    """One verifier, several threads, each doing the whole flow over HTTP."""
    verifier = ishare_jwt.Verifier(SERVICE_PROVIDER_ID, [PKI_ROOT_SHA256])
    signer = pki_signer("client-eori", JWT_CLIENT_ID)
    results: list[str] = []

    def one() -> None:
        form = signer.token_request(SERVICE_PROVIDER_ID)
        results.append(token_endpoint(satellite, form, verifier).party_id)

    threads = [threading.Thread(target=one) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results == [JWT_CLIENT_ID] * 8
    assert len(satellite.requests) == 8


# The trusted list.


def trusted_roots(satellite: Satellite) -> list[str]:
    bootstrap = ishare_jwt.Verifier(SERVICE_PROVIDER_ID, [PKI_ROOT_SHA256])
    answer = fetch(satellite, "/trusted_list")
    return ishare_jwt.trusted_list_anchors(
        bootstrap.verify_jwt(answer["trusted_list_token"], issuer=SATELLITE_ID)
    )


def test_trusted_list_anchors_feed_a_verifier(satellite: Satellite) -> None:
    roots = trusted_roots(satellite)
    assert roots == [PKI_ROOT_SHA256]  # the withdrawn and the invalid entry are left out
    info = token_endpoint(
        satellite,
        request_from("client-eori", JWT_CLIENT_ID),
        ishare_jwt.Verifier(SERVICE_PROVIDER_ID, roots),
    )
    assert info.party_id == JWT_CLIENT_ID


def test_a_withdrawn_root_is_no_anchor(satellite: Satellite) -> None:
    satellite.trusted_list = [
        trusted_entry(PKI_ROOT_SHA256, status="withdrawn"),
        trusted_entry("ab" * 32, subject="CN=Another CA"),
    ]
    roots = trusted_roots(satellite)
    assert roots == ["AB" * 32]
    verifier = ishare_jwt.Verifier(SERVICE_PROVIDER_ID, roots)
    with pytest.raises(ishare_jwt.UntrustedChainError):
        verifier.verify(request_from("client-eori", JWT_CLIENT_ID)["client_assertion"])


def test_a_trusted_list_with_nothing_granted(satellite: Satellite) -> None:
    satellite.trusted_list = [trusted_entry(PKI_ROOT_SHA256, validity="invalid")]
    with pytest.raises(ishare_jwt.InvalidResponseError):
        trusted_roots(satellite)


def test_a_trusted_list_signed_by_someone_else(satellite: Satellite) -> None:
    satellite.signed_by = OTHER
    with pytest.raises(ishare_jwt.IssuerMismatchError):
        trusted_roots(satellite)


# The test satellite itself.


def test_the_satellite_stops_when_its_user_fails() -> None:
    assert THREAD_NAME not in [t.name for t in threading.enumerate()]
    with pytest.raises(RuntimeError, match="the test failed"):
        with running_satellite() as satellite:
            url = satellite.url
            fetch(satellite, "/trusted_list")
            raise RuntimeError("the test failed")
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url + "/trusted_list", timeout=5)
    assert THREAD_NAME not in [t.name for t in threading.enumerate()]


def test_the_satellite_answers_in_the_ishare_2_0_shape(satellite: Satellite) -> None:
    answer = fetch(satellite, f"/parties?eori={JWT_CLIENT_ID}")
    jwt = ishare_jwt.Verifier(SERVICE_PROVIDER_ID, [PKI_ROOT_SHA256]).verify_jwt(
        answer["parties_token"], issuer=SATELLITE_ID
    )
    assert jwt.expires_at - jwt.issued_at == 30
    assert abs(jwt.issued_at - time.time()) < 60
    info = jwt.claims["parties_info"]
    assert info["count"] == 1
    entry = info["data"][0]
    assert set(entry) >= {"party_id", "party_name", "adherence", "certificates"}
    assert set(entry["adherence"]) == {"status", "start_date", "end_date"}
    assert entry["certificates"][0]["x5t#S256"] == CLIENT.leaf_sha256()
    assert jwt.leaf_sha256 == SATELLITE.leaf_sha256().upper()
    with pytest.raises(urllib.error.HTTPError) as caught:
        fetch(satellite, "/nothing")
    assert caught.value.code == 404
