"""Every Python block of README.md and py/README.md runs as written, against the
installed wheel: the clients against the test token endpoint, the servers
answering real token requests, the satellite flow against the test satellite,
the Redis stores against the test redis-server, the key-service signers
against the key they stand for. (py/README.md's Flask, FastAPI and Django token
endpoints: test_readme_token_endpoints.py.)

The blocks come verbatim from scripts/doc-blocks (doc_blocks.py); each runs in
a namespace of its own holding only the names its document says are the
reader's own (TOKEN_URL, OUR_ID, SATELLITE_URL, chain_pem, ...), pointed at
the test PKI the documents name, testdata/pki/ (client EU.EORI.NL000000101,
server EU.EORI.NL000000100, root-ca.sha256), and the test servers.
"""

from __future__ import annotations

import hashlib
import json
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
from azure.keyvault.keys import JsonWebKey
from azure.keyvault.keys.crypto import CryptographyClient
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

import ishare_jwt

from doc_blocks import RUNNERS, python_blocks, run_block, skipped_blocks
from fake_satellite import CLIENT, OTHER, SATELLITE, SERVICE_PROVIDER_ID, Satellite, party_entry
from key_service import KeyService
from redis_server import RedisServer
from support import (
    JWT_CLIENT_ID,
    PKI,
    PKI_CLIENT_ID,
    PKI_ROOT_SHA256,
    PKI_SERVER_ID,
    SATELLITE_ID,
    pki_signer,
    pki_text,
)
from token_server import TokenServer


def test_every_python_block_is_run() -> None:
    """A new block, or one renamed, fails here until a test runs it (or its
    document gives a reason to skip it)."""
    assert sorted(python_blocks()) == sorted(RUNNERS)
    print(f"{len(RUNNERS)} Python blocks run; skipped: {skipped_blocks()}")


def issue_token_for(client_id: str) -> str:
    return f"token-for-{client_id}"


@pytest.fixture
def client_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The client's key and chain of testdata/pki, as the READMEs name them,
    alone in the working directory."""
    for name in ("client-eori.key.pem", "client-eori.chain.pem"):
        (tmp_path / name).write_bytes((PKI / name).read_bytes())
    monkeypatch.chdir(tmp_path)


# README.md, ## Python


@pytest.mark.usefixtures("client_files")
def test_the_readme_client(pki_token_server: TokenServer) -> None:
    client = run_block(
        "README-python-client",
        {
            "TOKEN_URL": pki_token_server.token_url(),
            "RESOURCE_URL": pki_token_server.resource_url,
        },
    )
    assert client["answer"].status_code == 200
    assert client["token"] == pki_token_server.issued[0] and pki_token_server.count() == 1


def test_the_readme_server(pki_client: ishare_jwt.Signer) -> None:
    server = run_block(
        "README-python-server",
        {"ROOT_SHA256_FROM_TRUSTED_LIST": PKI_ROOT_SHA256, "issue_token_for": issue_token_for},
    )
    endpoint = server["token_endpoint"]
    form = pki_client.token_request(PKI_SERVER_ID)
    status, headers, body = endpoint(urllib.parse.urlencode(form))
    assert status == 200 and ("Cache-Control", "no-store") in headers
    assert json.loads(body)["access_token"] == f"token-for-{PKI_CLIENT_ID}"
    status, _, body = endpoint(form)  # the same assertion again, as a parsed form
    assert (status, json.loads(body)["error"]) == (400, "invalid_client")
    status, _, body = endpoint(
        {**pki_client.token_request(PKI_SERVER_ID), "grant_type": "password"}
    )
    assert (status, json.loads(body)["error"]) == (400, "unsupported_grant_type")


def run_satellite_block(satellite: Satellite) -> dict[str, Any]:
    return run_block(
        "README-python-satellite",
        {
            "OUR_ID": SERVICE_PROVIDER_ID,
            "SATELLITE_ID": SATELLITE_ID,
            "SATELLITE_URL": satellite.url,
            "TRUSTED_ROOTS": [PKI_ROOT_SHA256],
        },
    )


def test_the_readme_satellite_flow(satellite: Satellite) -> None:
    readme = run_satellite_block(satellite)
    assert satellite.requests == ["/trusted_list"]  # the anchors were refreshed on the way
    assert isinstance(readme["verifier"], ishare_jwt.Verifier)
    form = pki_signer("client-eori", JWT_CLIENT_ID).token_request(SERVICE_PROVIDER_ID)
    info = readme["participant"](form)
    assert isinstance(info, ishare_jwt.PartyInfo)
    assert (info.party_id, info.status) == (JWT_CLIENT_ID, "Active")
    assert satellite.requests[1:] == [f"/parties?eori={JWT_CLIENT_ID}"]


def test_the_readme_satellite_flow_refuses(satellite: Satellite) -> None:
    participant = run_satellite_block(satellite)["participant"]
    client = pki_signer("client-eori", JWT_CLIENT_ID)
    with pytest.raises(ishare_jwt.PartyUnknownError):
        participant(pki_signer("client-3072", OTHER.party_id).token_request(SERVICE_PROVIDER_ID))
    satellite.parties = [party_entry(CLIENT, status="Revoked")]
    with pytest.raises(ishare_jwt.PartyNotActiveError):
        participant(client.token_request(SERVICE_PROVIDER_ID))
    satellite.parties = [party_entry(CLIENT, certificates=[OTHER.leaf_sha256()])]
    with pytest.raises(ishare_jwt.PartyCertificateUnknownError):
        participant(client.token_request(SERVICE_PROVIDER_ID))
    satellite.parties, satellite.signed_by = [party_entry(CLIENT)], OTHER
    with pytest.raises(ishare_jwt.IssuerMismatchError):
        participant(client.token_request(SERVICE_PROVIDER_ID))
    satellite.signed_by = SATELLITE
    form = client.token_request(SERVICE_PROVIDER_ID)
    assert participant(form).party_id == JWT_CLIENT_ID
    with pytest.raises(ishare_jwt.ReplayError):  # the same assertion again
        participant(form)


def redis_url(redis_server: RedisServer) -> str:
    return f"redis://127.0.0.1:{redis_server.port}"


def assert_shared_through_redis(
    instances: list[dict[str, Any]],
    signer: ishare_jwt.Signer,
    token_server: TokenServer,
    redis_client: redis.Redis,
) -> None:
    """Two instances of a block: an assertion one accepted is a replay to the
    other; the token one fetched is the other's too."""
    first, second = (instance["verifier"] for instance in instances)
    token = signer.client_assertion(PKI_SERVER_ID)
    accepted = first.verify(token, client_id=PKI_CLIENT_ID)
    assert redis_client.exists(f"ishare-jwt:replay:{accepted.replay_key}")
    with pytest.raises(ishare_jwt.ReplayError):
        second.verify(token, client_id=PKI_CLIENT_ID)
    url = token_server.token_url()
    tokens = [instance["tokens"].access_token(PKI_SERVER_ID, url) for instance in instances]
    assert tokens[0] == tokens[1] and token_server.count() == 1
    (stored,) = redis_client.keys("ishare-jwt:token:*")
    assert tokens[0].encode() not in redis_client.get(stored)  # type: ignore[operator]


def test_the_readme_redis_lines(
    pki_client: ishare_jwt.Signer,
    pki_token_server: TokenServer,
    redis_server: RedisServer,
    redis_client: redis.Redis,
) -> None:
    key = Fernet.generate_key()
    instances = [
        run_block(
            "README-python-redis",
            {
                "REDIS_URL": redis_url(redis_server),
                "OUR_ID": PKI_SERVER_ID,
                "roots": [PKI_ROOT_SHA256],
                "signer": pki_client,
                "KEY": key,
            },
        )
        for _ in range(2)
    ]
    assert_shared_through_redis(instances, pki_client, pki_token_server, redis_client)


# py/README.md


@pytest.mark.usefixtures("client_files")
def test_the_python_readme_client(pki_token_server: TokenServer) -> None:
    client = run_block(
        "py-README-client",
        {
            "TOKEN_URL": pki_token_server.token_url(),
            "RESOURCE_URL": pki_token_server.resource_url,
        },
    )
    assert client["answer"].status_code == 200
    assert pki_token_server.resource_requests == [(pki_token_server.issued[0], 200)]


def test_the_python_readme_redis_stores(
    pki_client: ishare_jwt.Signer,
    pki_token_server: TokenServer,
    redis_server: RedisServer,
    redis_client: redis.Redis,
) -> None:
    key = Fernet.generate_key()
    instances = [
        run_block(
            "py-README-redis-stores",
            {
                "REDIS_URL": redis_url(redis_server),
                "TRUSTED_ROOT_SHA256": PKI_ROOT_SHA256,
                "TOKEN_STORE_KEY": key,
                "signer": pki_client,
            },
        )
        for _ in range(2)
    ]
    assert_shared_through_redis(instances, pki_client, pki_token_server, redis_client)


# py/README.md's key services. Azure's is the real SDK's CryptographyClient,
# made from the test key (it signs locally); AWS KMS and Google Cloud KMS are
# stand-ins that take their SDK's call as the README writes it and sign the
# digest they are given with the test key.


def private_key() -> RSAPrivateKey:
    key = serialization.load_pem_private_key(
        pki_text("client-eori.key.pem").encode(), password=None
    )
    assert isinstance(key, RSAPrivateKey)
    return key


def azure_crypto_client() -> CryptographyClient:
    numbers = private_key().private_numbers()

    def octets(value: int) -> bytes:
        return value.to_bytes((value.bit_length() + 7) // 8, "big")

    jwk = JsonWebKey(
        kty="RSA",
        key_ops=["sign"],
        n=octets(numbers.public_numbers.n),
        e=octets(numbers.public_numbers.e),
        d=octets(numbers.d),
        p=octets(numbers.p),
        q=octets(numbers.q),
        dp=octets(numbers.dmp1),
        dq=octets(numbers.dmq1),
        qi=octets(numbers.iqmp),
    )
    return CryptographyClient.from_jwk(jwk)


class AwsKms:
    """boto3's KMS client's ``sign``, for one RSA key."""

    def __init__(self, key_id: str, service: KeyService) -> None:
        self.key_id, self.service = key_id, service
        self.digests: list[bytes] = []

    def sign(
        self, *, KeyId: str, Message: bytes, MessageType: str, SigningAlgorithm: str
    ) -> dict[str, Any]:
        assert (KeyId, MessageType, SigningAlgorithm) == (
            self.key_id,
            "DIGEST",
            "RSASSA_PKCS1_V1_5_SHA_256",
        )
        self.digests.append(Message)
        return {"KeyId": KeyId, "Signature": self.service.sign_sha256_digest(Message)}


@dataclass
class AsymmetricSignResponse:
    signature: bytes


class GoogleKms:
    """google-cloud-kms's ``KeyManagementServiceClient.asymmetric_sign``, for one key version."""

    def __init__(self, key_version_name: str, service: KeyService) -> None:
        self.name, self.service = key_version_name, service
        self.digests: list[bytes] = []

    def asymmetric_sign(self, *, request: dict[str, Any]) -> AsymmetricSignResponse:
        assert set(request) == {"name", "digest"} and request["name"] == self.name
        assert set(request["digest"]) == {"sha256"}
        digest: bytes = request["digest"]["sha256"]
        self.digests.append(digest)
        return AsymmetricSignResponse(self.service.sign_sha256_digest(digest))


def key_service_clients(service: KeyService) -> dict[str, dict[str, Any]]:
    """The reader's names of each key-service block: its client, its key's name."""
    kms = AwsKms("alias/ishare", service)
    google = GoogleKms(
        "projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1", service
    )
    return {
        "py-README-sign-azure-key-vault": {"crypto_client": azure_crypto_client()},
        "py-README-sign-aws-kms": {"kms": kms, "key_id": kms.key_id},
        "py-README-sign-google-cloud-kms": {"kms": google, "key_version_name": google.name},
    }


@pytest.mark.parametrize(
    "block",
    ["py-README-sign-azure-key-vault", "py-README-sign-aws-kms", "py-README-sign-google-cloud-kms"],
)
def test_the_python_readme_key_services(block: str, pki_verifier: ishare_jwt.Verifier) -> None:
    """Each block's ``sign`` in the README's callback signer: the token verifies
    (the signer checks each signature with the chain's leaf key, so a service
    given anything but the signing input's SHA-256 fails here)."""
    service = KeyService(pki_text("client-eori.key.pem"))
    given = key_service_clients(service)[block]
    sign = run_block(block, dict(given))["sign"]
    chain_pem = pki_text("client-eori.chain.pem")
    signer = run_block("py-README-callback-signer", {"chain_pem": chain_pem, "sign": sign})[
        "signer"
    ]
    token = signer.client_assertion(PKI_SERVER_ID)
    assert pki_verifier.verify(token, client_id=PKI_CLIENT_ID).client_id == PKI_CLIENT_ID
    signing_input = token.rsplit(".", 1)[0].encode()
    if "kms" in given:
        assert given["kms"].digests == [hashlib.sha256(signing_input).digest()]
