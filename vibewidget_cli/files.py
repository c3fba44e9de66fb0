"""Writing generated files without losing anything the user wrote.

For every file it writes, vibew keeps the text it generated (the base) under `.vibew/base/`
and its hash in the manifest. A file whose text is still its base is safely replaced; one the
user changed, or one vibew never wrote, is only replaced with `--force`, and then its old text
is kept beside it as `NAME.orig`. Every write is atomic: a temporary file in the same folder,
then a rename, so a crash leaves the old text or the new, never half of one.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from vibewidget_cli.errors import UserError
from vibewidget_cli.render import GeneratedFile

BASE_DIR = ".vibew/base"

Status = Literal["new", "unchanged", "update", "edited", "untracked"]


@dataclass(frozen=True)
class Change:
    file: GeneratedFile
    status: Status
    #: the text on disk now, when there is a file
    current: str | None = None


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_inside(root: Path, relative: str) -> Path:
    """`root / relative`, refusing any path that would leave the project."""
    path = (root / relative).resolve()
    if not path.is_relative_to(root.resolve()):
        raise UserError(f"{relative!r} is outside the project folder {root}")
    return path


def plan(root: Path, files: list[GeneratedFile], recorded: dict[str, str]) -> list[Change]:
    """What writing `files` would do to each, given the hashes recorded at the last write."""
    changes = []
    for file in files:
        path = check_inside(root, file.path)
        if not path.exists():
            changes.append(Change(file, "new"))
            continue
        current = path.read_text(encoding="utf-8")
        if current == file.text:
            status: Status = "unchanged"
        elif file.path not in recorded:
            status = "untracked"
        elif digest(current) == recorded[file.path]:
            status = "update"
        else:
            status = "edited"
        changes.append(Change(file, status, current))
    return changes


def refuse_overwrites(changes: list[Change]) -> None:
    """One clear line for the first file that only `--force` may replace."""
    for change in changes:
        if change.status == "untracked":
            raise UserError(
                f"{change.file.path} exists and was not written by vibew; "
                "use --force to replace it (its text is kept as .orig)"
            )
        if change.status == "edited":
            raise UserError(
                f"{change.file.path} has edits of yours; "
                "use --force to replace it (your text is kept as .orig)"
            )


def apply(root: Path, changes: list[Change]) -> dict[str, str]:
    """Write every change atomically, keeping bases; returns path → hash of what was written."""
    written = {}
    for change in changes:
        path = check_inside(root, change.file.path)
        if change.status in {"untracked", "edited"} and change.current is not None:
            atomic_write(path.with_name(path.name + ".orig"), change.current)
        if change.status != "unchanged":
            atomic_write(path, change.file.text)
        atomic_write(check_inside(root, f"{BASE_DIR}/{change.file.path}"), change.file.text)
        written[change.file.path] = digest(change.file.text)
    return written


def atomic_write(path: Path, text: str) -> None:
    """Replace `path` with `text` in one step: a crash leaves the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp makes the file private; give it the mode a plain open() would have.
        os.chmod(temporary, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def read_base(root: Path, relative: str) -> str | None:
    path = root / BASE_DIR / relative
    return path.read_text(encoding="utf-8") if path.is_file() else None
