"""`vibew check`: every widget of a project held to the contract its manifest records.

Each widget's Python declares exactly its traits, its JS writes its exports and listens to its
imports and does nothing a widget may not; every link joins an export to an import of one
type, and the wiring module says so; no generated file needs vibew to run.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vibewidget_cli import manifest
from vibewidget_cli.check.js import analyze_js, contract_problems
from vibewidget_cli.check.python import analyze_py
from vibewidget_cli.errors import UserError
from vibewidget_cli.render import queries
from vibewidget_cli.spec import ANYWIDGET_TRAITS
from vibewidget_cli.templates import get_template
from vibewidget_cli.wiring import browser_link_problem

if TYPE_CHECKING:
    from pathlib import Path

    from vibewidget_cli.project import Project
    from vibewidget_cli.spec import LinkSpec, WidgetSpec
    from vibewidget_cli.templates import Template

_MANIFEST = manifest.MANIFEST


@dataclass(frozen=True, order=True)
class Problem:
    """Something wrong in a widgets package: where (relative to the project root) and what."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def check_project(root: Path, project: Project) -> list[Problem]:
    """Every problem in `project` (loaded from `root`), sorted by file and line; [] when sound."""
    problems: list[Problem] = []
    declared: dict[str, dict[str, int]] = {}  # widget → its Python class's synced traits
    for name, spec in sorted(project.widgets.items()):
        traits = _check_python(root, project, spec, problems)
        if traits is not None:
            declared[name] = traits
        _check_js(root, project, spec, traits, problems)
    _check_links(root, project, declared, problems)
    _check_no_vibew_imports(root, project, problems)
    return sorted(set(problems))


def _check_python(
    root: Path, project: Project, spec: WidgetSpec, problems: list[Problem]
) -> dict[str, int] | None:
    """Hold the widget's class to the manifest; its synced traits, or None if unreadable."""

    path = f"{project.directory}/{spec.name}.py"
    text = _read(root, path, problems)
    if text is None:
        return None
    try:
        facts = analyze_py(text, spec.class_name)
    except SyntaxError as error:
        problems.append(Problem(path, error.lineno or 1, f"syntax error: {error.msg}"))
        return None
    if facts.class_line is None:
        problems.append(Problem(path, 1, f"no class {spec.class_name}"))
        return None
    expected = {t.name: f"{t.role} in {_MANIFEST}" for t in spec.traits}
    try:
        template = get_template(spec.template)
    except UserError:
        problems.append(Problem(_MANIFEST, 1, f"{spec.name}: unknown template {spec.template!r}"))
        return facts.traits
    expected |= {t.name: f"option of the {template.kind} template" for t in template.options}
    if template.data or spec.data:
        expected["data"] = _table_origin(spec, template)
    if _queries(spec, template_js=spec.name not in project.sources):
        expected["queried_rows"] = "rows the page asks the kernel about, as _source.py serves them"
    for trait, why in expected.items():
        if trait not in facts.traits:
            problems.append(
                Problem(
                    path,
                    facts.class_line,
                    f"{spec.class_name} does not declare trait {trait!r} ({why})",
                )
            )
    for trait, line in facts.traits.items():
        if trait not in expected:
            problems.append(
                Problem(
                    path,
                    line,
                    f"{spec.class_name}.{trait} is not in {_MANIFEST}: "
                    f"add it with `vibew new {spec.name} --force ...` or remove it",
                )
            )
    return facts.traits


def _queries(spec: WidgetSpec, *, template_js: bool) -> bool:
    """Whether the class serves its table to queries (render.queries), false when a slot's
    trait has a type the template does not take: a problem the links' check reports."""
    try:
        return queries(spec, template_js=template_js)
    except UserError:
        return False


def _check_js(
    root: Path,
    project: Project,
    spec: WidgetSpec,
    declared: dict[str, int] | None,
    problems: list[Problem],
) -> None:
    path = f"{project.directory}/{spec.name}.js"
    text = _read(root, path, problems)
    if text is None:
        return
    facts = analyze_js(text)
    for error in facts.syntax_errors:
        problems.append(Problem(path, error.line, f"JavaScript {error.message}"))
    wording = {
        "render": "no default export with render: `export default {{ render }}`",
        "set": "export {name!r} is never written: no model.set({name!r}, ...)",
        "save": "model.save_changes() is never called: no export reaches Python",
        "listen": 'import {name!r} is never listened to: no model.on("change:{name}", ...)',
    }
    for problem in contract_problems(facts, spec.exports, spec.imports):
        message = wording[problem.kind].format(name=problem.trait)
        problems.append(Problem(path, problem.line, message))
    if declared is not None:
        known = set(declared) | ANYWIDGET_TRAITS
        for verb, uses in (("get", facts.gets), ("set", facts.sets), ("on", facts.listens)):
            for use in uses:
                if use.name not in known:
                    call = (
                        f'model.on("change:{use.name}")'
                        if verb == "on"
                        else f"model.{verb}({use.name!r})"
                    )
                    problems.append(
                        Problem(
                            path,
                            use.line,
                            f"{call}: {spec.class_name} declares no trait {use.name!r}",
                        )
                    )
    for use in facts.unsafe:
        problems.append(Problem(path, use.line, f"{use.name} is not allowed in a widget"))
    for use in facts.network:
        message = f"{use.name} reaches the network; widgets get their data through the model"
        problems.append(Problem(path, use.line, message))


def _check_links(
    root: Path, project: Project, declared: dict[str, dict[str, int]], problems: list[Problem]
) -> None:
    manifest_lines = _read(root, _MANIFEST, problems) or ""
    for link in project.links:
        line = _link_line(manifest_lines, link)
        ends = []
        for ref, role in ((link.source, "export"), (link.target, "import")):
            widget = project.widgets.get(ref[0])
            trait = widget.trait(ref[1]) if widget is not None else None
            if widget is None:
                problems.append(Problem(_MANIFEST, line, f"link {link}: no widget {ref[0]!r}"))
            elif trait is None:
                problems.append(
                    Problem(_MANIFEST, line, f"link {link}: {ref[0]} has no trait {ref[1]!r}")
                )
            elif trait.role != role:
                problems.append(
                    Problem(
                        _MANIFEST,
                        line,
                        f"link {link}: {'.'.join(ref)} is an {trait.role}, not an {role}",
                    )
                )
            else:
                ends.append(trait)
        if len(ends) == 2 and ends[0].type != ends[1].type:
            problems.append(
                Problem(
                    _MANIFEST,
                    line,
                    f"link {link}: the types differ ({ends[0].type} and {ends[1].type})",
                )
            )
        elif len(ends) == 2 and link.js and browser_link_problem(project, link):
            problem = browser_link_problem(project, link)
            problems.append(Problem(_MANIFEST, line, f"link {link}: {problem}"))
    _check_wiring(root, project, declared, problems)


def _check_wiring(
    root: Path, project: Project, declared: dict[str, dict[str, int]], problems: list[Problem]
) -> None:
    """wiring.py links only traits its widgets' classes declare."""
    path = f"{project.directory}/wiring.py"
    if not (root / path).is_file():
        if project.links:
            problems.append(
                Problem(
                    path, 1, "missing: the links in vibew.toml are not wired (run `vibew link`)"
                )
            )
        return
    try:
        tree = ast.parse((root / path).read_text(encoding="utf-8"))
    except SyntaxError as error:
        problems.append(Problem(path, error.lineno or 1, f"syntax error: {error.msg}"))
        return
    # `(scatter, "selected_indices")` pairs: the widget is the parameter of that name.
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Tuple)
            and len(node.elts) == 2
            and isinstance(node.elts[0], ast.Name)
            and isinstance(node.elts[1], ast.Constant)
            and isinstance(node.elts[1].value, str)
        ):
            widget, trait = node.elts[0].id, node.elts[1].value
            if widget not in project.widgets:
                problems.append(
                    Problem(
                        path,
                        node.lineno,
                        f"links widget {widget!r}, which vibew.toml does not have",
                    )
                )
            elif widget in declared and trait not in declared[widget]:
                problems.append(
                    Problem(
                        path,
                        node.lineno,
                        f"links {widget}.{trait}, which {project.widgets[widget].class_name} does not declare",
                    )
                )


def _check_no_vibew_imports(root: Path, project: Project, problems: list[Problem]) -> None:
    folder = root / project.directory
    paths = sorted(folder.rglob("*.py")) if folder.is_dir() else []
    for file in paths:
        relative = file.relative_to(root).as_posix()
        try:
            facts = analyze_py(file.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError):
            continue  # the widget checks report syntax errors where they matter
        for module, line in facts.imports.items():
            if module == "vibewidget_cli" or module.startswith("vibewidget_cli."):
                problems.append(
                    Problem(
                        relative, line, f"imports {module}: generated code must run without vibew"
                    )
                )


def _link_line(manifest_text: str, link: LinkSpec) -> int:
    source, target = f'"{".".join(link.source)}"', f'"{".".join(link.target)}"'
    for number, line in enumerate(manifest_text.splitlines(), start=1):
        if source in line and target in line:
            return number
    return 1


def _read(root: Path, path: str, problems: list[Problem]) -> str | None:
    try:
        return (root / path).read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(Problem(path, 1, "missing"))
    except (OSError, UnicodeDecodeError) as error:
        problems.append(Problem(path, 1, f"unreadable: {error}"))
    return None


def _table_origin(spec: WidgetSpec, template: Template) -> str:
    """Why the widget has a `data` trait: its template reads rows, or the manifest asks."""
    if template.data:
        return f"the {template.kind} template's table"
    return f"the table in {_MANIFEST} (data = true for {spec.name})"
