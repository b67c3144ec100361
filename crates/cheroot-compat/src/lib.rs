//! ISO-8859-1 "native string" conversions, as `cheroot._compat` has them.
//!
//! HTTP/1.1 heads are bytes; cheroot turns them into native strings with ISO-8859-1, which maps
//! each byte to the character of the same number and back, so nothing is lost. [`ntob`],
//! [`bton`] and [`ntou`] do the same here. Which bytes a header field may hold is one rule, in
//! `cheroot-wire` (`is_token`, `is_field_value`).
//!
//! ```
//! use cheroot_compat::{bton, ntob};
//!
//! let raw = b"caf\xe9";
//! assert_eq!(ntob(&bton(raw)).unwrap(), raw);
//! ```
//!
//! The crate has no features.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod latin1;

pub use latin1::{NotLatin1, bton, bton_into, ntob, ntou};
