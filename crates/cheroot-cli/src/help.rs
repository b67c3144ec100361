//! The `--help` and `--version` texts, rendered from the flag table.

use std::fmt::Write as _;

use cheroot::tls::get_ssl_adapter_class;

use crate::flags::FLAGS;
use crate::options::TlsBackend;

/// The `--version` line.
pub fn version_text() -> String {
    format!("cheroot {}\n", env!("CARGO_PKG_VERSION"))
}

/// The `--help` text: usage, APP forms, every flag with its default, exit statuses.
pub fn help_text() -> String {
    let mut out = String::from(
        "Usage: cheroot [OPTIONS] APP\n\
         \n\
         Serve APP over HTTP/1.1 until SIGINT or SIGTERM, then stop gracefully.\n\
         Prints the bound address on one line once it is listening.\n\
         \n\
         APP:\n\
        \x20 builtin:echo        the echo application (docs/echo-app.md): /hello, /echo,\n\
        \x20                     /stream, /big, /slow, /status/NNN, OPTIONS *, /raise\n\
        \x20 builtin:hello       200 \"Hello world!\" to every request\n\
        \x20 module[:callable]   a Python WSGI application (callable: application by\n\
        \x20                     default), served by the cheroot-rs package (--python)\n\
         \n\
         Options (--flag VALUE or --flag=VALUE):\n",
    );
    for flag in FLAGS {
        let mut left = flag.name.to_owned();
        if let Some(metavar) = flag.metavar {
            left.push(' ');
            left.push_str(metavar);
        }
        let mut words: Vec<String> = flag.help.split_whitespace().map(str::to_owned).collect();
        if !flag.default.is_empty() {
            // One unit, so the default never breaks across lines.
            words.push(format!("[default: {}]", flag.default));
        }
        // Writing into a String cannot fail.
        let _ = writeln!(out, "  {left}");
        wrap_into(&mut out, &words, "      ", WIDTH);
    }
    let _ = write!(
        out,
        "  -h, --help\n      Print this help and exit\n\
        \x20 --version\n      Print the version and exit\n\
         \n\
         TLS backends built in: {}.\n\
         \n\
         Exit status: 0 after a clean stop, 1 if the server failed, 2 for a bad\n\
         command line.\n",
        built_backends()
    );
    out
}

/// The TLS backends compiled in, by `--ssl-adapter` name, or `none`.
fn built_backends() -> String {
    let built: Vec<&str> = [TlsBackend::Rustls, TlsBackend::Openssl]
        .into_iter()
        .map(TlsBackend::name)
        .filter(|name| get_ssl_adapter_class(name).is_ok())
        .collect();
    if built.is_empty() {
        "none".to_owned()
    } else {
        built.join(", ")
    }
}

/// The widest line the help writes.
const WIDTH: usize = 79;

/// Appends `words` joined by spaces and wrapped to `width` columns, each line starting with
/// `indent`; a word longer than a line gets a line of its own.
fn wrap_into(out: &mut String, words: &[String], indent: &str, width: usize) {
    let mut line = String::from(indent);
    for word in words {
        if line.len() > indent.len() && line.len() + 1 + word.len() > width {
            out.push_str(&line);
            out.push('\n');
            line = String::from(indent);
        }
        if line.len() > indent.len() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if line.len() > indent.len() {
        out.push_str(&line);
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_names_every_flag_and_default() {
        let help = help_text();
        for flag in FLAGS {
            assert!(help.contains(flag.name), "{}", flag.name);
            if !flag.default.is_empty() {
                assert!(
                    help.contains(&format!("[default: {}]", flag.default)),
                    "{}",
                    flag.name
                );
            }
        }
        assert!(help.contains("[default: [::1]:8000]"));
        for line in help.lines() {
            assert!(line.len() <= WIDTH, "too wide: {line:?}");
        }
    }

    #[test]
    fn wraps_words() {
        let words = |s: &str| s.split(' ').map(str::to_owned).collect::<Vec<_>>();
        let mut out = String::new();
        wrap_into(&mut out, &words("aaa bbb ccc dddd"), "  ", 10);
        assert_eq!(out, "  aaa bbb\n  ccc dddd\n");
        let mut out = String::new();
        wrap_into(&mut out, &words("averyveryverylongword x"), "  ", 10);
        assert_eq!(out, "  averyveryverylongword\n  x\n");
    }
}
