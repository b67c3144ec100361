//! Certificates and private keys from PEM files for rustls, encrypted keys included (through
//! OpenSSL when the `openssl` feature is on).

use std::path::Path;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::error::TlsError;
use crate::files;
use crate::settings::Password;

/// Every certificate in a PEM file; at least one.
pub(crate) fn load_certs(
    path: &Path,
    what: &str,
) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let bytes = files::read(path, what)?;
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|err| TlsError::file(path, format!("malformed PEM in the {what}: {err}")))?;
    if certs.is_empty() {
        return Err(TlsError::file(
            path,
            format!("no PEM certificate (BEGIN CERTIFICATE) in the {what}"),
        ));
    }
    Ok(certs)
}

/// The first private key in a PEM file, decrypted with `password` when it is encrypted.
pub(crate) fn load_key(
    path: &Path,
    password: Option<&Password>,
) -> Result<PrivateKeyDer<'static>, TlsError> {
    let bytes = files::read(path, "private key")?;
    files::check_has_pem_key(path, &bytes)?;
    if files::is_encrypted_pem(&bytes) {
        let password = password.ok_or_else(|| files::missing_password(path))?;
        return decrypt(path, &bytes, password);
    }
    PrivateKeyDer::from_pem_slice(&bytes).map_err(|err| {
        TlsError::file(
            path,
            format!("no usable PEM private key (PKCS#8, PKCS#1 or SEC1): {err}"),
        )
    })
}

/// Decrypts with OpenSSL, which reads every encrypted PEM form (PKCS#8 with PBES2 or PBES1,
/// and the legacy `Proc-Type` one).
#[cfg(feature = "openssl")]
fn decrypt(
    path: &Path,
    pem: &[u8],
    password: &Password,
) -> Result<PrivateKeyDer<'static>, TlsError> {
    use rustls::pki_types::PrivatePkcs8KeyDer;

    let key = openssl::pkey::PKey::private_key_from_pem_passphrase(pem, &password.resolve())
        .map_err(|err| crate::openssl_errors::bad_key(path, &err))?;
    let der = key.private_key_to_pkcs8().map_err(|err| {
        TlsError::file(
            path,
            format!(
                "cannot re-encode the private key: {}",
                crate::openssl_errors::one_line(&err)
            ),
        )
    })?;
    Ok(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(der)))
}

/// Without OpenSSL there is no lean pure-Rust decryption of every form OpenSSL writes, so
/// this says what to do instead.
#[cfg(not(feature = "openssl"))]
fn decrypt(
    path: &Path,
    _pem: &[u8],
    _password: &Password,
) -> Result<PrivateKeyDer<'static>, TlsError> {
    Err(TlsError::file(
        path,
        "the private key is encrypted: the rustls adapter reads encrypted keys only when \
         cheroot-tls is built with the `openssl` feature (or decrypt the key beforehand)",
    ))
}
