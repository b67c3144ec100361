//! The `--help` and `--version` texts, and the clap command they and the generated man page
//! and completions come from.

use clap::CommandFactory as _;

use cheroot::tls::get_ssl_adapter_class;

use crate::flags::Cli;
use crate::options::TlsBackend;

/// The `cheroot` command as clap sees it: every flag with its help and default. `cargo xtask
/// dist` renders the man page and the shell completions from it.
pub fn command() -> clap::Command {
    Cli::command().after_long_help(format!(
        "APP:\n\
        \x20 builtin:echo        the echo application (docs/echo-app.md): /hello, /echo,\n\
        \x20                     /stream, /big, /slow, /status/NNN, OPTIONS *, /raise\n\
        \x20 builtin:hello       200 \"Hello world!\" to every request\n\
        \x20 module[:callable]   a Python WSGI application (callable: application by\n\
        \x20                     default), served by the cheroot-rs package (--python)\n\
         \n\
         TLS backends built in: {}.\n\
         \n\
         Exit status: 0 after a clean stop, 1 if the server failed, 2 for a bad\n\
         command line.",
        built_backends()
    ))
}

/// The `--version` line.
pub fn version_text() -> String {
    format!("cheroot {}\n", env!("CARGO_PKG_VERSION"))
}

/// The `--help` text: usage, every flag with its default, the APP forms, exit statuses. `-h`
/// prints it too: one text, the long one.
pub fn help_text() -> String {
    command().render_long_help().to_string()
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

/// The widest line the help writes (a terminal's 80 columns, less one).
#[cfg(test)]
const WIDTH: usize = 79;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_names_every_flag_and_default() {
        let help = help_text();
        for arg in command().get_arguments() {
            let Some(long) = arg.get_long() else { continue };
            assert!(help.contains(&format!("--{long}")), "{long}");
            for default in arg.get_default_values() {
                let default = default.to_string_lossy();
                assert!(help.contains(&format!("[default: {default}]")), "{long}");
            }
        }
        assert!(help.contains("[default: [::1]:8000]"));
        assert!(help.contains("Usage: cheroot [OPTIONS] APP"));
        assert!(help.contains("-V, --version"));
        for line in help.lines() {
            assert!(line.len() <= WIDTH, "too wide: {line:?}");
        }
    }
}
