"""Migrations after the baseline only expand the schema, unless a step is marked as a contract.

The rule and the audit of the revisions before the baseline are in migrations/README.md.
"""

from __future__ import annotations

import textwrap

import pytest

from app.config import ROOT
from tests.helpers.migration_rules import Finding, findings

VERSIONS = ROOT / "migrations" / "versions"
README = ROOT / "migrations" / "README.md"
# The last revision written before the rule: later ones are checked.
BASELINE = "0021"
# What the checker finds before the baseline: the contract steps the README's audit lists.
HISTORY = {
    "0010": ["drops a column"],  # users.session_version
    "0012": ["drops a column", "drops a column"],  # link_base of follow tokens and followers
    "0017": ["drops a default"],  # resident_follow_tokens.role
}


def _migrations():
    return sorted(VERSIONS.glob("[0-9][0-9][0-9][0-9]_*.py"))


def test_every_migration_after_the_baseline_only_expands():
    later = [path for path in _migrations() if path.name[:4] > BASELINE]
    unmarked = {path.name: findings(path) for path in later}
    assert {name: found for name, found in unmarked.items() if found} == {}, (
        "a contract step without '# contract: <why>' (migrations/README.md, Expand and contract)"
    )


def test_the_history_before_the_baseline_is_the_readme_audit():
    earlier = [path for path in _migrations() if path.name[:4] <= BASELINE]
    assert [path.name[:4] for path in earlier][-1] == BASELINE
    found = {}
    for path in earlier:
        if steps := findings(path):
            found[path.name[:4]] = [step.what for step in steps]
    assert found == HISTORY
    audit = README.read_text().split("## Audit", 1)[1]
    for revision in HISTORY:
        assert f"| {revision} |" in audit


def _check(tmp_path, body: str) -> list[str]:
    path = tmp_path / "0099_example.py"
    path.write_text(textwrap.dedent(body))
    return [f"{f.line}: {f.what}" for f in findings(path)]


@pytest.mark.parametrize(
    ("statement", "what"),
    [
        ('op.drop_column("users", "name")', "drops a column"),
        ('op.execute("ALTER TABLE users DROP COLUMN name")', "drops a column"),
        ('op.drop_table("users")', "drops a table"),
        ('op.execute("DROP TABLE users")', "drops a table"),
        ('op.alter_column("users", "name", new_column_name="full_name")', "renames"),
        ('op.execute("ALTER TABLE users RENAME COLUMN name TO full_name")', "renames"),
        ('op.rename_table("users", "people")', "renames"),
        ('op.alter_column("users", "name", nullable=False)', "sets NOT NULL on an existing column"),
        (
            'op.execute("ALTER TABLE users ALTER COLUMN name SET NOT NULL")',
            "sets NOT NULL on an existing column",
        ),
        ('op.alter_column("users", "name", server_default=None)', "drops a default"),
        ('op.execute("ALTER TABLE users ALTER COLUMN name DROP DEFAULT")', "drops a default"),
        ('op.alter_column("users", "name", type_=sa.Text)', "changes a type"),
        ('op.execute("ALTER TABLE users ALTER COLUMN name TYPE text")', "changes a type"),
    ],
)
def test_each_contract_step_is_found_and_a_marker_approves_it(tmp_path, statement, what):
    unmarked = f"""
        def upgrade():
            op.add_column("users", sa.Column("nickname", sa.Text))
            {statement}
        """
    assert _check(tmp_path, unmarked) == [f"4: {what}"]
    marked = f"""
        def upgrade():
            # contract: release 2.3 stopped reading it
            {statement}
        """
    assert _check(tmp_path, marked) == []


def test_a_column_made_not_null_by_the_migration_that_adds_it_is_an_expansion(tmp_path):
    body = """
        def upgrade():
            op.add_column("reports", sa.Column("kept", sa.Text))
            op.execute("ALTER TABLE reports ADD COLUMN public_a text, ADD COLUMN public_b text")
            op.alter_column("reports", "kept", nullable=False)
            op.execute("ALTER TABLE reports ALTER COLUMN public_a SET NOT NULL")
            for column in ("a", "b"):
                op.execute(f"ALTER TABLE reports ALTER COLUMN public_{column} SET NOT NULL")
            for column in ("a", "b"):
                op.execute(f"ALTER TABLE reports ALTER COLUMN private_{column} SET NOT NULL")
        """
    assert _check(tmp_path, body) == ["10: sets NOT NULL on an existing column"]


def test_downgrade_docstrings_and_comments_are_not_read(tmp_path):
    body = '''
        """Drop table talk: we DROP COLUMN nothing here, and RENAME COLUMN nothing."""

        def upgrade():
            # Later we DROP TABLE the old one.
            op.create_table("people")

        def downgrade():
            op.drop_table("people")
            op.execute("ALTER TABLE users DROP COLUMN nickname")
        '''
    assert _check(tmp_path, body) == []


def test_a_finding_names_its_revision(tmp_path):
    path = tmp_path / "0042_drop_it.py"
    path.write_text('def upgrade():\n    op.drop_column("users", "name")\n')
    assert findings(path) == [Finding("0042", 2, "drops a column")]
