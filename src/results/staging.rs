//! Result folders replaced as a whole (docs/reliability.md).
//!
//! - **Lock.** A process writing the result folder `DIR/<name>` holds an exclusive
//!   `flock` on `DIR/.<name>.lock` ([`lock`]) from the output check
//!   ([`crate::results::run::prepare_output_dir`]) to the end of the run. A second
//!   process waits for it (saying so on stderr, with the holder's pid), then makes
//!   its own check: without `--force` it finds results and refuses. The kernel drops
//!   the lock when its holder exits, however it exits. Lock files are left in place
//!   (removing one would let two processes lock different files of one name).
//! - **Staging.** A run writes its whole set into a sibling temporary folder
//!   `DIR/.<name>.tmp-<pid>-<n>` ([`Staging`]) and swaps it in at the end: on Linux
//!   with an atomic exchange (`renameat2(RENAME_EXCHANGE)`) when the folder exists,
//!   else a plain rename; then the previous set (now under the temporary name) is
//!   removed. At every instant `DIR/<name>` holds the previous complete set or the
//!   new one.
//! - **Signals.** SIGINT and SIGTERM remove the temporary folders of this process
//!   and exit 130 or 143 with one line on stderr. A killed run's temporary folder
//!   (SIGKILL, power loss) is removed by the next run into the same folder once its
//!   pid is gone, and never blocks a run.
//!
//! `WOM_TEST_PAUSE_BEFORE_SWAP_MS` (test only) sleeps that long before the swap, so
//! tests can kill a run there.

use crate::error::{Result, WomError};
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, Once};

/// Locks this process holds, by folder.
static LOCKS: Mutex<Option<HashMap<PathBuf, File>>> = Mutex::new(None);

/// Temporary folders being written, with the folder each replaces.
static STAGED: Mutex<Vec<(PathBuf, PathBuf)>> = Mutex::new(Vec::new());

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `<pid>-<n>`: unique among the temporaries of every process alive.
pub fn unique_suffix() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

fn split(dir: &Path) -> (PathBuf, String) {
    let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let name = absolute
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".to_string());
    let parent = absolute
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("/"));
    (parent, name)
}

/// The lock file of the result folder `dir`: `.<name>.lock` beside it.
pub fn lock_path(dir: &Path) -> PathBuf {
    let (parent, name) = split(dir);
    parent.join(format!(".{name}.lock"))
}

fn runtime(what: &str, path: &Path, e: impl std::fmt::Display) -> WomError {
    WomError::Runtime(format!("cannot {what} {}: {e}", path.display()))
}

/// Take the exclusive lock on the result folder `dir` for this process, waiting
/// for another process that holds it. Does nothing when this process holds it.
/// Creates the folder's parent.
pub fn lock(dir: &Path) -> Result<()> {
    let key = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    if locked(&LOCKS)
        .as_ref()
        .is_some_and(|l| l.contains_key(&key))
    {
        return Ok(());
    }
    let path = lock_path(dir);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| runtime("create", parent, e))?;
    }
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| runtime("open the lock file", &path, e))?;
    use rustix::fs::{flock, FlockOperation};
    match flock(&file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => {}
        Err(rustix::io::Errno::WOULDBLOCK) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = match holder.trim() {
                "" => "another process".to_string(),
                pid => format!("process {pid}"),
            };
            eprintln!(
                "wom: waiting for {holder}, which is writing {}",
                dir.display()
            );
            flock(&file, FlockOperation::LockExclusive).map_err(|e| runtime("lock", &path, e))?;
        }
        Err(e) => return Err(runtime("lock", &path, e)),
    }
    // Who holds it, for the message of the next process (best effort: a full disk
    // must not stop the run here).
    let _ = file
        .set_len(0)
        .and_then(|()| file.seek(SeekFrom::Start(0)))
        .and_then(|_| writeln!(file, "{}", std::process::id()));
    locked(&LOCKS)
        .get_or_insert_with(HashMap::new)
        .insert(key, file);
    Ok(())
}

/// Let go of the lock on `dir` (if this process holds it).
pub fn release(dir: &Path) {
    let key = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    if let Some(l) = locked(&LOCKS).as_mut() {
        l.remove(&key);
    }
}

/// `e` with the temporary folder `stage` named as the result folder `dir` in its
/// message (a user knows the folder they asked for).
pub fn rename_in_error(e: WomError, stage: &Path, dir: &Path) -> WomError {
    match e {
        WomError::Runtime(message) => WomError::Runtime(
            message.replace(&stage.display().to_string(), &dir.display().to_string()),
        ),
        other => other,
    }
}

/// Write a result folder `dir` as a whole: under its lock (taken here if this
/// process does not hold it yet, released on return), `write` fills a temporary
/// folder beside it ([`Staging`]), which then replaces `dir` in one swap; on an
/// error the temporary folder is removed and `dir` is left as it was. Messages
/// name `dir`, not the temporary folder.
pub fn write_staged<T>(dir: &Path, write: impl FnOnce(&Path) -> Result<T>) -> Result<T> {
    struct Release<'a>(&'a Path);
    impl Drop for Release<'_> {
        fn drop(&mut self) {
            release(self.0);
        }
    }
    lock(dir)?;
    let _release = Release(dir);
    let stage = Staging::new(dir)?;
    let value = write(stage.path()).map_err(|e| rename_in_error(e, stage.path(), dir))?;
    stage.commit()?;
    Ok(value)
}

/// A temporary folder that replaces a result folder as a whole on
/// [`Staging::commit`], and is removed if dropped before.
pub struct Staging {
    path: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl Staging {
    /// A new temporary folder beside `target` (whose lock the caller holds).
    /// Removes temporaries of `target` left by processes that no longer exist.
    pub fn new(target: &Path) -> Result<Self> {
        install_signal_handlers();
        let (parent, name) = split(target);
        remove_leftovers(&parent, &name);
        let path = parent.join(format!(".{name}.tmp-{}", unique_suffix()));
        std::fs::create_dir_all(&parent).map_err(|e| runtime("create", &parent, e))?;
        std::fs::create_dir(&path).map_err(|e| runtime("create", &path, e))?;
        locked(&STAGED).push((path.clone(), target.to_path_buf()));
        Ok(Staging {
            path,
            target: target.to_path_buf(),
            committed: false,
        })
    }

    /// Where to write the new set.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Swap the new set in, then remove the previous one.
    pub fn commit(mut self) -> Result<()> {
        if let Some(ms) = std::env::var("WOM_TEST_PAUSE_BEFORE_SWAP_MS")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
        {
            std::thread::sleep(std::time::Duration::from_millis(ms));
        }
        // Held across the swap, so a signal sees the staging folder either before
        // (and removes the new set) or after (and removes the previous one).
        let mut staged = locked(&STAGED);
        swap(&self.path, &self.target)?;
        staged.retain(|(p, _)| p != &self.path);
        drop(staged);
        self.committed = true;
        // After an exchange the previous set is under the temporary name.
        if self.path.exists() {
            std::fs::remove_dir_all(&self.path)
                .map_err(|e| runtime("remove the previous results in", &self.path, e))?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let mut staged = locked(&STAGED);
            let _ = std::fs::remove_dir_all(&self.path);
            staged.retain(|(p, _)| p != &self.path);
        }
    }
}

/// Put the folder `new` at `target`: exchanged atomically with an existing folder
/// (Linux), else renamed.
fn swap(new: &Path, target: &Path) -> Result<()> {
    let err = |e: std::io::Error| runtime("move the new results into", target, e);
    if std::fs::symlink_metadata(target).is_err() {
        return std::fs::rename(new, target).map_err(err);
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use rustix::fs::{renameat_with, RenameFlags, CWD};
        match renameat_with(CWD, new, CWD, target, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(()),
            // A filesystem without the exchange: fall back to two renames.
            Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS) => {}
            Err(e) => return Err(err(e.into())),
        }
    }
    // Not atomic: for a moment `target` does not exist (it never holds a mix).
    let (parent, name) = split(target);
    let aside = parent.join(format!(".{name}.tmp-{}", unique_suffix()));
    std::fs::rename(target, &aside).map_err(err)?;
    if let Err(e) = std::fs::rename(new, target) {
        let _ = std::fs::rename(&aside, target);
        return Err(err(e));
    }
    std::fs::rename(&aside, new).map_err(err)
}

/// Remove `.<name>.tmp-<pid>-<n>` folders in `parent` whose process is gone.
fn remove_leftovers(parent: &Path, name: &str) {
    let prefix = format!(".{name}.tmp-");
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    if !Path::new("/proc/self").exists() {
        return; // no way to tell a live process: leave them (they block nothing)
    }
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&prefix) else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Remove a staging folder that worker threads may still be writing into: it is
/// first renamed (a writer opening a new file by its old path then fails instead
/// of creating it), then removed, again while a file created before the rename
/// makes the removal find the folder not empty. The renamed folder keeps the
/// `.<name>.tmp-<pid>-` prefix, so a later run removes it if this one cannot.
fn remove_while_written(path: &Path) {
    let mut doomed = path.as_os_str().to_owned();
    doomed.push("-removing");
    let doomed = PathBuf::from(doomed);
    let target = if std::fs::rename(path, &doomed).is_ok() {
        doomed
    } else {
        path.to_path_buf()
    };
    for _ in 0..200 {
        if std::fs::remove_dir_all(&target).is_ok() || !target.exists() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

fn install_signal_handlers() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        use signal_hook::consts::{SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
            return; // the default action (exit without cleanup) stays
        };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let staged = locked(&STAGED);
                for (path, _) in staged.iter() {
                    remove_while_written(path);
                }
                let name = if signal == SIGINT {
                    "SIGINT"
                } else {
                    "SIGTERM"
                };
                match staged.first() {
                    Some((_, target)) => eprintln!(
                        "error: interrupted by {name}; {} is left as it was",
                        target.display()
                    ),
                    None => eprintln!("error: interrupted by {name}"),
                }
                std::process::exit(128 + signal);
            }
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_staged_set_replaces_the_previous_one_as_a_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("r");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("old.csv"), "old").unwrap();
        // A killed process's temporary folder (pid 0 is never a process here).
        let dead = tmp.path().join(".r.tmp-4000000000-0");
        std::fs::create_dir(&dead).unwrap();
        lock(&target).unwrap();
        let stage = Staging::new(&target).unwrap();
        assert!(!dead.exists());
        std::fs::write(stage.path().join("new.csv"), "new").unwrap();
        stage.commit().unwrap();
        release(&target);
        let names: Vec<String> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}"); // r and .r.lock
        assert_eq!(std::fs::read(target.join("new.csv")).unwrap(), b"new");
        assert!(!target.join("old.csv").exists());
        // Dropped before the commit: nothing changes.
        let stage = Staging::new(&target).unwrap();
        std::fs::write(stage.path().join("x.csv"), "x").unwrap();
        drop(stage);
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 2);
        assert!(target.join("new.csv").exists());
    }
}
