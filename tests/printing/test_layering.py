"""printing/ stands alone: nothing of ours, no Qt, no database layer (DESIGN §2)."""

from __future__ import annotations

import ast
from pathlib import Path

import printing

FORBIDDEN = {"app", "models", "ui", "PySide6", "shiboken6", "peewee", "playhouse", "sqlcipher3", "psycopg"}


def test_printing_imports_nothing_forbidden() -> None:
    root = Path(printing.__file__).parent
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"
