"""Fixtures: the client's signing material, a signer, a fresh verifier, a satellite,
a token endpoint.

The suite imports the *installed* ``ishare_jwt`` wheel; ``test_installed``
checks that it does not come from the source tree.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import ishare_jwt

from fake_satellite import Satellite, running_satellite
from support import CLIENT_ID, ROOT_SHA256, SERVER_ID, vector_text
from token_server import TokenServer, running_token_server


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


@pytest.fixture
def satellite() -> Iterator[Satellite]:
    """A satellite on 127.0.0.1 for this test only (see fake_satellite.py), stopped
    after it whether it passed or failed."""
    with running_satellite() as running:
        yield running


@pytest.fixture
def token_server() -> Iterator[TokenServer]:
    """A token endpoint and protected resource on 127.0.0.1 for this test only (see
    token_server.py), stopped after it whether it passed or failed."""
    with running_token_server() as running:
        yield running
