"""Waiting for something to happen, not for a fixed time: robust on a slow or loaded machine.

A test that needs a server to start, a worker to die, a file to appear or a log
line to be written polls for that condition with :func:`wait_until` (or
:func:`eventually` inside a coroutine). The deadline is generous (30 s by
default) because it only bounds a hang: a condition that holds returns at once.
When the deadline passes, the error names what was awaited.

A predicate may raise to give up early (e.g. the process it waits for has
exited): the exception goes through unchanged.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

#: Seconds a test waits for a condition before it gives up (a hang, not a slow machine).
TIMEOUT = 30.0


class WaitTimeout(AssertionError):
    """A condition did not hold within its deadline (an AssertionError: the test fails, not errors)."""


def _give_up(what: str, timeout: float, detail: Callable[[], str] | None) -> WaitTimeout:
    message = f"gave up after {timeout:g} s waiting for {what}"
    if detail is not None:
        try:
            message += f"\n{detail()}"
        except Exception as e:  # pragma: no cover - the detail is a courtesy
            message += f"\n(no detail: {e!r})"
    return WaitTimeout(message)


def wait_until(predicate: Callable[[], T], *, timeout: float = TIMEOUT, what: str = "a condition",
               interval: float = 0.05, detail: Callable[[], str] | None = None) -> T:
    """Call ``predicate`` until it returns something true, and return that; fail after ``timeout`` s.

    ``what`` says in the error what was awaited ("kg serve to answer on port 1234");
    ``detail()``, if given, adds what the test knows by then (a server's log, say).
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise _give_up(what, timeout, detail)
        time.sleep(interval)


async def eventually(predicate: Callable[[], T], *, timeout: float = TIMEOUT, what: str = "a condition",
                     interval: float = 0.01, detail: Callable[[], str] | None = None) -> T:
    """:func:`wait_until` for a coroutine: the event loop runs on while it waits."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if loop.time() > deadline:
            raise _give_up(what, timeout, detail)
        await asyncio.sleep(interval)
