"""What each command does, as plain functions: the CLI parses and prints, these decide and write."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from vibewidget_cli import check, files, manifest
from vibewidget_cli.errors import UserError
from vibewidget_cli.manifest import Project
from vibewidget_cli.render import GeneratedFile, render_package
from vibewidget_cli.spec import (
    ImportRef,
    LinkSpec,
    TraitSpec,
    WidgetSpec,
    check_unique,
    check_widget_name,
    parse_import,
    parse_trait,
    parse_trait_ref,
)
from vibewidget_cli.templates import all_templates, bind_slots, choose_template, get_template

__all__ = ["all_templates", "get_template", "new_widget", "write"]


@dataclass
class Outcome:
    """What a command did (or, with --dry-run, would do), for the CLI to show."""

    changes: list[files.Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    project: Project | None = None
    widget: WidgetSpec | None = None


def load_project(root: Path, directory: str | None = None) -> Project:
    project = manifest.load(root) or Project()
    if directory is not None:
        if project.widgets and directory != project.directory:
            raise UserError(
                f"this project's widgets live in {project.directory!r} (vibew.toml); "
                f"--dir {directory!r} would split them"
            )
        project.directory = directory.strip("/") or "."
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
) -> Outcome:
    """`vibew new`: add a widget to the project (or regenerate it with --force)."""
    project = load_project(root, directory)
    check_widget_name(name)
    if name in project.widgets and not force:
        raise UserError(f"widget {name!r} already exists; use --force to regenerate it")
    outcome = Outcome()

    if template is not None:
        chosen = get_template(template)
        outcome.notes.append(f"template {chosen.kind} (--template)")
    else:
        chosen = choose_template(name, description) or get_template("generic")
        reason = "from the name and description" if chosen.kind != "generic" else "no match"
        outcome.notes.append(f"template {chosen.kind} ({reason})")

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

    project.widgets[name] = spec
    project.sources.pop(name, None)
    project.links = [link for link in project.links if link.target[0] != name] + links
    outcome.project, outcome.widget = project, spec
    outcome.changes = write(root, project, force=force, dry_run=dry_run)
    return outcome


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
    outcome = Outcome(project=project)
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
    project = manifest.load(root)
    if project is None:
        raise UserError(f"no {manifest.MANIFEST} here: create widgets with `vibew new` first")
    return project


def check_project(root: Path) -> list[check.Problem]:
    """`vibew check`: every problem in the widgets package, sorted by file and line."""
    existing_project(root)
    return check.check_project(root)


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
) -> list[files.Change]:
    """Render the whole package from `project` and write what changed; the manifest goes last."""
    rendered = render_package(project, js_overrides or _kept_js(root, project))
    changes = files.plan(root, rendered, project.files)
    if dry_run:
        return changes
    if not force:
        files.refuse_overwrites(changes)
    project.files = {**project.files, **files.apply(root, changes)}
    files.atomic_write(root / manifest.MANIFEST, manifest.dumps(project))
    return changes


def _kept_js(root: Path, project: Project) -> dict[str, str]:
    """JS that no template produces (an LLM's), taken from its base copy."""
    kept = {}
    for name in project.sources:
        base = files.read_base(root, f"{project.directory}/{name}.js")
        if base is not None:
            kept[name] = base
    return kept


def preview(changes: list[files.Change]) -> list[GeneratedFile]:
    return [change.file for change in changes if change.status != "unchanged"]
