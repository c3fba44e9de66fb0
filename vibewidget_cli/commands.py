"""What each command does, as plain functions: the CLI parses and prints, these decide and write."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from vibewidget_cli import check, files, llm, manifest
from vibewidget_cli.errors import UserError
from vibewidget_cli.manifest import Project
from vibewidget_cli.render import GeneratedFile, render_package
from vibewidget_cli.spec import (
    ImportRef,
    LinkSpec,
    TraitSpec,
    WidgetSpec,
    check_class_names,
    check_directory,
    check_unique,
    check_widget_name,
    parse_import,
    parse_trait,
    parse_trait_ref,
)
from vibewidget_cli.templates import (
    Template,
    all_templates,
    bind_slots,
    choose_template,
    get_template,
    templates_dir,
)

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
    llm_options: llm.Options | None = None,
    progress: llm.Progress | None = None,
) -> Outcome:
    """`vibew new`: add a widget to the project (or regenerate it with --force).

    Its JavaScript comes from a template, or from an LLM (see `llm_options`; by default none).
    """
    project = load_project(root, directory)
    check_widget_name(name)
    check_class_names([*project.widgets, name])
    if name in project.widgets and _is_change(exports, imports):
        spec = project.widgets[name]
        return _change_widget(
            root, project, spec, description, exports, imports, template, force, dry_run
        )
    if name in project.widgets and not force:
        raise UserError(
            f"widget {name!r} already exists; change its traits with --exports +SPEC or -NAME "
            "(and --imports), re-render it with `vibew update`, or use --force to regenerate it"
        )
    exports, imports = _plain(exports, name), _plain(imports, name)
    outcome = Outcome()
    options = llm_options or llm.Options(use=False)
    chosen, settings = _choose_source(root, name, description, template, options, outcome)

    traits = [parse_trait(spec, "export") for spec in exports]
    links = []
    for spec in imports:
        parsed = parse_import(spec)
        if isinstance(parsed, ImportRef):
            trait, link = _resolve_import(project, name, parsed)
            links.append(link)
            outcome.notes.append(f"import {trait.name}: {trait.type}, linked to {link.source[0]}")
        else:
            trait = parsed
        traits.append(trait)
    for trait in traits:
        if trait.inferred:
            outcome.notes.append(
                f"{trait.role} {trait.name}: {trait.type} (inferred from its name)"
            )
    option_names = {option.name for option in chosen.options}
    for trait in traits:
        if trait.name in option_names:
            raise UserError(
                f"trait {trait.name!r} is an option of the {chosen.kind} template; choose another"
            )
    check_unique(traits)

    spec = WidgetSpec(name, description, chosen.kind, traits)
    slots, added = bind_slots(spec, chosen)
    # A trait a template slot drives gets the slot's description when the user gave none.
    descriptions = {slots[s.name]: s.description for s in chosen.slots if s.name in slots}
    spec.traits = [
        replace(t, description=descriptions.get(t.name, "")) if not t.description else t
        for t in spec.traits
    ]
    for trait in added:
        outcome.notes.append(
            f"added {trait.role} {trait.name}: {trait.type} (the {chosen.kind} template drives it)"
        )
    spec.traits += added
    _check_readers_kept(project, spec)

    project.widgets[name] = spec
    project.sources.pop(name, None)
    project.links = [link for link in project.links if link.target[0] != name] + links
    outcome.project, outcome.widget = project, spec
    js_overrides = None
    if settings is not None:
        js = _llm_js(
            root, project, spec, chosen, options, settings, outcome, progress, force, dry_run
        )
        if js is None:  # --show-prompt
            return outcome
        project.sources[name] = "llm"
        js_overrides = {name: js}
    outcome.changes = write(root, project, force=force, dry_run=dry_run, js_overrides=js_overrides)
    return outcome


def _choose_source(
    root: Path,
    name: str,
    description: str,
    template: str | None,
    options: llm.Options,
    outcome: Outcome,
) -> tuple[Template, llm.Settings | None]:
    """The template the widget is rendered from, and the LLM settings when an LLM writes its JS."""
    matched = choose_template(name, description) if template is None else None
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
        if options.data is not None:
            outcome.notes.append("--data is only read for an LLM's prompt; not used here")
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
    js, cached = _ask(root, project, spec, template, messages, options, settings, progress, dry_run)
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
) -> tuple[str, bool]:
    """The LLM's checked answer; when every attempt fails, the last is kept as NAME.rejected.js."""
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
        )
    except llm.Rejected as rejected:
        if not dry_run:
            path = f"{project.directory}/{spec.name}.rejected.js"
            files.atomic_write(files.check_inside(root, path), rejected.code)
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
    spec = project.widgets.get(name)
    if spec is None:
        known = ", ".join(sorted(project.widgets)) or "none yet"
        raise UserError(f"no widget named {name!r} (widgets: {known})")
    if not instruction.strip():
        raise UserError('say what to change: vibew edit NAME "INSTRUCTION"')
    path = f"{project.directory}/{name}.js"
    if not files.check_inside(root, path).is_file():
        raise UserError(f"{path} is missing; `vibew new {name} --force` writes it again")
    before = files.check_inside(root, path).read_text(encoding="utf-8")
    template = get_template(spec.template)
    proposal = EditProposal(project, spec, path, before, before)
    added = [parse_trait(s, "export") for s in exports]
    for text in imports:
        parsed = parse_import(text)
        if isinstance(parsed, ImportRef):
            parsed, link = _resolve_import(project, name, parsed)
            proposal.links.append(link)
        added.append(parsed)
    options_taken = {option.name for option in template.options}
    for trait in added:
        if trait.name in options_taken:
            raise UserError(f"trait {trait.name!r} is an option of the {template.kind} template")
        proposal.notes.append(f"adds {trait.role} {trait.name}: {trait.type}")
    check_unique(spec.traits + added)
    proposal.widget = replace(spec, traits=spec.traits + added)

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
    )
    return proposal


def apply_edit(root: Path, proposal: EditProposal) -> Outcome:
    """Write the accepted revision as the widget's JS and its new base.

    The Python module is rendered again only when the edit added traits.
    """
    path = files.check_inside(root, proposal.path)
    now = path.read_text(encoding="utf-8") if path.is_file() else None
    if now != proposal.before:
        raise UserError(
            f"{proposal.path} changed while the revision waited for your yes; "
            "nothing was written: run `vibew edit` again"
        )
    project, spec = proposal.project, proposal.widget
    traits_added = spec.traits != project.widgets[spec.name].traits
    project.widgets[spec.name] = spec
    project.links += proposal.links
    project.sources[spec.name] = "llm"
    only = None if traits_added else {proposal.path}
    changes = write(
        root,
        project,
        js_overrides={spec.name: proposal.after},
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
        if name not in project.widgets:
            known = ", ".join(sorted(project.widgets)) or "none yet"
            raise UserError(f"no widget named {name!r} (widgets: {known})")
        only = {f"{project.directory}/{name}.py", f"{project.directory}/{name}.js"}
        outcome.widget = project.widgets[name]
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


def _is_change(exports: list[str], imports: list[str]) -> bool:
    """`+SPEC` and `-NAME` change an existing widget's traits; plain specs give the whole list."""
    specs = [spec.strip() for spec in [*exports, *imports]]
    changes = [spec for spec in specs if spec.startswith(("+", "-"))]
    if changes and len(changes) != len(specs):
        raise UserError(
            "give either the whole list of traits (NAME[:type]) or changes to it "
            "(+NAME[:type] adds, -NAME removes), not both"
        )
    return bool(changes)


def _plain(specs: list[str], widget: str) -> list[str]:
    """For a widget that does not exist yet `+SPEC` is just SPEC, and `-NAME` a mistake."""
    for spec in specs:
        if spec.strip().startswith("-"):
            raise UserError(f"widget {widget!r} does not exist yet: nothing to remove ({spec})")
    return [spec.strip().removeprefix("+") for spec in specs]


def _change_widget(
    root: Path,
    project: Project,
    spec: WidgetSpec,
    description: str,
    exports: list[str],
    imports: list[str],
    template: str | None,
    force: bool,
    dry_run: bool,
) -> Outcome:
    """`vibew new NAME --exports +SPEC -NAME ...`: change a widget's traits, merge into its files.

    Removals go first, so `-color +color:int` changes a trait's type.
    """
    if template is not None and template != spec.template:
        raise UserError(
            f"{spec.name} is made from the {spec.template} template; "
            f"use --force to regenerate it from {template}"
        )
    chosen = get_template(spec.template)
    outcome = Outcome()
    traits = list(spec.traits)
    links = [link for link in project.links if link.target[0] == spec.name]
    asked = [("export", item.strip()) for item in exports]
    asked += [("import", item.strip()) for item in imports]
    removed = set()
    for role, item in asked:
        if item.startswith("-"):
            trait = _removable(project, spec, item[1:].strip(), role)
            traits.remove(trait)
            links = [link for link in links if link.target != (spec.name, trait.name)]
            removed.add(trait.name)
            outcome.notes.append(f"removed {role} {trait.name}")
    for role, item in asked:
        if not item.startswith("+"):
            continue
        parsed = parse_trait(item[1:], "export") if role == "export" else parse_import(item[1:])
        linked = ""
        if isinstance(parsed, ImportRef):
            trait, link = _resolve_import(project, spec.name, parsed)
            links.append(link)
            linked = f", linked to {'.'.join(link.source)}"
        else:
            trait = parsed
        if any(t.name == trait.name for t in traits):
            raise UserError(
                f"{spec.name} already has a trait {trait.name!r}; "
                f"to change it, remove it in the same command: -{trait.name} +{item[1:]}"
            )
        if trait.name in {option.name for option in chosen.options}:
            raise UserError(
                f"trait {trait.name!r} is an option of the {chosen.kind} template; choose another"
            )
        traits.append(trait)
        how = " (inferred from its name)" if trait.inferred else ""
        outcome.notes.append(f"added {role} {trait.name}: {trait.type}{how}{linked}")
    if spec.name in project.sources:
        outcome.notes.append(
            f"{spec.name}.js came from an LLM: vibew keeps it as it is, so use the changed "
            "traits in it yourself"
        )

    changed = WidgetSpec(spec.name, description or spec.description, spec.template, traits)
    slots, added = bind_slots(changed, chosen)
    for trait in added:
        if trait.name in removed:
            raise UserError(
                f"the {chosen.kind} template drives {trait.name} ({trait.description}); "
                "it cannot be removed"
            )
    descriptions = {slots[s.name]: s.description for s in chosen.slots if s.name in slots}
    changed.traits = [
        replace(t, description=descriptions.get(t.name, "")) if not t.description else t
        for t in traits
    ] + added
    for trait in added:
        outcome.notes.append(
            f"added {trait.role} {trait.name}: {trait.type} (the {chosen.kind} template drives it)"
        )

    project.widgets[spec.name] = changed
    project.links = [link for link in project.links if link.target[0] != spec.name] + links
    outcome.project, outcome.widget = project, changed
    outcome.changes = write(root, project, force=force, dry_run=dry_run)
    return outcome


def _removable(project: Project, spec: WidgetSpec, name: str, role: str) -> TraitSpec:
    trait = spec.trait(name)
    if trait is None or trait.role != role:
        names = ", ".join(t.name for t in spec.traits if t.role == role) or "none"
        raise UserError(f"{spec.name} has no {role} {name!r} to remove (its {role}s: {names})")
    readers = [link.target for link in project.links if link.source == (spec.name, name)]
    if readers:
        raise UserError(_linked_message(spec.name, name, readers[0]))
    return trait


def _linked_message(name: str, trait: str, reader: tuple[str, str]) -> str:
    widget, imported = reader
    return (
        f"{name}.{trait} is linked to {widget}.{imported}; remove that import first "
        f"(vibew new {widget} --imports -{imported})"
    )


def _check_readers_kept(project: Project, spec: WidgetSpec) -> None:
    """`vibew new NAME --force` must keep every export another widget imports, with its type."""
    old = project.widgets.get(spec.name)
    for link in project.links:
        if link.source[0] != spec.name:
            continue
        before = old.trait(link.source[1]) if old is not None else None
        after = spec.trait(link.source[1])
        if (
            after is None
            or after.role != "export"
            or (before is not None and after.type != before.type)
        ):
            raise UserError(_linked_message(spec.name, link.source[1], link.target))


def _resolve_import(project: Project, name: str, ref: ImportRef) -> tuple[TraitSpec, LinkSpec]:
    """`--imports scatter.selected_indices`: copy the export's type and record the link."""
    if ref.widget == name:
        raise UserError(f"widget {name!r} cannot import from itself")
    source = project.widgets.get(ref.widget)
    if source is None:
        known = ", ".join(sorted(project.widgets)) or "none yet"
        raise UserError(f"no widget named {ref.widget!r} to import from (widgets: {known})")
    exported = source.trait(ref.trait)
    if exported is None or exported.role != "export":
        exports = ", ".join(t.name for t in source.exports) or "none"
        raise UserError(f"{ref.widget} has no export {ref.trait!r} (its exports: {exports})")
    trait = replace(exported, name=ref.local, role="import", inferred=False)
    return trait, LinkSpec((ref.widget, ref.trait), (name, ref.local))


def link_traits(
    root: Path, source: str, target: str, *, oneway: bool = False, dry_run: bool = False
) -> Outcome:
    """`vibew link`: link one widget's export to another's import and rewrite wiring.py."""
    project = existing_project(root)
    link = LinkSpec(parse_trait_ref(source), parse_trait_ref(target), oneway)
    if link.source[0] == link.target[0]:
        raise UserError(f"cannot link widget {link.source[0]!r} to itself")
    exported = _link_end(project, link.source, "export")
    imported = _link_end(project, link.target, "import")
    if exported.role != "export" or imported.role != "import":
        hint = ""
        if exported.role == "import" and imported.role == "export":
            hint = f"; did you mean `vibew link {target} {source}`?"
        raise UserError(
            f"a link goes from an export to an import, but {source} is an {exported.role} "
            f"and {target} an {imported.role}{hint}"
        )
    if exported.type != imported.type:
        raise UserError(
            f"cannot link {source} ({exported.type}) to {target} ({imported.type}): "
            "the types differ"
        )
    for existing in project.links:
        if {existing.source, existing.target} == {link.source, link.target}:
            raise UserError(f"{source} and {target} are already linked ({existing})")
    project.links.append(link)
    # The importing widget: the snippet shows it with every widget the links need.
    outcome = Outcome(project=project, widget=project.widgets[link.target[0]])
    outcome.notes.append(f"link {link}")
    outcome.changes = write(root, project, dry_run=dry_run)
    return outcome


def _link_end(project: Project, ref: tuple[str, str], role: str) -> TraitSpec:
    widget = project.widgets.get(ref[0])
    if widget is None:
        known = ", ".join(sorted(project.widgets)) or "none yet"
        raise UserError(f"no widget named {ref[0]!r} (widgets: {known})")
    trait = widget.trait(ref[1])
    template = all_templates().get(widget.template)
    if trait is None and template and any(o.name == ref[1] for o in template.options):
        raise UserError(
            f"{'.'.join(ref)} is an option of the {template.kind} template, not an {role}; "
            "a link goes from an export to an import"
        )
    if trait is None:
        wanted = widget.exports if role == "export" else widget.imports
        names = ", ".join(t.name for t in wanted) or "none"
        raise UserError(f"{ref[0]} has no trait {ref[1]!r} (its {role}s: {names})")
    return trait


def existing_project(root: Path) -> Project:
    """The project at `root`; a user error when there is none."""
    missing = f"no {manifest.MANIFEST} here: create widgets with `vibew new` first"
    return _load(root, missing)[0]


def check_project(root: Path) -> list[check.Problem]:
    """`vibew check`: every problem in the widgets package, sorted by file and line."""
    return check.check_project(root, existing_project(root))


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
        {"source": ".".join(link.source), "target": ".".join(link.target), "oneway": link.oneway}
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
