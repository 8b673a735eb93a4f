"""The README's Python examples run as written: the client and server of its
Python section against the test token endpoint, the server-side flow against
the test satellite.

The code blocks of README.md are taken verbatim and executed; only the names
the README says are the reader's own (TOKEN_URL, OUR_ID, SATELLITE_ID,
SATELLITE_URL, TRUSTED_ROOTS, ...) are given to them.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

import ishare_jwt

from fake_satellite import CLIENT, OTHER, SATELLITE, SERVICE_PROVIDER_ID, Satellite, party_entry
from support import (
    CLIENT_ID,
    JWT_CLIENT_ID,
    PKI_ROOT_SHA256,
    REPOSITORY,
    ROOT_SHA256,
    SATELLITE_ID,
    SERVER_ID,
    pki_signer,
    vector_text,
)
from token_server import TokenServer

SECTION = "### Server side: ask the satellite about the client"


def readme_code() -> str:
    readme = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    start = readme.index(SECTION + "\n")
    following = re.compile(r"^#{2,3} ", flags=re.MULTILINE).search(readme, start + len(SECTION))
    section = readme[start : following.start() if following else len(readme)]
    blocks = re.findall(r"^```python\n(.*?)^```$", section, flags=re.DOTALL | re.MULTILINE)
    assert len(blocks) == 1, "the section has exactly one Python block"
    code: str = blocks[0]
    return code


def run_readme(satellite: Satellite) -> dict[str, Any]:
    namespace: dict[str, Any] = {
        "__name__": "readme",
        "OUR_ID": SERVICE_PROVIDER_ID,
        "SATELLITE_ID": SATELLITE_ID,
        "SATELLITE_URL": satellite.url,
        "TRUSTED_ROOTS": [PKI_ROOT_SHA256],
    }
    exec(compile(readme_code(), "README.md", "exec"), namespace)
    return namespace


def test_the_readme_flow_runs_as_written(satellite: Satellite) -> None:
    readme = run_readme(satellite)
    assert satellite.requests == ["/trusted_list"]  # the anchors were refreshed on the way
    assert isinstance(readme["verifier"], ishare_jwt.Verifier)
    form = pki_signer("client-eori", JWT_CLIENT_ID).token_request(SERVICE_PROVIDER_ID)
    info = readme["participant"](form)
    assert isinstance(info, ishare_jwt.PartyInfo)
    assert (info.party_id, info.status) == (JWT_CLIENT_ID, "Active")
    assert satellite.requests[1:] == [f"/parties?eori={JWT_CLIENT_ID}"]


def test_the_readme_flow_refuses(satellite: Satellite) -> None:
    readme = run_readme(satellite)
    participant = readme["participant"]
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


PYTHON_SECTION = "## Python (`py/`)"


def python_section_code() -> list[str]:
    """The Python blocks of README.md's Python section, before its subsections."""
    readme = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    start = readme.index(PYTHON_SECTION + "\n")
    end = readme.index("\n### ", start)
    blocks: list[str] = re.findall(
        r"^```python\n(.*?)^```$", readme[start:end], flags=re.DOTALL | re.MULTILINE
    )
    assert len(blocks) == 2, "the section has a client block and a server block"
    return blocks


def test_the_readme_client_and_server_run_as_written(
    token_server: TokenServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client_code, server_code = python_section_code()
    # The client's files, named as the README names them.
    for name in ("key", "chain"):
        pem = vector_text(f"client-eori.{name}.pem")
        (tmp_path / f"client.{name}.pem").write_text(pem, encoding="ascii")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {
        "__name__": "readme",
        "TOKEN_URL": token_server.token_url(),
        "RESOURCE_URL": token_server.resource_url,
        "ROOT_SHA256_FROM_TRUSTED_LIST": ROOT_SHA256,
        "issue_token_for": lambda client_id: f"token-for-{client_id}",
    }
    exec(compile(client_code, "README.md", "exec"), namespace)
    assert namespace["answer"].status_code == 200
    assert namespace["token"] == token_server.issued[0] and token_server.count() == 1

    exec(compile(server_code, "README.md", "exec"), namespace)
    endpoint = namespace["token_endpoint"]
    signer = ishare_jwt.Signer.from_pem(
        vector_text("client-eori.key.pem"), vector_text("client-eori.chain.pem"), CLIENT_ID
    )
    form = signer.token_request(SERVER_ID)
    status, headers, body = endpoint(urllib.parse.urlencode(form))
    assert status == 200 and ("Cache-Control", "no-store") in headers
    assert json.loads(body)["access_token"] == f"token-for-{CLIENT_ID}"
    status, _, body = endpoint(form)  # the same assertion again, as a parsed form
    assert (status, json.loads(body)["error"]) == (400, "invalid_client")
    status, _, body = endpoint({**signer.token_request(SERVER_ID), "grant_type": "password"})
    assert (status, json.loads(body)["error"]) == (400, "unsupported_grant_type")
