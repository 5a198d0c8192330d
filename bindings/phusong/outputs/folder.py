"""The output folder of a run, replaced as a whole and atomically.

A run writes its complete output set into a staging folder beside the target
(``.NAME.phusong-staging-PID-XXXX`` in the same parent, so on the same file system), writes a
manifest (``phusong-manifest.json``: every file with its size and sha256), then swaps the staging
folder and the target in one ``renameat2(RENAME_EXCHANGE)`` call (Linux >= 3.15), or renames it
into place when there is no target yet. Readers therefore see either the whole earlier output set
or the whole new one, never a mixture; a file of an earlier run that the new run does not write
(fewer formats, no report) is gone with the earlier folder.

Where the exchange is not supported (some file systems), the fallback is two renames (target to
``.NAME.phusong-old-PID``, staging to target); a run killed between them leaves the old folder
beside a missing target, and the next run puts it back before doing anything else.

Checks made before any computation (:meth:`OutputFolder.check`): the target is a folder that
phusong wrote (it holds a manifest) or is empty or absent, it holds none of the run's inputs,
its parent is writable, names fit the file system. Staging and old folders left by killed runs
(their process is gone) are removed at the next run.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .. import _core

MANIFEST = "phusong-manifest.json"
_STAGING = ".phusong-staging-"
_OLD = ".phusong-old-"
NAME_MAX_BYTES = 255  # a file name (one path component) on Linux file systems
PATH_MAX_BYTES = 4095


class OutputError(_core.InputError):
    """An output folder that cannot be used (names the folder, what is wrong and the fix)."""


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchanges two paths (renameat2 RENAME_EXCHANGE). False when unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    AT_FDCWD, RENAME_EXCHANGE = -100, 2
    if fn(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, f"cannot exchange '{a}' and '{b}': {os.strerror(err)}")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class OutputFolder:
    """The target folder of a run. Use :meth:`check` before computing, then :meth:`stage`,
    write into the staging folder, and :meth:`commit` (or :meth:`abort`)."""

    def __init__(self, target: str | Path):
        self.target = Path(os.path.abspath(target))
        self.staging: Path | None = None

    # -- before any computation ------------------------------------------------------------
    def check(self, inputs: Iterable[str | Path] = (), file_names: Iterable[str] = ()) -> None:
        """Raises OutputError when the folder cannot receive this run's outputs.

        Args:
            inputs: every file the run reads (scenario, DEM, villages, ...): none may lie in the
                target folder, which the run replaces as a whole.
            file_names: names of the files the run will write (checked against NAME_MAX/PATH_MAX).
        """
        t = self.target
        longest = max([len(n.encode("utf-8")) for n in file_names] + [0])
        for name in [t.name, f".{t.name}{_STAGING}{os.getpid()}-xxxxxxxx"]:
            if len(name.encode("utf-8")) > NAME_MAX_BYTES:
                raise OutputError(f"output folder name '{t.name}' is longer than the file system allows "
                                  f"({len(t.name.encode('utf-8'))} bytes; at most {NAME_MAX_BYTES - 40}): "
                                  "choose a shorter name")
        for n in file_names:
            if len(n.encode("utf-8")) > NAME_MAX_BYTES:
                raise OutputError(f"output file name '{n}' is longer than {NAME_MAX_BYTES} bytes")
        if len(os.fsencode(t)) + 1 + longest > PATH_MAX_BYTES:
            raise OutputError(f"output folder '{t}': paths would exceed {PATH_MAX_BYTES} bytes; "
                              "choose a shorter path")
        self._recover()
        self.clean_stale()
        if t.exists() and not t.is_dir():
            raise OutputError(f"output folder '{t}' is a file; choose a folder (--out DIR or outputs.dir)")
        for p in inputs:
            q = Path(os.path.abspath(p))
            if q == t or t in q.parents:
                raise OutputError(
                    f"output folder '{t}' holds the input '{q}': a run replaces its output folder as a "
                    "whole; choose another folder (--out DIR or outputs.dir)")
        if t.is_dir() and any(t.iterdir()) and not (t / MANIFEST).is_file():
            raise OutputError(
                f"output folder '{t}' is not empty and was not written by phusong (no {MANIFEST}); "
                "a run replaces its output folder as a whole: choose an empty or new folder")
        parent = t.parent
        existing = parent
        while not existing.exists():
            existing = existing.parent
        if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
            raise OutputError(f"output folder '{t}': '{existing}' is not a writable folder")
    def _siblings(self, marker: str):
        parent = self.target.parent
        if not parent.is_dir():
            return
        prefix = f".{self.target.name}{marker}"
        for p in parent.iterdir():
            if p.name.startswith(prefix):
                pid_text = p.name[len(prefix):].split("-")[0]
                yield p, int(pid_text) if pid_text.isdigit() else -1

    def _recover(self) -> None:
        """Puts back an earlier output folder left aside by a run killed between two renames."""
        if self.target.exists():
            return
        for p, pid in self._siblings(_OLD):
            if not _pid_alive(pid) and (p / MANIFEST).is_file():
                os.rename(p, self.target)
                return

    def clean_stale(self) -> list[Path]:
        """Removes staging and old folders whose process is gone. Returns what it removed."""
        removed = []
        for marker in (_STAGING, _OLD):
            for p, pid in list(self._siblings(marker)):
                if pid != os.getpid() and not _pid_alive(pid):
                    shutil.rmtree(p, ignore_errors=True)
                    removed.append(p)
        return removed

    # -- writing ---------------------------------------------------------------------------
    def stage(self) -> Path:
        """Creates the staging folder (beside the target) and returns it."""
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=f".{self.target.name}{_STAGING}{os.getpid()}-",
                                             dir=self.target.parent))
        os.chmod(self.staging, 0o755)
        return self.staging

    def commit(self, files: list[Path], about: dict | None = None) -> list[Path]:
        """Writes the manifest and swaps the staging folder in. `files` are paths inside the
        staging folder; returns their final paths."""
        assert self.staging is not None, "stage() first"
        rel = sorted({Path(f).relative_to(self.staging).as_posix() for f in files})
        manifest = {"about": about or {},
                    "files": [{"path": r, "bytes": (self.staging / r).stat().st_size,
                               "sha256": _sha256(self.staging / r)} for r in rel]}
        with open(self.staging / MANIFEST, "w", encoding="utf-8") as f:
            json.dump(manifest, f, ensure_ascii=False, indent=1, sort_keys=True)
            f.write("\n")
        _fsync_tree(self.staging)
        t = self.target
        if not t.exists():
            os.rename(self.staging, t)
        elif _exchange(self.staging, t):
            shutil.rmtree(self.staging, ignore_errors=True)  # now holds the earlier outputs
        else:
            old = t.parent / f".{t.name}{_OLD}{os.getpid()}"
            shutil.rmtree(old, ignore_errors=True)
            try:
                os.rename(t, old)
                os.rename(self.staging, t)
            except BaseException:  # interrupted between the renames: put the earlier outputs back
                if not t.exists() and old.exists():
                    os.rename(old, t)
                raise
            shutil.rmtree(old, ignore_errors=True)
        _fsync_dir(t.parent)
        self.staging = None
        return [t / r for r in rel]

    def abort(self) -> None:
        """Removes the staging folder (the target is left as it was)."""
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    """Flushes every file and folder of the staging tree, so the swap never exposes files whose
    contents are not yet on disk."""
    for dirpath, _dirs, names in os.walk(root):
        for n in names:
            try:
                fd = os.open(os.path.join(dirpath, n), os.O_RDONLY)
            except OSError:
                continue
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(dirpath))


def verify(path: str | Path) -> list[str]:
    """Checks an output folder against its manifest: every listed file present with its size
    and sha256, and no other file. Returns the problems found (empty: the folder is whole)."""
    root = Path(path)
    mf = root / MANIFEST
    if not mf.is_file():
        return [f"{root}: no {MANIFEST}"]
    listed = json.loads(mf.read_text(encoding="utf-8"))["files"]
    problems = []
    names = set()
    for e in listed:
        f = root / e["path"]
        names.add(e["path"])
        if not f.is_file():
            problems.append(f"{f}: missing")
        elif f.stat().st_size != e["bytes"] or _sha256(f) != e["sha256"]:
            problems.append(f"{f}: differs from the manifest")
    for f in root.rglob("*"):
        rel = f.relative_to(root).as_posix()
        if f.is_file() and rel != MANIFEST and rel not in names:
            problems.append(f"{f}: not in the manifest (left from another run?)")
    return problems
