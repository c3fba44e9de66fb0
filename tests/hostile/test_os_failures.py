"""OS failures through the real CLI: a full disk, an immutable file, a read-only folder, a folder
where vibew.toml belongs, a name too long. Each is one line (no traceback), a nonzero exit, and
the project exactly as it was: no half-written files, no temporary files or backups, no empty
folders that make later commands think vibew wrote here. The next command works.

These need root (mount, chattr); a test that cannot set its obstacle up is skipped, or fails
under `CI=true` (helpers.cannot_start).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import cannot_start, run_vibew

from vibewidget_cli import files

CHANGE = ("new", "scatter", "--exports", "+color:str")
WIDGETS = (
    ("new", "scatter", "points", "--exports", "selected_indices"),
    ("new", "histogram", "counts", "--imports", "scatter.selected_indices"),
)


def tree(folder: Path) -> dict[str, object]:
    """Everything under `folder`: file bytes and modes, symlink targets, folders."""
    found: dict[str, object] = {}
    for parent, folders, names in os.walk(folder):
        for name in folders + names:
            path = Path(parent) / name
            key = path.relative_to(folder).as_posix()
            if "__pycache__" in key or key == "lost+found":
                continue
            mode = path.lstat().st_mode
            if stat.S_ISREG(mode):
                found[key] = ("file", path.read_bytes(), mode)
            elif stat.S_ISLNK(mode):
                found[key] = ("link", os.readlink(path))
            else:
                found[key] = ("other", mode)
    return found


def make_project(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for args in WIDGETS:
        done = run_vibew(folder, *args)
        assert done.returncode == 0, done.stderr
    return folder


def assert_failed_cleanly(done: subprocess.CompletedProcess[str], code: int = 1) -> None:
    """A nonzero exit and one line, no traceback."""
    assert done.returncode == code, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def assert_as_before(folder: Path, before: dict[str, object]) -> None:
    after = tree(folder)
    leftovers = [key for key in after if key.endswith((".vibew-tmp", ".vibew-old", ".tmp"))]
    assert not leftovers
    assert not (folder / files.JOURNAL).exists()
    assert after == before, set(after) ^ set(before)


def assert_list_works(folder: Path) -> None:
    done = run_vibew(folder, "list")
    assert done.returncode == 0, done.stderr
    assert "scatter" in done.stdout


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True)


@contextlib.contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` mounted on `folder` while the block runs."""
    folder.mkdir(parents=True, exist_ok=True)
    done = run("mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder))
    if done.returncode != 0:
        cannot_start(f"mount -t tmpfs is not permitted here: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        unmount(folder)


def unmount(folder: Path) -> None:
    if run("umount", str(folder)).returncode != 0:
        run("umount", "-l", str(folder))


@contextlib.contextmanager
def immutable(path: Path) -> Iterator[None]:
    """`path` made immutable (chattr +i) while the block runs."""
    done = run("chattr", "+i", str(path))
    if done.returncode != 0:
        cannot_start(f"chattr +i does not work on {path}: {done.stderr.strip()}")
    try:
        yield
    finally:
        run("chattr", "-i", str(path))


def fill(folder: Path, leave: int) -> Path:
    """Fill the file system of `folder`, then free `leave` bytes; the filler file."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as stream, contextlib.suppress(OSError):
        while True:
            stream.write(b"\0" * 4096)
            stream.flush()
    size = filler.stat().st_size
    os.truncate(filler, max(0, size - leave))
    return filler


@pytest.fixture
def chattr_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder where chattr +i works: in tmp_path, or under /work, or else on a tmpfs."""
    for candidate in (tmp_path, Path("/work")):
        with contextlib.suppress(OSError):
            folder = Path(tempfile.mkdtemp(prefix="vibew-chattr-", dir=candidate))
            works = run("chattr", "+i", str(folder)).returncode == 0
            run("chattr", "-i", str(folder))
            if works:
                yield folder
                shutil.rmtree(folder, ignore_errors=True)
                return
            folder.rmdir()
    with tmpfs(tmp_path / "tmpfs", "64m") as folder:
        yield folder


# --- a full disk ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", ["16k", "48k", "80k"])
def test_a_full_disk_in_a_new_folder_leaves_it_empty(tmp_path, size):
    with tmpfs(tmp_path / "disk", size) as folder:
        done = run_vibew(folder, *WIDGETS[0])
        assert_failed_cleanly(done)
        assert "No space left on device" in done.stderr
        assert tree(folder) == {}  # no empty .vibew/base, no temporary files
        # Not "vibew.toml is missing, but vibew generated files here":
        done = run_vibew(folder, "list")
        assert done.returncode == 2
        assert "no vibew.toml here" in done.stderr


@pytest.mark.parametrize("leave", [0, 4096, 16384, 40960])
def test_a_full_disk_in_a_project_changes_nothing(tmp_path, leave):
    with tmpfs(tmp_path / "disk", "1m") as disk:
        folder = make_project(disk / "project")
        before = tree(folder)
        filler = fill(disk, leave)
        done = run_vibew(folder, *CHANGE)
        assert_failed_cleanly(done)
        assert "No space left on device" in done.stderr
        assert_as_before(folder, before)
        assert_list_works(folder)  # with the disk still full
        filler.unlink()
        done = run_vibew(folder, *CHANGE)
        assert done.returncode == 0, done.stderr
        assert "color" in (folder / "widgets/scatter.js").read_text()


# --- immutable files and read-only folders ----------------------------------------------------


def template_changed(folder: Path) -> None:
    """What an older vibew would have left: a base (and its hash) that `vibew update` merges."""
    import hashlib

    base = folder / ".vibew/base/widgets/scatter.js"
    old = base.read_text().replace("const MARGIN", "const OLD_SETTING = 1;\nconst MARGIN", 1)
    base.write_text(old)
    js = folder / "widgets/scatter.js"
    js.write_text(js.read_text().replace("const MARGIN", "const OLD_SETTING = 1;\nconst MARGIN", 1))
    manifest = folder / "vibew.toml"
    entry = re.search(
        r'\[files\."widgets/scatter\.js"\]\nsha256 = "([0-9a-f]+)"', manifest.read_text()
    )
    assert entry
    digest = hashlib.sha256(old.encode()).hexdigest()
    manifest.write_text(manifest.read_text().replace(entry[1], digest))


@pytest.mark.parametrize(
    ("command", "locked"),
    [
        ("new", "widgets/scatter.js"),  # renamed first
        ("new", "widgets/scatter.py"),
        ("new", ".vibew/base/widgets/scatter.js"),
        ("new", "vibew.toml"),  # renamed last: every other rename is undone
        ("update", "widgets/scatter.js"),
        ("update", ".vibew/base/widgets/scatter.js"),
        ("update", "vibew.toml"),
    ],
)
def test_an_immutable_file_changes_nothing(chattr_folder, command, locked):
    folder = make_project(chattr_folder / "project")
    args = CHANGE
    if command == "update":
        template_changed(folder)
        args = ("update",)
    before = tree(folder)
    with immutable(folder / locked):
        done = run_vibew(folder, *args)
        assert_failed_cleanly(done)
        assert "Operation not permitted" in done.stderr
        assert_as_before(folder, before)
        assert_list_works(folder)
    done = run_vibew(folder, *args)
    assert done.returncode == 0, done.stderr
    assert tree(folder) != before


def test_an_immutable_file_met_while_finishing_an_interrupted_write(chattr_folder):
    """The next command rolls a killed write forward; when that fails it rolls it back."""
    folder = make_project(chattr_folder / "project")
    before = tree(folder)
    killed = "import os, sys\n" + _KILL_AT_FOURTH_REPLACE
    subprocess.run([sys.executable, "-c", killed, *CHANGE], cwd=folder, capture_output=True)
    assert (folder / files.JOURNAL).exists()
    with immutable(folder / "vibew.toml"):  # renamed last, so all the others are done first
        done = run_vibew(folder, "list")
        assert_failed_cleanly(done)
        assert "vibew.toml: Operation not permitted" in done.stderr
        # Every file is back. The backup of vibew.toml, a hard link made before it became
        # immutable, is immutable too and cannot go yet: the journal stays to remove it later.
        after = tree(folder)
        left = {key for key in after if key.endswith(".vibew-old")}
        assert len(left) == 1 and (folder / files.JOURNAL).exists()
        assert {
            k: v for k, v in after.items() if k not in left and k != ".vibew/pending.json"
        } == before
    assert_list_works(folder)
    assert tree(folder) == before


_KILL_AT_FOURTH_REPLACE = """
calls, real = 0, os.replace
def replace(*args, **kwargs):
    global calls
    calls += 1
    if calls == 4:  # the journal twice (the commit point), one rename, then killed
        os._exit(137)
    return real(*args, **kwargs)
os.replace = replace
sys.argv = ["vibew", *sys.argv[1:]]
from vibewidget_cli.cli import main
main()
"""


@contextlib.contextmanager
def read_only_bind(folder: Path) -> Iterator[None]:
    done = run("mount", "--bind", str(folder), str(folder))
    if done.returncode != 0:
        cannot_start(f"mount --bind is not permitted here: {done.stderr.strip()}")
    try:
        done = run("mount", "-o", "remount,bind,ro", str(folder))
        assert done.returncode == 0, done.stderr
        yield
    finally:
        unmount(folder)


@pytest.mark.parametrize("how", ["chattr", "read-only mount"])
@pytest.mark.parametrize("folder_name", ["widgets", ".vibew/base/widgets", ".vibew"])
def test_a_read_only_folder_changes_nothing(chattr_folder, how, folder_name):
    folder = make_project(chattr_folder / "project")
    before = tree(folder)
    guard = immutable if how == "chattr" else read_only_bind
    with guard(folder / folder_name):
        done = run_vibew(folder, *CHANGE)
        assert_failed_cleanly(done)
        assert re.search("Operation not permitted|Read-only file system", done.stderr)
        assert_as_before(folder, before)
        assert_list_works(folder)


# --- a folder where a file belongs, a name too long -------------------------------------------


def test_vibew_toml_a_folder_in_a_new_folder(project):
    (project / "vibew.toml").mkdir()
    before = tree(project)
    done = run_vibew(project, *WIDGETS[0])
    assert_failed_cleanly(done)
    assert "vibew.toml: Is a directory" in done.stderr
    assert tree(project) == before


def test_vibew_toml_a_folder_in_a_project(project):
    make_project(project)
    (project / "vibew.toml").unlink()
    (project / "vibew.toml").mkdir()
    before = tree(project)
    for args in (CHANGE, ("update",), ("list",)):
        done = run_vibew(project, *args)
        assert_failed_cleanly(done, code=2)
        assert "vibew.toml is missing" in done.stderr
        assert tree(project) == before


def test_a_widget_file_that_is_a_folder(project):
    make_project(project)
    (project / "widgets/scatter.js").unlink()
    (project / "widgets/scatter.js").mkdir()
    before = tree(project)
    done = run_vibew(project, *CHANGE)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert tree(project) == before


@pytest.mark.parametrize("length", [236, 250, 255, 300])
def test_a_name_too_long_changes_nothing(project, length):
    """Refused by the name rules (exit 2) or by the OS (exit 1): either way one line, and no
    journal left to break the commands after it."""
    make_project(project)
    before = tree(project)
    done = run_vibew(project, "new", "a" * length)
    assert done.returncode in {1, 2}, done.stdout
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert_as_before(project, before)
    assert_list_works(project)


def test_write_all_with_a_name_too_long_leaves_nothing(tmp_path):
    """write_all itself, whatever the name rules let through: the temporary file of a
    236-character name is longer than the 255 a file name may have."""
    long_name = "b" * 236 + ".py"
    manifest = (
        'directory = "widgets"\n'
        '[files."widgets/a.py"]\nsha256 = "0"\n'
        f'[files."widgets/{long_name}"]\nsha256 = "0"\n'
    )
    writes = [
        (tmp_path / "widgets/a.py", "a = 1\n"),
        (tmp_path / ".vibew/base/widgets/a.py", "a = 1\n"),
        (tmp_path / "widgets" / long_name, "b = 1\n"),
        (tmp_path / "vibew.toml", manifest),
    ]
    with pytest.raises(OSError) as raised:
        files.write_all(tmp_path, writes)
    assert raised.value.errno == errno.ENAMETOOLONG
    assert raised.value.filename == str(tmp_path / "widgets" / long_name)
    assert tree(tmp_path) == {}


# --- a failure at each step, in a new folder ----------------------------------------------------

_FAILING_VIBEW = """
import os, sys

fail_at, steps = int(os.environ["FAIL_AT"]), 0

def failing(real):
    def step(*args, **kwargs):
        global steps
        steps += 1
        if steps == fail_at:
            raise OSError(28, "No space left on device (injected)")
        return real(*args, **kwargs)
    return step

os.replace, os.fsync, os.link, os.mkdir = map(failing, (os.replace, os.fsync, os.link, os.mkdir))
sys.argv = ["vibew", *sys.argv[1:]]
from vibewidget_cli.cli import main
try:
    main()
finally:
    sys.stderr.write(f"steps={steps}\\n")
"""


def test_a_failure_at_any_step_of_a_first_write_leaves_the_folder_empty(tmp_path):
    """Before the commit point and after it (rolled back), in a folder with nothing yet."""
    outcomes = []
    for fail_at in range(1, 60):
        folder = tmp_path / f"f{fail_at}"
        folder.mkdir()
        done = subprocess.run(
            [sys.executable, "-c", _FAILING_VIBEW, *WIDGETS[0]],
            cwd=folder,
            capture_output=True,
            text=True,
            env={**os.environ, "FAIL_AT": str(fail_at)},
            timeout=120,
        )
        steps = int(re.search(r"steps=(\d+)", done.stderr)[1])
        if steps < fail_at:
            break  # the command ran to its end: every step has failed once
        stderr = done.stderr.replace(f"steps={steps}\n", "")
        assert "Traceback" not in stderr, (fail_at, stderr)
        if done.returncode == 0:  # a step whose failure is not vibew's to report (a cache)
            assert run_vibew(folder, "list").returncode == 0
            continue
        assert done.returncode == 1, (fail_at, done.stdout, stderr)
        assert len(stderr.strip().splitlines()) == 1, stderr
        assert tree(folder) == {}, fail_at
        outcomes.append(fail_at)
    else:
        raise AssertionError("the command never ran to its end")
    assert len(outcomes) > 15  # staging, the journal, the renames: each failed once
