"""Writing generated files without losing anything the user wrote.

For every file it writes, vibew keeps the text it generated (the base) under `.vibew/base/`
and its hash in the manifest. A file whose text is still its base is safely replaced. One the
user changed gets vibew's changes (base → new text) merged into it, three-way, in the file's
own line endings; where both changed the same lines the file gets conflict markers and the
user decides. A file vibew never wrote, or one whose base is gone, is only replaced with
`--force`, and then its old text is kept beside it as `NAME.orig` (or `NAME.orig.1`, `.2`, ...
when an earlier copy is there: one is never overwritten).

All the files of one command are written as one transaction. Each text goes to a temporary
file beside its target (`.NAME.TX.vibew-tmp`), and each target that exists gets a way back
(`.NAME.TX.vibew-old`, a hard link to it). Only when all are on disk does the journal
(`.vibew/pending.json`) switch to "renaming", the commit point; then every temporary file is
renamed over its target, the manifest last. An error before the commit point removes what
the transaction made (temporary files, folders) and leaves the old files; an error during
the renames puts the old files back. A crash before the commit point leaves the old files,
one during the renames is finished by the next vibew command: the project never stays half
old, half new.

The journal is a file in the project, so whoever can write there can write a journal: the
next command only acts on one that names vibew's own temporary files and the files vibew
writes (`vibew.toml`, the files it tracks in the widgets package, their base and `.orig`
copies), all inside the project and reached without a symlink. Anything else is refused and
nothing is touched.
"""

from __future__ import annotations

import contextlib
import difflib
import errno
import hashlib
import itertools
import json
import os
import re
import secrets
import shutil
import stat
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, NoReturn

from vibewidget_cli.errors import UserError
from vibewidget_cli.generated import GeneratedFile

BASE_DIR = ".vibew/base"
JOURNAL = ".vibew/pending.json"
MANIFEST = "vibew.toml"  # manifest.MANIFEST; not imported, manifest.py needs no files.py
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


def has_generated_files(root: Path) -> bool:
    """Whether vibew wrote files here: a base copy is on disk (an empty `.vibew/base`, as a
    failed first write could once leave, does not count)."""
    base = root / BASE_DIR
    return base.is_dir() and any(path.is_file() for path in base.rglob("*"))


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
        current = read_text(path, file.path)
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
    base, new = with_line_ending(base, eol), with_line_ending(new, eol)
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
    """The line ending most lines of `text` use: `\\n`, `\\r\\n` or a lone `\\r` (`\\n` if tied)."""
    crlf = text.count("\r\n")
    counts = {"\n": text.count("\n") - crlf, "\r\n": crlf, "\r": text.count("\r") - crlf}
    return max(counts, key=lambda eol: (counts[eol], eol == "\n"))


def with_line_ending(text: str, eol: str) -> str:
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
    """Write several files as one: an error or a crash leaves all of them old, or all new.

    Each text is staged in a temporary file beside its target, and each target that exists
    gets a backup. Only when all are on disk does the journal switch to "renaming" (the commit
    point); then each temporary file is renamed over its target, in order, so the last of
    `writes` (the manifest) changes last. An OSError before the commit point undoes the
    staging; one during the renames puts back the files already renamed; either is raised.
    Every journal written here is one `recover` accepts.
    """
    if not writes:
        return
    root = root.resolve()
    if os.path.lexists(root / JOURNAL):
        raise UserError(
            f"{root / JOURNAL} shows an unfinished write; run `vibew update` to finish it"
        )
    transaction = _Transaction.start(root, [target for target, _ in writes])
    texts = dict(zip([e.target for e in transaction.entries], [t for _, t in writes], strict=True))
    # What recover will ask of the journal, asked now: a write that cannot be recovered from
    # (a package folder reached through a symlink, say) is refused before it starts.
    manifests = [_read_small(root / MANIFEST), texts.get(root / MANIFEST)]
    tracked = _tracked_files([text for text in manifests if text is not None])
    for entry in transaction.entries:
        if _path_problem(entry.relative) or not _writable_by_vibew(entry.relative, tracked):
            raise UserError(
                f"{entry.relative} is not a file vibew tracks in the widgets package; "
                "vibew writes only there (is the package folder a symlink?)"
            )
    try:
        for folder in transaction.folders:
            folder.mkdir()
        transaction.write_journal("staging")
        # The manifest is staged first: while it is incomplete no other temporary file exists,
        # so `recover` can always check the targets of those against it.
        for entry in sorted(transaction.entries, key=lambda e: e.relative != MANIFEST):
            try:
                _stage(entry.temporary, texts[entry.target], like=entry.target)
                if entry.target not in transaction.created:
                    _keep_old(entry.target, entry.backup)
            except OSError as error:
                raise _about(entry.target, error) from error
        transaction.write_journal("renaming")
    except BaseException:
        transaction.discard()
        raise
    transaction.finish()


def recover(root: Path) -> str | None:
    """Finish or undo the write of a command that was killed; what it did, or None.

    A journal that names anything but vibew's own files is refused (UserError) untouched. When
    finishing fails (an OSError), the renames already done are undone and the error raised.
    """
    root = root.resolve()
    journal = root / JOURNAL
    if (root / ".vibew").is_dir() and not (root / ".vibew").is_symlink():
        # A kill while the journal itself was being written leaves its temporary file.
        for orphan in journal.parent.glob(f".{journal.name}.*.tmp"):
            orphan.unlink(missing_ok=True)
    if not os.path.lexists(journal):
        return None
    transaction, state = _Transaction.load(root)
    if state == "renaming":
        transaction.finish()
        count = len(transaction.entries)
        return f"finished writing the {count} files of a command that was interrupted"
    transaction.discard()
    return "an interrupted command had changed nothing; removed its temporary files"


# The transaction and its journal.

_TEMPORARY = re.compile(r"\.(?P<name>.+)\.(?P<tx>[0-9a-f]{8})\.vibew-tmp")
_ORIG = re.compile(r"(?P<path>.+)\.orig(?:\.[1-9][0-9]*)?")
#: far more than any journal or manifest vibew writes; bigger ones are not read at all
_SIZE_LIMIT = 1 << 20
#: errors of os.link where the file system has no hard links (EPERM is also what an immutable
#: file gives, which then fails at its rename, after the commit point, and is rolled back)
_NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK, errno.EXDEV}


@dataclass(frozen=True)
class _Entry:
    root: Path
    relative: str
    transaction: str

    @property
    def target(self) -> Path:
        return self.root / self.relative

    @property
    def temporary(self) -> Path:
        return self.target.with_name(f".{self.target.name}.{self.transaction}.vibew-tmp")

    @property
    def backup(self) -> Path:
        return self.target.with_name(f".{self.target.name}.{self.transaction}.vibew-old")


@dataclass(frozen=True)
class _Transaction:
    root: Path
    #: in the order of the renames, the manifest last
    entries: list[_Entry]
    #: the targets that did not exist, which undoing the renames removes
    created: frozenset[Path]
    #: folders the transaction makes, parents first, which undoing it removes when empty
    folders: list[Path]

    @classmethod
    def start(cls, root: Path, targets: list[Path]) -> _Transaction:
        transaction = secrets.token_hex(4)
        entries = [_Entry(root, t.relative_to(root).as_posix(), transaction) for t in targets]
        for entry in entries:
            mode = _lstat_mode(entry.target)
            if mode is not None and stat.S_ISDIR(mode):
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(entry.target))
            if mode is not None and not stat.S_ISREG(mode):
                raise UserError(f"{entry.relative} is not a regular file; vibew writes only files")
        folders: list[Path] = []
        for path in [*targets, root / JOURNAL]:
            for parent in reversed(path.relative_to(root).parents[:-1]):
                if not os.path.lexists(root / parent) and root / parent not in folders:
                    folders.append(root / parent)
        created = frozenset(t for t in targets if not os.path.lexists(t))
        return cls(root, entries, created, folders)

    @classmethod
    def load(cls, root: Path) -> tuple[_Transaction, str]:
        """The journal at `root`, checked: a UserError for anything vibew would not write."""
        data = _read_journal(root)
        state, files = data.get("state"), data.get("files")
        if not isinstance(state, str) or state not in {"staging", "renaming"}:
            _refuse(f"unknown state {state!r}")
        if not isinstance(files, list) or not files:
            _refuse("'files' is not a list of [target, temporary] pairs")
        pairs = [_pair(item) for item in files]
        transactions = {_temporary_id(target, temporary) for target, temporary in pairs}
        if len(transactions) != 1:
            _refuse("its temporary files belong to different transactions")
        targets = [target for target, _ in pairs]
        if len(set(targets)) != len(targets):
            _refuse("a target is listed twice")
        transaction_id = transactions.pop()
        entries = [_Entry(root, target, transaction_id) for target in targets]
        created = [_relative(path, "created") for path in _strings(data, "created")]
        if not set(created) <= set(targets):
            _refuse("'created' names a file that is not a target")
        folders = [_relative(path, "folders") for path in _strings(data, "folders")]
        for folder in folders:
            if folder != ".vibew" and not any(t.startswith(folder + "/") for t in targets):
                _refuse(f"folder {folder!r} holds none of its targets")
        transaction = cls(
            root, entries, frozenset(root / path for path in created), [root / f for f in folders]
        )
        transaction._check_files(state)
        return transaction, state

    def _check_files(self, state: str) -> None:
        """Each path on disk is what vibew makes, and each target one vibew writes."""
        for entry in self.entries:
            for path in (entry.target, entry.temporary, entry.backup):
                _no_symlink(self.root, path)
                mode = _lstat_mode(path)
                if mode is not None and not stat.S_ISREG(mode):
                    _refuse(f"{path.relative_to(self.root).as_posix()} is not a regular file")
        for folder in self.folders:
            _no_symlink(self.root, folder)
        tracked = _tracked_files(self._manifest_texts())
        for entry in self.entries:
            # A write killed while staging may not have staged the manifest that lists its new
            # files; it staged nothing else yet (the manifest goes first), so no check is
            # needed for files whose temporary and backup are not there: they are left alone.
            untouched = not any(map(os.path.lexists, (entry.temporary, entry.backup)))
            if state == "staging" and untouched:
                continue
            if not _writable_by_vibew(entry.relative, tracked):
                _refuse(f"{entry.relative!r} is not a file vibew writes")

    def _manifest_texts(self) -> list[str]:
        """The manifest on disk and the one staged: together they list every file vibew writes."""
        texts = [_read_small(self.root / MANIFEST)]
        texts += [_read_small(e.temporary) for e in self.entries if e.relative == MANIFEST]
        return [text for text in texts if text is not None]

    def write_journal(self, state: str) -> None:
        relative = [path.relative_to(self.root).as_posix() for path in self.created]
        journal = {
            "state": state,
            "files": [
                [e.relative, e.temporary.relative_to(self.root).as_posix()] for e in self.entries
            ],
            "created": sorted(relative),
            "folders": [folder.relative_to(self.root).as_posix() for folder in self.folders],
        }
        try:
            atomic_write(self.root / JOURNAL, json.dumps(journal, indent=1) + "\n")
        except OSError as error:
            raise _about(self.root / JOURNAL, error) from error

    def finish(self) -> None:
        """Rename every staged file over its target (the commit point is passed); on an
        OSError put every file back as it was, then raise it."""
        for entry in self.entries:
            if os.path.lexists(entry.temporary):  # after a crash, the first ones are done
                try:
                    os.replace(entry.temporary, entry.target)
                except OSError as error:
                    self.undo()
                    raise _about(entry.target, error) from error
        for entry in self.entries:
            entry.backup.unlink(missing_ok=True)
        (self.root / JOURNAL).unlink()

    def undo(self) -> None:
        """Put back what the renames replaced, and remove what the transaction made.

        Best effort, for a second error in a row: the journal is kept unless all is undone. The
        staged files go first, so that one left behind is never renamed alone by the next
        command, which then rolls forward; and a backup that cannot be removed only delays the
        cleanup to that command.
        """
        renamed = [e for e in self.entries if not os.path.lexists(e.temporary)]
        staged = [e for e in self.entries if e not in renamed]
        try:
            for entry in staged:
                entry.temporary.unlink(missing_ok=True)
        except OSError:
            return
        complete = True
        for entry in reversed(renamed):
            try:
                if os.path.lexists(entry.backup):
                    os.replace(entry.backup, entry.target)
                elif entry.target in self.created:
                    entry.target.unlink(missing_ok=True)
            except OSError:
                complete = False
        for entry in staged:
            complete &= _remove(entry.backup)
        if complete:
            complete = _remove(self.root / JOURNAL)
        if complete:
            self._remove_folders()

    def discard(self) -> None:
        """Before the commit point: remove everything the transaction made; the targets were
        never touched. Best effort, so that the error that stopped it is the one raised."""
        for entry in self.entries:
            _remove(entry.temporary)
            _remove(entry.backup)
        if _remove(self.root / JOURNAL):
            self._remove_folders()

    def _remove_folders(self) -> None:
        for folder in reversed(self.folders):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only when empty: something else may be in it by now


def _remove(path: Path) -> bool:
    """Remove the file `path` if it is there; whether it is gone."""
    try:
        path.unlink(missing_ok=True)
    except OSError:
        return not os.path.lexists(path)
    return True


def _about(path: Path, error: OSError) -> OSError:
    """`error` about `path`: the file the user knows, not the temporary file vibew was writing
    (a write that fails for a full disk names no file at all)."""
    if error.errno is None:
        return OSError(f"{path}: {error}")
    return OSError(error.errno, error.strerror, str(path))


def _refuse(reason: str) -> NoReturn:
    raise UserError(
        f"{JOURNAL} is not a journal vibew wrote ({reason}), so vibew touched nothing; "
        f"inspect and delete {JOURNAL} (an interrupted command is then lost: run it again)"
    )


def _read_journal(root: Path) -> dict:
    vibew_dir = root / ".vibew"
    if vibew_dir.is_symlink():
        _refuse(".vibew is a symlink")
    mode = _lstat_mode(root / JOURNAL)
    if mode is None or not stat.S_ISREG(mode):
        _refuse("it is not a regular file")
    size = (root / JOURNAL).stat().st_size
    if size > _SIZE_LIMIT:
        _refuse(f"it is {size} bytes, far more than any journal")
    try:
        data = json.loads((root / JOURNAL).read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        _refuse("it is not UTF-8 text")
    except (ValueError, RecursionError) as error:
        _refuse(f"it is not JSON: {error}")
    if not isinstance(data, dict):
        _refuse("it is not a JSON object")
    return data


def _pair(item: object) -> tuple[str, str]:
    if not (isinstance(item, list) and len(item) == 2 and all(isinstance(s, str) for s in item)):
        _refuse(f"{str(item)[:80]!r} is not a [target, temporary] pair")
    target, temporary = (_relative(path, "files") for path in item)
    return target, temporary


def _strings(data: dict, key: str) -> list[str]:
    """`data[key]`, a list of strings (empty when missing: journals of vibew 0.x lack it)."""
    items = data.get(key, [])
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        _refuse(f"{key!r} is not a list of paths")
    return items


def _relative(path: str, key: str) -> str:
    """`path`, refused unless it is a plain relative path inside the project, outside `.git`."""
    if _path_problem(path):
        _refuse(f"{key} names {path[:200]!r}, which is not a plain path inside the project")
    return path


def _path_problem(path: str) -> bool:
    parts = path.split("/")
    return (
        not path
        or len(path) > 4096
        or "\\" in path
        or "\0" in path
        or any(part in {"", ".", ".."} for part in parts)
        or any(part.casefold() == ".git" for part in parts)
    )


def _temporary_id(target: str, temporary: str) -> str:
    """The transaction id in `temporary`, which must be the staging file vibew makes for
    `target`: `.NAME.TX.vibew-tmp` in the target's own folder."""
    folder, _, name = target.rpartition("/")
    temp_folder, _, temp_name = temporary.rpartition("/")
    match = _TEMPORARY.fullmatch(temp_name)
    if not match or temp_folder != folder or match["name"] != name:
        _refuse(f"{temporary!r} is not the temporary file vibew makes for {target!r}")
    return match["tx"]


def _no_symlink(root: Path, path: Path) -> None:
    """Refuses `path` when it, or a folder on the way to it from `root`, is a symlink."""
    current = root
    for part in path.relative_to(root).parts:
        current = current / part
        mode = _lstat_mode(current)
        if mode is None:
            return  # the rest does not exist
        if stat.S_ISLNK(mode):
            _refuse(f"{current.relative_to(root).as_posix()} is a symlink")


def _tracked_files(manifests: list[str]) -> set[str]:
    """The files in the widgets package that the `[files]` tables of `manifests` list.

    Read leniently (a damaged manifest lists nothing), and only paths inside its package
    folder count: a manifest is a project file too, and may name `../x` or `.git/config`.
    """
    tracked: set[str] = set()
    for text in manifests:
        try:
            data = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, RecursionError):
            continue
        directory = data.get("directory", "widgets")
        entries = data.get("files")
        if not isinstance(directory, str) or not isinstance(entries, dict):
            continue
        package = directory.split("/")
        if not all(part.isidentifier() for part in package):
            continue
        for path in entries:
            parts = path.split("/")
            inside = parts[: len(package)] == package and len(parts) > len(package)
            if inside and all(_plain_name(part) for part in parts[len(package) :]):
                tracked.add(path)
    return tracked


def _plain_name(part: str) -> bool:
    return bool(part) and not part.startswith(".") and not {"\0", "\\"} & set(part)


def _writable_by_vibew(relative: str, tracked: set[str]) -> bool:
    """vibew.toml, a tracked file, its base copy, or one of its `.orig` copies."""
    if relative == MANIFEST or relative in tracked:
        return True
    if relative.startswith(BASE_DIR + "/"):
        return relative.removeprefix(BASE_DIR + "/") in tracked
    orig = _ORIG.fullmatch(relative)
    return orig is not None and orig["path"] in tracked


def _read_small(path: Path) -> str | None:
    """The text of the regular file `path` (not through a symlink), or None when it is not
    one, is too big, or is not UTF-8."""
    mode = _lstat_mode(path)
    if mode is None or not stat.S_ISREG(mode) or path.stat().st_size > _SIZE_LIMIT:
        return None
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _lstat_mode(path: Path) -> int | None:
    """The mode of `path` itself (a symlink is not followed), or None when there is none."""
    try:
        return os.lstat(path).st_mode
    except (OSError, ValueError):  # missing, a file on the way, a name too long, a NUL
        return None


def _stage(temporary: Path, text: str, like: Path) -> None:
    """`text` in the new file `temporary`, on disk, with the mode of `like` when it exists;
    a failure leaves no `temporary` behind."""
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            if os.path.lexists(like):
                os.fchmod(stream.fileno(), like.stat().st_mode & 0o777)
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _keep_old(target: Path, backup: Path) -> None:
    """A way back to `target`: a hard link (no copy, and no space needed), or a copy where the
    file system has no hard links."""
    try:
        os.link(target, backup, follow_symlinks=False)
    except OSError as error:
        if error.errno not in _NO_HARD_LINKS:
            raise
        try:
            shutil.copy2(target, backup, follow_symlinks=False)
        except BaseException:
            backup.unlink(missing_ok=True)
            raise


def atomic_write(path: Path, text: str) -> None:
    """Replace `path` with `text` in one step: a crash leaves the old file or the new one, and a
    failure leaves no temporary file behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            # mkstemp makes the file private; give it the mode a plain open() would have.
            mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
            os.fchmod(stream.fileno(), mode)
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def read_text(path: Path, relative: str) -> str:
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
    return read_text(path, f"{BASE_DIR}/{relative}") if path.is_file() else None
