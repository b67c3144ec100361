//! Integration tests of cheroot-testing: the echo and hello apps through the fixture, and the
//! client against hand-written servers.

mod it {
    mod apps;
    mod client;
    #[cfg(feature = "rustls")]
    mod tls;
}
