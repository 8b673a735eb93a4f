"""The Python blocks of the user documents, as ``scripts/doc-blocks`` extracts
them (verbatim; a block is left out only with a stated skip reason), and a way
to run one with only the names its document says are the reader's own."""

from __future__ import annotations

import functools
import subprocess
import sys
import tempfile
import types
from pathlib import Path
from typing import Any

from support import REPOSITORY

#: Every runnable Python block of the user documents, and the test module
#: that runs it as written: a block nobody runs fails the suite
#: (test_readme.test_every_python_block_is_run).
RUNNERS = {
    "README-python-client": "test_readme.py",
    "README-python-server": "test_readme.py",
    "README-python-satellite": "test_readme.py",
    "README-python-redis": "test_readme.py",
    "py-README-client": "test_readme.py",
    "py-README-callback-signer": "test_readme.py",
    "py-README-sign-azure-key-vault": "test_readme.py",
    "py-README-sign-aws-kms": "test_readme.py",
    "py-README-sign-google-cloud-kms": "test_readme.py",
    "py-README-redis-stores": "test_readme.py",
    "py-README-flask-token-endpoint": "test_readme_token_endpoints.py",
    "py-README-fastapi-token-endpoint": "test_readme_token_endpoints.py",
    "py-README-django-token-endpoint": "test_readme_token_endpoints.py",
}


@functools.cache
def python_blocks() -> dict[str, str]:
    """Every runnable Python block, by its name (``README-python-client``,
    ``py-README-flask-token-endpoint``, ...)."""
    with tempfile.TemporaryDirectory() as out:
        done = subprocess.run(
            [sys.executable, str(REPOSITORY / "scripts" / "doc-blocks"), "extract", "python", out],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        paths = [Path(line) for line in done.stdout.splitlines()]
        return {path.stem: path.read_text(encoding="utf-8") for path in paths}


def skipped_blocks() -> list[str]:
    """The blocks left out, each with its reason (doc-blocks' SKIP lines)."""
    done = subprocess.run(
        [sys.executable, str(REPOSITORY / "scripts" / "doc-blocks"), "list"],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = [line.split("\t") for line in done.stdout.splitlines()]
    return [
        f"{row[0]}: {row[3]}" for row in rows if row[1] == "python" and row[3].startswith("skip:")
    ]


def run_block(name: str, namespace: dict[str, Any]) -> dict[str, Any]:
    """Runs block ``name`` as written in ``namespace`` (the reader's names go
    in beforehand; what the block defines is there afterwards)."""
    namespace.setdefault("__name__", name.replace("-", "_"))
    code = python_blocks()[name]
    exec(compile(code, f"<{name}>", "exec"), namespace)
    return namespace


def load_module(name: str, **given: Any) -> types.ModuleType:
    """Runs block ``name`` as the module ``name`` (in ``sys.modules``, as a web
    framework may look its app or routes up there), with ``given`` as the
    reader's names."""
    module_name = name.replace("-", "_")
    module = types.ModuleType(module_name)
    module.__dict__.update(given)
    sys.modules[module_name] = module
    run_block(name, module.__dict__)
    return module
