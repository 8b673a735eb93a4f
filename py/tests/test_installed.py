"""The suite runs against the installed wheel, not the source tree."""

from __future__ import annotations

import importlib.metadata
import sys
import sysconfig
from pathlib import Path

import ishare_jwt
import ishare_jwt._native


def test_imported_from_site_packages() -> None:
    site = {Path(sysconfig.get_paths()[k]).resolve() for k in ("purelib", "platlib")}
    package = Path(ishare_jwt.__file__).resolve().parent
    assert package.parent in site, f"ishare_jwt imported from {package}, not {site}"
    assert Path(ishare_jwt._native.__file__).resolve().parent == package


def test_running_in_a_virtual_environment() -> None:
    assert sys.prefix != sys.base_prefix


def test_wheel_ships_stubs_and_marker() -> None:
    package = Path(ishare_jwt.__file__).resolve().parent
    assert (package / "py.typed").is_file()
    assert (package / "_native.pyi").is_file()


def test_version() -> None:
    assert ishare_jwt.__version__.count(".") == 2
    assert ishare_jwt.__version__ == importlib.metadata.version("ishare-jwt")


def test_the_wheel_signs_with_aws_lc() -> None:
    # py/Cargo.toml builds the wheel with the aws-lc backend by default.
    assert ishare_jwt.BACKEND == "aws-lc"
    assert ishare_jwt._native.BACKEND == "aws-lc"
    assert "BACKEND" in ishare_jwt.__all__
