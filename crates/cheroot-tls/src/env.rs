//! The TLS environ of one connection: the mod_ssl-style `SSL_*` pairs a gateway sees.

/// The TLS environ of one connection, in a fixed order: `wsgi.url_scheme`, `HTTPS`, the
/// connection's `SSL_*` keys, then the `SSL_SERVER_*` and (with a verified client
/// certificate) `SSL_CLIENT_*` keys. See the crate documentation for the list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsEnv {
    pairs: Vec<(String, String)>,
}

impl TlsEnv {
    #[cfg_attr(
        not(any(feature = "rustls", feature = "openssl")),
        allow(dead_code, reason = "used only by a backend, and this build has none")
    )]
    pub(crate) fn push(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.pairs.push((key.into(), value.into()));
    }

    #[cfg_attr(
        not(any(feature = "rustls", feature = "openssl")),
        allow(dead_code, reason = "used only by a backend, and this build has none")
    )]
    pub(crate) fn extend(&mut self, pairs: Vec<(String, String)>) {
        self.pairs.extend(pairs);
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every pair, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// How many pairs there are.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The pairs, for the server's `ConnInfo::with_extra_env`.
    pub fn into_pairs(self) -> Vec<(String, String)> {
        self.pairs
    }
}
