"""A token endpoint and a protected resource for the tests, on 127.0.0.1.

``POST /connect/token`` reads the request with ``ishare_jwt.oauth``, verifies
its client assertion with this library's ``Verifier`` (the one it is given;
else server ``SERVER_ID``, the test vectors' root) and answers with ``oauth.token_response`` or
``oauth.error_response``. Its query string changes the answer, so that each
token URL (each key of a TokenClient) can behave differently:

- ``expires_in=N``: the token's lifetime (3600 s otherwise);
- ``fail=500``: a 500 with a body that is not JSON; ``fail=200``: a 200 whose
  body is not a token response;
- ``hold=NAME``: the answer waits until the test opens the gate ``NAME``
  (``server.gate(NAME)``), which says when the request arrived.

``GET /elsewhere`` redirects to the resource at ``localhost`` (another host
name). ``GET /resource`` (and ``POST``, which echoes its body) answers 200 to a
current token and 401 to any other; ``server.revoke()`` makes every token
issued so far stale, ``server.refuse_all`` every token. The server counts what
it was asked (``token_requests``, ``resource_requests``). Each token issued is
``at-<jti>-<scope_tag(scope)>``, so a test can tell which scope it was issued
for.
"""

from __future__ import annotations

import json
import re
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import ishare_jwt
from ishare_jwt import oauth

from support import ROOT_SHA256, SERVER_ID


def scope_tag(scope: str) -> str:
    """``scope`` as the end of an issued token: spaces become ``.``, any other
    character an access token may not hold (RFC 6750 b64token) ``_``."""
    return re.sub(r"[^A-Za-z0-9._~+/-]", "_", scope.replace(" ", "."))


@dataclass
class Gate:
    """Holds the answers of ``hold=NAME`` until ``release`` is set."""

    arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


@dataclass
class TokenServer:
    """What the endpoint knows and did; ``url`` is set once it listens."""

    verifier: ishare_jwt.Verifier = field(
        default_factory=lambda: ishare_jwt.Verifier(SERVER_ID, [ROOT_SHA256], leeway=5)
    )
    url: str = ""
    #: The target (path and query) of every token request, in order.
    token_requests: list[str] = field(default_factory=list)
    #: (token sent or None, status answered) of every resource request.
    resource_requests: list[tuple[str | None, int]] = field(default_factory=list)
    #: The tokens the resource accepts.
    tokens: set[str] = field(default_factory=set)
    #: The resource refuses every token.
    refuse_all: bool = False
    issued: list[str] = field(default_factory=list)
    gates: dict[str, Gate] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def token_url(self, **query: object) -> str:
        """The token endpoint's URL with ``query`` (e.g. ``expires_in=60``)."""
        encoded = urllib.parse.urlencode(query)
        return f"{self.url}/connect/token" + (f"?{encoded}" if encoded else "")

    @property
    def resource_url(self) -> str:
        return f"{self.url}/resource"

    def gate(self, name: str) -> Gate:
        with self.lock:
            return self.gates.setdefault(name, Gate())

    def revoke(self) -> None:
        """Every token issued so far becomes stale: the resource answers 401 to it."""
        with self.lock:
            self.tokens.clear()

    def count(self, token_url: str | None = None) -> int:
        """Token requests made (to ``token_url`` only, when given)."""
        with self.lock:
            if token_url is None:
                return len(self.token_requests)
            target = token_url[len(self.url) :]
            return sum(1 for t in self.token_requests if t == target)

    def answer_token_request(self, target: str, body: bytes) -> oauth.Response:
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(target).query))
        with self.lock:
            self.token_requests.append(target)
        if "hold" in query:
            gate = self.gate(query["hold"])
            gate.arrived.set()
            gate.release.wait()
        if query.get("fail") == "500":
            return 500, [("Content-Type", "text/plain")], "the token service is down"
        if query.get("fail") == "200":
            return 200, [("Content-Type", "application/json")], '{"token_type": "Bearer"}'
        try:
            request = oauth.parse_token_request(body)
            client = self.verifier.verify(request.client_assertion, client_id=request.client_id)
        except (oauth.OAuthError, ishare_jwt.IshareJwtError) as refused:
            return oauth.error_response(refused)
        # The scope in the token: a test can tell which scope a token was issued for.
        token = f"at-{client.jti}-{scope_tag(request.scope or '')}"
        with self.lock:
            self.tokens.add(token)
            self.issued.append(token)
        expires_in = int(query.get("expires_in", "3600"))
        return oauth.token_response(token, expires_in, scope=request.scope)

    def answer_resource(
        self, authorization: str | None, body: bytes = b""
    ) -> tuple[int, dict[str, Any]]:
        token = authorization[len("Bearer ") :] if authorization else None
        with self.lock:
            status = 200 if token in self.tokens and not self.refuse_all else 401
            self.resource_requests.append((token, status))
        return status, {"ok": status == 200, "body": body.decode()}


class _Handler(BaseHTTPRequestHandler):
    server_state: TokenServer  # set on the subclass made per server

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        if urllib.parse.urlsplit(self.path).path == "/connect/token":
            self.reply(*self.server_state.answer_token_request(self.path, body))
        else:
            self.resource(body)

    def do_GET(self) -> None:
        if self.path == "/elsewhere":
            # To the resource under another host name (requests drops the token).
            elsewhere = self.server_state.url.replace("//127.0.0.1:", "//localhost:")
            self.send_response(302)
            self.send_header("Location", f"{elsewhere}/resource")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.resource(b"")

    def resource(self, body: bytes) -> None:
        if self.path != "/resource":
            self.reply(404, [("Content-Type", "text/plain")], "not found")
            return
        state = self.server_state
        status, answer = state.answer_resource(self.headers.get("Authorization"), body)
        headers = [("Content-Type", "application/json")]
        if status == 401:
            headers.append(("WWW-Authenticate", 'Bearer error="invalid_token"'))
        self.reply(status, headers, json.dumps(answer))

    def reply(self, status: int, headers: list[tuple[str, str]], body: str) -> None:
        data = body.encode()
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep pytest's output clean


@contextmanager
def running_token_server(verifier: ishare_jwt.Verifier | None = None) -> Iterator[TokenServer]:
    """Serves a TokenServer on 127.0.0.1 (a free port) from a thread, verifying
    with ``verifier`` when given; stops it on exit, also when the body raises,
    after opening every gate."""
    state = TokenServer() if verifier is None else TokenServer(verifier=verifier)
    handler = type("Handler", (_Handler,), {"server_state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="test-token-endpoint",
        daemon=True,
    )
    thread.start()
    try:
        host, port = server.server_address[:2]
        state.url = f"http://{host!s}:{port}"
        yield state
    finally:
        with state.lock:
            gates = list(state.gates.values())
        for gate in gates:
            gate.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
