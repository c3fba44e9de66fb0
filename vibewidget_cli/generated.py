"""A file vibew generates: its path in the project and its text (render makes them, files writes them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GeneratedFile:
    path: str  # relative to the project root, with forward slashes
    text: str
