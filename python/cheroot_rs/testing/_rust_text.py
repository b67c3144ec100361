"""Rust's ``{:?}`` quoting of a string, which the echo app's 400 reasons embed."""

import unicodedata

_NAMED_ESCAPES = {"\0": "\\0", "\t": "\\t", "\r": "\\r", "\n": "\\n", "\\": "\\\\", '"': '\\"'}


def _needs_unicode_escape(char):
    # Rust escapes what is not printable (categories C* and Z* but the space: the same rule as
    # str.isprintable) and grapheme extenders. A PEP 3333 environ only holds U+0000..U+00FF,
    # where this is exact; Mn/Me stands in for Grapheme_Extend beyond it.
    return not char.isprintable() or unicodedata.category(char) in ("Mn", "Me")


def rust_debug(text):
    """``text`` quoted as Rust's ``format!("{:?}", text)`` writes it."""
    out = ['"']
    for char in text:
        if char in _NAMED_ESCAPES:
            out.append(_NAMED_ESCAPES[char])
        elif _needs_unicode_escape(char):
            out.append("\\u{%x}" % ord(char))
        else:
            out.append(char)
    out.append('"')
    return "".join(out)
