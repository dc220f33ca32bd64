"""Hypothesis settings shared by the fuzz tests: bounded in time, the same examples on every run.

CI runs a fixed number of examples from a fixed seed, so a run takes the same
time and a failure can be replayed. ``KG_FUZZ_EXAMPLES=N`` multiplies the
number of examples by N and ``KG_FUZZ_RANDOM=1`` draws a new seed each run, to
look further on a developer's machine.
"""

from __future__ import annotations

import os

import external
import pytest
from hypothesis import HealthCheck, settings

#: For tests that use no store: the external-store run (KG_TEST_STORE=external) would only repeat them.
ONCE = pytest.mark.skipif(external.ENABLED, reason="no store involved: the embedded-store run covers it")
#: For tests that serve a store made in a folder: they are about the embedded store.
EMBEDDED = [pytest.mark.slow, pytest.mark.embedded]


def bounded(examples: int) -> settings:
    scale = max(1, int(os.environ.get("KG_FUZZ_EXAMPLES", "1")))
    return settings(
        max_examples=examples * scale,
        deadline=None,                 # a server round trip or a worker restart is not a slow test
        database=None,                 # nothing written into the work tree
        derandomize=not os.environ.get("KG_FUZZ_RANDOM"),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                               HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )
