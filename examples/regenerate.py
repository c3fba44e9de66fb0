"""Regenerate the examples from the `vibew` commands in their READMEs.

Each example's README.md has one fenced ```sh block: the exact `vibew` commands that wrote its
`widgets/` package, `vibew.toml` and `.vibew/base/`. That block is the single source of truth;
tests/test_examples.py runs it in a temporary folder and compares.

    python examples/regenerate.py              # every example, in place
    python examples/regenerate.py flights      # one
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXAMPLES = ["flights", "terrain", "solar", "crossfilter"]
#: What the commands write, relative to the example folder.
GENERATED = ["widgets", "vibew.toml", ".vibew"]

_SH_BLOCK = re.compile(r"^```sh\n(.*?)^```", re.S | re.M)


def readme_commands(readme: str) -> list[list[str]]:
    """The argument lists of the `vibew` commands in the README's one ```sh block."""
    blocks = _SH_BLOCK.findall(readme)
    if len(blocks) != 1:
        raise ValueError(f"expected one ```sh block in the README, found {len(blocks)}")
    commands = []
    for line in blocks[0].replace("\\\n", " ").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        args = shlex.split(line)
        if args[0] != "vibew":
            raise ValueError(f"not a vibew command: {line}")
        commands.append(args[1:])
    if not commands:
        raise ValueError("the ```sh block has no vibew command")
    return commands


def run_commands(example: Path, cwd: Path, python: str = sys.executable) -> None:
    """Run the example's README commands in `cwd` with the real CLI (`python -m vibewidget_cli`)."""
    for args in readme_commands((example / "README.md").read_text()):
        done = subprocess.run(
            [python, "-m", "vibewidget_cli", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"`vibew {shlex.join(args)}` failed in {cwd} ({done.returncode}):\n{done.stderr}"
            )


def generated_files(folder: Path) -> dict[str, bytes]:
    """Every file the commands write under `folder`, by relative path."""
    found = {}
    for name in GENERATED:
        path = folder / name
        if path.is_file():
            found[name] = path.read_bytes()
        elif path.is_dir():
            for file in sorted(path.rglob("*")):
                if file.is_file() and "__pycache__" not in file.parts:
                    found[file.relative_to(folder).as_posix()] = file.read_bytes()
    return found


def regenerate(name: str) -> None:
    example = HERE / name
    for generated in GENERATED:
        path = example / generated
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    run_commands(example, example)
    print(f"regenerated examples/{name}: {len(generated_files(example))} files")


def main(argv: list[str]) -> None:
    names = argv[1:] or [n for n in EXAMPLES if (HERE / n / "README.md").exists()]
    for name in names:
        regenerate(name)


if __name__ == "__main__":
    main(sys.argv)
