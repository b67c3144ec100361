//! Native strings as ISO-8859-1: `ntob`, `bton` and `ntou`, lossless for every byte.

use std::fmt;

/// A string held a character that ISO-8859-1 cannot encode (above U+00FF).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotLatin1 {
    ch: char,
    index: usize,
}

impl NotLatin1 {
    /// The first character that does not fit in one byte.
    pub const fn char(&self) -> char {
        self.ch
    }

    /// Its byte offset in the input string.
    pub const fn index(&self) -> usize {
        self.index
    }
}

impl fmt::Display for NotLatin1 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "character {:?} (U+{:04X}) at byte {} is not in ISO-8859-1",
            self.ch, self.ch as u32, self.index
        )
    }
}

impl std::error::Error for NotLatin1 {}

/// Encodes a native string as ISO-8859-1 bytes: character U+00bb becomes byte bb.
///
/// cheroot's `ntob(n, encoding='ISO-8859-1')`.
///
/// # Errors
///
/// [`NotLatin1`] naming the first character above U+00FF.
///
/// ```
/// assert_eq!(cheroot_compat::ntob("caf\u{e9}").unwrap(), b"caf\xe9");
/// assert!(cheroot_compat::ntob("\u{20ac}").is_err());
/// ```
pub fn ntob(s: &str) -> Result<Vec<u8>, NotLatin1> {
    let mut out = Vec::with_capacity(s.len());
    for (index, ch) in s.char_indices() {
        match u8::try_from(u32::from(ch)) {
            Ok(byte) => out.push(byte),
            Err(_) => return Err(NotLatin1 { ch, index }),
        }
    }
    Ok(out)
}

/// Decodes ISO-8859-1 bytes into a native string: byte bb becomes character U+00bb. Never fails
/// and loses nothing, so `ntob(&bton(b))` gives `b` back for any bytes.
///
/// cheroot's `bton(b, encoding='ISO-8859-1')`.
///
/// ```
/// assert_eq!(cheroot_compat::bton(b"caf\xe9"), "caf\u{e9}");
/// ```
pub fn bton(bytes: &[u8]) -> String {
    let mut out = String::new();
    bton_into(bytes, &mut out);
    out
}

/// [`bton`] into `out`, replacing what it held (and reusing its buffer).
///
/// ```
/// let mut out = String::from("old");
/// cheroot_compat::bton_into(b"caf\xe9", &mut out);
/// assert_eq!(out, "caf\u{e9}");
/// ```
pub fn bton_into(bytes: &[u8], out: &mut String) {
    out.clear();
    // ASCII (nearly every path, query and header value) is already UTF-8: one copy, where
    // decoding byte by byte cost a WSGI hello request 400 instructions (callgrind;
    // docs/benchmarks.md, issue 10).
    match std::str::from_utf8(bytes) {
        Ok(text) if text.is_ascii() => out.push_str(text),
        _ => out.extend(bytes.iter().map(|&b| char::from(b))),
    }
}

/// A native string as text. Rust strings are already text, so this is a copy; it exists so that
/// code ported from cheroot's `ntou(n)` reads the same.
///
/// ```
/// assert_eq!(cheroot_compat::ntou("bar"), "bar");
/// ```
pub fn ntou(s: &str) -> String {
    s.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    // test__compat.py::test_compat_functions_positive
    #[test]
    fn ascii_passes_through() {
        assert_eq!(ntob("bar").unwrap(), b"bar");
        assert_eq!(ntou("bar"), "bar");
        assert_eq!(bton(b"bar"), "bar");
    }

    #[test]
    fn every_byte_round_trips() {
        for b in 0..=u8::MAX {
            let native = bton(&[b]);
            let mut chars = native.chars();
            assert_eq!(
                chars.next().map(u32::from),
                Some(u32::from(b)),
                "byte {b:#04x}"
            );
            assert_eq!(chars.next(), None);
            assert_eq!(ntob(&native).unwrap(), [b], "byte {b:#04x}");
        }
        let all: Vec<u8> = (0..=u8::MAX).collect();
        assert_eq!(ntob(&bton(&all)).unwrap(), all);
    }

    #[test]
    fn every_latin1_char_round_trips() {
        for code in 0..=0xFFu32 {
            let ch = char::from_u32(code).unwrap_or('\0');
            let s = ch.to_string();
            assert_eq!(bton(&ntob(&s).unwrap()), s, "U+{code:04X}");
        }
    }

    // test__compat.py::test_compat_functions_negative_nonnative: Python raises TypeError for
    // bytes; Rust's types rule that out, and the remaining failure is a char ISO-8859-1 lacks.
    #[test]
    fn chars_above_u00ff_are_an_error_naming_the_char() {
        let table: &[(&str, char, usize)] = &[
            ("\u{100}", '\u{100}', 0),
            ("ab\u{20ac}c", '\u{20ac}', 2),
            ("\u{e9}\u{1f600}", '\u{1f600}', 2),
        ];
        for (input, ch, index) in table {
            let err = ntob(input).unwrap_err();
            assert_eq!(err.char(), *ch, "{input:?}");
            assert_eq!(err.index(), *index, "{input:?}");
            assert!(
                err.to_string()
                    .contains(&format!("U+{:04X}", u32::from(*ch)))
            );
        }
    }

    #[test]
    fn ntou_keeps_non_latin1_text() {
        // Unlike ntob, ntou has nothing to encode, so any char is fine.
        assert_eq!(ntou("\u{20ac}"), "\u{20ac}");
    }
}
