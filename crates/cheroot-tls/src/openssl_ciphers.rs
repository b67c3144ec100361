//! An OpenSSL cipher list applied to an OpenSSL context, with the same rules as the rustls
//! backend: IANA names accepted, TLS 1.3 names routed to `set_ciphersuites`, unknown names
//! refused by name.

use openssl::ssl::{SslContextBuilder, SslMethod};

use crate::cipher_table::{Op, SuiteInfo, is_tls13_name, terms};
use crate::error::TlsError;
use crate::openssl_errors::one_line;

/// Applies `spec` to `builder`.
pub(crate) fn apply(builder: &mut SslContextBuilder, spec: &str) -> Result<(), TlsError> {
    let mut list12: Vec<String> = Vec::new();
    let mut list13: Vec<String> = Vec::new();
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
            if op == Op::Add {
                if probe.set_ciphersuites(name).is_err() {
                    unknown.push(body);
                } else {
                    list13.push(name.to_owned());
                }
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
    if !list13.is_empty() {
        builder
            .set_ciphersuites(&list13.join(":"))
            .map_err(|err| TlsError::ciphers(format!("{spec:?}: {}", one_line(&err))))?;
    }
    Ok(())
}
