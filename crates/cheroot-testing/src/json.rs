//! Hand-written JSON output: string escaping and the small object layouts the echo app prints.

// Hand-written on purpose: its byte layout is the echo app's contract (docs/echo-app.md).

use std::fmt::Write as _;

/// Appends `s` to `out` as a quoted JSON string (RFC 8259 section 7): `"` and `\` are
/// backslash-escaped, control characters U+0000..U+001F become `\u00XX`, and everything else
/// (non-ASCII included) is written as is, since the body is UTF-8.
pub(crate) fn push_str(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => {
                // Writing into a String cannot fail.
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `s` as a quoted JSON string.
pub(crate) fn string(s: &str) -> String {
    let mut out = String::new();
    push_str(&mut out, s);
    out
}

/// A JSON object written on one line, `{"a": 1, "b": "x"}`: the layout of the echo app's
/// nested `peer` and `tls` members.
#[derive(Debug, Default)]
pub(crate) struct InlineObject {
    out: String,
}

impl InlineObject {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Adds a member whose value is already JSON (a number, or a quoted string from
    /// [`string`]).
    pub(crate) fn raw(&mut self, key: &str, value: &str) -> &mut Self {
        self.out
            .push_str(if self.out.is_empty() { "{" } else { ", " });
        push_str(&mut self.out, key);
        self.out.push_str(": ");
        self.out.push_str(value);
        self
    }

    /// Adds a string member.
    pub(crate) fn str(&mut self, key: &str, value: &str) -> &mut Self {
        self.raw(key, &string(value))
    }

    /// The finished object.
    pub(crate) fn finish(&self) -> String {
        if self.out.is_empty() {
            "{}".to_owned()
        } else {
            format!("{}}}", self.out)
        }
    }
}

/// A JSON object written one member per line with two-space indentation, the layout of the
/// echo app's response (ECHO_APP.md):
///
/// ```text
/// {
///   "method": "POST",
///   "body_len": 5
/// }
/// ```
#[derive(Debug, Default)]
pub(crate) struct PrettyObject {
    out: String,
}

impl PrettyObject {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Adds a member whose value is already JSON.
    pub(crate) fn raw(&mut self, key: &str, value: &str) -> &mut Self {
        self.out.push_str(if self.out.is_empty() {
            "{\n  "
        } else {
            ",\n  "
        });
        push_str(&mut self.out, key);
        self.out.push_str(": ");
        self.out.push_str(value);
        self
    }

    /// Adds a string member.
    pub(crate) fn str(&mut self, key: &str, value: &str) -> &mut Self {
        self.raw(key, &string(value))
    }

    /// The finished object.
    pub(crate) fn finish(&self) -> String {
        if self.out.is_empty() {
            "{}".to_owned()
        } else {
            format!("{}\n}}", self.out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_strings() {
        let table: &[(&str, &str)] = &[
            ("", r#""""#),
            ("plain", r#""plain""#),
            ("a\"b", r#""a\"b""#),
            ("back\\slash", r#""back\\slash""#),
            ("\n\r\t", r#""\u000a\u000d\u0009""#),
            ("\u{0}\u{1}\u{1f}", r#""\u0000\u0001\u001f""#),
            // DEL and everything above U+001F needs no escape.
            ("\u{7f} ~", "\"\u{7f} ~\""),
            // Latin-1 decoded bytes 0xE9 and 0xFF are written as UTF-8 characters.
            ("caf\u{e9} \u{ff}", "\"caf\u{e9} \u{ff}\""),
            ("/", r#""/""#),
        ];
        for (input, want) in table {
            assert_eq!(string(input), *want, "{input:?}");
        }
    }

    #[test]
    fn inline_object_layout() {
        assert_eq!(InlineObject::new().finish(), "{}");
        let got = InlineObject::new()
            .raw("pid", "1234")
            .raw("uid", "0")
            .str("user", "ro\"ot")
            .finish();
        assert_eq!(got, r#"{"pid": 1234, "uid": 0, "user": "ro\"ot"}"#);
    }

    #[test]
    fn pretty_object_layout() {
        assert_eq!(PrettyObject::new().finish(), "{}");
        let got = PrettyObject::new()
            .str("method", "POST")
            .raw("body_len", "5")
            .finish();
        assert_eq!(got, "{\n  \"method\": \"POST\",\n  \"body_len\": 5\n}");
    }
}
