//! The registry: names, aliases, and the error for a backend left out of the build.

use cheroot_tls::{AdapterKind, TlsSettings, get_ssl_adapter_class};

#[test]
fn aliases_resolve_case_insensitively() {
    let table = [
        ("rustls", AdapterKind::Rustls),
        ("builtin", AdapterKind::Rustls),
        ("BUILTIN", AdapterKind::Rustls),
        ("openssl", AdapterKind::OpenSsl),
        ("pyopenssl", AdapterKind::OpenSsl),
        ("PyOpenSSL", AdapterKind::OpenSsl),
    ];
    for (name, kind) in table {
        match get_ssl_adapter_class(name) {
            Ok(got) => {
                assert!(kind.is_built());
                assert_eq!(got, kind, "{name}");
            }
            Err(err) => {
                assert!(!kind.is_built(), "{name}: {err}");
                assert!(err.is_not_built());
                assert_eq!(
                    err.to_string(),
                    format!(
                        "the {0} adapter is not built into this binary; rebuild with --features {0}",
                        kind.name()
                    )
                );
            }
        }
    }
}

#[test]
fn unknown_names_list_the_known_ones() {
    for name in ["", "tls", "rustls2", "ssl"] {
        let err = get_ssl_adapter_class(name).expect_err(name);
        assert!(err.is_unknown_adapter() && !err.is_not_built());
        assert!(
            err.to_string()
                .contains("rustls, builtin, openssl, pyopenssl"),
            "{err}"
        );
    }
}

#[test]
fn building_a_backend_left_out_is_an_error() {
    for kind in [AdapterKind::Rustls, AdapterKind::OpenSsl] {
        if kind.is_built() {
            continue;
        }
        let err = kind
            .build(TlsSettings::new("cert.pem", "key.pem"))
            .expect_err("not built");
        assert!(err.is_not_built(), "{err}");
    }
}
