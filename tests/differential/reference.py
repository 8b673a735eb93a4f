"""An independent iSHARE client-assertion verifier, for differential testing.

Written from the rules (SECURITY.md, issue 17's path rules, the iSHARE JWT
profile), not from the Rust core: strict JOSE/JSON reading by hand over the
standard library, the signature by PyJWT's RSA algorithm, certificates by
pyca/cryptography's X.509. `judge` returns None for an accepted token, or
the kind of the first rule it breaks, checking in the order SECURITY.md
states ("Order of work"), so that a single fault gets the same kind here
and in the library.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import jwt.algorithms
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtensionOID, NameOID

MAX_TOKEN_BYTES = 64 * 1024
MAX_HEADER_BYTES = 48 * 1024
MAX_CLAIMS_BYTES = 8 * 1024
MAX_CHAIN = 8
MAX_JTI = 256
MAX_PARTY_ID = 128
MAX_DEPTH = 32
ALGORITHMS = {"RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512}
# RFC 5280 §4.2: the extensions a verifier of iSHARE tokens processes.
UNDERSTOOD = {
    ExtensionOID.BASIC_CONSTRAINTS,
    ExtensionOID.KEY_USAGE,
    ExtensionOID.EXTENDED_KEY_USAGE,
    ExtensionOID.SUBJECT_ALTERNATIVE_NAME,
    ExtensionOID.ISSUER_ALTERNATIVE_NAME,
    ExtensionOID.NAME_CONSTRAINTS,
    ExtensionOID.CERTIFICATE_POLICIES,
    ExtensionOID.SUBJECT_KEY_IDENTIFIER,
    ExtensionOID.AUTHORITY_KEY_IDENTIFIER,
}
ORGANIZATION_IDENTIFIER = x509.ObjectIdentifier("2.5.4.97")
# ISO 3166 alpha-2 → continent, for the countries the generator uses; a
# country missing here makes the reference say "unsure" rather than guess.
CONTINENTS = {"NL": "EU", "DE": "EU", "BE": "EU", "FR": "EU", "US": "NA", "JP": "AS"}


class Refused(Exception):
    """A rule broken: `kind` is the library's error kind name."""

    def __init__(self, kind: str, why: str):
        super().__init__(f"{kind}: {why}")
        self.kind = kind


@dataclass
class Settings:
    """What the verifier is configured with."""

    audience: str
    anchors_sha256: list[str]  # upper-case hex
    anchors_pem: list[x509.Certificate]
    leeway: int


def judge(token: str, now: int, client_id: str | None, settings: Settings) -> str | None:
    """None when the token is accepted, else the kind of the rule it breaks."""
    try:
        _verify(token, now, client_id, settings)
    except Refused as refused:
        return refused.kind
    return None


# ---------------------------------------------------------------- JOSE, JSON


def _b64url(part: str, what: str) -> bytes:
    # Unpadded base64url, canonical: no '=', nothing outside the alphabet,
    # no length ≡ 1 (mod 4), unused trailing bits zero.
    if not re.fullmatch(r"[A-Za-z0-9_-]*", part) or len(part) % 4 == 1:
        raise Refused("malformed", f"{what} is not base64url")
    data = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    if base64.urlsafe_b64encode(data).rstrip(b"=").decode() != part:
        raise Refused("malformed", f"{what} has non-zero trailing bits")
    return data


def _b64_padded(entry: str, position: int) -> bytes:
    try:
        data = base64.b64decode(entry, validate=True)
    except binascii.Error as e:
        raise Refused("malformed", f"x5c[{position}] is not padded base64") from e
    if base64.b64encode(data).decode() != entry:
        raise Refused("malformed", f"x5c[{position}] is not canonical base64")
    return data


class _Number:
    """A JSON number as written: NumericDates must be integer literals."""

    def __init__(self, text: str):
        self.text = text


_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


class _Json:
    """RFC 8259, strictly, one pass: the first fault in text order decides
    (depth when a container opens, a name twice when its object closes, a
    lone surrogate when its string ends)."""

    def __init__(self, text: str):
        self.text, self.at = text, 0

    def fail(self, why: str) -> Refused:
        return Refused("malformed", f"not JSON at {self.at}: {why}")

    def space(self) -> None:
        while self.at < len(self.text) and self.text[self.at] in " \t\n\r":
            self.at += 1

    def document(self) -> Any:
        value = self.value(0)
        self.space()
        if self.at != len(self.text):
            raise self.fail("text after the value")
        return value

    def value(self, depth: int) -> Any:
        self.space()
        c = self.text[self.at : self.at + 1]
        if c in ("{", "["):
            if depth + 1 > MAX_DEPTH:
                raise Refused("too_large", "nested too deep")
            return self.object(depth + 1) if c == "{" else self.array(depth + 1)
        if c == '"':
            return self.string()
        for literal, meaning in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(literal, self.at):
                self.at += len(literal)
                return meaning
        m = _NUMBER.match(self.text, self.at)
        if m and m.group():
            self.at = m.end()
            return _Number(m.group())
        raise self.fail("no value")

    def object(self, depth: int) -> dict[str, Any]:
        self.at += 1
        members: list[tuple[str, Any]] = []
        self.space()
        if self.text.startswith("}", self.at):
            self.at += 1
            return {}
        while True:
            self.space()
            if not self.text.startswith('"', self.at):
                raise self.fail("a member name must be a string")
            name = self.string()
            self.space()
            if not self.text.startswith(":", self.at):
                raise self.fail("':' expected")
            self.at += 1
            members.append((name, self.value(depth)))
            self.space()
            c = self.text[self.at : self.at + 1]
            self.at += 1
            if c == "}":
                break
            if c != ",":
                raise self.fail("',' or '}' expected")
        names = [n for n, _ in members]
        if len(set(names)) != len(names):
            raise Refused("malformed", "a member name appears twice")
        return dict(members)

    def array(self, depth: int) -> list[Any]:
        self.at += 1
        items: list[Any] = []
        self.space()
        if self.text.startswith("]", self.at):
            self.at += 1
            return items
        while True:
            items.append(self.value(depth))
            self.space()
            c = self.text[self.at : self.at + 1]
            self.at += 1
            if c == "]":
                return items
            if c != ",":
                raise self.fail("',' or ']' expected")

    def string(self) -> str:
        self.at += 1
        units: list[int] = []  # UTF-16 code units, so surrogates pair up as in JSON
        while True:
            if self.at >= len(self.text):
                raise self.fail("unterminated string")
            c = self.text[self.at]
            self.at += 1
            if c == '"':
                break
            if ord(c) < 0x20:
                raise self.fail("a control character in a string")
            if c != "\\":
                encoded = c.encode("utf-16-be")
                units.extend(int.from_bytes(encoded[i : i + 2], "big") for i in range(0, len(encoded), 2))
                continue
            e = self.text[self.at : self.at + 1]
            self.at += 1
            if e in _ESCAPES:
                units.append(ord(_ESCAPES[e]))
            elif e == "u" and re.fullmatch(r"[0-9A-Fa-f]{4}", self.text[self.at : self.at + 4]):
                units.append(int(self.text[self.at : self.at + 4], 16))
                self.at += 4
            else:
                raise self.fail("a bad escape")
        data = b"".join(u.to_bytes(2, "big") for u in units)
        try:
            return data.decode("utf-16-be")  # refuses a lone surrogate
        except UnicodeDecodeError as e:
            raise Refused("malformed", "a lone surrogate") from e


def _json_object(data: bytes, what: str) -> dict[str, Any]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Refused("malformed", f"{what} is not UTF-8") from e
    value = _Json(text).document()
    if not isinstance(value, dict):
        raise Refused("malformed", f"{what} is not an object")
    return value


def _present(obj: dict[str, Any], name: str) -> Any:
    value = obj.get(name)
    if name in obj and value is None:
        raise Refused("malformed", f'"{name}" is null')
    return value


def _string(obj: dict[str, Any], name: str) -> str | None:
    value = _present(obj, name)
    if value is not None and not isinstance(value, str):
        raise Refused("malformed", f'"{name}" must be a string')
    return value


def _strings(obj: dict[str, Any], name: str) -> list[str] | None:
    value = _present(obj, name)
    if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        raise Refused("malformed", f'"{name}" must be an array of strings')
    return value


def _integer(obj: dict[str, Any], name: str) -> int | None:
    value = _present(obj, name)
    if value is None:
        return None
    if not isinstance(value, _Number) or not re.fullmatch(r"-?(0|[1-9][0-9]*)", value.text):
        raise Refused("malformed", f'"{name}" must be an integer')
    number = int(value.text)
    if not -(2**63) <= number < 2**63:
        raise Refused("malformed", f'"{name}" does not fit in 64 bits')
    return number


def _typ_matches(typ: str) -> bool:
    # RFC 7515 §4.1.9: "application/" may be left out; compared without case.
    short = typ[12:] if typ[:12].lower() == "application/" else typ
    return short.lower() == "jwt"


# ------------------------------------------------------------------ X.509


@dataclass
class _Certificate:
    der: bytes
    cert: x509.Certificate

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.der).hexdigest().upper()

    def extension(self, oid: x509.ObjectIdentifier) -> Any:
        try:
            return self.cert.extensions.get_extension_for_oid(oid).value
        except x509.ExtensionNotFound:
            return None

    def ca_flag(self) -> bool | None:
        bc = self.extension(ExtensionOID.BASIC_CONSTRAINTS)
        return None if bc is None else bc.ca

    def allows(self, usage: str) -> bool:
        ku = self.extension(ExtensionOID.KEY_USAGE)
        return ku is None or getattr(ku, usage)

    def self_issued(self) -> bool:
        return self.cert.issuer.public_bytes() == self.cert.subject.public_bytes()


def _read_certificate(der: bytes, which: str) -> _Certificate:
    try:
        cert = x509.load_der_x509_certificate(der)
        key = cert.public_key()
        _ = cert.extensions  # parsed now: a duplicate or bad extension refuses here
    except Exception as e:  # noqa: BLE001 - any parse failure is the verdict
        raise Refused("invalid_certificate", f"{which}: {e}") from e
    if not isinstance(key, rsa.RSAPublicKey):
        raise Refused("invalid_certificate", f"{which} has no RSA key")
    if key.key_size < 2048:
        raise Refused("weak_key", f"{which}: {key.key_size} bits")
    if key.key_size > 8192:
        raise Refused("too_large", f"{which}: {key.key_size} bits")
    e = key.public_numbers().e
    if e < 3 or e % 2 == 0 or e > 65537:
        raise Refused("invalid_certificate", f"{which}: exponent {e}")
    return _Certificate(der, cert)


def _signed_by(cert: _Certificate, issuer: _Certificate) -> bool:
    key = issuer.cert.public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    algorithm = cert.cert.signature_hash_algorithm
    assert algorithm is not None
    try:
        key.verify(cert.cert.signature, cert.cert.tbs_certificate_bytes, padding.PKCS1v15(), algorithm)
    except Exception:  # noqa: BLE001 - InvalidSignature and friends
        return False
    return True


def _rdns(name: x509.Name) -> list[bytes]:
    return [x509.Name([rdn]).public_bytes() for rdn in name.rdns]


def _within(subject: x509.Name, base: x509.Name) -> bool:
    # RFC 5280 §4.2.1.10, directoryName: the base's RDNs begin the subject's.
    s, b = _rdns(subject), _rdns(base)
    return len(b) <= len(s) and s[: len(b)] == b


def _path(chain: list[_Certificate], settings: Settings, now: int) -> int:
    """Checks the path rules; returns the position where the trusted part ends."""
    anchor: _Certificate | None = None  # a PEM anchor that issued chain[top]
    top = None
    for position, c in enumerate(chain):
        if c.sha256 in settings.anchors_sha256:
            top = position
            break
        issuing = [a for a in settings.anchors_pem if a.subject.public_bytes() == c.cert.issuer.public_bytes()]
        if issuing:
            top, anchor = position, _Certificate(issuing[0].public_bytes(serialization.Encoding.DER), issuing[0])
            break
    if top is None:
        raise Refused("untrusted_chain", "no anchor")
    # RFC 5280 §6.1.3(a)(4) names, §4.2.1.9 CA flags — along the whole x5c.
    for position in range(len(chain) - 1):
        c, issuer = chain[position], chain[position + 1]
        if c.cert.issuer.public_bytes() != issuer.cert.subject.public_bytes():
            raise Refused("untrusted_chain", f"x5c[{position}] issuer name")
        issuer_is_anchor = anchor is None and position + 1 == top
        ok = issuer.ca_flag() is not False if issuer_is_anchor else issuer.ca_flag() is True
        if not ok:
            raise Refused("untrusted_chain", f"x5c[{position + 1}] not a CA")
    if anchor is not None and anchor.ca_flag() is False:
        raise Refused("untrusted_chain", "PEM anchor cA FALSE")
    path = chain[: top + 1]
    # RFC 5280 §4.2: critical extensions we do not process.
    for c in path:
        for ext in c.cert.extensions:
            if ext.critical and ext.oid not in UNDERSTOOD:
                raise Refused("invalid_certificate", f"critical {ext.oid.dotted_string}")
    leaf = path[0]
    if not (leaf.allows("digital_signature") or leaf.allows("content_commitment")):
        raise Refused("certificate_usage", "leaf may not sign")
    if leaf.ca_flag() is True and not (anchor is None and top == 0):
        raise Refused("certificate_usage", "leaf is a CA")
    issuers = [(i, c) for i, c in enumerate(path) if i > 0]
    if anchor is not None:
        issuers.append((len(path), anchor))
    for position, issuer in issuers:
        if not issuer.allows("key_cert_sign"):
            raise Refused("certificate_usage", "issuer lacks keyCertSign")
        below = path[:position]
        bc = issuer.extension(ExtensionOID.BASIC_CONSTRAINTS)
        if bc is not None and bc.path_length is not None:
            cas = sum(1 for c in below[1:] if not c.self_issued())
            if cas > bc.path_length:
                raise Refused("certificate_usage", "pathLenConstraint")
        nc = issuer.extension(ExtensionOID.NAME_CONSTRAINTS)
        if nc is not None:
            permitted = [g.value for g in nc.permitted_subtrees or [] if isinstance(g, x509.DirectoryName)]
            excluded = [g.value for g in nc.excluded_subtrees or [] if isinstance(g, x509.DirectoryName)]
            for index, c in enumerate(below):
                if (index > 0 and c.self_issued()) or len(c.cert.subject.rdns) == 0:
                    continue
                inside = not permitted or any(_within(c.cert.subject, b) for b in permitted)
                if not inside or any(_within(c.cert.subject, b) for b in excluded):
                    raise Refused("certificate_usage", "nameConstraints")
    # RFC 5280 §6.1.3(a)(2): validity, both ends inclusive.
    for c in path + ([anchor] if anchor is not None else []):
        if not c.cert.not_valid_before_utc.timestamp() <= now <= c.cert.not_valid_after_utc.timestamp():
            raise Refused("certificate_expired", "validity")
    # Signatures, from the anchor down.
    if anchor is not None and not _signed_by(path[top], anchor):
        raise Refused("untrusted_chain", "signature by the PEM anchor")
    for position in reversed(range(top)):
        if not _signed_by(chain[position], chain[position + 1]):
            raise Refused("untrusted_chain", f"signature on x5c[{position}]")
    return top


# ---------------------------------------------------------------- parties


def _valid_party_id(party: str) -> bool:
    if len(party.encode()) > MAX_PARTY_ID:
        return False
    if party.startswith("EU.EORI."):
        return bool(re.fullmatch(r"[A-Z]{2}[A-Z0-9]{1,15}", party[8:]))
    if party.startswith("did:ishare:"):
        segments = party[11:].split(".")
        return len(segments) >= 2 and all(re.fullmatch(r"[A-Za-z0-9-]+", s) for s in segments)
    return False


def _attribute(cert: x509.Certificate, oid: x509.ObjectIdentifier) -> list[str]:
    return [str(a.value) for a in cert.subject.get_attributes_for_oid(oid)]


def _names_party(leaf: x509.Certificate, party: str) -> bool:
    if party.startswith("EU.EORI."):
        return _attribute(leaf, NameOID.SERIAL_NUMBER) == [party]
    identifiers = _attribute(leaf, ORGANIZATION_IDENTIFIER)
    if len(identifiers) != 1:
        return False
    m = re.fullmatch(r"[A-Z]{3}([A-Z]{2})-[A-Za-z0-9.-]+", identifiers[0])
    if not m:
        return False
    continent = CONTINENTS.get(m[1])
    if continent is None:
        raise Refused("unsure", f"no continent known for {m[1]}")
    return party == f"did:ishare:{continent}.{m[1]}.{identifiers[0]}"


# ------------------------------------------------------------------- verify

def _verify(token: str, now: int, client_id: str | None, s: Settings) -> None:
    if len(token) > MAX_TOKEN_BYTES:
        raise Refused("too_large", "token")
    if not re.fullmatch(r"[A-Za-z0-9_.-]*", token):
        raise Refused("malformed", "characters outside base64url and '.'")
    parts = token.split(".")
    if len(parts) != 3:
        raise Refused("malformed", "not three parts")
    encoded_header, encoded_claims, encoded_signature = parts

    if len(encoded_header) // 4 * 3 > MAX_HEADER_BYTES:
        raise Refused("too_large", "header")
    header = _json_object(_b64url(encoded_header, "header"), "header")
    alg = _string(header, "alg")
    if alg is None:
        raise Refused("invalid_header", "no alg")
    if alg not in ALGORITHMS:
        raise Refused("unsupported_algorithm", alg)
    typ = _string(header, "typ")
    if typ is None or not _typ_matches(typ):
        raise Refused("invalid_header", "typ")
    if "crit" in header:
        raise Refused("invalid_header", "crit")
    x5c = _strings(header, "x5c") or []
    if not x5c:
        raise Refused("missing_certificate", "no x5c")
    if len(x5c) > MAX_CHAIN:
        raise Refused("too_large", "x5c")
    ders = [_b64_padded(entry, i) for i, entry in enumerate(x5c)]
    chain = [_read_certificate(der, f"x5c[{i}]") for i, der in enumerate(ders)]
    top = _path(chain, s, now)

    # The token's signature, by the leaf's key (PyJWT's RSA primitive).
    try:
        signature = _b64url(encoded_signature, "signature")
    except Refused:
        raise Refused("signature", "signature part") from None
    verifier = jwt.algorithms.RSAAlgorithm(ALGORITHMS[alg])
    signing_input = f"{encoded_header}.{encoded_claims}".encode()
    if not verifier.verify(signing_input, chain[0].cert.public_key(), signature):
        raise Refused("signature", "does not verify")
    # RFC 7515 §4.1.6: certificates past the anchor still certify their predecessor.
    for position in range(top, len(chain) - 1):
        if not _signed_by(chain[position], chain[position + 1]):
            raise Refused("untrusted_chain", f"signature on x5c[{position}] (after the anchor)")

    if len(encoded_claims) // 4 * 3 > MAX_CLAIMS_BYTES:
        raise Refused("too_large", "claims")
    claims = _json_object(_b64url(encoded_claims, "claims"), "claims")
    aud_value = _present(claims, "aud")
    if aud_value is None:
        aud = None
    elif isinstance(aud_value, str):
        aud = [aud_value]
    else:
        aud = _strings(claims, "aud")
    iss, sub, jti = _string(claims, "iss"), _string(claims, "sub"), _string(claims, "jti")
    iat, nbf, exp = _integer(claims, "iat"), _integer(claims, "nbf"), _integer(claims, "exp")
    for name, value in [("iss", iss), ("sub", sub), ("aud", aud), ("jti", jti or None), ("iat", iat), ("exp", exp)]:
        if value is None:
            raise Refused("missing_claim", name)
    assert iss is not None and sub is not None and aud is not None and jti and iat is not None and exp is not None
    if len(jti.encode()) > MAX_JTI:
        raise Refused("too_large", "jti")
    if any(unicodedata.category(c) == "Cc" for c in jti):
        raise Refused("malformed", "jti control characters")
    if not _valid_party_id(iss):
        raise Refused("invalid_party_id", iss)
    if sub != iss:
        raise Refused("issuer_subject_mismatch", "sub")
    if client_id is not None and client_id != iss:
        raise Refused("client_id_mismatch", "client_id")
    if aud != [s.audience]:
        raise Refused("audience", repr(aud))
    if exp - iat != 30:
        raise Refused("invalid_lifetime", str(exp - iat))
    if now >= exp + s.leeway:
        raise Refused("expired", "exp")
    for value in (iat, nbf):
        if value is not None and value > now + s.leeway:
            raise Refused("not_yet_valid", "iat/nbf")
    if not _names_party(chain[0].cert, iss):
        raise Refused("party_id_mismatch", iss)
