"""IshareAuth with requests, httpx and httpx's async client against the test
token endpoint's protected resource: the token on every request, one retry with
one new token after a 401."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import httpx
import pytest
import requests
import requests.auth

import ishare_jwt
from ishare_jwt.auth import IshareAuth

from support import JWT_CLIENT_ID, SERVER_ID, pki_signer
from token_server import TokenServer


@pytest.fixture
def client(signer: ishare_jwt.Signer) -> ishare_jwt.TokenClient:
    return ishare_jwt.TokenClient(signer)


@pytest.fixture
def auth(client: ishare_jwt.TokenClient, token_server: TokenServer) -> IshareAuth:
    return IshareAuth(client, SERVER_ID, token_server.token_url())


@pytest.fixture
def session(auth: IshareAuth) -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.auth = auth
        yield session


def test_it_is_both_libraries_auth(auth: IshareAuth) -> None:
    assert isinstance(auth, requests.auth.AuthBase)
    assert isinstance(auth, httpx.Auth)
    assert repr(auth).startswith("IshareAuth(server_id='EU.EORI.NL000000000'")
    with pytest.raises(TypeError, match="TokenClient"):
        IshareAuth(object(), SERVER_ID, "http://127.0.0.1/connect/token")  # type: ignore[arg-type]


# requests


def test_requests_sends_the_token(session: requests.Session, token_server: TokenServer) -> None:
    for _ in range(3):
        answer = session.get(token_server.resource_url, timeout=10)
        assert answer.status_code == 200 and answer.history == []
    assert token_server.count() == 1
    token = token_server.issued[0]
    assert token_server.resource_requests == [(token, 200)] * 3


def test_requests_recovers_from_one_401(
    session: requests.Session, token_server: TokenServer
) -> None:
    assert session.get(token_server.resource_url, timeout=10).status_code == 200
    token_server.revoke()
    answer = session.post(token_server.resource_url, data=b"the body", timeout=10)
    assert answer.status_code == 200 and answer.json() == {"ok": True, "body": "the body"}
    assert [r.status_code for r in answer.history] == [401]
    assert token_server.count() == 2  # exactly one new token
    first, second = token_server.issued
    assert token_server.resource_requests == [(first, 200), (first, 401), (second, 200)]
    assert answer.request.headers["Authorization"] == f"Bearer {second}"


def test_a_401_to_a_token_renewed_already_costs_no_new_one(
    session: requests.Session, token_server: TokenServer
) -> None:
    # Two requests made ready with the same token, refused one after the other:
    # the second finds the token renewed by the first and sends that one.
    url = token_server.resource_url
    ready = [session.prepare_request(requests.Request("GET", url)) for _ in "ab"]
    token_server.revoke()
    answers = [session.send(prepared, timeout=10) for prepared in ready]
    assert [a.status_code for a in answers] == [200, 200]
    assert [[r.status_code for r in a.history] for a in answers] == [[401], [401]]
    assert token_server.count() == 2
    first, second = token_server.issued
    assert token_server.resource_requests == [
        (first, 401),
        (second, 200),
        (first, 401),
        (second, 200),
    ]


def test_requests_retries_only_once(session: requests.Session, token_server: TokenServer) -> None:
    token_server.refuse_all = True
    answer = session.get(token_server.resource_url, timeout=10)
    assert answer.status_code == 401 and [r.status_code for r in answer.history] == [401]
    assert token_server.count() == 2
    assert [status for _, status in token_server.resource_requests] == [401, 401]


def test_requests_never_sends_the_token_to_another_host(
    session: requests.Session, token_server: TokenServer
) -> None:
    answer = session.get(f"{token_server.url}/elsewhere", timeout=10)
    assert answer.status_code == 401 and [r.status_code for r in answer.history] == [302]
    assert token_server.resource_requests == [(None, 401)]  # no retry with a token
    assert token_server.count() == 1


def test_requests_raises_the_refusal(token_server: TokenServer) -> None:
    stranger = ishare_jwt.TokenClient(pki_signer("client-eori", JWT_CLIENT_ID))
    with requests.Session() as session:
        session.auth = IshareAuth(stranger, SERVER_ID, token_server.token_url())
        with pytest.raises(ishare_jwt.TokenEndpointError) as caught:
            session.get(token_server.resource_url, timeout=10)
    assert caught.value.error == "invalid_client"
    assert token_server.resource_requests == []


def test_a_session_with_the_auth_fetches_its_tokens_without_it(
    signer: ishare_jwt.Signer, token_server: TokenServer
) -> None:
    with requests.Session() as session:
        tokens = ishare_jwt.TokenClient(signer, session=session)
        session.auth = IshareAuth(tokens, SERVER_ID, token_server.token_url())
        assert session.get(token_server.resource_url, timeout=10).status_code == 200
    with httpx.Client() as http:
        tokens = ishare_jwt.TokenClient(signer, session=http)
        http.auth = IshareAuth(tokens, SERVER_ID, token_server.token_url())
        assert http.get(token_server.resource_url).status_code == 200
    assert token_server.count() == 2


# httpx


def test_httpx_sends_the_token_and_recovers_from_one_401(
    auth: IshareAuth, token_server: TokenServer
) -> None:
    with httpx.Client(auth=auth) as http:
        assert http.get(token_server.resource_url).status_code == 200
        token_server.revoke()
        answer = http.post(token_server.resource_url, content=b"the body")
    assert answer.status_code == 200 and answer.json() == {"ok": True, "body": "the body"}
    assert [r.status_code for r in answer.history] == [401]
    assert token_server.count() == 2
    first, second = token_server.issued
    assert token_server.resource_requests == [(first, 200), (first, 401), (second, 200)]


def test_httpx_never_sends_the_token_to_another_host(
    auth: IshareAuth, token_server: TokenServer
) -> None:
    with httpx.Client(auth=auth, follow_redirects=True) as http:
        answer = http.get(f"{token_server.url}/elsewhere")
    assert answer.status_code == 401 and [r.status_code for r in answer.history] == [302]
    assert token_server.resource_requests == [(None, 401)]  # no retry, no new token
    assert token_server.count() == 1


def test_httpx_retries_only_once(auth: IshareAuth, token_server: TokenServer) -> None:
    token_server.refuse_all = True
    with httpx.Client(auth=auth) as http:
        answer = http.get(token_server.resource_url)
    assert answer.status_code == 401 and [r.status_code for r in answer.history] == [401]
    assert token_server.count() == 2


def test_httpx_threads_after_a_revocation_fetch_one_token(
    auth: IshareAuth, token_server: TokenServer
) -> None:
    with httpx.Client(auth=auth) as http:
        assert http.get(token_server.resource_url).status_code == 200
        token_server.revoke()
        statuses: list[int] = []

        def get() -> None:
            statuses.append(http.get(token_server.resource_url).status_code)

        threads = [threading.Thread(target=get) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
    assert statuses == [200] * 8
    # Every 401 named the same stale token: it is renewed once, not per request.
    assert token_server.count() == 2


def test_httpx_async_sends_the_token_and_recovers_from_one_401(
    auth: IshareAuth, token_server: TokenServer
) -> None:
    async def scenario() -> tuple[httpx.Response, list[int]]:
        async with httpx.AsyncClient(auth=auth) as http:
            first = await asyncio.gather(*(http.get(token_server.resource_url) for _ in range(5)))
            token_server.revoke()
            answer = await http.post(token_server.resource_url, content=b"the body")
            return answer, [r.status_code for r in first]

    answer, first = asyncio.run(scenario())
    assert first == [200] * 5
    assert answer.status_code == 200 and answer.json() == {"ok": True, "body": "the body"}
    assert [r.status_code for r in answer.history] == [401]
    assert token_server.count() == 2  # one for the five at once, one after the 401


def test_httpx_async_retries_only_once_and_raises_refusals(
    auth: IshareAuth, token_server: TokenServer
) -> None:
    token_server.refuse_all = True
    stranger = ishare_jwt.TokenClient(pki_signer("client-eori", JWT_CLIENT_ID))

    async def scenario() -> httpx.Response:
        async with httpx.AsyncClient(auth=auth) as http:
            answer = await http.get(token_server.resource_url)
            with pytest.raises(ishare_jwt.TokenEndpointError):
                await http.get(
                    token_server.resource_url,
                    auth=IshareAuth(stranger, SERVER_ID, token_server.token_url()),
                )
            return answer

    answer = asyncio.run(scenario())
    assert answer.status_code == 401 and [r.status_code for r in answer.history] == [401]
    assert token_server.count() == 3  # two for ours, one refused for the stranger
