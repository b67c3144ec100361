//! The byte classes of RFC 9110 that field names, field values and reason phrases are checked
//! against, shared by the trailer parser and the response writer.

/// Whether `b` may appear in a token (RFC 9110 §5.6.2 `tchar`).
pub(crate) const fn is_tchar(b: u8) -> bool {
    matches!(b,
        b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`'
        | b'|' | b'~' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z')
}

/// Whether `name` is a non-empty token, as a field name must be.
pub(crate) fn is_token(name: &[u8]) -> bool {
    !name.is_empty() && name.iter().all(|&b| is_tchar(b))
}

/// Whether `value` may be sent or accepted as a field value.
///
/// CR, LF and NUL are refused because they split or truncate the message (response splitting,
/// RFC 9110 §5.5); the other control bytes are refused as well except HTAB, while obs-text
/// (0x80..=0xFF) stays allowed because cheroot's values are ISO-8859-1 text.
pub(crate) fn is_field_value(value: &[u8]) -> bool {
    value
        .iter()
        .all(|&b| b == b'\t' || (b >= 0x20 && b != 0x7f))
}

/// Strips the optional whitespace (SP and HTAB) around a field value or list element.
pub(crate) fn trim_ows(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        for (name, ok) in [
            (&b"Content-Type"[..], true),
            (b"X_Under", true),
            (b"!#$%&'*+-.^_`|~", true),
            (b"", false),
            (b"Bad Name", false),
            (b"Bad:Name", false),
            (b"Bad\r\nName", false),
            (b"\xe9", false),
        ] {
            assert_eq!(is_token(name), ok, "{name:?}");
        }
    }

    #[test]
    fn values() {
        for (value, ok) in [
            (&b"text/plain; charset=utf-8"[..], true),
            (b"", true),
            (b"tab\there", true),
            (b"caf\xe9", true),
            (b"a\r\nSet-Cookie: x", false),
            (b"a\nb", false),
            (b"a\rb", false),
            (b"nul\0", false),
            (b"del\x7f", false),
        ] {
            assert_eq!(is_field_value(value), ok, "{value:?}");
        }
    }

    #[test]
    fn trims() {
        assert_eq!(trim_ows(b" \t a b \t"), b"a b");
        assert_eq!(trim_ows(b"   "), b"");
        assert_eq!(trim_ows(b""), b"");
    }
}
