"""Text from the outside world (titles, errors, paths, log lines), made safe to print on a
terminal: control characters become visible escapes, so a title cannot colour the screen,
ring the bell, erase a line, fake a new one, or flip the text that follows it."""

from __future__ import annotations

import re

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# C0 and C1 controls and DEL (ESC sequences, BEL, NUL, CR/LF; 0x9b is an ESC-[ of its own
# on some terminals), the bidi marks, embeddings, overrides and isolates (U+061C, U+200E/F,
# U+202A-202E, U+2066-2069), and the line and paragraph separators.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def _escape(found: re.Match) -> str:
    char = found.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object) -> str:
    """`text` as a string with every control character shown as an escape (`\\x1b`,
    `\\u202e`); ordinary text, accents and CJK are left as they are."""
    return _UNSAFE.sub(_escape, str(text))
