//! The `--help` and `--version` texts, rendered from the flag table.

use std::fmt::Write as _;

use crate::flags::FLAGS;

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
        \x20 builtin:echo        the echo application (ECHO_APP.md): /hello, /echo, /stream,\n\
        \x20                     /big, /slow, /status/NNN, OPTIONS *, /raise\n\
        \x20 builtin:hello       200 \"Hello world!\" to every request\n\
        \x20 module[:callable]   a hosted application (not supported yet)\n\
         \n\
         Options (--flag VALUE or --flag=VALUE):\n",
    );
    for flag in FLAGS {
        let mut left = flag.name.to_owned();
        if let Some(metavar) = flag.metavar {
            left.push(' ');
            left.push_str(metavar);
        }
        // Writing into a String cannot fail.
        let _ = write!(out, "  {left}\n      {}", flag.help);
        if !flag.default.is_empty() {
            let _ = write!(out, " [default: {}]", flag.default);
        }
        out.push('\n');
    }
    out.push_str(
        "  -h, --help\n      Print this help and exit\n\
        \x20 --version\n      Print the version and exit\n\
         \n\
         TLS (--ssl-*) and peer credentials (--peercreds*) are parsed and checked, then\n\
         refused with exit status 2 until this binary is built with them.\n\
         \n\
         Exit status: 0 after a clean stop, 1 if the server failed, 2 for a bad command line.\n",
    );
    out
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
    }
}
