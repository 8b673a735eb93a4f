#!/usr/bin/env python3
"""Turns tests/vectors/vectors.json into a line-oriented file the C tests read.

    python3 tests/c/vectors_to_text.py tests/vectors/vectors.json OUT.txt

One record per vector, `key value` lines ended by a line `end`:
name, token, audience, now, leeway, client_id (only when given), root (once
per trusted root), expect (`valid` or an error kind). In values a backslash
is written `\\`, a newline `\n` and a carriage return `\r`.
"""

import json
import sys


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")


def main(source: str, target: str) -> None:
    with open(source, encoding="utf-8") as f:
        vectors = json.load(f)["vectors"]
    lines = []
    for vector in vectors:
        verifier = vector["verifier"]
        expect = vector["expect"]
        lines.append(f"name {escape(vector['name'])}")
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
    with open(target, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{target}: {len(vectors)} vectors")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: vectors_to_text.py VECTORS_JSON OUT_TXT")
    main(sys.argv[1], sys.argv[2])
