//! Integration tests of cheroot-tls over loopback sockets: one binary, the TLS suite run once
//! per backend built in.
mod it {
    // The suite needs a backend; the registry tests run in every build.
    #[cfg(any(feature = "rustls", feature = "openssl"))]
    mod backends;
    #[cfg(any(feature = "rustls", feature = "openssl"))]
    mod cases;
    mod registry;
    #[cfg(any(feature = "rustls", feature = "openssl"))]
    mod support;
}
