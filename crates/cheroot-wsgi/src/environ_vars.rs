//! The environ's string variables: a short list of key/value pairs in which constant keys and
//! values are borrowed or shared, not allocated.
//!
//! An environ holds about twenty variables and is built once per request. A `BTreeMap` of
//! `String`s cost two allocations per variable plus tree nodes, a tenth of a hello-world
//! request's CPU time on the worker pool. A list searched linearly is as fast at this size,
//! and [`Text`] lets the gateway's constant keys (`REQUEST_METHOD`, ...) and values (`""`,
//! `HTTP/1.1`, `http`) go in for free, and the server's own (`SERVER_SOFTWARE`, `SERVER_NAME`,
//! `SERVER_PORT`) for a reference count. Iteration sorts, as the map did.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use crate::environ::VarKey;

/// A key or a value: a constant, shared, or owned string.
#[derive(Clone)]
pub(crate) enum Text {
    Static(&'static str),
    Shared(Arc<str>),
    Owned(String),
}

impl Text {
    pub(crate) fn into_owned(self) -> String {
        match self {
            Text::Static(text) => text.to_owned(),
            Text::Shared(text) => text.to_string(),
            Text::Owned(text) => text,
        }
    }
}

impl Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            Text::Static(text) => text,
            Text::Shared(text) => text,
            Text::Owned(text) => text,
        }
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl From<&'static str> for Text {
    fn from(text: &'static str) -> Self {
        Text::Static(text)
    }
}

impl From<String> for Text {
    fn from(text: String) -> Self {
        Text::Owned(text)
    }
}

impl From<Arc<str>> for Text {
    fn from(text: Arc<str>) -> Self {
        Text::Shared(text)
    }
}

/// The variables, unsorted, each key once.
#[derive(Debug, Default)]
pub(crate) struct EnvironVars {
    pairs: Vec<(Text, Text)>,
}

impl EnvironVars {
    /// Room for `n` variables.
    pub(crate) fn with_capacity(n: usize) -> Self {
        Self {
            pairs: Vec::with_capacity(n),
        }
    }

    fn position(&self, key: &str) -> Option<usize> {
        self.pairs.iter().position(|(k, _)| &**k == key)
    }

    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.position(key).map(|at| &*self.pairs[at].1)
    }

    pub(crate) fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// Sets `key` to `value`, returning the old value.
    pub(crate) fn insert(&mut self, key: Text, value: Text) -> Option<String> {
        match self.position(&key) {
            Some(at) => Some(std::mem::replace(&mut self.pairs[at].1, value).into_owned()),
            None => {
                self.pairs.push((key, value));
                None
            }
        }
    }

    /// Adds a key the caller knows is not set yet (the gateway filling a new environ).
    pub(crate) fn push_new(&mut self, key: &'static str, value: impl Into<Text>) {
        debug_assert!(!self.contains_key(key), "{key} set twice");
        self.pairs.push((Text::Static(key), value.into()));
    }

    pub(crate) fn remove(&mut self, key: &str) -> Option<String> {
        let at = self.position(key)?;
        Some(self.pairs.swap_remove(at).1.into_owned())
    }

    /// Every variable, sorted by key.
    pub(crate) fn sorted(&self) -> Vec<(&str, &str)> {
        let mut all: Vec<(&str, &str)> = self.pairs.iter().map(|(k, v)| (&**k, &**v)).collect();
        all.sort_unstable_by_key(|(k, _)| *k);
        all
    }

    /// Every variable in the order set, constant keys told apart.
    pub(crate) fn in_order(&self) -> impl Iterator<Item = (VarKey<'_>, &str)> + '_ {
        self.pairs.iter().map(|(key, value)| {
            let key = match key {
                Text::Static(key) => VarKey::Constant(key),
                other => VarKey::Other(other),
            };
            (key, &**value)
        })
    }

    pub(crate) fn len(&self) -> usize {
        self.pairs.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_replaces_and_remove_takes_out() {
        let mut vars = EnvironVars::default();
        assert_eq!(vars.insert("B".into(), "1".into()), None);
        vars.push_new("A", "x");
        assert_eq!(
            vars.insert(String::from("B").into(), "2".into()),
            Some("1".to_owned())
        );
        assert_eq!(
            (vars.get("B"), vars.get("A"), vars.get("C")),
            (Some("2"), Some("x"), None)
        );
        assert_eq!(vars.len(), 2);
        assert_eq!(vars.remove("A"), Some("x".to_owned()));
        assert_eq!(vars.remove("A"), None);
        assert!(!vars.contains_key("A"));
        assert_eq!(vars.len(), 1);
    }

    #[test]
    fn in_order_keeps_the_order_set_and_tells_constant_keys() {
        let mut vars = EnvironVars::with_capacity(3);
        vars.push_new("REQUEST_METHOD", "GET");
        vars.insert(String::from("HTTP_HOST").into(), "h".into());
        vars.push_new("PATH_INFO", String::from("/x"));
        let got: Vec<(VarKey<'_>, &str)> = vars.in_order().collect();
        assert_eq!(
            got,
            [
                (VarKey::Constant("REQUEST_METHOD"), "GET"),
                (VarKey::Other("HTTP_HOST"), "h"),
                (VarKey::Constant("PATH_INFO"), "/x"),
            ]
        );
        assert_eq!(got[1].0.as_str(), "HTTP_HOST");
    }

    #[test]
    fn sorted_lists_every_variable_by_key() {
        let mut vars = EnvironVars::with_capacity(4);
        for key in ["wsgi.url_scheme", "PATH_INFO", "HTTP_HOST", "CONTENT_TYPE"] {
            vars.push_new(key, "v");
        }
        let keys: Vec<&str> = vars.sorted().into_iter().map(|(k, _)| k).collect();
        assert_eq!(
            keys,
            ["CONTENT_TYPE", "HTTP_HOST", "PATH_INFO", "wsgi.url_scheme"]
        );
        assert!(!vars.is_empty());
    }
}
