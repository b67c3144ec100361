//! The request's header fields, kept in the order received, with cheroot's `HeaderReader` view.

use bytes::Bytes;

/// One header field as received: the name exactly as the client spelled it and the value with
/// surrounding whitespace removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderField {
    name: Bytes,
    value: Bytes,
}

impl HeaderField {
    /// Builds a field from its name and (already trimmed) value.
    pub fn new(name: impl Into<Bytes>, value: impl Into<Bytes>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
        }
    }

    /// The name as received (case preserved).
    pub fn name(&self) -> &[u8] {
        &self.name
    }

    /// The value, without leading or trailing whitespace.
    pub fn value(&self) -> &[u8] {
        &self.value
    }
}

/// The header fields of one request, in the order received.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers {
    fields: Vec<HeaderField>,
}

impl Headers {
    /// An empty header list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a field at the end.
    pub fn push(&mut self, field: HeaderField) {
        self.fields.push(field);
    }

    /// Every field in the order received.
    pub fn iter(&self) -> std::slice::Iter<'_, HeaderField> {
        self.fields.iter()
    }

    /// How many fields there are.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The values of every field named `name` (ASCII case-insensitive), in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.fields
            .iter()
            .filter(move |f| f.name.eq_ignore_ascii_case(name.as_bytes()))
            .map(|f| f.value())
    }
}

impl<'a> IntoIterator for &'a Headers {
    type Item = &'a HeaderField;
    type IntoIter = std::slice::Iter<'a, HeaderField>;

    fn into_iter(self) -> Self::IntoIter {
        self.fields.iter()
    }
}
