"""Hostile journals: `.vibew/pending.json` is a project file, so a cloned repository or another
program can hold any text there. vibew acts only on one naming its own temporary files and the
files it writes; any other is refused with one line, exit 2, and nothing is touched, the
journal included. Real interrupted writes still recover.

Every journal here starts from a real one: a real project whose `vibew new` was killed right
after its commit point (one file renamed, the rest staged), then changed one way.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import run_vibew

JOURNAL = ".vibew/pending.json"
CHANGE = ("new", "scatter", "--exports", "+color:str")

# The real CLI, killed (as by kill -9 or a power cut) at the Nth call of os.replace. The first
# two write the journal ("staging", then "renaming": the commit point); the renames follow.
_KILLED_VIBEW = """
import os, sys

kill_at, calls, real = int(os.environ["KILL_AT"]), 0, os.replace

def replace(*args, **kwargs):
    global calls
    calls += 1
    if calls == kill_at:
        os._exit(137)
    return real(*args, **kwargs)

os.replace = replace
sys.argv = ["vibew", *sys.argv[1:]]
from vibewidget_cli.cli import main
main()
"""


def run_killed(folder: Path, kill_at: int, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _KILLED_VIBEW, *args],
        cwd=folder,
        capture_output=True,
        text=True,
        env={**os.environ, "KILL_AT": str(kill_at)},
        timeout=120,
    )


def tree(folder: Path) -> dict[str, object]:
    """Everything under `folder`: file bytes and modes, symlink targets, folders."""
    found: dict[str, object] = {}
    for parent, folders, names in os.walk(folder):
        for name in folders + names:
            path = Path(parent) / name
            key = path.relative_to(folder).as_posix()
            if "__pycache__" in key:
                continue
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                found[key] = ("link", os.readlink(path))
            elif stat.S_ISREG(mode):
                found[key] = ("file", path.read_bytes(), mode)
            else:  # a folder, a fifo: never read
                found[key] = ("other", mode)
    return found


@dataclass
class Setup:
    """A project with a killed `vibew new` (old), and the same command run to its end (new)."""

    old: Path
    interrupted: Path
    new: Path


@pytest.fixture(scope="module")
def setup(tmp_path_factory) -> Setup:
    root = tmp_path_factory.mktemp("journal")
    old = root / "old"
    old.mkdir()
    for args in (
        ("new", "scatter", "points", "--exports", "selected_indices"),
        ("new", "histogram", "counts", "--imports", "scatter.selected_indices"),
    ):
        done = run_vibew(old, *args)
        assert done.returncode == 0, done.stderr
    new = root / "new"
    shutil.copytree(old, new)
    assert run_vibew(new, *CHANGE).returncode == 0
    interrupted = root / "interrupted"
    shutil.copytree(old, interrupted)
    run_killed(interrupted, 4, *CHANGE)  # after the commit point and one rename
    journal = json.loads((interrupted / JOURNAL).read_text())
    assert journal["state"] == "renaming"
    return Setup(old, interrupted, new)


@pytest.fixture
def project(setup: Setup, tmp_path: Path) -> Path:
    """A copy of the interrupted project, with a folder beside it that must stay untouched."""
    folder = tmp_path / "project"
    shutil.copytree(setup.interrupted, folder, symlinks=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.txt").write_text("the user's own file\n")
    shutil.copytree(folder / "widgets", outside / "widgets")
    return folder


def read_journal(project: Path) -> dict:
    return json.loads((project / JOURNAL).read_text())


def transaction_of(journal: dict) -> str:
    return journal["files"][0][1].split(".")[-2]


def temporary(target: str, tx: str) -> str:
    folder, _, name = target.rpartition("/")
    return f"{folder}/.{name}.{tx}.vibew-tmp" if folder else f".{name}.{tx}.vibew-tmp"


def put(project: Path, relative: str, text: str = "planted\n") -> None:
    path = project / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def write_journal(project: Path, journal: object) -> None:
    data = journal if isinstance(journal, bytes) else json.dumps(journal).encode()
    (project / JOURNAL).write_bytes(data)


def add_entry(project: Path, target: str, *, planted: bool = True, tx: str | None = None) -> None:
    """The journal, with `target` and a temporary file of the right form for it (on disk)."""
    journal = read_journal(project)
    tx = tx or transaction_of(journal)
    if planted:
        put(project, temporary(target, tx))
    journal["files"].insert(0, [target, temporary(target, tx)])
    write_journal(project, journal)


def set_entry(project: Path, index: int, entry: object) -> None:
    journal = read_journal(project)
    journal["files"][index] = entry
    write_journal(project, journal)


def edit_manifests(project: Path, extra: str, directory: str = "widgets") -> None:
    """Both manifests (on disk and staged) with `extra` TOML appended, in `directory`."""
    journal = read_journal(project)
    staged = next(tmp for target, tmp in journal["files"] if target == "vibew.toml")
    for path in (project / "vibew.toml", project / staged):
        text = path.read_text().replace('directory = "widgets"', f"directory = {directory!r}")
        assert f"directory = {directory!r}" in text
        path.write_text(text + extra)


def symlinked_widgets(project: Path) -> None:
    """`widgets` made a symlink to a copy outside the project, the journal left as it was."""
    tx = transaction_of(read_journal(project))
    outside = project.parent / "outside/widgets"
    for path in (project / "widgets").iterdir():
        if path.name.endswith(".vibew-tmp") or path.name.endswith(".vibew-old"):
            shutil.copy2(path, outside / path.name)
    shutil.rmtree(project / "widgets")
    (project / "widgets").symlink_to(outside)
    assert any(tx in path.name for path in outside.iterdir())


def temporary_replaced(project: Path, make: Callable[[Path], None]) -> None:
    """The first staged file of the journal replaced by `make(path)`."""
    journal = read_journal(project)
    staged = next(project / tmp for _, tmp in journal["files"] if (project / tmp).exists())
    staged.unlink()
    make(staged)


def backup_replaced(project: Path) -> None:
    journal = read_journal(project)
    for _, tmp in journal["files"]:
        backup = project / tmp.replace(".vibew-tmp", ".vibew-old")
        if backup.exists():
            backup.unlink()
            backup.symlink_to(project.parent / "outside/victim.txt")
            return
    raise AssertionError("no backup in the journal")


def other_transaction(project: Path) -> None:
    journal = read_journal(project)
    target, tmp = journal["files"][-1]
    other = temporary(target, "0badc0de")
    os.rename(project / tmp, project / other)
    journal["files"][-1] = [target, other]
    write_journal(project, journal)


def outside_path(project: Path, name: str = "victim.txt") -> str:
    return str(project.parent / "outside" / name)


def absolute_target(project: Path) -> None:
    journal = read_journal(project)
    target = outside_path(project)
    put(project.parent / "outside", temporary("victim.txt", transaction_of(journal)))
    journal["files"].insert(0, [target, temporary(target, transaction_of(journal))])
    write_journal(project, journal)


def big_journal(project: Path) -> None:
    journal = read_journal(project)
    text = json.dumps(journal)
    (project / JOURNAL).write_text(text[:-1] + ', "pad": "' + "x" * 10_000_000 + '"}')


def folder_outside_listed(project: Path) -> None:
    journal = read_journal(project)
    journal["folders"] = ["docs"]
    write_journal(project, journal)


def every_temporary_renamed(project: Path) -> None:
    """Each staged file moved to a name of another form: one transaction, but not vibew's."""
    journal = read_journal(project)
    for entry in journal["files"]:
        other = entry[1].replace(".vibew-tmp", ".tmp")
        if (project / entry[1]).exists():
            os.rename(project / entry[1], project / other)
        entry[1] = other
    write_journal(project, journal)


def user_file_as_temporary(project: Path) -> None:
    """One entry, a tracked target, and as its "temporary" a file of the user's."""
    put(project, "widgets/notes.md", "the user's notes\n")
    write_journal(
        project, {"state": "renaming", "files": [["widgets/scatter.js", "widgets/notes.md"]]}
    )


def staging_with_folder(target: str, folder: str) -> Callable[[Path], None]:
    """A journal still staging (so a file with nothing staged is left alone), whose target
    was never staged and whose `folders` name an empty folder that is not vibew's."""

    def change(project: Path) -> None:
        (project / folder).mkdir(parents=True, exist_ok=True)
        add_entry(project, target, planted=False)
        journal = read_journal(project)
        journal["state"] = "staging"
        journal["folders"] = [*journal.get("folders", []), folder]
        write_journal(project, journal)

    return change


def replace_journal(journal_text: object) -> Callable[[Path], None]:
    return lambda project: write_journal(project, journal_text)


def replace_key(key: str, value: object) -> Callable[[Path], None]:
    def change(project: Path) -> None:
        journal = read_journal(project)
        journal[key] = value
        write_journal(project, journal)

    return change


def drop_key(key: str) -> Callable[[Path], None]:
    def change(project: Path) -> None:
        journal = read_journal(project)
        del journal[key]
        write_journal(project, journal)

    return change


def retarget(index: int, target: str, temp: str | None = None) -> Callable[[Path], None]:
    """Entry `index` pointed at `target`, with the temporary file `temp` (the right form, and
    planted on disk, when not given)."""

    def change(project: Path) -> None:
        tx = transaction_of(read_journal(project))
        if temp is None:
            put(project, temporary(target, tx))
        set_entry(project, index, [target, temp or temporary(target, tx)])

    return change


def vibew_dir_outside(project: Path) -> None:
    outside = project.parent / "outside/vibew"
    shutil.move(project / ".vibew", outside)
    (project / ".vibew").symlink_to(outside)


def journal_is_a_symlink(project: Path) -> None:
    real = project.parent / "outside/pending.json"
    shutil.move(project / JOURNAL, real)
    (project / JOURNAL).symlink_to(real)


def journal_is_a_folder(project: Path) -> None:
    (project / JOURNAL).unlink()
    (project / JOURNAL).mkdir()
    (project / JOURNAL / "x").write_text("{}")


def target_is_a_symlink(project: Path) -> None:
    # widgets/histogram.js is tracked; the journal names it and it leads outside
    (project / "widgets/histogram.js").unlink()
    (project / "widgets/histogram.js").symlink_to(outside_path(project))
    add_entry(project, "widgets/histogram.js")


HOSTILE: dict[str, Callable[[Path], None]] = {
    # paths that leave the project, or go through .git
    "absolute target": absolute_target,
    "absolute temporary": retarget(0, "widgets/scatter.js", "/tmp/.scatter.js.0badc0de.vibew-tmp"),
    "dot-dot target": lambda p: add_entry(p, "../outside/victim.txt", planted=False),
    "dot-dot inside a path": lambda p: add_entry(p, "widgets/../../outside/victim.txt"),
    "git hook": lambda p: add_entry(p, ".git/hooks/pre-commit"),
    "git folder in the package": lambda p: add_entry(p, "widgets/.git/config"),
    "dot segment": lambda p: add_entry(p, "./widgets/scatter.js"),
    "double slash": lambda p: add_entry(p, "widgets//scatter.js"),
    "empty path": retarget(0, "", ".x.0badc0de.vibew-tmp"),
    "NUL in a path": lambda p: add_entry(p, "widgets/scatter.js\0x", planted=False),
    "backslash": lambda p: add_entry(p, "widgets\\..\\..\\outside\\victim.txt"),
    "staging, an empty folder outside": staging_with_folder(
        "../outside/empty/x", "../outside/empty"
    ),
    "staging, an empty .git/hooks": staging_with_folder(".git/hooks/pre-commit", ".git/hooks"),
    # symlinks
    "package folder a symlink outside": symlinked_widgets,
    "target a symlink outside": target_is_a_symlink,
    ".vibew a symlink outside": vibew_dir_outside,
    "journal a symlink": journal_is_a_symlink,
    "journal a folder": journal_is_a_folder,
    # temporary files that are not vibew's
    "temporary without the vibew form": retarget(0, "widgets/scatter.js", "widgets/notes.md"),
    "every temporary of another form": every_temporary_renamed,
    "a user file as the temporary": user_file_as_temporary,
    "temporary with a .tmp suffix": retarget(
        0, "widgets/scatter.js", "widgets/.scatter.js.0badc0de.tmp"
    ),
    "temporary of another name": retarget(
        0, "widgets/scatter.js", "widgets/.histogram.js.0badc0de.vibew-tmp"
    ),
    "temporary in another folder": retarget(
        0, "widgets/scatter.js", ".vibew/.scatter.js.0badc0de.vibew-tmp"
    ),
    "transaction id not hex": retarget(
        0, "widgets/scatter.js", "widgets/.scatter.js.zzzzzzzz.vibew-tmp"
    ),
    "transaction id too long": retarget(
        0, "widgets/scatter.js", "widgets/.scatter.js.0badc0de0.vibew-tmp"
    ),
    "temporary a symlink": lambda p: temporary_replaced(p, lambda t: t.symlink_to(outside_path(p))),
    "temporary a folder": lambda p: temporary_replaced(p, lambda t: t.mkdir()),
    "temporary a fifo": lambda p: temporary_replaced(p, os.mkfifo),
    "backup a symlink": backup_replaced,
    "two transactions": other_transaction,
    # targets vibew does not write
    "untracked file in the package": lambda p: add_entry(p, "widgets/evil.py"),
    "file at the top": lambda p: add_entry(p, "notes.md"),
    "pyproject": lambda p: add_entry(p, "pyproject.toml"),
    "base of an untracked file": lambda p: add_entry(p, ".vibew/base/evil.py"),
    "orig of an untracked file": lambda p: add_entry(p, "notes.md.orig"),
    "orig with a bad number": lambda p: add_entry(p, "widgets/scatter.js.orig.x"),
    "the journal itself": lambda p: add_entry(p, JOURNAL, planted=False),
    "manifest lists ../x": lambda p: (
        edit_manifests(p, '\n[files."../outside/victim.txt"]\nsha256 = "0"\n'),
        add_entry(p, "../outside/victim.txt"),
    ),
    "manifest lists .git/config": lambda p: (
        edit_manifests(p, '\n[files.".git/config"]\nsha256 = "0"\n'),
        add_entry(p, ".git/config"),
    ),
    "manifest lists a file outside its package": lambda p: (
        edit_manifests(p, '\n[files."setup.py"]\nsha256 = "0"\n'),
        add_entry(p, "setup.py"),
    ),
    "manifest lists a dot file in its package": lambda p: (
        edit_manifests(p, '\n[files."widgets/.env"]\nsha256 = "0"\n'),
        add_entry(p, "widgets/.env"),
    ),
    "manifest package is the project": lambda p: (
        edit_manifests(p, '\n[files."Makefile"]\nsha256 = "0"\n', directory="."),
        add_entry(p, "Makefile"),
    ),
    "manifest package is .git": lambda p: (
        edit_manifests(p, '\n[files.".git/config"]\nsha256 = "0"\n', directory=".git"),
        add_entry(p, ".git/config"),
    ),
    # the shape of the journal
    "unknown state": replace_key("state", "done"),
    "state not a string": replace_key("state", ["renaming"]),
    "no state": drop_key("state"),
    "files not a list": replace_key("files", {"widgets/scatter.js": "x"}),
    "files a string": replace_key("files", "widgets/scatter.js"),
    "files empty": replace_key("files", []),
    "no files": drop_key("files"),
    "entry of one path": lambda p: set_entry(p, 0, ["widgets/scatter.js"]),
    "entry of three paths": lambda p: set_entry(p, 0, ["a", "b", "c"]),
    "entry a string": lambda p: set_entry(p, 0, "widgets/scatter.js"),
    "entry with a number": lambda p: set_entry(p, 0, ["widgets/scatter.js", 7]),
    "entry an object": lambda p: set_entry(p, 0, {"target": "widgets/scatter.js"}),
    "a target twice": lambda p: set_entry(p, 0, read_journal(p)["files"][-1]),
    "created not a target": replace_key("created", ["notes.md"]),
    "created not a list": replace_key("created", "widgets/scatter.js"),
    "folders outside the targets": folder_outside_listed,
    "folders with ..": replace_key("folders", [".."]),
    "a list, not an object": replace_journal([["widgets/scatter.js", "x"]]),
    "a string": replace_journal("renaming"),
    "null": replace_journal(None),
    "not JSON": replace_journal(b"{'state': 'renaming'"),
    "empty file": replace_journal(b""),
    "10 MB": big_journal,
    "not UTF-8": replace_journal(b'{"state": "renaming", "files": [["\xff\xfe", "x"]]}'),
    "deeply nested": replace_journal(b"[" * 100_000 + b"]" * 100_000),
}


def assert_refused(project: Path, before: dict, outside_before: dict) -> None:
    for args in (["list"], ["new", "other"]):
        done = run_vibew(project, *args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1, done.stderr
        assert f"inspect and delete {JOURNAL}" in lines[0], lines[0]
        assert tree(project) == before, args
        assert tree(project.parent / "outside") == outside_before, args


@pytest.mark.parametrize("change", list(HOSTILE.values()), ids=list(HOSTILE))
def test_a_hostile_journal_is_refused_and_nothing_is_touched(project, change):
    change(project)
    assert os.path.lexists(project / JOURNAL)
    assert_refused(project, tree(project), tree(project.parent / "outside"))


def test_the_reproduction_no_git_hook_and_no_lost_notes(setup, tmp_path):
    folder = tmp_path / "project"
    shutil.copytree(setup.old, folder)
    (folder / ".git/hooks").mkdir(parents=True)
    (folder / "hook.sh").write_text("#!/bin/sh\necho pwned > pwned.txt\n")
    (folder / "hook.sh").chmod(0o755)
    (folder / "keep.txt").write_text("keep me\n")
    (folder / "notes.md").write_text("my notes\n")
    journal = {
        "state": "renaming",
        "files": [[".git/hooks/pre-commit", "hook.sh"], ["keep.txt", "notes.md"]],
    }
    (folder / JOURNAL).write_text(json.dumps(journal))
    before = tree(folder)
    done = run_vibew(folder, "list")
    assert done.returncode == 2, done.stdout + done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "inspect and delete .vibew/pending.json" in done.stderr
    assert not (folder / ".git/hooks/pre-commit").exists()
    assert (folder / "notes.md").read_text() == "my notes\n"
    assert (folder / "keep.txt").read_text() == "keep me\n"
    assert json.loads((folder / JOURNAL).read_text()) == journal
    assert tree(folder) == before


def assert_no_leftovers(folder: Path) -> None:
    left = [
        key for key in tree(folder) if key.endswith((".vibew-tmp", ".vibew-old")) or key == JOURNAL
    ]
    assert not left


def test_a_real_interrupted_write_still_finishes(setup, project):
    done = run_vibew(project, "update", "--dry-run")  # which says what the recovery did
    assert done.returncode == 0, done.stderr
    assert "finished writing" in done.stdout + done.stderr
    assert_no_leftovers(project)
    assert tree(project) == tree(setup.new)


def test_a_journal_of_an_older_vibew_still_finishes(setup, project):
    """Journals written before `created` and `folders` existed."""
    journal = read_journal(project)
    write_journal(project, {"state": journal["state"], "files": journal["files"]})
    assert run_vibew(project, "list").returncode == 0
    assert tree(project) == tree(setup.new)


@pytest.mark.parametrize(
    "args",
    [
        ("new", "other", "--exports", "level:int"),  # new files, which only the staged
        ("new", "scatter", "--exports", "+color:str"),  # manifest lists while staging
    ],
    ids=["new widget", "changed widget"],
)
def test_a_write_killed_at_any_step_recovers(setup, tmp_path, args):
    finished = tmp_path / "finished"
    shutil.copytree(setup.old, finished)
    assert run_vibew(finished, *args).returncode == 0
    outcomes = set()
    for kill_at in range(1, 40):
        folder = tmp_path / f"k{kill_at}"
        shutil.copytree(setup.old, folder)
        done = run_killed(folder, kill_at, *args)
        if done.returncode == 0:
            break  # fewer os.replace calls than kill_at: the command ran to its end
        done = run_vibew(folder, "list")
        assert done.returncode == 0, (kill_at, done.stderr)
        assert_no_leftovers(folder)
        after = tree(folder)
        assert after in (tree(setup.old), tree(finished)), kill_at
        outcomes.add("old" if after == tree(setup.old) else "new")
    assert outcomes == {"old", "new"}


def test_an_interrupted_force_write_keeps_its_orig_copy(setup, tmp_path):
    """`.orig` copies are targets vibew writes: the journal may name them."""
    folder = tmp_path / "project"
    shutil.copytree(setup.old, folder)
    (folder / "widgets/scatter.js.orig").write_text("an earlier copy\n")
    (folder / ".vibew/base/widgets/scatter.js").unlink()  # so only --force replaces it
    js = folder / "widgets/scatter.js"
    edited = js.read_text() + "// mine\n"
    js.write_text(edited)
    run_killed(folder, 4, *CHANGE, "--force")
    journal = read_journal(folder)
    assert "widgets/scatter.js.orig.1" in [target for target, _ in journal["files"]]
    done = run_vibew(folder, "list")
    assert done.returncode == 0, done.stderr
    assert (folder / "widgets/scatter.js.orig.1").read_text() == edited
    assert (folder / "widgets/scatter.js.orig").read_text() == "an earlier copy\n"
    assert_no_leftovers(folder)


def test_a_write_through_a_symlinked_package_is_refused_before_it_starts(setup, tmp_path):
    """A journal with a symlink in it would be refused, so vibew does not write one."""
    folder = tmp_path / "project"
    shutil.copytree(setup.old, folder)
    shutil.move(folder / "widgets", folder / "real_widgets")
    (folder / "widgets").symlink_to("real_widgets")
    before = tree(folder)
    done = run_vibew(folder, *CHANGE)
    assert done.returncode == 2, done.stdout + done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "is the package folder a symlink?" in done.stderr
    assert tree(folder) == before
