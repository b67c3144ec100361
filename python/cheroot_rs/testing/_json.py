"""The echo app's hand-written JSON: string escaping and its two object layouts."""

# Only `"`, `\` and U+0000..U+001F are escaped, as the Rust app's writer does; everything else
# (DEL and non-ASCII included) is written as is and later encoded as UTF-8. json.dumps would
# escape differently (`\n`, `\u00e9`), so it cannot be used.
_ESCAPES = {ord('"'): '\\"', ord("\\"): "\\\\"}
_ESCAPES.update({code: "\\u%04x" % code for code in range(0x20)})


def json_string(text):
    """``text`` as a quoted JSON string."""
    return '"' + text.translate(_ESCAPES) + '"'


def inline_object(members):
    """``{"a": 1, "b": "x"}`` on one line; ``members`` are (key, JSON value text) pairs."""
    if not members:
        return "{}"
    return "{" + ", ".join(json_string(key) + ": " + value for key, value in members) + "}"


def pretty_object(members):
    """One member per line with a two-space indent and no trailing newline."""
    if not members:
        return "{}"
    lines = ",\n  ".join(json_string(key) + ": " + value for key, value in members)
    return "{\n  " + lines + "\n}"
