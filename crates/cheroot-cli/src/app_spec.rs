//! The APP argument: `builtin:NAME` for an application shipped in the binary, or cheroot's
//! `module[:callable]` for a hosted one (not loadable yet).

use std::fmt;

/// The application a command line names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppSpec {
    /// `builtin:echo` or `builtin:hello`.
    Builtin(BuiltinApp),
    /// `module[:callable]` (cheroot's `pkg.module[:attr]`, `callable` defaulting to
    /// `application`): parsed so the grammar is fixed, refused when run because hosting
    /// applications is not built yet.
    Hosted {
        /// The dotted module path.
        module: String,
        /// The attribute to call.
        callable: String,
    },
}

/// An application compiled into the binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuiltinApp {
    /// The echo app of `ECHO_APP.md`.
    Echo,
    /// `Hello world!` to every request.
    Hello,
}

impl BuiltinApp {
    /// The name after `builtin:`.
    pub fn name(self) -> &'static str {
        match self {
            BuiltinApp::Echo => "echo",
            BuiltinApp::Hello => "hello",
        }
    }
}

/// An APP argument that names nothing we can serve; the message names the argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppSpecError {
    message: String,
}

impl fmt::Display for AppSpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AppSpecError {}

const BUILTIN_PREFIX: &str = "builtin";

impl AppSpec {
    /// Reads an APP argument.
    ///
    /// # Errors
    ///
    /// An unknown built-in name, or text that is not `module[:callable]` with dotted
    /// identifiers.
    pub fn parse(s: &str) -> Result<AppSpec, AppSpecError> {
        let (module, callable) = match s.split_once(':') {
            Some((module, callable)) => (module, Some(callable)),
            None => (s, None),
        };
        if module == BUILTIN_PREFIX {
            return match callable {
                Some("echo") => Ok(AppSpec::Builtin(BuiltinApp::Echo)),
                Some("hello") => Ok(AppSpec::Builtin(BuiltinApp::Hello)),
                _ => Err(AppSpecError {
                    message: format!(
                        "unknown built-in application {s:?}: expected builtin:echo or \
                         builtin:hello"
                    ),
                }),
            };
        }
        let callable = callable.unwrap_or("application");
        let well_formed = !module.is_empty()
            && module.split('.').all(is_identifier)
            && callable.split('.').all(is_identifier);
        if !well_formed {
            return Err(AppSpecError {
                message: format!(
                    "invalid APP {s:?}: expected builtin:echo, builtin:hello or \
                     module[:callable]"
                ),
            });
        }
        Ok(AppSpec::Hosted {
            module: module.to_owned(),
            callable: callable.to_owned(),
        })
    }
}

impl fmt::Display for AppSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppSpec::Builtin(app) => write!(f, "{BUILTIN_PREFIX}:{}", app.name()),
            AppSpec::Hosted { module, callable } => write!(f, "{module}:{callable}"),
        }
    }
}

/// A Python-style identifier: a letter or `_`, then letters, digits or `_` (ASCII only).
fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosted(module: &str, callable: &str) -> AppSpec {
        AppSpec::Hosted {
            module: module.to_owned(),
            callable: callable.to_owned(),
        }
    }

    #[test]
    fn parses_app_arguments() {
        let table: &[(&str, Result<AppSpec, &str>)] = &[
            ("builtin:echo", Ok(AppSpec::Builtin(BuiltinApp::Echo))),
            ("builtin:hello", Ok(AppSpec::Builtin(BuiltinApp::Hello))),
            (
                "builtin:nope",
                Err("unknown built-in application \"builtin:nope\""),
            ),
            ("builtin", Err("unknown built-in application \"builtin\"")),
            ("builtin:", Err("unknown built-in application")),
            ("pkg.module:app", Ok(hosted("pkg.module", "app"))),
            ("pkg.module", Ok(hosted("pkg.module", "application"))),
            ("_m:_a", Ok(hosted("_m", "_a"))),
            ("", Err("invalid APP \"\"")),
            ("pkg..mod:app", Err("invalid APP \"pkg..mod:app\"")),
            ("pkg.mod:", Err("invalid APP")),
            ("1pkg:app", Err("invalid APP")),
            ("pkg:a:b", Err("invalid APP")),
            ("pkg/mod:app", Err("invalid APP")),
        ];
        for (input, want) in table {
            match (AppSpec::parse(input), want) {
                (Ok(got), Ok(want)) => assert_eq!(&got, want, "{input:?}"),
                (Err(err), Err(want)) => {
                    assert!(err.to_string().contains(want), "{input:?}: {err}");
                }
                (got, want) => panic!("{input:?}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn displays_canonical_form() {
        for (input, shown) in [
            ("builtin:echo", "builtin:echo"),
            ("pkg.mod", "pkg.mod:application"),
        ] {
            assert_eq!(AppSpec::parse(input).unwrap().to_string(), shown);
        }
    }
}
