"""``Verifier.explain``: every rule of a token, with ``verify``'s verdict — on
every shared vector, JWT vector and hostile input — and a signer that checks
its own chain (``warnings``, ``not_after``, expired certificates refused)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

import ishare_jwt

from support import (
    CLIENT_ID,
    ROOT_SHA256,
    SERVER_ID,
    T0,
    VECTORS,
    load_jwt_vectors,
    load_vectors,
    vector_text,
)


def _hostile() -> list[dict[str, Any]]:
    path = os.environ.get("ISHARE_HOSTILE_CASES")
    if not path:
        return []
    cases: list[dict[str, Any]] = json.loads(Path(path).read_text(encoding="utf-8"))["vectors"]
    return cases


SHARED = load_vectors()["vectors"]
JWT = load_jwt_vectors()["vectors"]
HOSTILE = _hostile()


def _verifier(setup: dict[str, Any]) -> ishare_jwt.Verifier:
    return ishare_jwt.Verifier(
        setup["audience"], setup["trusted_roots"], leeway=setup.get("leeway", 0)
    )


def _verify_kind(call: Any) -> str | None:
    try:
        call()
    except ishare_jwt.IshareJwtError as error:
        return error.kind
    return None


def _agrees(report: ishare_jwt.Report, kind: str | None) -> None:
    assert report.kind == kind, str(report)
    assert report.verdict == ("accepted" if kind is None else "refused")
    failures = [r for r in report.rules if r.status == "fail"]
    assert (failures[0].kind if failures else None) == kind, str(report)
    if kind is None:
        assert all(r.status == "pass" for r in report.rules), str(report)


def _explained(setup: dict[str, Any], explain: Any, verify: Any) -> None:
    """explain's verdict and kind against verify's (or the verifier's own error)."""
    try:
        verifier = _verifier(setup)
    except ishare_jwt.IshareJwtError as error:
        pytest.skip(f"no verifier to explain with (the vector is about its roots): {error.kind}")
    kind = _verify_kind(lambda: verify(_verifier(setup)))
    try:
        report = explain(verifier)
    except ishare_jwt.IshareJwtError as error:
        assert error.kind == kind == "invalid_argument"
        return
    _agrees(report, kind)


@pytest.mark.parametrize("vector", SHARED, ids=[v["name"] for v in SHARED])
def test_explain_agrees_with_verify_on_every_shared_vector(vector: dict[str, Any]) -> None:
    setup, token = vector["verifier"], vector["token"]
    _explained(
        setup,
        lambda v: v.explain(token, now=setup["now"], client_id=setup.get("client_id")),
        lambda v: v.verify(token, now=setup["now"], client_id=setup.get("client_id")),
    )


@pytest.mark.parametrize("vector", JWT, ids=[v["name"] for v in JWT])
def test_explain_jwt_agrees_with_verify_jwt_on_every_jwt_vector(vector: dict[str, Any]) -> None:
    setup, token = vector["verifier"], vector["token"]
    _explained(
        setup,
        lambda v: v.explain_jwt(token, now=setup["now"], issuer=setup.get("issuer")),
        lambda v: v.verify_jwt(token, now=setup["now"], issuer=setup.get("issuer")),
    )


def test_hostile_cases_are_there() -> None:
    assert len(HOSTILE) >= 10, "ISHARE_HOSTILE_CASES is not set: run scripts/test-python"


@pytest.mark.parametrize("case", HOSTILE, ids=[c["name"] for c in HOSTILE])
def test_explain_agrees_with_verify_on_every_hostile_input(case: dict[str, Any]) -> None:
    setup, token = case["verifier"], case["token"]
    _explained(
        setup,
        lambda v: v.explain(token, now=setup["now"]),
        lambda v: v.verify(token, now=setup["now"]),
    )


def test_two_broken_rules_show_as_two_failures(signer: ishare_jwt.Signer) -> None:
    token = signer.client_assertion("EU.EORI.NL000000999", now=T0)
    report = ishare_jwt.Verifier(SERVER_ID, [ROOT_SHA256]).explain(
        token, now=T0 + 3600, client_id=CLIENT_ID
    )
    assert report.verdict == "refused"
    assert report.kind == "audience"
    failed = [(r.rule, r.kind) for r in report.rules if r.status == "fail"]
    assert failed == [("audience", "audience"), ("not_expired", "expired")]
    assert {r.status for r in report.rules} == {"pass", "fail"}
    table = str(report)
    assert table.endswith("refused: audience")
    assert [line.split()[1] for line in table.splitlines() if line.startswith("✗")] == [
        "audience",
        "not_expired",
    ]
    assert "\x1b" not in table
    assert report.claims is not None and report.claims["aud"] == "EU.EORI.NL000000999"
    assert report.header is not None and report.header["alg"] == "RS256"
    assert json.loads(report.to_json())["kind"] == "audience"


def test_an_accepted_report_carries_the_chain_and_records_no_replay(
    signer: ishare_jwt.Signer,
) -> None:
    verifier = ishare_jwt.Verifier(SERVER_ID, [ROOT_SHA256])
    token = signer.client_assertion(SERVER_ID, now=T0)
    report = verifier.explain(token, now=T0)
    assert (report.verdict, report.kind) == ("accepted", None)
    assert str(report).endswith("accepted")
    assert [c.position for c in report.chain] == [0, 1, 2]
    leaf = report.chain[0]
    assert leaf.sha256 == signer.leaf_sha256
    assert CLIENT_ID in leaf.party
    assert leaf.key_bits == 2048
    assert "Intermediate" in leaf.issuer and leaf.subject and leaf.serial
    assert leaf.not_before < T0 < leaf.not_after
    # explain remembered nothing: verify still accepts the token once.
    verifier.verify(token, now=T0)
    with pytest.raises(ishare_jwt.ReplayError):
        verifier.verify(token, now=T0)
    assert verifier.explain(token, now=T0).verdict == "accepted"


def test_what_is_unreadable_is_skipped() -> None:
    report = ishare_jwt.Verifier(SERVER_ID, [ROOT_SHA256]).explain("not a token", now=T0)
    assert report.kind == "malformed"
    assert report.header is None and report.claims is None and report.chain == []
    assert report.rules[0].status == "fail"
    assert {r.status for r in report.rules[1:]} == {"skipped"}
    with pytest.raises(ishare_jwt.InvalidArgumentError):
        ishare_jwt.Verifier(SERVER_ID, [ROOT_SHA256]).explain("a.b.c", now=-1)


def test_repr_html_escapes_what_the_token_carries(signer: ishare_jwt.Signer) -> None:
    jti = '<script>alert("x")</script>&'
    token = signer.client_assertion(SERVER_ID, now=T0, jti=jti)
    report = ishare_jwt.Verifier(SERVER_ID, [ROOT_SHA256]).explain(token, now=T0)
    html_text = report._repr_html_()
    assert "<script>" not in html_text
    assert "&lt;script&gt;alert(" in html_text
    assert "&amp;" in html_text
    assert html_text.count("<tr>") == len(report.rules) + 1 + 1 + len(report.chain)
    for rule in report.rules:
        assert f"<td>{rule.rule}</td>" in html_text


# -- the signer checks its own chain ------------------------------------------

#: tests/vectors/README.md: every certificate but the expired one is valid
#: 2025-01-01 to 2045-01-01.
VECTORS_NOT_AFTER = 2_366_841_600


def test_an_expired_certificate_is_refused_when_the_signer_is_made() -> None:
    with pytest.raises(ishare_jwt.IshareJwtError) as caught:
        ishare_jwt.Signer.from_files(
            VECTORS / "client-expired.key.pem",
            VECTORS / "client-expired.chain.pem",
            "EU.EORI.NL000000002",
        )
    assert caught.value.kind in {"invalid_certificate", "certificate_expired"}
    assert "x5c[0]" in str(caught.value)


def test_a_chain_without_its_root_loads_with_a_warning(key_pem: str, chain_pem: str) -> None:
    end = "-----END CERTIFICATE-----"
    blocks = [block + end + "\n" for block in chain_pem.split(end)[:-1]]
    assert len(blocks) == 3
    signer = ishare_jwt.Signer.from_pem(key_pem, "".join(blocks[:2]), CLIENT_ID)
    assert len(signer.warnings) == 1
    assert "root" in signer.warnings[0]
    assert ishare_jwt.Signer.from_pem(key_pem, chain_pem, CLIENT_ID).warnings == []


def test_not_after_is_the_leafs(signer: ishare_jwt.Signer) -> None:
    assert signer.not_after == VECTORS_NOT_AFTER
    token = signer.client_assertion(SERVER_ID, now=T0)
    leaf = ishare_jwt.Verifier(SERVER_ID, [ROOT_SHA256]).explain(token, now=T0).chain[0]
    assert signer.not_after == leaf.not_after
    with pytest.raises(ishare_jwt.CertificateExpiredError) as caught:
        signer.client_assertion(SERVER_ID, now=VECTORS_NOT_AFTER + 1)
    assert "x5c[0]" in str(caught.value)

