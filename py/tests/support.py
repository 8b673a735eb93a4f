"""Constants and helpers shared by the tests: the repository's test vectors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import ishare_jwt

REPOSITORY = Path(__file__).resolve().parents[2]
VECTORS = REPOSITORY / "tests" / "vectors"
#: The test PKI of the general JWT vectors and the satellite tests.
PKI = REPOSITORY / "testdata" / "pki"

#: The client of most tests (iSHARE 2.0 EORI) and the server it talks to.
CLIENT_ID = "EU.EORI.NL000000001"
SERVER_ID = "EU.EORI.NL000000000"
#: SHA-256 of the test root CA, as an iSHARE trusted list gives it.
ROOT_SHA256 = "78975BC3945490EC417AC9E4BEF853841CB0C41F8030D85EC18667A14D946E69"
#: t0 of vectors.json: 2026-01-01T00:00:00Z.
T0 = 1_767_225_600

#: testdata/pki, the test PKI README.md documents for its examples: the client
#: (client-eori), the server it talks to (server-eori) and the root they chain to.
PKI_CLIENT_ID = "EU.EORI.NL000000101"
PKI_SERVER_ID = "EU.EORI.NL000000100"
PKI_ROOT_SHA256 = (PKI / "root-ca.sha256").read_text(encoding="ascii").strip()
#: The same parties in tests/vectors/jwt and the satellite tests: server-eori
#: signs as the satellite.
SATELLITE_ID = PKI_SERVER_ID
JWT_CLIENT_ID = PKI_CLIENT_ID


def vector_text(name: str) -> str:
    return (VECTORS / name).read_text(encoding="ascii")


def load_vectors() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(vector_text("vectors.json"))
    return data


def load_jwt_vectors() -> dict[str, Any]:
    text = (VECTORS / "jwt" / "vectors.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def pki_text(name: str) -> str:
    return (PKI / name).read_text(encoding="ascii")


def pki_signer(stem: str, party_id: str) -> ishare_jwt.Signer:
    """A Signer of testdata/pki's `stem` (key and chain) for `party_id`."""
    return ishare_jwt.Signer.from_files(
        PKI / f"{stem}.key.pem", PKI / f"{stem}.chain.pem", party_id
    )


def same_json(a: Any, b: Any) -> bool:
    """Equal as JSON values (member order aside): like ==, but 1, 1.0 and True differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        return set(a) == set(b) and all(same_json(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def load_pki() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(vector_text("pki.json"))
    return data


def class_name(kind: str) -> str:
    """``invalid_party_id`` -> ``InvalidPartyIdError``."""
    return "".join(word[:1].upper() + word[1:] for word in kind.split("_")) + "Error"
