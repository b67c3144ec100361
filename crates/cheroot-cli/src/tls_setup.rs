//! The TLS adapter the `--ssl-*` flags ask for: every file read and checked, the private
//! key's password taken from a file or the environment (never from the command line, where
//! `ps` would show it), and every error naming the flag to fix.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use cheroot::tls::{Password, SslAdapter, TlsSettings, get_ssl_adapter_class};

use crate::options::{ClientVerify, TlsBackend, TlsOptions};

/// The environment variable that may hold the private key's password.
pub(crate) const PASSWORD_ENV: &str = "CHEROOT_SSL_PRIVATE_KEY_PASSWORD";

/// Builds the adapter, or returns the message for a usage error.
pub(crate) fn tls_adapter(tls: &TlsOptions) -> Result<Arc<dyn SslAdapter>, String> {
    let files = [
        ("--ssl-certificate", &tls.certificate),
        ("--ssl-private-key", &tls.private_key),
        ("--ssl-certificate-chain", &tls.certificate_chain),
        (
            "--ssl-private-key-password-file",
            &tls.private_key_password_file,
        ),
    ];
    for (flag, path) in files {
        if let Some(path) = path {
            if !path.is_file() {
                return Err(format!(
                    "invalid value {:?} for {flag}: no such file",
                    path.display()
                ));
            }
        }
    }
    let (Some(certificate), Some(private_key)) = (&tls.certificate, &tls.private_key) else {
        // parse_args refuses every TLS flag without both files.
        return Err("--ssl-certificate and --ssl-private-key are both needed".to_owned());
    };
    // Without --ssl-adapter: rustls if built in, else OpenSSL if that is.
    let adapter = tls.adapter.unwrap_or_else(|| {
        if get_ssl_adapter_class(TlsBackend::Rustls.name()).is_err()
            && get_ssl_adapter_class(TlsBackend::Openssl.name()).is_ok()
        {
            TlsBackend::Openssl
        } else {
            TlsBackend::Rustls
        }
    });
    let kind = get_ssl_adapter_class(adapter.name()).map_err(|err| {
        format!(
            "invalid value {:?} for --ssl-adapter: {err}",
            adapter.name()
        )
    })?;
    let password = KeyPassword::new(tls.private_key_password_file.as_deref());
    let mut settings = TlsSettings::new(certificate, private_key)
        .with_client_verify(match tls.client_verify {
            ClientVerify::None => cheroot::tls::ClientVerify::None,
            ClientVerify::Optional => cheroot::tls::ClientVerify::Optional,
            ClientVerify::Required => cheroot::tls::ClientVerify::Required,
        })
        .with_private_key_password(password.callback());
    if let Some(chain) = &tls.certificate_chain {
        settings = settings.with_certificate_chain(chain);
    }
    if let Some(ciphers) = &tls.ciphers {
        settings = settings.with_ciphers(ciphers.as_str());
    }
    let built = kind.build(settings);
    if let Some(message) = password.problem() {
        return Err(message);
    }
    built.map_err(|err| name_the_flag(&err, tls, kind.name()))
}

/// The adapter's error, said in terms of the flag whose value it is about (the library's
/// messages name files and settings, not flags).
fn name_the_flag(err: &cheroot::tls::TlsError, tls: &TlsOptions, adapter: &str) -> String {
    if err.is_ciphers() {
        let ciphers = tls.ciphers.as_deref().unwrap_or_default();
        return format!(
            "invalid value {ciphers:?} for --ssl-ciphers ({adapter} adapter): {}",
            err.detail()
        );
    }
    let flags = [
        ("--ssl-certificate", &tls.certificate),
        ("--ssl-private-key", &tls.private_key),
        ("--ssl-certificate-chain", &tls.certificate_chain),
    ];
    if let Some(path) = err.path() {
        if let Some((flag, _)) = flags.iter().find(|(_, p)| p.as_deref() == Some(path)) {
            return format!(
                "invalid value {:?} for {flag} ({adapter} adapter): {}",
                path.display(),
                err.detail()
            );
        }
    }
    format!("cannot set up TLS ({adapter} adapter) from the --ssl-* flags: {err}")
}

/// The private key's password, looked up only if the key turns out to be encrypted (the
/// adapter asks through a callback), so a plain key needs no password source.
struct KeyPassword {
    file: Option<std::path::PathBuf>,
    asked: Arc<AtomicBool>,
    problem: Arc<Mutex<Option<String>>>,
}

impl KeyPassword {
    fn new(file: Option<&Path>) -> KeyPassword {
        KeyPassword {
            file: file.map(Path::to_owned),
            asked: Arc::default(),
            problem: Arc::default(),
        }
    }

    fn callback(&self) -> Password {
        let file = self.file.clone();
        let asked = Arc::clone(&self.asked);
        let problem = Arc::clone(&self.problem);
        Password::callback(move || {
            asked.store(true, Ordering::SeqCst);
            match read_password(file.as_deref()) {
                Ok(password) => password,
                Err(message) => {
                    *problem.lock().unwrap_or_else(PoisonError::into_inner) = Some(message);
                    Vec::new()
                }
            }
        })
    }

    /// Why the password could not be given, if the adapter asked for it and it could not.
    fn problem(&self) -> Option<String> {
        if !self.asked.load(Ordering::SeqCst) {
            return None;
        }
        self.problem
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }
}

/// The password: the file's first line (without its line ending), else the environment
/// variable.
fn read_password(file: Option<&Path>) -> Result<Vec<u8>, String> {
    if let Some(path) = file {
        let bytes = std::fs::read(path).map_err(|err| {
            format!(
                "invalid value {:?} for --ssl-private-key-password-file: {err}",
                path.display()
            )
        })?;
        let line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
        return Ok(line.strip_suffix(b"\r").unwrap_or(line).to_vec());
    }
    if let Some(value) = std::env::var_os(PASSWORD_ENV) {
        return Ok(std::os::unix::ffi::OsStrExt::as_bytes(value.as_os_str()).to_vec());
    }
    Err(format!(
        "the private key (--ssl-private-key) is encrypted: give its password with \
         --ssl-private-key-password-file FILE or the {PASSWORD_ENV} environment variable"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_line_of_the_file_is_the_password() {
        let dir = std::env::temp_dir().join(format!("cheroot-pw-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("pw");
        std::fs::write(&path, b"s3cret\r\nignored\n").unwrap();
        assert_eq!(read_password(Some(&path)).unwrap(), b"s3cret");
        std::fs::write(&path, b"").unwrap();
        assert_eq!(read_password(Some(&path)).unwrap(), b"");
        let missing = dir.join("missing");
        let err = read_password(Some(&missing)).unwrap_err();
        assert!(err.contains("--ssl-private-key-password-file"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
