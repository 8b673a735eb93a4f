#!/usr/bin/env python3
"""Every `c`, `cpp` and `cmake` block of the user documents, as written,
against an installed libishare_jwt (scripts/install-c PREFIX), every warning
an error, C and C++ programs under AddressSanitizer + UBSan:

- a C block with `main` is a whole program: built with the installed
  pkg-config file as the README builds it (shared, with the rpath: it must
  start without LD_LIBRARY_PATH) and run;
- a `cmake` block is a CMakeLists.txt: configured against PREFIX with each
  whole C++ program of the documents as its `app.cpp`, built and run;
- the README's "API in one screen" (id c-api) is checked line by line
  against the installed header (tests/c/check_api_screen.py);
- any other block is a fragment and needs a frame, tests/c/doc_frames/<name>
  (.c or .cpp), which includes it (`#include DOC_BLOCK`) with what it
  assumes around it and is compiled against the installed headers.

Programs run in a directory holding the documented test PKI's client key
and chain (testdata/pki/client-eori.*) as client.key.pem and
client.chain.pem. Blocks the documents mark `skip:` are counted as skipped.

Usage: tests/c/doc_blocks.py PREFIX WORKDIR
Last line: "c: N passed, M failed, K skipped" (one per block; scripts/test
adds it to its totals); exit status 1 on any failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
FRAMES = REPOSITORY / "tests" / "c" / "doc_frames"
PKI = REPOSITORY / "testdata" / "pki"
WARNINGS = ["-Wall", "-Wextra", "-Wpedantic", "-Werror"]
SANITIZE = ["-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-fno-sanitize-recover=all"]
RUN_ENV = {
    "ASAN_OPTIONS": "detect_leaks=1",
    "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1",
}


class BlockFailed(Exception):
    pass


def run(argv: list[str], cwd: Path | None = None, env: dict | None = None) -> str:
    print("+ " + " ".join(str(a) for a in argv), flush=True)
    full_env = {k: v for k, v in os.environ.items() if k != "LD_LIBRARY_PATH"}
    full_env.update(env or {})
    done = subprocess.run(argv, cwd=cwd, env=full_env, text=True, capture_output=True)
    if done.stdout.strip():
        print(done.stdout.rstrip())
    if done.stderr.strip():
        print(done.stderr.rstrip())
    if done.returncode != 0:
        raise BlockFailed(f"{Path(argv[0]).name} exited with {done.returncode}")
    return done.stdout


class Runner:
    def __init__(self, prefix: Path, work: Path):
        self.prefix = prefix
        self.work = work
        self.pkg_env = {"PKG_CONFIG_PATH": str(prefix / "lib" / "pkgconfig")}
        # block name -> False once a check involving it failed
        self.results: dict[str, bool] = {}

    def pkg_config(self, *args: str) -> list[str]:
        return run(["pkg-config", *args, "ishare_jwt"], env=self.pkg_env).split()

    def run_dir(self, name: str) -> Path:
        """A fresh directory with the test PKI's client key and chain."""
        where = self.work / "run" / name
        shutil.rmtree(where, ignore_errors=True)
        where.mkdir(parents=True)
        shutil.copyfile(PKI / "client-eori.key.pem", where / "client.key.pem")
        shutil.copyfile(PKI / "client-eori.chain.pem", where / "client.chain.pem")
        return where

    def check(self, name: str, blocks: list[Path], body) -> None:
        """One check of `blocks` (a CMake project checks its CMakeLists and its
        program at once); a block passes when every check of it passes."""
        start = time.monotonic()
        print(f"\n--- {name}", flush=True)
        try:
            body()
            ok = True
            print(f"ok: {name} ({time.monotonic() - start:.1f} s)")
        except BlockFailed as e:
            ok = False
            print(f"not ok: {name}: {e}")
        for block in blocks:
            self.results[block.stem] = self.results.get(block.stem, True) and ok

    def c_program(self, source: Path) -> None:
        where = self.run_dir(source.stem)
        binary = where / "app"
        libdir = self.pkg_config("--variable=libdir")[0]
        # The README's shared pkg-config command, with warnings and sanitizers.
        run(["gcc", "-std=c11", *WARNINGS, "-g", *SANITIZE, *self.pkg_config("--cflags"), str(source),
             "-o", str(binary), *self.pkg_config("--libs"), f"-Wl,-rpath,{libdir}"])
        run([str(binary)], cwd=where, env=RUN_ENV)

    def fragment(self, source: Path) -> None:
        frame = FRAMES / source.name
        if not frame.exists():
            raise BlockFailed(f"not a whole program and no frame {frame.relative_to(REPOSITORY)}: "
                              "make it a program, or add the frame that says what it assumes")
        compiler, std = ("gcc", "-std=c11") if source.suffix == ".c" else ("g++", "-std=c++17")
        run([compiler, std, *WARNINGS, *self.pkg_config("--cflags"), f'-DDOC_BLOCK="{source}"',
             "-c", str(frame), "-o", str(self.work / f"{source.stem}.o")])

    def api_screen(self, source: Path) -> None:
        run([sys.executable, str(REPOSITORY / "tests" / "c" / "check_api_screen.py"), str(source),
             str(self.prefix / "include" / "ishare_jwt.h")])

    def cmake_project(self, cmake: Path, program: Path) -> None:
        where = self.run_dir(f"{cmake.stem}-{program.stem}")
        project, build = where / "project", where / "build"
        project.mkdir()
        shutil.copyfile(cmake, project / "CMakeLists.txt")
        shutil.copyfile(program, project / "app.cpp")
        flags = " ".join(WARNINGS + SANITIZE)
        run(["cmake", "-S", str(project), "-B", str(build), "-DCMAKE_BUILD_TYPE=Debug",
             f"-DCMAKE_PREFIX_PATH={self.prefix}", f"-DCMAKE_CXX_FLAGS={flags}",
             f"-DCMAKE_EXE_LINKER_FLAGS={' '.join(SANITIZE[:1])}"])
        run(["cmake", "--build", str(build)])
        run([str(build / "app")], cwd=where, env=RUN_ENV)


def extract(language: str, out: Path) -> tuple[list[Path], int]:
    done = subprocess.run([str(REPOSITORY / "scripts" / "doc-blocks"), "extract", language, str(out)],
                          text=True, capture_output=True)
    sys.stderr.write(done.stderr)
    if done.returncode != 0:
        raise SystemExit(f"scripts/doc-blocks extract {language} failed")
    skipped = sum(1 for line in done.stderr.splitlines() if line.startswith("doc-blocks: SKIP"))
    return [Path(p) for p in done.stdout.split()], skipped


def main(prefix: Path, work: Path) -> int:
    shutil.rmtree(work, ignore_errors=True)
    runner = Runner(prefix.resolve(), work.resolve())
    blocks = {}
    skipped = 0
    for language in ("c", "cpp", "cmake"):
        blocks[language], skips = extract(language, runner.work / "blocks")
        skipped += skips
    is_program = lambda p: "int main(" in p.read_text(encoding="utf-8")  # noqa: E731
    programs_cpp = [p for p in blocks["cpp"] if is_program(p)]

    def fails(why: str):
        def body():
            raise BlockFailed(why)
        return body

    for source in blocks["c"]:
        if source.stem.endswith("-c-api"):
            runner.check(f"{source.stem}: the declarations against ishare_jwt.h", [source],
                         lambda: runner.api_screen(source))
        elif is_program(source):
            runner.check(f"{source.stem}: built with pkg-config (shared, rpath), run under ASan", [source],
                         lambda: runner.c_program(source))
        else:
            runner.check(f"{source.stem}: a fragment compiled in its frame", [source],
                         lambda: runner.fragment(source))
    for source in blocks["cpp"]:
        if source not in programs_cpp:
            runner.check(f"{source.stem}: a fragment compiled in its frame", [source],
                         lambda: runner.fragment(source))
    if programs_cpp and not blocks["cmake"]:
        runner.check("the C++ programs", programs_cpp, fails("no cmake block documents how to build them"))
    for cmake in blocks["cmake"]:
        if not programs_cpp:
            runner.check(cmake.stem, [cmake], fails("no C++ program of the documents to build"))
        for program in programs_cpp:
            runner.check(f"{cmake.stem} building {program.stem} as app.cpp, run under ASan", [cmake, program],
                         lambda: runner.cmake_project(cmake, program))
    passed = sum(runner.results.values())
    failed = len(runner.results) - passed
    print(f"\ndoc blocks: {', '.join(f'{n} ' + ('ok' if ok else 'FAILED') for n, ok in runner.results.items())}")
    print(f"c: {passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed or not runner.results else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
