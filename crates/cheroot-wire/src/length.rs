//! The decoder of a body of known length (`Content-Length`): hands out body bytes until the
//! declared count is reached and never takes a byte of the next pipelined request.

/// A push decoder for a `Content-Length` body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LengthDecoder {
    remaining: u64,
}

impl LengthDecoder {
    /// A decoder for a body of `len` bytes.
    pub const fn new(len: u64) -> Self {
        Self { remaining: len }
    }

    /// Takes the body bytes at the start of `buf`: returns them and how many bytes of `buf` were
    /// consumed (always the same count). The bytes after them belong to the next request.
    pub fn decode<'a>(&mut self, buf: &'a [u8]) -> (&'a [u8], usize) {
        // A remaining count beyond usize::MAX can only be limited by the buffer length.
        let take = usize::try_from(self.remaining).map_or(buf.len(), |r| r.min(buf.len()));
        self.remaining -= take as u64;
        (&buf[..take], take)
    }

    /// How many body bytes are still to come.
    pub const fn remaining(&self) -> u64 {
        self.remaining
    }

    /// Whether the whole body has been decoded.
    pub const fn is_done(&self) -> bool {
        self.remaining == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stops_at_the_declared_length() {
        // test_conn.py::test_HTTP11_pipelining: the next request's bytes are left alone.
        for (len, input, body, rest) in [
            (
                0u64,
                &b"GET / HTTP/1.1"[..],
                &b""[..],
                &b"GET / HTTP/1.1"[..],
            ),
            (5, b"hello", b"hello", b""),
            (5, b"helloGET", b"hello", b"GET"),
            (5, b"hel", b"hel", b""),
            (u64::MAX, b"abc", b"abc", b""),
        ] {
            let mut decoder = LengthDecoder::new(len);
            let (got, used) = decoder.decode(input);
            assert_eq!((got, &input[used..]), (body, rest), "len {len}");
            assert_eq!(decoder.remaining(), len - body.len() as u64);
        }
    }

    #[test]
    fn split_input_gives_the_same_body() {
        let input = b"0123456789NEXT";
        for split in 0..=input.len() {
            let mut decoder = LengthDecoder::new(10);
            let mut body = Vec::new();
            let (a, used_a) = decoder.decode(&input[..split]);
            body.extend_from_slice(a);
            let (b, used_b) = decoder.decode(&input[used_a..]);
            body.extend_from_slice(b);
            assert_eq!(body, b"0123456789", "split {split}");
            assert_eq!(&input[used_a + used_b..], b"NEXT");
            assert!(decoder.is_done());
            assert_eq!(decoder.decode(b"more"), (&b""[..], 0));
        }
    }
}
