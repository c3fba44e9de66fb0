"""Checks of an LLM's answer before it is written: the widget contract, worded for the model, and
what generated code may do (no network unless allowed, no eval, pinned CDN imports)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from vibewidget_cli.spec import WidgetSpec
    from vibewidget_cli.templates import Template

#: Hosts a generated module may import from, always with an exact version (`name@1.2.3`).
CDN_HOSTS = ("esm.sh", "cdn.jsdelivr.net", "unpkg.com", "ga.jspm.io", "cdn.skypack.dev")
_PINNED = re.compile(r"@v?\d+\.\d+\.\d+")


def check_code(
    code: str,
    spec: WidgetSpec,
    template: Template | None = None,
    *,
    allow_network: bool = False,
) -> list[str]:
    """Everything wrong with `code` as this widget's module; empty when it may be written."""
    from vibewidget_cli.check.js import analyze_js, contract_problems

    if not code.strip():
        return ["the answer holds no JavaScript module"]
    facts = analyze_js(code)
    if facts.syntax_errors:
        return [
            f"line {e.line}: {e.message} (the module does not parse)"
            for e in facts.syntax_errors[:8]
        ]
    problems = [
        _CONTRACT_WORDING[problem.kind].format(name=problem.trait)
        for problem in contract_problems(facts, spec.exports, spec.imports)
    ]
    # Stricter than `vibew check`, which also accepts an import read from its handler's
    # arguments: the house style the prompt asks for reads it with model.get.
    for trait in spec.imports:
        if trait.name in facts.listen_names and trait.name not in facts.get_names:
            problems.append(
                f'import {trait.name!r} is never read: read it with model.get("{trait.name}") '
                "in its change handler"
            )
    # The rules are check.js's (the same `vibew check` applies); here they are worded for the
    # model. --allow-network lifts only the network ones: eval-likes stay refused.
    for use in facts.unsafe:
        problems.append(f"line {use.line}: {use.name} is not allowed in a widget")
    if not allow_network:
        for use in facts.network:
            problems.append(
                f"line {use.line}: {use.name} reaches the network; a widget gets its data "
                "through the model (--allow-network lifts this rule)"
            )
    for use in facts.imports:
        problem = import_problem(use.name)
        if problem:
            problems.append(f"line {use.line}: {problem}")
    return problems


# The shared contract rules (check.contract_problems), worded for the LLM: how to mend each.
_CONTRACT_WORDING = {
    "render": "no default export with render: end the module with `export default {{ render }};`",
    "set": 'export {name!r} is never written: call model.set("{name}", value) '
    "then model.save_changes() when the user changes it",
    "save": "model.save_changes() is never called: without it Python never sees the exports",
    "listen": 'import {name!r} is never listened to: model.on("change:{name}", handler), '
    "and redraw in the handler",
}


def import_problem(source: str) -> str | None:
    """Why a module may not import `source`; None for a pinned https URL on a known CDN."""
    example = "e.g. https://esm.sh/d3@7.9.0"
    url = urlsplit(source)
    if not url.scheme:
        where = "another file" if source.startswith((".", "/")) else "a bare package name"
        return (
            f"imports {source!r}, {where}: a widget is one self-contained module; import a "
            f"library only from a CDN URL with an exact version, {example}"
        )
    if url.scheme != "https" or url.hostname not in CDN_HOSTS:
        return f"imports from {source!r}: only https URLs on {', '.join(CDN_HOSTS)} are allowed"
    if not _PINNED.search(url.path):
        return f"imports {source!r} without an exact version: pin it as name@1.2.3, {example}"
    return None
