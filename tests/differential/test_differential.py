"""Differential testing: every generated case (cases.py) judged by the
installed ishare_jwt wheel and by the independent reference (reference.py);
their verdicts — accept or refuse, and the error kind — must agree, and the
wheel's `explain` report of the case must give verify's verdict and kind. A
disagreement fails with hypothesis's shrunk, minimal case printed.

Two runs of ISHARE_DIFFERENTIAL_CASES / 2 cases each (default 2 000 in all):
one with a fixed seed (the same cases every CI run), one with a random seed,
printed so that a failure can be replayed:
    ISHARE_DIFFERENTIAL_SEED=<seed> scripts/differential N
"""

from __future__ import annotations

import os
import random
from collections import Counter

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings

from cases import Case, cases, judged_by_the_library
from reference import judge

TOTAL = int(os.environ.get("ISHARE_DIFFERENTIAL_CASES", "2000"))
FIXED_SEED = 20261201
RANDOM_SEED = int(os.environ.get("ISHARE_DIFFERENTIAL_SEED", str(random.SystemRandom().randrange(2**32))))
VERDICTS: Counter[str] = Counter()


def _run(case: Case) -> None:
    ours = judged_by_the_library(case)
    theirs = judge(case.token, case.now, case.client_id, case.settings())
    VERDICTS[ours or "accepted"] += 1
    judged = sum(VERDICTS.values())
    if judged % 5000 == 0:  # long runs (scripts/differential 100000) show progress
        print(f"differential: {judged} cases judged alike so far", flush=True)
    assert ours == theirs, f"library: {ours or 'accepted'}, reference: {theirs or 'accepted'}\n{case!r}"


def _differential(seed_value: int):  # type: ignore[no-untyped-def]
    @seed(seed_value)
    @settings(
        max_examples=TOTAL // 2,
        deadline=None,
        database=None,
        derandomize=False,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        print_blob=False,
    )
    @given(cases())
    def check(case: Case) -> None:
        _run(case)

    return check


def test_fixed_seed() -> None:
    print(f"\ndifferential: fixed seed {FIXED_SEED}, {TOTAL // 2} cases")
    _differential(FIXED_SEED)()


def test_random_seed() -> None:
    print(f"\ndifferential: random seed {RANDOM_SEED} (ISHARE_DIFFERENTIAL_SEED={RANDOM_SEED} to replay), {TOTAL // 2} cases")
    _differential(RANDOM_SEED)()


@pytest.fixture(scope="session", autouse=True)
def _report() -> object:
    yield None
    accepted = VERDICTS.pop("accepted", 0)
    print(f"\ndifferential: {sum(VERDICTS.values()) + accepted} cases judged alike by verify, explain and the reference: {accepted} accepted, refused as {dict(VERDICTS.most_common())}")
