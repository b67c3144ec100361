//! Buffered async stream reader and writer with byte counters, as `cheroot.makefile` has them.
//!
//! [`StreamReader`] wraps any [`tokio::io::AsyncRead`] (a TCP or UNIX stream, a TLS stream) with
//! a [`bytes::BytesMut`] read buffer that a push parser can look at ([`StreamReader::buffer`])
//! and consume from ([`StreamReader::consume`]). [`StreamWriter`] wraps any
//! [`tokio::io::AsyncWrite`] and batches a response head and body into one `write`/`writev` per
//! flush, queuing large [`bytes::Bytes`] bodies without copying them.
//!
//! Both count bytes as cheroot does: [`StreamReader::bytes_read`] counts the bytes handed to the
//! caller and [`StreamWriter::bytes_written`] the bytes the stream accepted
//! (`test_makefile.py::test_bytes_read`, `test_makefile.py::test_bytes_written`).
//!
//! A parked keep-alive connection should cost little memory: [`StreamReader::shrink`] and
//! [`StreamWriter::shrink`] release the buffers' allocations while they hold nothing, and the
//! next read or write allocates again. A [`StreamReader::fill`] on a reader with no allocation
//! waits for the stream without holding any buffer, so a parked connection waiting for its next
//! request costs only its task and socket.
//!
//! ```
//! # async fn demo() -> std::io::Result<()> {
//! use cheroot_makefile::{StreamReader, StreamWriter};
//!
//! let (client, server) = tokio::io::duplex(64);
//! let mut w = StreamWriter::new(client);
//! w.write_all(b"GET / HTTP/1.1\r\n\r\n").await?;
//! w.flush().await?;
//!
//! let mut r = StreamReader::new(server);
//! while !r.buffer().ends_with(b"\r\n\r\n") {
//!     if r.fill().await? == 0 {
//!         break;
//!     }
//! }
//! let n = r.buffer().len();
//! r.consume(n);
//! assert_eq!(r.bytes_read(), 18);
//! # Ok(())
//! # }
//! ```
//!
//! The crate has no features.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod reader;
mod writer;

pub use reader::StreamReader;
pub use writer::StreamWriter;

/// Default size of a read buffer, and of the write buffer batch: cheroot's
/// `io.DEFAULT_BUFFER_SIZE`.
pub const DEFAULT_BUFFER_SIZE: usize = 8192;
