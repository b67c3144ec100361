//! SHA-256 for the echo app's `body_sha256`: ring's `digest` (already in the tree as rustls's
//! provider) behind the small API the echo app and its tests use.

use std::fmt;

use ring::digest::{Context, SHA256};

/// An incremental SHA-256: feed it with [`update`](Sha256::update), read the digest with
/// [`finish`](Sha256::finish).
///
/// ```
/// let mut hash = cheroot_testing::Sha256::new();
/// hash.update(b"hel");
/// hash.update(b"lo");
/// assert_eq!(
///     hash.finish().to_string(),
///     "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
/// );
/// ```
#[derive(Clone)]
pub struct Sha256 {
    context: Context,
}

/// A finished SHA-256 digest; `Display` writes it as 64 lower-case hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Digest([u8; 32]);

impl Digest {
    /// The 32 digest bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

// By hand: ring's `Context` has no `Debug`, and its state says nothing useful anyway.
impl fmt::Debug for Sha256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sha256").finish_non_exhaustive()
    }
}

impl Default for Sha256 {
    fn default() -> Self {
        Self::new()
    }
}

impl Sha256 {
    /// A hash of the empty message.
    pub fn new() -> Self {
        Self {
            context: Context::new(&SHA256),
        }
    }

    /// Appends `data` to the message.
    pub fn update(&mut self, data: &[u8]) {
        self.context.update(data);
    }

    /// Returns the digest of the message.
    pub fn finish(self) -> Digest {
        let digest = self.context.finish();
        let bytes: [u8; 32] = digest
            .as_ref()
            .try_into()
            .expect("a SHA-256 digest is 32 bytes");
        Digest(bytes)
    }
}

/// The SHA-256 digest of `data`, in one call.
pub fn sha256(data: &[u8]) -> Digest {
    let mut hash = Sha256::new();
    hash.update(data);
    hash.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Known answers: FIPS 180-4 examples (NIST CSRC "SHA256.pdf") and common vectors.
    #[test]
    fn known_vectors() {
        let million_a = vec![b'a'; 1_000_000];
        let table: &[(&[u8], &str)] = &[
            (
                b"",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            (
                b"abc",
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
            (
                b"hello",
                "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
            ),
            (
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
            ),
            (
                b"The quick brown fox jumps over the lazy dog",
                "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592",
            ),
            (
                &million_a,
                "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
            ),
        ];
        for (input, want) in table {
            assert_eq!(sha256(input).to_string(), *want, "len {}", input.len());
        }
    }

    // Every split point of messages around the 55/56/64-byte padding edges gives the same
    // digest as hashing in one call.
    #[test]
    fn incremental_matches_one_shot() {
        for len in [0usize, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 200] {
            let data: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
            let want = sha256(&data);
            for split in 0..=len {
                let mut hash = Sha256::new();
                hash.update(&data[..split]);
                hash.update(&data[split..]);
                assert_eq!(hash.finish(), want, "len {len} split {split}");
            }
        }
    }
}
