//! The text rules for header fields: names are RFC 9110 tokens, values carry no CR, LF or NUL.

/// Whether `b` is a `tchar` of RFC 9110 section 5.6.2.
const fn is_tchar(b: u8) -> bool {
    matches!(b,
        b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.'
        | b'^' | b'_' | b'`' | b'|' | b'~'
        | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z')
}

/// Whether `name` is a valid field name: a non-empty RFC 9110 `token`.
///
/// ```
/// assert!(cheroot_compat::is_valid_header_name(b"Content-Type"));
/// assert!(!cheroot_compat::is_valid_header_name(b"Bad Name"));
/// ```
pub fn is_valid_header_name(name: &[u8]) -> bool {
    !name.is_empty() && name.iter().all(|&b| is_tchar(b))
}

/// Whether `value` may be sent as a field value: no CR, LF or NUL (RFC 9110 section 5.5).
/// Other control characters and obs-text (0x80..=0xFF) are allowed, as cheroot sends them.
///
/// ```
/// assert!(cheroot_compat::is_valid_header_value(b"text/plain; charset=\xe9"));
/// assert!(!cheroot_compat::is_valid_header_value(b"a\r\nInjected: yes"));
/// ```
pub fn is_valid_header_value(value: &[u8]) -> bool {
    !value.iter().any(|&b| matches!(b, b'\r' | b'\n' | b'\0'))
}

/// `value` without leading and trailing optional whitespace (`OWS`: spaces and tabs).
///
/// ```
/// assert_eq!(cheroot_compat::trim_ows(b" \tgzip \t"), b"gzip");
/// ```
pub fn trim_ows(value: &[u8]) -> &[u8] {
    let is_ows = |b: &u8| matches!(b, b' ' | b'\t');
    let start = value.iter().position(|b| !is_ows(b)).unwrap_or(value.len());
    let end = value
        .iter()
        .rposition(|b| !is_ows(b))
        .map_or(start, |i| i + 1);
    &value[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    const TCHAR_PUNCTUATION: &[u8] = b"!#$%&'*+-.^_`|~";

    #[test]
    fn token_bytes_exhaustively() {
        for b in 0..=u8::MAX {
            let expected = b.is_ascii_alphanumeric() || TCHAR_PUNCTUATION.contains(&b);
            assert_eq!(is_valid_header_name(&[b]), expected, "byte {b:#04x}");
        }
    }

    #[test]
    fn header_names() {
        let table: &[(&[u8], bool)] = &[
            (b"Host", true),
            (b"X-Forwarded-For", true),
            (b"x_underscore", true),
            (b"", false),
            (b"Host:", false),
            (b"Ho st", false),
            (b"Host\t", false),
            (b"H\xe9ader", false),
            (b"(comment)", false),
        ];
        for (name, ok) in table {
            assert_eq!(
                is_valid_header_name(name),
                *ok,
                "{:?}",
                String::from_utf8_lossy(name)
            );
        }
    }

    #[test]
    fn value_bytes_exhaustively() {
        for b in 0..=u8::MAX {
            let expected = !matches!(b, b'\r' | b'\n' | 0);
            assert_eq!(is_valid_header_value(&[b]), expected, "byte {b:#04x}");
        }
    }

    #[test]
    fn header_values() {
        let table: &[(&[u8], bool)] = &[
            (b"", true),
            (b"text/html", true),
            (b"obs-text \x80\xff", true),
            (b"tab\there", true),
            (b"a\rb", false),
            (b"a\nb", false),
            (b"a\0b", false),
            (b"ok\r\nSet-Cookie: x", false),
        ];
        for (value, ok) in table {
            assert_eq!(is_valid_header_value(value), *ok, "{value:?}");
        }
    }

    #[test]
    fn ows_trimming() {
        let table: &[(&[u8], &[u8])] = &[
            (b"", b""),
            (b"   ", b""),
            (b"\t", b""),
            (b"a", b"a"),
            (b" a ", b"a"),
            (b"\t a b \t", b"a b"),
            (b"\ra\r", b"\ra\r"),
        ];
        for (input, want) in table {
            assert_eq!(trim_ows(input), *want, "{input:?}");
        }
    }
}
