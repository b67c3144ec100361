//! Integration tests of cheroot-tls over loopback sockets: one binary, the TLS suite run once
//! per backend built in.
mod it {
    mod backends;
    mod cases;
    mod registry;
    mod support;
}
