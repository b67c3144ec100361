//! The request-target: its four RFC 9112 forms, cheroot's checks on each, and the decoded path.

use std::fmt;
use std::ops::Range;

use http::Method;

use crate::ParseError;

/// Which of the four forms of RFC 9112 section 3.2 the request-target has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetForm {
    /// `/path?query`, the usual form.
    Origin,
    /// `http://host/path?query`, sent to proxies (or `//host/path`, which has an authority
    /// and no scheme).
    Absolute,
    /// `host:port`, only with `CONNECT`.
    Authority,
    /// `*`, for a server-wide `OPTIONS`.
    Asterisk,
}

/// The request-target of a request, as received and as cheroot splits it: a view of a
/// [`RequestHead`](crate::RequestHead) (see [`RequestHead::target`](crate::RequestHead::target)).
///
/// The raw target is a slice of the head's bytes, and every part a range of it, except a path
/// that needed decoding or a leading `/`, and an upper-case scheme (cheroot lower-cases it),
/// which the head holds as copies.
#[derive(Clone, Copy)]
pub struct RequestTarget<'a> {
    raw: &'a [u8],
    plan: &'a TargetPlan,
}

impl<'a> RequestTarget<'a> {
    /// The target exactly as sent (WSGI's `REQUEST_URI`).
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// Which form the target has.
    pub fn form(&self) -> TargetForm {
        self.plan.form
    }

    /// The scheme of an absolute-form target, lower-cased (`http`, `https`).
    pub fn scheme(&self) -> Option<&'a [u8]> {
        let raw = self.raw;
        self.plan.scheme.as_ref().map(|part| part.get(raw))
    }

    /// The authority (`host[:port]`) of an absolute-form or authority-form target.
    pub fn authority(&self) -> Option<&'a [u8]> {
        self.plan.authority.map(|span| span.get(self.raw))
    }

    /// The path (WSGI's `PATH_INFO`), always starting with `/`: percent-escapes decoded except
    /// `%2F`, which stays encoded and is written upper-case so that an encoded slash is never
    /// taken for a separator (`/a%2fb%20c%41` gives `/a%2Fb cA`). `OPTIONS *` gives `/*`;
    /// as in cheroot an `OPTIONS` path is not decoded and a `CONNECT` path is `/host:port`.
    pub fn path(&self) -> &'a [u8] {
        self.plan.path.get(self.raw)
    }

    /// The query string (WSGI's `QUERY_STRING`) without the `?`, not decoded; empty if none.
    pub fn query(&self) -> &'a [u8] {
        self.plan.query.get(self.raw)
    }
}

impl PartialEq for RequestTarget<'_> {
    /// Equal when every part is; whether a part is a range or a copy does not matter.
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
            && self.form() == other.form()
            && self.scheme() == other.scheme()
            && self.authority() == other.authority()
            && self.path() == other.path()
            && self.query() == other.query()
    }
}

impl Eq for RequestTarget<'_> {}

impl fmt::Debug for RequestTarget<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = |b: &[u8]| b.escape_ascii().to_string();
        f.debug_struct("RequestTarget")
            .field("raw", &text(self.raw))
            .field("form", &self.form())
            .field("scheme", &self.scheme().map(text))
            .field("authority", &self.authority().map(text))
            .field("path", &text(self.path()))
            .field("query", &text(self.query()))
            .finish()
    }
}

/// What a checked target is made of, as ranges of the raw target: computed while the request
/// line is still borrowed from the caller's buffer, paired with the raw target's bytes once
/// they are owned.
#[derive(Debug, Clone)]
pub(crate) struct TargetPlan {
    form: TargetForm,
    scheme: Option<Part>,
    authority: Option<Span>,
    path: Part,
    query: Span,
}

/// A range of the raw target in `u32`s: the plan is moved a few times per request, so it is
/// kept small (a target is part of a head, which is under 4 GiB).
#[derive(Debug, Clone, Copy)]
struct Span {
    start: u32,
    end: u32,
}

impl Span {
    fn get(self, raw: &[u8]) -> &[u8] {
        &raw[self.start as usize..self.end as usize]
    }
}

impl From<Range<usize>> for Span {
    fn from(r: Range<usize>) -> Self {
        // In range: targets are parts of heads, refused from 4 GiB on.
        Self {
            start: r.start as u32,
            end: r.end as u32,
        }
    }
}

/// One part of the target: a range of the raw target, used as is, or a decoded, prefixed or
/// lower-cased copy.
#[derive(Debug, Clone)]
enum Part {
    Slice(Span),
    Owned(Box<[u8]>),
}

impl Part {
    fn get<'a>(&'a self, raw: &'a [u8]) -> &'a [u8] {
        match self {
            Part::Slice(span) => span.get(raw),
            Part::Owned(v) => v,
        }
    }
}

impl TargetPlan {
    /// The target over `raw`, the same bytes [`analyze`] saw (now the head's).
    pub(crate) fn view<'a>(&'a self, raw: &'a [u8]) -> RequestTarget<'a> {
        RequestTarget { raw, plan: self }
    }
}

/// The parts Python's `urllib.parse.urlsplit` finds in a target, as ranges of it.
struct Split {
    scheme: Option<Range<usize>>,
    /// Present and non-empty (`///x` has an empty authority, which cheroot ignores).
    authority: Option<Range<usize>>,
    path: Range<usize>,
    query: Range<usize>,
    has_fragment: bool,
}

/// Checks `raw` the way cheroot's `read_request_line` does for `method`, and plans the parts.
///
/// The order of the checks is cheroot's: bytes that are not printable ASCII ("Malformed
/// Request-URI"), then `CONNECT` (405 outside proxy mode, authority-form inside it), then
/// `OPTIONS` (only our fragment check), then for every other method the absolute-form check, the
/// leading-slash check, the fragment check and the percent-decoding of the path.
#[inline]
pub(crate) fn analyze(
    method: &Method,
    raw: &[u8],
    proxy_mode: bool,
    strict_mode: bool,
) -> Result<TargetPlan, ParseError> {
    match plain_origin_form(method, raw) {
        Some(plan) => Ok(plan),
        None => analyze_in_full(method, raw, proxy_mode, strict_mode),
    }
}

/// [`analyze`] without its shortcut for the usual target.
fn analyze_in_full(
    method: &Method,
    raw: &[u8],
    proxy_mode: bool,
    strict_mode: bool,
) -> Result<TargetPlan, ParseError> {
    // cheroot decodes the target as ASCII and fails on any byte above 0x7F; control bytes and
    // spaces are not allowed in a request-target by RFC 9112 either.
    if !raw.iter().all(|&b| b.is_ascii_graphic()) {
        return Err(ParseError::MALFORMED_URI);
    }
    let split = urlsplit(raw)?;
    let is_absolute = split.scheme.is_some() || split.authority.is_some();

    if method == Method::CONNECT {
        if !proxy_mode {
            return Err(ParseError::CONNECT_NOT_ALLOWED);
        }
        if !is_authority_form(raw) {
            return Err(ParseError::CONNECT_NEEDS_AUTHORITY);
        }
        return Ok(TargetPlan {
            form: TargetForm::Authority,
            scheme: None,
            authority: Some((0..raw.len()).into()),
            path: Part::Owned(with_slash(raw)),
            query: (0..0).into(),
        });
    }
    let form = if raw == b"*" {
        TargetForm::Asterisk
    } else if is_absolute {
        TargetForm::Absolute
    } else {
        TargetForm::Origin
    };

    if method == Method::OPTIONS {
        // RFC 9112 has no fragment in any request-target form; cheroot never checks OPTIONS
        // targets for one. We refuse it here too.
        if split.has_fragment {
            return Err(ParseError::FRAGMENT);
        }
        // cheroot takes the path as sent (no decoding); a proxy gets the whole absolute URI.
        let path = if proxy_mode && is_absolute {
            0..raw.len()
        } else {
            split.path
        };
        return Ok(TargetPlan {
            form,
            scheme: scheme_part(raw, split.scheme),
            authority: split.authority.map(Span::from),
            path: slash_prefixed(raw, path),
            query: split.query.into(),
        });
    }

    // RFC 9112 section 3.2.2: a server MUST accept the absolute-form (`http://host/path`),
    // which cheroot refuses outside proxy mode; the caller checks its host against `Host`.
    // Anything else with a scheme or an authority (`//foo/bar`, `example.com:80`,
    // `mailto:x`) is no HTTP target and keeps cheroot's answer.
    if strict_mode && !proxy_mode && is_absolute && !is_http_absolute_form(raw, &split) {
        return Err(ParseError::ABSOLUTE_URI_NOT_ALLOWED);
    }
    if strict_mode && !is_absolute && !raw.starts_with(b"/") {
        return Err(ParseError::NO_LEADING_SLASH);
    }
    // cheroot refuses only a non-empty fragment; an empty one (`/x#`) is no better.
    if split.has_fragment {
        return Err(ParseError::FRAGMENT);
    }
    let path = match decode_path(&raw[split.path.clone()])? {
        Some(mut decoded) => {
            if !decoded.starts_with(b"/") {
                decoded.insert(0, b'/');
            }
            Part::Owned(decoded.into())
        }
        None => slash_prefixed(raw, split.path),
    };
    Ok(TargetPlan {
        form,
        scheme: scheme_part(raw, split.scheme),
        authority: split.authority.map(Span::from),
        path,
        query: split.query.into(),
    })
}

/// The plan of the usual target, `/path` or `/path?query` with no `%` and no `#`, for any
/// method but `CONNECT` and `OPTIONS`, in one pass; `None` for anything else, which
/// [`analyze`] then checks in full (and plans the same way when it is valid).
#[inline]
fn plain_origin_form(method: &Method, raw: &[u8]) -> Option<TargetPlan> {
    // A leading `/` rules out a scheme (it must start with a letter); `//` would start an
    // authority.
    if raw.first() != Some(&b'/') || raw.get(1) == Some(&b'/') {
        return None;
    }
    if method == Method::CONNECT || method == Method::OPTIONS {
        return None;
    }
    let mut question = None;
    for (i, &b) in raw.iter().enumerate() {
        match b {
            b'%' | b'#' => return None,
            b'?' if question.is_none() => question = Some(i),
            _ if !b.is_ascii_graphic() => return None,
            _ => {}
        }
    }
    let (path, query) = match question {
        Some(q) => (0..q, q + 1..raw.len()),
        None => (0..raw.len(), raw.len()..raw.len()),
    };
    Some(TargetPlan {
        form: TargetForm::Origin,
        scheme: None,
        authority: None,
        path: Part::Slice(path.into()),
        query: query.into(),
    })
}

/// The scheme at `range` of `raw`, lower-cased as cheroot has it (a copy only when needed).
fn scheme_part(raw: &[u8], range: Option<Range<usize>>) -> Option<Part> {
    let range = range?;
    let scheme = &raw[range.clone()];
    Some(if scheme.iter().any(u8::is_ascii_uppercase) {
        Part::Owned(scheme.to_ascii_lowercase().into())
    } else {
        Part::Slice(range.into())
    })
}

/// `raw[range]` as the path, with `/` put in front when it lacks one, as cheroot does last.
fn slash_prefixed(raw: &[u8], range: Range<usize>) -> Part {
    if raw[range.clone()].starts_with(b"/") {
        Part::Slice(range.into())
    } else {
        Part::Owned(with_slash(&raw[range]))
    }
}

fn with_slash(s: &[u8]) -> Box<[u8]> {
    let mut v = Vec::with_capacity(s.len() + 1);
    v.push(b'/');
    v.extend_from_slice(s);
    v.into_boxed_slice()
}

/// Python's `urlsplit` on an ASCII target: a scheme is letters, digits, `+`, `-`, `.` before
/// the first `:` starting with a letter; `//` then starts an authority that runs to the next
/// `/`, `?` or `#`; then the fragment after the first `#` and the query after the first `?`.
///
/// An authority with unbalanced brackets is "Malformed Request-URI" (`urlsplit` raises
/// `ValueError("Invalid IPv6 URL")` there, which cheroot turns into a 500).
fn urlsplit(raw: &[u8]) -> Result<Split, ParseError> {
    let mut start = 0;
    let mut scheme = None;
    if let Some(colon) = raw.iter().position(|&b| b == b':') {
        let candidate = &raw[..colon];
        let valid = candidate.first().is_some_and(u8::is_ascii_alphabetic)
            && candidate
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
        if valid {
            scheme = Some(0..colon);
            start = colon + 1;
        }
    }
    let mut authority = None;
    if raw[start..].starts_with(b"//") {
        let from = start + 2;
        let to = raw[from..]
            .iter()
            .position(|&b| matches!(b, b'/' | b'?' | b'#'))
            .map_or(raw.len(), |i| from + i);
        let netloc = &raw[from..to];
        if netloc.contains(&b'[') != netloc.contains(&b']') {
            return Err(ParseError::MALFORMED_URI);
        }
        if from < to {
            authority = Some(from..to);
        }
        start = to;
    }
    let (end, has_fragment) = match raw[start..].iter().position(|&b| b == b'#') {
        Some(i) => (start + i, true),
        None => (raw.len(), false),
    };
    let (path, query) = match raw[start..end].iter().position(|&b| b == b'?') {
        Some(i) => (start..start + i, start + i + 1..end),
        None => (start..end, end..end),
    };
    Ok(Split {
        scheme,
        authority,
        path,
        query,
        has_fragment,
    })
}

/// Whether the split target is the absolute-form of an `http` or `https` URI: a scheme of
/// either name (any case) and a non-empty authority.
fn is_http_absolute_form(raw: &[u8], split: &Split) -> bool {
    let scheme = split.scheme.clone().map(|range| &raw[range]);
    let http =
        scheme.is_some_and(|s| s.eq_ignore_ascii_case(b"http") || s.eq_ignore_ascii_case(b"https"));
    http && split.authority.is_some()
}

/// Whether `raw` is RFC 9112 authority-form, `host:port`, as cheroot's proxy mode checks it for
/// `CONNECT`: nothing but an authority, and a port from 1 to 65535 (cheroot's `not _port`
/// refuses 0). Unlike cheroot we also refuse an empty host and user information (`user@`).
fn is_authority_form(raw: &[u8]) -> bool {
    if raw.iter().any(|&b| matches!(b, b'/' | b'?' | b'#' | b'@')) {
        return false;
    }
    let (host, port) = if raw.starts_with(b"[") {
        let Some(close) = raw.iter().position(|&b| b == b']') else {
            return false;
        };
        match raw[close + 1..].strip_prefix(b":") {
            Some(port) => (&raw[..=close], port),
            None => return false,
        }
    } else {
        let Some(colon) = raw.iter().rposition(|&b| b == b':') else {
            return false;
        };
        (&raw[..colon], &raw[colon + 1..])
    };
    let host_ok = !host.is_empty()
        && (host.starts_with(b"[") || !host.iter().any(|&b| matches!(b, b'[' | b']' | b':')));
    let port_ok = !port.is_empty()
        && port.len() <= 5
        && port.iter().all(u8::is_ascii_digit)
        && (1..=65535).contains(&port.iter().fold(0u32, |n, &d| n * 10 + u32::from(d - b'0')));
    host_ok && port_ok
}

/// Percent-decodes a path as cheroot does: split on `%2F` (any case), unquote each piece, join
/// with `%2F`. Returns `None` when there is nothing to decode (no `%`), so the caller can keep
/// the slice.
///
/// Python's `unquote_to_bytes` leaves a bad escape (`%zz`, a lone `%`) as it is; we refuse it
/// with "Malformed Request-URI", since it cannot be what the client meant.
// Hand-written on purpose: cheroot's `%2F` rule (an encoded slash stays encoded) is its own.
fn decode_path(path: &[u8]) -> Result<Option<Vec<u8>>, ParseError> {
    let Some(first) = path.iter().position(|&b| b == b'%') else {
        return Ok(None);
    };
    let mut out = Vec::with_capacity(path.len());
    out.extend_from_slice(&path[..first]);
    let mut i = first;
    while i < path.len() {
        let b = path[i];
        if b != b'%' {
            out.push(b);
            i += 1;
            continue;
        }
        let (Some(hi), Some(lo)) = (
            path.get(i + 1).and_then(|&h| hex(h)),
            path.get(i + 2).and_then(|&l| hex(l)),
        ) else {
            return Err(ParseError::MALFORMED_URI);
        };
        let decoded = hi << 4 | lo;
        if decoded == b'/' {
            out.extend_from_slice(b"%2F");
        } else {
            out.push(decoded);
        }
        i += 3;
    }
    Ok(Some(out))
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (form, scheme, authority, path, query) of a target, or the error.
    type Parts = (
        TargetForm,
        Option<&'static str>,
        Option<&'static str>,
        &'static [u8],
        &'static str,
    );

    fn parse(method: &str, raw: &str, proxy: bool, strict: bool) -> Result<TargetPlan, ParseError> {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        analyze(&method, raw.as_bytes(), proxy, strict)
    }

    /// (method, raw target, proxy_mode, strict_mode, expected).
    type Case = (
        &'static str,
        &'static str,
        bool,
        bool,
        Result<Parts, ParseError>,
    );

    fn check(cases: &[Case]) {
        for (method, raw, proxy, strict, expected) in cases {
            let got = parse(method, raw, *proxy, *strict);
            let expected = expected.map(|(form, scheme, authority, path, query)| {
                (
                    form,
                    scheme.map(str::as_bytes),
                    authority.map(str::as_bytes),
                    path,
                    query.as_bytes(),
                )
            });
            let got_parts = got
                .as_ref()
                .map(|plan| {
                    let t = plan.view(raw.as_bytes());
                    (t.form(), t.scheme(), t.authority(), t.path(), t.query())
                })
                .map_err(|e| *e);
            assert_eq!(
                got_parts, expected,
                "{method} {raw} proxy={proxy} strict={strict}"
            );
            if let Ok(plan) = &got {
                assert_eq!(plan.view(raw.as_bytes()).raw(), raw.as_bytes());
            }
        }
    }

    use TargetForm::{Absolute, Asterisk, Authority, Origin};

    #[test]
    fn origin_form_and_path_decoding() {
        check(&[
            ("GET", "/", false, true, Ok((Origin, None, None, b"/", ""))),
            // test_core.py::test_query_string_request: the query stays raw.
            (
                "GET",
                "/query_string?test=True",
                false,
                true,
                Ok((Origin, None, None, b"/query_string", "test=True")),
            ),
            (
                "GET",
                "/a?b%20c?d",
                false,
                true,
                Ok((Origin, None, None, b"/a", "b%20c?d")),
            ),
            (
                "GET",
                "/a?",
                false,
                true,
                Ok((Origin, None, None, b"/a", "")),
            ),
            // cheroot-reference path-percent-decoding: `%2F` kept, upper-cased; the rest decoded.
            (
                "GET",
                "/a%2fb%20c%41",
                false,
                true,
                Ok((Origin, None, None, b"/a%2Fb cA", "")),
            ),
            (
                "GET",
                "/a%2Fb",
                false,
                true,
                Ok((Origin, None, None, b"/a%2Fb", "")),
            ),
            (
                "GET",
                "/%252F",
                false,
                true,
                Ok((Origin, None, None, b"/%2F", "")),
            ),
            // test_core.py::test_parse_uri_unsafe_uri: decodes to Latin-1 bytes, no splitting.
            (
                "GET",
                "/%A0%D0blah%20key%200%20900%204%20data",
                false,
                true,
                Ok((Origin, None, None, b"/\xa0\xd0blah key 0 900 4 data", "")),
            ),
            // test_core.py::test_parse_acceptable_uri: quoted Unicode.
            (
                "GET",
                "/%D0%BF%D1%80",
                false,
                true,
                Ok((Origin, None, None, "/пр".as_bytes(), "")),
            ),
            ("GET", "/a%2", false, true, Err(ParseError::MALFORMED_URI)),
            ("GET", "/a%zz", false, true, Err(ParseError::MALFORMED_URI)),
            ("GET", "/a%", false, true, Err(ParseError::MALFORMED_URI)),
            // A `///x` target has an empty authority, which urlsplit and cheroot ignore.
            (
                "GET",
                "///x",
                false,
                true,
                Ok((Origin, None, None, b"/x", "")),
            ),
            (
                "GET",
                "/a:b",
                false,
                true,
                Ok((Origin, None, None, b"/a:b", "")),
            ),
        ]);
    }

    #[test]
    fn cheroot_rejections() {
        check(&[
            // test_core.py::test_parse_no_leading_slash_invalid
            (
                "GET",
                "hello",
                false,
                true,
                Err(ParseError::NO_LEADING_SLASH),
            ),
            (
                "GET",
                "%D0%BF%D1%80",
                false,
                true,
                Err(ParseError::NO_LEADING_SLASH),
            ),
            ("GET", "", false, true, Err(ParseError::NO_LEADING_SLASH)),
            ("GET", "*", false, true, Err(ParseError::NO_LEADING_SLASH)),
            // cheroot's test_core.py::test_parse_uri_absolute_uri refuses `http://google.com/`;
            // RFC 9112 section 3.2.2 does not (see `proxy_and_lenient_modes`). `//foo/bar` has an
            // authority but no scheme (cheroot refuses it too): still refused.
            (
                "GET",
                "//foo/bar",
                false,
                true,
                Err(ParseError::ABSOLUTE_URI_NOT_ALLOWED),
            ),
            (
                "GET",
                "example.com:80",
                false,
                true,
                Err(ParseError::ABSOLUTE_URI_NOT_ALLOWED),
            ),
            // test_core.py::test_parse_uri_fragment_uri; an empty fragment too (stricter).
            (
                "GET",
                "/hello?test=something#fake",
                false,
                true,
                Err(ParseError::FRAGMENT),
            ),
            ("GET", "/hello#", false, true, Err(ParseError::FRAGMENT)),
            ("OPTIONS", "/x#y", false, true, Err(ParseError::FRAGMENT)),
            (
                "GET",
                "mailto:someone",
                false,
                true,
                Err(ParseError::ABSOLUTE_URI_NOT_ALLOWED),
            ),
            (
                "GET",
                "http:/no-authority",
                false,
                true,
                Err(ParseError::ABSOLUTE_URI_NOT_ALLOWED),
            ),
            // cheroot's order: absolute form, then leading slash, then fragment.
            ("GET", "http://x/#y", false, true, Err(ParseError::FRAGMENT)),
            (
                "GET",
                "//x/#y",
                false,
                true,
                Err(ParseError::ABSOLUTE_URI_NOT_ALLOWED),
            ),
            (
                "GET",
                "hello#y",
                false,
                true,
                Err(ParseError::NO_LEADING_SLASH),
            ),
            ("GET", "http://x/#y", true, true, Err(ParseError::FRAGMENT)),
            // test_core.py::test_parse_uri_invalid_uri: raw non-ASCII.
            (
                "GET",
                "/\u{43f}\u{440}",
                false,
                true,
                Err(ParseError::MALFORMED_URI),
            ),
            (
                "GET",
                "/a\x7fb",
                false,
                true,
                Err(ParseError::MALFORMED_URI),
            ),
            ("GET", "/a\tb", false, true, Err(ParseError::MALFORMED_URI)),
            ("GET", "/a\rb", false, true, Err(ParseError::MALFORMED_URI)),
            ("GET", "/a\0b", false, true, Err(ParseError::MALFORMED_URI)),
            (
                "GET",
                "http://[::1/",
                true,
                true,
                Err(ParseError::MALFORMED_URI),
            ),
        ]);
    }

    #[test]
    fn options_targets() {
        check(&[
            // test_core.py::test_parse_uri_asterisk_uri: PATH_INFO `/*`, REQUEST_URI `*`.
            (
                "OPTIONS",
                "*",
                false,
                true,
                Ok((Asterisk, None, None, b"/*", "")),
            ),
            // OPTIONS skips the leading-slash and absolute checks and the decoding [code].
            (
                "OPTIONS",
                "hello",
                false,
                true,
                Ok((Origin, None, None, b"/hello", "")),
            ),
            (
                "OPTIONS",
                "/a%20b?x=1",
                false,
                true,
                Ok((Origin, None, None, b"/a%20b", "x=1")),
            ),
            (
                "OPTIONS",
                "http://h/p?q",
                false,
                true,
                Ok((Absolute, Some("http"), Some("h"), b"/p", "q")),
            ),
            (
                "OPTIONS",
                "http://h",
                false,
                true,
                Ok((Absolute, Some("http"), Some("h"), b"/", "")),
            ),
            // In proxy mode cheroot takes the whole absolute URI as the path.
            (
                "OPTIONS",
                "http://h/p?q",
                true,
                true,
                Ok((Absolute, Some("http"), Some("h"), b"/http://h/p?q", "q")),
            ),
        ]);
    }

    #[test]
    fn connect_targets() {
        // test_core.py::test_http_connect_request: 405 with no body outside proxy mode.
        check(&[
            (
                "CONNECT",
                "example.com:443",
                false,
                true,
                Err(ParseError::CONNECT_NOT_ALLOWED),
            ),
            (
                "CONNECT",
                "/",
                false,
                true,
                Err(ParseError::CONNECT_NOT_ALLOWED),
            ),
            (
                "CONNECT",
                "example.com:443",
                true,
                true,
                Ok((
                    Authority,
                    None,
                    Some("example.com:443"),
                    b"/example.com:443",
                    "",
                )),
            ),
            (
                "CONNECT",
                "[::1]:8080",
                true,
                true,
                Ok((Authority, None, Some("[::1]:8080"), b"/[::1]:8080", "")),
            ),
            (
                "CONNECT",
                "example.com",
                true,
                true,
                Err(ParseError::CONNECT_NEEDS_AUTHORITY),
            ),
            (
                "CONNECT",
                "example.com:0",
                true,
                true,
                Err(ParseError::CONNECT_NEEDS_AUTHORITY),
            ),
            (
                "CONNECT",
                "example.com:65536",
                true,
                true,
                Err(ParseError::CONNECT_NEEDS_AUTHORITY),
            ),
            (
                "CONNECT",
                "example.com:x",
                true,
                true,
                Err(ParseError::CONNECT_NEEDS_AUTHORITY),
            ),
            (
                "CONNECT",
                "example.com:",
                true,
                true,
                Err(ParseError::CONNECT_NEEDS_AUTHORITY),
            ),
            (
                "CONNECT",
                ":443",
                true,
                true,
                Err(ParseError::CONNECT_NEEDS_AUTHORITY),
            ),
            (
                "CONNECT",
                "u@h:443",
                true,
                true,
                Err(ParseError::CONNECT_NEEDS_AUTHORITY),
            ),
            (
                "CONNECT",
                "h:443/",
                true,
                true,
                Err(ParseError::CONNECT_NEEDS_AUTHORITY),
            ),
            (
                "CONNECT",
                "http://h:443",
                true,
                true,
                Err(ParseError::CONNECT_NEEDS_AUTHORITY),
            ),
            (
                "CONNECT",
                "[::1]",
                true,
                true,
                Err(ParseError::CONNECT_NEEDS_AUTHORITY),
            ),
            (
                "CONNECT",
                "a:b:443",
                true,
                true,
                Err(ParseError::CONNECT_NEEDS_AUTHORITY),
            ),
        ]);
    }

    #[test]
    fn proxy_and_lenient_modes() {
        check(&[
            (
                "GET",
                "http://google.com/a%20b?q=1",
                true,
                true,
                Ok((Absolute, Some("http"), Some("google.com"), b"/a b", "q=1")),
            ),
            (
                "GET",
                "HTTP://Google.com",
                true,
                true,
                Ok((Absolute, Some("http"), Some("Google.com"), b"/", "")),
            ),
            (
                "GET",
                "//foo/bar",
                true,
                true,
                Ok((Absolute, None, Some("foo"), b"/bar", "")),
            ),
            // An origin server takes the absolute-form too (RFC 9112
            // section 3.2.2): the path and query are used, decoded as usual.
            (
                "GET",
                "http://host/echo%20x?q=1",
                false,
                true,
                Ok((Absolute, Some("http"), Some("host"), b"/echo x", "q=1")),
            ),
            (
                "POST",
                "HTTPS://Host:8443",
                false,
                true,
                Ok((Absolute, Some("https"), Some("Host:8443"), b"/", "")),
            ),
            // strict_mode=false: absolute URIs and paths without a slash are let through.
            (
                "GET",
                "http://google.com/x",
                false,
                false,
                Ok((Absolute, Some("http"), Some("google.com"), b"/x", "")),
            ),
            (
                "GET",
                "hello%20there",
                false,
                false,
                Ok((Origin, None, None, b"/hello there", "")),
            ),
            (
                "GET",
                "*",
                false,
                false,
                Ok((Asterisk, None, None, b"/*", "")),
            ),
            ("GET", "/x#y", false, false, Err(ParseError::FRAGMENT)),
            // In proxy mode a relative target still needs its slash in strict mode.
            (
                "GET",
                "hello",
                true,
                true,
                Err(ParseError::NO_LEADING_SLASH),
            ),
        ]);
    }

    #[test]
    fn shortcut_agrees_with_the_full_analysis() {
        // Every target the shortcut takes must come out as the full analysis plans it; the
        // others must be left to it.
        let targets = [
            "/",
            "/hello",
            "/a?b=c",
            "/a?b?c",
            "/?",
            "/a:b",
            "/a/b/",
            "/a%20b",
            "/a#b",
            "//h/p",
            "/a b",
            "/\x7f",
            "/é",
            "*",
            "hello",
            "http://h/p",
            "/a?b%20c",
            "/a?b#c",
            "/@x:1",
        ];
        let mut taken = 0;
        for raw in targets {
            for method in ["GET", "POST", "OPTIONS", "CONNECT", "FOO"] {
                let method = Method::from_bytes(method.as_bytes()).unwrap();
                let bytes = raw.as_bytes();
                let Some(short) = plain_origin_form(&method, bytes) else {
                    continue;
                };
                taken += 1;
                for (proxy, strict) in [(false, true), (true, true), (false, false), (true, false)]
                {
                    let full = analyze_in_full(&method, bytes, proxy, strict);
                    assert_eq!(
                        Ok(short.view(bytes)),
                        full.as_ref().map(|plan| plan.view(bytes)).map_err(|e| *e),
                        "{method} {raw} proxy={proxy} strict={strict}"
                    );
                }
            }
        }
        assert_eq!(
            taken,
            3 * 8,
            "the shortcut takes the plain targets for GET, POST, FOO"
        );
    }
}
