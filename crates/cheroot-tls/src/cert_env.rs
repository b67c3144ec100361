//! A certificate's environ keys in mod_ssl's names, as cheroot's builtin adapter makes them:
//! `<P>_M_VERSION`, `<P>_M_SERIAL`, `<P>_V_START`, `<P>_V_END`, `<P>_S_DN*`, `<P>_I_DN*`,
//! `<P>_SAN_DNS_n`, `<P>_SAN_Email_n` and `<P>_V_REMAIN`.

use crate::x509::{CertInfo, parse_certificate};

/// The mod_ssl-style environ keys of the DER certificate `der` under `prefix` (`SSL_CLIENT`
/// or `SSL_SERVER`), as the handshake sets them, `now_unix` being the time `<prefix>_V_REMAIN`
/// counts days from; `None` when `der` is not a certificate this reader understands.
///
/// It reads what clients send (their certificates, under `client_verify`), so no input makes
/// it panic: `fuzz/` has a target for it (`x509_certificate`).
///
/// ```
/// assert_eq!(cheroot_tls::certificate_environ("SSL_CLIENT", b"\x30\x00", 0), None);
/// ```
pub fn certificate_environ(
    prefix: &str,
    der: &[u8],
    now_unix: i64,
) -> Option<Vec<(String, String)>> {
    parse_certificate(der)
        .ok()
        .map(|cert| cert_pairs(prefix, &cert, now_unix))
}

/// The attribute codes that get keys of their own (`<P>_S_DN_CN`); other attributes only
/// appear in the joined DN, as in cheroot.
const CODES: &[&str] = &[
    "C", "ST", "L", "O", "OU", "CN", "T", "I", "G", "S", "D", "UID", "Email",
];

/// The keys of `cert` under `prefix` (`SSL_CLIENT` or `SSL_SERVER`), `now` being the Unix time
/// `V_REMAIN` counts from.
pub(crate) fn cert_pairs(prefix: &str, cert: &CertInfo, now: i64) -> Vec<(String, String)> {
    let mut out = vec![
        (format!("{prefix}_M_VERSION"), cert.version.to_string()),
        (format!("{prefix}_M_SERIAL"), cert.serial.clone()),
        (format!("{prefix}_V_START"), cert.not_before.to_string()),
        (format!("{prefix}_V_END"), cert.not_after.to_string()),
    ];
    dn_pairs(&format!("{prefix}_S_DN"), &cert.subject, &mut out);
    dn_pairs(&format!("{prefix}_I_DN"), &cert.issuer, &mut out);
    for (i, name) in cert.san_dns.iter().enumerate() {
        out.push((format!("{prefix}_SAN_DNS_{i}"), name.clone()));
    }
    for (i, name) in cert.san_email.iter().enumerate() {
        out.push((format!("{prefix}_SAN_Email_{i}"), name.clone()));
    }
    // mod_ssl's meaning: whole days until the certificate expires, 0 once it has. cheroot gives the
    // certificate's whole lifetime instead (docs/cheroot-reference.md#tls-v-remain); we follow
    // mod_ssl.
    let remain = (cert.not_after.unix_seconds() - now).max(0) / 86_400;
    out.push((format!("{prefix}_V_REMAIN"), remain.to_string()));
    out
}

/// `key` = `K=V,K=V` in certificate order, then per code `key_K` = the values joined with
/// commas, and `key_K_i` for each when there are several.
fn dn_pairs(key: &str, dn: &[(String, String)], out: &mut Vec<(String, String)>) {
    if dn.is_empty() {
        return;
    }
    let joined = dn
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",");
    out.push((key.to_owned(), joined));
    for code in CODES {
        let values: Vec<&str> = dn
            .iter()
            .filter(|(k, _)| k == code)
            .map(|(_, v)| v.as_str())
            .collect();
        if values.is_empty() {
            continue;
        }
        out.push((format!("{key}_{code}"), values.join(",")));
        if values.len() > 1 {
            for (i, v) in values.iter().enumerate() {
                out.push((format!("{key}_{code}_{i}"), (*v).to_owned()));
            }
        }
    }
}

cfg_backend! {
    /// The current Unix time in seconds (0 if the clock is before 1970).
    pub(crate) fn now_unix() -> i64 {
        use std::time::{SystemTime, UNIX_EPOCH};
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x509::Time;

    fn time(year: i64) -> Time {
        Time {
            year,
            month: 1,
            day: 2,
            hour: 3,
            minute: 4,
            second: 5,
        }
    }

    fn pair(k: &str, v: &str) -> (String, String) {
        (k.to_owned(), v.to_owned())
    }

    #[test]
    fn certificate_environ_reads_der_and_refuses_the_rest() {
        let cert = rcgen::generate_simple_self_signed(vec!["example.test".to_owned()])
            .expect("a certificate")
            .cert;
        let pairs = certificate_environ("SSL_CLIENT", cert.der(), 0).expect("readable");
        assert!(
            pairs.contains(&pair("SSL_CLIENT_M_VERSION", "3")),
            "{pairs:?}"
        );
        assert!(
            pairs.contains(&pair("SSL_CLIENT_SAN_DNS_0", "example.test")),
            "{pairs:?}"
        );
        let der = cert.der().to_vec();
        for cut in [0, 1, der.len() / 2, der.len() - 1] {
            assert_eq!(
                certificate_environ("SSL_CLIENT", &der[..cut], 0),
                None,
                "{cut}"
            );
        }
    }

    #[test]
    fn keys_in_cheroot_form() {
        let cert = CertInfo {
            version: 3,
            serial: "0A1B".to_owned(),
            not_before: time(2020),
            not_after: time(2030),
            subject: vec![
                pair("C", "US"),
                pair("OU", "a"),
                pair("OU", "b"),
                pair("serialNumber", "42"),
                pair("CN", "client"),
            ],
            issuer: vec![pair("CN", "Test CA")],
            san_dns: vec!["localhost".to_owned(), "example.test".to_owned()],
            san_email: vec!["me@example.test".to_owned()],
        };
        let now = time(2029).unix_seconds();
        let got = cert_pairs("SSL_CLIENT", &cert, now);
        let want = vec![
            pair("SSL_CLIENT_M_VERSION", "3"),
            pair("SSL_CLIENT_M_SERIAL", "0A1B"),
            pair("SSL_CLIENT_V_START", "Jan  2 03:04:05 2020 GMT"),
            pair("SSL_CLIENT_V_END", "Jan  2 03:04:05 2030 GMT"),
            pair(
                "SSL_CLIENT_S_DN",
                "C=US,OU=a,OU=b,serialNumber=42,CN=client",
            ),
            pair("SSL_CLIENT_S_DN_C", "US"),
            pair("SSL_CLIENT_S_DN_OU", "a,b"),
            pair("SSL_CLIENT_S_DN_OU_0", "a"),
            pair("SSL_CLIENT_S_DN_OU_1", "b"),
            pair("SSL_CLIENT_S_DN_CN", "client"),
            pair("SSL_CLIENT_I_DN", "CN=Test CA"),
            pair("SSL_CLIENT_I_DN_CN", "Test CA"),
            pair("SSL_CLIENT_SAN_DNS_0", "localhost"),
            pair("SSL_CLIENT_SAN_DNS_1", "example.test"),
            pair("SSL_CLIENT_SAN_Email_0", "me@example.test"),
            pair("SSL_CLIENT_V_REMAIN", "365"),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn expired_certificate_has_no_days_left() {
        let cert = CertInfo {
            version: 1,
            serial: "00".to_owned(),
            not_before: time(2000),
            not_after: time(2001),
            subject: Vec::new(),
            issuer: Vec::new(),
            san_dns: Vec::new(),
            san_email: Vec::new(),
        };
        let got = cert_pairs("P", &cert, time(2020).unix_seconds());
        assert_eq!(got.last(), Some(&pair("P_V_REMAIN", "0")));
        assert!(!got.iter().any(|(k, _)| k.starts_with("P_S_DN")));
    }
}
