"""Kill this process with SIGKILL at a chosen file-system step: for the fault tests only.

A test starts a real ``kg`` command with ``KG_TEST_CRASH=<call>:<name>:<n>:<before|after>``
and this module imported before anything of kg (see :data:`RUN_KG`). The n-th call of
``os.<call>`` (or ``shutil.rmtree``) with an argument whose file name contains ``<name>``
then kills the process just before or just after it does its work, e.g.
``rename:store:2:before`` is "between the two renames that swap the store in".
No production code knows about this: the calls are wrapped from outside.
"""

from __future__ import annotations

import os
import shutil
import signal

#: What a test runs: ``python -c RUN_KG <kg arguments>``.
RUN_KG = "import sys, crashpoint; crashpoint.arm(); from kg.cli import main; sys.exit(main(sys.argv[1:]))"


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def arm(spec: str | None = None) -> None:
    spec = spec if spec is not None else os.environ.get("KG_TEST_CRASH", "")
    if not spec:
        return
    call, name, nth, when = spec.split(":")
    owner = shutil if call == "rmtree" else os
    original = getattr(owner, call)
    seen = 0

    def wrapped(*args, **kwargs):
        nonlocal seen
        paths = [os.path.basename(os.fspath(a)) for a in args if isinstance(a, (str, os.PathLike))]
        if not name or any(name in p for p in paths):
            seen += 1
            if seen == int(nth):
                if when == "before":
                    _die()
                result = original(*args, **kwargs)
                _die()
                return result
        return original(*args, **kwargs)

    setattr(owner, call, wrapped)
