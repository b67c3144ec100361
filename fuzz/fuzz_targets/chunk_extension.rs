//! Fuzz target: chunk extensions (RFC 9112 §7.1.1) are accepted exactly when a separate,
//! simpler reading of the grammar accepts them, and never panic the decoder.
#![no_main]

use cheroot_wire::{ChunkedDecoder, DecodedChunk};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut body = b"1;".to_vec();
    body.extend_from_slice(data);
    body.extend_from_slice(b"\r\nx\r\n0\r\n\r\n");
    let mut decoder = ChunkedDecoder::new();
    let mut input: &[u8] = &body;
    let mut got = Vec::new();
    let accepted = loop {
        match decoder.decode(input) {
            Ok((DecodedChunk::Data(piece), used)) => {
                got.extend_from_slice(piece);
                input = &input[used..];
            }
            Ok((DecodedChunk::Done, _)) => break true,
            Ok((DecodedChunk::Partial, _)) => break false,
            Err(err) => {
                assert_eq!(err.status(), 400, "{err}");
                break false;
            }
        }
    };
    // Line breaks inside `data` end the size line early: only the rest is for the oracle.
    if !data.contains(&b'\r') && !data.contains(&b'\n') && data.len() < 4000 {
        assert_eq!(
            accepted,
            grammar_accepts(data),
            "{:?}",
            String::from_utf8_lossy(data)
        );
        if accepted {
            assert_eq!(got, b"x");
        }
    }
});

/// `chunk-ext` after its first `;`, read by recursive descent: BWS, a token name, optionally
/// BWS `=` BWS and a token or quoted string, then either the end or BWS `;` and another.
/// Whitespace may not end the line.
fn grammar_accepts(s: &[u8]) -> bool {
    let mut i = 0;
    loop {
        i = skip_ws(s, i);
        let name_end = skip_token(s, i);
        if name_end == i {
            return false;
        }
        i = name_end;
        let after_name = skip_ws(s, i);
        if after_name < s.len() && s[after_name] == b'=' {
            i = skip_ws(s, after_name + 1);
            i = match s.get(i) {
                Some(b'"') => match quoted_end(s, i + 1) {
                    Some(end) => end,
                    None => return false,
                },
                _ => {
                    let end = skip_token(s, i);
                    if end == i {
                        return false;
                    }
                    end
                }
            };
        }
        let after_value = skip_ws(s, i);
        if after_value == s.len() {
            // The end of the line: only right after a name or a value.
            return after_value == i;
        }
        if s[after_value] != b';' {
            return false;
        }
        i = after_value + 1;
    }
}

fn skip_ws(s: &[u8], mut i: usize) -> usize {
    while i < s.len() && matches!(s[i], b' ' | b'\t') {
        i += 1;
    }
    i
}

fn skip_token(s: &[u8], mut i: usize) -> usize {
    while i < s.len() && (s[i].is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&s[i])) {
        i += 1;
    }
    i
}

/// The index after the closing quote of a quoted string whose content starts at `i`.
fn quoted_end(s: &[u8], mut i: usize) -> Option<usize> {
    while i < s.len() {
        match s[i] {
            b'"' => return Some(i + 1),
            b'\\' => {
                let next = *s.get(i + 1)?;
                if !(next == b'\t' || (next >= 0x20 && next != 0x7f)) {
                    return None;
                }
                i += 2;
            }
            b'\t' | b' ' | 0x21 | 0x23..=0x5b | 0x5d..=0x7e | 0x80..=0xff => i += 1,
            _ => return None,
        }
    }
    None
}
