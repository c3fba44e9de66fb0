"""Answers kept in the project's `.vibew/cache/`, keyed by the prompt, its version and the model."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from vibewidget_cli import files
from vibewidget_cli.llm.prompt import PROMPT_VERSION
from vibewidget_cli.llm.settings import Settings

CACHE_DIR = ".vibew/cache"


def cache_key(settings: Settings, messages: list[dict[str, str]]) -> str:
    """The prompt version, the model and the prompt itself (description, specs, schema)."""
    payload = json.dumps(
        {"version": PROMPT_VERSION, "model": settings.model, "messages": messages},
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def cache_path(root: Path, settings: Settings, messages: list[dict[str, str]]) -> Path:
    """Where the answer to `messages` is kept; refused when `.vibew` (or the cache) links out
    of the project, before anything is sent, as the answer would be written where it points."""
    path = root / CACHE_DIR / f"{cache_key(settings, messages)}.json"
    files.check_inside(root, CACHE_DIR)
    files.check_inside(root, path.relative_to(root).as_posix())
    return path


def read(path: Path) -> str | None:
    """The cached code, or None when there is none (or the entry is damaged)."""
    if not path.is_file():
        return None
    try:
        code = json.loads(path.read_text(encoding="utf-8"))["code"]
    except (ValueError, KeyError, TypeError):
        return None
    return code if isinstance(code, str) and code else None


def write(path: Path, settings: Settings, code: str) -> None:
    record = {"model": settings.model, "prompt_version": PROMPT_VERSION, "code": code}
    files.atomic_write(path, json.dumps(record, indent=1) + "\n")
