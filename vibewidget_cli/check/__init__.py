"""Static checks of widget code: JS analysis (`js`), Python (`python`), a project's rules
(`project`, what `vibew check` runs) and an LLM's answer (`answer`).

The names below are loaded when first used, so that importing one part (the LLM prompt needs
`answer.CDN_HOSTS`) does not load tree-sitter's analysis and every rule with it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vibewidget_cli.check.answer import check_code
    from vibewidget_cli.check.js import (
        ContractProblem,
        JsFacts,
        JsSyntaxError,
        Use,
        analyze_js,
        contract_problems,
    )
    from vibewidget_cli.check.project import Problem, check_project
    from vibewidget_cli.check.python import PyFacts, analyze_py

_WHERE = {
    "check_code": "answer",
    "ContractProblem": "js",
    "JsFacts": "js",
    "JsSyntaxError": "js",
    "Use": "js",
    "analyze_js": "js",
    "contract_problems": "js",
    "Problem": "project",
    "check_project": "project",
    "PyFacts": "python",
    "analyze_py": "python",
}

__all__ = [
    "ContractProblem",
    "JsFacts",
    "JsSyntaxError",
    "Problem",
    "PyFacts",
    "Use",
    "analyze_js",
    "analyze_py",
    "check_code",
    "check_project",
    "contract_problems",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
