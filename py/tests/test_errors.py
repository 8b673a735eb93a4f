"""The error model: one class per core kind, useful messages, no bare errors."""

from __future__ import annotations

import ast
import pickle
from pathlib import Path
from typing import Any, Callable

import pytest

import ishare_jwt

from support import CLIENT_ID, ROOT_SHA256, SERVER_ID, T0, VECTORS, class_name, vector_text


def stub_classes() -> dict[str, list[str]]:
    """Class name -> base names, as the installed ``_native.pyi`` declares them."""
    stub = Path(ishare_jwt.__file__).parent / "_native.pyi"
    tree = ast.parse(stub.read_text(encoding="utf-8"))
    return {
        node.name: [base.id for base in node.bases if isinstance(base, ast.Name)]
        for node in tree.body
        if isinstance(node, ast.ClassDef)
    }


def test_error_kinds_table() -> None:
    codes = [code for code, _ in ishare_jwt.ERROR_KINDS]
    assert codes == sorted(set(codes)) and codes[0] == 1
    kinds = {kind: code for code, kind in ishare_jwt.ERROR_KINDS}
    for kind in ("malformed", "signature", "expired", "replay", "internal"):
        assert kind in kinds


@pytest.mark.parametrize("code,kind", ishare_jwt.ERROR_KINDS)
def test_every_kind_has_its_class(code: int, kind: str) -> None:
    name = class_name(kind)
    cls = getattr(ishare_jwt, name)
    assert issubclass(cls, ishare_jwt.IshareJwtError)
    assert (cls.kind, cls.code) == (kind, code)
    assert cls.__module__ == "ishare_jwt" and cls.__name__ == name
    assert name in ishare_jwt.__all__
    assert stub_classes().get(name) == ["IshareJwtError"], f"{name} missing from _native.pyi"


def test_stub_lists_no_extra_error_class() -> None:
    declared = {name for name, bases in stub_classes().items() if bases == ["IshareJwtError"]}
    assert declared == {class_name(kind) for _, kind in ishare_jwt.ERROR_KINDS}
    assert stub_classes()["IshareJwtError"] == ["Exception"]


def test_base_is_an_exception_only() -> None:
    assert ishare_jwt.IshareJwtError.__mro__[1:] == (Exception, BaseException, object)
    assert not issubclass(ishare_jwt.IshareJwtError, (ValueError, RuntimeError))


def test_errors_pickle(verifier: ishare_jwt.Verifier) -> None:
    with pytest.raises(ishare_jwt.MalformedError) as caught:
        verifier.verify("a.b", now=T0)
    copy = pickle.loads(pickle.dumps(caught.value))
    assert type(copy) is ishare_jwt.MalformedError and str(copy) == str(caught.value)


def test_default_scope_matches_the_signature(signer: ishare_jwt.Signer) -> None:
    assert signer.token_request(SERVER_ID)["scope"] == ishare_jwt.DEFAULT_SCOPE


def raises(error: type[ishare_jwt.IshareJwtError], call: Callable[[], Any], *words: str) -> str:
    """Runs `call`, checks it raises exactly `error` naming `words`; returns the message."""
    with pytest.raises(ishare_jwt.IshareJwtError) as caught:
        call()
    assert type(caught.value) is error, f"{type(caught.value).__name__}: {caught.value}"
    message = str(caught.value)
    for word in words:
        assert word in message, message
    assert "PRIVATE KEY" not in message
    return message


def test_garbage_pem(chain_pem: str, key_pem: str) -> None:
    raises(
        ishare_jwt.InvalidKeyError,
        lambda: ishare_jwt.Signer.from_pem("garbage", chain_pem, CLIENT_ID),
        "private key",
    )
    raises(
        ishare_jwt.InvalidCertificateError,
        lambda: ishare_jwt.Signer.from_pem(key_pem, "garbage", CLIENT_ID),
        "certificate",
    )
    raises(
        ishare_jwt.InvalidCertificateError,
        lambda: ishare_jwt.Signer.from_pem(key_pem, "", CLIENT_ID),
    )
    raises(
        ishare_jwt.InvalidKeyError,
        lambda: ishare_jwt.Signer.from_pem(b"\xff\xfe", chain_pem, CLIENT_ID),
        "UTF-8",
    )
    raises(
        ishare_jwt.InvalidCertificateError,
        lambda: ishare_jwt.Signer.from_pem(key_pem, b"\x80", CLIENT_ID),
        "UTF-8",
    )


def test_certificate_passed_as_key(chain_pem: str) -> None:
    raises(
        ishare_jwt.InvalidKeyError,
        lambda: ishare_jwt.Signer.from_pem(chain_pem, chain_pem, CLIENT_ID),
    )


def test_key_of_another_party(chain_pem: str) -> None:
    other_key = vector_text("server-eori.key.pem")
    raises(
        ishare_jwt.KeyMismatchError,
        lambda: ishare_jwt.Signer.from_pem(other_key, chain_pem, CLIENT_ID),
    )


def test_wrong_client_id(key_pem: str, chain_pem: str) -> None:
    raises(
        ishare_jwt.PartyIdMismatchError,
        lambda: ishare_jwt.Signer.from_pem(key_pem, chain_pem, "EU.EORI.NL000000002"),
        "EU.EORI.NL000000002",
    )
    raises(
        ishare_jwt.InvalidPartyIdError,
        lambda: ishare_jwt.Signer.from_pem(key_pem, chain_pem, "nobody"),
        "nobody",
    )


def test_weak_key() -> None:
    raises(
        ishare_jwt.WeakKeyError,
        lambda: ishare_jwt.Signer.from_files(
            VECTORS / "client-1024.key.pem",
            VECTORS / "client-1024.chain.pem",
            "EU.EORI.NL000000004",
        ),
        "2048",
    )


def test_missing_file() -> None:
    with pytest.raises(FileNotFoundError) as caught:
        ishare_jwt.Signer.from_files(
            VECTORS / "no-such.pem", VECTORS / "client-eori.chain.pem", CLIENT_ID
        )
    assert caught.value.filename == str(VECTORS / "no-such.pem")


def test_huge_inputs(
    signer: ishare_jwt.Signer, verifier: ishare_jwt.Verifier, chain_pem: str
) -> None:
    huge = "a" * (16 * 1024 * 1024)
    raises(
        ishare_jwt.TooLargeError,
        lambda: verifier.verify(f"{huge}.{huge}.{huge}", now=T0),
        "token",
        "limit",
    )
    raises(ishare_jwt.TooLargeError, lambda: ishare_jwt.Signer.from_pem(huge, chain_pem, CLIENT_ID))
    raises(
        ishare_jwt.TooLargeError,
        lambda: ishare_jwt.Verifier(SERVER_ID, [f"-----BEGIN CERTIFICATE-----\n{huge}"]),
    )


def test_huge_pem_file(tmp_path: Path, chain_pem: str) -> None:
    big = tmp_path / "big.pem"
    big.write_bytes(b"-" * (8 * 1024 * 1024))
    raises(
        ishare_jwt.TooLargeError,
        lambda: ishare_jwt.Signer.from_files(big, VECTORS / "client-eori.chain.pem", CLIENT_ID),
    )


@pytest.mark.parametrize(
    "token,error",
    [
        ("", ishare_jwt.MalformedError),
        ("not a token", ishare_jwt.MalformedError),
        ("a.b.c.d", ishare_jwt.MalformedError),
        ("\x00.\x00.\x00", ishare_jwt.MalformedError),
        ("é.é.é", ishare_jwt.MalformedError),
    ],
)
def test_garbage_tokens(
    verifier: ishare_jwt.Verifier, token: str, error: type[ishare_jwt.IshareJwtError]
) -> None:
    raises(error, lambda: verifier.verify(token, now=T0))


def test_bad_verifier_arguments() -> None:
    raises(
        ishare_jwt.InvalidTrustAnchorError,
        lambda: ishare_jwt.Verifier(SERVER_ID, ["not a root"]),
        "fingerprint",
    )
    raises(
        ishare_jwt.InvalidTrustAnchorError,
        lambda: ishare_jwt.Verifier(SERVER_ID, []),
        "trusted root",
    )
    raises(
        ishare_jwt.InvalidPartyIdError,
        lambda: ishare_jwt.Verifier("server", [ROOT_SHA256]),
        "server",
    )
    raises(
        ishare_jwt.InvalidArgumentError,
        lambda: ishare_jwt.Verifier(SERVER_ID, [ROOT_SHA256], leeway=-1),
        "leeway",
    )
    raises(
        ishare_jwt.InvalidArgumentError,
        lambda: ishare_jwt.Verifier(SERVER_ID, [ROOT_SHA256], leeway=301),
        "leeway",
    )
    raises(
        ishare_jwt.InvalidArgumentError,
        lambda: ishare_jwt.Verifier(SERVER_ID, [ROOT_SHA256], leeway=2**40),
        "leeway",
    )


def test_bad_clock_and_jti(signer: ishare_jwt.Signer, verifier: ishare_jwt.Verifier) -> None:
    raises(
        ishare_jwt.InvalidArgumentError, lambda: signer.client_assertion(SERVER_ID, now=-5), "-5"
    )
    raises(
        ishare_jwt.InvalidArgumentError, lambda: signer.client_assertion(SERVER_ID, jti=""), "jti"
    )
    raises(ishare_jwt.InvalidArgumentError, lambda: verifier.verify("a.b.c", now=-1), "now")
    raises(
        ishare_jwt.InvalidPartyIdError, lambda: signer.client_assertion("https://as.example.com")
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda s, v: ishare_jwt.Signer.from_pem(None, "x", CLIENT_ID),  # type: ignore[arg-type]
        lambda s, v: ishare_jwt.Signer.from_pem(123, "x", CLIENT_ID),  # type: ignore[arg-type]
        lambda s, v: ishare_jwt.Signer.from_pem("x", "x", 5),  # type: ignore[arg-type]
        lambda s, v: ishare_jwt.Signer.from_files(3.5, "x", CLIENT_ID),  # type: ignore[arg-type]
        lambda s, v: ishare_jwt.Signer.from_pem("x", "x", CLIENT_ID, profile="oauth"),  # type: ignore[arg-type]
        lambda s, v: ishare_jwt.Verifier(SERVER_ID, 5),  # type: ignore[arg-type]
        lambda s, v: ishare_jwt.Verifier(SERVER_ID, [ROOT_SHA256, 5]),  # type: ignore[list-item]
        lambda s, v: ishare_jwt.Verifier(SERVER_ID, [ROOT_SHA256], leeway="5"),  # type: ignore[arg-type]
        lambda s, v: v.verify(b"a.b.c"),
        lambda s, v: v.verify("a.b.c", now="now"),
        lambda s, v: v.verify("a.b.c", now=True),
        lambda s, v: s.client_assertion(None),
        lambda s, v: s.client_assertion(SERVER_ID, T0),
    ],
)
def test_wrong_python_types_raise_type_error(
    signer: ishare_jwt.Signer, verifier: ishare_jwt.Verifier, call: Callable[..., Any]
) -> None:
    with pytest.raises(TypeError):
        call(signer, verifier)


def test_huge_int_is_overflow_not_panic(
    signer: ishare_jwt.Signer, verifier: ishare_jwt.Verifier
) -> None:
    with pytest.raises(OverflowError):
        verifier.verify("a.b.c", now=2**70)
    raises(
        ishare_jwt.InvalidArgumentError, lambda: signer.client_assertion(SERVER_ID, now=2**63 - 1)
    )


def test_classes_are_final() -> None:
    for cls in (ishare_jwt.Signer, ishare_jwt.Verifier, ishare_jwt.Assertion, ishare_jwt.Profile):
        with pytest.raises(TypeError):
            type("Sub", (cls,), {})
    with pytest.raises(TypeError):
        ishare_jwt.Assertion()


def test_a_panic_inside_the_binding_raises_internal_error() -> None:
    from ishare_jwt import _native

    with pytest.raises(ishare_jwt.InternalError) as caught:
        _native._panic_selftest()
    assert caught.value.kind == "internal"
    assert "panic" in str(caught.value)
