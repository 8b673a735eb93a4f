#!/usr/bin/env python3
"""Turns tests/vectors/vectors.json into a line-oriented file the C tests read.

    python3 tests/c/vectors_to_text.py tests/vectors/vectors.json OUT.txt

A first line `count N`, then one record per case, `key value` lines ended
by a line `end`: name, type (`token`: token, audience, now, leeway,
client_id (only when given), root (once per trusted root); `signer`: key,
chain, client_id; `anchor`: root), expect (`valid` or an error kind). In values a backslash
is written `\\`, a newline `\n`, a carriage return `\r` and a NUL `\0`
(a C string ends there, as it would for a caller passing such a token).
"""

import json
import sys


def escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
            .replace("\0", "\\0"))


def main(source: str, target: str) -> None:
    with open(source, encoding="utf-8") as f:
        document = json.load(f)
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
    with open(target, "w", encoding="utf-8", newline="\n") as f:
        f.write(f"count {count}\n" + "\n".join(lines) + "\n")
    print(f"{target}: {count} records")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: vectors_to_text.py VECTORS_JSON OUT_TXT")
    main(sys.argv[1], sys.argv[2])
