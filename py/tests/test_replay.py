"""Replay protection: a server SHALL NOT accept a JWT more than once."""

from __future__ import annotations

import pytest

import ishare_jwt

from support import CLIENT_ID, ROOT_SHA256, SERVER_ID, T0


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
