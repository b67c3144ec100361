//! Test support for cheroot-rs, as `cheroot.testing` is for cheroot.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod json;
mod sha256;

pub use sha256::{Digest, Sha256, sha256};
