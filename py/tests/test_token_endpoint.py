"""End to end over loopback HTTP: the README's client and server, stdlib only."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import ishare_jwt

from support import CLIENT_ID, ROOT_SHA256, SERVER_ID

verifier = ishare_jwt.Verifier(SERVER_ID, [ROOT_SHA256], leeway=5)


class TokenEndpoint(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        try:
            client = verifier.verify(form["client_assertion"], client_id=form["client_id"])
            status, body = (
                200,
                {"access_token": f"at-{client.jti}", "token_type": "Bearer", "expires_in": 3600},
            )
        except ishare_jwt.IshareJwtError as error:
            status, body = (
                400,
                {"error": "invalid_client", "error_description": f"{error.kind}: {error}"},
            )
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def token_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), TokenEndpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/connect/token"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def post(url: str, form: dict[str, str]) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(url, data=urllib.parse.urlencode(form).encode())
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_token_request_over_http(signer: ishare_jwt.Signer, token_url: str) -> None:
    form = signer.token_request(SERVER_ID)
    status, body = post(token_url, form)
    assert status == 200, body
    assert body["token_type"] == "Bearer" and str(body["access_token"]).startswith("at-")
    # The same form again is a replay.
    status, body = post(token_url, form)
    assert status == 400 and str(body["error_description"]).startswith("replay:")


def test_client_id_mismatch_over_http(signer: ishare_jwt.Signer, token_url: str) -> None:
    form = signer.token_request(SERVER_ID)
    form["client_id"] = "EU.EORI.NL000000002"
    status, body = post(token_url, form)
    assert status == 400
    assert str(body["error_description"]).startswith("client_id_mismatch:")
    assert CLIENT_ID in str(body["error_description"])
