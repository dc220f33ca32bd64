"""Writing a batch's files all or nothing, so a crash or Ctrl-C leaves data/ as it was.

1. every new file is written in full to a staging folder
   ``data/.ingest-{pid}/``, beside the files it replaces (same file system),
   and flushed to disk (one ``os.sync()`` for the batch);
2. a journal in that folder lists the files; each file about to be replaced is
   hard-linked into the folder first, as its backup;
3. the staged files are moved over their targets with ``os.replace`` (atomic
   per file), a file to delete is moved into the folder;
4. on any exception (KeyboardInterrupt included) before the batch is done,
   every target already replaced gets its backup back and new files go;
5. a file that only grows (the partners' audit log) is appended to instead: the journal
   records its size before, and undoing the append cuts it back to that size;
6. the journal records each step, so a process killed between two renames is
   rolled back by the next ``kg ingest`` or ``kg build`` (:func:`roll_back`) before
   it does anything; a batch killed after the store took it, but before the
   journal said so, is kept instead (the store's manifest matches data/).

The staging folder starts with a dot and holds no ``.ttl`` file at the top of
data/, so ``kg build`` never loads it.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from kg.config import Settings
from kg.store.swap import process_alive

logger = logging.getLogger(__name__)

PREFIX = ".ingest-"
_replace = os.replace  # module attribute so tests can make a rename fail midway


@dataclass
class _File:
    name: str  # the target's file name in data/
    content: bytes | None  # None: delete the target
    had_old: bool = False
    done: bool = False
    append: bool = False  # content goes at the end of the target, which is otherwise kept
    old_size: int = 0  # the target's size before an append


@dataclass
class Transaction:
    data_dir: Path
    files: list[_File] = field(default_factory=list)
    state: str = "new"

    @property
    def folder(self) -> Path:
        return self.data_dir / f"{PREFIX}{os.getpid()}"

    @property
    def journal(self) -> Path:
        return self.folder / "journal.json"

    def write(self, name: str, content: bytes) -> None:
        self.files.append(_File(name, content))

    def delete(self, name: str) -> None:
        self.files.append(_File(name, None))

    def append(self, name: str, content: bytes) -> None:
        """Add ``content`` at the end of ``name``: what it costs does not grow with the file."""
        self.files.append(_File(name, content, append=True))

    def __len__(self) -> int:
        return len(self.files)

    # -- phases -------------------------------------------------------------------------

    def stage(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        try:
            self.folder.mkdir(parents=True)
            for f in self.files:
                if f.content is None or f.append:  # an append is small and undone by cutting it off
                    continue
                _write(self.folder / f.name, f.content)
            os.sync()  # once for the batch: much cheaper than an fsync per file
            self._mark("staged")
        except BaseException:  # a full disk, say: nothing outside the folder was touched yet
            shutil.rmtree(self.folder, ignore_errors=True)
            raise

    def commit(self) -> None:
        """Move every staged file into place; on any failure, put everything back and re-raise."""
        for f in self.files:
            f.had_old = (self.data_dir / f.name).exists()
            f.old_size = (self.data_dir / f.name).stat().st_size if f.append and f.had_old else 0
        self._mark("committing")
        try:
            for f in self.files:
                target = self.data_dir / f.name
                backup = self.folder / (f.name + ".old")
                target.parent.mkdir(parents=True, exist_ok=True)
                if f.append:
                    f.done = True  # before writing: a failure midway leaves a part to cut off
                    _append(target, f.content)
                    continue
                backup.parent.mkdir(parents=True, exist_ok=True)
                if f.had_old:
                    _backup(target, backup)
                if f.content is None:
                    if f.had_old:
                        _replace(target, self.folder / (f.name + ".deleted"))
                else:
                    _replace(self.folder / f.name, target)
                f.done = True
            _fsync_dir(self.data_dir)
            self._mark("committed")
        except BaseException:
            self.rollback()
            raise

    def rollback(self) -> None:
        """Put back every target already replaced (a staged file that is gone was moved into place).

        Only once committing has started: before that, nothing in data/ was touched.
        """
        if self.state not in ("committing", "committed"):
            self.finish()
            return
        for f in reversed(self.files):
            if f.append:
                if f.done:
                    _cut(self.data_dir / f.name, f.had_old, f.old_size)
            elif _moved(self.folder, f.name, f.content is None):
                _undo(self.data_dir, self.folder, f.name, f.had_old)
            f.done = False
        _fsync_dir(self.data_dir)
        self._mark("rolled-back", required=False)
        self.finish()

    def mark_stored(self) -> None:
        """The store now holds the batch: recovery must keep the files from here on.

        Not required: the folder goes next anyway, and should the process die
        first, :func:`roll_back` sees from the store's manifest that it is current.
        """
        self._mark("stored", required=False)

    def finish(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def _mark(self, state: str, *, required: bool = True) -> None:
        """Record ``state`` in the journal; ``required=False``: a full disk must not stop what follows."""
        self.state = state
        if not self.folder.exists():
            return
        tmp = self.journal.with_suffix(".tmp")
        try:
            _write(tmp, json.dumps({
                "pid": os.getpid(), "state": state,
                "files": [{"name": f.name, "delete": f.content is None, "had_old": f.had_old,
                           **({"append": True, "old_size": f.old_size} if f.append else {})} for f in self.files],
            }, indent=1).encode())
            os.replace(tmp, self.journal)
        except OSError:
            if required:
                raise
            logger.warning("could not record %r in %s", state, self.journal, exc_info=True)


def _write(path: Path, content: bytes) -> None:
    """Write a file; an OSError names it (a full disk's error on write() alone does not)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)  # partners/ keeps graphs in a folder per partner
        path.write_bytes(content)
    except OSError as e:
        if e.filename is not None:
            raise
        raise OSError(e.errno, e.strerror, str(path)) from None


def _append(path: Path, content: bytes) -> None:
    try:
        with path.open("ab") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
    except OSError as e:
        if e.filename is not None:
            raise
        raise OSError(e.errno, e.strerror, str(path)) from None


def _cut(path: Path, had_old: bool, old_size: int) -> None:
    """Undo an append: the file back to its size before (gone, if it did not exist)."""
    if not had_old:
        path.unlink(missing_ok=True)
    elif path.exists() and path.stat().st_size > old_size:
        os.truncate(path, old_size)


def _backup(target: Path, backup: Path) -> None:
    try:
        os.link(target, backup)
    except OSError:
        shutil.copy2(target, backup)


def _moved(folder: Path, name: str, delete: bool) -> bool:
    if delete:
        return (folder / (name + ".deleted")).exists()
    return not (folder / name).exists()


def _undo(data_dir: Path, folder: Path, name: str, had_old: bool) -> None:
    target = data_dir / name
    backup = folder / (name + ".old")
    if had_old and backup.exists():
        os.replace(backup, target)
    elif not had_old:
        target.unlink(missing_ok=True)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def roll_back(data_dir: Path, settings: Settings | None = None) -> list[str]:
    """Roll back what ingests that died midway left behind; messages for the user.

    With ``settings``, a batch whose files were all in place is kept when the
    store was already updated with it (killed after the swap, before the journal
    said "stored"): rolling data/ back then would leave the store ahead of it.
    """
    messages = []
    for folder in sorted(data_dir.glob(PREFIX + "*")):
        pid = folder.name[len(PREFIX):]
        if not pid.isdigit() or (int(pid) != os.getpid() and process_alive(int(pid))):
            continue
        try:
            journal = json.loads((folder / "journal.json").read_text())
        except (OSError, ValueError):
            shutil.rmtree(folder, ignore_errors=True)
            continue
        state = journal.get("state")
        where = f"{data_dir.name}/"  # data/ (kg ingest) or partners/ (a partner write)
        who = "kg ingest" if data_dir.name == "data" else "partner write"
        if state == "committed" and settings is not None and store_matches_data(settings):
            messages.append(f"an interrupted {who} (process {pid}) had already updated the store: its files "
                            f"in {where} were kept")
        elif state in ("committing", "committed"):
            undone = 0
            for f in reversed(journal.get("files", [])):
                if f.get("append"):  # cut back whatever part of the append was written
                    _cut(data_dir / f["name"], f.get("had_old", False), f.get("old_size", 0))
                    undone += 1
                elif _moved(folder, f["name"], f.get("delete", False)):
                    _undo(data_dir, folder, f["name"], f.get("had_old", False))
                    undone += 1
            _fsync_dir(data_dir)
            messages.append(f"an interrupted {who} (process {pid}) was rolled back: {undone} file(s) of {where} "
                            "restored")
        shutil.rmtree(folder, ignore_errors=True)
    return messages


def store_matches_data(settings: Settings) -> bool:
    """True when the store's manifest was made from data/ (and partners/) exactly as they are now."""
    from kg.rdf import sources as src
    from kg.errors import KGError
    from kg.rdf.sources import dataset_hash
    from kg.store import read_manifest

    try:
        manifest = read_manifest(settings)
        return manifest is not None and manifest.get("content_hash") == dataset_hash(settings, src.discover(settings))
    except (OSError, ValueError, KGError):
        return False
