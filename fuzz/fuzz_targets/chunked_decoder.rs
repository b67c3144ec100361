//! Fuzz target: `ChunkedDecoder` gives the same body, trailers, end and error whether the input
//! arrives whole or split at arbitrary points, and always makes progress.
#![no_main]

use cheroot_wire::{ChunkedDecoder, DecodedChunk, Headers, ParseError};
use libfuzzer_sys::fuzz_target;

/// Where decoding ended, with everything the decoder produced.
#[derive(Debug, PartialEq)]
enum Outcome {
    /// The last chunk and the trailers were read; `used` bytes of input were consumed.
    Done {
        body: Vec<u8>,
        used: usize,
        trailers: Headers,
    },
    /// The input ran out first.
    Incomplete { body: Vec<u8> },
    /// The decoder rejected the input.
    Error(ParseError),
}

/// Feeds `pieces` in order, the way a connection feeds reads into its buffer.
fn decode(pieces: &[&[u8]]) -> Outcome {
    let mut decoder = ChunkedDecoder::new();
    let mut pending = pieces.iter();
    let mut buf: Vec<u8> = Vec::new();
    let mut body = Vec::new();
    let mut used = 0;
    let total: usize = pieces.iter().map(|p| p.len()).sum();
    // Every call consumes or asks for more input, so this bound is never reached by a good
    // decoder; reaching it means the decoder stopped making progress.
    for _ in 0..(4 * total + 16) {
        let (chunk, consumed) = match decoder.decode(&buf) {
            Ok(step) => step,
            Err(e) => return Outcome::Error(e),
        };
        assert!(
            consumed <= buf.len(),
            "consumed {consumed} of {}",
            buf.len()
        );
        let wants_more = match chunk {
            DecodedChunk::Data(data) => {
                assert!(
                    !data.is_empty() || consumed > 0,
                    "empty data and no progress"
                );
                body.extend_from_slice(data);
                false
            }
            DecodedChunk::Partial => consumed == 0,
            DecodedChunk::Done => {
                return Outcome::Done {
                    body,
                    used: used + consumed,
                    trailers: decoder.trailers().clone(),
                };
            }
        };
        buf.drain(..consumed);
        used += consumed;
        if wants_more {
            match pending.next() {
                Some(piece) => buf.extend_from_slice(piece),
                None => return Outcome::Incomplete { body },
            }
        }
    }
    panic!("the decoder stopped making progress");
}

fuzz_target!(|data: &[u8]| {
    // The first byte seeds the split points; the rest is the chunked body.
    let Some((&seed, input)) = data.split_first() else {
        return;
    };
    let whole = decode(&[input]);

    let mut pieces = Vec::new();
    let mut rest = input;
    let mut state = u32::from(seed) | 1;
    while !rest.is_empty() {
        // xorshift: a cheap deterministic sequence of piece lengths 1..=8.
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let len = (state % 8 + 1) as usize;
        let (piece, tail) = rest.split_at(len.min(rest.len()));
        pieces.push(piece);
        rest = tail;
    }
    assert_eq!(
        decode(&pieces),
        whole,
        "split at {:?}",
        pieces.iter().map(|p| p.len()).collect::<Vec<_>>()
    );

    // One byte at a time is the hardest split of all.
    let bytes: Vec<&[u8]> = input.chunks(1).collect();
    assert_eq!(decode(&bytes), whole, "byte by byte");
});
