"""Whether a person's text shows anything: the one test of "blank" every input shares.

`str.strip()` leaves what no reader sees but Unicode does not call a space: a zero-width
space, a word joiner, a byte-order mark. A reason, a comment or a description made of those
alone says nothing, and is refused as blank.
"""

from __future__ import annotations

import unicodedata

# Spaces and separators, format characters (zero-width spaces, joiners, a BOM), controls,
# unassigned code points, private-use ones and surrogates.
_UNSEEN = frozenset({"Zs", "Zl", "Zp", "Cf", "Cc", "Cn", "Co", "Cs"})


def says_something(text: str | None) -> bool:
    """Whether `text` shows the reader anything."""
    return any(unicodedata.category(char) not in _UNSEEN for char in text or "")
