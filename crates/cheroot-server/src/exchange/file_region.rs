//! A part of a file sent as a response body ([`Response::send_file`](crate::Response::send_file)):
//! the connection sends it with sendfile(2) where it can, so its bytes never pass through
//! the server's memory.

use std::fs::File;
use std::io;

/// `len` bytes of `file` from `offset`.
#[derive(Debug)]
pub struct FileRegion {
    file: File,
    offset: u64,
    len: u64,
}

impl FileRegion {
    /// `len` bytes from `offset`.
    pub fn new(file: File, offset: u64, len: u64) -> Self {
        Self { file, offset, len }
    }

    /// The file from `offset` to its current end.
    ///
    /// # Errors
    ///
    /// The file's metadata cannot be read.
    pub fn to_end(file: File, offset: u64) -> io::Result<Self> {
        let size = file.metadata()?.len();
        Ok(Self::new(file, offset, size.saturating_sub(offset)))
    }

    /// The file.
    pub fn file(&self) -> &File {
        &self.file
    }

    /// Where the region starts.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// How many bytes it holds.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The region's bytes, read into memory (for tests and recorders; the server never
    /// does this with a large file).
    ///
    /// # Errors
    ///
    /// The file cannot be read, or ends before the region does.
    pub fn read_to_vec(&self) -> io::Result<Vec<u8>> {
        let len = usize::try_from(self.len)
            .map_err(|_| io::Error::new(io::ErrorKind::OutOfMemory, "the region is too large"))?;
        let mut data = vec![0; len];
        std::os::unix::fs::FileExt::read_exact_at(&self.file, &mut data, self.offset)?;
        Ok(data)
    }

    /// Keeps only the first `len` bytes.
    pub(crate) fn truncate(&mut self, len: u64) {
        self.len = self.len.min(len);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_of(bytes: &[u8]) -> File {
        let path = std::env::temp_dir().join(format!("cheroot-region-{}", std::process::id()));
        std::fs::write(&path, bytes).unwrap();
        let file = File::open(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        file
    }

    #[test]
    fn regions_read_their_bytes_and_truncate() {
        let mut region = FileRegion::to_end(file_of(b"0123456789"), 3).unwrap();
        assert_eq!(
            (region.offset(), region.len(), region.is_empty()),
            (3, 7, false)
        );
        assert_eq!(region.read_to_vec().unwrap(), b"3456789");
        region.truncate(2);
        assert_eq!(region.read_to_vec().unwrap(), b"34");
        region.truncate(5);
        assert_eq!(region.len(), 2, "truncate never grows");
        let past = FileRegion::to_end(file_of(b"ab"), 5).unwrap();
        assert!(past.is_empty());
        let long = FileRegion::new(file_of(b"ab"), 0, 5);
        assert!(
            long.read_to_vec().is_err(),
            "a region past the end is an error"
        );
    }
}
