//! An OpenSSL cipher list applied to rustls: the suites it selects among the ring provider's.

use std::collections::HashSet;

use rustls::SupportedCipherSuite;

use crate::cipher_table::{Op, SUITES, SuiteInfo, is_tls13_name, terms};
use crate::error::TlsError;

/// The suites of `available` that `spec` selects, in `available`'s order.
///
/// As in OpenSSL, the list governs TLS 1.2; TLS 1.3 suites are narrowed only by naming them.
/// A name or keyword no suite answers to is an error when it would add suites; when it
/// would remove some (`!aNULL`, `!MD5`) it removes nothing, as rustls has no such suites.
pub(crate) fn select(
    spec: &str,
    available: &[SupportedCipherSuite],
) -> Result<Vec<SupportedCipherSuite>, TlsError> {
    let mut tls12: Vec<&'static str> = Vec::new();
    let mut tls13: Vec<&'static str> = Vec::new();
    let mut banned: HashSet<&'static str> = HashSet::new();
    let mut unknown: Vec<&str> = Vec::new();
    let mut has_tls12_list = false;

    for (op, body) in terms(spec) {
        if op == Op::Directive {
            continue;
        }
        let atoms: Vec<&str> = body.split('+').filter(|a| !a.is_empty()).collect();
        let all_known =
            !atoms.is_empty() && atoms.iter().all(|a| SUITES.iter().any(|s| s.matches(a)));
        let matched: Vec<&SuiteInfo> = SUITES
            .iter()
            .filter(|s| all_known && atoms.iter().all(|a| s.matches(a)))
            .collect();
        let tls13_term = is_tls13_name(body);
        if !tls13_term {
            has_tls12_list = true;
        }
        match op {
            Op::Add if !all_known => unknown.push(body),
            Op::Add => {
                for suite in matched {
                    let list = if suite.tls13 { &mut tls13 } else { &mut tls12 };
                    if !banned.contains(suite.openssl) && !list.contains(&suite.openssl) {
                        list.push(suite.openssl);
                    }
                }
            }
            Op::Ban | Op::Remove => {
                for suite in matched {
                    tls12.retain(|n| *n != suite.openssl);
                    tls13.retain(|n| *n != suite.openssl);
                    if op == Op::Ban {
                        banned.insert(suite.openssl);
                    }
                }
            }
            Op::Move | Op::Directive => {}
        }
    }

    if !unknown.is_empty() {
        let known: Vec<&str> = SUITES.iter().map(|s| s.openssl).collect();
        return Err(TlsError::ciphers(format!(
            "unknown cipher names for the rustls adapter: {} (it has {})",
            unknown.join(", "),
            known.join(", ")
        )));
    }
    if has_tls12_list && tls12.is_empty() {
        return Err(TlsError::ciphers(format!(
            "{spec:?} selects no TLS 1.2 cipher suite"
        )));
    }
    let chosen: Vec<SupportedCipherSuite> = available
        .iter()
        .filter(|suite| {
            let Some(info) = SuiteInfo::by_code(u16::from(suite.suite())) else {
                return false;
            };
            let list = if info.tls13 { &tls13 } else { &tls12 };
            let whole_family = if info.tls13 {
                tls13.is_empty()
            } else {
                !has_tls12_list
            };
            (whole_family && !banned.contains(info.openssl)) || list.contains(&info.openssl)
        })
        .copied()
        .collect();
    let has_tls13 = chosen
        .iter()
        .any(|s| matches!(s, SupportedCipherSuite::Tls13(_)));
    if !has_tls13 {
        return Err(TlsError::ciphers(format!(
            "{spec:?} removes every TLS 1.3 cipher suite"
        )));
    }
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(spec: &str) -> Result<Vec<&'static str>, TlsError> {
        let all = rustls::crypto::ring::default_provider().cipher_suites;
        Ok(select(spec, &all)?
            .iter()
            .filter_map(|s| SuiteInfo::by_code(u16::from(s.suite())).map(|i| i.openssl))
            .collect())
    }

    const TLS13: [&str; 3] = [
        "TLS_AES_256_GCM_SHA384",
        "TLS_AES_128_GCM_SHA256",
        "TLS_CHACHA20_POLY1305_SHA256",
    ];

    #[test]
    fn selections() {
        let got = names("ECDHE-RSA-AES128-GCM-SHA256").expect("valid");
        assert_eq!(got, [&TLS13[..], &["ECDHE-RSA-AES128-GCM-SHA256"]].concat());

        let got =
            names("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256").expect("valid");
        assert_eq!(
            got,
            ["TLS_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384"]
        );

        let got = names("ECDHE+AESGCM:!aNULL:!MD5:!ECDSA").expect("valid");
        assert_eq!(
            got,
            [
                &TLS13[..],
                &["ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-AES128-GCM-SHA256"]
            ]
            .concat()
        );

        // Only TLS 1.3 names: the TLS 1.2 list stays as it is.
        let got = names("TLS_CHACHA20_POLY1305_SHA256").expect("valid");
        assert_eq!(got.len(), 1 + 6);
        assert_eq!(got[0], "TLS_CHACHA20_POLY1305_SHA256");
    }

    #[test]
    fn errors_name_the_unknown() {
        let err = names("ECDHE-RSA-AES128-GCM-SHA256:DES-CBC3-SHA:BOGUS").expect_err("unknown");
        assert!(err.is_ciphers());
        assert!(err.to_string().contains("DES-CBC3-SHA, BOGUS"), "{err}");
        let err = names(
            "!TLS_AES_128_GCM_SHA256:!TLS_AES_256_GCM_SHA384:!TLS13_CHACHA20_POLY1305_SHA256",
        )
        .expect_err("no TLS 1.3");
        assert!(err.to_string().contains("removes every TLS 1.3"), "{err}");
        let got = names("HIGH:!TLS_AES_128_GCM_SHA256").expect("valid");
        assert!(
            !got.contains(&"TLS_AES_128_GCM_SHA256") && got.contains(&"TLS_AES_256_GCM_SHA384")
        );
        let err = names("HIGH:!HIGH").expect_err("empty");
        assert!(
            err.to_string().contains("selects no TLS 1.2 cipher suite"),
            "{err}"
        );
    }
}
