"""The LLM call: one streamed completion through `openai`, and the loop that asks until the code passes.

Any OpenAI-compatible endpoint works. The model writes only the `.js` file; the Python module is
still rendered from the spec, so the traits stay typed. An answer is used only after it passes
`check.answer.check_code` (what `vibew check` applies plus the rules of generated code) and,
unless --no-verify, the browser check (`browser.verify`: the answer rendered in Chromium); when
it fails them, the problems go back to the model, a bounded number of times.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from vibewidget_cli.errors import UserError
from vibewidget_cli.llm import cache as answers
from vibewidget_cli.llm.prompt import extract_code, repair_message
from vibewidget_cli.llm.settings import Settings

if TYPE_CHECKING:
    from vibewidget_cli.spec import WidgetSpec
    from vibewidget_cli.templates import Template


class Progress(Protocol):
    """What the CLI shows while the model answers."""

    def asking(self, attempt: int, attempts: int, model: str) -> None: ...

    def tokens(self, count: int) -> None: ...

    def rejected(self, attempt: int, problems: list[str]) -> None: ...


class _Silent:
    def asking(self, attempt: int, attempts: int, model: str) -> None:
        pass

    def tokens(self, count: int) -> None:
        pass

    def rejected(self, attempt: int, problems: list[str]) -> None:
        pass


class Rejected(UserError):
    """The model's last answer still failed the checks; it is kept as NAME.rejected.js."""

    exit_code = 1

    def __init__(self, problems: list[str], code: str, attempts: int) -> None:
        self.problems, self.code, self.attempts = problems, code, attempts
        self.kept: str | None = None  # where the last attempt was written, for the message
        super().__init__()

    def __str__(self) -> str:
        tries = "once" if self.attempts == 1 else f"{self.attempts} times"
        kept = f"; its last attempt is in {self.kept}" if self.kept else ""
        lines = [f"the model's code failed the checks {tries}{kept}; nothing else was written"]
        return "\n".join(lines + [f"  - {problem}" for problem in self.problems])


def generate(
    root: Path,
    settings: Settings,
    messages: list[dict[str, str]],
    spec: WidgetSpec,
    template: Template | None = None,
    *,
    retries: int = 2,
    allow_network: bool = False,
    cache: bool = True,
    save: bool = True,
    progress: Progress | None = None,
    verify: bool = False,
    notes: list[str] | None = None,
) -> tuple[str, bool]:
    """Ask until the code passes the checks (at most `retries` repairs).

    With `verify`, an answer that passes the static checks is also run in Chromium
    (`browser.verify`); when no browser starts, a note says so once (in `notes`) and the
    answers are checked statically only. Returns the code and whether it came from the
    cache, which holds only answers that passed the checks that ran (a cached answer is
    checked again, so one stored with --no-verify is verified before it is used). `save=False` reads the
    cache but does not write to it. Raises `Rejected` with the last attempt when every
    answer failed.
    """
    from vibewidget_cli.check.answer import check_code  # deferred: tree-sitter, only now

    progress = progress or _Silent()
    with _Runtime(spec, template, verify, notes, allow_network) as runtime:

        def problems_of(code: str) -> list[str]:
            found = check_code(code, spec, template, allow_network=allow_network)
            return found or runtime.problems(code)

        path = answers.cache_path(root, settings, messages) if cache else None
        if path is not None:
            code = answers.read(path)
            if code and not problems_of(code):
                return code, True
        conversation = list(messages)
        attempts = retries + 1
        for attempt in range(1, attempts + 1):
            progress.asking(attempt, attempts, settings.model)
            answer, cut_off = complete(settings, conversation, progress)
            code = extract_code(answer)
            problems = problems_of(code)
            if cut_off and problems:
                problems.insert(0, "the answer was cut off at the model's length limit: be shorter")
            if not problems:
                if path is not None and save:
                    answers.write(path, settings, code)
                return code, False
            if attempt == attempts:
                break
            progress.rejected(attempt, problems)
            conversation += [
                {"role": "assistant", "content": answer},
                {"role": "user", "content": repair_message(problems)},
            ]
    raise Rejected(problems, code or answer, attempts)


class _Runtime:
    """The browser check of answers: one Chromium for the whole loop, started when first
    needed; with none available, a note (once) and no runtime problems."""

    def __init__(
        self,
        spec: WidgetSpec,
        template: Template | None,
        enabled: bool,
        notes: list[str] | None,
        allow_network: bool,
    ) -> None:
        self.spec, self.template, self.enabled, self.notes = spec, template, enabled, notes
        self.allow_network = allow_network
        self._stack = contextlib.ExitStack()
        self._browser = None

    def __enter__(self) -> _Runtime:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def _note(self, text: str) -> None:
        if self.notes is not None and text not in self.notes:
            self.notes.append(text)

    def problems(self, code: str) -> list[str]:
        if not self.enabled:
            return []
        from vibewidget_cli.browser import launch
        from vibewidget_cli.browser.verify import ModuleUnavailable, verify
        from vibewidget_cli.render import render_widget
        from vibewidget_cli.templates import get_template

        if self._browser is None:
            try:
                self._browser = self._stack.enter_context(launch.browser())
            except launch.NoBrowser as error:
                self.enabled = False
                self._note(f"verified statically only: {error}")
                return []
        template = self.template or get_template(self.spec.template)
        source = f"{self.spec.name}.js"
        css = next((f.text for f in render_widget(self.spec, "w") if f.path.endswith(".css")), "")
        try:
            found = verify(
                code,
                css,
                self.spec,
                template,
                source=source,
                browser=self._browser,
                allow_network=self.allow_network,
            )
        except ModuleUnavailable as error:
            self._note(f"verified statically only: {error}")
            return []
        return [_with_line(problem, code, source) for problem in found]


def _with_line(problem: str, code: str, source: str) -> str:
    """`problem`, followed by the text of the line it names (for the model to find it)."""
    where, _, _ = problem.partition(": ")
    number = where.removeprefix(f"{source}:")
    lines = code.splitlines()
    if number.isdigit() and 1 <= int(number) <= len(lines) and lines[int(number) - 1].strip():
        return f"{problem} (line {number}: `{lines[int(number) - 1].strip()[:120]}`)"
    return problem


def complete(
    settings: Settings, messages: list[dict[str, str]], progress: Progress | None = None
) -> tuple[str, bool]:
    """One streamed chat completion: the answer's text and whether it hit the length limit."""
    import openai

    progress = progress or _Silent()
    client = openai.OpenAI(
        api_key=settings.api_key,
        base_url=settings.base_url,
        timeout=settings.timeout,
        max_retries=settings.max_retries,
    )
    parts: list[str] = []
    cut_off = False
    try:
        stream = client.chat.completions.create(
            model=settings.model, messages=messages, stream=True
        )
        for chunk in stream:
            for choice in chunk.choices:
                if choice.delta and choice.delta.content:
                    parts.append(choice.delta.content)
                    progress.tokens(len(parts))
                cut_off = cut_off or choice.finish_reason == "length"
    except openai.OpenAIError as error:
        raise UserError(_failure(error, settings)) from None
    finally:
        client.close()
    return "".join(parts), cut_off


def _failure(error: Exception, settings: Settings) -> str:
    """One line for a failed request, with the key (should a server echo it) masked."""
    import openai

    where = settings.endpoint
    tries = f"after {settings.max_retries + 1} attempts" if settings.max_retries else "(no retries)"
    if isinstance(error, openai.APITimeoutError):
        message = (
            f"{where} did not answer within {settings.timeout:g}s {tries}; try again later, "
            "or raise VIBEW_LLM_TIMEOUT"
        )
    elif isinstance(error, openai.APIConnectionError):
        cause = error.__cause__ or error
        message = f"cannot reach {where}: {cause} (check OPENAI_BASE_URL and your connection)"
    elif isinstance(error, openai.AuthenticationError):
        message = f"{where} refused the API key (401); check OPENAI_API_KEY"
    elif isinstance(error, openai.RateLimitError):
        message = f"{where} is rate-limiting requests (429) {tries}; wait and try again"
    elif isinstance(error, openai.NotFoundError):
        message = f"{where} has no model {settings.model!r} (404); choose one with --model"
    elif isinstance(error, openai.APIStatusError):
        detail = _short(getattr(error, "message", "") or "")
        message = f"{where} answered {error.status_code} {tries}" + (
            f": {detail}" if detail else ""
        )
    else:
        message = f"the request to {where} failed: {_short(str(error))}"
    if settings.api_key:
        message = message.replace(settings.api_key, "***")
    return message


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
