"""What a Python developer reaches for first works: trusted roots as str,
bytes, a path or a PEM bundle, fingerprints in any common form, DER key
files, and ``now`` from ``time.time()``."""

from __future__ import annotations

import math
import time
from pathlib import Path

import pytest

import ishare_jwt

from support import CLIENT_ID, PKI, ROOT_SHA256, SERVER_ID, VECTORS, pki_signer

T0 = 1_767_225_600


def token() -> str:
    signer = ishare_jwt.Signer.from_files(
        VECTORS / "client-eori.key.pem", VECTORS / "client-eori.chain.pem", CLIENT_ID
    )
    return signer.client_assertion(SERVER_ID, now=T0)


def colons(hex_digits: str) -> str:
    return ":".join(hex_digits[i : i + 2] for i in range(0, len(hex_digits), 2))


@pytest.mark.parametrize(
    "roots",
    [
        ROOT_SHA256,
        ROOT_SHA256.lower(),
        colons(ROOT_SHA256),
        f"sha256 Fingerprint={colons(ROOT_SHA256)}\n",
        f"SHA256:{ROOT_SHA256}",
        ROOT_SHA256.encode(),
        [colons(ROOT_SHA256).lower()],
        f"{'0' * 64}\n{ROOT_SHA256}\n",
        (VECTORS / "client-eori.chain.pem").read_text(encoding="ascii"),
        (VECTORS / "client-eori.chain.pem").read_bytes(),
        VECTORS / "client-eori.chain.pem",
        [str(ROOT_SHA256), VECTORS / "client-eori.chain.pem"],
    ],
)
def test_trusted_roots_in_every_common_form(roots: object) -> None:
    verifier = ishare_jwt.Verifier(SERVER_ID, roots, replay_protection=False)  # type: ignore[arg-type]
    assert verifier.verify(token(), now=T0).client_id == CLIENT_ID


def test_a_pem_bundle_is_one_anchor_per_certificate(tmp_path: Path) -> None:
    # The bundle holds only the intermediate and a foreign root: the
    # intermediate (as a PEM anchor) anchors the chain.
    chain = (VECTORS / "client-eori.chain.pem").read_text(encoding="ascii")
    blocks = [b for b in chain.split("-----END CERTIFICATE-----\n") if b.strip()]
    foreign = (PKI / "root-ca.pem").read_text(encoding="ascii")
    bundle = tmp_path / "bundle.pem"
    bundle.write_text(foreign + blocks[1] + "-----END CERTIFICATE-----\n", encoding="ascii")
    verifier = ishare_jwt.Verifier(SERVER_ID, bundle, replay_protection=False)
    assert verifier.verify(token(), now=T0).client_id == CLIENT_ID
    only_foreign = ishare_jwt.Verifier(SERVER_ID, foreign, replay_protection=False)
    with pytest.raises(ishare_jwt.UntrustedChainError):
        only_foreign.verify(token(), now=T0)


def test_bad_trusted_roots_say_what_was_wrong(tmp_path: Path) -> None:
    with pytest.raises(ishare_jwt.InvalidTrustAnchorError, match="not a SHA-256 fingerprint"):
        ishare_jwt.Verifier(SERVER_ID, "abc")
    with pytest.raises(ishare_jwt.InvalidTrustAnchorError, match="not text"):
        ishare_jwt.Verifier(SERVER_ID, b"\xff\xfe")
    with pytest.raises(FileNotFoundError):
        ishare_jwt.Verifier(SERVER_ID, tmp_path / "missing.pem")
    with pytest.raises(ishare_jwt.InvalidTrustAnchorError, match="no trust anchor"):
        ishare_jwt.Verifier(SERVER_ID, "\n")


def test_from_files_reads_a_der_key() -> None:
    signer = ishare_jwt.Signer.from_files(
        PKI / "client-eori.key.der", PKI / "client-eori.chain.pem", "EU.EORI.NL000000101"
    )
    pem = pki_signer("client-eori", "EU.EORI.NL000000101")
    assert signer.leaf_sha256 == pem.leaf_sha256


def test_now_takes_time_time_floored() -> None:
    verifier = ishare_jwt.Verifier(SERVER_ID, ROOT_SHA256)
    signer = ishare_jwt.Signer.from_files(
        VECTORS / "client-eori.key.pem", VECTORS / "client-eori.chain.pem", CLIENT_ID
    )
    issued = signer.client_assertion(SERVER_ID, now=T0 + 0.99)
    assertion = verifier.verify(issued, now=T0 + 29.99)
    assert assertion.issued_at == T0
    with pytest.raises(ishare_jwt.ExpiredError):
        verifier.verify(signer.client_assertion(SERVER_ID, now=T0), now=T0 + 30.0)
    # time.time() itself, for a token signed now.
    verifier.verify(signer.client_assertion(SERVER_ID, now=time.time()), now=time.time())
    for bad in (math.nan, math.inf, -math.inf, 1e300):
        with pytest.raises(ishare_jwt.InvalidArgumentError, match="finite Unix time"):
            verifier.verify(issued, now=bad)
