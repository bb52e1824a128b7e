//! Files written whole or not at all: a temporary file in the same folder, synced, then renamed
//! over the target.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::CliError;

/// Writes `bytes` to `path` atomically.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let mut file = AtomicFile::create(path)?;
    file.write(bytes)?;
    file.commit(path)
}

/// A file being written: a temporary file beside the target (an existing target's permissions
/// kept), renamed over it once complete and on disk; removed if the writer is dropped before
/// that (an error, Ctrl-C), so a reader never sees half a file.
pub struct AtomicFile {
    tmp: PathBuf,
    file: Option<File>,
}

impl AtomicFile {
    pub fn create(target: &Path) -> Result<AtomicFile, CliError> {
        let name = target.file_name().unwrap_or_default().to_string_lossy();
        let tmp = target.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(|e| CliError::failure(format!("cannot write `{}`: {e}", target.display())))?;
        if let Ok(existing) = std::fs::metadata(target) {
            let _ = file.set_permissions(existing.permissions());
        }
        Ok(AtomicFile {
            tmp,
            file: Some(file),
        })
    }

    pub fn write(&mut self, bytes: &[u8]) -> Result<(), CliError> {
        let result = match self.file.as_mut() {
            Some(file) => file.write_all(bytes),
            None => Ok(()),
        };
        result.map_err(|e| CliError::failure(format!("cannot write `{}`: {e}", self.tmp.display())))
    }

    /// Flushes the file to disk and puts it in place.
    pub fn commit(mut self, target: &Path) -> Result<(), CliError> {
        let fail = |e: std::io::Error| {
            CliError::failure(format!("cannot write `{}`: {e}", target.display()))
        };
        let file = self.file.take().expect("written once");
        file.sync_all().map_err(fail)?;
        drop(file);
        std::fs::rename(&self.tmp, target).map_err(fail)?;
        #[cfg(unix)]
        if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
            File::open(dir).and_then(|d| d.sync_all()).map_err(fail)?;
        }
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Still open: the export did not complete.
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_committed_file_replaces_the_target_and_a_dropped_one_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.txt");
        std::fs::write(&target, "old").unwrap();
        let mut dropped = AtomicFile::create(&target).unwrap();
        dropped.write(b"half").unwrap();
        drop(dropped);
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        write_atomically(&target, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
