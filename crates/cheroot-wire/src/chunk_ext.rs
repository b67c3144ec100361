//! The grammar of chunk extensions (RFC 9112 §7.1.1), one byte at a time:
//!
//! ```text
//! chunk-ext     = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
//! chunk-ext-val = token / quoted-string
//! ```
//!
//! Extensions are skipped, not kept, but they are still checked: a parser in front of us that
//! reads `5;a="x\r\n` differently (where does the quoted string end?) would frame the body
//! differently, which is how chunked smuggling starts.

use crate::field_syntax::is_tchar;

/// Where the decoder is inside the extensions of one chunk-size line. Entered on the first
/// `;`; the CR that ends the line is only allowed where an extension may end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChunkExt {
    /// After `;`, optional whitespace, then a name.
    BeforeName,
    /// Inside the name token.
    Name,
    /// Whitespace after a name: `=` or `;` must follow.
    AfterName,
    /// After `=`, optional whitespace, then a token or a quoted string.
    BeforeValue,
    /// Inside a token value.
    TokenValue,
    /// Inside a quoted-string value.
    Quoted,
    /// After a backslash inside a quoted string.
    QuotedPair,
    /// Right after the closing quote.
    AfterQuote,
    /// Whitespace after a value: only more whitespace or `;` may follow.
    AfterValue,
}

/// What a byte did to the extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExtStep {
    /// Still inside the extensions.
    Next(ChunkExt),
    /// The CR that ends the size line, at a place where an extension may end.
    End,
    /// The byte breaks the grammar.
    Invalid,
}

impl ChunkExt {
    /// The state after `byte`. The caller handles LF (always a framing error here).
    pub(crate) fn step(self, byte: u8) -> ExtStep {
        use ChunkExt::*;
        let ws = matches!(byte, b' ' | b'\t');
        let next = match self {
            BeforeName if ws => BeforeName,
            BeforeName | Name if is_tchar(byte) => Name,
            Name | AfterName if ws => AfterName,
            Name | AfterName if byte == b'=' => BeforeValue,
            Name | AfterName | TokenValue | AfterQuote | AfterValue if byte == b';' => BeforeName,
            Name | TokenValue | AfterQuote if byte == b'\r' => return ExtStep::End,
            BeforeValue if ws => BeforeValue,
            BeforeValue if byte == b'"' => Quoted,
            BeforeValue | TokenValue if is_tchar(byte) => TokenValue,
            TokenValue | AfterQuote | AfterValue if ws => AfterValue,
            Quoted if byte == b'"' => AfterQuote,
            Quoted if byte == b'\\' => QuotedPair,
            Quoted if is_qdtext(byte) => Quoted,
            // `quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )`
            QuotedPair if byte == b'\t' || (byte >= 0x20 && byte != 0x7f) => Quoted,
            _ => return ExtStep::Invalid,
        };
        ExtStep::Next(next)
    }
}

/// RFC 9110 §5.6.4 `qdtext`: HTAB, SP and visible bytes but `"` and `\`, and obs-text.
const fn is_qdtext(b: u8) -> bool {
    matches!(b, b'\t' | b' ' | 0x21 | 0x23..=0x5b | 0x5d..=0x7e | 0x80..=0xff)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the bytes after the first `;` of a size line (CR included) through the grammar:
    /// whether the line ends cleanly at its CR.
    fn accepts(ext: &[u8]) -> bool {
        let mut state = ChunkExt::BeforeName;
        for (i, &b) in ext.iter().enumerate() {
            match state.step(b) {
                ExtStep::Next(next) => state = next,
                ExtStep::End => return i + 1 == ext.len(),
                ExtStep::Invalid => return false,
            }
        }
        false
    }

    #[test]
    fn grammar() {
        for (ext, ok) in [
            (&b"a\r"[..], true),
            (b"name=value\r", true),
            (b" a = b ; c\r", true),
            (b"\ta\t=\t\"q;v\"\r", true),
            (b"a=\"\"\r", true),
            (b"a=\"esc\\\"aped\"\r", true),
            (b"a=\"obs\xe9\"\r", true),
            (b"a;b;c=d\r", true),
            (b"a=\"x\" ;b\r", true),
            // RFC 9112 §7.1.1: the name is a token, never empty.
            (b"\r", false),
            (b" \r", false),
            (b"=x\r", false),
            (b";\r", false),
            (b"a;\r", false),
            (b"\xe9\r", false),
            (b"a b\r", false),
            // A value is a token or a complete quoted string.
            (b"a=\r", false),
            (b"a==b\r", false),
            (b"a=b c\r", false),
            (b"a=\"unterminated\r", false),
            (b"a=\"x\"y\r", false),
            (b"a=\"ctl\x01\"\r", false),
            (b"a=\"\\\x7f\"\r", false),
            (b"a=b\x7f\r", false),
            (b"a\0\r", false),
            // No whitespace before the CR (BWS only precedes `;` and `=`).
            (b"a \r", false),
            (b"a=b \r", false),
        ] {
            assert_eq!(accepts(ext), ok, "{:?}", String::from_utf8_lossy(ext));
        }
    }
}
