"""Text from documents made safe to show: control characters written out instead of obeyed.

A document (or a file name) may hold terminal escapes — ``ESC ] 0 ; … BEL``
sets a terminal's window title, ``ESC [ 2 J`` clears the screen — or bidi
overrides that reorder what a reader sees. Stored facts keep them exactly;
whatever prints them or puts them into a page's menus passes them through
``printable`` first.
"""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls, and the bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control character written as an escape: ESC as ``\\x1b``, BEL as ``\\x07``,
    a newline as ``\\n``, a tab as ``\\t``, U+202E (right-to-left override) as ``\\u202e``.

    Everything else (CJK, punctuation, emoji) is kept as it is. Returns: one line of text.
    """
    return _UNSAFE.sub(_escaped, text)
