"""A widget's JavaScript written by an LLM: settings, data schema, prompt, client and cache.

Its answers are checked by `vibewidget_cli.check.answer` before anything is written.
"""

from __future__ import annotations

from vibewidget_cli.llm.cache import CACHE_DIR, cache_key
from vibewidget_cli.llm.client import Progress, Rejected, complete, generate
from vibewidget_cli.llm.prompt import (
    PROMPT_VERSION,
    edit_prompt,
    extract_code,
    fence,
    new_prompt,
    repair_message,
    show,
)
from vibewidget_cli.llm.schema import ColumnSchema, DataSchema, read_schema
from vibewidget_cli.llm.settings import DEFAULT_MODEL, Options, Settings, no_key_message, settings

__all__ = [
    "CACHE_DIR",
    "DEFAULT_MODEL",
    "PROMPT_VERSION",
    "ColumnSchema",
    "DataSchema",
    "Options",
    "Progress",
    "Rejected",
    "Settings",
    "cache_key",
    "complete",
    "edit_prompt",
    "extract_code",
    "fence",
    "generate",
    "new_prompt",
    "no_key_message",
    "read_schema",
    "repair_message",
    "settings",
    "show",
]
