//! The cipher suites both backends can name alike: OpenSSL and IANA names, key sizes, and the
//! OpenSSL cipher-list keywords that select them.

/// One TLS 1.2 or 1.3 suite of the rustls ring provider.
#[derive(Debug)]
pub(crate) struct SuiteInfo {
    /// The IANA code point.
    #[cfg_attr(
    not(feature = "rustls"),
    allow(dead_code, reason = "read only by the rustls backend")
)]
    pub(crate) code: u16,
    /// OpenSSL's name, which the environ shows (`SSL_CIPHER`).
    pub(crate) openssl: &'static str,
    /// IANA's name (rustls spells TLS 1.3 ones `TLS13_...`).
    pub(crate) iana: &'static str,
    pub(crate) tls13: bool,
    /// Key bits, used and of the algorithm (equal for these AEAD suites).
    #[cfg_attr(
    not(feature = "rustls"),
    allow(dead_code, reason = "read only by the rustls backend")
)]
    pub(crate) bits: u32,
    /// OpenSSL cipher-list keywords that select the suite (TLS 1.2 only, as in OpenSSL).
    #[cfg_attr(
    not(feature = "rustls"),
    allow(dead_code, reason = "read only by the rustls backend")
)]
    tags: &'static [&'static str],
}

/// Keywords every TLS 1.2 suite here answers to: all are ECDHE with an AEAD, "high".
#[cfg_attr(
    not(feature = "rustls"),
    allow(dead_code, reason = "read only by the rustls backend")
)]
const TLS12: &[&str] = &[
    "ALL", "DEFAULT", "HIGH", "ECDHE", "EECDH", "kECDHE", "kEECDH", "TLSv1.2", "AEAD",
];

pub(crate) const SUITES: &[SuiteInfo] = &[
    SuiteInfo {
        code: 0x1302,
        openssl: "TLS_AES_256_GCM_SHA384",
        iana: "TLS_AES_256_GCM_SHA384",
        tls13: true,
        bits: 256,
        tags: &[],
    },
    SuiteInfo {
        code: 0x1301,
        openssl: "TLS_AES_128_GCM_SHA256",
        iana: "TLS_AES_128_GCM_SHA256",
        tls13: true,
        bits: 128,
        tags: &[],
    },
    SuiteInfo {
        code: 0x1303,
        openssl: "TLS_CHACHA20_POLY1305_SHA256",
        iana: "TLS_CHACHA20_POLY1305_SHA256",
        tls13: true,
        bits: 256,
        tags: &[],
    },
    SuiteInfo {
        code: 0xc02c,
        openssl: "ECDHE-ECDSA-AES256-GCM-SHA384",
        iana: "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        tls13: false,
        bits: 256,
        tags: &["aECDSA", "ECDSA", "AESGCM", "AES", "AES256", "SHA384"],
    },
    SuiteInfo {
        code: 0xc02b,
        openssl: "ECDHE-ECDSA-AES128-GCM-SHA256",
        iana: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        tls13: false,
        bits: 128,
        tags: &["aECDSA", "ECDSA", "AESGCM", "AES", "AES128", "SHA256"],
    },
    SuiteInfo {
        code: 0xcca9,
        openssl: "ECDHE-ECDSA-CHACHA20-POLY1305",
        iana: "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        tls13: false,
        bits: 256,
        tags: &["aECDSA", "ECDSA", "CHACHA20", "SHA256"],
    },
    SuiteInfo {
        code: 0xc030,
        openssl: "ECDHE-RSA-AES256-GCM-SHA384",
        iana: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        tls13: false,
        bits: 256,
        tags: &["aRSA", "AESGCM", "AES", "AES256", "SHA384"],
    },
    SuiteInfo {
        code: 0xc02f,
        openssl: "ECDHE-RSA-AES128-GCM-SHA256",
        iana: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        tls13: false,
        bits: 128,
        tags: &["aRSA", "AESGCM", "AES", "AES128", "SHA256"],
    },
    SuiteInfo {
        code: 0xcca8,
        openssl: "ECDHE-RSA-CHACHA20-POLY1305",
        iana: "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        tls13: false,
        bits: 256,
        tags: &["aRSA", "CHACHA20", "SHA256"],
    },
];

impl SuiteInfo {
    /// Whether `atom` (a name or keyword, any case) selects this suite.
    #[cfg_attr(
    not(feature = "rustls"),
    allow(dead_code, reason = "read only by the rustls backend")
)]
    pub(crate) fn matches(&self, atom: &str) -> bool {
        let rustls_name = self.iana.replacen("TLS_", "TLS13_", 1);
        atom.eq_ignore_ascii_case(self.openssl)
            || atom.eq_ignore_ascii_case(self.iana)
            || (self.tls13 && atom.eq_ignore_ascii_case(&rustls_name))
            || (!self.tls13
                && (TLS12
                    .iter()
                    .chain(self.tags)
                    .any(|t| atom.eq_ignore_ascii_case(t))))
    }

    /// The suite with IANA code `code`.
    #[cfg_attr(
    not(feature = "rustls"),
    allow(dead_code, reason = "read only by the rustls backend")
)]
    pub(crate) fn by_code(code: u16) -> Option<&'static SuiteInfo> {
        SUITES.iter().find(|s| s.code == code)
    }

    /// The suite named `name` (OpenSSL, IANA or rustls spelling), not by keyword.
    pub(crate) fn by_name(name: &str) -> Option<&'static SuiteInfo> {
        SUITES.iter().find(|s| {
            name.eq_ignore_ascii_case(s.openssl)
                || name.eq_ignore_ascii_case(s.iana)
                || name.eq_ignore_ascii_case(&s.iana.replacen("TLS_", "TLS13_", 1))
        })
    }
}

/// What a cipher-list term does, by its first character (OpenSSL's syntax).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    /// `NAME`: add.
    Add,
    /// `!NAME`: remove for good.
    Ban,
    /// `-NAME`: remove (may be added again).
    Remove,
    /// `+NAME`: move to the end (order only).
    Move,
    /// `@STRENGTH`, `@SECLEVEL=n`: sorting and levels, not a selection.
    Directive,
}

/// The terms of an OpenSSL cipher list (separated by `:`, `,` or spaces), each with its
/// operation and the rest of the term.
pub(crate) fn terms(spec: &str) -> impl Iterator<Item = (Op, &str)> {
    spec.split([':', ',', ' '])
        .filter(|t| !t.is_empty())
        .map(|t| match t.as_bytes()[0] {
            b'!' => (Op::Ban, &t[1..]),
            b'-' => (Op::Remove, &t[1..]),
            b'+' => (Op::Move, &t[1..]),
            b'@' => (Op::Directive, t),
            _ => (Op::Add, t),
        })
}

/// Whether a term names a TLS 1.3 suite (OpenSSL sets those apart from the cipher list).
pub(crate) fn is_tls13_name(body: &str) -> bool {
    SuiteInfo::by_name(body).map_or_else(
        || {
            let upper = body.to_ascii_uppercase();
            (upper.starts_with("TLS_") || upper.starts_with("TLS13_")) && !upper.contains("_WITH_")
        },
        |s| s.tls13,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_keywords() {
        let rsa128 = SuiteInfo::by_name("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256").expect("known");
        assert_eq!(rsa128.openssl, "ECDHE-RSA-AES128-GCM-SHA256");
        assert!(rsa128.matches("aRSA") && rsa128.matches("aesgcm") && !rsa128.matches("aECDSA"));
        let aes256 = SuiteInfo::by_name("TLS13_AES_256_GCM_SHA384").expect("rustls spelling");
        assert!(aes256.tls13 && !aes256.matches("ALL"));
        assert!(is_tls13_name("TLS_AES_128_CCM_SHA256"));
        assert!(!is_tls13_name("TLS_RSA_WITH_AES_128_CBC_SHA"));
        assert!(!is_tls13_name("HIGH"));
    }

    #[test]
    fn term_syntax() {
        let got: Vec<_> = terms("ECDHE+AESGCM:!aNULL, -MD5 +RC4:@STRENGTH").collect();
        assert_eq!(
            got,
            [
                (Op::Add, "ECDHE+AESGCM"),
                (Op::Ban, "aNULL"),
                (Op::Remove, "MD5"),
                (Op::Move, "RC4"),
                (Op::Directive, "@STRENGTH"),
            ]
        );
    }
}
