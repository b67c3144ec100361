//! Fuzz target: the DER certificate reader of `cheroot-tls`, which reads the certificates
//! clients send, never panics, and what it accepts gives well-formed environ keys.
#![no_main]

use cheroot_tls::certificate_environ;
use libfuzzer_sys::fuzz_target;

/// A fixed "now" (2023-11-14), so `V_REMAIN` is deterministic.
const NOW: i64 = 1_700_000_000;

fuzz_target!(|data: &[u8]| {
    let Some(pairs) = certificate_environ("SSL_CLIENT", data, NOW) else {
        return;
    };
    for (key, _) in &pairs {
        assert!(key.starts_with("SSL_CLIENT_"), "key {key:?}");
    }
    let version = pairs
        .iter()
        .find(|(key, _)| key == "SSL_CLIENT_M_VERSION")
        .map(|(_, value)| value.as_str());
    assert!(
        matches!(version, Some("1" | "2" | "3")),
        "version {version:?}"
    );
    // A certificate is one DER value: bytes after it are not part of it.
    let mut longer = data.to_vec();
    longer.push(0);
    let again = certificate_environ("SSL_CLIENT", &longer, NOW);
    assert!(again.is_none() || again.as_ref() == Some(&pairs));
});
