"""ANSI colour for plan text shown on a terminal; a disabled painter returns text unchanged."""

from __future__ import annotations

RESET = "\x1b[0m"
BOLD = "1"
#: ``+`` green, ``~`` yellow, ``-`` red, ``>`` cyan.
ACTION_COLOURS = {"create": "32", "update": "33", "delete": "31", "run": "36"}


class Paint:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}{RESET}" if self.enabled and text else text

    def action(self, action: str, text: str) -> str:
        return self(text, ACTION_COLOURS[action])

    def bold(self, text: str) -> str:
        return self(text, BOLD)
