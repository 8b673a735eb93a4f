"""Fixtures: the client's signing material, a signer and a fresh verifier.

The suite imports the *installed* ``ishare_jwt`` wheel; ``test_installed``
checks that it does not come from the source tree.
"""

from __future__ import annotations

import pytest

import ishare_jwt

from support import CLIENT_ID, ROOT_SHA256, SERVER_ID, vector_text


@pytest.fixture(scope="session")
def key_pem() -> str:
    return vector_text("client-eori.key.pem")


@pytest.fixture(scope="session")
def chain_pem() -> str:
    return vector_text("client-eori.chain.pem")


@pytest.fixture(scope="session")
def signer(key_pem: str, chain_pem: str) -> ishare_jwt.Signer:
    return ishare_jwt.Signer.from_pem(key_pem, chain_pem, CLIENT_ID)


@pytest.fixture
def verifier() -> ishare_jwt.Verifier:
    return ishare_jwt.Verifier(SERVER_ID, [ROOT_SHA256])
