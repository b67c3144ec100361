//! Where the access log goes (`--access-log`): stdout, or a file opened for appending that
//! SIGUSR1 reopens, the convention logrotate's `postrotate` relies on.
//!
//! The master only checks that the file opens, then closes it: each worker opens its own
//! after the fork and reopens it on SIGUSR1 (which the master forwards), so no process keeps
//! a rotated-away file alive. Lines from several workers do not interleave: each is one
//! `write` to a file opened with `O_APPEND`.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};

use tracing_subscriber::fmt::MakeWriter;

/// Where access lines are written (`--access-log`: a path, or `-` for stdout).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessLogDest {
    /// `-`: the process's stdout.
    Stdout,
    /// A file, appended to.
    File(PathBuf),
}

impl AccessLogDest {
    /// Reads `--access-log`'s value.
    ///
    /// # Errors
    ///
    /// An empty value.
    pub fn parse(value: &str) -> Result<AccessLogDest, String> {
        match value {
            "" => Err("expected a file path, or - for stdout".to_owned()),
            "-" => Ok(AccessLogDest::Stdout),
            path => Ok(AccessLogDest::File(PathBuf::from(path))),
        }
    }
}

/// The access log file: its path (absolute, so a later `--chdir` does not move it) and the
/// open file, if any.
#[derive(Debug)]
pub(crate) struct AccessFile {
    path: PathBuf,
    file: RwLock<Option<Arc<File>>>,
}

impl AccessFile {
    /// Opens `path` for appending (creating it).
    ///
    /// # Errors
    ///
    /// The path cannot be made absolute or the file cannot be opened.
    pub(crate) fn open(path: &Path) -> io::Result<AccessFile> {
        let path = std::path::absolute(path)?;
        let file = open_append(&path)?;
        Ok(AccessFile {
            path,
            file: RwLock::new(Some(Arc::new(file))),
        })
    }

    /// The absolute path written to.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Opens the path again and writes there from now on; on failure the file open so far
    /// (if any) stays in use.
    ///
    /// # Errors
    ///
    /// The file cannot be opened.
    pub(crate) fn reopen(&self) -> io::Result<()> {
        let file = open_append(&self.path)?;
        *self.file.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(file));
        Ok(())
    }

    /// Closes the file: lines are dropped until [`reopen`](Self::reopen).
    pub(crate) fn close(&self) {
        *self.file.write().unwrap_or_else(PoisonError::into_inner) = None;
    }

    fn current(&self) -> Option<Arc<File>> {
        self.file
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

fn open_append(path: &Path) -> io::Result<File> {
    OpenOptions::new().append(true).create(true).open(path)
}

/// The `tracing-subscriber` writer of the access log's layer.
#[derive(Debug, Clone)]
pub(crate) enum AccessWriter {
    Stdout,
    File(Arc<AccessFile>),
}

impl<'w> MakeWriter<'w> for AccessWriter {
    type Writer = LineWriter;

    fn make_writer(&'w self) -> LineWriter {
        match self {
            AccessWriter::Stdout => LineWriter::Stdout(io::stdout()),
            AccessWriter::File(file) => LineWriter::File(file.current()),
        }
    }
}

/// Writes one formatted line where the access log goes.
#[derive(Debug)]
pub(crate) enum LineWriter {
    Stdout(io::Stdout),
    /// `None` while the file is closed (in the master).
    File(Option<Arc<File>>),
}

impl io::Write for LineWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            LineWriter::Stdout(out) => out.write(buf),
            LineWriter::File(Some(file)) => (&**file).write(buf),
            LineWriter::File(None) => Ok(buf.len()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            LineWriter::Stdout(out) => out.flush(),
            LineWriter::File(Some(file)) => (&**file).flush(),
            LineWriter::File(None) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    fn write_line(writer: &AccessWriter, line: &str) {
        writer.make_writer().write_all(line.as_bytes()).unwrap();
    }

    #[test]
    fn reopen_follows_a_renamed_file() {
        let dir = std::env::temp_dir().join(format!("cheroot-access-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("access.log");
        let _ = std::fs::remove_file(&path);
        let file = Arc::new(AccessFile::open(&path).unwrap());
        let writer = AccessWriter::File(Arc::clone(&file));
        write_line(&writer, "one\n");
        // logrotate: rename, then SIGUSR1.
        let rotated = dir.join("access.log.1");
        std::fs::rename(&path, &rotated).unwrap();
        write_line(&writer, "two\n");
        file.reopen().unwrap();
        write_line(&writer, "three\n");
        file.close();
        write_line(&writer, "dropped\n");
        assert_eq!(std::fs::read_to_string(&rotated).unwrap(), "one\ntwo\n");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "three\n");
        // A reopen that fails (the directory is gone) says so.
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(file.reopen().is_err());
    }

    #[test]
    fn values() {
        assert_eq!(AccessLogDest::parse("-"), Ok(AccessLogDest::Stdout));
        assert_eq!(
            AccessLogDest::parse("logs/a.log"),
            Ok(AccessLogDest::File(PathBuf::from("logs/a.log")))
        );
        assert!(AccessLogDest::parse("").is_err());
    }
}
