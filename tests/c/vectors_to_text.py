#!/usr/bin/env python3
r"""Turns tests/vectors/vectors.json (or tests/vectors/jwt/vectors.json) into a
line-oriented file the C tests read.

    python3 tests/c/vectors_to_text.py tests/vectors/vectors.json OUT.txt
    python3 tests/c/vectors_to_text.py tests/vectors/jwt/vectors.json OUT.txt

A first line `count N`, then one record per case, `key value` lines ended
by a line `end`: name, type (`token`: token, audience, now, leeway,
client_id (only when given), root (once per trusted root); `signer`: key,
chain, client_id; `anchor`: root), expect (`valid` or an error kind).

The general JWT vectors (tests/vectors/jwt/README.md) give: first one
`jwt_signer` record (key, chain: the PEM texts of testdata/pki; leaf: the
chain's leaf fingerprint; party, audience, now; root: the PKI's root
fingerprint; client_key, client_chain: testdata/pki/client-eori, the
audience's key and chain), then `jwt` records (token,
audience, now, leeway, issuer when given, root per trusted root; for a
valid one `claims`, the expected payload as canonical JSON with sorted
member names, and want_iss, want_jti, want_iat, want_exp, want_leaf: what
the getters must return) and `sign_input` records (claims_json when not
null, jti: the one to sign with; for a valid one `claims`, the whole
payload expected back, canonical JSON in member order: the envelope, then
the input's members).

Canonical JSON (tests/c/canonical_json.c writes the same): no whitespace;
strings escaped as Python's json.dumps does with ensure_ascii (every
character outside space..~ as a \uXXXX escape, lower-case hex, astral ones
as surrogate pairs; \" \\ \b \f \n \r \t); integers as their digits; other
numbers as the "%.17g" of the double (the same in C and Python).

In values a backslash is written `\\`, a newline `\n`, a carriage return
`\r` and a NUL `\0` (a C string ends there, as it would for a caller
passing such a token).
"""

import base64
import hashlib
import json
import sys
from pathlib import Path

# tests/c/vectors_to_text.py -> the repository (the jwt vectors name their
# PEM files relative to it).
REPOSITORY = Path(__file__).resolve().parents[2]


def escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
            .replace("\0", "\\0"))


def canonical(value, sort_keys: bool) -> str:
    """The canonical JSON text of a parsed value (see the module's doc)."""
    if isinstance(value, dict):
        members = sorted(value.items()) if sort_keys else value.items()
        return "{" + ",".join(json.dumps(name) + ":" + canonical(member, sort_keys)
                              for name, member in members) + "}"
    if isinstance(value, list):
        return "[" + ",".join(canonical(item, sort_keys) for item in value) + "]"
    if value is True or value is False or value is None:
        return json.dumps(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "%.17g" % value
    if isinstance(value, str):
        return json.dumps(value)  # ensure_ascii is the default
    raise TypeError(f"not a JSON value: {value!r}")


def leaf_sha256(token: str) -> str:
    """SHA-256 of the token's x5c[0], upper-case hex."""
    header = token.split(".")[0]
    header_json = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
    return hashlib.sha256(base64.b64decode(header_json["x5c"][0])).hexdigest().upper()


def pem_leaf_sha256(chain_pem: str) -> str:
    """SHA-256 of the first certificate of a PEM chain, upper-case hex."""
    body = chain_pem.split("-----BEGIN CERTIFICATE-----")[1].split("-----END CERTIFICATE-----")[0]
    return hashlib.sha256(base64.b64decode("".join(body.split()))).hexdigest().upper()


def jwt_records(document) -> list[list[str]]:
    """The records of tests/vectors/jwt/vectors.json."""
    signer = document["signer"]
    party, audience, now = signer["party"], signer["audience"], int(signer["now"])
    pki = REPOSITORY / "testdata/pki"
    root = (pki / "root-ca.sha256").read_text(encoding="ascii").strip()
    chain = (REPOSITORY / signer["chain"]).read_text(encoding="ascii")
    records = [[
        "name jwt signer", "type jwt_signer",
        f"key {escape((REPOSITORY / signer['key']).read_text(encoding='ascii'))}",
        f"chain {escape(chain)}", f"leaf {pem_leaf_sha256(chain)}",
        f"party {escape(party)}", f"audience {escape(audience)}", f"now {now}",
        f"root {escape(root)}",
        # The audience is the party of testdata/pki/client-eori (its leaf names it).
        f"client_key {escape((pki / 'client-eori.key.pem').read_text(encoding='ascii'))}",
        f"client_chain {escape((pki / 'client-eori.chain.pem').read_text(encoding='ascii'))}",
        "expect valid",
    ]]
    for vector in document["vectors"]:
        verifier = vector["verifier"]
        expect = vector["expect"]
        record = [
            f"name {escape(vector['name'])}", "type jwt", f"token {escape(vector['token'])}",
            f"audience {escape(verifier['audience'])}", f"now {int(verifier['now'])}",
            f"leeway {int(verifier.get('leeway', 0))}",
        ]
        if verifier.get("issuer") is not None:
            record.append(f"issuer {escape(verifier['issuer'])}")
        record += [f"root {escape(r)}" for r in verifier["trusted_roots"]]
        if expect == "valid":
            claims = vector["claims"]
            record += [
                "expect valid", f"claims {escape(canonical(claims, sort_keys=True))}",
                f"want_iss {escape(claims['iss'])}", f"want_jti {escape(claims['jti'])}",
                f"want_iat {int(claims['iat'])}", f"want_exp {int(claims['exp'])}",
                f"want_leaf {leaf_sha256(vector['token'])}",
            ]
        else:
            record.append(f"expect {expect['error']}")
        records.append(record)
    for case in document["sign_inputs"]:
        jti = f"sign-input-{case['name']}"
        record = [f"name sign input {escape(case['name'])}", "type sign_input", f"jti {escape(jti)}"]
        if case["claims_json"] is not None:
            record.append(f"claims_json {escape(case['claims_json'])}")
        if case["expect"] == "valid":
            envelope = {"iss": party, "sub": party, "aud": audience, "jti": jti,
                        "iat": now, "nbf": now, "exp": now + 30}
            members = json.loads(case["claims_json"]) if case["claims_json"] is not None else {}
            assert not set(envelope) & set(members), case["name"]
            record += ["expect valid",
                       f"claims {escape(canonical({**envelope, **members}, sort_keys=False))}"]
        else:
            record.append(f"expect {case['expect']['error']}")
        records.append(record)
    return records


def main(source: str, target: str) -> None:
    with open(source, encoding="utf-8") as f:
        document = json.load(f)
    if "sign_inputs" in document:
        records = jwt_records(document)
        lines = [line for record in records for line in record + ["end"]]
        write(target, lines, len(records))
        return
    lines = []
    count = 0
    for vector in document["vectors"]:
        verifier = vector["verifier"]
        expect = vector["expect"]
        lines.append(f"name {escape(vector['name'])}")
        lines.append("type token")
        lines.append(f"token {escape(vector['token'])}")
        lines.append(f"audience {escape(verifier['audience'])}")
        lines.append(f"now {int(verifier['now'])}")
        lines.append(f"leeway {int(verifier.get('leeway', 0))}")
        if verifier.get("client_id") is not None:
            lines.append(f"client_id {escape(verifier['client_id'])}")
        for root in verifier["trusted_roots"]:
            lines.append(f"root {escape(root)}")
        lines.append(f"expect {expect if expect == 'valid' else expect['error']}")
        lines.append("end")
        count += 1
    # Hostile loader inputs (core/examples/hostile_cases.rs): a signer, or a trust anchor.
    for case in document.get("signer_inputs", []):
        lines += [f"name {escape(case['name'])}", "type signer", f"key {escape(case['key_pem'])}",
                  f"chain {escape(case['chain_pem'])}", f"client_id {escape(case['client_id'])}",
                  f"expect {case['expect']}", "end"]
        count += 1
    for case in document.get("trust_inputs", []):
        lines += [f"name {escape(case['name'])}", "type anchor", f"root {escape(case['root'])}",
                  f"expect {case['expect']}", "end"]
        count += 1
    write(target, lines, count)


def write(target: str, lines: list[str], count: int) -> None:
    with open(target, "w", encoding="utf-8", newline="\n") as f:
        f.write(f"count {count}\n" + "\n".join(lines) + "\n")
    print(f"{target}: {count} records")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: vectors_to_text.py VECTORS_JSON OUT_TXT")
    main(sys.argv[1], sys.argv[2])
