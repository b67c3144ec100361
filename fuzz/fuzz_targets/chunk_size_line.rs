//! Fuzz target: the chunk-size line (`<input>\r\n`) is parsed without panicking, and a line of
//! a few hex digits is always accepted while one not starting with a hex digit never is.
#![no_main]

use cheroot_wire::{ChunkedDecoder, DecodedChunk};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut line = data.to_vec();
    line.extend_from_slice(b"\r\n");
    let mut decoder = ChunkedDecoder::new();
    let result = decoder.decode(&line);

    if let Ok((chunk, consumed)) = &result {
        assert!(*consumed <= line.len());
        if let DecodedChunk::Data(bytes) = chunk {
            // Data can only follow the line if the input itself held a line break.
            assert!(
                bytes.is_empty() || data.contains(&b'\n'),
                "data from a lone size line"
            );
        }
    }

    // Stronger claims only for a single line.
    if data.contains(&b'\r') || data.contains(&b'\n') {
        return;
    }
    let starts_hex = data.first().is_some_and(u8::is_ascii_hexdigit);
    if !starts_hex {
        assert!(result.is_err(), "size line {data:?} accepted: {result:?}");
    }
    // Up to 15 hex digits always fit in a u64.
    if !data.is_empty() && data.len() <= 15 && data.iter().all(u8::is_ascii_hexdigit) {
        assert!(result.is_ok(), "size line {data:?} rejected: {result:?}");
    }
});
