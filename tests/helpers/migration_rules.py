"""The expand/contract rule of migrations/README.md, checked in the migration files' text.

A migration's upgrade may only expand the schema, so that the release before it keeps
working while the new one rolls out. The steps that contract it (drop or rename a table or a
column, drop a column's default, make an existing column NOT NULL, change a column's type)
belong to a later release, and each must say so with a marker comment on the statement or
on the comment lines just above it:

    # contract: release 1.4 stopped reading users.session_version
    op.drop_column("users", "session_version")

NOT NULL on a column added by the same migration is not a contract step (no release before
it writes that column; the migration must fill it, with a default or a trigger).

What is read: the calls of `op.*` and the SQL in string literals (f-strings too), outside
`downgrade()` and outside docstrings and comments. A static check, not a proof: it catches
the usual ways to contract, and the README says what it cannot see.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

MARKER = "# contract:"
HOLE = "\x00"  # an f-string's replacement field

SQL_RULES = (
    (re.compile(r"\bDROP\s+COLUMN\b", re.I), "drops a column"),
    (re.compile(r"\bDROP\s+TABLE\b", re.I), "drops a table"),
    (re.compile(r"\bRENAME\s+(COLUMN\b|TO\b|CONSTRAINT\b)", re.I), "renames"),
    (re.compile(r"\bDROP\s+DEFAULT\b", re.I), "drops a default"),
    (re.compile(r"\bALTER\s+COLUMN\s+\S+\s+(SET\s+DATA\s+)?TYPE\b", re.I), "changes a type"),
)
NOT_NULL_SQL = re.compile(r"\bALTER\s+COLUMN\s+(\S+)\s+SET\s+NOT\s+NULL\b", re.I)
ADD_COLUMN_SQL = re.compile(r"\bADD\s+COLUMN\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)", re.I)
CALL_RULES = {
    "drop_column": "drops a column",
    "drop_table": "drops a table",
    "rename_table": "renames",
}


@dataclass(frozen=True)
class Finding:
    revision: str
    line: int
    what: str


def _docstrings(tree: ast.Module) -> set[int]:
    """The ids of the docstring nodes (module, functions, classes)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _downgrade_lines(tree: ast.Module) -> range:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "downgrade":
            return range(node.lineno, (node.end_lineno or node.lineno) + 1)
    return range(0)


def _call_name(node: ast.Call) -> str | None:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else None


def _alter_column(node: ast.Call, added: set[str]) -> list[str]:
    """What an op.alter_column call contracts."""
    keywords = {k.arg: k.value for k in node.keywords}
    column = (
        node.args[1].value
        if len(node.args) > 1 and isinstance(node.args[1], ast.Constant)
        else None
    )
    found = []
    if "new_column_name" in keywords:
        found.append("renames")
    if "type_" in keywords:
        found.append("changes a type")
    default = keywords.get("server_default")
    if isinstance(default, ast.Constant) and default.value is None:
        found.append("drops a default")
    nullable = keywords.get("nullable")
    if isinstance(nullable, ast.Constant) and nullable.value is False and column not in added:
        found.append("sets NOT NULL on an existing column")
    return found


def _literals(tree: ast.Module, skipped: set[int], downgrade: range) -> list[tuple[int, str]]:
    """The string literals (line, text) outside docstrings and downgrade(); an f-string is
    one literal whose replacement fields read as HOLE."""
    parts_of_fstrings = {
        id(part)
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        for part in node.values
    }
    found = []
    for node in ast.walk(tree):
        if getattr(node, "lineno", 0) in downgrade or id(node) in skipped | parts_of_fstrings:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append((node.lineno, node.value))
        elif isinstance(node, ast.JoinedStr):
            text = "".join(
                part.value if isinstance(part, ast.Constant) else HOLE for part in node.values
            )
            found.append((node.lineno, text))
    return found


def _added_columns(tree: ast.Module, literals: list[tuple[int, str]]) -> set[str]:
    """The columns this migration adds (op.add_column, or ADD COLUMN in its SQL)."""
    added = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _call_name(node) == "add_column" and len(node.args) > 1:
            column = node.args[1]
            if (
                isinstance(column, ast.Call)
                and column.args
                and isinstance(column.args[0], ast.Constant)
            ):
                added.add(column.args[0].value)
    for _, text in literals:
        added.update(ADD_COLUMN_SQL.findall(text))
    return added


def _is_added(name: str, added: set[str]) -> bool:
    """`name` (an f-string's may hold HOLEs: any text) is one of the added columns."""
    pattern = re.compile(".*".join(re.escape(piece) for piece in name.strip('"').split(HOLE)))
    return any(pattern.fullmatch(column) for column in added)


def _sql_findings(lineno: int, text: str, added: set[str]) -> list[tuple[int, str]]:
    found = []
    for pattern, what in SQL_RULES:
        for match in pattern.finditer(text):
            found.append((lineno + text.count("\n", 0, match.start()), what))
    for match in NOT_NULL_SQL.finditer(text):
        if not _is_added(match.group(1), added):
            line = lineno + text.count("\n", 0, match.start())
            found.append((line, "sets NOT NULL on an existing column"))
    return found


def _approved(line: int, statements: list[ast.stmt], lines: list[str]) -> bool:
    """A marker on the innermost statement holding `line`, or on the comments just above."""
    holding = [s for s in statements if s.lineno <= line <= (s.end_lineno or s.lineno)]
    if not holding:
        return False
    statement = min(holding, key=lambda s: (s.end_lineno or s.lineno) - s.lineno)
    first, last = statement.lineno, statement.end_lineno or statement.lineno
    if any(MARKER in text for text in lines[first - 1 : last]):
        return True
    above = first - 2
    while above >= 0 and lines[above].strip().startswith("#"):
        if MARKER in lines[above]:
            return True
        above -= 1
    return False


def findings(path: Path) -> list[Finding]:
    """The contract steps of a migration file's upgrade that carry no marker."""
    source = path.read_text()
    tree = ast.parse(source)
    lines = source.splitlines()
    revision = path.name.split("_", 1)[0]
    skipped, downgrade = _docstrings(tree), _downgrade_lines(tree)
    literals = _literals(tree, skipped, downgrade)
    added = _added_columns(tree, literals)
    raw: list[tuple[int, str]] = []
    for lineno, text in literals:
        raw.extend(_sql_findings(lineno, text, added))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or node.lineno in downgrade:
            continue
        name = _call_name(node)
        if name in CALL_RULES:
            raw.append((node.lineno, CALL_RULES[name]))
        elif name == "alter_column":
            raw.extend((node.lineno, what) for what in _alter_column(node, added))
    statements = [node for node in ast.walk(tree) if isinstance(node, ast.stmt)]
    return sorted(
        {
            Finding(revision, line, what)
            for line, what in raw
            if not _approved(line, statements, lines)
        },
        key=lambda f: (f.line, f.what),
    )
