//! Writing without losing data: whole-folder swaps for `build -o`, atomic file replacement for
//! `fmt` and baselines, and stdout writes whose failure is reported.
//!
//! A build goes to a fresh folder beside the target and is swapped in only when complete, so a
//! killed or failed build leaves the previous output whole. Only a folder that archc made (it holds
//! [`MARKER`]) is ever replaced. Nothing here follows a symbolic link when writing or deleting.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The file that marks a folder as an archc build output, safe to replace.
pub const MARKER: &str = ".archc-output";

const MARKER_TEXT: &str = "This folder is written by `archc build`; the next build replaces it whole.\n";

/// Why `build -o DIR` may not replace `DIR`, if it may not.
pub fn refuse_output_dir(out: &Path, workspace_roots: &[PathBuf]) -> Option<String> {
    if let Some(why) = refuse_parent_dir(out, workspace_roots) {
        return Some(why);
    }
    let mut entries = match fs::read_dir(out) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return None,
        Err(e) => return Some(format!("cannot read `{}`: {e}", out.display())),
    };
    let empty = entries.next().is_none();
    let marked = fs::symlink_metadata(out.join(MARKER)).is_ok_and(|m| m.is_file());
    if !empty && !marked {
        return Some(format!("`{}` is not empty and was not made by archc (it has no `{MARKER}` file)", out.display()));
    }
    None
}

/// Why archc may not write build outputs inside `out` (a link, a file, `/`, the home folder, a
/// folder holding a workspace), if it may not. Such a folder holds several builds' folders.
pub fn refuse_parent_dir(out: &Path, workspace_roots: &[PathBuf]) -> Option<String> {
    let meta = match fs::symlink_metadata(out) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return None,
        Err(e) => return Some(format!("cannot write `{}`: {e}", out.display())),
    };
    let shown = out.display();
    if meta.file_type().is_symlink() {
        return Some(format!("`{shown}` is a symbolic link; archc never writes through links"));
    }
    if !meta.is_dir() {
        return Some(format!("`{shown}` exists and is not a folder"));
    }
    let abs = fs::canonicalize(out).unwrap_or_else(|_| out.to_path_buf());
    if abs.parent().is_none() {
        return Some(format!("`{shown}` is the file system root"));
    }
    if std::env::var_os("HOME").is_some_and(|h| fs::canonicalize(h).is_ok_and(|h| h == abs)) {
        return Some(format!("`{shown}` is your home folder"));
    }
    for root in workspace_roots {
        let root = fs::canonicalize(root).unwrap_or_else(|_| root.clone());
        if root.starts_with(&abs) {
            return Some(format!("`{shown}` holds the workspace `{}`", root.display()));
        }
    }
    None
}

/// A fresh folder beside `target` that becomes `target` on [`Staging::commit`], or is removed when
/// dropped uncommitted.
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    done: bool,
}

impl Staging {
    pub fn new(target: &Path) -> io::Result<Staging> {
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)?;
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "build".into());
        let dir = unique_sibling(&parent, &name, "new", |p| fs::create_dir(p))?;
        let staging = Staging { dir, target: target.to_path_buf(), done: false };
        write_new(&staging.dir.join(MARKER), MARKER_TEXT.as_bytes())?;
        Ok(staging)
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Puts the staged folder in place of the target; an earlier archc output is removed after.
    pub fn commit(mut self) -> io::Result<()> {
        let parent = self.dir.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
        let name = self.target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let old = match fs::symlink_metadata(&self.target) {
            Ok(_) => {
                let old = unique_sibling(&parent, &name, "old", |p| {
                    if fs::symlink_metadata(p).is_ok() {
                        return Err(io::Error::from(io::ErrorKind::AlreadyExists));
                    }
                    fs::rename(&self.target, p)
                })?;
                Some(old)
            }
            Err(_) => None,
        };
        if let Err(e) = fs::rename(&self.dir, &self.target) {
            // Put the earlier output back rather than leave nothing.
            if let Some(old) = &old {
                let _ = fs::rename(old, &self.target);
            }
            return Err(e);
        }
        self.done = true;
        sync_dir(&parent);
        if let Some(old) = old {
            // `remove_dir_all` deletes links themselves, never what they point to.
            fs::remove_dir_all(old)?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// `.NAME.archc-KIND-PID-N` in `parent`, made by `make`, which must fail if the path exists.
fn unique_sibling(
    parent: &Path,
    name: &str,
    kind: &str,
    mut make: impl FnMut(&Path) -> io::Result<()>,
) -> io::Result<PathBuf> {
    let pid = std::process::id();
    for n in 0..1000 {
        let p = parent.join(format!(".{name}.archc-{kind}-{pid}-{n}"));
        match make(&p) {
            Ok(()) => return Ok(p),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(io::ErrorKind::AlreadyExists, format!("no free temporary name beside `{name}`")))
}

/// Makes a rename in `dir` durable. Best effort: some file systems cannot sync a folder.
fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Creates a file that must not exist yet (so never through a link) and writes it to disk.
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = OpenOptions::new().write(true).create_new(true).open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Why a file was not replaced.
#[derive(Debug)]
pub enum ReplaceError {
    /// The file changed on disk after it was read; the newer content was kept.
    ChangedSinceRead,
    Io(io::Error),
}

impl std::fmt::Display for ReplaceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReplaceError::ChangedSinceRead => write!(f, "it changed since it was read; it was left as it is now"),
            ReplaceError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl From<io::Error> for ReplaceError {
    fn from(e: io::Error) -> Self {
        ReplaceError::Io(e)
    }
}

/// Replaces `path` with `bytes` through a temporary file in the same folder, synced and renamed
/// over it, keeping its permissions. `expected` is what the caller read: if the file now holds
/// something else it is left alone. A symbolic link is followed to its target, which is replaced;
/// the link stays a link.
pub fn replace_file(path: &Path, bytes: &[u8], expected: Option<&[u8]>) -> Result<(), ReplaceError> {
    replace_file_with(path, bytes, expected, |f, b| f.write_all(b))
}

/// [`replace_file`] with the write itself injected, so that a full disk can be simulated.
fn replace_file_with(
    path: &Path,
    bytes: &[u8],
    expected: Option<&[u8]>,
    write: impl FnOnce(&mut fs::File, &[u8]) -> io::Result<()>,
) -> Result<(), ReplaceError> {
    let real = match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => fs::canonicalize(path)?,
        _ => path.to_path_buf(),
    };
    let old_meta = fs::metadata(&real).ok();
    if let Some(expected) = expected {
        if fs::read(&real)? != expected {
            return Err(ReplaceError::ChangedSinceRead);
        }
    }
    let parent = match real.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = real.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "file".into());
    let tmp =
        unique_sibling(&parent, &name, "tmp", |p| OpenOptions::new().write(true).create_new(true).open(p).map(|_| ()))?;
    let result = (|| -> io::Result<()> {
        let mut f = OpenOptions::new().write(true).open(&tmp)?;
        write(&mut f, bytes)?;
        if let Some(m) = &old_meta {
            f.set_permissions(m.permissions())?;
        }
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, &real)?;
        sync_dir(&parent);
        Ok(())
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(ReplaceError::Io(e));
    }
    Ok(())
}

/// Writes `text` to stdout and flushes it. A closed pipe (the reader stopped, as `| head` does)
/// is not an error; any other failure is.
pub fn print_stdout(text: &str) -> Result<(), super::report::CliError> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(super::report::CliError::new(
            crate::diagnostics::codes::UNWRITABLE_OUTPUT,
            format!("cannot write to standard output: {e}"),
        )
        .with_help("redirect the output to a file or a pipe that stays open")),
    }
}

/// Whether `path` is itself a symbolic link.
#[cfg(test)]
fn is_link(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace_keeps_the_link_and_writes_its_target() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let real = dir.path().join("real.arch");
        fs::write(&real, "old").unwrap_or_else(|e| panic!("{e}"));
        let link = dir.path().join("link.arch");
        std::os::unix::fs::symlink(&real, &link).unwrap_or_else(|e| panic!("{e}"));
        assert!(replace_file(&link, b"new", Some(b"old")).is_ok());
        assert!(is_link(&link));
        assert_eq!(fs::read_to_string(&real).unwrap_or_default(), "new");
    }

    #[test]
    fn a_failed_write_leaves_the_original_whole_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let f = dir.path().join("a.arch");
        fs::write(&f, "original").unwrap_or_else(|e| panic!("{e}"));
        let full_disk = |file: &mut fs::File, bytes: &[u8]| {
            file.write_all(&bytes[..2])?;
            Err(io::Error::new(io::ErrorKind::StorageFull, "no space left on device"))
        };
        let r = replace_file_with(&f, b"formatted", Some(b"original"), full_disk);
        assert!(matches!(r, Err(ReplaceError::Io(_))));
        assert_eq!(fs::read_to_string(&f).unwrap_or_default(), "original");
        assert_eq!(fs::read_dir(dir.path()).map(|d| d.count()).unwrap_or(0), 1, "a temporary file was left");
    }

    #[test]
    fn replace_refuses_a_file_changed_since_read() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let f = dir.path().join("a.arch");
        fs::write(&f, "edited meanwhile").unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(replace_file(&f, b"formatted", Some(b"as read")), Err(ReplaceError::ChangedSinceRead)));
        assert_eq!(fs::read_to_string(&f).unwrap_or_default(), "edited meanwhile");
    }

    #[test]
    fn an_uncommitted_staging_folder_is_removed() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let target = dir.path().join("out");
        let staged = {
            let s = Staging::new(&target).unwrap_or_else(|e| panic!("{e}"));
            s.path().to_path_buf()
        };
        assert!(!staged.exists());
        assert!(!target.exists());
    }
}
