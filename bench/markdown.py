"""The two-column tables the benchmarks print: what was measured, and its value."""

from __future__ import annotations

from collections.abc import Iterable


def value_table(heading: str, rows: Iterable[tuple[str, str]]) -> str:
    """A Markdown table: `heading` over the measures, "value" over the values, right-aligned."""
    lines = [f"| {heading} | value |", "| --- | ---: |"]
    lines += [f"| {measure} | {value} |" for measure, value in rows]
    return "\n".join(lines)
