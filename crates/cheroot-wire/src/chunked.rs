//! The decoder of a chunked request body (RFC 9112 §7.1): a push state machine that hands out
//! chunk data as it arrives, skips extensions, and consumes and keeps the trailer section.
//!
//! cheroot's `ChunkedRFile` leaves the trailers unread (so a pipelined request after them is
//! "Malformed Request-Line") and turns a bad chunk size into a 500
//! (docs/cheroot-reference.md#chunked-trailers-unread, #chunked-bad-size-500); here the body is
//! consumed to its last byte and every framing error is a 400 with a short reason.

use crate::chunk_ext::{ChunkExt, ExtStep};
use crate::field_syntax::{is_field_value, is_token, trim_ows};
use crate::{Headers, ParseError, SizeCheck};

/// Longest run of chunk-size hex digits: 16 digits always fit in a `u64`, so a longer size
/// (even `0000000000000000005`) is refused instead of being checked for overflow.
const MAX_SIZE_DIGITS: u8 = 16;
/// Longest extension part (whitespace, `;` and what follows) of one chunk-size line.
const MAX_EXTENSION_LINE: usize = 4 * 1024;
/// Most extension bytes over a whole body: extensions are skipped but still cost a read, and a
/// stream of one-byte chunks with large extensions must not cost more than a bounded amount.
const MAX_EXTENSION_TOTAL: usize = 64 * 1024;
/// Default bound on the trailer section, final empty line included.
pub const DEFAULT_MAX_TRAILER_SIZE: usize = 16 * 1024;

const BAD_CHUNK_SIZE: ParseError = ParseError::new(400, "Bad chunk size");
const MISSING_CRLF_AFTER_SIZE: ParseError = ParseError::new(400, "Missing CRLF after chunk size");
const MISSING_CRLF_AFTER_DATA: ParseError = ParseError::new(400, "Missing CRLF after chunk data");
const BAD_EXTENSION: ParseError = ParseError::new(400, "Bad chunk extension");
const EXTENSION_TOO_LONG: ParseError = ParseError::new(400, "Chunk extension too long");
const BAD_TRAILER: ParseError = ParseError::new(400, "Bad chunk trailer");
const MISSING_CRLF_AFTER_TRAILER: ParseError =
    ParseError::new(400, "Missing CRLF after chunk trailer");
const TRAILERS_TOO_LARGE: ParseError = ParseError::new(400, "Chunk trailers too large");

/// What one call of [`ChunkedDecoder::decode`] produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodedChunk<'a> {
    /// Body bytes (never empty). More may follow: call again with the rest of the buffer.
    Data(&'a [u8]),
    /// Every byte given was consumed and the body is not finished: read more and call again.
    Partial,
    /// The last chunk and the trailer section have been consumed; the bytes after the consumed
    /// count belong to the next request.
    Done,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Reading the hex digits of a chunk size (`digits` read so far).
    Size { value: u64, digits: u8 },
    /// Whitespace after the size: only more whitespace or `;` may follow (BWS of `chunk-ext`).
    SizeSpace { value: u64 },
    /// Inside the chunk extensions, checked against their grammar up to the CR.
    Extension { value: u64, ext: ChunkExt },
    /// After the CR of the size line.
    SizeLf { value: u64 },
    /// Inside chunk data.
    Data { remaining: u64 },
    /// After chunk data: the CR.
    DataCr,
    /// After chunk data: the LF.
    DataLf,
    /// Inside the trailer section (after the last chunk's size line).
    Trailer,
    /// The body is complete.
    Done,
    /// A framing error; every later call repeats it.
    Failed(ParseError),
}

/// A push decoder for a `Transfer-Encoding: chunked` body.
///
/// Feed it the bytes after the request head; it returns body data as slices of the input, so it
/// never copies or allocates for the body itself (only the trailer section is buffered, within
/// its bound). The result is the same however the input is split across calls.
///
/// ```
/// use cheroot_wire::{ChunkedDecoder, DecodedChunk};
///
/// let mut decoder = ChunkedDecoder::new();
/// let mut input: &[u8] = b"5\r\nhello\r\n0\r\nExpires: never\r\n\r\nGET /next";
/// let mut body = Vec::new();
/// loop {
///     let (chunk, used) = decoder.decode(input)?;
///     input = &input[used..];
///     match chunk {
///         DecodedChunk::Data(data) => body.extend_from_slice(data),
///         DecodedChunk::Partial => unreachable!("the whole body is in the buffer"),
///         DecodedChunk::Done => break,
///     }
/// }
/// assert_eq!(body, b"hello");
/// assert_eq!(input, b"GET /next");
/// assert_eq!(decoder.trailers().get_all("expires").next(), Some(&b"never"[..]));
/// # Ok::<(), cheroot_wire::ParseError>(())
/// ```
#[derive(Debug, Clone)]
pub struct ChunkedDecoder {
    state: State,
    /// Extension bytes of the current size line.
    extension_line: usize,
    /// Extension bytes over the whole body.
    extension_total: usize,
    /// The trailer line being assembled (a line may arrive in pieces).
    trailer_line: Vec<u8>,
    /// Bytes of the trailer section so far.
    trailer_total: usize,
    max_trailer_size: usize,
    trailers: Headers,
    /// The body's size limit, checked against each chunk size as its digits arrive.
    body_limit: SizeCheck,
}

impl Default for ChunkedDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl ChunkedDecoder {
    /// A decoder at the start of a chunked body, with a trailer section bounded by
    /// [`DEFAULT_MAX_TRAILER_SIZE`].
    pub fn new() -> Self {
        Self {
            state: State::Size {
                value: 0,
                digits: 0,
            },
            extension_line: 0,
            extension_total: 0,
            trailer_line: Vec::new(),
            trailer_total: 0,
            max_trailer_size: DEFAULT_MAX_TRAILER_SIZE,
            trailers: Headers::new(),
            body_limit: SizeCheck::new(0),
        }
    }

    /// Sets the most body bytes the chunks may add up to (`0`, the default, for no limit).
    /// A chunk size that would pass it is refused with 413 as soon as its digits say so,
    /// before any of its data is read: a client announcing a huge chunk is answered at once,
    /// not after it has sent (or failed to send) the bytes.
    pub fn with_max_body_size(mut self, max: u64) -> Self {
        self.body_limit = SizeCheck::new(max);
        self
    }

    /// Sets the bound on the trailer section: its bytes, the final empty line included, so at
    /// least 2 (a smaller value is raised to 2, which allows no trailer fields).
    pub fn with_max_trailer_size(mut self, max: usize) -> Self {
        self.max_trailer_size = max.max(2);
        self
    }

    /// Decodes from the start of `buf`: returns what was found and how many bytes of `buf` it
    /// used. Call again with the bytes after the consumed count until [`DecodedChunk::Done`].
    ///
    /// # Errors
    ///
    /// 400 with a short reason ("Bad chunk size", "Missing CRLF after chunk data", ...) for any
    /// framing error: a size that is empty, not hex, longer than 16 digits or followed by
    /// garbage; a bare LF or a missing CRLF; an extension outside the grammar of RFC 9112
    /// §7.1.1 or too many bytes of extensions; a trailer field that is not `token ":" value` or
    /// a trailer section over its bound. 413 for chunks over
    /// [`with_max_body_size`](Self::with_max_body_size). After
    /// an error the decoder returns the same error forever: the connection must be closed.
    pub fn decode<'a>(&mut self, buf: &'a [u8]) -> Result<(DecodedChunk<'a>, usize), ParseError> {
        let mut at = 0;
        loop {
            match self.state {
                State::Done => return Ok((DecodedChunk::Done, at)),
                State::Failed(err) => return Err(err),
                _ if at == buf.len() => return Ok((DecodedChunk::Partial, at)),
                State::Data { remaining } => {
                    let available = buf.len() - at;
                    let take = usize::try_from(remaining).map_or(available, |r| r.min(available));
                    let left = remaining - take as u64;
                    self.state = if left == 0 {
                        State::DataCr
                    } else {
                        State::Data { remaining: left }
                    };
                    return Ok((DecodedChunk::Data(&buf[at..at + take]), at + take));
                }
                State::Trailer => match self.trailer(&buf[at..]) {
                    Ok(used) => at += used,
                    Err(err) => return Err(self.fail(err)),
                },
                _ => {
                    let byte = buf[at];
                    at += 1;
                    if let Err(err) = self.step(byte) {
                        return Err(self.fail(err));
                    }
                }
            }
        }
    }

    /// The trailer fields, in the order received (complete once [`DecodedChunk::Done`] has been
    /// returned).
    pub fn trailers(&self) -> &Headers {
        &self.trailers
    }

    /// Takes the trailer fields out of the decoder.
    pub fn take_trailers(&mut self) -> Headers {
        std::mem::take(&mut self.trailers)
    }

    /// Whether the whole body, trailers included, has been consumed.
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    fn fail(&mut self, err: ParseError) -> ParseError {
        self.state = State::Failed(err);
        err
    }

    /// Advances the size-line and data-end states by one byte.
    fn step(&mut self, byte: u8) -> Result<(), ParseError> {
        self.state = match (self.state, byte) {
            (State::Size { value, digits }, _) if hex_value(byte).is_some() => {
                if digits == MAX_SIZE_DIGITS {
                    return Err(BAD_CHUNK_SIZE);
                }
                let digit = u64::from(hex_value(byte).unwrap_or(0));
                let value = value << 4 | digit;
                // More digits only make the size larger: refuse it as soon as it is too large.
                self.body_limit
                    .check_declared(self.body_limit.seen().saturating_add(value))?;
                State::Size {
                    value,
                    digits: digits + 1,
                }
            }
            // An empty size, a sign, `0x`, leading whitespace: not a chunk size.
            (State::Size { digits: 0, .. }, _) => return Err(BAD_CHUNK_SIZE),
            (State::Size { value, .. } | State::SizeSpace { value }, b' ' | b'\t') => {
                self.count_extension_byte()?;
                State::SizeSpace { value }
            }
            (State::Size { value, .. } | State::SizeSpace { value }, b';') => {
                self.count_extension_byte()?;
                State::Extension {
                    value,
                    ext: ChunkExt::BeforeName,
                }
            }
            (State::Size { value, .. }, b'\r') => State::SizeLf { value },
            (State::Size { .. } | State::Extension { .. }, b'\n') => {
                return Err(MISSING_CRLF_AFTER_SIZE);
            }
            (State::Size { .. } | State::SizeSpace { .. }, _) => return Err(BAD_CHUNK_SIZE),
            (State::Extension { value, ext }, _) => match ext.step(byte) {
                ExtStep::Next(ext) => {
                    self.count_extension_byte()?;
                    State::Extension { value, ext }
                }
                ExtStep::End => State::SizeLf { value },
                ExtStep::Invalid => return Err(BAD_EXTENSION),
            },
            (State::SizeLf { value: 0 }, b'\n') => State::Trailer,
            (State::SizeLf { value }, b'\n') => {
                self.body_limit.add(value)?;
                State::Data { remaining: value }
            }
            (State::SizeLf { .. }, _) => return Err(MISSING_CRLF_AFTER_SIZE),
            (State::DataCr, b'\r') => State::DataLf,
            (State::DataLf, b'\n') => {
                self.extension_line = 0;
                State::Size {
                    value: 0,
                    digits: 0,
                }
            }
            (State::DataCr | State::DataLf, _) => return Err(MISSING_CRLF_AFTER_DATA),
            // `decode` handles these states itself and never steps them.
            (State::Data { .. } | State::Trailer | State::Done | State::Failed(_), _) => self.state,
        };
        Ok(())
    }

    fn count_extension_byte(&mut self) -> Result<(), ParseError> {
        self.extension_line += 1;
        self.extension_total += 1;
        if self.extension_line > MAX_EXTENSION_LINE || self.extension_total > MAX_EXTENSION_TOTAL {
            return Err(EXTENSION_TOO_LONG);
        }
        Ok(())
    }

    /// Consumes trailer-section bytes from the start of `buf` (which is not empty), up to and
    /// including the end of one line; returns how many were used.
    fn trailer(&mut self, buf: &[u8]) -> Result<usize, ParseError> {
        let newline = buf.iter().position(|&b| b == b'\n');
        let used = newline.map_or(buf.len(), |at| at + 1);
        self.trailer_total = self.trailer_total.saturating_add(used);
        if self.trailer_total > self.max_trailer_size {
            return Err(TRAILERS_TOO_LARGE);
        }
        self.trailer_line.extend_from_slice(&buf[..used]);
        if newline.is_none() {
            return Ok(used);
        }
        let Some(line) = self.trailer_line.strip_suffix(b"\r\n") else {
            return Err(MISSING_CRLF_AFTER_TRAILER);
        };
        if line.is_empty() {
            self.state = State::Done;
            self.trailer_line = Vec::new();
            return Ok(used);
        }
        // `token ":" OWS value OWS`: no space before the colon, no obs-fold (a line starting
        // with whitespace has no token name), the value field text (no control byte but HTAB).
        let colon = line.iter().position(|&b| b == b':').ok_or(BAD_TRAILER)?;
        let (name, value) = (&line[..colon], trim_ows(&line[colon + 1..]));
        if !is_token(name) || !is_field_value(value) {
            return Err(BAD_TRAILER);
        }
        self.trailers.push(name, value);
        self.trailer_line.clear();
        Ok(used)
    }
}

/// The value of one hex digit (either case).
const fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What decoding a whole input gives: the body, the trailers as (name, value) pairs and the
    /// bytes left for the next request, or the error.
    type Outcome = Result<(Vec<u8>, Vec<(Vec<u8>, Vec<u8>)>, Vec<u8>), ParseError>;

    /// Feeds `pieces` in order, the way reads from a socket would arrive.
    fn decode_pieces(decoder: &mut ChunkedDecoder, pieces: &[&[u8]]) -> Option<Outcome> {
        let mut body = Vec::new();
        for (index, piece) in pieces.iter().enumerate() {
            let mut at = 0;
            // Each call consumes at least one byte or ends the piece, so this is bounded.
            for _ in 0..=piece.len() {
                let (chunk, used) = match decoder.decode(&piece[at..]) {
                    Ok(result) => result,
                    Err(err) => return Some(Err(err)),
                };
                at += used;
                match chunk {
                    DecodedChunk::Data(data) => {
                        assert!(!data.is_empty(), "empty Data");
                        body.extend_from_slice(data);
                    }
                    DecodedChunk::Partial => {
                        assert_eq!(at, piece.len(), "Partial must consume everything");
                        break;
                    }
                    DecodedChunk::Done => {
                        let mut rest = piece[at..].to_vec();
                        for later in &pieces[index + 1..] {
                            rest.extend_from_slice(later);
                        }
                        let trailers = decoder
                            .trailers()
                            .iter()
                            .map(|f| (f.name().to_vec(), f.value().to_vec()))
                            .collect();
                        return Some(Ok((body, trailers, rest)));
                    }
                }
            }
        }
        None
    }

    fn decode_whole(input: &[u8]) -> Option<Outcome> {
        decode_pieces(&mut ChunkedDecoder::new(), &[input])
    }

    /// Checks that every split point, and byte-by-byte feeding, gives the whole-input result.
    fn assert_split_invariant(input: &[u8]) {
        let whole = decode_whole(input);
        for split in 0..=input.len() {
            let got = decode_pieces(
                &mut ChunkedDecoder::new(),
                &[&input[..split], &input[split..]],
            );
            assert_eq!(
                got,
                whole,
                "split at {split} of {:?}",
                String::from_utf8_lossy(input)
            );
        }
        let bytes: Vec<&[u8]> = input.chunks(1).collect();
        assert_eq!(
            decode_pieces(&mut ChunkedDecoder::new(), &bytes),
            whole,
            "byte by byte"
        );
    }

    fn ok(body: &[u8], rest: &[u8]) -> Option<Outcome> {
        Some(Ok((body.to_vec(), Vec::new(), rest.to_vec())))
    }

    fn err(reason: &'static str) -> Option<Outcome> {
        Some(Err(ParseError::new(400, reason)))
    }

    #[test]
    fn well_formed_bodies() {
        // test_conn.py::test_Chunked_Encoding (xfail upstream, #69): its body, de-chunked.
        let cases: &[(&[u8], Option<Outcome>)] = &[
            (
                b"8;key=value\r\nxx\r\nxxxx\r\n5\r\nyyyyy\r\n0\r\nContent-Type: application/json\r\n\r\n",
                Some(Ok((
                    b"xx\r\nxxxxyyyyy".to_vec(),
                    vec![(b"Content-Type".to_vec(), b"application/json".to_vec())],
                    Vec::new(),
                ))),
            ),
            (b"0\r\n\r\n", ok(b"", b"")),
            (b"5\r\nhello\r\n0\r\n\r\nGET / HTTP/1.1\r\n", ok(b"hello", b"GET / HTTP/1.1\r\n")),
            (b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", ok(b"hello world", b"")),
            (b"A\r\n0123456789\r\n0\r\n\r\n", ok(b"0123456789", b"")),
            (b"a\r\n0123456789\r\n0\r\n\r\n", ok(b"0123456789", b"")),
            (b"000001\r\nx\r\n000\r\n\r\n", ok(b"x", b"")),
            (b"0000000000000001\r\nx\r\n0\r\n\r\n", ok(b"x", b"")),
            (b"1;a\r\nx\r\n0;b=\"c;d\"\r\n\r\n", ok(b"x", b"")),
            (b"1 ;a=b\r\nx\r\n0\t; last\r\n\r\n", ok(b"x", b"")),
            (
                b"3\r\nabc\r\n0\r\nA: 1\r\nb-2:\t two \r\nEmpty:\r\n\r\nrest",
                Some(Ok((
                    b"abc".to_vec(),
                    vec![
                        (b"A".to_vec(), b"1".to_vec()),
                        (b"b-2".to_vec(), b"two".to_vec()),
                        (b"Empty".to_vec(), b"".to_vec()),
                    ],
                    b"rest".to_vec(),
                ))),
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(
                &decode_whole(input),
                expected,
                "{:?}",
                String::from_utf8_lossy(input)
            );
            assert_split_invariant(input);
        }
    }

    #[test]
    fn incomplete_bodies_stay_partial() {
        for input in [
            &b""[..],
            b"5",
            b"5\r",
            b"5\r\nhel",
            b"5\r\nhello",
            b"5\r\nhello\r",
            b"5\r\nhello\r\n0",
            b"5\r\nhello\r\n0\r\n",
            b"5\r\nhello\r\n0\r\nA: b\r\n",
            b"5\r\nhello\r\n0\r\nA: b\r\n\r",
        ] {
            assert_eq!(
                decode_whole(input),
                None,
                "{:?}",
                String::from_utf8_lossy(input)
            );
            assert_split_invariant(input);
        }
    }

    #[test]
    fn bad_chunk_sizes() {
        for input in [
            &b"\r\n\r\n"[..],
            b"x\r\n",
            b"0x5\r\nhello\r\n0\r\n\r\n",
            b"-5\r\n",
            b"+5\r\n",
            b" 5\r\n",
            b"5 \r\nhello\r\n0\r\n\r\n",
            b"5 5\r\n",
            b"5g\r\n",
            b"5\"\r\n",
            b";ext\r\n",
            b"00000000000000001\r\n",
            b"1ffffffffffffffff\r\n",
            b"5\r\nhello\r\nz\r\n",
        ] {
            assert_eq!(
                decode_whole(input),
                err("Bad chunk size"),
                "{:?}",
                String::from_utf8_lossy(input)
            );
            assert_split_invariant(input);
        }
    }

    #[test]
    fn largest_chunk_size_is_accepted() {
        let mut decoder = ChunkedDecoder::new();
        let (chunk, used) = decoder.decode(b"ffffffffffffffff\r\nabc").unwrap();
        assert_eq!((chunk, used), (DecodedChunk::Data(b"abc"), 21));
        assert_eq!(
            decoder.state,
            State::Data {
                remaining: u64::MAX - 3
            }
        );
    }

    #[test]
    fn missing_crlf() {
        // Bare LF anywhere in the framing is refused (RFC 9112 §7.1 requires CRLF).
        let cases: &[(&[u8], &str)] = &[
            (b"5\nhello\r\n0\r\n\r\n", "Missing CRLF after chunk size"),
            (b"5;a\nhello\r\n0\r\n\r\n", "Missing CRLF after chunk size"),
            (b"5\rhello\r\n0\r\n\r\n", "Missing CRLF after chunk size"),
            (b"5\r\nhello\n0\r\n\r\n", "Missing CRLF after chunk data"),
            (b"5\r\nhelloX\r\n0\r\n\r\n", "Missing CRLF after chunk data"),
            (b"5\r\nhello\rX0\r\n\r\n", "Missing CRLF after chunk data"),
            (b"3\r\nhello\r\n0\r\n\r\n", "Missing CRLF after chunk data"),
            (b"5\r\nhello\r\n0\n\r\n", "Missing CRLF after chunk size"),
            (b"5\r\nhello\r\n0\r\n\n", "Missing CRLF after chunk trailer"),
            (
                b"5\r\nhello\r\n0\r\nA: b\n\r\n",
                "Missing CRLF after chunk trailer",
            ),
        ];
        for (input, reason) in cases {
            assert_eq!(
                decode_whole(input),
                err(reason),
                "{:?}",
                String::from_utf8_lossy(input)
            );
            assert_split_invariant(input);
        }
    }

    #[test]
    fn bad_extensions() {
        let long = [
            b"1;".as_slice(),
            &[b'a'; MAX_EXTENSION_LINE],
            b"\r\nx\r\n0\r\n\r\n",
        ]
        .concat();
        let long_space = [b"1".as_slice(), &[b' '; MAX_EXTENSION_LINE + 1], b";\r\n"].concat();
        let cases: &[(&[u8], &str)] = &[
            (b"1;a\0b\r\nx\r\n0\r\n\r\n", "Bad chunk extension"),
            (b"1;a\x7f\r\nx\r\n0\r\n\r\n", "Bad chunk extension"),
            (b"1;a\x01\r\nx\r\n0\r\n\r\n", "Bad chunk extension"),
            // RFC 9112 §7.1.1: a name is a token; a quoted value ends before the line does.
            (b"5;\r\nhello\r\n0\r\n\r\n", "Bad chunk extension"),
            (b"5;=x\r\nhello\r\n0\r\n\r\n", "Bad chunk extension"),
            (
                b"5;a=\"unterminated\r\nhello\r\n0\r\n\r\n",
                "Bad chunk extension",
            ),
            (b"1;\xe9\r\nx\r\n0\r\n\r\n", "Bad chunk extension"),
            (b"1;a \r\nx\r\n0\r\n\r\n", "Bad chunk extension"),
            (&long, "Chunk extension too long"),
            (&long_space, "Chunk extension too long"),
        ];
        for (input, reason) in cases {
            assert_eq!(
                decode_whole(input),
                err(reason),
                "{:?}",
                String::from_utf8_lossy(input)
            );
            if input.len() < 64 {
                assert_split_invariant(input);
            }
        }
        // One byte under the bound is fine.
        let fits = [
            b"1;".as_slice(),
            &[b'a'; MAX_EXTENSION_LINE - 1],
            b"\r\nx\r\n0\r\n\r\n",
        ]
        .concat();
        assert_eq!(decode_whole(&fits), ok(b"x", b""));
    }

    #[test]
    fn chunk_sizes_over_the_body_limit_are_refused_before_their_data() {
        let too_large = Some(Err(ParseError::new(
            413,
            "The entity sent with the request exceeds the maximum allowed bytes.",
        )));
        let limited = |max: u64, input: &[u8]| {
            decode_pieces(&mut ChunkedDecoder::new().with_max_body_size(max), &[input])
        };
        // The size line alone decides: no data, not even its CRLF, is needed.
        assert_eq!(limited(2_097_152, b"200001"), too_large);
        assert_eq!(limited(2_097_152, b"200001\r\n"), too_large);
        assert_eq!(limited(2_097_152, b"200000\r\n"), None);
        assert_eq!(limited(2_097_152, b"ffffffffffffffff"), too_large);
        // Chunks add up: the second one passes the limit.
        assert_eq!(limited(8, b"5\r\nhello\r\n4\r\n"), too_large);
        assert_eq!(
            limited(8, b"5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n"),
            ok(b"helloabc", b"")
        );
        // 0 is no limit, as everywhere else.
        assert_eq!(limited(0, b"ffffffffffffffff\r\n"), None);
    }

    #[test]
    fn extensions_are_bounded_over_the_whole_body() {
        let per_chunk = [b"1;".as_slice(), &[b'e'; 1023], b"\r\nx\r\n"].concat();
        let chunks = MAX_EXTENSION_TOTAL / 1024 + 1;
        let input = [per_chunk.repeat(chunks), b"0\r\n\r\n".to_vec()].concat();
        assert_eq!(decode_whole(&input), err("Chunk extension too long"));
        let input = [per_chunk.repeat(chunks - 1), b"0\r\n\r\n".to_vec()].concat();
        assert_eq!(decode_whole(&input), ok(&vec![b'x'; chunks - 1], b""));
    }

    #[test]
    fn bad_trailers() {
        for input in [
            &b"0\r\nNo colon\r\n\r\n"[..],
            b"0\r\nSpace before : colon\r\n\r\n",
            b"0\r\nName : v\r\n\r\n",
            b"0\r\n: no name\r\n\r\n",
            b"0\r\nA: b\r\n folded\r\n\r\n",
            b"0\r\n\tA: b\r\n\r\n",
            b"0\r\nA: b\rc\r\n\r\n",
            b"0\r\nA: b\0c\r\n\r\n",
            b"0\r\nB\xe9d: c\r\n\r\n",
        ] {
            assert_eq!(
                decode_whole(input),
                err("Bad chunk trailer"),
                "{:?}",
                String::from_utf8_lossy(input)
            );
            assert_split_invariant(input);
        }
    }

    #[test]
    fn trailers_are_bounded() {
        let field = b"X-Trailer: 0123456789012345678901234567890123456789\r\n";
        let too_many = [
            b"0\r\n".to_vec(),
            field.repeat(DEFAULT_MAX_TRAILER_SIZE / field.len() + 1),
            b"\r\n".to_vec(),
        ]
        .concat();
        assert_eq!(decode_whole(&too_many), err("Chunk trailers too large"));
        let endless = [
            b"0\r\nX: ".as_slice(),
            &[b'a'; DEFAULT_MAX_TRAILER_SIZE + 1],
        ]
        .concat();
        assert_eq!(decode_whole(&endless), err("Chunk trailers too large"));

        // Exactly at the bound is accepted.
        let mut decoder = ChunkedDecoder::new().with_max_trailer_size(8);
        assert_eq!(
            decode_pieces(&mut decoder, &[b"0\r\nA: b\r\n\r\n"]),
            Some(Ok((
                Vec::new(),
                vec![(b"A".to_vec(), b"b".to_vec())],
                Vec::new()
            )))
        );
        let mut decoder = ChunkedDecoder::new().with_max_trailer_size(0);
        assert_eq!(decode_pieces(&mut decoder, &[b"0\r\n\r\n"]), ok(b"", b""));
        let mut decoder = ChunkedDecoder::new().with_max_trailer_size(0);
        assert_eq!(
            decode_pieces(&mut decoder, &[b"0\r\nA:\r\n\r\n"]),
            err("Chunk trailers too large")
        );
        let mut decoder = ChunkedDecoder::new().with_max_trailer_size(7);
        assert_eq!(
            decode_pieces(&mut decoder, &[b"0\r\nA: b\r\n\r\n"]),
            err("Chunk trailers too large")
        );
    }

    #[test]
    fn errors_and_done_are_sticky() {
        let mut decoder = ChunkedDecoder::new();
        assert_eq!(decoder.decode(b"z"), Err(BAD_CHUNK_SIZE));
        assert_eq!(
            decoder.decode(b"5\r\nhello\r\n0\r\n\r\n"),
            Err(BAD_CHUNK_SIZE)
        );

        let mut decoder = ChunkedDecoder::new();
        assert_eq!(
            decoder.decode(b"0\r\nA: b\r\n\r\nnext"),
            Ok((DecodedChunk::Done, 11))
        );
        assert!(decoder.is_done());
        assert_eq!(decoder.decode(b"next"), Ok((DecodedChunk::Done, 0)));
        assert_eq!(decoder.take_trailers().len(), 1);
        assert!(decoder.trailers().is_empty());
    }

    #[test]
    fn pipelined_request_after_trailers_is_untouched() {
        // cheroot-reference chunked-trailers-unread: cheroot leaves the trailers unread, so the
        // next request on the connection is "Malformed Request-Line". We consume them.
        let input =
            b"4\r\nWiki\r\n0\r\nChecksum: abc\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\n\r\n";
        let (body, trailers, rest) = decode_whole(input).unwrap().unwrap();
        assert_eq!(body, b"Wiki");
        assert_eq!(trailers, vec![(b"Checksum".to_vec(), b"abc".to_vec())]);
        assert_eq!(rest, b"GET /second HTTP/1.1\r\nHost: x\r\n\r\n");
    }

    #[test]
    fn smuggling_payloads() {
        // RFC 9112 §11.2: the chunked side of CL.TE / TE.CL desyncs and chunk-size tricks.
        // TE.CL: a front end honouring a small Content-Length would stop inside this chunk and
        // take the smuggled request as the next one; we read the chunk whole.
        let smuggled = b"GPOST / HTTP/1.1\r\nContent-Type: x\r\nContent-Length: 15\r\n\r\nx=1";
        let te_cl = [
            format!("{:x}\r\n", smuggled.len()).as_bytes(),
            smuggled,
            b"\r\n0\r\n\r\n",
        ]
        .concat();
        let cases: &[(&[u8], Option<Outcome>)] = &[
            (&te_cl, ok(smuggled, b"")),
            // The size is parsed in full, never truncated to its low bits.
            (
                b"10000000000000005\r\nhello\r\n0\r\n\r\n",
                err("Bad chunk size"),
            ),
            (b"0x5\r\nhello\r\n0\r\n\r\n", err("Bad chunk size")),
            (
                b"5\r\nhello\r\n0\r\nTransfer-Encoding: chunked\r\n\r\nrest",
                Some(Ok((
                    b"hello".to_vec(),
                    vec![(b"Transfer-Encoding".to_vec(), b"chunked".to_vec())],
                    b"rest".to_vec(),
                ))),
            ),
            (
                b"5\r\nhello\n0\r\n\r\n",
                err("Missing CRLF after chunk data"),
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(
                &decode_whole(input),
                expected,
                "{:?}",
                String::from_utf8_lossy(input)
            );
            assert_split_invariant(input);
        }
    }

    /// A small deterministic generator (xorshift64), so that failures are reproducible.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn random_framing_soup_is_split_invariant() {
        // Fragments of chunked syntax in random order: mostly invalid input, which must give
        // the same error (or the same result) however it is split, and never panic.
        let fragments: &[&[u8]] = &[
            b"0",
            b"1",
            b"5",
            b"a",
            b"F",
            b"\r\n",
            b"\r",
            b"\n",
            b";",
            b"x=y",
            b" ",
            b"\t",
            b"hello",
            b"A: b",
            b":",
            b"\0",
            b"g",
            b"ffffffffffffffff",
            b"\r\n\r\n",
            b"0\r\n",
        ];
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..400 {
            let mut input = Vec::new();
            for _ in 0..rng.below(12) {
                input.extend_from_slice(fragments[rng.below(fragments.len())]);
            }
            assert_split_invariant(&input);
        }
    }

    #[test]
    fn random_valid_bodies_round_trip() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        for case in 0..200 {
            let mut input = Vec::new();
            let mut body = Vec::new();
            for _ in 0..rng.below(5) {
                let len = 1 + rng.below(40);
                let data: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
                let size = if rng.below(2) == 0 {
                    format!("{len:x}")
                } else {
                    format!("{len:X}")
                };
                input.extend_from_slice(size.as_bytes());
                if rng.below(3) == 0 {
                    input.extend_from_slice(b" ; name=\"q;v\"");
                }
                input.extend_from_slice(b"\r\n");
                input.extend_from_slice(&data);
                input.extend_from_slice(b"\r\n");
                body.extend_from_slice(&data);
            }
            input.extend_from_slice(b"0\r\n");
            let mut trailers = Vec::new();
            for t in 0..rng.below(3) {
                let (name, value) = (format!("X-T{t}"), format!("v{}", rng.below(1000)));
                input.extend_from_slice(format!("{name}:  {value} \r\n").as_bytes());
                trailers.push((name.into_bytes(), value.into_bytes()));
            }
            input.extend_from_slice(b"\r\nNEXT");
            let expected = Some(Ok((body, trailers, b"NEXT".to_vec())));
            assert_eq!(decode_whole(&input), expected, "case {case}");
            // Three random cuts into four pieces.
            let mut cuts = [
                rng.below(input.len() + 1),
                rng.below(input.len() + 1),
                rng.below(input.len() + 1),
            ];
            cuts.sort_unstable();
            let pieces = [
                &input[..cuts[0]],
                &input[cuts[0]..cuts[1]],
                &input[cuts[1]..cuts[2]],
                &input[cuts[2]..],
            ];
            assert_eq!(
                decode_pieces(&mut ChunkedDecoder::new(), &pieces),
                expected,
                "case {case} cuts {cuts:?}"
            );
        }
    }
}
