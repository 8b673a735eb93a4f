"""The README's server-side flow runs as written, against the test satellite.

The code block of README.md's section below is taken verbatim and executed;
only the names the README says are the reader's own (OUR_ID, SATELLITE_ID,
SATELLITE_URL, TRUSTED_ROOTS) are given to it.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

import ishare_jwt

from fake_satellite import CLIENT, OTHER, SATELLITE, SERVICE_PROVIDER_ID, Satellite, party_entry
from support import JWT_CLIENT_ID, PKI_ROOT_SHA256, REPOSITORY, SATELLITE_ID, pki_signer

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
