#!/usr/bin/env python3
"""Every `kotlin` block of the user documents, compiled with kotlinc against
the jar scripts/build-jar made, and run where it can run; every `swift` block
reported as skipped, by name (no block of it is compiled here).

A block with `fun main(` is a whole program. Any other block needs a frame,
uniffi-bindings/tests/doc_frames/<name>.kt, whose `// DOC_BLOCK` line the
block replaces: the frame gives what the block assumes (its inputs from the
documented test PKI, stand-ins for libraries not on the class path) and,
where the block can run, a `main` (in `@file:JvmName("DocBlock")`) that runs
it and checks what it did. All are compiled at once (each on its own when
that fails, to name the culprit); each `main` gets the arguments:
tests/vectors/ (the documented test PKI), testdata/pki/ (the test token
endpoint's PKI), the test token endpoint's URL.

Usage: doc_blocks.py KOTLINC CLASSPATH WORKDIR VECTORS_DIR PKI_DIR ENDPOINT_URL
Prints "kotlin-docs: N passed, M failed" (one per kotlin block) and
"docs-skipped: K (...)" (the swift blocks and the blocks the documents mark
skip); exit status 1 on any failure.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
FRAMES = Path(__file__).resolve().parent / "doc_frames"
MARK = "// DOC_BLOCK"


def extract(language: str, out: Path) -> tuple[list[Path], int]:
    """The blocks written to `out`, and how many the documents mark skip."""
    done = subprocess.run([str(REPOSITORY / "scripts" / "doc-blocks"), "extract", language, str(out)],
                          text=True, capture_output=True)
    sys.stdout.write(done.stderr)  # the skip lines, with their reasons
    if done.returncode != 0:
        raise SystemExit(f"scripts/doc-blocks extract {language} failed")
    marked = sum(1 for line in done.stderr.splitlines() if line.startswith("doc-blocks: SKIP"))
    return [Path(p) for p in done.stdout.split()], marked


def compose(block: Path, out: Path) -> tuple[Path | None, str]:
    """The source to compile for `block`, or None and why there is none."""
    code = block.read_text(encoding="utf-8")
    target = out / block.name
    if "fun main(" in code:
        shutil.copyfile(block, target)
        return target, ""
    frame = FRAMES / block.name
    if not frame.exists():
        return None, (f"not a whole program and no frame {frame.relative_to(REPOSITORY)}: make it a "
                      f"program, or add the frame that says what it assumes")
    text = frame.read_text(encoding="utf-8")
    if text.count(MARK) != 1:
        return None, f"{frame.name} must have exactly one '{MARK}' line"
    target.write_text(text.replace(MARK, code), encoding="utf-8")
    return target, ""


def kotlinc(kotlinc_path: str, classpath: str, sources: list[Path], jar: Path) -> bool:
    argv = [kotlinc_path, "-cp", classpath, "-d", str(jar), *map(str, sources)]
    print("+ " + " ".join(argv), flush=True)
    return subprocess.run(argv).returncode == 0


def main(kotlinc_path: str, classpath: str, work: Path, *program_args: str) -> int:
    shutil.rmtree(work, ignore_errors=True)
    blocks_dir, sources_dir = work / "blocks", work / "sources"
    sources_dir.mkdir(parents=True)
    results: dict[str, str | None] = {}  # block -> None (passed) or why it failed

    swift, swift_marked = extract("swift", work / "swift")
    kotlin, kotlin_marked = extract("kotlin", blocks_dir)
    composed: dict[str, Path] = {}
    for block in kotlin:
        source, why = compose(block, sources_dir)
        if source is None:
            results[block.stem] = why
        else:
            composed[block.stem] = source

    start = time.monotonic()
    jar = work / "doc-blocks.jar"
    if composed and not kotlinc(kotlinc_path, classpath, list(composed.values()), jar):
        print("kotlinc failed on the blocks together; compiling each alone to name the one that fails")
        for name, source in list(composed.items()):
            if not kotlinc(kotlinc_path, classpath, [source], work / f"{name}.jar"):
                results[name] = "does not compile against the jar"
                del composed[name]
        # The others, together again, so that they still run.
        if composed and not kotlinc(kotlinc_path, classpath, list(composed.values()), jar):
            for name in composed:
                results[name] = "compiles alone but not with the other blocks (a name clash?)"
            composed = {}
    print(f"kotlinc: {time.monotonic() - start:.0f} s")

    for name, source in composed.items():
        text = source.read_text(encoding="utf-8")
        if "fun main(" not in text:
            print(f"ok: {name}: compiled (not runnable here; its frame says why)")
            results[name] = None
            continue
        package = re.search(r"^package\s+([\w.]+)", text, re.M)
        main_class = (package[1] + "." if package else "") + "DocBlock"
        argv = ["java", "-cp", f"{classpath}:{jar}", main_class, *program_args]
        print("+ " + " ".join(argv), flush=True)
        started = time.monotonic()
        done = subprocess.run(argv, cwd=work)
        if done.returncode == 0:
            print(f"ok: {name}: compiled and ran ({time.monotonic() - started:.1f} s)")
            results[name] = None
        else:
            results[name] = f"ran and exited with {done.returncode}"

    for name, why in results.items():
        if why is not None:
            print(f"not ok: {name}: {why}")
    if swift:
        print("\n############################################################")
        why = ("a Swift toolchain is present, but no frames for Swift blocks are written yet"
               if shutil.which("swiftc") else "no Swift toolchain here")
        print(f"## SKIPPED: {len(swift)} swift block(s) of the documents were NOT compiled or run")
        print(f"## ({why}):")
        for block in swift:
            print(f"##   {block.stem}")
        print("############################################################\n")
    failed = sum(1 for why in results.values() if why is not None)
    print(f"kotlin-docs: {len(results) - failed} passed, {failed} failed")
    print(f"docs-skipped: {len(swift) + swift_marked + kotlin_marked} "
          f"({len(swift)} swift blocks not run here, {swift_marked + kotlin_marked} marked skip in the documents)")
    return 1 if failed or not results else 0


if __name__ == "__main__":
    if len(sys.argv) != 7:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2], Path(sys.argv[3]), *sys.argv[4:]))
