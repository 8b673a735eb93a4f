"""Fixtures: the client's signing material, a signer, a fresh verifier, a satellite,
a token endpoint, a redis-server; the signer, verifier and token endpoint also
on testdata/pki, the test PKI of the documents' examples (``pki_*``).

The suite imports the *installed* ``ishare_jwt`` wheel; ``test_installed``
checks that it does not come from the source tree.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator

import pytest
import redis

import ishare_jwt

from fake_satellite import Satellite, running_satellite
from redis_server import RedisServer, find_redis_server, free_port
from support import (
    CLIENT_ID,
    PKI_CLIENT_ID,
    PKI_ROOT_SHA256,
    PKI_SERVER_ID,
    ROOT_SHA256,
    SERVER_ID,
    pki_signer,
    vector_text,
)
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


@pytest.fixture(scope="session")
def pki_client() -> ishare_jwt.Signer:
    """The documents' client: testdata/pki's client-eori."""
    return pki_signer("client-eori", PKI_CLIENT_ID)


@pytest.fixture
def pki_verifier() -> ishare_jwt.Verifier:
    """The documents' server: its id, testdata/pki's root."""
    return ishare_jwt.Verifier(PKI_SERVER_ID, [PKI_ROOT_SHA256])


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


@pytest.fixture
def pki_token_server() -> Iterator[TokenServer]:
    """The token endpoint of ``token_server`` as the documents' server: its id,
    testdata/pki's root."""
    verifier = ishare_jwt.Verifier(PKI_SERVER_ID, [PKI_ROOT_SHA256], leeway=5)
    with running_token_server(verifier) as running:
        yield running


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """One redis-server for the session, stopped at its end whether it passed or
    failed. Missing: the store tests fail under CI=true, are skipped otherwise,
    with a warning in the summary."""
    executable = find_redis_server()
    if executable is None:
        why = "redis-server is not installed: the Redis store tests cannot run"
        if os.environ.get("CI") == "true":
            pytest.fail(why + " (CI=true)")
        warnings.warn(why + ": SKIPPED (install redis-server, or run scripts/test-python)")
        pytest.skip(why)
    server = RedisServer(executable, free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_client(redis_server: RedisServer) -> Iterator[redis.Redis]:
    """A client of the session's server, emptied for this test (and the server
    running again if a test stopped it)."""
    if not redis_server.running:
        redis_server.start()
    client = redis_server.client()
    client.flushall()
    yield client
    client.close()
