"""TokenClient against the test token endpoint: caching, single flight per key,
renewal, refusals, network failures; over urllib, requests and httpx."""

from __future__ import annotations

import asyncio
import pickle
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import requests

import ishare_jwt

from support import JWT_CLIENT_ID, SERVER_ID, pki_signer
from token_server import TokenServer

#: Bound for anything that should happen at once; a failure, not a measurement.
PATIENCE = 10.0


@pytest.fixture(params=["urllib", "requests", "httpx"])
def session(request: pytest.FixtureRequest) -> Iterator[Any]:
    """No session (urllib), a requests.Session or an httpx.Client."""
    if request.param == "urllib":
        yield None
    elif request.param == "requests":
        with requests.Session() as session:
            yield session
    else:
        with httpx.Client() as client:
            yield client


@pytest.fixture
def client(signer: ishare_jwt.Signer, session: Any) -> ishare_jwt.TokenClient:
    return ishare_jwt.TokenClient(signer, session=session)


def in_thread(target: Any, *args: Any) -> tuple[threading.Thread, dict[str, Any]]:
    """Runs target(*args) in a started thread; the dict gets "result" or "error"."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = target(*args)
        except Exception as error:
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def waiting_for_a_flight(thread: threading.Thread) -> bool:
    """Whether `thread` waits inside TokenClient.access_token for another
    caller's request (its innermost frame is in threading, under access_token)."""
    frame = sys._current_frames().get(thread.ident or -1)
    if frame is None or not frame.f_code.co_filename.endswith("threading.py"):
        return False
    while frame is not None:
        if frame.f_code.co_name == "access_token":
            return True
        frame = frame.f_back
    return False


def until_waiting(threads: list[threading.Thread], count: int) -> bool:
    """Polls until `count` of `threads` wait for a flight; False after PATIENCE."""
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        if sum(waiting_for_a_flight(t) for t in threads) >= count:
            return True
        time.sleep(0.01)
    return False


def test_a_hundred_calls_make_one_request(
    client: ishare_jwt.TokenClient, token_server: TokenServer
) -> None:
    url = token_server.token_url()
    tokens = {client.access_token(SERVER_ID, url) for _ in range(100)}
    assert token_server.count() == 1
    assert tokens == set(token_server.issued)


def test_sixteen_threads_at_once_make_one_request(
    client: ishare_jwt.TokenClient, token_server: TokenServer
) -> None:
    url = token_server.token_url(hold="first")
    gate = token_server.gate("first")
    barrier = threading.Barrier(16)

    def call() -> str:
        barrier.wait()
        return client.access_token(SERVER_ID, url)

    threads = [in_thread(call) for _ in range(16)]
    assert gate.arrived.wait(PATIENCE)
    # The one request is held; the fifteen others wait for it, not the network.
    assert until_waiting([thread for thread, _ in threads], 15)
    gate.release.set()
    for thread, _ in threads:
        thread.join(PATIENCE)
    outcomes = [outcome for _, outcome in threads]
    assert all("result" in outcome for outcome in outcomes), outcomes
    assert {outcome["result"] for outcome in outcomes} == set(token_server.issued)
    assert token_server.count() == 1


def test_keys_do_not_wait_for_each_other(
    client: ishare_jwt.TokenClient, token_server: TokenServer
) -> None:
    slow_url, quick_url = token_server.token_url(hold="slow"), token_server.token_url()
    gate = token_server.gate("slow")
    slow, slow_outcome = in_thread(client.access_token, SERVER_ID, slow_url)
    assert gate.arrived.wait(PATIENCE)  # the slow key's request is in flight ...
    quick, quick_outcome = in_thread(client.access_token, SERVER_ID, quick_url)
    quick.join(PATIENCE)
    assert "result" in quick_outcome, quick_outcome  # ... and the other key still answers
    assert slow_outcome == {}  # before the slow one
    gate.release.set()
    slow.join(PATIENCE)
    assert "result" in slow_outcome, slow_outcome
    assert slow_outcome["result"] != quick_outcome["result"]
    assert (token_server.count(slow_url), token_server.count(quick_url)) == (1, 1)


def test_the_waiters_share_the_error(
    client: ishare_jwt.TokenClient, token_server: TokenServer
) -> None:
    url = token_server.token_url(hold="failing", fail=500)
    gate = token_server.gate("failing")
    first = in_thread(client.access_token, SERVER_ID, url)
    assert gate.arrived.wait(PATIENCE)
    others = [in_thread(client.access_token, SERVER_ID, url) for _ in range(3)]
    assert until_waiting([thread for thread, _ in others], 3)
    gate.release.set()
    for thread, _ in [first, *others]:
        thread.join(PATIENCE)
    leader_error = first[1].get("error")
    assert isinstance(leader_error, ishare_jwt.TokenEndpointError), first[1]
    assert leader_error.status == 500
    for _, outcome in others:
        error = outcome.get("error")
        # A copy of the leader's (each thread raises its own object), caused by it.
        assert type(error) is ishare_jwt.TokenEndpointError and error is not leader_error
        assert error.__cause__ is leader_error and error.status == 500
    assert token_server.count() == 1


@pytest.mark.parametrize(
    "refresh_before,expires_in,requests_for_two_calls",
    [(60, 60, 2), (120, 100, 2), (60, 3600, 1), (0, 60, 1)],
)
def test_renewed_within_refresh_before_of_expiry(
    signer: ishare_jwt.Signer,
    token_server: TokenServer,
    refresh_before: int,
    expires_in: int,
    requests_for_two_calls: int,
) -> None:
    client = ishare_jwt.TokenClient(signer, refresh_before=refresh_before)
    url = token_server.token_url(expires_in=expires_in)
    tokens = {client.access_token(SERVER_ID, url) for _ in range(2)}
    assert token_server.count() == requests_for_two_calls
    assert len(tokens) == requests_for_two_calls


def test_a_refusal_is_a_token_endpoint_error_and_nothing_is_cached(
    session: Any, token_server: TokenServer
) -> None:
    # A client of another PKI: the endpoint's verifier does not trust its chain.
    stranger = ishare_jwt.TokenClient(pki_signer("client-eori", JWT_CLIENT_ID), session=session)
    url = token_server.token_url()
    for attempt in (1, 2):
        with pytest.raises(ishare_jwt.TokenEndpointError) as caught:
            stranger.access_token(SERVER_ID, url)
        refusal = caught.value
        assert isinstance(refusal, ishare_jwt.IshareJwtError)
        assert (refusal.kind, refusal.code) == ("token_endpoint", 33)
        assert (refusal.status, refusal.error) == (400, "invalid_client")
        assert refusal.error_description is not None
        assert refusal.error_description.startswith("untrusted_chain: ")
        assert "invalid_client" in str(refusal) and "400" in str(refusal)
        assert token_server.count() == attempt


def test_a_server_error_without_json(
    client: ishare_jwt.TokenClient, token_server: TokenServer
) -> None:
    with pytest.raises(ishare_jwt.TokenEndpointError) as caught:
        client.access_token(SERVER_ID, token_server.token_url(fail=500))
    assert (caught.value.status, caught.value.error, caught.value.error_description) == (
        500,
        None,
        None,
    )


def test_a_200_that_is_no_token_response(
    client: ishare_jwt.TokenClient, token_server: TokenServer
) -> None:
    with pytest.raises(ishare_jwt.InvalidResponseError, match="access_token"):
        client.access_token(SERVER_ID, token_server.token_url(fail=200))


def test_token_endpoint_errors_pickle_with_their_fields(
    client: ishare_jwt.TokenClient, token_server: TokenServer
) -> None:
    with pytest.raises(ishare_jwt.TokenEndpointError) as caught:
        client.access_token(SERVER_ID, token_server.token_url(fail=500))
    copy = pickle.loads(pickle.dumps(caught.value))
    assert type(copy) is ishare_jwt.TokenEndpointError and str(copy) == str(caught.value)
    assert (copy.status, copy.error, copy.error_description) == (500, None, None)


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_server_down_is_a_network_error(signer: ishare_jwt.Signer, session: Any) -> None:
    client = ishare_jwt.TokenClient(signer, timeout=2.0, session=session)
    url = f"http://127.0.0.1:{free_port()}/connect/token"
    started = time.monotonic()
    with pytest.raises(ishare_jwt.NetworkError) as caught:
        client.access_token(SERVER_ID, url)
    assert time.monotonic() - started < 2.0 + PATIENCE
    assert isinstance(caught.value, ishare_jwt.IshareJwtError)
    assert (caught.value.kind, caught.value.code) == ("network", 34)
    assert url in str(caught.value)


def test_a_slow_answer_is_a_network_error_within_the_timeout(
    signer: ishare_jwt.Signer, session: Any, token_server: TokenServer
) -> None:
    client = ishare_jwt.TokenClient(signer, timeout=0.5, session=session)
    url = token_server.token_url(hold="never")
    started = time.monotonic()
    with pytest.raises(ishare_jwt.NetworkError, match="(?i)timed? ?out"):
        client.access_token(SERVER_ID, url)
    assert time.monotonic() - started < 0.5 + PATIENCE
    assert token_server.gate("never").arrived.is_set()
    token_server.gate("never").release.set()
    assert client._cached_token(SERVER_ID, url, "iSHARE") is None


def test_invalidate_forgets_the_token(
    client: ishare_jwt.TokenClient, token_server: TokenServer
) -> None:
    url = token_server.token_url()
    first = client.access_token(SERVER_ID, url)
    client.invalidate(SERVER_ID, url)
    second = client.access_token(SERVER_ID, url)
    assert first != second and token_server.count() == 2
    assert client.access_token(SERVER_ID, url) == second and token_server.count() == 2


def test_the_scope_is_part_of_the_key(
    client: ishare_jwt.TokenClient, token_server: TokenServer
) -> None:
    url = token_server.token_url()
    ishare = client.access_token(SERVER_ID, url)
    other = client.access_token(SERVER_ID, url, scope="iSHARE delegation")
    assert ishare != other and token_server.count() == 2
    assert client.access_token(SERVER_ID, url, scope="iSHARE delegation") == other
    assert token_server.count() == 2


def test_arguments(signer: ishare_jwt.Signer) -> None:
    for timeout in (0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ishare_jwt.InvalidArgumentError, match="timeout"):
            ishare_jwt.TokenClient(signer, timeout=timeout)
    with pytest.raises(TypeError, match="timeout"):
        ishare_jwt.TokenClient(signer, timeout="10")  # type: ignore[arg-type]
    with pytest.raises(ishare_jwt.InvalidArgumentError, match="refresh_before"):
        ishare_jwt.TokenClient(signer, refresh_before=-1)
    with pytest.raises(ishare_jwt.InvalidArgumentError, match="refresh_before"):
        ishare_jwt.TokenClient(signer, refresh_before=86_401)
    with pytest.raises(TypeError, match="session"):
        ishare_jwt.TokenClient(signer, session=object())
    asynchronous = httpx.AsyncClient()
    try:
        with pytest.raises(TypeError, match="session"):
            ishare_jwt.TokenClient(signer, session=asynchronous)
    finally:
        asyncio.run(asynchronous.aclose())


def test_token_url_is_checked_by_the_core(signer: ishare_jwt.Signer) -> None:
    client = ishare_jwt.TokenClient(signer)
    with pytest.raises(ishare_jwt.InvalidArgumentError, match="token URL"):
        client.access_token(SERVER_ID, "ftp://server.example/connect/token")


def test_repr_names_the_client_never_a_token(
    client: ishare_jwt.TokenClient, token_server: TokenServer
) -> None:
    client.access_token(SERVER_ID, token_server.token_url())
    assert repr(client).startswith("TokenClient(TokenManager(client_id=")
    assert "at-" not in repr(client)  # never a token


def test_importing_ishare_jwt_imports_neither_requests_nor_httpx() -> None:
    code = (
        "import sys, ishare_jwt, ishare_jwt.oauth\n"
        "assert 'requests' not in sys.modules and 'httpx' not in sys.modules, sorted(sys.modules)\n"
        "ishare_jwt.TokenClient\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd="/")


def test_ishare_jwt_auth_imports_without_requests_and_httpx() -> None:
    code = (
        "import sys\n"
        "sys.modules['requests'] = None\n"
        "sys.modules['httpx'] = None\n"
        "from ishare_jwt.auth import IshareAuth\n"
        "assert IshareAuth.__mro__[1].__module__ == 'ishare_jwt.auth'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd="/")
