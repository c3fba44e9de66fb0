"""What each command does, as plain functions: the CLI parses and prints, these decide and write."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from vibewidget_cli import files, manifest
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
