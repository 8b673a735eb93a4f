#!/usr/bin/env python3
"""The README's "API in one screen" against the header it summarises.

The screen is a declaration list in shorthand, not C: parameters by name
(`&signer` for the out-parameter `signer_out`), `a / _b / _c(args)` for
functions that share a prefix, return type and parameters
(`ishare_jwt_issuer / _jti(jwt)` = `ishare_jwt_issuer(jwt)`, `ishare_jwt_jti(jwt)`),
and a second declaration on a line without a return type takes the first's.
Every function it names must be in the header with that return type and
those parameters, in order, so a line that drifts from the header fails.

Usage: check_api_screen.py SCREEN.c HEADER.h
Prints one line per function; exits 1 on any mismatch.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

IDENT = r"[A-Za-z_]\w*"


def without_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def normal_type(text: str) -> str:
    """`const char   *` and `const char*` alike."""
    return re.sub(r"\s*\*\s*", "*", " ".join(text.split())).strip()


def header_functions(header: str) -> dict[str, tuple[str, list[str]]]:
    """name -> (return type, parameter names) of every ishare_ function."""
    found = {}
    for m in re.finditer(r"([\w \t*]+?)\b(ishare_\w+)\s*\(([^()]*)\)\s*;", without_comments(header)):
        returns = normal_type(m[1].split("\n")[-1] if "\n" in m[1] else m[1])
        if returns.startswith("typedef"):
            continue
        params = [p.strip() for p in m[3].split(",")]
        names = [] if params == ["void"] else [re.findall(IDENT, p)[-1] for p in params]
        found[m[2]] = (returns, names)
    return found


def screen_declarations(screen: str):
    """(line, return type, [names as written, shorthand expanded later], parameters)."""
    text = without_comments(screen)
    # Statements end at ';'; a declaration may span lines.
    line_of = [0]
    for i, ch in enumerate(text):
        line_of.append(line_of[-1] + (ch == "\n"))
    returns = None
    last_line = -1
    for m in re.finditer(r"[^;]+;", text):
        statement = " ".join(m[0][:-1].split())
        line = line_of[m.start() + len(m[0]) - len(m[0].lstrip())] + 1
        decl = re.fullmatch(r"(.*?)\b(ishare_\w+(?:\s*/\s*_\w+)*)\s*\((.*)\)", statement)
        if decl is None:
            yield line, None, [statement], []
            continue
        written_returns = normal_type(decl[1])
        if written_returns:
            returns = written_returns
        elif line != last_line or returns is None:
            yield line, None, [statement], []
            continue
        last_line = line
        names = [n.strip() for n in decl[2].split("/")]
        params = [p.strip() for p in decl[3].split(",")] if decl[3].strip() not in ("", "void") else []
        yield line, returns, names, params


def expand(names: list[str], known: dict) -> list[str]:
    """`ishare_jwt_issuer / _jti` -> both names: the alternative replaces the
    first name's tail after one of its underscores (the one that names a
    function of the header; the longest prefix if several do)."""
    first, *alternatives = names
    out = [first]
    for alt in alternatives:
        cuts = [i for i, ch in enumerate(first) if ch == "_"]
        candidates = [first[:i] + alt for i in reversed(cuts) if first[:i] + alt in known]
        out.append(candidates[0] if candidates else first.rsplit("_", 1)[0] + alt)
    return out


def main(screen_path: str, header_path: str) -> int:
    known = header_functions(Path(header_path).read_text(encoding="utf-8"))
    if len(known) < 50:
        print(f"check_api_screen: only {len(known)} functions read from {header_path}: the reader is broken")
        return 1
    failures = checked = 0
    for line, returns, names, params in screen_declarations(Path(screen_path).read_text(encoding="utf-8")):
        if returns is None:
            print(f"not ok: screen line {line}: not a declaration: {names[0]!r}")
            failures += 1
            continue
        for name in expand(names, known):
            checked += 1
            problem = None
            if name not in known:
                problem = "no such function in the header"
            else:
                want_returns, want_params = known[name]
                wrote = [p[1:] + "_out" if p.startswith("&") else p for p in params]
                if returns != want_returns:
                    problem = f"returns {want_returns!r} in the header, {returns!r} here"
                elif wrote != want_params:
                    problem = f"parameters ({', '.join(want_params)}) in the header, ({', '.join(wrote)}) here"
            if problem:
                failures += 1
                print(f"not ok: screen line {line}: {name}: {problem}")
    listed = {n for _, r, names, _ in screen_declarations(Path(screen_path).read_text(encoding="utf-8")) if r
              for n in expand(names, known)}
    print(f"the API screen: {checked} functions checked against the header, {failures} wrong; "
          f"not on the screen: {', '.join(sorted(set(known) - listed)) or 'none'}")
    return 1 if failures or checked == 0 else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
