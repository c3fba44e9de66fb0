"""Hostile text never becomes code: descriptions through the real CLI, each escaping filter on
its own, and property tests over any text and any trait name through the pure render path.

A generated file is safe when its Python compiles, its JS parses (tree-sitter and
`node --check`), and its identifiers are exactly those the same command writes for a plain
description: text that escaped a string or a comment would add a name (`alert`, `__import__`)
or break the parse.
"""

from __future__ import annotations

import ast
import functools
import json
import subprocess
import sys
import time
from pathlib import Path

import jinja2
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from vibewidget_cli import render
from vibewidget_cli.check import analyze_js
from vibewidget_cli.errors import UserError
from vibewidget_cli.render import (
    UnfilteredText,
    Untrusted,
    js_comment,
    js_string,
    jsdoc,
    one_line,
    py_comment,
    py_doc,
    py_string,
    render_package,
    render_widget,
)
from vibewidget_cli.spec import TraitSpec, WidgetSpec, check_trait_name
from vibewidget_cli.templates import all_templates, bind_slots, get_template

#: Text a careless or hostile user could type, paste or edit into vibew.toml.
HOSTILE = {
    "issue-newline": 'a\nalert("nl")\n//',
    "crlf": 'a\r\nalert("crlf")\r\n//',
    "lone-cr": 'a\ralert("cr")\r//',
    "u2028": 'a\u2028alert("ls")\u2028//',
    "u2029": 'a\u2029alert("ps")\u2029//',
    "u0085": 'a\x85alert("nel")\x85//',
    "vertical-tab": 'a\x0balert("vt")\x0b//',
    "form-feed": 'a\x0calert("ff")\x0c//',
    "file-separator": 'a\x1calert("fs")\x1c//',
    "newlines-around": '\n\n\nalert("many")\n\n',
    "close-jsdoc": '*/ alert("jsdoc") /*',
    "close-jsdoc-after-newline": 'x\n*/\nalert("jsdoc2")\n/**',
    "close-jsdoc-after-u2028": "x\u2028*/alert(1)/*",
    "open-block-comment": '/* alert("open")',
    "html-close-comment": '--> alert("close")',
    "html-close-comment-line": 'x\n--> alert("close2")',
    "html-open-comment": '<!-- alert("open")',
    "script-close": '</script><script>alert("script")</script>',
    "script-close-upper": "</SCRIPT>alert(1)",
    "html-tags": "<b>bold</b><img src=x onerror=alert(1)>",
    "js-string-break": '"; alert("js"); "',
    "js-single-string-break": "'; alert('js'); '",
    "close-braces": '}); alert("brace"); ({',
    "backticks": "`alert(1)`",
    "template-literal": "${alert(1)}",
    "backtick-template": "`${alert(1)}`",
    "triple-double": '"""; __import__("os").system("echo x"); """',
    "triple-single": "'''; __import__('os'); '''",
    "docstring-then-code": '"""\nimport os\nos.system("x")\n"""',
    "quote-at-end": 'ends with a quote"',
    "quotes-at-end": 'ends with quotes""',
    "quote-at-start": '"starts with a quote',
    "single-quote": "it's a widget",
    "mixed-quotes": "\"'\"'\"'",
    "backslash-N": "\\N",
    "backslash-N-brace": "\\N{",
    "backslash-N-name": "\\N{BULLET}",
    "trailing-backslash": "ends with a backslash\\",
    "backslash-quote": 'a \\" b',
    "literal-x00": "\\x00",
    "literal-u0000": "\\u0000",
    "literal-U": "\\U0001F600",
    "literal-newline-escape": "\\n alert(1)",
    "line-continuation": "a \\\nalert(1)",
    "python-fstring": '{__import__("os")}',
    "percent-format": "%s %(x)s %%",
    "hash-comment": "# not a comment",
    "shebang": "#!/bin/sh",
    "jinja-expression": "{{ 7 * 7 }} {{ widget.name }} {{ cycler.__init__ }}",
    "jinja-statement": "{% for x in range(3) %}x{% endfor %}",
    "jinja-comment": "{# hidden #} shown",
    "jinja-raw": "{% raw %}{{ x }}{% endraw %}",
    "long-words": "word " * 2000,
    "long-no-space": "x" * 10000,
    "emoji": "📈 chart 👩\u200d💻 🇫🇷 \U0001d54f",
    "rtl-override": 'safe \u202e)"(trela',
    "bidi-isolates": "\u2066alert(1)\u2069 \u2067x\u2069 \u200f",
    "zero-width-space": "a\u200bb\u2060c",
    "bom": "\ufeffstarts with a BOM",
    "combining": "e\u0301 n\u0303",
    "cjk-arabic": "漢字 مرحبا",
    "private-use": "\ue000\U000f0000",
    "del-and-escape": "a\x7fb \x1b[31mred\x1b[0m \x08",
    "tab": "a\tb",
    "json-ish": '{"a": 1, "b": [true, null]}',
}

#: What the CLI cannot take in an argument (the OS refuses NUL): edited into vibew.toml.
TOML_ONLY = {
    "nul": "a\x00alert(1)",
    "nul-newline": 'x\x00\nalert("nul")\n//',
}

#: Written into vibew.toml by hand, then `vibew update`.
EDITED = {
    "newline": 'a\nalert("nl")\n//',
    "u2028": 'a\u2028alert("ls")\u2028//',
    "close-jsdoc": '*/ alert("jsdoc") /*',
    "triple-double": '"""; __import__("os"); """',
    "backslash-N": "\\N{",
    **TOML_ONLY,
}

PLAIN = "plain words"
CALLS = {"alert", "__import__", "eval", "exec", "system"}


# ---------------------------------------------------------------- what a safe file looks like


@functools.cache
def _js_parser():
    import tree_sitter_javascript
    from tree_sitter import Language, Parser

    return Parser(Language(tree_sitter_javascript.language()))


def _js_nodes(js: str):
    stack = [_js_parser().parse(js.encode("utf-8")).root_node]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.children)


def js_identifiers(js: str) -> set[str]:
    """Every name the JS's own code uses (not strings, not comments)."""
    kinds = {"identifier", "property_identifier", "shorthand_property_identifier_pattern"}
    kinds |= {"shorthand_property_identifier", "statement_identifier"}
    return {node.text.decode() for node in _js_nodes(js) if node.type in kinds}


def js_calls(js: str) -> set[str]:
    """The names of every called function or method."""
    names = set()
    for node in _js_nodes(js):
        if node.type == "call_expression":
            callee = node.child_by_field_name("function")
            if callee.type == "member_expression":
                callee = callee.child_by_field_name("property")
            names.add(callee.text.decode())
    return names


def py_names(python: str) -> set[str]:
    """Every name and attribute the Python's own code uses."""
    tree = ast.parse(python)
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    names |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    names |= {a.arg for n in ast.walk(tree) if isinstance(n, ast.arguments) for a in n.args}
    return names


def assert_js_is_code_we_wrote(js: str, expected_identifiers: set[str]) -> None:
    facts = analyze_js(js)
    assert facts.syntax_errors == [], facts.syntax_errors
    assert not CALLS & js_calls(js), CALLS & js_calls(js)
    assert js_identifiers(js) == expected_identifiers, js_identifiers(js) ^ expected_identifiers


def assert_python_is_code_we_wrote(python: str, expected_names: set[str]) -> None:
    compile(python, "<generated>", "exec")
    tree = ast.parse(python)
    called = {
        n.func.id if isinstance(n.func, ast.Name) else getattr(n.func, "attr", "")
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
    }
    assert not CALLS & called
    assert py_names(python) == expected_names, py_names(python) ^ expected_names


def node_check(sources: list[str], folder: Path) -> None:
    """`node --check` each JS text as an ES module."""
    for i, source in enumerate(sources):
        path = folder / f"module_{i}.mjs"
        path.write_text(source, encoding="utf-8")
        done = subprocess.run(["node", "--check", str(path)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr


# ---------------------------------------------------------------- through the real CLI


def new_args(text: str, template: str = "generic") -> list[str]:
    """`vibew new` with `text` as the widget's description and two traits' descriptions
    (after `--`, so that a text such as `--> x` is not read as an option)."""
    traits = ["-e", f"note:str={text}", "-i", f"level:int={text}"]
    return ["new", "-t", template, *traits, "--", "w", text]


def generated(project: Path) -> tuple[str, str]:
    widgets = project / "widgets"
    return (widgets / "w.py").read_text(encoding="utf-8"), (widgets / "w.js").read_text(
        encoding="utf-8"
    )


@pytest.fixture(scope="module")
def plain_outputs() -> dict[str, tuple[set[str], set[str]]]:
    """Per template: the Python names and JS identifiers of the widget a plain text writes
    (the pure render path writes what `vibew new` does; test_any_description_stays_text
    holds it to the same rule)."""
    return {kind: _plain(kind) for kind in all_templates()}


def assert_safe(project: Path, plain: tuple[set[str], set[str]], text: str) -> None:
    python, js = generated(project)
    assert_python_is_code_we_wrote(python, plain[0])
    assert_js_is_code_we_wrote(js, plain[1])
    node_check([js], project)
    # The text survives where it is a string: the trait's help is exactly what was typed.
    helps = [
        ast.literal_eval(keyword.value)
        for node in ast.walk(ast.parse(python))
        if isinstance(node, ast.Call)
        for keyword in node.keywords
        if keyword.arg == "help"
    ]
    assert text.strip() in helps


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_description_through_vibew_new(vibew, project, plain_outputs, text):
    done = vibew(*new_args(text))
    assert done.returncode == 0, done.stderr
    assert_safe(project, plain_outputs["generic"], text)


@pytest.mark.parametrize("kind", list(all_templates()))
def test_hostile_description_in_every_template(vibew, project, plain_outputs, kind):
    text = "".join(HOSTILE[k] for k in ("issue-newline", "close-jsdoc", "triple-double", "u2028"))
    done = vibew(*new_args(text, kind))
    assert done.returncode == 0, done.stderr
    assert_safe(project, plain_outputs[kind], text)


def toml_string(text: str) -> str:
    """A TOML basic string holding `text` (every control character escaped)."""
    return (
        '"'
        + "".join(
            f"\\u{ord(c):04x}" if c in '"\\' or ord(c) < 0x20 or c == "\x7f" else c for c in text
        )
        + '"'
    )


@pytest.mark.parametrize("text", list(EDITED.values()), ids=list(EDITED))
def test_hostile_description_edited_into_the_manifest(vibew, project, plain_outputs, text):
    done = vibew(*new_args("widget placeholder"))
    assert done.returncode == 0, done.stderr
    manifest = project / "vibew.toml"
    edited = manifest.read_text(encoding="utf-8").replace('"widget placeholder"', toml_string(text))
    assert edited.count(toml_string(text)) == 3  # the widget's and both traits' descriptions
    manifest.write_text(edited, encoding="utf-8")
    done = vibew("update")
    assert done.returncode == 0, done.stderr
    assert_safe(project, plain_outputs["generic"], text)
    assert vibew("check").returncode == 0


def test_hostile_python_stays_ruff_clean(tmp_path):
    """What ruff would change in generated code is a hint the escaping is not as ruff writes it."""
    widgets = {
        f"w{i:02}": WidgetSpec(
            f"w{i:02}", text, "generic", [TraitSpec("note", "str", "export", text.strip())]
        )
        for i, text in enumerate(HOSTILE.values())
    }
    from vibewidget_cli.manifest import Project

    for file in render_package(Project(widgets=widgets)):
        if file.path.endswith(".py"):
            (tmp_path / Path(file.path).name).write_text(file.text, encoding="utf-8")
    ruff = [sys.executable, "-m", "ruff"]
    lint = subprocess.run([*ruff, "check", "--isolated", str(tmp_path)], capture_output=True)
    assert lint.returncode == 0, lint.stdout.decode()
    fmt = subprocess.run(
        [*ruff, "format", "--isolated", "--check", "--diff", str(tmp_path)], capture_output=True
    )
    assert fmt.returncode == 0, fmt.stdout.decode()


# ---------------------------------------------------------------- each filter on its own

TEXTS = list(HOSTILE.values()) + list(TOML_ONLY.values()) + ["", " ", "\ud800 lone surrogate"]
TEXT_IDS = list(HOSTILE) + list(TOML_ONLY) + ["empty", "space", "surrogate"]


@pytest.mark.parametrize("text", TEXTS, ids=TEXT_IDS)
def test_py_string_evaluates_to_the_text(text):
    literal = py_string(text)
    (statement,) = ast.parse(literal).body
    assert isinstance(statement.value, ast.Constant)
    assert ast.literal_eval(literal) == text
    assert literal.isprintable()  # no raw line break, NUL or bidi override in the source


@pytest.mark.parametrize("text", TEXTS, ids=TEXT_IDS)
def test_py_doc_is_one_docstring_holding_the_text(text):
    for module in (
        f'"""The W widget: {py_doc(text, 18)}\n\nMore.\n"""\n',
        f'class W:\n    """{py_doc(text, 7, 4, 85)}"""\n',
    ):
        tree = ast.parse(module)
        (statement,) = tree.body
        docstring = ast.get_docstring(statement if isinstance(statement, ast.ClassDef) else tree)
        # All of the text is there (wrapping may split a long word: compare without spaces).
        assert "".join(one_line(text).split()) in "".join(docstring.split())


@pytest.mark.parametrize("text", TEXTS, ids=TEXT_IDS)
def test_py_comment_is_one_line_of_comment(text):
    tree = ast.parse(f"# {py_comment(text)}\nx = 1\n")
    assert [type(s) for s in tree.body] == [ast.Assign]


@pytest.mark.parametrize("text", TEXTS, ids=TEXT_IDS)
def test_js_string_evaluates_to_the_text_and_is_safe_in_a_page(text):
    literal = js_string(text)
    assert json.loads(literal) == text
    for unsafe in ("\u2028", "\u2029", "</", "<!--", "\u202e"):
        assert unsafe not in literal
    assert literal.isprintable()


@pytest.mark.parametrize("text", TEXTS, ids=TEXT_IDS)
def test_js_comment_and_jsdoc_stay_comments(text):
    js = (
        f"// {js_comment(text)}\n"
        f"// {js_comment(text, 100, '  ')}\n"
        f"/** @property {{string}} x  {jsdoc(text)} */\n"
        "export default 1;\n"
    )
    tree = _js_parser().parse(js.encode("utf-8"))
    assert not tree.root_node.has_error
    kinds = [node.type for node in tree.root_node.named_children]
    assert set(kinds) == {"comment", "export_statement"} and kinds[-1] == "export_statement"
    assert kinds.count("export_statement") == 1


def test_js_strings_mean_the_same_to_node(tmp_path):
    """Node evaluates every literal to the text (JSON and JS differ on U+2028 in old engines)."""
    texts = [t for t in TEXTS if "\ud800" not in t]
    module = "process.stdout.write(JSON.stringify([" + ", ".join(map(js_string, texts)) + "]));"
    path = tmp_path / "strings.mjs"
    path.write_text(module, encoding="utf-8")
    done = subprocess.run(["node", str(path)], capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == texts


@pytest.mark.parametrize(
    "source",
    ["{{ text }}", "{{ text ~ '' }}", "{{ [text]|join }}", "{{ (text + 'x')|upper }}"],
)
def test_untrusted_text_refuses_to_be_printed_without_a_filter(source):
    template = jinja2.Environment().from_string(source)
    with pytest.raises(UnfilteredText):
        template.render(text=Untrusted('a\nalert("x")'))


def test_every_template_prints_descriptions_only_through_filters():
    """No template prints a description raw: the Untrusted guard would raise here."""
    for kind in all_templates():
        template = get_template(kind)
        traits = [TraitSpec("note", "str", "export", "n"), TraitSpec("level", "int", "import", "l")]
        spec = WidgetSpec("w", "d", kind, traits)
        spec.traits += bind_slots(spec, template)[1]
        context = render.widget_context(spec, template)
        assert isinstance(context["widget"].description, Untrusted)
        assert all(isinstance(t.description, Untrusted) for t in context["widget"].traits)
        render_widget(spec, "widgets")


# ---------------------------------------------------------------- property tests

FRAGMENTS = [
    *sorted(set(HOSTILE.values()) | set(TOML_ONLY.values())),
    "\n",
    "\r",
    "\u2028",
    "\u2029",
    "\x85",
    "*/",
    "/*",
    "//",
    '"""',
    "'''",
    "\\",
    "`",
    "${",
    "{{",
    "}}",
    "{%",
    "%}",
    "</script>",
    "<!--",
    "-->",
    "\x00",
    "\ud800",
]
ANY_TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=120)
DESCRIPTIONS = st.lists(st.one_of(ANY_TEXT, st.sampled_from(FRAGMENTS)), max_size=6).map("".join)
KINDS = sorted(all_templates())


def _spec(kind: str, description: str, note: str = "note", level: str = "level") -> WidgetSpec:
    """A widget with a free export and a free import: the trait panel shows both."""
    traits = [
        TraitSpec(note, "str", "export", description),
        TraitSpec(level, "int", "import", description),
    ]
    spec = WidgetSpec("w", description, kind, traits)
    spec.traits += bind_slots(spec, get_template(kind))[1]
    return spec


@functools.cache
def _plain(kind: str, note: str = "note", level: str = "level") -> tuple[set[str], set[str]]:
    python, js, _ = render_widget(_spec(kind, PLAIN, note, level), "widgets")
    return py_names(python.text), js_identifiers(js.text)


def test_any_description_stays_text(tmp_path):
    samples: list[str] = []
    began = time.monotonic()

    @settings(
        max_examples=300,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(kind=st.sampled_from(KINDS), description=DESCRIPTIONS)
    def check(kind, description):
        python, js, _ = render_widget(_spec(kind, description), "widgets")
        names, identifiers = _plain(kind)
        assert_python_is_code_we_wrote(python.text, names)
        assert_js_is_code_we_wrote(js.text, identifiers)
        if len(samples) < 20 and description:
            samples.append(js.text)

    check()
    node_check(samples, tmp_path)
    print(f"300 descriptions, {len(samples)} node checks: {time.monotonic() - began:.1f} s")


RESERVED_FOR_THE_TEMPLATES = {
    name
    for template in all_templates().values()
    for name in [s.default_name for s in template.slots] + [o.name for o in template.options]
}


def test_no_js_identifier_comes_from_a_trait_name(tmp_path):
    samples: list[str] = []
    began = time.monotonic()
    names = st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True)

    @settings(max_examples=250, deadline=None, derandomize=True)
    @given(kind=st.sampled_from(KINDS), note=names, level=names)
    def check(kind, note, level):
        assume(note != level and not {note, level} & RESERVED_FOR_THE_TEMPLATES)
        assume("data" not in {note, level})
        python, js, _ = render_widget(_spec(kind, "d", note, level), "widgets")
        # The JS is the same code whatever the names: they live in its strings only.
        assert_js_is_code_we_wrote(js.text, _plain(kind, "fixed_note", "fixed_level")[1])
        try:
            check_trait_name(note), check_trait_name(level)
        except UserError:
            return  # vibew refuses the name, so it never reaches a Python class
        expected = _plain(kind, "fixed_note", "fixed_level")[0] - {"fixed_note", "fixed_level"}
        assert_python_is_code_we_wrote(python.text, expected | {note, level})
        if len(samples) < 20:
            samples.append(js.text)

    check()
    node_check(samples, tmp_path)
    print(f"250 trait-name pairs, {len(samples)} node checks: {time.monotonic() - began:.1f} s")
