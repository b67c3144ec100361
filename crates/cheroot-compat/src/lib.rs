//! ISO-8859-1 "native string" conversions and header-field text rules, as `cheroot._compat`
//! has them.
//!
//! HTTP/1.1 heads are bytes; cheroot turns them into native strings with ISO-8859-1, which maps
//! each byte to the character of the same number and back, so nothing is lost. [`ntob`],
//! [`bton`] and [`ntou`] do the same here. The header helpers say which bytes a field name or
//! value may hold.
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

mod header_text;
mod latin1;

pub use header_text::{is_valid_header_name, is_valid_header_value, trim_ows};
pub use latin1::{NotLatin1, bton, ntob, ntou};
