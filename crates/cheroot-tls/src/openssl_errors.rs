//! OpenSSL's error stacks as one-line messages.

use std::path::Path;

use openssl::error::ErrorStack;

use crate::error::TlsError;

/// An error stack on one line: its entries' reasons, `; `-joined (OpenSSL's own rendering
/// carries source file names and may span lines).
pub(crate) fn one_line(stack: &ErrorStack) -> String {
    let mut parts: Vec<String> = Vec::new();
    for e in stack.errors() {
        let reason = e
            .reason()
            .map_or_else(|| format!("error code {:#x}", e.code()), str::to_owned);
        // OpenSSL often stacks the same reason twice (once per decoder it tried).
        if !parts.contains(&reason) {
            parts.push(reason);
        }
    }
    if parts.is_empty() {
        "unknown OpenSSL error".to_owned()
    } else {
        parts.join("; ")
    }
}

/// A private key OpenSSL could not read or decrypt.
pub(crate) fn bad_key(path: &Path, stack: &ErrorStack) -> TlsError {
    TlsError::file(
        path,
        format!(
            "cannot load the private key (wrong password, or not a PEM key?): {}",
            one_line(stack)
        ),
    )
}
