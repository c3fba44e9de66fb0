"""Where an LLM request goes: the model, the endpoint and the key, from flags, environment and files.

The API key is read from the environment or `.env` and handed to the client; it is never
printed, logged, cached or written anywhere, and it goes only to an endpoint the user chose
(a flag or the environment), never to one a project file names (see `settings`).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from vibewidget_cli.errors import UserError

DEFAULT_MODEL = "gpt-4o-mini"

_DEFAULT_TIMEOUT = 120.0  # seconds the client waits for each read
_DEFAULT_MAX_RETRIES = 3  # the client's own retries (with backoff) on timeouts, 429 and 5xx


@dataclass(frozen=True)
class Options:
    """The LLM flags of `vibew new` and `vibew edit`."""

    #: --llm / --no-llm; None: use it when a key is set and no template fits the description
    use: bool | None = None
    model: str | None = None
    base_url: str | None = None
    data: Path | None = None
    sample_rows: int = 0
    retries: int = 2
    cache: bool = True
    allow_network: bool = False
    show_prompt: bool = False
    #: --no-verify: skip the browser check of the answer (the static checks still run)
    verify: bool = True


@dataclass(frozen=True)
class Settings:
    """Where to send the prompt. Flags > environment > `[tool.vibew]` in pyproject.toml > .env.

    The key comes from the environment or `.env` only; see `settings` for where it may go.
    """

    model: str
    base_url: str | None
    api_key: str | None = field(default=None, repr=False)
    timeout: float = _DEFAULT_TIMEOUT
    max_retries: int = _DEFAULT_MAX_RETRIES

    @property
    def endpoint(self) -> str:
        """The base URL as it may be shown: without any user:password part or query."""
        url = urlsplit(self.base_url or "https://api.openai.com/v1")
        host = url.hostname or ""
        port = f":{url.port}" if url.port else ""
        return f"{url.scheme}://{host}{port}{url.path}".rstrip("/")


#: Where a setting came from: a flag and the environment are the user's own choice; the
#: project's pyproject.toml and .env came with the folder (a cloned repository, say).
_FLAG, _ENV, _PYPROJECT, _DOTENV = "flag", "environment", "pyproject.toml", ".env"


def settings(root: Path, options: Options) -> Settings:
    """The model, endpoint and key to use, from flags, environment, pyproject.toml and .env.

    A key goes only to an endpoint the user chose: when the base URL comes from a project file
    and the key from anywhere but that same `.env` (which then chose both), this refuses, so a
    cloned project cannot send the user's key to its own server. `--show-prompt` sends nothing.
    """
    dotenv = _dotenv(root)
    tool = _pyproject_settings(root)

    def pick(flag: str | None, env: str, key: str | None) -> tuple[str | None, str | None]:
        for value, origin in (
            (flag, _FLAG),
            (os.environ.get(env), _ENV),
            (tool.get(key) if key else None, _PYPROJECT),
            (dotenv.get(env), _DOTENV),
        ):
            if value:
                return str(value), origin
        return None, None

    base_url, base_origin = pick(options.base_url, "OPENAI_BASE_URL", "base_url")
    api_key, key_origin = pick(None, "OPENAI_API_KEY", None)
    chosen = Settings(
        model=pick(options.model, "VIBEW_MODEL", "model")[0] or DEFAULT_MODEL,
        base_url=base_url,
        api_key=api_key,
        timeout=_number("VIBEW_LLM_TIMEOUT", _DEFAULT_TIMEOUT, float),
        max_retries=int(_number("VIBEW_LLM_MAX_RETRIES", _DEFAULT_MAX_RETRIES, int)),
    )
    from_project = base_origin in {_PYPROJECT, _DOTENV}
    same_file = base_origin == key_origin == _DOTENV
    if api_key and from_project and not same_file and not options.show_prompt:
        where = (
            "pyproject.toml ([tool.vibew] base_url)"
            if base_origin == _PYPROJECT
            else ".env (OPENAI_BASE_URL)"
        )
        raise UserError(
            f"the endpoint {chosen.endpoint} comes from {where}; vibew sends your "
            "OPENAI_API_KEY only to an endpoint you chose: pass --base-url URL or set "
            "OPENAI_BASE_URL to use it"
        )
    return chosen


def _dotenv(root: Path) -> dict[str, str]:
    path = root / ".env"
    if not path.is_file():
        return {}
    from dotenv import dotenv_values

    return {key: value for key, value in dotenv_values(path).items() if value}


def _pyproject_settings(root: Path) -> dict[str, object]:
    path = root / "pyproject.toml"
    if not path.is_file():
        return {}
    try:
        tool = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {}).get("vibew", {})
    except tomllib.TOMLDecodeError as error:
        raise UserError(f"{path} is not valid TOML: {error}") from None
    if any("key" in name for name in tool):
        raise UserError(
            f"{path} holds an API key under [tool.vibew]; remove it and set OPENAI_API_KEY "
            "in the environment or in a .env file (kept out of git)"
        )
    return tool


def _number(name: str, default: float, kind: type[float] | type[int]) -> float:
    text = os.environ.get(name)
    if not text:
        return default
    try:
        return kind(text)
    except ValueError:
        raise UserError(f"{name}={text!r} is not a number") from None


def no_key_message() -> str:
    return (
        "no API key for the LLM: set OPENAI_API_KEY in the environment or in a .env file "
        "beside vibew.toml (OPENAI_BASE_URL for another OpenAI-compatible endpoint)"
    )
