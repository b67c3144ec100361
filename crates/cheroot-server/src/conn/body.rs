//! Decoding a request body out of the connection's read buffer, one piece at a time, with the
//! size limit applied as the bytes arrive.

use bytes::Bytes;
use cheroot_makefile::StreamReader;
use cheroot_wire::{BodyFraming, ChunkedDecoder, DecodedChunk, LengthDecoder, ParseError};

/// What the next decoding step produced.
#[derive(Debug)]
pub(super) enum Step {
    /// A piece of body.
    Data(Bytes),
    /// The buffer holds no more body: read from the socket and call again.
    NeedMore,
    /// The body ended (trailers of a chunked body consumed).
    Done,
    /// The body is malformed or over the limit.
    Error(ParseError),
}

enum Kind {
    Length(LengthDecoder),
    Chunked(Box<ChunkedDecoder>),
    Finished,
    Failed(ParseError),
}

/// The body decoder of one request.
pub(super) struct BodyDecoder {
    kind: Kind,
    declared: Option<u64>,
}

impl std::fmt::Debug for BodyDecoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BodyDecoder")
            .field("declared", &self.declared)
            .finish_non_exhaustive()
    }
}

impl BodyDecoder {
    /// A decoder for `framing`, enforcing `max` body bytes (0 = no limit) on each chunk size
    /// as it arrives; a declared length is checked by the caller before the body is read.
    pub(super) fn new(framing: BodyFraming, max: u64) -> Self {
        let (kind, declared) = match framing {
            BodyFraming::Empty => (Kind::Finished, Some(0)),
            BodyFraming::Length(0) => (Kind::Finished, Some(0)),
            BodyFraming::Length(n) => (Kind::Length(LengthDecoder::new(n)), Some(n)),
            BodyFraming::Chunked => {
                let decoder = ChunkedDecoder::new().with_max_body_size(max);
                (Kind::Chunked(Box::new(decoder)), None)
            }
        };
        Self { kind, declared }
    }

    /// Whether the whole body has been decoded.
    pub(super) fn is_done(&self) -> bool {
        matches!(self.kind, Kind::Finished)
    }

    /// Whether the body is known to be at most `limit` bytes (empty, or a small declared
    /// length); a chunked body never is.
    pub(super) fn is_small(&self, limit: u64) -> bool {
        self.declared.is_some_and(|n| n <= limit)
    }

    /// Decodes the next piece from `reader`'s buffer, consuming the bytes it used.
    pub(super) fn step<R>(&mut self, reader: &mut StreamReader<R>) -> Step {
        loop {
            match &mut self.kind {
                Kind::Finished => return Step::Done,
                Kind::Failed(err) => return Step::Error(*err),
                Kind::Length(dec) => {
                    if dec.is_done() {
                        self.kind = Kind::Finished;
                        return Step::Done;
                    }
                    if reader.buffer().is_empty() {
                        return Step::NeedMore;
                    }
                    let (data, used) = dec.decode(reader.buffer());
                    if used == 0 {
                        return Step::NeedMore;
                    }
                    let piece = Bytes::copy_from_slice(data);
                    reader.consume(used);
                    if dec.is_done() {
                        self.kind = Kind::Finished;
                    }
                    if !piece.is_empty() {
                        return Step::Data(piece);
                    }
                }
                Kind::Chunked(dec) => match dec.decode(reader.buffer()) {
                    Ok((DecodedChunk::Data(data), used)) => {
                        let piece = Bytes::copy_from_slice(data);
                        reader.consume(used);
                        if !piece.is_empty() {
                            return Step::Data(piece);
                        }
                    }
                    Ok((DecodedChunk::Partial, used)) => {
                        reader.consume(used);
                        if used == 0 {
                            return Step::NeedMore;
                        }
                    }
                    Ok((DecodedChunk::Done, used)) => {
                        reader.consume(used);
                        self.kind = Kind::Finished;
                        return Step::Done;
                    }
                    Err(err) => {
                        self.kind = Kind::Failed(err);
                        return Step::Error(err);
                    }
                },
            }
        }
    }
}
