"""The `vibew` command line: parses arguments, calls `commands`, prints what happened."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from vibewidget_cli import commands, llm
from vibewidget_cli.errors import UserError
from vibewidget_cli.lock import project_lock

app = typer.Typer(
    help="Scaffold anywidget widgets you own: typed traits, linked exports and imports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)  # one line per message

_STATUS = {
    "new": ("created", "green"),
    "update": ("updated", "cyan"),
    "unchanged": ("unchanged", "dim"),
    "kept": ("kept", "dim"),
    "merged": ("merged", "cyan"),
    "conflict": ("conflict", "red"),
    "edited": ("replaced", "yellow"),
    "untracked": ("replaced", "yellow"),
}


_Model = Annotated[
    str | None, typer.Option("--model", help="LLM model (else $VIBEW_MODEL, or gpt-4o-mini).")
]
_BaseUrl = Annotated[
    str | None,
    typer.Option("--base-url", help="OpenAI-compatible endpoint (else $OPENAI_BASE_URL)."),
]
_Retries = Annotated[
    int,
    typer.Option("--retries", min=0, help="Times to send failed checks back to the LLM."),
]
_AllowNetwork = Annotated[
    bool,
    typer.Option("--allow-network", help="Let the LLM's code call fetch/WebSocket (not eval)."),
]
_NoVerify = Annotated[
    bool,
    typer.Option(
        "--no-verify",
        help="Check the LLM's answer statically only, not in a headless browser.",
    ),
]
_ShowPrompt = Annotated[
    bool, typer.Option("--show-prompt", help="Print the LLM prompt and stop; no request.")
]


@app.command()
def new(
    name: Annotated[str, typer.Argument(help="Widget name, a Python identifier: scatter.")],
    description: Annotated[str, typer.Argument(help="What the widget shows and does.")] = "",
    exports: Annotated[
        list[str] | None,
        typer.Option(
            "--exports",
            "-e",
            metavar="SPEC",
            help="Trait it writes: name[:type][=description]. On an existing widget, "
            "+SPEC adds one and -NAME removes one (your edits are merged).",
        ),
    ] = None,
    imports: Annotated[
        list[str] | None,
        typer.Option(
            "--imports",
            "-i",
            metavar="SPEC",
            help="Trait it reads: name[:type][=description], or [name=]widget.trait to link. "
            "+SPEC and -NAME change an existing widget.",
        ),
    ] = None,
    js: Annotated[
        bool,
        typer.Option(
            "--js",
            help="Link the imports that name another widget's export in the browser "
            "(ipywidgets.jslink): no round trip through the kernel.",
        ),
    ] = False,
    template: Annotated[
        str | None, typer.Option("--template", "-t", help="Template kind (see vibew templates).")
    ] = None,
    directory: Annotated[
        str | None, typer.Option("--dir", help="Package folder for the widgets [default: widgets].")
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace files even if you edited them.")] = False,
    dry_run: Annotated[
        bool, typer.Option(help="Show what would be written; write nothing.")
    ] = False,
    use_llm: Annotated[
        bool | None,
        typer.Option(
            "--llm/--no-llm",
            help="Have an LLM write the JavaScript (by default: when OPENAI_API_KEY is set "
            "and no template fits).",
        ),
    ] = None,
    model: _Model = None,
    base_url: _BaseUrl = None,
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            metavar="FILE",
            help="CSV, Parquet or JSON whose schema (no cell values) goes into the LLM prompt.",
        ),
    ] = None,
    sample_rows: Annotated[
        int,
        typer.Option("--sample-rows", metavar="N", min=0, help="Also show the LLM N rows."),
    ] = 0,
    retries: _Retries = 2,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help=f"Ask the LLM again, ignoring {llm.CACHE_DIR}/.")
    ] = False,
    allow_network: _AllowNetwork = False,
    no_verify: _NoVerify = False,
    show_prompt: _ShowPrompt = False,
) -> None:
    """Create a widget: a Python module with typed traits and its JavaScript module."""
    options = llm.Options(
        use=use_llm,
        model=model,
        base_url=base_url,
        data=data,
        sample_rows=sample_rows,
        retries=retries,
        cache=not no_cache,
        allow_network=allow_network,
        show_prompt=show_prompt,
        verify=not no_verify,
    )
    with _one_at_a_time(Path.cwd()), _Waiting() as waiting:
        outcome = commands.new_widget(
            Path.cwd(),
            name,
            description,
            exports=exports or [],
            imports=imports or [],
            template=template,
            directory=directory,
            force=force,
            dry_run=dry_run,
            js=js,
            llm_options=options,
            progress=waiting,
        )
    _show_notes(outcome.notes)
    if outcome.prompt is not None:
        out.print(outcome.prompt, markup=False, highlight=False, soft_wrap=True, end="")
        return
    if dry_run:
        _show_preview(outcome.changes)
        return
    _show_changes(outcome.changes)
    _show_snippet(outcome)


@app.command()
def edit(
    name: Annotated[str, typer.Argument(help="The widget to revise.")],
    instruction: Annotated[str, typer.Argument(help="What to change, in words.")],
    exports: Annotated[
        list[str] | None,
        typer.Option("--exports", "-e", metavar="SPEC", help="A trait the edit adds, written."),
    ] = None,
    imports: Annotated[
        list[str] | None,
        typer.Option("--imports", "-i", metavar="SPEC", help="A trait the edit adds, read."),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Apply without asking.")] = False,
    model: _Model = None,
    base_url: _BaseUrl = None,
    retries: _Retries = 2,
    allow_network: _AllowNetwork = False,
    no_verify: _NoVerify = False,
    show_prompt: _ShowPrompt = False,
) -> None:
    """Have the LLM revise a widget's JavaScript (your edits included); shown as a diff first."""
    from rich.syntax import Syntax

    options = llm.Options(
        use=True,
        model=model,
        base_url=base_url,
        retries=retries,
        allow_network=allow_network,
        show_prompt=show_prompt,
        verify=not no_verify,
    )
    with _one_at_a_time(Path.cwd()), _Waiting() as waiting:
        proposal = commands.propose_edit(
            Path.cwd(),
            name,
            instruction,
            exports=exports or [],
            imports=imports or [],
            llm_options=options,
            progress=waiting,
        )
    if proposal.prompt is not None:
        out.print(proposal.prompt, markup=False, highlight=False, soft_wrap=True, end="")
        return
    _show_notes(proposal.notes)
    diff = proposal.diff()
    if not diff:
        out.print(f"the answer leaves {proposal.path} as it is: nothing to apply")
        return
    out.print(Syntax(diff, "diff", theme="ansi_dark", word_wrap=True))
    if not yes and not typer.confirm(f"Apply this change to {proposal.path}?", default=False):
        out.print("not applied: nothing was written")
        return
    with _one_at_a_time(Path.cwd()):
        outcome = commands.apply_edit(Path.cwd(), proposal)
    _show_changes(outcome.changes)


@contextmanager
def _one_at_a_time(root: Path) -> Iterator[None]:
    """Hold the project's lock; while another command holds it, say so (a spinner in a terminal)."""
    status = None

    def waiting() -> None:
        nonlocal status
        message = "waiting for another vibew command in this project to end"
        if err.is_terminal:
            status = err.status(message)
            status.start()
        else:
            err.print(f"[dim]{message}…[/]")

    try:
        with project_lock(root, waiting):
            if status is not None:
                status.stop()
                status = None
            yield
    finally:
        if status is not None:
            status.stop()


class _Waiting:
    """A spinner with the elapsed time and the streamed token count while the LLM answers."""

    def __init__(self) -> None:
        self._progress = None
        self._task = None

    def __enter__(self) -> _Waiting:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def asking(self, attempt: int, attempts: int, model: str) -> None:
        if not err.is_terminal:  # a spinner only means something to a person watching
            return
        if self._progress is None:
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                TextColumn("[dim]{task.fields[tokens]} tokens[/]"),
                console=err,
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task("", tokens=0)
        again = f" again ({attempt} of {attempts})" if attempt > 1 else ""
        self._progress.update(self._task, description=f"asking {model}{again}", tokens=0)

    def tokens(self, count: int) -> None:
        if self._progress is not None:
            self._progress.update(self._task, tokens=count)

    def rejected(self, attempt: int, problems: list[str]) -> None:
        err.print(f"[yellow]answer {attempt} fails the checks; asking again:[/]")
        for problem in problems:
            err.print(f"  - {escape(problem)}", soft_wrap=True)


def _show_notes(notes: list[str]) -> None:
    """What the command decided, one dimmed line each (rich does not wrap them)."""
    for note in notes:
        out.print(f"[dim]·[/] {escape(note)}", soft_wrap=True)


def _show_changes(changes: list[commands.files.Change]) -> None:
    """What was written; then, when a merge left conflict markers, where they are, and exit 1."""
    for change in changes:
        if change.status not in {"unchanged", "kept"}:
            label, style = _STATUS[change.status]
            out.print(f"  [{style}]{label:<9}[/] {change.file.path}")
    conflicted = [change for change in changes if change.status == "conflict"]
    for change in conflicted:
        for conflict in change.conflicts:
            err.print(
                f"[red]conflict:[/] {change.file.path}:{conflict.start}-{conflict.end}: "
                "your edits and vibew's change touch the same lines",
                soft_wrap=True,
            )
    if conflicted:
        err.print(
            "keep what you want between the <<<<<<< yours and >>>>>>> vibew lines, then delete "
            "the markers; everything else was merged and written",
            soft_wrap=True,
        )
        raise typer.Exit(1)


def _show_preview(changes: list[commands.files.Change]) -> None:
    from rich.syntax import Syntax
    from rich.tree import Tree

    tree = Tree("[bold]would write[/] (dry run: nothing written)")
    for change in changes:
        where = ", ".join(f"lines {c.start}-{c.end}" for c in change.conflicts)
        tree.add(f"{change.file.path} [dim]({change.status}{' at ' + where if where else ''})[/]")
    out.print(tree)
    for change in changes:
        if change.status in {"unchanged", "kept"}:
            continue
        out.rule(change.file.path)
        if change.current is None:
            lexer = "python" if change.file.path.endswith(".py") else "javascript"
            out.print(Syntax(change.text, lexer, theme="ansi_dark", word_wrap=True))
        elif out.is_terminal:  # what happens to the text on disk, merges included
            out.print(Syntax(change.diff(), "diff", theme="ansi_dark", word_wrap=True))
        else:  # unwrapped, so that it applies as a patch
            out.print(change.diff(), markup=False, highlight=False, soft_wrap=True, end="")


def _show_snippet(outcome: commands.Outcome) -> None:
    from rich.syntax import Syntax

    from vibewidget_cli.snippet import notebook_snippet

    assert outcome.project is not None and outcome.widget is not None
    snippet = notebook_snippet(outcome.project, outcome.widget.name)
    out.print("\n[bold]In a notebook:[/]")
    out.print(Syntax(snippet.rstrip(), "python", theme="ansi_dark", word_wrap=True))


@app.command("link")
def link(
    source: Annotated[str, typer.Argument(help="The export: WIDGET.TRAIT.")],
    target: Annotated[str, typer.Argument(help="The import it feeds: WIDGET.TRAIT.")],
    oneway: Annotated[
        bool, typer.Option("--oneway", help="Only source → target (traitlets.dlink).")
    ] = False,
    js: Annotated[
        bool | None,
        typer.Option(
            "--js/--kernel",
            help="--js links them in the browser (ipywidgets.jslink): no round trip through "
            "the kernel; --kernel through Python (traitlets.link), the default. On a linked "
            "pair, changes how it is linked.",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option(help="Show what would be written; write nothing.")
    ] = False,
) -> None:
    """Link one widget's export to another's import and rewrite widgets/wiring.py."""
    with _one_at_a_time(Path.cwd()):
        outcome = commands.link_traits(
            Path.cwd(), source, target, oneway=oneway, js=js, dry_run=dry_run
        )
    _show_notes(outcome.notes)
    if dry_run:
        _show_preview(outcome.changes)
        return
    _show_changes(outcome.changes)
    _show_snippet(outcome)


@app.command("list")
def list_widgets(
    as_json: Annotated[bool, typer.Option("--json", help="Print the project as JSON.")] = False,
) -> None:
    """List the widgets, their exports and imports, and the links between them."""
    with _one_at_a_time(Path.cwd()):  # it may finish an interrupted write
        project = commands.existing_project(Path.cwd())
    described = commands.describe_project(project)
    if as_json:
        import json

        print(json.dumps(described, indent=2))
        return
    from rich.table import Table
    from rich.tree import Tree

    def traits(items: list[dict[str, str]]) -> str:
        return "\n".join(f"{t['name']}: [dim]{escape(t['type'])}[/]" for t in items)

    table = Table(title=f"{project.directory}/", title_justify="left")
    table.add_column("widget", no_wrap=True)
    table.add_column("template", no_wrap=True)
    table.add_column("exports")
    table.add_column("imports")
    for widget in described["widgets"]:  # type: ignore[attr-defined]
        template = widget["template"] + (" [dim](llm)[/]" if widget["source"] == "llm" else "")
        table.add_row(
            widget["name"],
            template,
            traits(widget["exports"]),
            traits(widget["imports"]),
        )
    out.print(table)
    if not project.links:
        out.print("[dim]no links: add one with `vibew link SRC.TRAIT DST.TRAIT`[/]")
        return
    tree = Tree("[bold]links[/]")
    branches: dict[tuple[str, str], Tree] = {}
    for link in project.links:
        source = project.widgets.get(link.source[0])
        trait = source.trait(link.source[1]) if source else None
        type_ = f" [dim]{escape(trait.type)}[/]" if trait else ""
        if link.source not in branches:
            branches[link.source] = tree.add(f"{'.'.join(link.source)}{type_}")
        arrow = "→ (one-way)" if link.oneway else "↔"
        mode = "in the browser" if link.js else "through the kernel"
        branches[link.source].add(f"{arrow} {'.'.join(link.target)} [dim]{mode}[/]")
    out.print(tree)


@app.command("check")
def check(
    names: Annotated[
        list[str] | None,
        typer.Argument(
            help="With --browser: only these widgets [default: all].", show_default=False
        ),
    ] = None,
    browser: Annotated[
        bool,
        typer.Option(
            "--browser",
            help="Also render each widget in headless Chromium with synthetic values: errors, "
            "exports never written, imports that change nothing, network requests.",
        ),
    ] = False,
) -> None:
    """Check every widget's JS and Python against vibew.toml; exit 1 when something is wrong."""
    if names and not browser:
        raise UserError("name widgets only with --browser: the static check covers them all")
    timings: dict[str, float] = {}
    with _one_at_a_time(Path.cwd()):
        problems = commands.check_project(Path.cwd())
        if browser:
            problems += commands.check_in_browser(Path.cwd(), names or None, timings)
    for problem in problems:
        out.print(str(problem), markup=False, highlight=False, soft_wrap=True)
    if timings:
        spent = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in timings.items())
        out.print(f"[dim]browser check: {escape(spent)}[/]", soft_wrap=True)
    if problems:
        raise typer.Exit(1)
    if browser:
        out.print("ok: every widget keeps its contract and runs in the browser")
    else:
        out.print("ok: every widget keeps its contract, every link is sound")


@app.command()
def update(
    name: Annotated[
        str | None, typer.Argument(help="Only this widget [default: the whole package].")
    ] = None,
    force: Annotated[
        bool, typer.Option(help="Replace files you edited instead of merging.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option(help="Show the merged changes as diffs; write nothing.")
    ] = False,
) -> None:
    """Re-render the widgets from vibew.toml with the installed templates, merging your edits."""
    with _one_at_a_time(Path.cwd()):
        outcome = commands.update(Path.cwd(), name, force=force, dry_run=dry_run)
    _show_notes(outcome.notes)
    if dry_run:
        _show_preview(outcome.changes)
        return
    _show_changes(outcome.changes)
    for where in outcome.unresolved:
        err.print(f"[red]conflict:[/] {where}: still has the markers of an earlier merge")
    if outcome.unresolved:
        err.print(
            "keep what you want between the <<<<<<< yours and >>>>>>> vibew lines, then delete "
            "the markers",
            soft_wrap=True,
        )
        raise typer.Exit(1)
    if all(change.status in {"unchanged", "kept"} for change in outcome.changes):
        out.print("up to date: the installed templates make the same files")


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="Folder of the new project.")] = Path("."),
) -> None:
    """Start a widget project: pyproject.toml, the widgets package, an example notebook."""
    with _one_at_a_time(path):
        outcome = commands.init_project(path)
    _show_changes(outcome.changes)
    where = "" if path.resolve() == Path.cwd().resolve() else f"cd {path} && "
    out.print(
        f"\nNext: {where}vibew new scatter --exports selected_indices, "
        "then open example.ipynb (jupyter lab example.ipynb)",
        soft_wrap=True,
    )


@app.command()
def preview(
    name: Annotated[str, typer.Argument(help="The widget to show.")],
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="Port on 127.0.0.1 (0: any free one).")
    ] = 8000,
    no_open: Annotated[bool, typer.Option("--no-open", help="Do not open a browser.")] = False,
) -> None:
    """Serve a widget with synthetic data, an inspector of its traits and live reload."""
    from vibewidget_cli.browser import preview as previewing

    try:
        previewing.serve(
            Path.cwd(),
            name,
            port=port,
            open_browser=not no_open,
            announce=lambda url: out.print(
                f"previewing {name} at {url} (Ctrl-C stops)", soft_wrap=True
            ),
        )
    except KeyboardInterrupt:
        out.print("stopped")


@app.command("templates")
def list_templates() -> None:
    """List the built-in templates."""
    from rich.table import Table

    table = Table("template", "what it makes", "takes a DataFrame", box=None)
    for template in commands.all_templates().values():
        table.add_row(template.kind, template.summary, "yes" if template.data else "")
    out.print(table)


def main() -> None:
    for number, argument in enumerate(sys.argv[1:], start=1):
        if any("\udc80" <= char <= "\udcff" for char in argument):  # undecodable bytes
            err.print(
                f"[red]error:[/] argument {number} is not UTF-8 text; vibew writes names and "
                "descriptions into UTF-8 files"
            )
            sys.exit(2)
    try:
        result = app(standalone_mode=False)
    except typer.TyperException as error:  # a usage error, as the click typer vendors has them
        context = getattr(error, "ctx", None)
        if type(error).__name__ == "NoArgsIsHelpError":  # `vibew` alone: the help
            out.print(error.format_message())  # empty when rich has printed it already
            sys.exit(0)
        # One line, like every other mistake, instead of click's usage box.
        command = context.command_path if context is not None else "vibew"
        err.print(f"[red]error:[/] {escape(error.format_message())} (see {command} --help)")
        sys.exit(2)
    except typer.Abort:
        err.print("[red]aborted[/]: nothing was written")
        sys.exit(1)
    except UserError as error:
        err.print(f"[red]error:[/] {escape(str(error))}", soft_wrap=True)
        sys.exit(error.exit_code)
    except OSError as error:  # disk full, permission denied, read-only, name too long, ...
        err.print(f"[red]error:[/] {escape(_os_failure(error))}", soft_wrap=True)
        sys.exit(1)
    except UnicodeDecodeError as error:
        err.print(
            f"[red]error:[/] a file vibew reads is not UTF-8 text ({escape(error.reason)} "
            f"at byte {error.start}); nothing was written",
            soft_wrap=True,
        )
        sys.exit(1)
    except KeyboardInterrupt:
        result = 130
    if result == 130:  # Ctrl-C: typer turns it into this exit code before it reaches us
        if (Path.cwd() / commands.files.JOURNAL).exists():
            err.print("[red]interrupted[/]: the next vibew command finishes writing the files")
        else:
            err.print("[red]interrupted[/]: nothing was half-written")
    sys.exit(result if isinstance(result, int) else 0)


def _os_failure(error: OSError) -> str:
    """An OS error as one line: the path, errno's words, and what became of the project."""
    paths = [p for p in (error.filename, error.filename2) if p is not None]
    where = " -> ".join(_shown(p) for p in paths)
    words = error.strerror or str(error) or type(error).__name__
    if (Path.cwd() / commands.files.JOURNAL).exists():
        after = "the next vibew command finishes or undoes the write"
    else:
        after = "the project is as it was"
    return f"{where + ': ' if where else ''}{words}; {after}"


def _shown(path: object) -> str:
    """A path relative to the current folder when it is inside it."""
    text = os.fsdecode(path) if isinstance(path, str | bytes | os.PathLike) else str(path)
    try:
        return Path(text).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return text
