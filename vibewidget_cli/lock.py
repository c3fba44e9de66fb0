"""One vibew command at a time per project: a file lock every command holds while it works.

Two commands in one folder (two terminals, a script and a person) would otherwise both read
`vibew.toml`, both add their widget, and the last to write would drop the other's. The lock
file lives in the system's temporary folder, named after the project's resolved path, so
that taking it writes nothing into the project (a refused command leaves the folder as it
was) and the same folder reached through a symlink is the same project.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from vibewidget_cli.errors import UserError

#: Seconds a command waits for another one in the same project before it gives up.
DEFAULT_TIMEOUT = 60.0


def lock_path(root: Path) -> Path:
    """The lock file of the project at `root` (the same for every path that reaches it)."""
    key = hashlib.sha256(str(root.resolve()).encode("utf-8", "surrogateescape")).hexdigest()
    return Path(tempfile.gettempdir()) / f"vibew-{key[:20]}.lock"


@contextmanager
def project_lock(root: Path, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the project's lock; `waiting()` is called once if another command holds it first.

    Gives up after $VIBEW_LOCK_TIMEOUT seconds (default 60) with one line.
    """
    from filelock import FileLock, Timeout  # deferred: only commands that touch a project

    timeout = _timeout()
    lock = FileLock(lock_path(root), mode=0o666)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if waiting is not None:
            waiting()
        try:
            lock.acquire(timeout=timeout)
        except Timeout:
            raise UserError(
                f"another vibew command is still working in {root.resolve()} after "
                f"{timeout:g}s; try again when it ends (VIBEW_LOCK_TIMEOUT sets the wait)"
            ) from None
    try:
        yield
    finally:
        lock.release()


def _timeout() -> float:
    text = os.environ.get("VIBEW_LOCK_TIMEOUT", "")
    if not text:
        return DEFAULT_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        raise UserError(f"VIBEW_LOCK_TIMEOUT={text!r} is not a number of seconds") from None
    if not value >= 0:  # NaN included
        raise UserError(f"VIBEW_LOCK_TIMEOUT={text!r} must be zero or more seconds")
    return value
