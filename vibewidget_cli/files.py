"""Writing generated files without losing anything the user wrote.

For every file it writes, vibew keeps the text it generated (the base) under `.vibew/base/`
and its hash in the manifest. A file whose text is still its base is safely replaced. One the
user changed gets vibew's changes (base → new text) merged into it, three-way, in the file's
own line endings; where both changed the same lines the file gets conflict markers and the
user decides. A file vibew never wrote, or one whose base is gone, is only replaced with
`--force`, and then its old text is kept beside it as `NAME.orig` (or `NAME.orig.1`, `.2`, ...
when an earlier copy is there: one is never overwritten).

All the files of one command are written as one transaction: each text goes to a temporary file
beside its target first, then every temporary file is renamed over its target, the manifest
last. A journal (`.vibew/pending.json`) records the renames, so a crash before them leaves the
old files and one during them is finished by the next vibew command: the project never stays
half old, half new.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from vibewidget_cli.errors import UserError
from vibewidget_cli.render import GeneratedFile

BASE_DIR = ".vibew/base"
JOURNAL = ".vibew/pending.json"
CONFLICT_START, CONFLICT_MIDDLE, CONFLICT_END = "<<<<<<<", "=======", ">>>>>>>"

# "merged": the user's edits with vibew's changes merged in; "conflict": merged, but with
# conflict markers where both changed the same lines; "edited": the user's edits and no base to
# merge them with (only --force replaces it).
Status = Literal["new", "unchanged", "update", "kept", "merged", "conflict", "edited", "untracked"]


@dataclass(frozen=True)
class Conflict:
    """Lines `start`..`end` (1-based, markers included) of a merged file need the user."""

    start: int
    end: int


@dataclass(frozen=True)
class Change:
    #: what vibew generates now: the file's next base
    file: GeneratedFile
    status: Status
    #: the text on disk now, when there is a file
    current: str | None = None
    #: for "merged" and "conflict": the user's text with vibew's changes merged in
    merged: str | None = None
    conflicts: tuple[Conflict, ...] = ()

    @property
    def text(self) -> str:
        """What the file holds once the change is applied."""
        if self.status in {"unchanged", "kept"} and self.current is not None:
            return self.current
        return self.merged if self.merged is not None else self.file.text

    def diff(self) -> str:
        """The change as a unified diff of the file (from /dev/null for a new file)."""
        before = "" if self.current is None else self.current
        return "".join(
            difflib.unified_diff(
                before.splitlines(keepends=True),
                self.text.splitlines(keepends=True),
                "/dev/null" if self.current is None else f"a/{self.file.path}",
                f"b/{self.file.path}",
            )
        )


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_inside(root: Path, relative: str) -> Path:
    """`root / relative`, refusing any path that would leave the project."""
    path = (root / relative).resolve()
    if not path.is_relative_to(root.resolve()):
        raise UserError(f"{relative!r} is outside the project folder {root}")
    return path


def plan(
    root: Path, files: list[GeneratedFile], recorded: dict[str, str], *, force: bool = False
) -> list[Change]:
    """What writing `files` would do to each, given the hashes recorded at the last write.

    A file the user edited is merged with vibew's changes, unless `force` asks to replace it.
    """
    changes = []
    for file in files:
        path = check_inside(root, file.path)
        if not path.exists():
            changes.append(Change(file, "new"))
            continue
        current = _read_text(path, file.path)
        merged: str | None = None
        conflicts: tuple[Conflict, ...] = ()
        base = read_base(root, file.path)
        if current == file.text:
            status: Status = "unchanged"
        elif file.path not in recorded:
            status = "untracked"
        elif digest(current) == recorded[file.path]:
            status = "update"
        elif digest(file.text) == recorded[file.path]:
            status = "kept"  # the user edited it and vibew has nothing new for it
        elif force or base is None or digest(base) != recorded[file.path]:
            status = "edited"
        else:
            merged, conflicts = merge(base, current, file.text)
            # When the merge changes nothing, vibew's changes were there already.
            status = "conflict" if conflicts else "merged" if merged != current else "kept"
        changes.append(Change(file, status, current, merged, conflicts))
    return changes


def merge(base: str, yours: str, new: str) -> tuple[str, tuple[Conflict, ...]]:
    """Three-way merge of vibew's change (`base` → `new`) into the user's text (`yours`).

    Lines that only one side changed take that side's text; lines both changed differently
    are kept both, between `<<<<<<< yours`, `=======` and `>>>>>>> vibew` markers. The result
    has the line endings of `yours`: vibew's text (always `\\n`) is converted to them first, or
    every line of a CRLF file would differ from its base and the merge would be all conflict.
    """
    import merge3

    eol = line_ending(yours)
    base, new = _with_line_ending(base, eol), _with_line_ending(new, eol)
    a, b = _lines(yours, eol), _lines(new, eol)
    m = merge3.Merge3(_lines(base, eol), a, b)
    lines: list[str] = []
    conflicts: list[Conflict] = []

    def marker(text: str) -> None:
        if lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += eol  # a last line without a newline must not swallow the marker
        lines.append(text + eol)

    # merge_lines() writes the same markers; walking the regions tells where each conflict is.
    for region in m.reprocess_merge_regions(m.merge_regions()):
        kind = region[0]
        if kind == "unchanged":
            lines += m.base[region[1] : region[2]]
        elif kind in {"a", "same"}:
            lines += a[region[1] : region[2]]
        elif kind == "b":
            lines += b[region[1] : region[2]]
        else:  # conflict
            *_, a_start, a_end, b_start, b_end = region
            start = len(lines) + 1
            marker(f"{CONFLICT_START} yours")
            lines += a[a_start:a_end]
            marker(CONFLICT_MIDDLE)
            lines += b[b_start:b_end]
            marker(f"{CONFLICT_END} vibew")
            conflicts.append(Conflict(start, len(lines)))
    return "".join(lines), tuple(conflicts)


def line_ending(text: str) -> str:
    """The line ending most lines of `text` use: `\\n`, `\\r\\n` or a lone `\\r` (`\\n` on a tie)."""
    crlf = text.count("\r\n")
    counts = {"\n": text.count("\n") - crlf, "\r\n": crlf, "\r": text.count("\r") - crlf}
    return max(counts, key=lambda eol: (counts[eol], eol == "\n"))


def _with_line_ending(text: str, eol: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text if eol == "\n" else text.replace("\n", eol)


def _lines(text: str, eol: str) -> list[str]:
    """`text` cut after each `eol` only (splitlines would also cut at \\f, U+2028 and the like,
    which a generated string may hold, and would count lines an editor does not)."""
    parts = text.split(eol)
    return [part + eol for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def refuse_overwrites(changes: list[Change]) -> None:
    """One clear line for the first file that only `--force` may replace.

    A file that still has the conflict markers of an earlier merge is not merged again either
    (one vibew leaves as it is does not stop the others being written).
    """
    for change in changes:
        if change.current is not None and change.text != change.current:
            lines = change.current.splitlines()
            marked = [n for n, line in enumerate(lines, 1) if line == f"{CONFLICT_START} yours"]
            if marked:
                raise UserError(
                    f"{change.file.path}:{marked[0]} still has the conflict markers of an earlier "
                    "merge; keep what you want between them and delete the markers first"
                )
        if change.status == "untracked":
            raise UserError(
                f"{change.file.path} exists and was not written by vibew (vibew.toml does not "
                "record it); use --force to replace it (its text is kept as .orig)"
            )
        if change.status == "edited":
            raise UserError(
                f"{change.file.path} has edits of yours and its base copy "
                f"({BASE_DIR}/{change.file.path}) is missing or changed, so they cannot be merged; "
                "use --force to replace it (your text is kept as .orig)"
            )


def hashes(changes: list[Change]) -> dict[str, str]:
    """Path → hash of the base each change leaves, as the manifest records it."""
    return {change.file.path: digest(change.file.text) for change in changes}


def apply(root: Path, changes: list[Change], manifest: tuple[str, str] | None = None) -> None:
    """Write every change and its base as one transaction, then `manifest` (path, text) last.

    Every text, merges included, is known before the first write.
    """
    writes: list[tuple[Path, str]] = []
    for change in changes:
        path = check_inside(root, change.file.path)
        if change.status in {"untracked", "edited"} and change.current is not None:
            writes.append((free_orig(path), change.current))
        if change.text != change.current:
            writes.append((path, change.text))
        if read_base(root, change.file.path) != change.file.text:
            writes.append((check_inside(root, f"{BASE_DIR}/{change.file.path}"), change.file.text))
    if manifest is not None:
        writes.append((check_inside(root, manifest[0]), manifest[1]))
    write_all(root, writes)


def free_orig(path: Path) -> Path:
    """Where `--force` keeps the text it replaces: `NAME.orig`, or the first free of
    `NAME.orig.1`, `NAME.orig.2`, ... (an earlier copy may be all that is left of an edit)."""
    for n in itertools.count():
        orig = path.with_name(f"{path.name}.orig" + (f".{n}" if n else ""))
        if not os.path.lexists(orig):
            return orig
    raise AssertionError("unreachable")


def write_all(root: Path, writes: list[tuple[Path, str]]) -> None:
    """Write several files as one: a crash leaves all of them old, or (after `recover`) all new.

    Each text is staged in a temporary file beside its target. Only when all are on disk does the
    journal switch to "renaming" (the commit point); then each temporary file is renamed over its
    target, in order, so the last of `writes` (the manifest) changes last.
    """
    if not writes:
        return
    root = root.resolve()
    journal = root / JOURNAL
    if journal.exists():
        raise UserError(f"{journal} shows an unfinished write; run `vibew update` to finish it")
    transaction = secrets.token_hex(4)
    pairs = [
        (target, target.with_name(f".{target.name}.{transaction}.vibew-tmp"))
        for target, _ in writes
    ]
    _write_journal(root, "staging", pairs)
    try:
        for (target, text), (_, temporary) in zip(writes, pairs, strict=True):
            _stage(temporary, text, like=target)
        _write_journal(root, "renaming", pairs)
    except BaseException:
        for _, temporary in pairs:
            temporary.unlink(missing_ok=True)
        journal.unlink(missing_ok=True)
        raise
    _rename_all(root, pairs)


def recover(root: Path) -> str | None:
    """Finish or undo the write of a command that was killed; what it did, or None."""
    journal = root / JOURNAL
    # A kill while the journal itself was being written leaves its temporary file.
    for orphan in journal.parent.glob(f".{journal.name}.*.tmp"):
        orphan.unlink(missing_ok=True)
    if not journal.is_file():
        return None
    try:
        data = json.loads(journal.read_text(encoding="utf-8"))
        state = data["state"]
        pairs = [(check_inside(root, t), check_inside(root, tmp)) for t, tmp in data["files"]]
    except (ValueError, KeyError, TypeError) as error:
        raise UserError(f"{journal} is damaged ({error}); delete it to go on") from None
    if state == "renaming":
        _rename_all(root, pairs)
        return f"finished writing the {len(pairs)} files of a command that was interrupted"
    for _, temporary in pairs:
        temporary.unlink(missing_ok=True)
    journal.unlink()
    return "an interrupted command had changed nothing; removed its temporary files"


def _write_journal(root: Path, state: str, pairs: list[tuple[Path, Path]]) -> None:
    entries = [
        [t.relative_to(root).as_posix(), tmp.relative_to(root).as_posix()] for t, tmp in pairs
    ]
    atomic_write(root / JOURNAL, json.dumps({"state": state, "files": entries}, indent=1) + "\n")


def _stage(temporary: Path, text: str, like: Path) -> None:
    temporary.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
        if like.exists():
            os.chmod(temporary, like.stat().st_mode & 0o777)
        stream.write(text)
        stream.flush()
        os.fsync(stream.fileno())


def _rename_all(root: Path, pairs: list[tuple[Path, Path]]) -> None:
    for target, temporary in pairs:
        if temporary.exists():  # when finishing after a crash, the first ones are done
            os.replace(temporary, target)
    (root / JOURNAL).unlink()


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


def _read_text(path: Path, relative: str) -> str:
    """The file's text exactly as it is: its line endings kept (Python's default reading
    would turn CRLF into LF, and the merge would then write LF)."""
    try:
        with open(path, encoding="utf-8", newline="") as stream:
            return stream.read()
    except UnicodeDecodeError as error:
        raise UserError(
            f"{relative} is not UTF-8 text (byte {error.start}); vibew reads and merges only "
            "UTF-8: convert it, or move it away"
        ) from None


def read_base(root: Path, relative: str) -> str | None:
    path = root / BASE_DIR / relative
    return _read_text(path, f"{BASE_DIR}/{relative}") if path.is_file() else None
