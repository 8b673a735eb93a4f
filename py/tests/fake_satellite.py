"""A satellite for the tests: iSHARE 2.0 `/parties` and `/trusted_list` on 127.0.0.1.

Its answers are JWTs made by PyJWT (an independent JOSE implementation) with
testdata/pki/server-eori, the satellite EU.EORI.NL000000100, in the shape an
iSHARE 2.0 satellite gives them. Tests change `parties`, `trusted_list` and
`signed_by` to make it answer what they need; `requests` records the paths it
was asked for.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from support import JWT_CLIENT_ID, PKI, PKI_ROOT_SHA256, SATELLITE_ID

#: The party asking the satellite (our token endpoint): the `aud` of its answers.
SERVICE_PROVIDER_ID = "EU.EORI.NL000000102"


@dataclass(frozen=True)
class Party:
    """A party of testdata/pki: its id, key, x5c chain and leaf fingerprint."""

    party_id: str
    stem: str

    def x5c(self) -> list[str]:
        certificates = x509.load_pem_x509_certificates(
            (PKI / f"{self.stem}.chain.pem").read_bytes()
        )
        return [
            base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode()
            for c in certificates
        ]

    def key(self) -> Any:
        return serialization.load_pem_private_key(
            (PKI / f"{self.stem}.key.pem").read_bytes(), password=None
        )

    def leaf_sha256(self) -> str:
        """As a satellite lists it in `x5t#S256` (lower-case hex here)."""
        return hashlib.sha256(base64.b64decode(self.x5c()[0])).hexdigest()


SATELLITE = Party(SATELLITE_ID, "server-eori")
CLIENT = Party(JWT_CLIENT_ID, "client-eori")
#: A participant whose certificate the satellite does not list for the client.
OTHER = Party("EU.EORI.NL000000103", "client-3072")


def party_entry(
    party: Party,
    *,
    name: str = "Demo Client",
    status: str = "Active",
    start: str = "2025-01-01T00:00:00.000Z",
    end: str = "2045-01-01T00:00:00.000Z",
    certificates: list[str] | None = None,
) -> dict[str, Any]:
    """One entry of `parties_info.data`, iSHARE 2.0."""
    fingerprints = [party.leaf_sha256()] if certificates is None else certificates
    return {
        "party_id": party.party_id,
        "party_name": name,
        "adherence": {"status": status, "start_date": start, "end_date": end},
        "certificates": [
            {
                "subject_name": f"CN={name}",
                "certificate_type": "AdES",
                "enabled_from": start,
                "x5t#S256": fingerprint,
            }
            for fingerprint in fingerprints
        ],
    }


ROOT_SUBJECT = x509.load_pem_x509_certificate(
    (PKI / "root-ca.pem").read_bytes()
).subject.rfc4514_string()


def trusted_entry(
    fingerprint: str,
    *,
    subject: str = ROOT_SUBJECT,
    status: str = "granted",
    validity: str = "valid",
) -> dict[str, Any]:
    """One entry of `trusted_list`, iSHARE 2.0."""
    return {
        "subject": subject,
        "certificate_fingerprint": fingerprint,
        "validity": validity,
        "status": status,
    }


@dataclass
class Satellite:
    """What the satellite knows and says; `url` is set once it listens."""

    parties: list[dict[str, Any]] = field(default_factory=lambda: [party_entry(CLIENT)])
    trusted_list: list[dict[str, Any]] = field(
        default_factory=lambda: [
            trusted_entry(PKI_ROOT_SHA256),
            trusted_entry("AB" * 32, subject="CN=Withdrawn CA", status="withdrawn"),
            trusted_entry("CD" * 32, subject="CN=Invalid CA", validity="invalid"),
        ]
    )
    #: Who signs the answers (the satellite, unless a test says otherwise).
    signed_by: Party = SATELLITE
    #: The `iss` the answers claim (the signer's, unless a test says otherwise).
    claimed_issuer: str | None = None
    url: str = ""
    requests: list[str] = field(default_factory=list)

    def token(self, claims: dict[str, Any]) -> str:
        """A JWT from the satellite to the service provider carrying `claims`."""
        issuer = self.claimed_issuer or self.signed_by.party_id
        now = int(time.time())
        payload = {
            "iss": issuer,
            "sub": issuer,
            "aud": SERVICE_PROVIDER_ID,
            "jti": str(uuid.uuid4()),
            "iat": now,
            "nbf": now,
            "exp": now + 30,
            **claims,
        }
        return jwt.encode(
            payload,
            self.signed_by.key(),
            algorithm="RS256",
            headers={"typ": "JWT", "x5c": self.signed_by.x5c()},
        )

    def answer(self, path: str) -> tuple[int, dict[str, Any]]:
        """The status and JSON body the satellite gives for `path`."""
        url = urllib.parse.urlsplit(path)
        query = urllib.parse.parse_qs(url.query)
        if url.path == "/parties":
            wanted = query.get("eori", [None])[0]
            data = [p for p in self.parties if wanted is None or p["party_id"] == wanted]
            info = {"count": len(data), "data": data}
            return 200, {"parties_token": self.token({"parties_info": info})}
        if url.path == "/trusted_list":
            return 200, {"trusted_list_token": self.token({"trusted_list": self.trusted_list})}
        return 404, {"error": f"no such path: {url.path}"}


class _Handler(BaseHTTPRequestHandler):
    satellite: Satellite  # set on the subclass made per server

    def do_GET(self) -> None:
        self.satellite.requests.append(self.path)
        status, body = self.satellite.answer(self.path)
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep pytest's output clean


#: The name of the thread that serves.
THREAD_NAME = "fake-satellite"


@contextmanager
def running_satellite(satellite: Satellite | None = None) -> Iterator[Satellite]:
    """Serves `satellite` on 127.0.0.1 (a free port) from a thread; stops it on exit,
    also when the body raises."""
    satellite = satellite or Satellite()
    handler = type("Handler", (_Handler,), {"satellite": satellite})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=THREAD_NAME, daemon=True
    )
    thread.start()
    try:
        host, port = server.server_address[:2]
        satellite.url = f"http://{host!s}:{port}"
        yield satellite
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
