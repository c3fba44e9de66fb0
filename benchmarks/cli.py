"""How long `vibew new` takes, side by side with `copier copy` of a two-file template.

    python benchmarks/cli.py [--runs 15]

Runs `vibew new scatter "points" --exports selected_indices` in a fresh folder and `copier copy`
of a template made here (a `copier.yml` with one question, two `.jinja` files) in another, one
after the other, `--runs` times each, interleaved so that both see the same load on the
machine. Prints the median wall time of each and their ratio. Both run as installed commands
would: Python may write its bytecode (an installed package has it), and each is run once
first, so neither pays for a first compile.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_VIBEW = [sys.executable, "-m", "vibewidget_cli", "new", "scatter", "points"]
_VIBEW += ["--exports", "selected_indices"]


def _copier_command() -> list[str]:
    found = shutil.which("copier", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "copier"]


def _two_file_template(folder: Path) -> Path:
    """A copier template with one question and two files to render."""
    template = folder / "template"
    template.mkdir()
    (template / "copier.yml").write_text("name:\n  type: str\n  default: widget\n")
    (template / "README.md.jinja").write_text("# {{ name }}\n\nA project called {{ name }}.\n")
    (template / "{{ name }}.py.jinja").write_text(
        '"""The {{ name }} module."""\n\nNAME = "{{ name }}"\n'
    )
    return template


def _time(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    copier = _copier_command()
    vibew_times, copier_times = [], []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        template = _two_file_template(root)
        for run in range(runs + 1):  # run 0 warms both up and is not counted
            vibew_dir, copier_dir = root / f"vibew{run}", root / f"copier{run}"
            vibew_dir.mkdir()
            vibew = _time(_VIBEW, vibew_dir, env)
            copy = [*copier, "copy", "--defaults", "--quiet", str(template), str(copier_dir)]
            copied = _time(copy, root, env)
            if run:
                vibew_times.append(vibew)
                copier_times.append(copied)
    vibew_median = statistics.median(vibew_times)
    copier_median = statistics.median(copier_times)
    print(f"runs: {runs} each, interleaved")
    print(f"vibew new scatter ...   median {vibew_median:.3f} s  (min {min(vibew_times):.3f} s)")
    print(f"copier copy, two files  median {copier_median:.3f} s  (min {min(copier_times):.3f} s)")
    print(f"ratio vibew / copier: {vibew_median / copier_median:.2f}")


if __name__ == "__main__":
    main()
