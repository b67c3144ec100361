//! The one text rule for header fields (RFC 9110 §5.1, §5.5): names are tokens, values are
//! visible bytes, obs-text, SP and HTAB. Request headers, chunk trailers, the app's response
//! headers and reason phrases are all checked against it, so what the server accepts and what
//! it lets an app send cannot drift apart.

/// Whether `b` may appear in a token (RFC 9110 §5.6.2 `tchar`).
pub(crate) const fn is_tchar(b: u8) -> bool {
    matches!(b,
        b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`'
        | b'|' | b'~' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z')
}

/// [`is_tchar`] as a table: one load per byte instead of a chain of range tests, for the loops
/// that run on every request and response (the parser's field names, [`is_token`] on the
/// names an app sets).
pub(crate) const TCHAR: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = is_tchar(b as u8);
        b += 1;
    }
    table
};

/// Whether `name` is a non-empty token, as a field name must be.
///
/// ```
/// assert!(cheroot_wire::is_token(b"Content-Type"));
/// assert!(!cheroot_wire::is_token(b"Bad Name"));
/// ```
pub fn is_token(name: &[u8]) -> bool {
    !name.is_empty() && name.iter().all(|&b| TCHAR[usize::from(b)])
}

/// Whether `b` may appear in a field value: RFC 9110 §5.5 `field-vchar` (VCHAR and obs-text)
/// or the SP and HTAB between them.
///
/// CR, LF and NUL split or truncate a message (request smuggling, response splitting); the
/// other controls and DEL are not text, and an app handed `\x08` or `\x7f` in a value has
/// no use for it. obs-text (0x80..=0xFF) stays allowed because cheroot's values are
/// ISO-8859-1 text.
pub(crate) const fn is_field_value_byte(b: u8) -> bool {
    b == b'\t' || (b >= 0x20 && b != 0x7f)
}

/// Whether `value` may be sent or accepted as a field value (or a reason phrase): every byte
/// is VCHAR, obs-text (0x80..=0xFF), SP or HTAB (RFC 9110 §5.5); CR, LF, NUL, the other
/// control bytes and DEL are not.
///
/// ```
/// assert!(cheroot_wire::is_field_value(b"text/plain; charset=\xe9"));
/// assert!(!cheroot_wire::is_field_value(b"a\r\nInjected: yes"));
/// assert!(!cheroot_wire::is_field_value(b"bell\x07"));
/// ```
pub fn is_field_value(value: &[u8]) -> bool {
    value.iter().all(|&b| is_field_value_byte(b))
}

/// `value` without the optional whitespace (SP and HTAB) around it, as a field value or list
/// element is read.
///
/// ```
/// assert_eq!(cheroot_wire::trim_ows(b" \tgzip \t"), b"gzip");
/// ```
pub fn trim_ows(mut s: &[u8]) -> &[u8] {
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
            (b"abc\x01f", false),
            (b"bell\x07", false),
            (b"backspace\x08", false),
            (b"esc\x1b[0m", false),
        ] {
            assert_eq!(is_field_value(value), ok, "{value:?}");
        }
    }

    #[test]
    fn value_bytes_exhaustively() {
        for b in 0..=u8::MAX {
            let expected = b == b'\t' || (0x20..=0x7e).contains(&b) || b >= 0x80;
            assert_eq!(is_field_value(&[b]), expected, "byte {b:#04x}");
        }
    }

    #[test]
    fn token_bytes_exhaustively() {
        for b in 0..=u8::MAX {
            let expected = b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
            assert_eq!(is_token(&[b]), expected, "byte {b:#04x}");
        }
    }

    #[test]
    fn trims() {
        assert_eq!(trim_ows(b" \t a b \t"), b"a b");
        assert_eq!(trim_ows(b"   "), b"");
        assert_eq!(trim_ows(b""), b"");
    }
}
