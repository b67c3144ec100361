//! The dependency licence allow-list: every package in the build must be usable under a
//! licence expression made of allowed licences.

use crate::cmd::Cmd;
use crate::json::{self, Json};

/// Licences every dependency must be available under (SPDX identifiers).
const ALLOWED: &[&str] = &[
    "MIT",
    "Apache-2.0",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "ISC",
    "Unicode-3.0",
    "Unicode-DFS-2016",
    "Zlib",
    "0BSD",
    "OpenSSL",
    "CC0-1.0",
    "MPL-2.0",
];

/// Exceptions allowed after `WITH` (they only add permissions).
const ALLOWED_EXCEPTIONS: &[&str] = &["LLVM-exception"];

/// Reads `cargo metadata` for the whole dependency graph and lists every package whose licence
/// is missing or outside the allow-list.
pub(crate) fn check() -> Result<usize, String> {
    let text = Cmd::cargo()
        .args(["metadata", "--format-version", "1", "--locked"])
        .read()?;
    let metadata = json::parse(&text)?;
    let packages = metadata
        .get("packages")
        .and_then(Json::as_array)
        .ok_or("cargo metadata: no `packages` array")?;
    let mut problems = Vec::new();
    for package in packages {
        let name = package.get("name").and_then(Json::as_str).unwrap_or("?");
        let version = package.get("version").and_then(Json::as_str).unwrap_or("?");
        match package.get("license").and_then(Json::as_str) {
            None => problems.push(format!("{name} {version}: no SPDX licence expression")),
            Some(expr) => match is_allowed(expr) {
                Ok(true) => {}
                Ok(false) => problems.push(format!("{name} {version}: `{expr}` is not allowed")),
                Err(e) => problems.push(format!("{name} {version}: `{expr}`: {e}")),
            },
        }
    }
    if problems.is_empty() {
        Ok(packages.len())
    } else {
        Err(format!(
            "licences outside the allow-list:\n  {}",
            problems.join("\n  ")
        ))
    }
}

/// Whether the SPDX expression `expr` can be satisfied with allowed licences: `OR` (and the
/// legacy `/`) needs one side allowed, `AND` both, `A WITH exception` needs `A` and the exception
/// allowed. `AND` binds tighter than `OR`; parentheses group.
pub(crate) fn is_allowed(expr: &str) -> Result<bool, String> {
    let tokens = tokenize(expr);
    let mut pos = 0;
    let allowed = or_expr(&tokens, &mut pos)?;
    if pos != tokens.len() {
        return Err(format!("unexpected `{}`", tokens[pos]));
    }
    Ok(allowed)
}

fn tokenize(expr: &str) -> Vec<&str> {
    let mut tokens = Vec::new();
    let mut start = None;
    for (i, c) in expr.char_indices() {
        let is_punct = matches!(c, '(' | ')' | '/');
        if c.is_whitespace() || is_punct {
            if let Some(s) = start.take() {
                tokens.push(&expr[s..i]);
            }
            if is_punct {
                tokens.push(&expr[i..i + 1]);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        tokens.push(&expr[s..]);
    }
    tokens
}

fn or_expr(tokens: &[&str], pos: &mut usize) -> Result<bool, String> {
    let mut allowed = and_expr(tokens, pos)?;
    while matches!(tokens.get(*pos), Some(&"OR" | &"/")) {
        *pos += 1;
        allowed |= and_expr(tokens, pos)?;
    }
    Ok(allowed)
}

fn and_expr(tokens: &[&str], pos: &mut usize) -> Result<bool, String> {
    let mut allowed = term(tokens, pos)?;
    while tokens.get(*pos) == Some(&"AND") {
        *pos += 1;
        allowed &= term(tokens, pos)?;
    }
    Ok(allowed)
}

fn term(tokens: &[&str], pos: &mut usize) -> Result<bool, String> {
    let Some(&token) = tokens.get(*pos) else {
        return Err("expression ends early".into());
    };
    *pos += 1;
    let allowed = match token {
        "(" => {
            let inner = or_expr(tokens, pos)?;
            if tokens.get(*pos) != Some(&")") {
                return Err("missing `)`".into());
            }
            *pos += 1;
            inner
        }
        "AND" | "OR" | "WITH" | "/" | ")" => return Err(format!("unexpected `{token}`")),
        // A trailing `+` means "this version or later": the named version is enough.
        id => ALLOWED.contains(&id.trim_end_matches('+')),
    };
    if tokens.get(*pos) == Some(&"WITH") {
        let exception = tokens.get(*pos + 1).ok_or("`WITH` needs an exception")?;
        *pos += 2;
        return Ok(allowed && ALLOWED_EXCEPTIONS.contains(exception));
    }
    Ok(allowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions() {
        let table: &[(&str, bool)] = &[
            ("MIT", true),
            ("MIT OR Apache-2.0", true),
            ("Apache-2.0 OR MIT", true),
            ("MIT/Apache-2.0", true),
            ("Apache-2.0 WITH LLVM-exception OR Apache-2.0 OR MIT", true),
            ("(MIT OR Apache-2.0) AND Unicode-3.0", true),
            ("(MIT OR Apache-2.0) AND Unicode-DFS-2016", true),
            ("ISC AND OpenSSL AND MIT", true),
            ("MPL-2.0", true),
            ("Zlib OR Apache-2.0 OR MIT", true),
            ("GPL-3.0", false),
            ("GPL-3.0 OR MIT", true),
            ("GPL-3.0 AND MIT", false),
            ("MIT AND (GPL-2.0 OR LGPL-2.1)", false),
            ("Apache-2.0 WITH Some-Unknown-exception", false),
            ("Apache-2.0+", true),
        ];
        for (expr, want) in table {
            assert_eq!(is_allowed(expr), Ok(*want), "{expr}");
        }
    }

    #[test]
    fn malformed_expressions_are_errors() {
        for expr in [
            "", "MIT OR", "(MIT", "MIT)", "AND MIT", "MIT WITH", "MIT MIT",
        ] {
            assert!(is_allowed(expr).is_err(), "{expr:?}");
        }
    }
}
