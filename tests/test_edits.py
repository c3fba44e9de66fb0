"""User edits survive: scenarios on real files, through the real `vibew` command.

The user edits the generated JS and Python, then changes the widget (`--exports +color:str`,
`-color`) or re-renders it (`vibew update`); vibew merges its changes into theirs, marks the lines
where both changed the same text, and never leaves a half-written project behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest
from helpers import run_isolated

COLOR_SCALE = """\
/** A colour for a value in [0, 1], from blue to red. */
function colorScale(t) {
  const clamped = Math.min(1, Math.max(0, t));
  return `hsl(${240 - 240 * clamped}, 70%, 50%)`;
}

"""

SELECTED_ROWS = '''
    def selected_rows(self) -> pd.DataFrame:
        """The rows the brush selected."""
        return self.data.iloc[self.selected_indices]
'''


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by relative path."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def make_widgets(vibew, project: Path) -> None:
    """A scatter whose brush selection a histogram imports."""
    done = vibew("new", "scatter", "delay against distance", "--exports", "selected_indices")
    assert done.returncode == 0, done.stderr
    done = vibew("new", "histogram", "delays", "--imports", "scatter.selected_indices")
    assert done.returncode == 0, done.stderr


def edit_scatter(project: Path) -> None:
    """The user's edits: a colour scale in the JS, a method in the Python class."""
    js = project / "widgets/scatter.js"
    text = js.read_text()
    assert text.count("function sameRows(") == 1
    js.write_text(text.replace("function sameRows(", COLOR_SCALE + "function sameRows(", 1))
    py = project / "widgets/scatter.py"
    py.write_text(py.read_text() + SELECTED_ROWS)


def node_check(path: Path, tmp_path: Path) -> None:
    module = tmp_path / (path.stem + ".mjs")
    shutil.copy(path, module)
    done = subprocess.run(["node", "--check", str(module)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def ruff_clean(path: Path) -> None:
    for args in (["check", "--isolated"], ["format", "--isolated", "--check"]):
        done = subprocess.run(
            [sys.executable, "-m", "ruff", *args, str(path)], capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout + done.stderr


def manifest_consistent(project: Path) -> None:
    """Every hash vibew.toml records is the hash of the base copy on disk."""
    recorded = tomllib.loads((project / "vibew.toml").read_text())["files"]
    for path, entry in recorded.items():
        base = project / ".vibew/base" / path
        assert base.is_file(), f"vibew.toml records {path} but its base copy is missing"
        assert hashlib.sha256(base.read_bytes()).hexdigest() == entry["sha256"], path


def test_edits_survive_adding_and_removing_an_export(vibew, project, tmp_path):
    make_widgets(vibew, project)
    edit_scatter(project)
    before = snapshot(project)

    done = vibew("new", "scatter", "--exports", "+color:str")
    assert done.returncode == 0, done.stderr
    assert "merged" in done.stdout and "widgets/scatter.js" in done.stdout
    js = (project / "widgets/scatter.js").read_text()
    py = (project / "widgets/scatter.py").read_text()
    # The user's edits are all still there...
    assert COLOR_SCALE in js
    assert py.endswith(SELECTED_ROWS)
    # ...and the new trait is declared in Python and typed, read and written in JS.
    assert '    color = traitlets.Unicode("").tag(sync=True)\n' in py
    assert " * @property {string} color  written here\n" in js
    # The JS names it to read and write it (how is the template's business).
    assert '"color"' in js and "model.save_changes();" in js
    assert "<<<<<<<" not in js + py
    # Nothing but the two files (and their bases and the manifest) changed.
    after = snapshot(project)
    changed = {path for path in after if before.get(path) != after[path]}
    assert changed == {
        "widgets/scatter.js",
        "widgets/scatter.py",
        "widgets/scatter.css",  # the trait panel's row for color
        ".vibew/base/widgets/scatter.css",
        ".vibew/base/widgets/scatter.js",
        ".vibew/base/widgets/scatter.py",
        "vibew.toml",
    }
    manifest_consistent(project)
    node_check(project / "widgets/scatter.js", tmp_path)
    ruff_clean(project / "widgets/scatter.py")
    # The merged widget works, the user's method included.
    done = run_isolated(
        textwrap.dedent("""
            import pandas as pd
            from widgets.scatter import Scatter
            w = Scatter(pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [4.0, 5.0, 6.0]}))
            w.selected_indices = [0, 2]
            w.color = "red"
            print(sorted(Scatter.class_own_traits(sync=True)), w.selected_rows()["a"].tolist())
        """),
        project,
    )
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout.strip()
        == "['color', 'data', 'height', 'selected_indices', 'width', 'x', 'y'] [1.0, 3.0]"
    )

    # Nothing new from the templates: update changes nothing.
    unchanged = snapshot(project)
    done = vibew("update")
    assert done.returncode == 0, done.stderr
    assert "up to date" in done.stdout
    assert snapshot(project) == unchanged

    # Removing the trait takes vibew's lines out again and keeps the user's.
    done = vibew("new", "scatter", "--exports", "-color")
    assert done.returncode == 0, done.stderr
    js = (project / "widgets/scatter.js").read_text()
    py = (project / "widgets/scatter.py").read_text()
    assert COLOR_SCALE in js and py.endswith(SELECTED_ROWS)
    assert '"color"' not in js and "color =" not in py
    assert js == before["widgets/scatter.js"].decode()
    assert py == before["widgets/scatter.py"].decode()
    manifest_consistent(project)


def test_an_import_added_and_removed_on_an_edited_widget_keeps_the_link(vibew, project):
    make_widgets(vibew, project)
    done = vibew("new", "scatter", "--exports", "+highlighted:int")
    assert done.returncode == 0, done.stderr
    hist = project / "widgets/histogram.js"
    hist.write_text(hist.read_text().replace("function render(", "// my note\nfunction render(", 1))
    done = vibew("new", "histogram", "--imports", "+scatter.highlighted")
    assert done.returncode == 0, done.stderr
    assert "linked to scatter.highlighted" in done.stdout
    assert "// my note\n" in hist.read_text()
    wiring = (project / "widgets/wiring.py").read_text()
    assert '"highlighted"' in wiring and '"selected_indices"' in wiring
    # The scatter's export cannot go while the histogram imports it.
    done = vibew("new", "scatter", "--exports", "-highlighted")
    assert done.returncode == 2
    assert "vibew new histogram --imports -highlighted" in done.stderr
    done = vibew("new", "histogram", "--imports", "-highlighted")
    assert done.returncode == 0, done.stderr
    assert '"highlighted"' not in (project / "widgets/wiring.py").read_text()
    assert "// my note\n" in hist.read_text()


def test_a_conflict_is_marked_reported_and_touches_nothing_else(vibew, project, tmp_path):
    make_widgets(vibew, project)
    js = project / "widgets/scatter.js"
    text = js.read_text()
    # The user edits the very place that adding a trait changes: the Model typedef's last
    # line, which the new trait's line follows.
    last = [line for line in text.splitlines() if line.startswith(" * @property ")][-1]
    mine = last + " (and my colours)"
    js.write_text(text.replace(last, mine, 1))
    before = snapshot(project)

    done = vibew("new", "scatter", "--exports", "+color:str")
    assert done.returncode == 1, done.stdout + done.stderr
    merged = js.read_text()
    lines = merged.splitlines()
    start = lines.index("<<<<<<< yours") + 1
    end = lines.index(">>>>>>> vibew") + 1
    # Reported with the file and the lines of the block, which holds both versions.
    assert f"widgets/scatter.js:{start}-{end}" in done.stderr
    assert lines[start - 1 : end] == [
        "<<<<<<< yours",
        mine,
        "=======",
        last,
        " * @property {string} color  written here",
        ">>>>>>> vibew",
    ]
    assert merged.count("<<<<<<<") == 1
    # Outside the block the file is the clean merge: the rest of vibew's change is in.
    outside = "\n".join(lines[: start - 1] + lines[end:])
    assert '"color"' in outside
    # Nothing else is touched: the other widget, the package files, no .orig copies.
    after = snapshot(project)
    changed = {path for path in after if before.get(path) != after[path]}
    assert changed == {
        "widgets/scatter.js",
        "widgets/scatter.py",
        "widgets/scatter.css",  # the trait panel's row for color
        ".vibew/base/widgets/scatter.css",
        ".vibew/base/widgets/scatter.js",
        ".vibew/base/widgets/scatter.py",
        "vibew.toml",
    }
    assert not [path for path in after if path.endswith(".orig")]
    manifest_consistent(project)

    # Until the markers are gone, vibew merges nothing more into the file...
    marked = snapshot(project)
    done = vibew("new", "scatter", "--exports", "+size:int")
    assert done.returncode == 2
    assert f"widgets/scatter.js:{start} still has the conflict markers" in done.stderr
    assert snapshot(project) == marked
    # ...and a command with nothing to write into it writes nothing, but does not say
    # "up to date" while the markers are there: it names them and exits 1.
    done = vibew("update")
    assert done.returncode == 1, done.stderr
    assert f"widgets/scatter.js:{start}: still has the markers" in done.stderr
    assert "up to date" not in done.stdout
    assert snapshot(project) == marked
    # The user resolves it; then the file is theirs and nothing is left to do.
    resolved = merged.replace("\n".join(lines[start - 1 : end]), mine + ", color")
    js.write_text(resolved)
    node_check(js, tmp_path)
    done = vibew("update")
    assert done.returncode == 0, done.stderr
    assert js.read_text() == resolved


def test_dry_run_shows_the_merge_as_a_diff_and_writes_nothing(vibew, project):
    make_widgets(vibew, project)
    edit_scatter(project)
    before = snapshot(project)
    done = vibew("new", "scatter", "--exports", "+color:str", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert snapshot(project) == before
    assert "widgets/scatter.js (merged)" in done.stdout
    assert "--- a/widgets/scatter.js\n+++ b/widgets/scatter.js\n" in done.stdout
    assert "+ * @property {string} color  written here\n" in done.stdout
    assert '+    color = traitlets.Unicode("").tag(sync=True)\n' in done.stdout
    # The user's edits are context of the diff, not removed lines.
    assert "-function colorScale" not in done.stdout


def test_a_deleted_manifest_is_a_clear_error_and_nothing_is_written(vibew, project):
    make_widgets(vibew, project)
    edit_scatter(project)
    (project / "vibew.toml").unlink()
    before = snapshot(project)
    for args in (["update"], ["new", "scatter", "--exports", "+color:str"], ["new", "other"]):
        done = vibew(*args)
        assert done.returncode == 2, args
        assert done.stderr.count("\n") == 1, done.stderr
        assert "vibew.toml is missing" in done.stderr
        assert "git checkout vibew.toml" in done.stderr
        assert snapshot(project) == before


def test_update_without_a_project_says_there_is_none(vibew, project):
    done = vibew("update")
    assert done.returncode == 2
    assert "no vibew.toml" in done.stderr and "vibew init" in done.stderr
    assert list(project.iterdir()) == []


def test_an_edited_file_without_its_base_needs_force_and_keeps_orig(vibew, project):
    make_widgets(vibew, project)
    edit_scatter(project)
    (project / ".vibew/base/widgets/scatter.js").unlink()
    before = snapshot(project)
    done = vibew("new", "scatter", "--exports", "+color:str")
    assert done.returncode == 2
    assert "widgets/scatter.js has edits of yours and its base copy" in done.stderr
    assert snapshot(project) == before
    done = vibew("new", "scatter", "--exports", "+color:str", "--force")
    assert done.returncode == 0, done.stderr
    orig = (project / "widgets/scatter.js.orig").read_text()
    assert orig == before["widgets/scatter.js"].decode() and COLOR_SCALE in orig
    assert '"color"' in (project / "widgets/scatter.js").read_text()
    manifest_consistent(project)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--exports", "+color:str", "--exports", "size"], "not both"),
        (["--exports", "-nothing"], "scatter has no export 'nothing' to remove"),
        (["--exports", "-selected_indices"], "the scatter template drives selected_indices"),
        (["--exports", "+selected_indices"], "already has a trait 'selected_indices'"),
        (["--exports", "+x:str"], "option of the scatter template"),
        (["--exports", "+color", "--template", "histogram"], "use --force to regenerate"),
    ],
)
def test_trait_changes_that_make_no_sense_are_refused(vibew, project, args, message):
    done = vibew("new", "scatter", "--exports", "selected_indices")
    assert done.returncode == 0, done.stderr
    before = snapshot(project)
    done = vibew("new", "scatter", *args)
    assert done.returncode == 2, done.stdout
    assert message in done.stderr
    assert snapshot(project) == before


def test_a_plus_spec_creates_and_a_minus_spec_cannot(vibew, project):
    done = vibew("new", "chart", "--exports", "-color")
    assert done.returncode == 2 and "does not exist yet" in done.stderr
    done = vibew("new", "chart", "--exports", "+color:str")
    assert done.returncode == 0, done.stderr
    assert "color = traitlets.Unicode" in (project / "widgets/chart.py").read_text()


def test_a_changed_template_is_merged_by_update(vibew, project, tmp_path):
    """A template upgrade, simulated: the base holds what an older template made."""
    make_widgets(vibew, project)
    edit_scatter(project)
    base = project / ".vibew/base/widgets/scatter.js"
    current = base.read_text()
    old = current.replace("const MARGIN", "const OLD_SETTING = 1;\nconst MARGIN", 1)
    assert old != current
    # What an older vibew would have left: that text as base, hash and (with the user's edit) file.
    base.write_text(old)
    js = project / "widgets/scatter.js"
    js.write_text(js.read_text().replace("const MARGIN", "const OLD_SETTING = 1;\nconst MARGIN", 1))
    manifest = project / "vibew.toml"
    digest = hashlib.sha256(old.encode()).hexdigest()
    text = manifest.read_text()
    entry = re.search(r'(\[files\."widgets/scatter\.js"\]\nsha256 = ")([0-9a-f]+)', text)
    assert entry
    manifest.write_text(text.replace(entry[2], digest))

    done = vibew("update", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "-const OLD_SETTING = 1;\n" in done.stdout
    done = vibew("update", "scatter")
    assert done.returncode == 0, done.stderr
    assert "merged" in done.stdout
    text = js.read_text()
    assert "OLD_SETTING" not in text and COLOR_SCALE in text
    node_check(js, tmp_path)
    manifest_consistent(project)


# Fault injection: the CLI runs with os.replace and os.fsync wrapped so that the Nth call of
# either dies. "raise" is an I/O error (the command cleans up what it can); "kill" is
# os._exit, like kill -9 or a power cut (no clean-up code runs at all).
_FAULTY_VIBEW = """
import atexit, os, sys

fail_at, mode = int(os.environ["FAIL_AT"]), os.environ["FAIL_MODE"]
steps = 0

def faulty(real):
    def step(*args):
        global steps
        steps += 1
        if steps == fail_at:
            if mode == "kill":
                os._exit(137)
            raise OSError(28, "No space left on device (injected)")
        return real(*args)
    return step

os.replace, os.fsync = faulty(os.replace), faulty(os.fsync)
atexit.register(lambda: sys.stderr.write(f"steps={steps}\\n"))
sys.argv = ["vibew", *sys.argv[1:]]
from vibewidget_cli.cli import main
main()
"""


def run_faulty(folder: Path, fail_at: int, mode: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "FAIL_AT": str(fail_at), "FAIL_MODE": mode}
    return subprocess.run(
        [sys.executable, "-c", _FAULTY_VIBEW, *args],
        cwd=folder,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_a_write_that_dies_at_any_step_leaves_old_or_new_never_a_mix(vibew, project, tmp_path):
    make_widgets(vibew, project)
    edit_scatter(project)
    change = ("new", "scatter", "--exports", "+color:str")
    old = snapshot(project)

    clean = tmp_path / "clean"
    shutil.copytree(project, clean)
    done = run_faulty(clean, 0, "raise", *change)
    assert done.returncode == 0, done.stderr
    steps = int(re.search(r"steps=(\d+)", done.stderr)[1])
    new = snapshot(clean)
    assert new != old
    # 2 files, 2 bases, the manifest: each staged (fsync) and renamed, plus the journal twice.
    assert steps >= 10

    outcomes = []
    for mode in ("raise", "kill"):
        for fail_at in range(1, steps + 1):
            folder = tmp_path / f"{mode}-{fail_at}"
            shutil.copytree(project, folder)
            done = run_faulty(folder, fail_at, mode, *change)
            assert done.returncode != 0, (mode, fail_at)
            died = snapshot(folder)
            # The manifest is the old one or the new one, and a new manifest means new files.
            assert died["vibew.toml"] in {old["vibew.toml"], new["vibew.toml"]}
            if died["vibew.toml"] == new["vibew.toml"]:
                assert {p: died[p] for p in new} == new, (mode, fail_at)
            # The next vibew command finishes or undoes the write before anything else (a dry
            # run, which writes nothing of its own).
            done = vibew("update", "--dry-run", cwd=folder)
            assert done.returncode == 0, (mode, fail_at, done.stderr)
            recovered = snapshot(folder)
            assert recovered in (old, new), (mode, fail_at, set(recovered) ^ set(new))
            manifest_consistent(folder)
            outcomes.append("old" if recovered == old else "new")
    # Early deaths roll back, late ones (after the commit point) roll forward.
    assert "old" in outcomes and "new" in outcomes
    # After a rollback the command simply runs again.
    folder = tmp_path / "raise-1"
    done = vibew(*change, cwd=folder)
    assert done.returncode == 0, done.stderr
    assert snapshot(folder) == new


def test_the_journal_is_json_listing_every_file_with_the_manifest_last(vibew, project, tmp_path):
    make_widgets(vibew, project)
    edit_scatter(project)
    steps = 0
    # Die at the first rename after the commit point, then read the journal left behind.
    for fail_at in range(1, 30):
        folder = tmp_path / f"f{fail_at}"
        shutil.copytree(project, folder)
        run_faulty(folder, fail_at, "kill", "new", "scatter", "--exports", "+color:str")
        journal = folder / ".vibew/pending.json"
        if journal.exists() and json.loads(journal.read_text())["state"] == "renaming":
            steps = fail_at
            break
    assert steps, "never stopped after the commit point"
    entries = json.loads(journal.read_text())["files"]
    targets = [target for target, _ in entries]
    assert targets[-1] == "vibew.toml"
    assert {"widgets/scatter.js", ".vibew/base/widgets/scatter.js"} <= set(targets)
    for target, temporary in entries:
        assert Path(temporary).parent == Path(target).parent  # same folder: rename is atomic


@pytest.mark.parametrize(
    ("before", "after", "message"),
    [
        ('type = "list[int]"', 'type = "int64"', "unknown type 'int64'"),
        ('name = "selected_indices"', 'name = "selected-indices"', "not a Python identifier"),
        ('name = "selected_indices"', 'name = "class"', "is a Python keyword"),
        ('role = "export"', 'role = "both"', "has role 'both'"),
        ("[widgets.scatter]", "[widgets.wiring]", "taken by the generated package"),
    ],
)
def test_a_hand_edited_manifest_with_a_bad_entry_is_one_clear_line(
    vibew, project, before, after, message
):
    assert vibew("new", "scatter", "--exports", "selected_indices").returncode == 0
    manifest = project / "vibew.toml"
    assert before in manifest.read_text()
    manifest.write_text(manifest.read_text().replace(before, after, 1))
    files = snapshot(project)
    for args in (["update"], ["list"], ["new", "other"]):
        done = vibew(*args)
        assert done.returncode == 2, args
        assert "vibew.toml is not a valid vibew manifest" in done.stderr
        assert message in done.stderr, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert snapshot(project) == files
