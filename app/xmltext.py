"""Text that XML 1.0 can carry: the one sanitiser of every XML document Pavé writes.

XML 1.0 allows tab, LF, CR, U+0020-U+D7FF, U+E000-U+FFFD and U+10000-U+10FFFF; anything else
(the other C0 controls, NUL, U+FFFE, U+FFFF and lone surrogates) makes the whole document
unreadable to an XML parser, and cannot even be escaped. Residents and clients may send it
(a pasted text, a faulty client); it is removed where a document is written, so that the text
stored stays as sent and the JSON answers keep it.
"""

from __future__ import annotations

import re

_FORBIDDEN = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 forbids."""
    return _FORBIDDEN.sub("", text)
