"""A lambda connected to a signal must not hold `self`.

PySide keeps a connected lambda alive as long as the connection, and the lambda keeps
what it holds alive: an object whose own child's signal holds it lives until that child
dies, and is then freed from inside the child's destructor. The single-instance server
deleted a socket twice that way (a segfault; see test_ui_single_instance). Bound methods
are held weakly by PySide, so they are the way to connect.
"""

from __future__ import annotations

import ast
from pathlib import Path

SOURCES = Path(__file__).resolve().parent.parent / "ytdesk"


def _lambdas_holding_self(tree: ast.AST) -> list[int]:
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "connect"):
            continue
        for argument in node.args:
            if isinstance(argument, ast.Lambda) and any(
                    isinstance(name, ast.Name) and name.id == "self"
                    for name in ast.walk(argument)):
                found.append(argument.lineno)
    return found


def test_no_connected_lambda_holds_self():
    offenders = [f"{path.relative_to(SOURCES.parent)}:{line}"
                 for path in sorted(SOURCES.rglob("*.py"))
                 for line in _lambdas_holding_self(ast.parse(path.read_text(), str(path)))]
    assert offenders == [], f"connect a bound method instead: {offenders}"


def test_the_rule_sees_a_lambda_holding_self():
    planted = ast.parse("class A:\n    def f(self):\n        x.done.connect(lambda: self.g())\n")
    assert _lambdas_holding_self(planted) == [3]
