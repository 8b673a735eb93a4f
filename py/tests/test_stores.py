"""ishare_jwt.stores against a real redis-server (fixture ``redis_server``): replay
protection shared by processes, failing closed; access tokens shared by clients,
failing open."""

from __future__ import annotations

import hashlib
import json
import logging
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any, cast

import pytest
import redis
from cryptography.fernet import Fernet

import ishare_jwt
from ishare_jwt.stores import RedisReplayStore, RedisTokenStore

from redis_server import RedisServer
from support import CLIENT_ID, ROOT_SHA256, SERVER_ID
from token_server import TokenServer, scope_tag

# Replay: fail closed.


def test_verification_records_the_replay_key_until_replay_until(
    signer: ishare_jwt.Signer, redis_client: redis.Redis
) -> None:
    store = RedisReplayStore(redis_client)
    verifier = ishare_jwt.Verifier(SERVER_ID, [ROOT_SHA256], leeway=5, replay_store=store)
    assert verifier.replay_store is store
    token = signer.client_assertion(SERVER_ID)
    assertion = verifier.verify(token)
    now = time.time()

    digest = hashlib.sha256(f"{CLIENT_ID}\0{assertion.jti}".encode()).hexdigest()
    assert assertion.replay_key == digest
    assert assertion.replay_until == assertion.expires_at + 5
    key = f"ishare-jwt:replay:{digest}"
    assert redis_client.keys("*") == [key.encode()]
    assert redis_client.expiretime(key) == assertion.replay_until
    assert abs(redis_client.pttl(key) / 1000 - (assertion.replay_until - now)) <= 1

    with pytest.raises(ishare_jwt.ReplayError):
        verifier.verify(token)
    # Another verifier on the same store: a replay too.
    other = ishare_jwt.Verifier(SERVER_ID, [ROOT_SHA256], replay_store=store)
    with pytest.raises(ishare_jwt.ReplayError):
        other.verify(token)


def test_verify_jwt_records_too(signer: ishare_jwt.Signer, redis_client: redis.Redis) -> None:
    verifier = ishare_jwt.Verifier(
        SERVER_ID, [ROOT_SHA256], replay_store=RedisReplayStore(redis_client, prefix="p:")
    )
    verified = verifier.verify_jwt(signer.sign_jwt(SERVER_ID, {"x": 1}))
    assert redis_client.keys("*") == [f"p:replay:{verified.replay_key}".encode()]
    assert verified.replay_until == verified.expires_at


WORKER = """
import json, sys
import redis
import ishare_jwt
from ishare_jwt.stores import RedisReplayStore

port, root, server_id = sys.argv[1], sys.argv[2], sys.argv[3]
store = RedisReplayStore(redis.Redis(host="127.0.0.1", port=int(port)))
verifier = ishare_jwt.Verifier(server_id, [root], replay_store=store)
print("ready", flush=True)
tokens = json.loads(sys.stdin.readline())
accepted, replays, other = [], 0, []
for token in tokens:
    try:
        accepted.append(verifier.verify(token).jti)
    except ishare_jwt.ReplayError:
        replays += 1
    except Exception as error:
        other.append(repr(error))
print(json.dumps({"accepted": accepted, "replays": replays, "other": other}), flush=True)
"""


def test_four_processes_accept_each_token_once(
    signer: ishare_jwt.Signer,
    redis_server: RedisServer,
    redis_client: redis.Redis,
    tmp_path: Path,
) -> None:
    tokens = [signer.client_assertion(SERVER_ID, jti=f"shared-{i}") for i in range(50)]
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(redis_server.port), ROOT_SHA256, SERVER_ID],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=tmp_path,
            text=True,
        )
        for _ in range(4)
    ]
    try:
        for worker in workers:
            assert worker.stdout is not None
            assert worker.stdout.readline().strip() == "ready"
        # Every worker gets the tokens at once.
        line = json.dumps(tokens) + "\n"
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.write(line)
            worker.stdin.flush()
        results: list[dict[str, Any]] = []
        for worker in workers:
            out, _ = worker.communicate(timeout=120)
            assert worker.returncode == 0
            results.append(json.loads(out))
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()

    accepted = Counter(jti for result in results for jti in result["accepted"])
    assert accepted == Counter({f"shared-{i}": 1 for i in range(50)})
    assert sum(result["replays"] for result in results) == 150
    assert [result["other"] for result in results] == [[], [], [], []]
    assert len(redis_client.keys("ishare-jwt:replay:*")) == 50


def test_redis_down_refuses_and_back_up_accepts_once(
    signer: ishare_jwt.Signer, redis_server: RedisServer, redis_client: redis.Redis
) -> None:
    verifier = ishare_jwt.Verifier(
        SERVER_ID, [ROOT_SHA256], replay_store=RedisReplayStore(redis_client)
    )
    verifier.verify(signer.client_assertion(SERVER_ID))  # connected once
    token = signer.client_assertion(SERVER_ID)
    redis_server.stop()
    try:
        for _ in range(2):
            with pytest.raises(ishare_jwt.ReplayStoreError) as caught:
                verifier.verify(token)
            assert (caught.value.kind, caught.value.code) == ("replay_store", 36)
            assert "RedisReplayStore" in str(caught.value)
            assert isinstance(caught.value.__cause__, redis.RedisError)
    finally:
        redis_server.start()
    fresh = signer.client_assertion(SERVER_ID)
    verifier.verify(fresh)
    with pytest.raises(ishare_jwt.ReplayError):
        verifier.verify(fresh)


class DictStore:
    def __init__(self) -> None:
        self.seen: dict[str, int] = {}
        self.answer: Any = None

    def remember(self, key: str, until: int, now: int) -> bool:
        if self.answer is not None:
            if isinstance(self.answer, BaseException):
                raise self.answer
            return cast(bool, self.answer)
        if key in self.seen:
            return False
        self.seen[key] = until
        return True


def test_any_object_with_remember_is_a_replay_store(signer: ishare_jwt.Signer) -> None:
    store = DictStore()
    verifier = ishare_jwt.Verifier(SERVER_ID, [ROOT_SHA256], replay_store=store)
    token = signer.client_assertion(SERVER_ID)
    assertion = verifier.verify(token)
    assert store.seen == {assertion.replay_key: assertion.replay_until}
    with pytest.raises(ishare_jwt.ReplayError):
        verifier.verify(token)

    store.answer = OSError("disk on fire")
    with pytest.raises(ishare_jwt.ReplayStoreError, match="DictStore.*OSError: disk on fire"):
        verifier.verify(signer.client_assertion(SERVER_ID))
    store.answer = "yes"  # not a bool: refused too
    with pytest.raises(ishare_jwt.ReplayStoreError):
        verifier.verify(signer.client_assertion(SERVER_ID))
    store.answer = KeyboardInterrupt()  # not the store's failure: goes through
    with pytest.raises(KeyboardInterrupt):
        verifier.verify(signer.client_assertion(SERVER_ID))

    with pytest.raises(ishare_jwt.InvalidArgumentError):
        ishare_jwt.Verifier(
            SERVER_ID, [ROOT_SHA256], replay_protection=False, replay_store=DictStore()
        )


# Tokens: fail open.


def cache_key(signer: ishare_jwt.Signer, token_url: str) -> str:
    return ishare_jwt._native.TokenManager(signer).cache_key(SERVER_ID, token_url, "iSHARE")


def test_two_clients_share_one_token_encrypted(
    signer: ishare_jwt.Signer, token_server: TokenServer, redis_client: redis.Redis
) -> None:
    fernet = Fernet(Fernet.generate_key())
    store = RedisTokenStore(redis_client, cipher=fernet)
    url = token_server.token_url()
    first = ishare_jwt.TokenClient(signer, store=store)
    second = ishare_jwt.TokenClient(signer, store=store)

    token = first.access_token(SERVER_ID, url)
    assert second.access_token(SERVER_ID, url) == token
    assert token_server.count() == 1

    key = f"ishare-jwt:token:{cache_key(signer, url)}"
    assert redis_client.keys("*") == [key.encode()]  # the lock is gone
    raw = redis_client.get(key)
    assert isinstance(raw, bytes) and token.encode() not in raw
    stored = json.loads(fernet.decrypt(raw))
    assert stored == {"access_token": token, "token_type": "Bearer", "expires_at": stored["expires_at"]}
    assert redis_client.expiretime(key) == stored["expires_at"]
    assert abs(stored["expires_at"] - time.time() - 3600) <= 5

    # invalidate clears both caches: the next call fetches anew.
    second.invalidate(SERVER_ID, url)
    assert redis_client.get(key) is None
    assert second.access_token(SERVER_ID, url) != token
    assert token_server.count() == 2


def test_plain_store_holds_the_json_the_rust_crate_writes(
    signer: ishare_jwt.Signer, token_server: TokenServer, redis_client: redis.Redis
) -> None:
    url = token_server.token_url()
    token = ishare_jwt.TokenClient(signer, store=RedisTokenStore(redis_client)).access_token(
        SERVER_ID, url
    )
    raw = redis_client.get(f"ishare-jwt:token:{cache_key(signer, url)}")
    assert isinstance(raw, bytes)
    expires_at = json.loads(raw)["expires_at"]
    assert raw.decode() == (
        f'{{"access_token":"{token}","token_type":"Bearer","expires_at":{expires_at}}}'
    )


def test_waiters_take_the_lock_holders_token(
    signer: ishare_jwt.Signer, token_server: TokenServer, redis_client: redis.Redis
) -> None:
    store = RedisTokenStore(redis_client)
    url = token_server.token_url(hold="slow")
    gate = token_server.gate("slow")
    tokens: dict[str, str] = {}

    def fetch(name: str) -> None:
        tokens[name] = ishare_jwt.TokenClient(signer, store=store).access_token(SERVER_ID, url)

    holder = threading.Thread(target=fetch, args=("holder",))
    holder.start()
    assert gate.arrived.wait(30)
    waiter = threading.Thread(target=fetch, args=("waiter",))
    waiter.start()
    time.sleep(0.2)  # the waiter finds the lock taken (no timing asserted)
    gate.release.set()
    holder.join(30)
    waiter.join(30)
    assert tokens["holder"] == tokens["waiter"]
    assert token_server.count() == 1


def test_a_stuck_lock_costs_only_lock_timeout(
    signer: ishare_jwt.Signer, token_server: TokenServer, redis_client: redis.Redis
) -> None:
    url = token_server.token_url()
    redis_client.set(f"ishare-jwt:lock:{cache_key(signer, url)}", "someone else")
    client = ishare_jwt.TokenClient(signer, store=RedisTokenStore(redis_client, lock_timeout=0.3))
    assert client.access_token(SERVER_ID, url)
    assert token_server.count() == 1


def test_redis_down_fetches_directly_with_one_warning(
    signer: ishare_jwt.Signer,
    token_server: TokenServer,
    redis_server: RedisServer,
    redis_client: redis.Redis,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = ishare_jwt.TokenClient(signer, store=RedisTokenStore(redis_client))
    urls = [token_server.token_url(n=n) for n in range(3)]
    redis_server.stop()
    try:
        with caplog.at_level(logging.INFO, logger="ishare_jwt"):
            for url in urls:
                assert client.access_token(SERVER_ID, url)
            client.invalidate(SERVER_ID, urls[0])
    finally:
        redis_server.start()
    assert token_server.count() == 3
    warnings = [r for r in caplog.records if r.name == "ishare_jwt" and r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "RedisTokenStore" in warnings[0].getMessage()

    caplog.clear()
    with caplog.at_level(logging.INFO, logger="ishare_jwt"):
        assert client.access_token(SERVER_ID, token_server.token_url(n="after"))
    assert [r.getMessage() for r in caplog.records if r.name == "ishare_jwt"] == [
        "token store RedisTokenStore(prefix='ishare-jwt:', cipher=None, lock_timeout=10.0) "
        "answers again"
    ]
    assert len(redis_client.keys("ishare-jwt:token:*")) == 1


# More than one instance: a fleet of processes, each with its own TokenClient
# and the same RedisTokenStore config on the same Redis.

FLEET_WORKER = """
import json, sys
import redis
import ishare_jwt
from ishare_jwt.stores import RedisTokenStore

setup = json.loads(sys.stdin.readline())
signer = ishare_jwt.Signer.from_pem(setup["key"], setup["chain"], setup["client_id"])
store = RedisTokenStore(
    redis.Redis(host="127.0.0.1", port=setup["port"], socket_timeout=2.0,
                socket_connect_timeout=2.0),
    lock_timeout=30.0,
)
client = ishare_jwt.TokenClient(signer, store=store)
print("ready", flush=True)
sys.stdin.readline()  # "go": every worker starts at once
tokens, errors = [], []
for _ in range(setup["calls"]):
    try:
        tokens.append(client.access_token(setup["server_id"], setup["url"]))
    except Exception as error:
        errors.append(repr(error))
print(json.dumps({"tokens": tokens, "errors": errors}), flush=True)
"""

FLEET_PROCESSES = 8
FLEET_CALLS = 25


def run_fleet(
    key_pem: str, chain_pem: str, port: int, url: str, tmp_path: Path
) -> list[dict[str, Any]]:
    """FLEET_PROCESSES processes × FLEET_CALLS ``access_token`` calls, released
    together once every one is ready; their tokens and errors."""
    setup = json.dumps(
        {
            "key": key_pem,
            "chain": chain_pem,
            "client_id": CLIENT_ID,
            "server_id": SERVER_ID,
            "port": port,
            "url": url,
            "calls": FLEET_CALLS,
        }
    )
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", FLEET_WORKER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=tmp_path,
            text=True,
        )
        for _ in range(FLEET_PROCESSES)
    ]
    try:
        for worker in workers:
            assert worker.stdin is not None and worker.stdout is not None
            worker.stdin.write(setup + "\n")
            worker.stdin.flush()
        for worker in workers:
            assert worker.stdout is not None
            assert worker.stdout.readline().strip() == "ready"
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        results: list[dict[str, Any]] = []
        for worker in workers:
            out, err = worker.communicate(timeout=120)
            assert worker.returncode == 0, err
            assert "Traceback" not in err, err
            results.append(json.loads(out))
        return results
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()


def test_a_fleet_of_processes_makes_one_token_request(
    key_pem: str,
    chain_pem: str,
    token_server: TokenServer,
    redis_server: RedisServer,
    redis_client: redis.Redis,
    tmp_path: Path,
) -> None:
    url = token_server.token_url()
    results = run_fleet(key_pem, chain_pem, redis_server.port, url, tmp_path)

    assert [result["errors"] for result in results] == [[]] * FLEET_PROCESSES
    tokens = Counter(token for result in results for token in result["tokens"])
    assert token_server.count() == 1
    assert tokens == Counter({token_server.issued[0]: FLEET_PROCESSES * FLEET_CALLS})
    assert redis_client.keys("ishare-jwt:lock:*") == []
    assert redis_client.keys("ishare-jwt:token:*") == [
        f"ishare-jwt:token:{cache_key_of(key_pem, chain_pem, url)}".encode()
    ]


def test_a_fleet_without_redis_gets_tokens_one_request_per_process(
    key_pem: str,
    chain_pem: str,
    token_server: TokenServer,
    redis_server: RedisServer,
    redis_client: redis.Redis,
    tmp_path: Path,
) -> None:
    url = token_server.token_url()
    port = redis_server.port
    redis_server.stop()
    try:
        results = run_fleet(key_pem, chain_pem, port, url, tmp_path)
    finally:
        redis_server.start()

    assert [result["errors"] for result in results] == [[]] * FLEET_PROCESSES
    # Each process fetched once, then answered from its own cache.
    assert token_server.count() == FLEET_PROCESSES
    for result in results:
        assert len(result["tokens"]) == FLEET_CALLS
        assert len(set(result["tokens"])) == 1
    assert {result["tokens"][0] for result in results} == set(token_server.issued)
    assert len(token_server.issued) == FLEET_PROCESSES


def cache_key_of(key_pem: str, chain_pem: str, token_url: str) -> str:
    signer = ishare_jwt.Signer.from_pem(key_pem, chain_pem, CLIENT_ID)
    return cache_key(signer, token_url)


@pytest.mark.parametrize("clients", ["one shared client", "a client per thread"])
def test_concurrent_scopes_never_get_each_others_token(
    signer: ishare_jwt.Signer,
    token_server: TokenServer,
    redis_client: redis.Redis,
    clients: str,
) -> None:
    # Duende's token management once handed a token of one scope to a caller
    # asking for another, under concurrency.
    store = RedisTokenStore(redis_client, lock_timeout=30.0)
    shared = ishare_jwt.TokenClient(signer, store=store)
    url = token_server.token_url()
    scopes = ["iSHARE", "iSHARE extra"]
    threads_per_scope = 8
    start = threading.Barrier(threads_per_scope * len(scopes), timeout=30)
    got: list[tuple[str, str]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def call(scope: str) -> None:
        try:
            client = shared if clients == "one shared client" else ishare_jwt.TokenClient(
                signer, store=store
            )
            start.wait()
            for _ in range(5):
                token = client.access_token(SERVER_ID, url, scope=scope)
                with lock:
                    got.append((scope, token))
        except BaseException as error:  # reported below, with the thread's scope
            with lock:
                errors.append(error)

    threads = [
        threading.Thread(target=call, args=(scope,))
        for _ in range(threads_per_scope)
        for scope in scopes
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert len(got) == threads_per_scope * len(scopes) * 5

    issued = {
        scope: [t for t in token_server.issued if t.endswith("-" + scope_tag(scope))]
        for scope in scopes
    }
    assert {scope: len(tokens) for scope, tokens in issued.items()} == {s: 1 for s in scopes}
    assert token_server.count() == len(scopes)
    for scope, token in got:
        assert token == issued[scope][0], (scope, token)


# Across languages: the Rust store (redis/, example verify_once) and this one
# keep the same key, so each refuses the other's replays.


def rust_verify_once(redis_server: RedisServer, token: str) -> str:
    """The Rust store's verdict on `token` (one line: accepted / error)."""
    import os

    binary = os.environ.get("ISHARE_REDIS_VERIFY_ONCE")
    if not binary:
        if os.environ.get("CI") == "true":
            pytest.fail("ISHARE_REDIS_VERIFY_ONCE is not set (scripts/test-python builds it)")
        pytest.skip("LOUD SKIP: the Rust verify_once example was not built (scripts/test-python builds it)")
    result = subprocess.run(
        [binary, f"redis://127.0.0.1:{redis_server.port}/", SERVER_ID, ROOT_SHA256,
         str(int(time.time())), token],
        capture_output=True, text=True, timeout=60, check=False,
    )
    return result.stdout.strip() or result.stderr.strip()


def test_a_python_and_a_rust_verifier_refuse_each_others_replays(
    signer: ishare_jwt.Signer, redis_server: RedisServer, redis_client: redis.Redis
) -> None:
    python = ishare_jwt.Verifier(SERVER_ID, [ROOT_SHA256], replay_store=RedisReplayStore(redis_client))
    first = signer.client_assertion(SERVER_ID)
    assertion = python.verify(first)
    assert rust_verify_once(redis_server, first).startswith("error: replay: ")

    second = signer.client_assertion(SERVER_ID)
    verdict = rust_verify_once(redis_server, second)
    assert verdict.startswith("accepted "), verdict
    with pytest.raises(ishare_jwt.ReplayError):
        python.verify(second)
    # The Rust side names the same key this side computes.
    second_jti = json.loads(base64_claims(second))["jti"]
    expected = hashlib.sha256(f"{CLIENT_ID}\0{second_jti}".encode()).hexdigest()
    assert verdict == f"accepted {expected}"
    assert assertion.replay_key != expected


def base64_claims(token: str) -> str:
    import base64

    claims = token.split(".")[1]
    return base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)).decode()
