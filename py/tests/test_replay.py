"""Replay protection: a server SHALL NOT accept a JWT more than once."""

from __future__ import annotations

import pytest

import ishare_jwt

from support import CLIENT_ID, ROOT_SHA256, SERVER_ID, T0, vector_text


def test_second_use_is_refused(signer: ishare_jwt.Signer, verifier: ishare_jwt.Verifier) -> None:
    token = signer.client_assertion(SERVER_ID, now=T0, jti="once")
    verifier.verify(token, now=T0)
    with pytest.raises(ishare_jwt.ReplayError) as caught:
        verifier.verify(token, now=T0 + 1)
    assert (caught.value.kind, caught.value.code) == ("replay", 18)
    assert "once" in str(caught.value) and CLIENT_ID in str(caught.value)


def test_same_jti_in_a_new_token_is_refused(
    signer: ishare_jwt.Signer, verifier: ishare_jwt.Verifier
) -> None:
    verifier.verify(signer.client_assertion(SERVER_ID, now=T0, jti="j"), now=T0 + 2)
    with pytest.raises(ishare_jwt.ReplayError):
        verifier.verify(signer.client_assertion(SERVER_ID, now=T0 + 1, jti="j"), now=T0 + 2)


def test_refused_token_is_not_remembered(
    signer: ishare_jwt.Signer, verifier: ishare_jwt.Verifier
) -> None:
    token = signer.client_assertion(SERVER_ID, now=T0)
    with pytest.raises(ishare_jwt.ClientIdMismatchError):
        verifier.verify(token, now=T0, client_id="EU.EORI.NL000000002")
    verifier.verify(token, now=T0, client_id=CLIENT_ID)


def test_each_verifier_has_its_own_cache(signer: ishare_jwt.Signer) -> None:
    token = signer.client_assertion(SERVER_ID, now=T0)
    ishare_jwt.Verifier(SERVER_ID, [ROOT_SHA256]).verify(token, now=T0)
    ishare_jwt.Verifier(SERVER_ID, [ROOT_SHA256]).verify(token, now=T0)


def test_replay_protection_can_be_turned_off(signer: ishare_jwt.Signer) -> None:
    verifier = ishare_jwt.Verifier(SERVER_ID, [ROOT_SHA256], replay_protection=False)
    assert verifier.replay_protection is False
    assert "replay_protection=False" in repr(verifier)
    token = signer.client_assertion(SERVER_ID, now=T0)
    for _ in range(3):
        verifier.verify(token, now=T0)


# The replay cache's two bounds: all tokens, and one issuer's share of them.

CLIENT_DID = "did:ishare:EU.NL.NTRNL-10000001"


@pytest.fixture(scope="module")
def did_signer() -> ishare_jwt.Signer:
    """A second issuer (iSHARE 2.1 id) from the same test PKI."""
    return ishare_jwt.Signer.from_pem(
        vector_text("client-did.key.pem"), vector_text("client-did.chain.pem"), CLIENT_DID
    )


def test_one_issuer_fills_its_share_another_gets_in(
    signer: ishare_jwt.Signer, did_signer: ishare_jwt.Signer
) -> None:
    # 10 tokens in all, 2 (= floor(10 * 0.2)) of one issuer.
    verifier = ishare_jwt.Verifier(
        SERVER_ID, [ROOT_SHA256], replay_capacity=10, replay_issuer_share=0.2
    )
    for jti in ("eori-1", "eori-2"):
        verifier.verify(signer.client_assertion(SERVER_ID, now=T0, jti=jti), now=T0)
    with pytest.raises(ishare_jwt.ReplayCacheFullError) as caught:
        verifier.verify(signer.client_assertion(SERVER_ID, now=T0, jti="eori-3"), now=T0)
    assert (caught.value.kind, caught.value.code) == ("replay_cache_full", 19)
    assert f'"{CLIENT_ID}" holds its whole share' in str(caught.value)
    assert "whole share (2 unexpired tokens)" in str(caught.value)
    # The cache holds 2 of 10: the other issuer is not locked out...
    for jti in ("did-1", "did-2"):
        verifier.verify(did_signer.client_assertion(SERVER_ID, now=T0, jti=jti), now=T0)
    # ...but has a share of its own.
    with pytest.raises(ishare_jwt.ReplayCacheFullError, match=CLIENT_DID):
        verifier.verify(did_signer.client_assertion(SERVER_ID, now=T0, jti="did-3"), now=T0)
    # Tokens of T0 are refused from T0 + 30 (exp) on, leave the cache then, and
    # free their issuer's share.
    verifier.verify(signer.client_assertion(SERVER_ID, now=T0 + 30, jti="eori-4"), now=T0 + 30)


def test_a_full_cache_refuses_every_issuer(
    signer: ishare_jwt.Signer, did_signer: ishare_jwt.Signer
) -> None:
    verifier = ishare_jwt.Verifier(
        SERVER_ID, [ROOT_SHA256], replay_capacity=2, replay_issuer_share=1.0
    )
    for jti in ("eori-1", "eori-2"):
        verifier.verify(signer.client_assertion(SERVER_ID, now=T0, jti=jti), now=T0)
    with pytest.raises(
        ishare_jwt.ReplayCacheFullError, match=r"2 unexpired tokens are remembered"
    ):
        verifier.verify(did_signer.client_assertion(SERVER_ID, now=T0), now=T0)


@pytest.mark.parametrize(
    ("capacity", "share", "message"),
    [
        (0, 0.1, "replay cache capacity must be 1 to 10000000, got 0"),
        (10_000_001, 0.1, "replay cache capacity must be 1 to 10000000, got 10000001"),
        (-1, 0.1, "replay_capacity must be a non-negative number, got -1"),
        (10, 0.0, "replay issuer share must be more than 0 and at most 1, got 0"),
        (10, -0.5, "replay issuer share must be more than 0 and at most 1"),
        (10, 1.5, "replay issuer share must be more than 0 and at most 1, got 1.5"),
        (10, float("nan"), "replay issuer share must be more than 0 and at most 1, got NaN"),
        (10, float("inf"), "replay issuer share must be more than 0 and at most 1, got inf"),
    ],
)
@pytest.mark.parametrize("replay_protection", [True, False])
def test_replay_limits_out_of_range_are_refused(
    capacity: int, share: float, message: str, replay_protection: bool
) -> None:
    with pytest.raises(ishare_jwt.InvalidArgumentError) as caught:
        ishare_jwt.Verifier(
            SERVER_ID,
            [ROOT_SHA256],
            replay_protection=replay_protection,
            replay_capacity=capacity,
            replay_issuer_share=share,
        )
    assert message in str(caught.value)


def test_replay_limits_are_shown() -> None:
    default = ishare_jwt.Verifier(SERVER_ID, [ROOT_SHA256])
    assert (default.replay_capacity, default.replay_issuer_share) == (100_000, 0.1)
    assert "replay_capacity=100000, replay_issuer_share=0.1" in repr(default)
    small = ishare_jwt.Verifier(SERVER_ID, [ROOT_SHA256], replay_capacity=7, replay_issuer_share=1)
    assert (small.replay_capacity, small.replay_issuer_share) == (7, 1.0)
    assert "replay_capacity=7, replay_issuer_share=1.0" in repr(small)
