"""The differential test's generator: hypothesis strategies that build client
assertions from the test PKIs (the repository's `testdata/pki/`, the shared
vectors' `tests/vectors/`, and chains made here with random extensions) and
mutate them the ways issue 14 lists. A `Case` carries the token, the
verifier's configuration and a list of what was done to it, so a failing
case prints what it is."""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from hypothesis import strategies as st

from reference import Settings

REPO = Path(__file__).resolve().parents[2]
AUDIENCE = "EU.EORI.NL000000000"
NOW = 1_798_761_600  # 2027-01-01: inside every test PKI's validity but the expired one
HASHES = {"RS256": hashes.SHA256(), "RS384": hashes.SHA384(), "RS512": hashes.SHA512()}
ORGANIZATION_IDENTIFIER = x509.ObjectIdentifier("2.5.4.97")
UNKNOWN_EXTENSION = x509.ObjectIdentifier("1.3.6.1.4.1.99999.1")


def _pem_certificates(path: Path) -> list[bytes]:
    return [c.public_bytes(serialization.Encoding.DER) for c in x509.load_pem_x509_certificates(path.read_bytes())]


@dataclass
class Identity:
    """A party that can sign: its key, its chain (DER, leaf first), its id."""

    name: str
    party: str
    key: rsa.RSAPrivateKey
    chain: list[bytes]


def _identity(folder: str, stem: str, party: str) -> Identity:
    key = serialization.load_pem_private_key((REPO / folder / f"{stem}.key.pem").read_bytes(), None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return Identity(f"{folder}/{stem}", party, key, _pem_certificates(REPO / folder / f"{stem}.chain.pem"))


PKI = [
    _identity("testdata/pki", "client-eori", "EU.EORI.NL000000101"),
    _identity("testdata/pki", "client-did", "did:ishare:EU.NL.NTRNL-90000101"),
    _identity("testdata/pki", "client-3072", "EU.EORI.NL000000103"),
    _identity("testdata/pki", "client-4096", "EU.EORI.NL000000104"),
    _identity("tests/vectors", "client-eori", "EU.EORI.NL000000001"),
    _identity("tests/vectors", "client-did", "did:ishare:EU.NL.NTRNL-10000001"),
    _identity("tests/vectors", "client-expired", "EU.EORI.NL000000002"),
    _identity("tests/vectors", "client-untrusted", "EU.EORI.NL000000009"),
    _identity("tests/vectors", "client-1024", "EU.EORI.NL000000003"),
]
FOREIGN = _pem_certificates(REPO / "tests/vectors/untrusted-ca.pem") + [PKI[7].chain[0], PKI[4].chain[0]]
TESTDATA_ROOT_SHA256 = (REPO / "testdata/pki/root-ca.sha256").read_text().strip().upper()
VECTORS_ROOT_PEM = (REPO / "tests/vectors/root-ca.pem").read_text()

# Keys for the chains made here, made once (a key per place in the chain).
_GENERATED_KEYS = [rsa.generate_private_key(65537, 2048) for _ in range(4)]


@dataclass
class Case:
    """One token and the verifier that judges it."""

    token: str
    now: int
    client_id: str | None
    leeway: int
    trusted_roots: list[str]  # what the library gets: hex fingerprints or PEM
    steps: list[str] = field(default_factory=list)

    def settings(self) -> Settings:
        hexes = [r.upper() for r in self.trusted_roots if not r.startswith("-----")]
        pems = [x509.load_pem_x509_certificate(r.encode()) for r in self.trusted_roots if r.startswith("-----")]
        # A PEM anchor anchors by being carried, too (its fingerprint).
        hexes += [hashlib.sha256(p.public_bytes(serialization.Encoding.DER)).hexdigest().upper() for p in pems]
        return Settings(AUDIENCE, hexes, pems, self.leeway)

    def __repr__(self) -> str:
        return (
            f"Case(now={self.now}, client_id={self.client_id!r}, leeway={self.leeway},\n"
            f"     trusted_roots={[r[:40] for r in self.trusted_roots]},\n"
            f"     steps={self.steps},\n     token={self.token!r})"
        )


# ------------------------------------------------------------ JSON writing


def _string_literal(draw: st.DrawFn, text: str, steps: list[str]) -> str:
    """A JSON string for `text`, sometimes with needless but legal escapes."""
    style = draw(st.sampled_from(["plain", "plain", "plain", "ascii", "escape-all", "solidus"]))
    if style == "ascii":
        return json.dumps(text, ensure_ascii=True)
    if style == "escape-all" and text:
        steps.append(f"escaped {text[:20]!r}")
        return '"' + "".join(f"\\u{ord(c):04x}" if ord(c) < 0x10000 else json.dumps(c)[1:-1] for c in text) + '"'
    if style == "solidus" and "/" in text:
        return json.dumps(text, ensure_ascii=False).replace("/", "\\/")
    return json.dumps(text, ensure_ascii=False)


def _object(draw: st.DrawFn, members: list[tuple[str, str]], steps: list[str]) -> str:
    """Writes members (name, JSON text) as an object, with legal whitespace."""
    space = draw(st.sampled_from(["", "", " ", "\n  ", "\t", "\r\n"]))
    if space:
        steps.append(f"whitespace {space!r}")
    inner = f",{space}".join(f"{_string_literal(draw, n, steps)}{space}:{space}{v}" for n, v in members)
    return "{" + space + inner + space + "}"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# --------------------------------------------------------------- mutations


def _set(members: list[tuple[str, str]], name: str, value: str | None) -> None:
    """Replaces (or with None removes) a member; appends one not there."""
    for i, (n, _) in enumerate(members):
        if n == name:
            if value is None:
                del members[i]
            else:
                members[i] = (name, value)
            return
    if value is not None:
        members.append((name, value))


HEADER_VALUES = {
    "alg": ['"RS256"', '"RS384"', '"RS512"', '"none"', '"HS256"', '"PS256"', '"rs256"', '"RS256 "', "256", "null", '["RS256"]'],
    "typ": ['"JWT"', '"jwt"', '"application/jwt"', '"Application/JWT"', '"at+jwt"', '"JWS"', '""', "null", "1"],
    "x5c": ["null", '"MIIB"', "[1]", "[]", "{}"],
    "crit": ['["exp"]', "null", "[]"],
    "kid": ['"k1"', "1", "null"],
    "jwk": ['{"kty":"RSA","n":"AQAB","e":"AQAB"}'],
    "x5u": ['"https://example.invalid/x5u"'],
    "jku": ['"https://example.invalid/jwks"'],
    "zip": ['"DEF"'],
    "b64": ["false"],
}

WRONG_TYPES = ["null", "1", "true", "[]", "{}", '"1"', "1.5", "1e3", '["x"]']


def _mutate_header(draw: st.DrawFn, header: list[tuple[str, str]], steps: list[str]) -> None:
    what = draw(st.sampled_from(["value", "value", "remove", "duplicate", "x5c-encoding"]))
    if what == "value":
        name = draw(st.sampled_from(sorted(HEADER_VALUES)))
        value = draw(st.sampled_from(HEADER_VALUES[name]))
        steps.append(f"header {name} = {value}")
        _set(header, name, value)
    elif what == "remove":
        name = draw(st.sampled_from(["alg", "typ", "x5c"]))
        steps.append(f"header without {name}")
        _set(header, name, None)
    elif what == "duplicate":
        name, value = draw(st.sampled_from(header))
        other = draw(st.sampled_from([value, '"RS256"', '"JWT"']))
        steps.append(f"header {name} twice ({other})")
        header.append((name, other))
    else:
        entries: list[str] = json.loads(dict(header)["x5c"])
        if not isinstance(entries, list) or not entries:
            return
        i = draw(st.integers(0, len(entries) - 1))
        style = draw(st.sampled_from(["urlsafe", "unpadded", "newline", "space"]))
        der = base64.b64decode(entries[i])
        steps.append(f"x5c[{i}] {style}")
        entries[i] = {
            "urlsafe": base64.urlsafe_b64encode(der).decode(),
            "unpadded": base64.b64encode(der).decode().rstrip("="),
            "newline": base64.b64encode(der).decode()[:64] + "\n" + base64.b64encode(der).decode()[64:],
            "space": " " + base64.b64encode(der).decode(),
        }[style]
        _set(header, "x5c", json.dumps(entries))


def _mutate_chain(draw: st.DrawFn, chain: list[bytes], steps: list[str]) -> list[bytes]:
    what = draw(st.sampled_from(["swap", "reverse", "drop", "leaf-only", "foreign-append", "foreign-insert", "duplicate", "other-leaf"]))
    chain = list(chain)
    if what == "swap" and len(chain) > 1:
        i = draw(st.integers(0, len(chain) - 2))
        chain[i], chain[i + 1] = chain[i + 1], chain[i]
    elif what == "reverse":
        chain.reverse()
    elif what == "drop" and len(chain) > 1:
        del chain[draw(st.integers(0, len(chain) - 1))]
    elif what == "leaf-only":
        chain = chain[:1]
    elif what == "foreign-append":
        chain.append(draw(st.sampled_from(FOREIGN)))
    elif what == "foreign-insert":
        chain.insert(draw(st.integers(0, len(chain))), draw(st.sampled_from(FOREIGN)))
    elif what == "duplicate":
        i = draw(st.integers(0, len(chain) - 1))
        chain.insert(i, chain[i])
    elif what == "other-leaf":
        chain[0] = draw(st.sampled_from([p.chain[0] for p in PKI]))
    steps.append(f"chain {what}")
    return chain


def _claims(draw: st.DrawFn, party: str, now: int, leeway: int, steps: list[str]) -> list[tuple[str, str]]:
    """The claims, with times around every boundary and sometimes mutated."""
    # iat relative to now: around "just issued", the leeway, and expiry.
    boundaries = [0, -1, 1, leeway, leeway + 1, leeway - 1, -30 - leeway, -30 - leeway + 1, -30 - leeway - 1, -29, -30, -31]
    iat = now + draw(st.one_of(st.sampled_from([0] * 8 + boundaries), st.integers(-400, 400)))
    lifetime = draw(st.sampled_from([30] * 12 + [29, 31, 0, -30, 60, 3600]))
    exp = iat + lifetime
    nbf_choice = draw(st.sampled_from(["absent", "absent", "iat", "iat", "iat", "iat", "iat+1", "iat-1", "now+leeway", "now+leeway+1"]))
    nbf = {"absent": None, "iat": iat, "iat+1": iat + 1, "iat-1": iat - 1, "now+leeway": now + leeway, "now+leeway+1": now + leeway + 1}[nbf_choice]
    if (iat - now, lifetime, nbf_choice) != (0, 30, "iat"):
        steps.append(f"iat now{iat - now:+d}, exp iat{lifetime:+d}, nbf {nbf_choice}")
    jti = draw(st.sampled_from(["a7f3c1e2-jti", "j", "é-ü-\u4e2d", "\U0001f600", "x" * 256]))
    members = [
        ("iss", json.dumps(party)),
        ("sub", json.dumps(party)),
        ("aud", json.dumps(AUDIENCE)),
        ("jti", json.dumps(jti, ensure_ascii=draw(st.booleans()))),
        ("iat", str(iat)),
    ]
    if nbf is not None:
        members.append(("nbf", str(nbf)))
    members.append(("exp", str(exp)))
    for _ in range(draw(st.sampled_from([0, 0, 0, 0, 1, 1, 2]))):
        _mutate_claims(draw, members, steps)
    return members


CLAIM_VALUES = {
    "aud": ['"EU.EORI.NL000000000"', '["EU.EORI.NL000000000"]', '["EU.EORI.NL000000000","EU.EORI.NL000000001"]', "[]",
            '["EU.EORI.NL000000001"]', '"EU.EORI.NL000000001"', '["EU.EORI.NL000000000","EU.EORI.NL000000000"]', "[1]"],
    "iss": ['"EU.EORI.NL000000101"', '"EU.EORI.NL000000001"', '"did:ishare:EU.NL.NTRNL-90000101"', '"did:ishare:EU.DE.NTRNL-90000101"',
            '"EU.EORI.nl000000101"', '"EU.EORI.NL"', '"did:ishare:x"', '"client"', '""'],
    "sub": ['"EU.EORI.NL000000101"', '"EU.EORI.NL000000102"', '"did:ishare:EU.NL.NTRNL-90000101"'],
    "jti": ['""', '"a\\u0007b"', '"a\\u007fb"', '"tab\\there"', '"\\ud83d\\ude00"', '"\\ud800"', '"' + "y" * 257 + '"', '"\u00e9\u200b"'],
    "iat": ["1.5", "1e3", "-1", '"1798761600"', "9223372036854775808", "0"],
    "exp": ["1.0", "1E3", "-0", '"x"', "9223372036854775807"],
    "nbf": ["null", "1.5", "0", "4102444800"],
}


def _mutate_claims(draw: st.DrawFn, members: list[tuple[str, str]], steps: list[str]) -> None:
    what = draw(st.sampled_from(["value", "value", "type", "remove", "duplicate", "extra"]))
    names = ["iss", "sub", "aud", "jti", "iat", "nbf", "exp"]
    if what == "value":
        name = draw(st.sampled_from(sorted(CLAIM_VALUES)))
        value = draw(st.sampled_from(CLAIM_VALUES[name]))
        steps.append(f"claim {name} = {value[:40]}")
        _set(members, name, value)
    elif what == "type":
        name = draw(st.sampled_from(names))
        value = draw(st.sampled_from(WRONG_TYPES))
        steps.append(f"claim {name} = {value}")
        _set(members, name, value)
    elif what == "remove":
        name = draw(st.sampled_from(names))
        steps.append(f"claim {name} removed")
        _set(members, name, None)
    elif what == "duplicate":
        name, value = draw(st.sampled_from(members))
        steps.append(f"claim {name} twice")
        members.insert(draw(st.integers(0, len(members))), (name, value))
    else:
        name = draw(st.sampled_from(["scope", "client_id", "kid", "x5c", "\u00e9", "", "iss ", "ISS", "a\\u0000b"]))
        # 31 nested arrays inside the claims object: depth 32, the most
        # there may be; 32 of them: one too deep.
        value = draw(st.sampled_from(['"iSHARE"', "null", "[1,{}]", '{"a":{"b":[]}}', "true", "-0.5e-3",
                                      "[" * 31 + "]" * 31, "[" * 32 + "]" * 32]))
        steps.append(f"claim extra {name!r} = {value}")
        members.append((name, value))


def _mutate_token(draw: st.DrawFn, token: str, steps: list[str]) -> str:
    h, c, s = token.split(".")
    what = draw(st.sampled_from(["bitflip", "bitflip", "truncate-sig", "empty-sig", "pad", "std-alphabet",
                                 "trailing-bits", "whitespace", "extra-part", "two-parts", "sig-from-other"]))
    steps.append(f"token {what}")
    if what == "bitflip":
        sig = bytearray(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)))
        bit = draw(st.integers(0, len(sig) * 8 - 1))
        sig[bit // 8] ^= 1 << (bit % 8)
        return f"{h}.{c}.{_b64url(bytes(sig))}"
    if what == "truncate-sig":
        return f"{h}.{c}.{s[: draw(st.integers(0, len(s) - 1))]}"
    if what == "empty-sig":
        return f"{h}.{c}."
    if what == "pad":
        part = draw(st.integers(0, 2))
        parts = [h, c, s]
        parts[part] += "=" * (-len(parts[part]) % 4 or 1)
        return ".".join(parts)
    if what == "std-alphabet":
        return ".".join(p.replace("-", "+").replace("_", "/") for p in (h, c, s))
    if what == "trailing-bits":
        parts = [h, c, s]
        part = draw(st.sampled_from([i for i, p in enumerate(parts) if len(p) % 4] or [0]))
        if len(parts[part]) % 4:
            alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
            last = alphabet.index(parts[part][-1])
            parts[part] = parts[part][:-1] + alphabet[last | 1]
        return ".".join(parts)
    if what == "whitespace":
        return draw(st.sampled_from([" ", "\n", ""])) + token + draw(st.sampled_from(["\n", " ", "\r\n"]))
    if what == "extra-part":
        return token + "." + draw(st.sampled_from(["", "AAAA"]))
    if what == "two-parts":
        return f"{h}.{c}"
    other = draw(st.sampled_from(PKI[:4]))
    return f"{h}.{c}.{_b64url(other.key.sign(b'x', padding.PKCS1v15(), hashes.SHA256()))}"


# ------------------------------------------------- chains made on the spot


def _name(*rdns: tuple[x509.ObjectIdentifier, str]) -> x509.Name:
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in rdns])


def _key_usage(draw: st.DrawFn, ca: bool) -> x509.KeyUsage | None:
    choice = draw(st.sampled_from(["absent"] * 3 + ["usual"] * 8 + ["signature", "commitment", "encipherment", "certsign"]))
    usual = {"key_cert_sign", "crl_sign"} if ca else {"digital_signature"}
    chosen = {
        "absent": None,
        "usual": usual,
        "signature": {"digital_signature"},
        "commitment": {"content_commitment"},
        "encipherment": {"key_encipherment"},
        "certsign": {"key_cert_sign"},
    }[choice]
    if chosen is None:
        return None
    names = ["digital_signature", "content_commitment", "key_encipherment", "data_encipherment", "key_agreement",
             "key_cert_sign", "crl_sign", "encipher_only", "decipher_only"]
    return x509.KeyUsage(**{name: name in chosen for name in names})


def _certificate(draw: st.DrawFn, subject: x509.Name, issuer: x509.Name, key: rsa.RSAPrivateKey,
                 issuer_key: rsa.RSAPrivateKey, ca: bool, now: int, where: str, steps: list[str]) -> bytes:
    validity = draw(st.sampled_from(["ok"] * 30 + ["ends-now", "ended", "starts-now", "not-yet"]))
    start, end = now - 86400, now + 86400
    if validity == "ends-now":
        end = now
    elif validity == "ended":
        end = now - 1
    elif validity == "starts-now":
        start = now
    elif validity == "not-yet":
        start = now + 1
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(draw(st.integers(1, 2**64)))
        .not_valid_before(datetime.datetime.fromtimestamp(start, datetime.timezone.utc))
        .not_valid_after(datetime.datetime.fromtimestamp(end, datetime.timezone.utc))
    )
    notes = [validity] if validity != "ok" else []
    bc = draw(st.sampled_from(["usual"] * 12 + ["absent", "ca-true", "ca-false", "pathlen-0", "pathlen-1"]))
    if bc != "absent":
        is_ca = ca if bc == "usual" else bc != "ca-false"
        path_length = {"pathlen-0": 0, "pathlen-1": 1}.get(bc)
        builder = builder.add_extension(x509.BasicConstraints(is_ca, path_length if is_ca else None), critical=draw(st.booleans()))
    if bc != "usual":
        notes.append(f"bc {bc}")
    ku = _key_usage(draw, ca)
    if ku is not None:
        builder = builder.add_extension(ku, critical=draw(st.booleans()))
        notes.append(f"ku {[n for n in ('digital_signature', 'content_commitment', 'key_encipherment', 'key_cert_sign') if getattr(ku, n)]}")
    if ca and draw(st.integers(0, 6)) == 0:
        base = draw(st.sampled_from([
            _name((NameOID.COUNTRY_NAME, "NL")),
            _name((NameOID.COUNTRY_NAME, "DE")),
            _name((NameOID.COUNTRY_NAME, "NL"), (NameOID.ORGANIZATION_NAME, "Demo")),
        ]))
        excluded = draw(st.booleans())
        constraint = x509.NameConstraints(None if excluded else [x509.DirectoryName(base)], [x509.DirectoryName(base)] if excluded else None)
        builder = builder.add_extension(constraint, critical=True)
        notes.append(f"nc {'excluded' if excluded else 'permitted'} {base.rfc4514_string()}")
    if not ca and draw(st.integers(0, 3)) == 0:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=draw(st.booleans()))
        notes.append("eku serverAuth")
    if draw(st.integers(0, 12)) == 0:
        critical = draw(st.booleans())
        builder = builder.add_extension(x509.UnrecognizedExtension(UNKNOWN_EXTENSION, b"\x05\x00"), critical=critical)
        notes.append(f"unknown extension critical={critical}")
    if notes:
        steps.append(f"{where}: {', '.join(notes)}")
    return builder.sign(issuer_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def _generated(draw: st.DrawFn, now: int, steps: list[str]) -> tuple[Identity, list[str]]:
    """A chain made here: root, 0–2 intermediates, a leaf; random extensions."""
    keys = _GENERATED_KEYS
    root_name = _name((NameOID.COUNTRY_NAME, "NL"), (NameOID.COMMON_NAME, "Generated Root"))
    ders = [_certificate(draw, root_name, root_name, keys[0], keys[0], True, now, "root", steps)]
    names, issuer_key = [root_name], keys[0]
    for i in range(draw(st.integers(0, 2))):
        self_issued = draw(st.integers(0, 5)) == 0
        name = names[-1] if self_issued else _name(
            (NameOID.COUNTRY_NAME, "NL"), (NameOID.ORGANIZATION_NAME, "Demo"), (NameOID.COMMON_NAME, f"Generated CA {i}"))
        if self_issued:
            steps.append(f"intermediate {i} self-issued")
        ders.insert(0, _certificate(draw, name, names[-1], keys[i + 1], issuer_key, True, now, f"intermediate {i}", steps))
        names.append(name)
        issuer_key = keys[i + 1]
    did = draw(st.booleans())
    party = "did:ishare:EU.NL.NTRNL-70000001" if did else "EU.EORI.NL000000201"
    identifier = (ORGANIZATION_IDENTIFIER, "NTRNL-70000001") if did else (NameOID.SERIAL_NUMBER, party)
    country = draw(st.sampled_from(["NL", "NL", "NL", "DE"]))
    leaf_name = _name((NameOID.COUNTRY_NAME, country), (NameOID.ORGANIZATION_NAME, "Demo"), (NameOID.COMMON_NAME, "Generated Leaf"), identifier)
    if country != "NL":
        steps.append(f"leaf in {country}")
    leaf_key = keys[3]
    if draw(st.integers(0, 9)) == 0:
        steps.append("self-signed leaf")
        ders = [_certificate(draw, leaf_name, leaf_name, leaf_key, leaf_key, False, now, "leaf", steps)]
        pem = x509.load_der_x509_certificate(ders[0]).public_bytes(serialization.Encoding.PEM).decode()
        return Identity("generated", party, leaf_key, ders), draw(st.sampled_from([[hashlib.sha256(ders[0]).hexdigest()], [pem]]))
    ders.insert(0, _certificate(draw, leaf_name, names[-1], leaf_key, issuer_key, False, now, "leaf", steps))
    root = ders[-1]
    anchor = draw(st.sampled_from(["root-sha256", "root-sha256", "root-pem", "root-pem-not-carried", "intermediate-sha256"]))
    steps.append(f"anchor {anchor}")
    if anchor == "root-sha256":
        return Identity("generated", party, leaf_key, ders), [hashlib.sha256(root).hexdigest()]
    pem = x509.load_der_x509_certificate(root).public_bytes(serialization.Encoding.PEM).decode()
    if anchor == "root-pem":
        return Identity("generated", party, leaf_key, ders), [pem]
    if anchor == "root-pem-not-carried":
        return Identity("generated", party, leaf_key, ders[:-1]), [pem]
    return Identity("generated", party, leaf_key, ders), [hashlib.sha256(ders[min(1, len(ders) - 1)]).hexdigest()]


# ------------------------------------------------------------------ cases


@st.composite
def cases(draw: st.DrawFn) -> Case:
    steps: list[str] = []
    leeway = draw(st.sampled_from([0, 0, 1, 5, 30, 300]))
    now = NOW + draw(st.sampled_from([0, 0, 0, 12345]))
    if draw(st.integers(0, 2)) == 0:
        identity, roots = _generated(draw, now, steps)
    else:
        identity = draw(st.sampled_from(PKI[:6] * 3 + PKI[6:]))
        roots = [TESTDATA_ROOT_SHA256, VECTORS_ROOT_PEM]
        steps.append(identity.name)
    alg = draw(st.sampled_from(["RS256", "RS256", "RS384", "RS512"]))
    chain = identity.chain
    if draw(st.integers(0, 7)) == 0:
        chain = _mutate_chain(draw, chain, steps)
    header = [("alg", json.dumps(alg)), ("typ", '"JWT"'), ("x5c", json.dumps([base64.b64encode(d).decode() for d in chain]))]
    if draw(st.integers(0, 6)) == 0:
        _mutate_header(draw, header, steps)
    claims = _claims(draw, identity.party, now, leeway, steps)
    header_text = _object(draw, header, steps)
    claims_text = _object(draw, claims, steps)
    signing_input = f"{_b64url(header_text.encode())}.{_b64url(claims_text.encode('utf-8', 'surrogatepass'))}"
    sign_with = alg
    try:
        named = json.loads(dict(header).get("alg", "null"))
        if isinstance(named, str) and named in HASHES:
            sign_with = named
    except ValueError:
        pass
    signature = identity.key.sign(signing_input.encode(), padding.PKCS1v15(), HASHES[sign_with])
    token = f"{signing_input}.{_b64url(signature)}"
    if draw(st.integers(0, 7)) == 0:
        token = _mutate_token(draw, token, steps)
    client_id = draw(st.sampled_from([identity.party] * 6 + [None, None, "EU.EORI.NL000000999"]))
    return Case(token, now, client_id, leeway, roots, steps)


def judged_by_the_library(case: Case) -> str | None:
    """verify's verdict: None when accepted, else the error kind. explain
    judges the same case too and must say the same, with its first failing
    rule of that kind (or every rule passing); a report that disagrees fails
    the case, whatever the reference says."""
    import ishare_jwt

    verifier = ishare_jwt.Verifier(AUDIENCE, case.trusted_roots, leeway=case.leeway, replay_protection=False)
    try:
        verifier.verify(case.token, now=case.now, client_id=case.client_id)
        kind = None
    except ishare_jwt.IshareJwtError as error:
        kind = error.kind
    report = verifier.explain(case.token, now=case.now, client_id=case.client_id)
    failures = [rule for rule in report.rules if rule.status == "fail"]
    explained = (report.kind, report.verdict, failures[0].kind if failures else None)
    assert explained == (kind, "refused" if kind else "accepted", kind), f"explain disagrees with verify ({kind or 'accepted'}):\n{report}"
    if kind is None:
        assert all(rule.status == "pass" for rule in report.rules), f"accepted, yet not every rule passed:\n{report}"
    return kind
