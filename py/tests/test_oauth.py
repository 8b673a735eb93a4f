"""ishare_jwt.oauth: every way a token request is refused, answered by the test
token endpoint (built on these helpers) to a real HTTP client; the helpers'
inputs and outputs."""

from __future__ import annotations

import json
import pickle
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

import pytest

import ishare_jwt
from ishare_jwt import oauth

from support import CLIENT_ID, ROOT_SHA256, SERVER_ID
from token_server import TokenServer

NO_STORE = [
    ("Content-Type", "application/json"),
    ("Cache-Control", "no-store"),
    ("Pragma", "no-cache"),
]


def post(url: str, body: str) -> tuple[int, dict[str, str], dict[str, Any]]:
    """POSTs a form body; the status, headers and JSON body of the answer."""
    request = urllib.request.Request(
        url,
        data=body.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, dict(answer.headers), json.loads(answer.read())
    except urllib.error.HTTPError as refusal:
        with refusal:
            return refusal.code, dict(refusal.headers), json.loads(refusal.read())


def form_body(form: Mapping[str, str], **changes: str | None) -> str:
    """The form with `changes` (None removes a field), URL-encoded."""
    fields = {**form, **changes}
    return urllib.parse.urlencode({k: v for k, v in fields.items() if v is not None})


def refused(
    token_server: TokenServer, body: str, status: int, error: str, description: str
) -> None:
    got_status, headers, answer = post(token_server.token_url(), body)
    assert (got_status, answer["error"]) == (status, error), answer
    assert description in answer["error_description"], answer
    assert set(answer) == {"error", "error_description"}
    for name, value in NO_STORE:
        assert headers[name] == value


@pytest.fixture
def form(signer: ishare_jwt.Signer) -> dict[str, str]:
    return signer.token_request(SERVER_ID)


def test_a_good_request_gets_a_token(token_server: TokenServer, form: dict[str, str]) -> None:
    status, headers, answer = post(token_server.token_url(expires_in=600), form_body(form))
    assert status == 200
    assert answer == {
        "access_token": token_server.issued[0],
        "token_type": "Bearer",
        "expires_in": 600,
        "scope": "iSHARE",
    }
    for name, value in NO_STORE:
        assert headers[name] == value


@pytest.mark.parametrize(
    "field", ["grant_type", "client_assertion_type", "client_assertion", "client_id"]
)
def test_a_missing_field(token_server: TokenServer, form: dict[str, str], field: str) -> None:
    refused(token_server, form_body(form, **{field: None}), 400, "invalid_request", field)
    refused(token_server, form_body(form, **{field: ""}), 400, "invalid_request", field)


def test_a_field_sent_twice(token_server: TokenServer, form: dict[str, str]) -> None:
    body = form_body(form) + "&" + urllib.parse.urlencode({"client_id": CLIENT_ID})
    refused(token_server, body, 400, "invalid_request", "client_id is sent more than once")


def test_another_grant_type(token_server: TokenServer, form: dict[str, str]) -> None:
    body = form_body(form, grant_type="password")
    refused(token_server, body, 400, "unsupported_grant_type", "password")


def test_another_assertion_type(token_server: TokenServer, form: dict[str, str]) -> None:
    saml = "urn:ietf:params:oauth:client-assertion-type:saml2-bearer"
    refused(token_server, form_body(form, client_assertion_type=saml), 400, "invalid_client", saml)


def test_a_bad_assertion(token_server: TokenServer, form: dict[str, str]) -> None:
    body = form_body(form, client_assertion="a.b.c")
    refused(token_server, body, 400, "invalid_client", "malformed: ")


def test_an_assertion_of_another_client(token_server: TokenServer, form: dict[str, str]) -> None:
    body = form_body(form, client_id="EU.EORI.NL000000002")
    refused(token_server, body, 400, "invalid_client", "client_id_mismatch: ")


def test_a_replay(token_server: TokenServer, form: dict[str, str]) -> None:
    assert post(token_server.token_url(), form_body(form))[0] == 200
    refused(token_server, form_body(form), 400, "invalid_client", "replay: ")


def test_a_full_replay_cache(
    token_server: TokenServer, signer: ishare_jwt.Signer, form: dict[str, str]
) -> None:
    token_server.verifier = ishare_jwt.Verifier(
        SERVER_ID, [ROOT_SHA256], leeway=5, replay_capacity=1
    )
    assert post(token_server.token_url(), form_body(form))[0] == 200
    another = signer.token_request(SERVER_ID)
    body = form_body(another)
    refused(token_server, body, 503, "temporarily_unavailable", "replay_cache_full: ")


# The helpers themselves.


class WerkzeugLike(dict[str, str]):
    """A multi-valued form with getlist (Werkzeug's MultiDict, Django's QueryDict)."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        super().__init__(pairs)
        self.pairs = pairs

    def getlist(self, name: str) -> list[str]:
        return [v for n, v in self.pairs if n == name]


class StarletteLike(dict[str, str]):
    """A multi-valued form with multi_items (Starlette's FormData)."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        super().__init__(pairs)
        self.pairs = pairs

    def multi_items(self) -> list[tuple[str, str]]:
        return list(self.pairs)


def test_every_form_of_the_request(form: dict[str, str]) -> None:
    pairs = list(form.items())
    body = urllib.parse.urlencode(form)
    for given in (form, body, body.encode(), WerkzeugLike(pairs), StarletteLike(pairs)):
        request = oauth.parse_token_request(given)
        assert (request.client_id, request.client_assertion, request.scope) == (
            CLIENT_ID,
            form["client_assertion"],
            "iSHARE",
        )
        assert form["client_assertion"] not in repr(request)
    twice = [*pairs, ("client_id", CLIENT_ID)]
    for multi in (WerkzeugLike(twice), StarletteLike(twice)):
        with pytest.raises(oauth.OAuthError, match="more than once"):
            oauth.parse_token_request(multi)
    without_scope = {k: v for k, v in form.items() if k != "scope"}
    assert oauth.parse_token_request(without_scope).scope == "iSHARE"


def test_bytes_that_are_not_utf8(form: dict[str, str]) -> None:
    body = urllib.parse.urlencode({**form, "client_id": "x"}).encode().replace(b"=x", b"=\xff")
    assert oauth.parse_token_request(body).client_id == "\ufffd"


def test_a_form_of_another_type() -> None:
    with pytest.raises(TypeError):
        oauth.parse_token_request(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        oauth.parse_token_request({"grant_type": 1})  # type: ignore[dict-item]


def test_oauth_error(form: dict[str, str]) -> None:
    with pytest.raises(oauth.OAuthError) as caught:
        oauth.parse_token_request(form_body(form, grant_type="password"))
    error = caught.value
    assert not isinstance(error, ishare_jwt.IshareJwtError)
    assert type(error).__module__ == "ishare_jwt.oauth" and type(error).__name__ == "OAuthError"
    assert (error.status, error.error) == (400, "unsupported_grant_type")
    assert str(error) == f"400 unsupported_grant_type: {error.error_description}"
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.status, copy.error, copy.error_description) == (
        error.status,
        error.error,
        error.error_description,
    )
    assert oauth.error_response(copy) == oauth.error_response(error)
    status, headers, body = oauth.error_response(error)
    assert (status, headers) == (400, NO_STORE)
    assert json.loads(body) == {
        "error": "unsupported_grant_type",
        "error_description": error.error_description,
    }


def raised(call: Any) -> ishare_jwt.IshareJwtError:
    with pytest.raises(ishare_jwt.IshareJwtError) as caught:
        call()
    return caught.value


def test_error_response_of_every_kind_is_the_cores() -> None:
    internal = raised(ishare_jwt._native._panic_selftest)
    status, _, body = oauth.error_response(internal)
    assert (status, json.loads(body)["error"]) == (500, "server_error")
    bad_argument = raised(lambda: ishare_jwt.Verifier(SERVER_ID, [ROOT_SHA256], leeway=-1))
    status, _, body = oauth.error_response(bad_argument)
    assert (status, json.loads(body)["error"]) == (400, "invalid_request")
    assert json.loads(body)["error_description"].startswith("invalid_argument: ")
    # And it survives pickling, as the exceptions do.
    copy = pickle.loads(pickle.dumps(bad_argument))
    assert oauth.error_response(copy) == (status, NO_STORE, body)


def test_error_response_takes_only_the_librarys_errors() -> None:
    for other in (ValueError("no"), ishare_jwt.ExpiredError("made by hand")):
        with pytest.raises(TypeError, match="error_response"):
            oauth.error_response(other)  # type: ignore[arg-type]


def test_token_response() -> None:
    status, headers, body = oauth.token_response("abc", 3600)
    assert (status, headers) == (200, NO_STORE)
    assert body == '{"access_token":"abc","token_type":"Bearer","expires_in":3600}'
    _, _, body = oauth.token_response('a"b', 0, scope="iSHARE")
    assert json.loads(body) == {
        "access_token": 'a"b',
        "token_type": "Bearer",
        "expires_in": 0,
        "scope": "iSHARE",
    }
    with pytest.raises(ishare_jwt.InvalidArgumentError, match="expires_in"):
        oauth.token_response("abc", -1)
    assert oauth.TOKEN_RESPONSE_HEADERS == tuple(NO_STORE)

