"""Swapping a new store in, and cleaning up after a writer that was killed.

Nothing writes the store that servers read: a writer fills a new folder beside it
(:func:`staged`), and :func:`install` swaps that folder and its manifest in by
renames, so readers see the old store or the new one, never a mix. :func:`repair`
puts right what a killed writer left between those steps.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.config import Settings
from kg.store.embedded import is_store_folder
from kg.store.manifest import manifest_path

logger = logging.getLogger(__name__)


@contextmanager
def staged(settings: Settings) -> Iterator[tuple[Path, Path]]:
    """(new store folder, new manifest file) beside the real ones, for this process.

    The caller fills both, then calls :func:`install`; on any exception both are removed
    and the store in place is untouched.
    """
    target = settings.store_dir
    target.parent.mkdir(parents=True, exist_ok=True)
    sweep(target)
    tmp = target.with_name(f"{target.name}.new-{os.getpid()}")
    tmp_manifest = manifest_path(settings).with_name(f"{manifest_path(settings).name}.new-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        yield tmp, tmp_manifest
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp_manifest.unlink(missing_ok=True)
        raise


INNER_MANIFEST = "spkg-build.json"  # the manifest's copy inside the store folder it describes


def keep_manifest_inside(store_dir: Path, manifest_file: Path) -> None:
    """Copy the manifest into the (not yet swapped-in) store folder.

    The store and ``build.json`` are replaced by two renames; a process killed
    between them leaves a new store beside the old manifest. The copy inside
    lets :func:`repair` put the right manifest back. RocksDB ignores the file.
    """
    shutil.copyfile(manifest_file, store_dir / INNER_MANIFEST)


def install(settings: Settings, new_store: Path, new_manifest: Path) -> None:
    """Swap a finished store folder and its manifest in: a copy inside, the store, then build.json."""
    keep_manifest_inside(new_store, new_manifest)
    swap(new_store, settings.store_dir)
    os.replace(new_manifest, manifest_path(settings))


def _dead(pid: str) -> bool:
    return pid.isdigit() and (int(pid) == os.getpid() or not process_alive(int(pid)))


def _owner(suffix: str) -> str:
    """The pid in a temp name's ``{pid}`` or ``{pid}.tmp`` (RocksDB's checkpoint fills ``NAME.tmp``, then renames it)."""
    return suffix[:-len(".tmp")] if suffix.endswith(".tmp") else suffix


def sweep(target: Path) -> None:
    """Clean up after builds and writes that died (their process is gone).

    Killed between the two renames of :func:`swap`, a writer leaves no store
    at ``target`` but the previous one at ``target.old-PID``: it is put back
    (its manifest is still the current one). Then the temp folders and
    manifest files of dead processes go, ``target.new-PID.tmp`` too (a copy
    killed halfway: RocksDB's checkpoint fills that folder, then renames it).
    """
    if not is_store_folder(target):
        for old in sorted(target.parent.glob(f"{target.name}.old-*")):
            if _dead(old.name.rpartition("-")[2]) and is_store_folder(old):
                logger.warning("putting back the store a killed build had moved away (%s)", old.name)
                os.rename(old, target)
                break
    for p in target.parent.glob(f"{target.name}.*-*"):
        kind, _, pid = p.name[len(target.name) + 1:].partition("-")
        if kind in ("new", "old") and _dead(_owner(pid)):
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)
    manifest_name = "build.json" if target.name == "store" else f"{target.name}.build.json"
    for p in target.parent.glob(f"{manifest_name}.new-*"):
        if _dead(_owner(p.name.rpartition("-")[2])):
            p.unlink(missing_ok=True)


def repair(settings: Settings) -> list[str]:
    """Repair what a killed `kg build`, ingest or partner write left in the store folder; messages.

    Run before a store is opened for serving or written: afterwards the store
    in place and ``build.json`` describe the same version.
    """
    target = settings.store_dir
    if not target.parent.is_dir():
        return []
    had_store = is_store_folder(target)
    sweep(target)
    messages = []
    if not had_store and is_store_folder(target):
        messages.append(f"put back the store an interrupted build had moved away ({target})")
    inner, outer = target / INNER_MANIFEST, manifest_path(settings)
    if settings.external or not inner.is_file():
        return messages
    data = inner.read_bytes()
    if outer.is_file() and outer.read_bytes() == data:
        return messages
    tmp = outer.with_name(f"{outer.name}.new-{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, outer)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        logger.warning("could not restore %s from the store: %s", outer, e)
        return messages
    messages.append(f"restored {outer.name} from the store (a build or write was interrupted after the swap)")
    return messages


def process_alive(pid: int) -> bool:
    """True if a process with this pid runs (temp folders carry their owner's pid).

    A zombie is not running: killed and not yet reaped by its parent, it will
    never finish what it started (a restart must clean up after it at once).
    """
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            state = f.read().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True  # no /proc (not Linux), or it just ended: as kill() said
    return state not in (b"Z", b"X")


def swap(new: Path, target: Path) -> None:
    """Put ``new`` where ``target`` is: rename the old away, the new in, delete the old."""
    old = target.with_name(f"{target.name}.old-{os.getpid()}")
    shutil.rmtree(old, ignore_errors=True)
    had_old = target.exists()
    if had_old:
        os.rename(target, old)
    try:
        os.rename(new, target)
    except OSError:
        if had_old:
            os.rename(old, target)
        raise
    if had_old:
        shutil.rmtree(old, ignore_errors=True)
