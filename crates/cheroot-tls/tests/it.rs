//! Integration tests of cheroot-tls over loopback sockets: one binary, the TLS suite run once
//! per backend built in.

/// Compiles the items it wraps only when a backend is built in (the library's own
/// `cfg_backend!`, which a test crate cannot reach).
macro_rules! cfg_backend {
    ($($item:item)*) => {
        $(
            #[cfg(any(feature = "rustls", feature = "openssl"))]
            $item
        )*
    };
}

mod it {
    // The suite needs a backend; the registry tests run in every build.
    cfg_backend! {
        mod backends;
        mod cases;
        mod support;
    }
    mod registry;
}
