"""Refused: a command that cannot be carried out as asked, with the Problem that says why.
Shared by every module of commands (metrics/commands.py, metrics/directives.py)."""

from __future__ import annotations

from base.problems import Problem


class Refused(Exception):
    """A command that cannot be carried out as asked: its Problem says why."""

    def __init__(self, code: str, **params: object) -> None:
        self.problem = Problem(code, params)
        super().__init__(code)

    def __str__(self) -> str:
        return self.problem.text()
