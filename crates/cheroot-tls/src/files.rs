//! Reading the certificate, key and CA files, with errors that name the file.

use std::path::Path;

use crate::error::TlsError;

/// The whole file, or an error naming it and saying which setting it is.
pub(crate) fn read(path: &Path, what: &str) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path)
        .map_err(|err| TlsError::file(path, format!("cannot read the {what}: {err}")))
}

/// Whether a PEM private key is encrypted: PKCS#8 `ENCRYPTED PRIVATE KEY`, or the legacy
/// OpenSSL form with a `Proc-Type: 4,ENCRYPTED` header.
pub(crate) fn is_encrypted_pem(pem: &[u8]) -> bool {
    contains(pem, b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
        || contains(pem, b"Proc-Type: 4,ENCRYPTED")
}

/// Fails, naming the file, when it holds no PEM private key at all (so that both backends say
/// the same, rather than their parsers' own words).
pub(crate) fn check_has_pem_key(path: &Path, pem: &[u8]) -> Result<(), TlsError> {
    if contains(pem, b"-----BEGIN ") && contains(pem, b"PRIVATE KEY-----") {
        Ok(())
    } else {
        Err(TlsError::file(
            path,
            "no PEM private key (BEGIN ... PRIVATE KEY) in the private key file",
        ))
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The error for an encrypted key without a password (cheroot would prompt on the terminal; a
/// server should not).
pub(crate) fn missing_password(path: &Path) -> TlsError {
    TlsError::file(
        path,
        "the private key is encrypted and no private_key_password was given",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encrypted_forms() {
        assert!(is_encrypted_pem(
            b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n"
        ));
        assert!(is_encrypted_pem(
            b"-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00\n"
        ));
        assert!(!is_encrypted_pem(b"-----BEGIN PRIVATE KEY-----\nAAAA\n"));
    }

    #[test]
    fn missing_file_is_named() {
        let err = read(Path::new("/nonexistent/key.pem"), "private key").expect_err("missing");
        assert!(err.is_file());
        assert!(
            err.to_string()
                .starts_with("/nonexistent/key.pem: cannot read the private key")
        );
    }
}
