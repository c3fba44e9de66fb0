"""What each command does, as plain functions: the CLI parses and prints, these decide and write."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from vibewidget_cli import files, llm, manifest
from vibewidget_cli.errors import UserError
from vibewidget_cli.generated import GeneratedFile
from vibewidget_cli.project import Project
from vibewidget_cli.render import render_package
from vibewidget_cli.resolve import Request, Resolved, resolve
from vibewidget_cli.spec import (
    LinkSpec,
    TraitSpec,
    WidgetSpec,
    check_directory,
    class_name,
    parse_trait_ref,
)
from vibewidget_cli.templates import (
    Template,
    all_templates,
    choose_template,
    get_template,
    templates_dir,
)
from vibewidget_cli.wiring import check_browser_link

if TYPE_CHECKING:
    from vibewidget_cli import check

__all__ = ["all_templates", "get_template", "new_widget", "write"]


@dataclass
class Outcome:
    """What a command did (or, with --dry-run, would do), for the CLI to show."""

    changes: list[files.Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    project: Project | None = None
    widget: WidgetSpec | None = None
    #: with --show-prompt: the LLM prompt, shown instead of asking
    prompt: str | None = None
    #: `path:line` of each conflict marker an earlier merge left and the user has not resolved
    unresolved: list[str] = field(default_factory=list)


def _load(root: Path, missing: str | None = None) -> tuple[Project, str | None]:
    """The project at `root` after finishing (or undoing) a write a crash interrupted.

    Returns it and what the recovery did, if anything. Without a manifest: a user error when
    vibew wrote files here (the manifest was lost) or when `missing` says why one is needed,
    else a new empty project.
    """
    finished = files.recover(root)
    project = manifest.load(root)
    if project is None:
        if files.has_generated_files(root):  # not an empty .vibew/base a failed write left
            raise UserError(_lost_manifest(root))
        if missing is not None:
            raise UserError(missing)
        project = Project()
    return project, finished


def load_project(root: Path, directory: str | None = None) -> Project:
    """The project `vibew new` adds to (a new one when there is none), in `--dir directory`."""
    project, _ = _load(root)
    if directory is not None:
        files.check_inside(root, directory)
        normalized = check_directory(directory)
        if project.widgets and normalized != project.directory:
            raise UserError(
                f"this project's widgets live in {project.directory!r} (vibew.toml); "
                f"--dir {directory!r} would split them"
            )
        project.directory = normalized
    files.check_inside(root, project.directory)
    return project


def new_widget(
    root: Path,
    name: str,
    description: str = "",
    *,
    exports: list[str] = (),  # type: ignore[assignment]
    imports: list[str] = (),  # type: ignore[assignment]
    template: str | None = None,
    directory: str | None = None,
    force: bool = False,
    dry_run: bool = False,
    js: bool = False,
    llm_options: llm.Options | None = None,
    progress: llm.Progress | None = None,
) -> Outcome:
    """`vibew new`: add a widget to the project (or regenerate it with --force).

    Its JavaScript comes from a template, or from an LLM (see `llm_options`; by default none).
    `js`: the links its `--imports widget.trait` make join the widgets in the browser.
    """
    project = load_project(root, directory)
    project.check_new_name(name)
    options = llm_options or llm.Options(use=False)
    request = Request(name, description, exports, imports, template)
    if name in project.widgets and request.is_change():
        return _change_widget(root, project, request, force=force, dry_run=dry_run, js=js)
    if name in project.widgets and not force:
        raise UserError(
            f"widget {name!r} already exists; change its traits with --exports +SPEC or -NAME "
            "(and --imports), re-render it with `vibew update`, or use --force to regenerate it"
        )
    outcome = Outcome()
    chosen, settings = _choose_source(root, request, options, outcome)
    if options.data is not None and not chosen.data:
        request.data = True  # the widget takes a table, though its template reads none
        outcome.notes.append(f"data: a table, as {class_name(name)}(df) (--data)")
    resolved = resolve(project, request, chosen)
    if js:  # a new widget, or one regenerated: every link into it is made here
        _links_in_browser(project, resolved, had=[])
    outcome.notes += resolved.notes
    project.put(resolved.widget, resolved.links)
    project.sources.pop(name, None)
    outcome.project, outcome.widget = project, resolved.widget
    js_overrides = None
    if settings is not None:
        code = _llm_js(
            root,
            project,
            resolved.widget,
            chosen,
            options,
            settings,
            outcome,
            progress,
            force,
            dry_run,
        )
        if code is None:  # --show-prompt
            return outcome
        project.sources[name] = "llm"
        js_overrides = {name: code}
    outcome.changes = write(root, project, force=force, dry_run=dry_run, js_overrides=js_overrides)
    return outcome


def _change_widget(
    root: Path, project: Project, request: Request, *, force: bool, dry_run: bool, js: bool
) -> Outcome:
    """`vibew new NAME --exports +SPEC -NAME ...`: change a widget's traits, merge into its files."""
    old = project.widgets[request.name]
    resolved = resolve(project, request, get_template(old.template))
    if js:
        _links_in_browser(project, resolved, had=project.links_into(old.name))
    outcome = Outcome(notes=resolved.notes)
    if request.name in project.sources:
        outcome.notes.append(
            f"{request.name}.js came from an LLM: vibew keeps it as it is, so use the changed "
            "traits in it yourself"
        )
    project.put(resolved.widget, resolved.links)
    outcome.project, outcome.widget = project, resolved.widget
    outcome.changes = write(root, project, force=force, dry_run=dry_run)
    return outcome


def _links_in_browser(project: Project, resolved: Resolved, had: list[LinkSpec]) -> None:
    """`vibew new ... --imports widget.trait --js`: the links this command makes are in the
    browser; the links it `had` already (when changing a widget) keep their mode."""
    made = [link for link in resolved.links if link not in had]
    if not made:
        raise UserError(
            "--js links the imports that name another widget's export (--imports widget.trait); "
            "this command makes no such link"
        )
    browser = {link: replace(link, js=True) for link in made}
    resolved.links = [browser.get(link, link) for link in resolved.links]
    # `browser_link_problem` reads the traits' types: the project with the widget as resolved.
    trial = Project(widgets={**project.widgets, resolved.widget.name: resolved.widget})
    for link in browser.values():
        check_browser_link(trial, link)
    resolved.notes += [f"link {link}" for link in browser.values()]


def _choose_source(
    root: Path, request: Request, options: llm.Options, outcome: Outcome
) -> tuple[Template, llm.Settings | None]:
    """The template the widget is rendered from, and the LLM settings when an LLM writes its JS."""
    template = request.template
    matched = choose_template(request.name, request.description) if template is None else None
    if options.show_prompt and options.use is False:
        raise UserError("--show-prompt shows the LLM's prompt; drop --no-llm")
    wants_llm = options.use or options.show_prompt
    if options.use is False or (not wants_llm and (template is not None or matched)):
        if template is not None:
            chosen = get_template(template)
            outcome.notes.append(f"template {chosen.kind} (--template)")
        else:
            chosen = matched or get_template("generic")
            reason = "from the name and description" if matched else "no match"
            outcome.notes.append(f"template {chosen.kind} ({reason})")
        return chosen, None
    settings = llm.settings(root, options)
    chosen = get_template(template or "generic")
    if settings.api_key is None and not options.show_prompt:
        if wants_llm:
            raise UserError(llm.no_key_message())
        outcome.notes.append(
            "template generic (no template fits, and no API key for an LLM: "
            "set OPENAI_API_KEY to have one write the widget)"
        )
        return chosen, None
    reason = "--llm" if options.use else "--show-prompt" if wants_llm else "no template fits"
    outcome.notes.append(f"JavaScript by {settings.model} at {settings.endpoint} ({reason})")
    return chosen, settings


def _llm_js(
    root: Path,
    project: Project,
    spec: WidgetSpec,
    template: Template,
    options: llm.Options,
    settings: llm.Settings,
    outcome: Outcome,
    progress: llm.Progress | None,
    force: bool,
    dry_run: bool,
) -> str | None:
    """Checked JavaScript from the LLM (or its cache); None when only the prompt was asked for."""
    if options.sample_rows and options.data is None:
        raise UserError("--sample-rows needs --data FILE to take the rows from")
    schema = llm.read_schema(options.data, options.sample_rows) if options.data else None
    messages = llm.new_prompt(spec, template, schema, allow_network=options.allow_network)
    if options.show_prompt:
        outcome.prompt = llm.show(messages)
        return None
    if not force and not dry_run:  # refuse before paying for an answer that cannot be written
        files.refuse_overwrites(write(root, project, dry_run=True))
    js, cached = _ask(
        root,
        project,
        spec,
        template,
        messages,
        options,
        settings,
        progress,
        dry_run,
        notes=outcome.notes,
    )
    if cached:
        outcome.notes.append(f"answer from {llm.CACHE_DIR}/ (--no-cache asks again)")
    return js


def _ask(
    root: Path,
    project: Project,
    spec: WidgetSpec,
    template: Template,
    messages: list[dict[str, str]],
    options: llm.Options,
    settings: llm.Settings,
    progress: llm.Progress | None,
    dry_run: bool,
    cache: bool = True,
    notes: list[str] | None = None,
) -> tuple[str, bool]:
    """The LLM's checked answer; when every attempt fails, the last is kept as NAME.rejected.js
    with the problems in comments at its top."""
    try:
        return llm.generate(
            root,
            settings,
            messages,
            spec,
            template,
            retries=options.retries,
            allow_network=options.allow_network,
            cache=cache and options.cache,
            save=not dry_run,
            progress=progress,
            verify=options.verify,
            notes=notes,
        )
    except llm.Rejected as rejected:
        if not dry_run:
            from vibewidget_cli.render import js_comment

            path = f"{project.directory}/{spec.name}.rejected.js"
            header = "".join(
                f"// vibew: this answer failed: {js_comment(problem)}\n"
                for problem in rejected.problems
            )
            files.atomic_write(files.check_inside(root, path), header + rejected.code)
            rejected.kept = path
        raise


@dataclass
class EditProposal:
    """`vibew edit`'s checked answer, waiting for the user's yes."""

    project: Project
    widget: WidgetSpec
    path: str
    before: str
    after: str
    links: list[LinkSpec] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: with --show-prompt: the prompt, shown instead of asking
    prompt: str | None = None

    def diff(self) -> str:
        import difflib

        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                f"a/{self.path}",
                f"b/{self.path}",
            )
        )


def propose_edit(
    root: Path,
    name: str,
    instruction: str,
    *,
    exports: list[str] = (),  # type: ignore[assignment]
    imports: list[str] = (),  # type: ignore[assignment]
    llm_options: llm.Options | None = None,
    progress: llm.Progress | None = None,
) -> EditProposal:
    """`vibew edit`: the LLM's revision of the widget's current JS (the user's edits included)."""
    options = llm_options or llm.Options()
    project = load_project(root)
    spec = project.widget(name)
    if not instruction.strip():
        raise UserError('say what to change: vibew edit NAME "INSTRUCTION"')
    path = f"{project.directory}/{name}.js"
    js_file = files.check_inside(root, path)
    if not js_file.is_file():
        raise UserError(f"{path} is missing; `vibew new {name} --force` writes it again")
    before = js_file.read_text(encoding="utf-8")
    template = get_template(spec.template)
    request = Request(name, exports=exports, imports=imports, command="edit")
    resolved = resolve(project, request, template)
    proposal = EditProposal(
        project, resolved.widget, path, before, before, resolved.links, resolved.notes
    )

    settings = llm.settings(root, options)
    if settings.api_key is None and not options.show_prompt:
        raise UserError(llm.no_key_message())
    messages = llm.edit_prompt(
        proposal.widget, template, before, instruction, allow_network=options.allow_network
    )
    if options.show_prompt:
        proposal.prompt = llm.show(messages)
        return proposal
    proposal.notes.append(f"asking {settings.model} at {settings.endpoint}")
    proposal.after, _ = _ask(
        root,
        project,
        proposal.widget,
        template,
        messages,
        options,
        settings,
        progress,
        dry_run=False,
        cache=False,  # an edit answers this file as it is now: nothing to re-use
        notes=proposal.notes,
    )
    return proposal


def apply_edit(root: Path, proposal: EditProposal) -> Outcome:
    """Write the accepted revision as the widget's JS and its new base.

    The Python module is rendered again only when the edit added traits.
    """
    path = files.check_inside(root, proposal.path)
    now = files.read_text(path, proposal.path) if path.is_file() else None
    if now is None or files.with_line_ending(now, "\n") != proposal.before:
        raise UserError(
            f"{proposal.path} changed while the revision waited for your yes; "
            "nothing was written: run `vibew edit` again"
        )
    project, spec = proposal.project, proposal.widget
    traits_added = spec.traits != project.widgets[spec.name].traits
    project.put(spec, proposal.links)
    project.sources[spec.name] = "llm"
    only = None if traits_added else {proposal.path}
    # The revision in the file's line endings: a CRLF file stays CRLF (the model saw, and
    # answered, its text with `\n`).
    after = files.with_line_ending(proposal.after, files.line_ending(now))
    changes = write(
        root,
        project,
        js_overrides={spec.name: after},
        only=only,
        approved=frozenset({proposal.path}),
    )
    return Outcome(changes=changes, notes=proposal.notes, project=project, widget=spec)


def update(
    root: Path, name: str | None = None, *, force: bool = False, dry_run: bool = False
) -> Outcome:
    """`vibew update [NAME]`: re-render from vibew.toml with the installed templates.

    Files the user edited get the template's changes merged in, as when a trait is added.
    """
    outcome = Outcome()
    project, finished = _load(
        root,
        missing=f"no {manifest.MANIFEST} in {root}: nothing to update "
        "(`vibew new` adds a widget here, `vibew init` starts a whole project)",
    )
    if finished:
        outcome.notes.append(finished)
    only = None
    if name is not None:
        outcome.widget = project.widget(name)
        only = {f"{project.directory}/{name}.{suffix}" for suffix in ("py", "js", "css")}
    outcome.project = project
    outcome.changes = write(root, project, force=force, dry_run=dry_run, only=only)
    outcome.unresolved = [
        f"{change.file.path}:{number}"
        for change in outcome.changes
        for number, line in enumerate(change.text.splitlines(), start=1)
        if line == f"{files.CONFLICT_START} yours"
    ]
    return outcome


def init_project(root: Path) -> Outcome:
    """`vibew init [PATH]`: a widget project from the copier template in `templates/project`.

    Copier writes the project's own files (pyproject.toml, .gitignore, example.ipynb); vibew
    then writes the empty widgets package and vibew.toml the way `vibew new` would, with base
    copies, so that later commands can merge into them.
    """
    import copier  # deferred: only init needs it, and it is slow to import

    source = templates_dir() / "project"
    if (root / manifest.MANIFEST).exists():
        raise UserError(f"{root} is already a vibew project: it has a {manifest.MANIFEST}")
    copied = sorted(
        path.relative_to(source / "template").as_posix().removesuffix(".jinja")
        for path in (source / "template").rglob("*")
        if path.is_file()
    )
    widgets = Project().directory
    clashes = [name for name in [*copied, widgets] if (root / name).exists()]
    if clashes:
        raise UserError(
            f"{root} already has {', '.join(clashes)}; vibew init starts a new project, "
            "in an empty folder or one without these"
        )
    name = re.sub(r"[^A-Za-z0-9]+", "-", root.resolve().name).strip("-").lower() or "widgets"
    copier.run_copy(
        str(source), root, data={"project_name": name}, defaults=True, quiet=True, unsafe=False
    )
    outcome = Outcome(project=Project())
    outcome.changes = [
        files.Change(GeneratedFile(path, (root / path).read_text(encoding="utf-8")), "new")
        for path in copied
    ]
    outcome.changes += write(root, outcome.project)
    return outcome


def _lost_manifest(root: Path) -> str:
    return (
        f"{root / manifest.MANIFEST} is missing, but vibew generated files here "
        f"({files.BASE_DIR}): restore it (e.g. `git checkout {manifest.MANIFEST}`) so vibew can "
        "tell your edits from its own text, or delete .vibew to start over"
    )


def link_traits(
    root: Path,
    source: str,
    target: str,
    *,
    oneway: bool = False,
    js: bool | None = None,
    dry_run: bool = False,
) -> Outcome:
    """`vibew link`: link one widget's export to another's import and rewrite wiring.py.

    `js`: True links them in the browser, False in the kernel, None (neither flag) makes a
    kernel link. Given for a pair already linked, it changes that link's mode (and --oneway
    makes it one-way); the link keeps its place in the list.
    """
    project = existing_project(root)
    asked = LinkSpec(parse_trait_ref(source), parse_trait_ref(target), oneway, bool(js))
    existing = next(
        (
            link
            for link in project.links
            if (link.source, link.target) == (asked.source, asked.target)
        ),
        None,
    )
    source, target = ".".join(asked.source), ".".join(asked.target)
    if existing is not None and js is None:
        raise UserError(
            f"{source} and {target} are already linked ({existing}); --js or --kernel changes how"
        )
    if existing is None:
        project.check_link(asked)
        link = asked
        project.links.append(link)
        note = f"link {link}"
    else:
        link = replace(existing, js=js, oneway=existing.oneway or oneway)
        project.links[project.links.index(existing)] = link
        note = (
            f"{source} {_how(existing)} is now {_how(link)}"
            if link != existing
            else f"already linked: {link}"
        )
    if link.js:
        check_browser_link(project, link)
    # The importing widget: the snippet shows it with every widget the links need.
    outcome = Outcome(project=project, widget=project.widgets[link.target[0]])
    outcome.notes.append(note)
    outcome.changes = write(root, project, dry_run=dry_run)
    return outcome


def _how(link: LinkSpec) -> str:
    """How `link` joins its ends: `<-> histogram.selected_indices in the browser`."""
    arrow = "->" if link.oneway else "<->"
    mode = "in the browser" if link.js else "through the kernel"
    return f"{arrow} {'.'.join(link.target)} {mode}"


def existing_project(root: Path) -> Project:
    """The project at `root`; a user error when there is none."""
    missing = f"no {manifest.MANIFEST} here: create widgets with `vibew new` first"
    return _load(root, missing)[0]


def check_project(root: Path) -> list[check.Problem]:
    """`vibew check`: every problem in the widgets package, sorted by file and line."""
    from vibewidget_cli import check  # deferred: only `vibew check` (and an LLM's answer) needs it

    return check.check_project(root, existing_project(root))


def check_in_browser(
    root: Path, names: list[str] | None, timings: dict[str, float] | None = None
) -> list[check.Problem]:
    """`vibew check --browser`: the widgets `names` (all by default) run in Chromium."""
    from vibewidget_cli.browser.verify import verify_project  # deferred: Playwright

    return verify_project(root, existing_project(root), names, timings=timings)


def describe_project(project: Project) -> dict[str, object]:
    """The project as plain data, for `vibew list --json`."""

    def traits(items: list[TraitSpec]) -> list[dict[str, str]]:
        return [{"name": t.name, "type": t.type, "description": t.description} for t in items]

    widgets = []
    for spec in sorted(project.widgets.values(), key=lambda w: w.name):
        template = all_templates().get(spec.template)
        widgets.append(
            {
                "name": spec.name,
                "class": spec.class_name,
                "template": spec.template,
                "description": spec.description,
                "source": project.sources.get(spec.name, "template"),
                "data": bool(template and template.data),
                "exports": traits(spec.exports),
                "imports": traits(spec.imports),
                "options": traits(list(template.options) if template else []),
            }
        )
    links = [
        {
            "source": ".".join(link.source),
            "target": ".".join(link.target),
            "oneway": link.oneway,
            "js": link.js,
        }
        for link in project.links
    ]
    return {"directory": project.directory, "widgets": widgets, "links": links}


def write(
    root: Path,
    project: Project,
    *,
    force: bool = False,
    dry_run: bool = False,
    js_overrides: dict[str, str] | None = None,
    only: set[str] | None = None,
    approved: frozenset[str] = frozenset(),
) -> list[files.Change]:
    """Render the package from `project` (the files in `only`, when given) and write what changed.

    Files the user edited get the changes merged in (conflicts are marked in the file). All files
    are written as one transaction, the manifest last. `approved`: paths whose new text the user
    has seen and accepted (`vibew edit`'s diff), written as they are.
    """
    rendered = render_package(project, {**_kept_js(root, project), **(js_overrides or {})})
    if only is not None:
        rendered = [file for file in rendered if file.path in only]
    changes = files.plan(root, rendered, project.files, force=force)
    changes = [
        files.Change(c.file, "update", c.current)
        if c.file.path in approved and c.current not in {None, c.file.text}
        else c
        for c in changes
    ]
    if dry_run:
        return changes
    if not force:
        files.refuse_overwrites(changes)
    project.files = {**project.files, **files.hashes(changes)}
    files.apply(root, changes, manifest=(manifest.MANIFEST, manifest.dumps(project)))
    return changes


def _kept_js(root: Path, project: Project) -> dict[str, str]:
    """JS that no template produces (an LLM's), taken from its base copy."""
    kept = {}
    for name in project.sources:
        base = files.read_base(root, f"{project.directory}/{name}.js")
        if base is not None:
            kept[name] = base
    return kept
