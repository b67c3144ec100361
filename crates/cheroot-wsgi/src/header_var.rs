//! The environ key of a request header field: cheroot's `HTTP_` + upper-case name with `-` as
//! `_`, except `CONTENT_TYPE` and `CONTENT_LENGTH`; for the names most requests carry, a
//! constant.
//!
//! A constant key costs no allocation per request, and the Python bridge recognises it by
//! address instead of comparing its text (`crates/cheroot-python/src/environ/template.rs`).

use crate::environ::header_key;
use crate::environ_vars::Text;

/// Field names and their keys, for the fields browsers, proxies and load tools send most.
const COMMON: [(&str, &str); 24] = [
    ("Host", "HTTP_HOST"),
    ("User-Agent", "HTTP_USER_AGENT"),
    ("Accept", "HTTP_ACCEPT"),
    ("Accept-Encoding", "HTTP_ACCEPT_ENCODING"),
    ("Accept-Language", "HTTP_ACCEPT_LANGUAGE"),
    ("Connection", "HTTP_CONNECTION"),
    ("Content-Type", "CONTENT_TYPE"),
    ("Content-Length", "CONTENT_LENGTH"),
    ("Cookie", "HTTP_COOKIE"),
    ("Referer", "HTTP_REFERER"),
    ("Origin", "HTTP_ORIGIN"),
    ("Authorization", "HTTP_AUTHORIZATION"),
    ("Cache-Control", "HTTP_CACHE_CONTROL"),
    ("Pragma", "HTTP_PRAGMA"),
    ("If-None-Match", "HTTP_IF_NONE_MATCH"),
    ("If-Modified-Since", "HTTP_IF_MODIFIED_SINCE"),
    (
        "Upgrade-Insecure-Requests",
        "HTTP_UPGRADE_INSECURE_REQUESTS",
    ),
    ("Transfer-Encoding", "HTTP_TRANSFER_ENCODING"),
    ("Expect", "HTTP_EXPECT"),
    ("X-Forwarded-For", "HTTP_X_FORWARDED_FOR"),
    ("X-Forwarded-Proto", "HTTP_X_FORWARDED_PROTO"),
    ("X-Forwarded-Host", "HTTP_X_FORWARDED_HOST"),
    ("X-Real-IP", "HTTP_X_REAL_IP"),
    ("X-Requested-With", "HTTP_X_REQUESTED_WITH"),
];

/// The environ key for the field `name` (a token, so ASCII).
pub(crate) fn header_var(name: &str) -> Text {
    let common = COMMON
        .iter()
        .find(|(field, _)| field.len() == name.len() && field.eq_ignore_ascii_case(name));
    match common {
        Some((_, key)) => Text::Static(key),
        None => general_var(name),
    }
}

/// The environ key for the field `name` by the general rule.
fn general_var(name: &str) -> Text {
    let key = header_key(name);
    match key.as_str() {
        // Fields spelt with `_` (`Content_Type`) end up here too, with the same keys.
        "HTTP_CONTENT_TYPE" => Text::Static("CONTENT_TYPE"),
        "HTTP_CONTENT_LENGTH" => Text::Static("CONTENT_LENGTH"),
        _ => Text::Owned(key),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The constants are what the general rule gives, in any case of the name.
    #[test]
    fn every_constant_is_the_general_key() {
        for (field, key) in COMMON {
            assert_eq!(key, &*general_var(field), "{field}");
            for name in [
                field.to_owned(),
                field.to_ascii_lowercase(),
                field.to_ascii_uppercase(),
            ] {
                assert!(
                    matches!(header_var(&name), Text::Static(k) if k == key),
                    "{name}"
                );
            }
        }
    }

    #[test]
    fn other_names_follow_the_general_rule() {
        let table = [
            ("X-Custom-Thing", "HTTP_X_CUSTOM_THING", false),
            ("Content_Type", "CONTENT_TYPE", true),
            ("content_length", "CONTENT_LENGTH", true),
            ("Hosts", "HTTP_HOSTS", false),
            ("Hos", "HTTP_HOS", false),
            ("X_Forwarded_For", "HTTP_X_FORWARDED_FOR", false),
        ];
        for (name, want, constant) in table {
            let got = header_var(name);
            assert_eq!(&*got, want, "{name}");
            assert_eq!(matches!(got, Text::Static(_)), constant, "{name}");
        }
    }
}
