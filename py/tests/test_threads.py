"""One signer and one verifier shared by many threads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

import ishare_jwt

from support import CLIENT_ID, SERVER_ID, T0

THREADS = 8


def test_shared_signer_and_verifier(
    signer: ishare_jwt.Signer, verifier: ishare_jwt.Verifier
) -> None:
    with ThreadPoolExecutor(THREADS) as pool:
        tokens = list(pool.map(lambda _: signer.client_assertion(SERVER_ID, now=T0), range(64)))
        assert len(set(tokens)) == 64
        accepted = list(
            pool.map(lambda t: verifier.verify(t, now=T0 + 1, client_id=CLIENT_ID), tokens)
        )
    assert len({a.jti for a in accepted}) == 64

    def replayed(token: str) -> str:
        with pytest.raises(ishare_jwt.IshareJwtError) as caught:
            verifier.verify(token, now=T0 + 2)
        return caught.value.kind

    with ThreadPoolExecutor(THREADS) as pool:
        assert set(pool.map(replayed, tokens)) == {"replay"}


def test_concurrent_replays_accept_exactly_once(
    signer: ishare_jwt.Signer, verifier: ishare_jwt.Verifier
) -> None:
    for round_ in range(5):
        token = signer.client_assertion(SERVER_ID, now=T0, jti=f"race-{round_}")

        def attempt(_: int, token: str = token) -> str:
            try:
                verifier.verify(token, now=T0)
                return "accepted"
            except ishare_jwt.ReplayError:
                return "replay"

        with ThreadPoolExecutor(THREADS) as pool:
            outcomes = list(pool.map(attempt, range(THREADS * 2)))
        assert outcomes.count("accepted") == 1
        assert outcomes.count("replay") == THREADS * 2 - 1


def test_errors_from_many_threads(verifier: ishare_jwt.Verifier) -> None:
    def kind(token: str) -> str:
        try:
            verifier.verify(token, now=T0)
        except ishare_jwt.IshareJwtError as error:
            return error.kind
        return "accepted"

    with ThreadPoolExecutor(THREADS) as pool:
        assert set(pool.map(kind, ["a.b.c", "", "x" * 100] * 20)) == {"malformed"}
