"""Every shared vector of tests/vectors/vectors.json gets its verdict."""

from __future__ import annotations

from typing import Any

import pytest

import ishare_jwt

from support import class_name, load_vectors

VECTORS: list[dict[str, Any]] = load_vectors()["vectors"]


def test_there_are_vectors() -> None:
    assert len(VECTORS) >= 50
    assert any(v["expect"] == "valid" for v in VECTORS)


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_vector(vector: dict[str, Any]) -> None:
    setup = vector["verifier"]
    verifier = ishare_jwt.Verifier(
        setup["audience"], setup["trusted_roots"], leeway=setup.get("leeway", 0)
    )

    def verify() -> ishare_jwt.Assertion:
        return verifier.verify(vector["token"], now=setup["now"], client_id=setup.get("client_id"))

    expect = vector["expect"]
    if expect == "valid":
        assertion = verify()
        assert assertion.audience == setup["audience"]
        assert assertion.expires_at > assertion.issued_at
        return
    kind = expect["error"]
    with pytest.raises(ishare_jwt.IshareJwtError) as caught:
        verify()
    assert caught.value.kind == kind, f"{vector['name']}: {caught.value}"
    assert type(caught.value) is getattr(ishare_jwt, class_name(kind))
    assert str(caught.value)
