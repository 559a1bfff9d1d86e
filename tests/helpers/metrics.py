"""Reading /metrics as Prometheus would: the samples of its text format."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families


def samples(exposition: str) -> dict[tuple[str, frozenset], float]:
    """Every sample, keyed by its name and its labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    }


def value(found: dict, name: str, default: float = 0.0, **labels: str) -> float:
    """One sample's value (`default` when the series is absent)."""
    return found.get((name, frozenset(labels.items())), default)


def families(exposition: str) -> dict[str, str]:
    """Every metric family's name and type."""
    return {f.name: f.type for f in text_string_to_metric_families(exposition)}
