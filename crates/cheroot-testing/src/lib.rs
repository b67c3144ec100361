//! Test support for cheroot-rs, as `cheroot.testing` is for cheroot.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod client;
mod json;
mod response;
mod server;
mod sha256;

pub use client::{ServerAddr, TestClient};
pub use response::{Framing, Response};
pub use server::{TestServer, TestServerBuilder};
pub use sha256::{Digest, Sha256, sha256};
