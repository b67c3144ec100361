//! `BindAddr`: where a server listens (TCP host and port, UNIX path, abstract name), and the
//! parser for cheroot's `--bind` forms.

use std::error::Error;
use std::ffi::OsStr;
use std::fmt;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::str::FromStr;

/// A listening address, as cheroot's `bind_addr` has them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum BindAddr {
    /// A TCP host (an IP address or a name to resolve) and port; port 0 asks for an ephemeral
    /// port.
    Tcp {
        /// The host, e.g. `127.0.0.1`, `::` or `localhost`; never empty.
        host: String,
        /// The port; 0 for an ephemeral one.
        port: u16,
    },
    /// A UNIX socket file.
    Unix(PathBuf),
    /// A Linux abstract UNIX socket name, without the leading NUL byte.
    Abstract(Vec<u8>),
}

/// A bind address that cannot be used; the message says why and names the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindAddrError {
    msg: String,
}

impl BindAddrError {
    fn new(msg: String) -> Self {
        BindAddrError { msg }
    }
}

impl fmt::Display for BindAddrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.msg)
    }
}

impl Error for BindAddrError {}

/// cheroot's `ValueError` for an empty host (`HTTPServer.bind_addr` setter).
const EMPTY_HOST: &str = "Host values of '' or None are not allowed. Use '0.0.0.0' (IPv4) or \
                          '::' (IPv6) instead to listen on all active interfaces.";

impl BindAddr {
    /// A TCP address.
    ///
    /// # Errors
    ///
    /// An empty host, with cheroot's message.
    pub fn tcp(host: impl Into<String>, port: u16) -> Result<BindAddr, BindAddrError> {
        let host = host.into();
        if host.is_empty() {
            return Err(BindAddrError::new(EMPTY_HOST.to_owned()));
        }
        Ok(BindAddr::Tcp { host, port })
    }

    /// Whether this is a UNIX socket, by path or abstract name.
    pub fn is_unix(&self) -> bool {
        !matches!(self, BindAddr::Tcp { .. })
    }
}

impl fmt::Display for BindAddr {
    /// `host:port` (`[v6]:port` for an IPv6 host), the path, or `@name` for an abstract socket:
    /// the forms [`FromStr`] reads back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BindAddr::Tcp { host, port } if host.contains(':') => write!(f, "[{host}]:{port}"),
            BindAddr::Tcp { host, port } => write!(f, "{host}:{port}"),
            BindAddr::Unix(path) => write!(f, "{}", path.display()),
            BindAddr::Abstract(name) => write!(f, "@{}", name.escape_ascii()),
        }
    }
}

impl FromStr for BindAddr {
    type Err = BindAddrError;

    /// Reads cheroot's `--bind` forms (`test_cli.py::test_parse_wsgi_bind_addr`):
    ///
    /// | input | result |
    /// |---|---|
    /// | `192.168.1.1:80` | TCP `192.168.1.1`, 80 |
    /// | `[::1]:8000` | TCP `::1`, 8000 |
    /// | `localhost:5000`, `LocalHost:5000` | TCP `localhost`, 5000 (names are lower-cased) |
    /// | `foo@bar:5000` | TCP `bar`, 5000 (user info dropped) |
    /// | `/tmp/cheroot.sock`, `./x.sock` | UNIX path |
    /// | `@cheroot` (or `\0cheroot`) | abstract name `cheroot` |
    ///
    /// cheroot reads a host with no port (`foo`) as `('foo', None)`, which cannot be bound;
    /// here it is an error naming the value. A port that is not a number in 0..=65535 is an
    /// error too, where cheroot would silently take the whole string as a UNIX path.
    fn from_str(s: &str) -> Result<BindAddr, BindAddrError> {
        // cheroot reads "" as a UNIX path and "@" as an abstract name; bound, either makes
        // Linux pick an abstract name of its own ("autobind"), a server nobody can reach.
        if matches!(s, "" | "@" | "\0") {
            return Err(BindAddrError::new(format!(
                "bind address {s:?} is empty: use HOST:PORT, a UNIX socket path starting \
                 with '/' or an abstract name starting with '@'"
            )));
        }
        if let Some(name) = s.strip_prefix('@').or_else(|| s.strip_prefix('\0')) {
            return Ok(BindAddr::Abstract(name.as_bytes().to_vec()));
        }
        if s.starts_with('/') || s.starts_with("./") || s.starts_with("../") {
            return Ok(BindAddr::Unix(PathBuf::from(OsStr::from_bytes(
                s.as_bytes(),
            ))));
        }
        // As `urlparse('//' + s)`: the authority ends at the first '/', '?' or '#'.
        let authority = s.split(['/', '?', '#']).next().unwrap_or("");
        if authority.is_empty() {
            return Ok(BindAddr::Unix(PathBuf::from(s)));
        }
        let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
        let (host, port) = split_host_port(host_port).ok_or_else(|| {
            BindAddrError::new(format!(
                "invalid bind address {s:?}: expected HOST:PORT, with an IPv6 address in \
                 brackets ([::1]:8000)"
            ))
        })?;
        let port = match port {
            None => {
                return Err(BindAddrError::new(format!(
                    "bind address {s:?} has no port: use HOST:PORT, a UNIX socket path \
                     starting with '/' or an abstract name starting with '@'"
                )));
            }
            Some(p) => p.parse::<u16>().map_err(|_| {
                BindAddrError::new(format!(
                    "invalid port {p:?} in bind address {s:?}: expected 0..=65535"
                ))
            })?,
        };
        BindAddr::tcp(host.to_ascii_lowercase(), port)
    }
}

/// Splits `host[:port]` or `[v6][:port]`; `None` for an unclosed bracket or junk after it.
fn split_host_port(s: &str) -> Option<(&str, Option<&str>)> {
    if let Some(rest) = s.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        return match after {
            "" => Some((host, None)),
            _ => Some((host, Some(after.strip_prefix(':')?))),
        };
    }
    if s.matches(':').count() > 1 {
        // An IPv6 address without brackets: the port cannot be told from the address.
        return None;
    }
    match s.split_once(':') {
        Some((host, port)) => Some((host, Some(port))),
        None => Some((s, None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tcp(host: &str, port: u16) -> BindAddr {
        BindAddr::Tcp {
            host: host.to_owned(),
            port,
        }
    }

    // test_cli.py::test_parse_wsgi_bind_addr
    #[test]
    fn parses_cheroot_forms() {
        let table: &[(&str, BindAddr)] = &[
            ("192.168.1.1:80", tcp("192.168.1.1", 80)),
            ("[::1]:8000", tcp("::1", 8000)),
            ("localhost:5000", tcp("localhost", 5000)),
            ("LocalHost:5000", tcp("localhost", 5000)),
            ("foo@bar:5000", tcp("bar", 5000)),
            ("0.0.0.0:0", tcp("0.0.0.0", 0)),
            ("[::]:65535", tcp("::", 65535)),
            (
                "/tmp/cheroot.sock",
                BindAddr::Unix("/tmp/cheroot.sock".into()),
            ),
            ("./cheroot.sock", BindAddr::Unix("./cheroot.sock".into())),
            ("@cheroot", BindAddr::Abstract(b"cheroot".to_vec())),
            ("\0cheroot", BindAddr::Abstract(b"cheroot".to_vec())),
        ];
        for (input, want) in table {
            assert_eq!(input.parse::<BindAddr>().as_ref(), Ok(want), "{input:?}");
        }
    }

    #[test]
    fn rejects_unbindable_forms() {
        let table: &[(&str, &str)] = &[
            ("foo", "bind address \"foo\" has no port"),
            ("123456789", "bind address \"123456789\" has no port"),
            ("[::1]", "has no port"),
            ("host:http", "invalid port \"http\""),
            ("host:70000", "invalid port \"70000\""),
            ("[::1", "invalid bind address"),
            ("[::1]x", "invalid bind address"),
            ("::1:8000", "with an IPv6 address in brackets"),
            (":8000", "Host values of '' or None are not allowed"),
            // Refused because these would bind an auto-named abstract socket.
            ("", "bind address \"\" is empty"),
            ("@", "bind address \"@\" is empty"),
            ("\0", "bind address \"\\0\" is empty"),
        ];
        for (input, want) in table {
            let err = input.parse::<BindAddr>().unwrap_err().to_string();
            assert!(err.contains(want), "{input:?}: {err}");
        }
    }

    #[test]
    fn empty_host_is_refused() {
        let err = BindAddr::tcp("", 80).unwrap_err();
        assert!(err.to_string().starts_with(
            "Host values of '' or None are not allowed. Use '0.0.0.0' (IPv4) or '::' (IPv6) instead"
        ));
    }

    #[test]
    fn display_round_trips() {
        for s in ["127.0.0.1:80", "[::1]:8000", "/tmp/x.sock", "@name"] {
            let addr: BindAddr = s.parse().unwrap();
            assert_eq!(addr.to_string(), s);
        }
        assert_eq!(BindAddr::Abstract(b"a\0b".to_vec()).to_string(), "@a\\x00b");
        assert!(BindAddr::Unix("/x".into()).is_unix());
        assert!(!tcp("h", 1).is_unix());
    }
}
