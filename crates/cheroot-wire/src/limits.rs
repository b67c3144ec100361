//! How large a request head may grow before the parser refuses it.

/// Upper bounds on a request head, checked while it arrives so that a client can never make the
/// server buffer an endless line or an endless header block.
///
/// cheroot has no limit by default (its `max_request_header_size` is 0, so an endless header
/// line is buffered until memory runs out); CherryPy sets 500 KB. We choose bounds that every
/// real client stays far below and that still cap memory per connection:
///
/// - [`Limits::max_head_size`] is 64 KiB. Browsers send heads of 0.5 to 2 KiB and rarely more
///   than 8 KiB even with many cookies (servers answer larger ones with errors: nginx allows
///   8 KiB per line by default, Apache 8 KiB per field, Node.js 16 KiB in all). 64 KiB leaves
///   eight times that room for API clients with large tokens, and bounds the head buffer of each
///   connection.
/// - [`Limits::max_headers`] is 128. Real requests carry 10 to 30 fields; Apache's
///   `LimitRequestFields` default is 100, and a request of 100 fields of its own plus `Host`
///   and a few more must still pass. It bounds the per-request field list and the work of
///   header lookups; servers set it with `max_request_header_fields`.
///
/// The size counts every byte of the head from its first byte (one ignored leading empty line
/// included) to the empty line that ends it, as cheroot's `SizeCheckWrapper` counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest head in bytes, request line and header block together. A request line that
    /// alone goes past it is `414`; a head that goes past it in the header block is `431`.
    pub max_head_size: usize,
    /// Largest number of header fields; one more is `431`.
    pub max_headers: usize,
}

impl Limits {
    /// 64 KiB: see the type's documentation for why.
    pub const DEFAULT_MAX_HEAD_SIZE: usize = 64 * 1024;
    /// 128 fields: see the type's documentation for why.
    pub const DEFAULT_MAX_HEADERS: usize = 128;
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_head_size: Self::DEFAULT_MAX_HEAD_SIZE,
            max_headers: Self::DEFAULT_MAX_HEADERS,
        }
    }
}
