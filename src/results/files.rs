//! Files written atomically: each goes to a temporary name in the output folder
//! and is renamed into place only when complete ([`AtomicFile`]), so a failed run
//! leaves no half-written file.

use crate::error::{Result, WomError};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file that appears under its name only once [`AtomicFile::commit`] succeeds.
pub struct AtomicFile {
    temp: PathBuf,
    target: PathBuf,
    writer: Option<BufWriter<File>>,
}

impl AtomicFile {
    /// Start writing `target`: the bytes go to a hidden temporary file beside it
    /// (removed if this is dropped uncommitted).
    pub fn create(target: &Path) -> Result<Self> {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // The run's own name: two processes writing one folder never share it.
        let temp = target.with_file_name(format!(
            ".{name}.{}.partial",
            crate::results::staging::unique_suffix()
        ));
        let file = File::create(&temp).map_err(|e| write_error(&temp, e))?;
        Ok(AtomicFile {
            temp,
            target: target.to_path_buf(),
            writer: Some(BufWriter::with_capacity(1 << 16, file)),
        })
    }

    /// The buffered writer of the temporary file.
    pub fn writer(&mut self) -> &mut BufWriter<File> {
        self.writer.as_mut().expect("not yet committed")
    }

    /// Flush, sync and rename into place.
    pub fn commit(mut self) -> Result<()> {
        let writer = self.writer.take().expect("committed once");
        let file = writer
            .into_inner()
            .map_err(|e| write_error(&self.temp, e.into_error()))?;
        file.sync_all().map_err(|e| write_error(&self.temp, e))?;
        std::fs::rename(&self.temp, &self.target).map_err(|e| write_error(&self.target, e))
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.writer.is_some() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// The run-time error for a failure to write `path`.
pub fn write_error(path: &Path, e: std::io::Error) -> WomError {
    WomError::Runtime(format!("cannot write {}: {e}", path.display()))
}

/// Write a whole file atomically.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = AtomicFile::create(path)?;
    f.writer()
        .write_all(bytes)
        .map_err(|e| write_error(path, e))?;
    f.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_file_leaves_nothing_when_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("x.csv");
        {
            let mut f = AtomicFile::create(&target).unwrap();
            f.writer().write_all(b"half").unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        write_file(&target, b"whole").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"whole");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
