//! The request's header fields, kept in the order received, with cheroot's `HeaderReader` view.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;

use crate::field_syntax::trim_ows;

/// One header field as received: the name exactly as the client spelled it and the value with
/// surrounding whitespace removed, both borrowed from the [`Headers`] they belong to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct HeaderField<'a> {
    name: &'a [u8],
    value: &'a [u8],
}

impl<'a> HeaderField<'a> {
    /// The name as received (case preserved).
    pub fn name(&self) -> &'a [u8] {
        self.name
    }

    /// The value, without leading or trailing whitespace.
    pub fn value(&self) -> &'a [u8] {
        self.value
    }
}

impl fmt::Debug for HeaderField<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HeaderField")
            .field("name", &self.name.escape_ascii().to_string())
            .field("value", &self.value.escape_ascii().to_string())
            .finish()
    }
}

/// Where one field's name and value lie in the bytes of its [`Headers`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct FieldSpan {
    name: (u32, u32),
    value: (u32, u32),
}

impl FieldSpan {
    /// The field whose name is `bytes[name.0..name.1]` and value `bytes[value.0..value.1]`.
    /// Offsets fit `u32`: the parser refuses heads of 4 GiB and more.
    pub(crate) fn new(name: (u32, u32), value: (u32, u32)) -> Self {
        Self { name, value }
    }

    fn view(self, bytes: &[u8]) -> HeaderField<'_> {
        let at = |(start, end): (u32, u32)| &bytes[start as usize..end as usize];
        HeaderField {
            name: at(self.name),
            value: at(self.value),
        }
    }
}

/// A [`FieldSpan`] in `u16`s, for the fields of heads under 64 KiB (the default limit), so the
/// inline list stays small: a head is moved a few times per request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct ShortSpan([u16; 4]);

impl ShortSpan {
    fn new(span: FieldSpan) -> Option<Self> {
        let short = |n: u32| u16::try_from(n).ok();
        Some(Self([
            short(span.name.0)?,
            short(span.name.1)?,
            short(span.value.0)?,
            short(span.value.1)?,
        ]))
    }

    fn wide(self) -> FieldSpan {
        let [a, b, c, d] = self.0.map(u32::from);
        FieldSpan::new((a, b), (c, d))
    }
}

/// How many fields a [`Headers`] holds without a heap allocation: enough for the requests of
/// API clients and tools (`Host`, `User-Agent`, `Accept`, a body's two fields, a token),
/// few enough that a head stays cheap to move. A browser's dozen fields spill over into one
/// allocation.
const INLINE_FIELDS: usize = 6;

/// The spans of the fields, in order: the first [`INLINE_FIELDS`] in place (while their
/// offsets fit `u16`), the rest in a vector that stays unallocated for the usual request.
#[derive(Debug, Clone, Default)]
pub(crate) struct FieldList {
    inline_len: u8,
    inline: [ShortSpan; INLINE_FIELDS],
    spill: Vec<FieldSpan>,
}

impl FieldList {
    #[inline]
    pub(crate) fn push(&mut self, span: FieldSpan) {
        let len = usize::from(self.inline_len);
        if len < INLINE_FIELDS && self.spill.is_empty() {
            if let Some(short) = ShortSpan::new(span) {
                self.inline[len] = short;
                self.inline_len += 1;
                return;
            }
        }
        // Once a field spills, every later one does too, so the order is kept.
        self.spill.push(span);
    }

    fn len(&self) -> usize {
        usize::from(self.inline_len) + self.spill.len()
    }

    fn spans(&self) -> (&[ShortSpan], &[FieldSpan]) {
        (&self.inline[..usize::from(self.inline_len)], &self.spill)
    }
}

/// The bytes the fields are ranges of: the request head as received, shared, or a buffer of
/// our own once fields are pushed one by one (trailers, tests).
#[derive(Clone)]
enum Storage {
    Shared(Bytes),
    Owned(Vec<u8>),
}

/// The header fields of one request, in the order received.
///
/// A parsed request's fields are ranges of the request head's bytes (one shared buffer), so
/// the list costs no allocation per field, nor for the list itself up to a dozen fields.
#[derive(Clone)]
pub struct Headers {
    bytes: Storage,
    fields: FieldList,
}

impl Default for Headers {
    fn default() -> Self {
        Self {
            bytes: Storage::Owned(Vec::new()),
            fields: FieldList::default(),
        }
    }
}

impl PartialEq for Headers {
    /// Equal when the fields are, in order; where their bytes live does not matter.
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for Headers {}

impl fmt::Debug for Headers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Headers {
    /// An empty header list.
    pub fn new() -> Self {
        Self::default()
    }

    /// The fields `fields` over `bytes`; the parser builds a head's list with this.
    pub(crate) fn from_parts(bytes: Bytes, fields: FieldList) -> Self {
        Self {
            bytes: Storage::Shared(bytes),
            fields,
        }
    }

    /// The bytes the fields are ranges of (for a parsed head, the whole head).
    pub(crate) fn bytes(&self) -> &[u8] {
        match &self.bytes {
            Storage::Shared(b) => b,
            Storage::Owned(v) => v,
        }
    }

    /// Appends a field at the end, copying its name and value. `value` is stored as given
    /// (the parser trims values; trim them yourself when you build a list by hand).
    ///
    /// # Panics
    ///
    /// When the list would hold 4 GiB of names and values or more.
    pub fn push(&mut self, name: impl AsRef<[u8]>, value: impl AsRef<[u8]>) {
        let (name, value) = (name.as_ref(), value.as_ref());
        let bytes = match &mut self.bytes {
            Storage::Owned(v) => v,
            Storage::Shared(b) => {
                // The first push onto a parsed list: copy once, then append in place.
                self.bytes = Storage::Owned(b.to_vec());
                let Storage::Owned(v) = &mut self.bytes else {
                    unreachable!("just made owned")
                };
                v
            }
        };
        let offset = |n: usize| u32::try_from(n).expect("header list under 4 GiB");
        let name_start = offset(bytes.len());
        bytes.extend_from_slice(name);
        let value_start = offset(bytes.len());
        bytes.extend_from_slice(value);
        let value_end = offset(bytes.len());
        self.fields.push(FieldSpan::new(
            (name_start, value_start),
            (value_start, value_end),
        ));
    }

    /// Every field in the order received.
    pub fn iter(&self) -> HeaderIter<'_> {
        let (inline, spill) = self.fields.spans();
        HeaderIter {
            bytes: self.bytes(),
            inline: inline.iter(),
            spill: spill.iter(),
        }
    }

    /// How many fields there are.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.fields.len() == 0
    }

    /// The values of every field named `name` (ASCII case-insensitive), in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.iter()
            .filter(move |f| f.name.eq_ignore_ascii_case(name.as_bytes()))
            .map(|f| f.value)
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
        let mut values = self
            .iter()
            .filter(|f| f.name.eq_ignore_ascii_case(wanted))
            .map(|f| f.value);
        if !is_list_field(wanted) {
            return values.next_back().map(Cow::Borrowed);
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
    type Item = HeaderField<'a>;
    type IntoIter = HeaderIter<'a>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// The fields of a [`Headers`], in order (see [`Headers::iter`]).
#[derive(Debug, Clone)]
pub struct HeaderIter<'a> {
    bytes: &'a [u8],
    inline: std::slice::Iter<'a, ShortSpan>,
    spill: std::slice::Iter<'a, FieldSpan>,
}

impl<'a> Iterator for HeaderIter<'a> {
    type Item = HeaderField<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        let span = match self.inline.next() {
            Some(short) => short.wide(),
            None => *self.spill.next()?,
        };
        Some(span.view(self.bytes))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.inline.len() + self.spill.len();
        (n, Some(n))
    }
}

impl DoubleEndedIterator for HeaderIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let span = match self.spill.next_back() {
            Some(span) => *span,
            None => self.inline.next_back()?.wide(),
        };
        Some(span.view(self.bytes))
    }
}

impl ExactSizeIterator for HeaderIter<'_> {}

impl std::iter::FusedIterator for HeaderIter<'_> {}

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
            h.push(name, value);
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
    fn many_fields_keep_their_order_past_the_inline_ones() {
        let names: Vec<String> = (0..INLINE_FIELDS * 2 + 3)
            .map(|i| format!("X-{i}"))
            .collect();
        let mut h = Headers::new();
        for (i, name) in names.iter().enumerate() {
            h.push(name, i.to_string());
        }
        assert_eq!(h.len(), names.len());
        let got: Vec<(Vec<u8>, Vec<u8>)> = h
            .iter()
            .map(|f| (f.name().to_vec(), f.value().to_vec()))
            .collect();
        let expected: Vec<(Vec<u8>, Vec<u8>)> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_bytes().to_vec(), i.to_string().into_bytes()))
            .collect();
        assert_eq!(got, expected);
        // Backwards too, across the inline and spilled parts.
        let last: Vec<&[u8]> = h.iter().rev().take(2).map(|f| f.name()).collect();
        assert_eq!(
            last,
            [
                names[names.len() - 1].as_bytes(),
                names[names.len() - 2].as_bytes()
            ]
        );
        assert_eq!(h.get("x-0").as_deref(), Some(&b"0"[..]));
        assert_eq!(h.iter().len(), names.len());
    }

    #[test]
    fn fields_past_64_kib_keep_their_order() {
        let big = "v".repeat(70_000);
        let mut h = Headers::new();
        h.push("A", "1");
        h.push("Big", &big);
        h.push("B", "2");
        let got: Vec<(&[u8], usize)> = h.iter().map(|f| (f.name(), f.value().len())).collect();
        assert_eq!(got, [(&b"A"[..], 1), (b"Big", 70_000), (b"B", 1)]);
        assert_eq!(h.get("b").as_deref(), Some(&b"2"[..]));
        assert_eq!(h.iter().next_back().map(|f| f.name()), Some(&b"B"[..]));
    }

    #[test]
    fn pushing_onto_shared_bytes_copies_them_once() {
        // A list over shared bytes (as the parser makes it), then a pushed field.
        let bytes = Bytes::from_static(b"HostaAcceptb");
        let mut fields = FieldList::default();
        fields.push(FieldSpan::new((0, 4), (4, 5)));
        fields.push(FieldSpan::new((5, 11), (11, 12)));
        let mut h = Headers::from_parts(bytes, fields);
        let before = h.clone();
        h.push("Accept", "c");
        assert_eq!(h.get("accept").as_deref(), Some(&b"b, c"[..]));
        assert_eq!(h.get("host").as_deref(), Some(&b"a"[..]));
        assert_eq!(before, headers(&[("Host", "a"), ("Accept", "b")]));
        assert_ne!(before, h);
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
