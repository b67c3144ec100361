//! The request's header fields, kept in the order received, with cheroot's `HeaderReader` view.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;

use crate::field_syntax::trim_ows;

/// One header field as received: the name exactly as the client spelled it and the value with
/// surrounding whitespace removed.
///
/// Both are ranges of one shared buffer (for a parsed request, the whole head), so a field costs
/// one reference count, not an allocation.
#[derive(Clone)]
pub struct HeaderField {
    buf: Bytes,
    name: (usize, usize),
    value: (usize, usize),
}

impl HeaderField {
    /// Builds a field from its name and (already trimmed) value, copied into one buffer.
    pub fn new(name: impl Into<Bytes>, value: impl Into<Bytes>) -> Self {
        let (name, value) = (name.into(), value.into());
        let mut buf = Vec::with_capacity(name.len() + value.len());
        buf.extend_from_slice(&name);
        buf.extend_from_slice(&value);
        Self {
            buf: Bytes::from(buf),
            name: (0, name.len()),
            value: (name.len(), name.len() + value.len()),
        }
    }

    /// A field whose name and value are `buf[name.0..name.1]` and `buf[value.0..value.1]`;
    /// the parser fills `buf` in once the whole head is known (see [`HeaderField::share`]).
    pub(crate) fn at(name: (usize, usize), value: (usize, usize)) -> Self {
        Self {
            buf: Bytes::new(),
            name,
            value,
        }
    }

    /// Points the field at `buf`, the bytes its ranges refer to.
    pub(crate) fn share(&mut self, buf: &Bytes) {
        self.buf = buf.clone();
    }

    /// The name as received (case preserved).
    pub fn name(&self) -> &[u8] {
        &self.buf[self.name.0..self.name.1]
    }

    /// The value, without leading or trailing whitespace.
    pub fn value(&self) -> &[u8] {
        &self.buf[self.value.0..self.value.1]
    }
}

impl PartialEq for HeaderField {
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name() && self.value() == other.value()
    }
}

impl Eq for HeaderField {}

impl fmt::Debug for HeaderField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HeaderField")
            .field("name", &self.name().escape_ascii().to_string())
            .field("value", &self.value().escape_ascii().to_string())
            .finish()
    }
}

/// The header fields of one request, in the order received.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers {
    fields: Vec<HeaderField>,
}

impl Headers {
    /// An empty header list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Wraps fields already in order; the parser builds its list in one go with this.
    pub(crate) fn from_fields(fields: Vec<HeaderField>) -> Self {
        Self { fields }
    }

    /// Appends a field at the end.
    pub fn push(&mut self, field: HeaderField) {
        self.fields.push(field);
    }

    /// Every field in the order received.
    pub fn iter(&self) -> std::slice::Iter<'_, HeaderField> {
        self.fields.iter()
    }

    /// How many fields there are.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The values of every field named `name` (ASCII case-insensitive), in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.fields
            .iter()
            .filter(move |f| f.name().eq_ignore_ascii_case(name.as_bytes()))
            .map(|f| f.value())
    }

    /// The value of `name` (ASCII case-insensitive) as cheroot's `HeaderReader` stores it in its
    /// dictionary: for the list fields cheroot knows (`Accept`, `Cache-Control`, `Connection`,
    /// `Transfer-Encoding`, `Vary`, ... the `comma_separated_headers` of `cheroot.server`) every
    /// occurrence joined with `", "`; for any other field the last occurrence wins.
    ///
    /// As in cheroot, an empty earlier value is replaced rather than joined (`Accept:` then
    /// `Accept: a` gives `a`). Borrowed unless values had to be joined.
    ///
    /// cheroot title-cases names before it looks them up in its list, so `TE` and
    /// `WWW-Authenticate` never match it there and the last occurrence wins; we join them like
    /// the other list fields, as RFC 9110 section 5.3 requires (see `docs/differences.md`).
    pub fn get(&self, name: &str) -> Option<Cow<'_, [u8]>> {
        let wanted = name.as_bytes();
        let values = self
            .fields
            .iter()
            .filter(|f| f.name().eq_ignore_ascii_case(wanted))
            .map(HeaderField::value);
        if !is_list_field(wanted) {
            return values.last().map(Cow::Borrowed);
        }
        let mut joined: Option<Cow<'_, [u8]>> = None;
        for value in values {
            joined = Some(match joined {
                Some(existing) if !existing.is_empty() => {
                    let mut out = existing.into_owned();
                    out.extend_from_slice(b", ");
                    out.extend_from_slice(value);
                    Cow::Owned(out)
                }
                _ => Cow::Borrowed(value),
            });
        }
        joined
    }

    /// Whether any field named `name` lists `token` among its comma-separated elements, both
    /// compared ASCII case-insensitively with optional whitespace around each element
    /// (`Connection: keep-alive, Upgrade` has the token `upgrade`).
    ///
    /// This is the RFC 9110 reading of `Connection`, `Expect` and `TE`; cheroot compares the
    /// whole value exactly instead.
    pub fn has_token(&self, name: &str, token: &str) -> bool {
        let token = token.as_bytes();
        self.get_all(name)
            .flat_map(|value| value.split(|&b| b == b','))
            .any(|element| trim_ows(element).eq_ignore_ascii_case(token))
    }
}

impl<'a> IntoIterator for &'a Headers {
    type Item = &'a HeaderField;
    type IntoIter = std::slice::Iter<'a, HeaderField>;

    fn into_iter(self) -> Self::IntoIter {
        self.fields.iter()
    }
}

/// A header name as cheroot's `HeaderReader` keys it: Python's `bytes.title()`, which upper-cases
/// every ASCII letter that follows a non-letter and lower-cases every other one
/// (`x-foo_bar` becomes `X-Foo_Bar`, `content-md5` becomes `Content-Md5`).
///
/// Bytes above 0x7F (never in a valid name) map to the Latin-1 character of the same number.
pub fn cheroot_title_case(name: &[u8]) -> String {
    let mut out = String::with_capacity(name.len());
    let mut after_letter = false;
    for &b in name {
        let c = if after_letter {
            b.to_ascii_lowercase()
        } else {
            b.to_ascii_uppercase()
        };
        out.push(char::from(c));
        after_letter = b.is_ascii_alphabetic();
    }
    out
}

/// cheroot's `comma_separated_headers`, compared case-insensitively.
const LIST_FIELDS: [&[u8]; 23] = [
    b"Accept",
    b"Accept-Charset",
    b"Accept-Encoding",
    b"Accept-Language",
    b"Accept-Ranges",
    b"Allow",
    b"Cache-Control",
    b"Connection",
    b"Content-Encoding",
    b"Content-Language",
    b"Expect",
    b"If-Match",
    b"If-None-Match",
    b"Pragma",
    b"Proxy-Authenticate",
    b"TE",
    b"Trailer",
    b"Transfer-Encoding",
    b"Upgrade",
    b"Vary",
    b"Via",
    b"Warning",
    b"WWW-Authenticate",
];

fn is_list_field(name: &[u8]) -> bool {
    LIST_FIELDS
        .iter()
        .any(|known| known.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fields as (name, value) pairs.
    type Pairs<'a> = &'a [(&'a str, &'a str)];

    fn headers(pairs: &[(&str, &str)]) -> Headers {
        let mut h = Headers::new();
        for (name, value) in pairs {
            h.push(HeaderField::new(
                name.as_bytes().to_vec(),
                value.as_bytes().to_vec(),
            ));
        }
        h
    }

    #[test]
    fn get_follows_cheroot_header_reader() {
        // (fields, name asked, expected), after cheroot.server.HeaderReader.
        let cases: &[(Pairs<'_>, &str, Option<&str>)] = &[
            (&[("Host", "a")], "host", Some("a")),
            (&[("X-Foo", "1"), ("x-foo", "2")], "X-FOO", Some("2")),
            (&[("Accept", "a"), ("accept", "b")], "Accept", Some("a, b")),
            (&[("Accept", ""), ("Accept", "b")], "Accept", Some("b")),
            (&[("Accept", "a"), ("Accept", "")], "Accept", Some("a, ")),
            (&[("Connection", "close")], "connection", Some("close")),
            (
                &[("TE", "trailers"), ("te", "gzip")],
                "TE",
                Some("trailers, gzip"),
            ),
            (
                &[
                    ("Cache-Control", "no-cache"),
                    ("X", "y"),
                    ("cache-control", "max-age=0"),
                ],
                "Cache-Control",
                Some("no-cache, max-age=0"),
            ),
            (
                &[("Content-Length", "3"), ("Content-Length", "4")],
                "Content-Length",
                Some("4"),
            ),
            (&[("Host", "a")], "Accept", None),
        ];
        for (fields, name, expected) in cases {
            let h = headers(fields);
            let got = h.get(name);
            assert_eq!(
                got.as_deref(),
                expected.map(str::as_bytes),
                "{fields:?} {name}"
            );
        }
    }

    #[test]
    fn get_borrows_unless_joined() {
        let h = headers(&[("Accept", "a"), ("X", "1"), ("X", "2")]);
        assert!(matches!(h.get("accept"), Some(Cow::Borrowed(b"a"))));
        assert!(matches!(h.get("x"), Some(Cow::Borrowed(b"2"))));
    }

    #[test]
    fn has_token_reads_lists_across_fields() {
        let cases: &[(Pairs<'_>, &str, &str, bool)] = &[
            (&[("Connection", "close")], "connection", "close", true),
            (&[("Connection", "Close")], "Connection", "close", true),
            (
                &[("Connection", "keep-alive, Upgrade")],
                "Connection",
                "upgrade",
                true,
            ),
            (
                &[("Connection", "keep-alive"), ("connection", " TE ,close")],
                "Connection",
                "te",
                true,
            ),
            (&[("Connection", "closed")], "Connection", "close", false),
            (
                &[("Connection", "keep-alive")],
                "Connection",
                "close",
                false,
            ),
            (
                &[("Expect", "100-continue")],
                "expect",
                "100-Continue",
                true,
            ),
            (&[("X", "close")], "Connection", "close", false),
            (
                &[("Transfer-Encoding", "gzip,\tchunked")],
                "transfer-encoding",
                "chunked",
                true,
            ),
        ];
        for (fields, name, token, expected) in cases {
            assert_eq!(
                headers(fields).has_token(name, token),
                *expected,
                "{fields:?} {token}"
            );
        }
    }

    #[test]
    fn title_case_matches_python_bytes_title() {
        // cheroot.server.HeaderReader keys: `k.strip().title()`.
        let cases = [
            ("x-foo_bar", "X-Foo_Bar"),
            ("content-md5", "Content-Md5"),
            ("WWW-AUTHENTICATE", "Www-Authenticate"),
            ("te", "Te"),
            ("x1y", "X1Y"),
            ("HOST", "Host"),
            ("", ""),
        ];
        for (name, expected) in cases {
            assert_eq!(cheroot_title_case(name.as_bytes()), expected);
        }
    }
}
