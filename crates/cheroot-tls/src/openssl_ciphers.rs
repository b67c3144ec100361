//! An OpenSSL cipher list applied to an OpenSSL context, with the same rules as the rustls
//! backend: IANA names accepted, TLS 1.3 names routed to `set_ciphersuites`, unknown names
//! refused by name.

use openssl::ssl::{SslContextBuilder, SslMethod};

use crate::cipher_table::{Op, SuiteInfo, is_tls13_name, terms};
use crate::error::TlsError;
use crate::openssl_errors::one_line;

/// OpenSSL's default TLS 1.3 suites.
const TLS13_DEFAULT: [&str; 3] = [
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_AES_128_GCM_SHA256",
];

/// Applies `spec` to `builder`.
pub(crate) fn apply(builder: &mut SslContextBuilder, spec: &str) -> Result<(), TlsError> {
    let mut list12: Vec<String> = Vec::new();
    let mut list13: Vec<String> = Vec::new();
    let mut removed13: Vec<String> = Vec::new();
    let mut unknown: Vec<&str> = Vec::new();
    // A scratch context to try each added term alone: OpenSSL ignores unknown names inside a
    // list as long as something matches, and we want to name them.
    let mut probe = SslContextBuilder::new(SslMethod::tls())
        .map_err(|err| TlsError::config(format!("OpenSSL: {}", one_line(&err))))?;

    for (op, body) in terms(spec) {
        // OpenSSL knows only its own names for TLS 1.2 suites; map IANA's.
        let name = match SuiteInfo::by_name(body) {
            Some(info) => info.openssl,
            None => body,
        };
        if is_tls13_name(body) {
            match op {
                Op::Add if probe.set_ciphersuites(name).is_err() => unknown.push(body),
                Op::Add => list13.push(name.to_owned()),
                Op::Ban | Op::Remove => removed13.push(name.to_owned()),
                Op::Move | Op::Directive => {}
            }
            continue;
        }
        if op == Op::Add && probe.set_cipher_list(name).is_err() {
            unknown.push(body);
            continue;
        }
        let prefix = match op {
            Op::Ban => "!",
            Op::Remove => "-",
            Op::Move => "+",
            Op::Add | Op::Directive => "",
        };
        list12.push(format!("{prefix}{name}"));
    }

    if !unknown.is_empty() {
        return Err(TlsError::ciphers(format!(
            "unknown cipher names for the openssl adapter: {}",
            unknown.join(", ")
        )));
    }
    if !list12.is_empty() {
        builder.set_cipher_list(&list12.join(":")).map_err(|err| {
            TlsError::ciphers(format!(
                "{spec:?} selects no TLS 1.2 cipher suite ({})",
                one_line(&err)
            ))
        })?;
    }
    // Removing a TLS 1.3 suite narrows the named ones, or else OpenSSL's default three (the
    // rustls backend does the same).
    if !removed13.is_empty() {
        if list13.is_empty() {
            list13 = TLS13_DEFAULT.iter().map(|s| (*s).to_owned()).collect();
        }
        list13.retain(|n| !removed13.iter().any(|r| r.eq_ignore_ascii_case(n)));
        if list13.is_empty() {
            return Err(TlsError::ciphers(format!(
                "{spec:?} removes every TLS 1.3 cipher suite"
            )));
        }
    }
    if !list13.is_empty() {
        builder
            .set_ciphersuites(&list13.join(":"))
            .map_err(|err| TlsError::ciphers(format!("{spec:?}: {}", one_line(&err))))?;
    }
    Ok(())
}
