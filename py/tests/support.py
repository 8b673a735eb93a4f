"""Constants and helpers shared by the tests: the repository's test vectors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

VECTORS = Path(__file__).resolve().parents[2] / "tests" / "vectors"

#: The client of most tests (iSHARE 2.0 EORI) and the server it talks to.
CLIENT_ID = "EU.EORI.NL000000001"
SERVER_ID = "EU.EORI.NL000000000"
#: SHA-256 of the test root CA, as an iSHARE trusted list gives it.
ROOT_SHA256 = "78975BC3945490EC417AC9E4BEF853841CB0C41F8030D85EC18667A14D946E69"
#: t0 of vectors.json: 2026-01-01T00:00:00Z.
T0 = 1_767_225_600


def vector_text(name: str) -> str:
    return (VECTORS / name).read_text(encoding="ascii")


def load_vectors() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(vector_text("vectors.json"))
    return data


def load_pki() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(vector_text("pki.json"))
    return data


def class_name(kind: str) -> str:
    """``invalid_party_id`` -> ``InvalidPartyIdError``."""
    return "".join(word[:1].upper() + word[1:] for word in kind.split("_")) + "Error"
