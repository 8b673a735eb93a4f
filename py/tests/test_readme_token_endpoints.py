"""py/README.md's token endpoints for Flask, FastAPI and Django, as written,
each served on 127.0.0.1 by a real server (Werkzeug's, uvicorn, Django's
threaded WSGI server) and asked by a real HTTP client (httpx): a good request
and every way a token request is refused, with status, headers and JSON body.

The blocks come verbatim from scripts/doc-blocks; they are given only what
py/README.md says is the reader's own: ``TRUSTED_ROOT_SHA256`` (the root of
testdata/pki, the test PKI py/README.md names, whose client EU.EORI.NL000000101
asks) and ``issue_token_for``. The client of tests/vectors/, under another
root, is the untrusted one.
"""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import httpx
import jwt
import pytest
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from werkzeug.serving import make_server

import ishare_jwt

from doc_blocks import load_module
from support import (
    CLIENT_ID,
    PKI_CLIENT_ID,
    PKI_ROOT_SHA256,
    PKI_SERVER_ID,
    pki_text,
)

OTHER_PARTY = "EU.EORI.NL000000102"
FORM = "application/x-www-form-urlencoded"


def issue_token_for(client_id: str) -> str:
    return f"token-for-{client_id}"


def readers_names() -> dict[str, Any]:
    return {"TRUSTED_ROOT_SHA256": PKI_ROOT_SHA256, "issue_token_for": issue_token_for}


@dataclass
class Endpoint:
    framework: str
    url: str
    #: The block, run as a module: its ``verifier`` is the one the handler uses.
    module: ModuleType


@contextmanager
def serving_flask() -> Iterator[Endpoint]:
    module = load_module("py-README-flask-token-endpoint", **readers_names())
    server = make_server("127.0.0.1", 0, module.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="flask-endpoint")
    thread.start()
    try:
        yield Endpoint("flask", f"http://127.0.0.1:{server.server_port}/connect/token", module)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextmanager
def serving_fastapi() -> Iterator[Endpoint]:
    module = load_module("py-README-fastapi-token-endpoint", **readers_names())
    listening = socket.create_server(("127.0.0.1", 0))
    config = uvicorn.Config(module.app, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listening]}, name="fastapi-endpoint"
    )
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)
        port = listening.getsockname()[1]
        yield Endpoint("fastapi", f"http://127.0.0.1:{port}/connect/token", module)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listening.close()


def configure_django() -> None:
    """The settings of a new Django project (its default middleware, CSRF
    included), with the README's module as the URL configuration."""
    import django  # type: ignore[import-untyped]
    from django.conf import settings  # type: ignore[import-untyped]

    if not settings.configured:
        settings.configure(
            DEBUG=False,
            SECRET_KEY="test-only",
            ALLOWED_HOSTS=["127.0.0.1"],
            ROOT_URLCONF="py_README_django_token_endpoint",
            INSTALLED_APPS=[],
            MIDDLEWARE=[
                "django.middleware.security.SecurityMiddleware",
                "django.middleware.common.CommonMiddleware",
                "django.middleware.csrf.CsrfViewMiddleware",
                "django.middleware.clickjacking.XFrameOptionsMiddleware",
            ],
            USE_TZ=True,
        )
        django.setup()


@contextmanager
def serving_django() -> Iterator[Endpoint]:
    from django.core.servers.basehttp import (  # type: ignore[import-untyped]
        ThreadedWSGIServer,
        WSGIRequestHandler,
    )
    from django.core.wsgi import get_wsgi_application  # type: ignore[import-untyped]

    configure_django()
    module = load_module("py-README-django-token-endpoint", **readers_names())
    server = ThreadedWSGIServer(("127.0.0.1", 0), WSGIRequestHandler, allow_reuse_address=False)
    server.set_app(get_wsgi_application())
    thread = threading.Thread(target=server.serve_forever, name="django-endpoint")
    thread.start()
    try:
        yield Endpoint("django", f"http://127.0.0.1:{server.server_port}/connect/token", module)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


SERVERS = {"flask": serving_flask, "fastapi": serving_fastapi, "django": serving_django}


@pytest.fixture(scope="module", params=list(SERVERS))
def endpoint(request: pytest.FixtureRequest) -> Iterator[Endpoint]:
    with SERVERS[request.param]() as serving:
        yield serving


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as client:
        yield client


def post(
    http: httpx.Client, endpoint: Endpoint, body: str | bytes, content_type: str = FORM
) -> httpx.Response:
    return http.post(endpoint.url, content=body, headers={"Content-Type": content_type})


def form_body(form: Mapping[str, str], **changes: str | None) -> str:
    """The form with ``changes`` (None removes a field), URL-encoded."""
    fields = {**form, **changes}
    return urllib.parse.urlencode({k: v for k, v in fields.items() if v is not None})


def assert_no_store(answer: httpx.Response) -> None:
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["Pragma"] == "no-cache"


def assert_refused(answer: httpx.Response, status: int, error: str, description: str) -> None:
    assert answer.status_code == status, answer.text
    assert_no_store(answer)
    body = json.loads(answer.text)
    assert set(body) == {"error", "error_description"}, body
    assert body["error"] == error, body
    assert description in body["error_description"], body


@pytest.fixture
def form(pki_client: ishare_jwt.Signer) -> dict[str, str]:
    return pki_client.token_request(PKI_SERVER_ID)


def test_a_good_request_gets_a_token(
    endpoint: Endpoint, http: httpx.Client, form: dict[str, str]
) -> None:
    answer = post(http, endpoint, form_body(form))
    assert answer.status_code == 200, answer.text
    assert_no_store(answer)
    assert json.loads(answer.text) == {
        "access_token": f"token-for-{PKI_CLIENT_ID}",
        "token_type": "Bearer",
        "expires_in": 3600,
    }


@pytest.mark.parametrize(
    "field", ["grant_type", "client_assertion_type", "client_assertion", "client_id"]
)
def test_a_missing_field(
    endpoint: Endpoint, http: httpx.Client, form: dict[str, str], field: str
) -> None:
    missing = f"{field} is missing"
    assert_refused(
        post(http, endpoint, form_body(form, **{field: None})), 400, "invalid_request", missing
    )
    assert_refused(
        post(http, endpoint, form_body(form, **{field: ""})), 400, "invalid_request", missing
    )


def test_a_field_sent_twice(endpoint: Endpoint, http: httpx.Client, form: dict[str, str]) -> None:
    body = form_body(form) + "&" + urllib.parse.urlencode({"client_id": PKI_CLIENT_ID})
    answer = post(http, endpoint, body)
    assert_refused(answer, 400, "invalid_request", "client_id is sent more than once")


def test_another_grant_type(endpoint: Endpoint, http: httpx.Client, form: dict[str, str]) -> None:
    answer = post(http, endpoint, form_body(form, grant_type="password"))
    assert_refused(answer, 400, "unsupported_grant_type", '"password"')


def test_another_assertion_type(
    endpoint: Endpoint, http: httpx.Client, form: dict[str, str]
) -> None:
    saml = "urn:ietf:params:oauth:client-assertion-type:saml2-bearer"
    answer = post(http, endpoint, form_body(form, client_assertion_type=saml))
    assert_refused(answer, 400, "invalid_client", saml)


def test_a_body_that_is_not_a_form(
    endpoint: Endpoint, http: httpx.Client, form: dict[str, str]
) -> None:
    answer = post(http, endpoint, json.dumps(form), "application/json")
    assert_refused(answer, 400, "invalid_request", "grant_type is missing")
    answer = post(http, endpoint, b"\x00\xff%zz&&==")
    assert_refused(answer, 400, "invalid_request", "grant_type is missing")


def test_a_bad_signature(
    endpoint: Endpoint, http: httpx.Client, pki_client: ishare_jwt.Signer
) -> None:
    form = pki_client.token_request(PKI_SERVER_ID)
    other_signature = pki_client.client_assertion(PKI_SERVER_ID).rsplit(".", 1)[1]
    forged = form["client_assertion"].rsplit(".", 1)[0] + "." + other_signature
    answer = post(http, endpoint, form_body(form, client_assertion=forged))
    assert_refused(answer, 400, "invalid_client", "signature: ")


def test_an_expired_assertion(
    endpoint: Endpoint, http: httpx.Client, pki_client: ishare_jwt.Signer
) -> None:
    form = pki_client.token_request(PKI_SERVER_ID, now=int(time.time()) - 120)
    assert_refused(post(http, endpoint, form_body(form)), 400, "invalid_client", "expired: ")


def test_a_chain_to_another_root(
    endpoint: Endpoint, http: httpx.Client, signer: ishare_jwt.Signer
) -> None:
    """The client of tests/vectors/ (conftest's ``signer``, ``CLIENT_ID``): its
    chain is sound, but ends in a root the endpoint does not trust."""
    form = signer.token_request(PKI_SERVER_ID)
    assert form["client_id"] == CLIENT_ID
    assert_refused(
        post(http, endpoint, form_body(form)), 400, "invalid_client", "untrusted_chain: "
    )


def test_an_assertion_of_another_client(
    endpoint: Endpoint, http: httpx.Client, form: dict[str, str]
) -> None:
    answer = post(http, endpoint, form_body(form, client_id=OTHER_PARTY))
    assert_refused(answer, 400, "invalid_client", "client_id_mismatch: ")


def test_a_certificate_of_another_party(endpoint: Endpoint, http: httpx.Client) -> None:
    """Signed with our client's key and chain, but claiming to be another party
    (PyJWT makes it: our Signer refuses to)."""
    key = serialization.load_pem_private_key(
        pki_text("client-eori.key.pem").encode(), password=None
    )
    assert isinstance(key, RSAPrivateKey)
    chain = x509.load_pem_x509_certificates(pki_text("client-eori.chain.pem").encode())
    x5c = [base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode() for c in chain]
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": OTHER_PARTY,
        "sub": OTHER_PARTY,
        "aud": PKI_SERVER_ID,
        "jti": str(uuid.uuid4()),
        "iat": now,
        "nbf": now,
        "exp": now + 30,
    }
    token = jwt.encode(claims, key, algorithm="RS256", headers={"typ": "JWT", "x5c": x5c})
    form = {
        "grant_type": "client_credentials",
        "scope": "iSHARE",
        "client_id": OTHER_PARTY,
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": token,
    }
    answer = post(http, endpoint, form_body(form))
    assert_refused(answer, 400, "invalid_client", "party_id_mismatch: ")


def test_a_replayed_assertion(endpoint: Endpoint, http: httpx.Client, form: dict[str, str]) -> None:
    assert post(http, endpoint, form_body(form)).status_code == 200
    assert_refused(post(http, endpoint, form_body(form)), 400, "invalid_client", "replay: ")


def test_a_full_replay_cache(
    endpoint: Endpoint, http: httpx.Client, pki_client: ishare_jwt.Signer
) -> None:
    """The block's handler with a verifier whose replay cache holds one token."""
    names = vars(endpoint.module)
    readme_verifier = names["verifier"]
    names["verifier"] = ishare_jwt.Verifier(
        PKI_SERVER_ID, [PKI_ROOT_SHA256], leeway=5, replay_capacity=1
    )
    try:
        first = form_body(pki_client.token_request(PKI_SERVER_ID))
        assert post(http, endpoint, first).status_code == 200
        answer = post(http, endpoint, form_body(pki_client.token_request(PKI_SERVER_ID)))
        assert_refused(answer, 503, "temporarily_unavailable", "replay_cache_full: ")
    finally:
        names["verifier"] = readme_verifier
