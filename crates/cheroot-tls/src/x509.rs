//! A small DER reader for the X.509 fields the TLS environ shows: version, serial, validity,
//! issuer and subject names, and the DNS and e-mail subject alternative names.
//!
//! Both backends use it, so the environ is the same whichever library made the handshake.
//! It reads only what it needs and skips the rest; anything malformed is an error, never a
//! panic.

use std::fmt;

/// The fields of a certificate the environ shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CertInfo {
    /// The X.509 version as written in the environ: 1, 2 or 3.
    pub(crate) version: u8,
    /// The serial number's magnitude as upper-case hex, two digits a byte.
    pub(crate) serial: String,
    pub(crate) not_before: Time,
    pub(crate) not_after: Time,
    /// `(attribute name, value)` in certificate order.
    pub(crate) subject: Vec<(String, String)>,
    pub(crate) issuer: Vec<(String, String)>,
    pub(crate) san_dns: Vec<String>,
    pub(crate) san_email: Vec<String>,
}

/// A certificate time, UTC, to the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Time {
    pub(crate) year: i64,
    pub(crate) month: u8,
    pub(crate) day: u8,
    pub(crate) hour: u8,
    pub(crate) minute: u8,
    pub(crate) second: u8,
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl Time {
    /// Seconds since the Unix epoch.
    pub(crate) fn unix_seconds(&self) -> i64 {
        days_from_civil(self.year, self.month, self.day) * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
    }
}

/// OpenSSL's `ASN1_TIME_print` form, which cheroot (through Python's `getpeercert`) and
/// mod_ssl show: `Jun  1 12:00:00 2024 GMT`.
impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let month = MONTHS[usize::from(self.month.clamp(1, 12) - 1)];
        write!(
            f,
            "{month} {:2} {:02}:{:02}:{:02} {} GMT",
            self.day, self.hour, self.minute, self.second, self.year
        )
    }
}

/// Days from 1970-01-01 to the given date (proleptic Gregorian; Howard Hinnant's method).
fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let (m, d) = (i64::from(month), i64::from(day));
    let y = if m <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Why a certificate could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DerError(&'static str);

impl fmt::Display for DerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed certificate: {}", self.0)
    }
}

const SEQUENCE: u8 = 0x30;
const SET: u8 = 0x31;
const INTEGER: u8 = 0x02;
const OID: u8 = 0x06;
const BOOLEAN: u8 = 0x01;
const OCTET_STRING: u8 = 0x04;
const UTC_TIME: u8 = 0x17;
const GENERALIZED_TIME: u8 = 0x18;
const VERSION_TAG: u8 = 0xa0;
const EXTENSIONS_TAG: u8 = 0xa3;
const SAN_RFC822: u8 = 0x81;
const SAN_DNS: u8 = 0x82;
/// 2.5.29.17, subjectAltName.
const OID_SAN: &[u8] = &[0x55, 0x1d, 0x11];

/// Reads DER elements one after another from a slice.
struct Der<'a> {
    rest: &'a [u8],
}

impl<'a> Der<'a> {
    fn new(rest: &'a [u8]) -> Self {
        Self { rest }
    }

    fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    fn peek_tag(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    /// The next element's tag and contents.
    fn any(&mut self) -> Result<(u8, &'a [u8]), DerError> {
        let (&tag, rest) = self.rest.split_first().ok_or(DerError("truncated"))?;
        if tag & 0x1f == 0x1f {
            return Err(DerError("multi-byte tag"));
        }
        let (&first, mut rest) = rest.split_first().ok_or(DerError("truncated length"))?;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let count = usize::from(first & 0x7f);
            if count == 0 || count > 4 || rest.len() < count {
                return Err(DerError("bad length"));
            }
            let (bytes, after) = rest.split_at(count);
            rest = after;
            bytes.iter().fold(0usize, |n, &b| (n << 8) | usize::from(b))
        };
        if rest.len() < len {
            return Err(DerError("element longer than its container"));
        }
        let (contents, after) = rest.split_at(len);
        self.rest = after;
        Ok((tag, contents))
    }

    /// The next element, which must have tag `tag`.
    fn expect(&mut self, tag: u8, what: &'static str) -> Result<&'a [u8], DerError> {
        match self.any()? {
            (t, contents) if t == tag => Ok(contents),
            _ => Err(DerError(what)),
        }
    }
}

/// Reads the environ's fields from a DER certificate.
pub(crate) fn parse_certificate(der: &[u8]) -> Result<CertInfo, DerError> {
    let cert = Der::new(der).expect(SEQUENCE, "not a certificate")?;
    let mut tbs = Der::new(Der::new(cert).expect(SEQUENCE, "no tbsCertificate")?);

    let version = if tbs.peek_tag() == Some(VERSION_TAG) {
        let explicit = tbs.any()?.1;
        let v = Der::new(explicit).expect(INTEGER, "bad version")?;
        match v {
            [0] => 1,
            [1] => 2,
            [2] => 3,
            _ => return Err(DerError("unknown version")),
        }
    } else {
        1
    };
    let serial = serial_hex(tbs.expect(INTEGER, "no serial number")?);
    tbs.expect(SEQUENCE, "no signature algorithm")?;
    let issuer = parse_name(tbs.expect(SEQUENCE, "no issuer")?)?;
    let mut validity = Der::new(tbs.expect(SEQUENCE, "no validity")?);
    let not_before = parse_time(validity.any()?)?;
    let not_after = parse_time(validity.any()?)?;
    let subject = parse_name(tbs.expect(SEQUENCE, "no subject")?)?;
    tbs.expect(SEQUENCE, "no public key")?;

    let (mut san_dns, mut san_email) = (Vec::new(), Vec::new());
    while !tbs.is_empty() {
        let (tag, contents) = tbs.any()?;
        if tag != EXTENSIONS_TAG {
            continue; // issuerUniqueID, subjectUniqueID
        }
        let mut extensions = Der::new(Der::new(contents).expect(SEQUENCE, "bad extensions")?);
        while !extensions.is_empty() {
            let mut ext = Der::new(extensions.expect(SEQUENCE, "bad extension")?);
            let oid = ext.expect(OID, "extension without OID")?;
            if ext.peek_tag() == Some(BOOLEAN) {
                ext.any()?;
            }
            let value = ext.expect(OCTET_STRING, "extension without value")?;
            if oid == OID_SAN {
                let mut names = Der::new(Der::new(value).expect(SEQUENCE, "bad SAN")?);
                while !names.is_empty() {
                    match names.any()? {
                        (SAN_DNS, name) => san_dns.push(String::from_utf8_lossy(name).into_owned()),
                        (SAN_RFC822, name) => {
                            san_email.push(String::from_utf8_lossy(name).into_owned());
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    Ok(CertInfo {
        version,
        serial,
        not_before,
        not_after,
        subject,
        issuer,
        san_dns,
        san_email,
    })
}

/// The magnitude of a DER INTEGER as upper-case hex, as OpenSSL's `i2a_ASN1_INTEGER` prints a
/// serial number (the sign-padding zero byte dropped; `00` for zero).
fn serial_hex(contents: &[u8]) -> String {
    let start = contents
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(contents.len());
    let magnitude = &contents[start..];
    if magnitude.is_empty() {
        return "00".to_owned();
    }
    magnitude.iter().map(|b| format!("{b:02X}")).collect()
}

/// A Name: a sequence of relative distinguished names, each a set of attribute/value pairs,
/// flattened in certificate order.
fn parse_name(contents: &[u8]) -> Result<Vec<(String, String)>, DerError> {
    let mut out = Vec::new();
    let mut rdns = Der::new(contents);
    while !rdns.is_empty() {
        let mut set = Der::new(rdns.expect(SET, "bad relative distinguished name")?);
        while !set.is_empty() {
            let mut pair = Der::new(set.expect(SEQUENCE, "bad attribute")?);
            let oid = pair.expect(OID, "attribute without OID")?;
            let (tag, value) = pair.any()?;
            out.push((attribute_name(oid), decode_string(tag, value)));
        }
    }
    Ok(out)
}

/// The name cheroot's environ uses for an attribute: the mod_ssl code where cheroot has one,
/// else OpenSSL's long name, else the dotted OID.
fn attribute_name(oid: &[u8]) -> String {
    const ATTRS: &[(&[u8], &str)] = &[
        (&[0x55, 0x04, 0x06], "C"),
        (&[0x55, 0x04, 0x08], "ST"),
        (&[0x55, 0x04, 0x07], "L"),
        (&[0x55, 0x04, 0x0a], "O"),
        (&[0x55, 0x04, 0x0b], "OU"),
        (&[0x55, 0x04, 0x03], "CN"),
        (&[0x55, 0x04, 0x0c], "T"),
        (&[0x55, 0x04, 0x2b], "I"),
        (&[0x55, 0x04, 0x2a], "G"),
        (&[0x55, 0x04, 0x04], "S"),
        (&[0x55, 0x04, 0x0d], "D"),
        (
            &[0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x01],
            "UID",
        ),
        (
            &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01],
            "Email",
        ),
        (&[0x55, 0x04, 0x05], "serialNumber"),
        (&[0x55, 0x04, 0x09], "streetAddress"),
        (&[0x55, 0x04, 0x11], "postalCode"),
        (&[0x55, 0x04, 0x2c], "generationQualifier"),
        (&[0x55, 0x04, 0x2e], "dnQualifier"),
        (&[0x55, 0x04, 0x41], "pseudonym"),
        (&[0x55, 0x04, 0x0f], "businessCategory"),
        (
            &[0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19],
            "domainComponent",
        ),
    ];
    ATTRS
        .iter()
        .find(|(known, _)| *known == oid)
        .map_or_else(|| dotted_oid(oid), |(_, name)| (*name).to_owned())
}

/// An OID in dotted form (`1.2.3`); malformed encodings still give some text.
fn dotted_oid(oid: &[u8]) -> String {
    let mut arcs: Vec<u64> = Vec::new();
    let mut value: u64 = 0;
    for &b in oid {
        value = value.saturating_mul(128) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            if arcs.is_empty() {
                let first = (value / 40).min(2);
                arcs.push(first);
                arcs.push(value - first * 40);
            } else {
                arcs.push(value);
            }
            value = 0;
        }
    }
    arcs.iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// The text of a directory string in any of its encodings.
fn decode_string(tag: u8, value: &[u8]) -> String {
    match tag {
        // TeletexString: treated as ISO-8859-1, as OpenSSL does.
        0x14 => value.iter().map(|&b| char::from(b)).collect(),
        // BMPString: UTF-16BE.
        0x1e => {
            let units: Vec<u16> = value
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        // UniversalString: UTF-32BE.
        0x1c => value
            .chunks_exact(4)
            .map(|c| {
                char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
                    .unwrap_or(char::REPLACEMENT_CHARACTER)
            })
            .collect(),
        // UTF8String, PrintableString, IA5String, NumericString, VisibleString and the rest.
        _ => String::from_utf8_lossy(value).into_owned(),
    }
}

/// A UTCTime (`YYMMDDHHMMSSZ`, years 1950 to 2049) or GeneralizedTime (`YYYYMMDDHHMMSSZ`).
fn parse_time((tag, value): (u8, &[u8])) -> Result<Time, DerError> {
    let bad = DerError("bad time");
    let digits = |s: &[u8]| -> Result<i64, DerError> {
        s.iter().try_fold(0i64, |n, &b| {
            if b.is_ascii_digit() {
                Ok(n * 10 + i64::from(b - b'0'))
            } else {
                Err(bad)
            }
        })
    };
    let (year, rest) = match tag {
        UTC_TIME if value.len() >= 12 => {
            let yy = digits(&value[..2])?;
            (if yy < 50 { 2000 + yy } else { 1900 + yy }, &value[2..])
        }
        GENERALIZED_TIME if value.len() >= 14 => (digits(&value[..4])?, &value[4..]),
        _ => return Err(bad),
    };
    let field = |i: usize, max: i64| -> Result<u8, DerError> {
        let v = digits(&rest[i..i + 2])?;
        u8::try_from(v).ok().filter(|_| v <= max).ok_or(bad)
    };
    let time = Time {
        year,
        month: field(0, 12)?,
        day: field(2, 31)?,
        hour: field(4, 23)?,
        minute: field(6, 59)?,
        second: field(8, 60)?,
    };
    if time.month == 0 || time.day == 0 {
        return Err(bad);
    }
    Ok(time)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        let cases: &[(u8, &[u8], &str, i64)] = &[
            (
                UTC_TIME,
                b"240601120000Z",
                "Jun  1 12:00:00 2024 GMT",
                1_717_243_200,
            ),
            (UTC_TIME, b"700101000000Z", "Jan  1 00:00:00 1970 GMT", 0),
            (
                UTC_TIME,
                b"491231235959Z",
                "Dec 31 23:59:59 2049 GMT",
                2_524_607_999,
            ),
            (
                GENERALIZED_TIME,
                b"99991231235959Z",
                "Dec 31 23:59:59 9999 GMT",
                253_402_300_799,
            ),
        ];
        for &(tag, text, shown, unix) in cases {
            let t = parse_time((tag, text)).expect("valid time");
            assert_eq!(t.to_string(), shown);
            assert_eq!(t.unix_seconds(), unix);
        }
        for bad in [&b"2406011200"[..], b"24130112000Z", b"2406x1120000Z", b""] {
            assert!(parse_time((UTC_TIME, bad)).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn serials_and_oids() {
        assert_eq!(serial_hex(&[0x00, 0x8f, 0x01]), "8F01");
        assert_eq!(serial_hex(&[0x0a]), "0A");
        assert_eq!(serial_hex(&[0x00]), "00");
        assert_eq!(
            dotted_oid(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d]),
            "1.2.840.113549"
        );
        assert_eq!(attribute_name(&[0x55, 0x04, 0x03]), "CN");
        assert_eq!(attribute_name(&[0x55, 0x04, 0x63]), "2.5.4.99");
    }

    #[test]
    fn strings() {
        assert_eq!(decode_string(0x0c, "é".as_bytes()), "é");
        assert_eq!(decode_string(0x14, &[0xe9]), "é");
        assert_eq!(decode_string(0x1e, &[0x00, 0xe9]), "é");
        assert_eq!(decode_string(0x1c, &[0, 0, 0, 0xe9]), "é");
    }

    /// A certificate made by rcgen with every field the environ reads.
    fn sample() -> Vec<u8> {
        use rcgen::{CertificateParams, DistinguishedName, DnType, KeyPair, SanType, SerialNumber};
        let key = KeyPair::generate().expect("key");
        let mut params = CertificateParams::new(vec!["a.test".to_owned()]).expect("params");
        params.distinguished_name = DistinguishedName::new();
        params.distinguished_name.push(DnType::CountryName, "FR");
        params.distinguished_name.push(DnType::CommonName, "Zoé");
        params
            .subject_alt_names
            .push(SanType::Rfc822Name("z@a.test".try_into().expect("e-mail")));
        params.serial_number = Some(SerialNumber::from_slice(&[0x00, 0x9f, 0x01]));
        params.not_before = rcgen::date_time_ymd(2024, 6, 1);
        params.not_after = rcgen::date_time_ymd(2034, 12, 31);
        params
            .self_signed(&key)
            .expect("certificate")
            .der()
            .to_vec()
    }

    #[test]
    fn reads_a_real_certificate() {
        let cert = parse_certificate(&sample()).expect("readable");
        assert_eq!(cert.version, 3);
        assert_eq!(cert.serial, "9F01");
        assert_eq!(cert.not_before.to_string(), "Jun  1 00:00:00 2024 GMT");
        assert_eq!(cert.not_after.to_string(), "Dec 31 00:00:00 2034 GMT");
        let dn = vec![
            ("C".to_owned(), "FR".to_owned()),
            ("CN".to_owned(), "Zoé".to_owned()),
        ];
        assert_eq!(cert.subject, dn);
        assert_eq!(cert.issuer, dn);
        assert_eq!(cert.san_dns, ["a.test"]);
        assert_eq!(cert.san_email, ["z@a.test"]);
    }

    /// Every truncation and every single-byte change of a real certificate: an answer, never a
    /// panic.
    #[test]
    fn mutations_never_panic() {
        let der = sample();
        for len in 0..der.len() {
            assert!(
                parse_certificate(&der[..len]).is_err(),
                "truncated at {len}"
            );
        }
        for i in 0..der.len() {
            for flip in [0x01, 0x80, 0xff] {
                let mut bad = der.clone();
                bad[i] ^= flip;
                let _ = parse_certificate(&bad);
            }
        }
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        let inputs: &[&[u8]] = &[
            b"",
            &[0x30],
            &[0x30, 0x84, 0xff, 0xff, 0xff, 0xff],
            &[0x30, 0x02, 0x30, 0x05],
            &[0x1f, 0x01, 0x00],
            &[0x30, 0x03, 0x30, 0x01, 0x02],
        ];
        for input in inputs {
            assert!(parse_certificate(input).is_err(), "{input:?}");
        }
    }
}
