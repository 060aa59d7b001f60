//! The one door to the outside world. The driver reads files through [`Host`]; the CLI passes the
//! real file system, the language server an overlay of open buffers, tests an in-memory map.

use std::io;
use std::path::{Path, PathBuf};

/// `Sync`, so that the driver can read several files at once.
pub trait Host: Sync {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
    /// [`Host::read`] into `buffer`, which it empties first: a thread reading file after file
    /// reuses one buffer.
    fn read_into(&self, path: &Path, buffer: &mut Vec<u8>) -> io::Result<()> {
        *buffer = self.read(path)?;
        Ok(())
    }
    fn size(&self, path: &Path) -> io::Result<u64>;
    fn is_dir(&self, path: &Path) -> bool;
    fn is_file(&self, path: &Path) -> bool;
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf>;
    /// Every `.arch` file and every `arch.toml` under `dir`, sorted; problems (such as symlink
    /// loops) as messages. A link that leads outside `dir` is not followed; it is reported with a
    /// message starting with [`SKIPPED_LINK`].
    fn walk_workspace_files(&self, dir: &Path) -> Vec<Result<PathBuf, String>>;
}

/// The real file system.
pub struct FsHost;

/// An `.arch` source or an `arch.toml` workspace marker.
pub fn is_workspace_file(path: &Path) -> bool {
    is_arch_file(path) || path.file_name().is_some_and(|n| n == "arch.toml")
}

pub fn is_arch_file(path: &Path) -> bool {
    path.extension().is_some_and(|x| x == "arch")
}

/// How the message of a link left unfollowed starts: a warning, not an error.
pub const SKIPPED_LINK: &str = "skipped the symbolic link";

/// Directories never searched for `.arch` files.
const SKIPPED_DIRS: &[&str] = &["target", "node_modules", ".git"];

impl Host for FsHost {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }

    fn read_into(&self, path: &Path, buffer: &mut Vec<u8>) -> io::Result<()> {
        use std::io::Read;
        buffer.clear();
        std::fs::File::open(path)?.read_to_end(buffer)?;
        Ok(())
    }

    fn size(&self, path: &Path) -> io::Result<u64> {
        std::fs::metadata(path).map(|m| m.len())
    }

    fn is_dir(&self, path: &Path) -> bool {
        path.is_dir()
    }

    fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::canonicalize(path)
    }

    fn walk_workspace_files(&self, dir: &Path) -> Vec<Result<PathBuf, String>> {
        // Links are followed only while they stay under the folder walked: one to `/proc` or
        // `/sys` would read the machine, not the workspace. walkdir detects loops among the rest.
        let base = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        let skipped = std::cell::RefCell::new(Vec::new());
        let walker = walkdir::WalkDir::new(dir).follow_links(true).sort_by_file_name().into_iter().filter_entry(|e| {
            if e.depth() > 0 && e.path_is_symlink() {
                match std::fs::canonicalize(e.path()) {
                    Ok(target) if target.starts_with(&base) => {}
                    Ok(target) => {
                        skipped.borrow_mut().push(format!(
                            "{SKIPPED_LINK} `{}`: it leads outside the workspace, to `{}`",
                            e.path().display(),
                            target.display()
                        ));
                        return false;
                    }
                    // A dangling link: nothing to read, nothing to report.
                    Err(_) => return false,
                }
            }
            let name = e.file_name().to_string_lossy();
            e.depth() == 0
                || !(e.file_type().is_dir() && (name.starts_with('.') || SKIPPED_DIRS.contains(&name.as_ref())))
        });
        let mut out = Vec::new();
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_file() && is_workspace_file(e.path()) => out.push(Ok(e.into_path())),
                Ok(_) => {}
                Err(err) => {
                    let msg = match (err.loop_ancestor(), err.path()) {
                        (Some(anc), Some(p)) => {
                            format!("symbolic link loop: `{}` points back to `{}`", p.display(), anc.display())
                        }
                        _ => err.to_string(),
                    };
                    out.push(Err(msg));
                }
            }
        }
        out.extend(skipped.into_inner().into_iter().map(Err));
        out
    }
}

/// A host that walks each folder once: grouping the paths of a run into workspaces and then
/// reading a workspace both walk its folder, and the second walk would only read the same folders
/// again. For the length of one run, which reads a file system it takes to be still.
pub struct WalkOnce<'h> {
    host: &'h dyn Host,
    /// Each folder walked, with what the host's walk gave.
    walks: std::sync::Mutex<Vec<(PathBuf, FolderWalk)>>,
}

/// What [`Host::walk_workspace_files`] gives for one folder.
type FolderWalk = Vec<Result<PathBuf, String>>;

impl<'h> WalkOnce<'h> {
    pub fn new(host: &'h dyn Host) -> WalkOnce<'h> {
        WalkOnce { host, walks: std::sync::Mutex::new(Vec::new()) }
    }
}

impl Host for WalkOnce<'_> {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.host.read(path)
    }

    fn read_into(&self, path: &Path, buffer: &mut Vec<u8>) -> io::Result<()> {
        self.host.read_into(path, buffer)
    }

    fn size(&self, path: &Path) -> io::Result<u64> {
        self.host.size(path)
    }

    fn is_dir(&self, path: &Path) -> bool {
        self.host.is_dir(path)
    }

    fn is_file(&self, path: &Path) -> bool {
        self.host.is_file(path)
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        self.host.canonicalize(path)
    }

    fn walk_workspace_files(&self, dir: &Path) -> Vec<Result<PathBuf, String>> {
        let mut walks = self.walks.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, walked)) = walks.iter().find(|(d, _)| d == dir) {
            return walked.clone();
        }
        let walked = self.host.walk_workspace_files(dir);
        walks.push((dir.to_path_buf(), walked.clone()));
        walked
    }
}

/// An in-memory file system: for tests, the fuzzers and editor buffers.
#[derive(Clone, Debug, Default)]
pub struct MemHost {
    files: std::collections::BTreeMap<PathBuf, Vec<u8>>,
}

impl MemHost {
    pub fn new<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> MemHost {
        let mut host = MemHost::default();
        for (path, text) in files {
            host.insert(Path::new(path), text.as_bytes().to_vec());
        }
        host
    }

    pub fn insert(&mut self, path: &Path, bytes: Vec<u8>) {
        self.files.insert(lexical(path), bytes);
    }
}

/// `/`-rooted, with `.` and `..` resolved without touching any disk.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::from("/");
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::Normal(p) => out.push(p),
            _ => {}
        }
    }
    out
}

impl Host for MemHost {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.files.get(&lexical(path)).cloned().ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such file"))
    }

    fn size(&self, path: &Path) -> io::Result<u64> {
        self.read(path).map(|b| b.len() as u64)
    }

    fn is_dir(&self, path: &Path) -> bool {
        let p = lexical(path);
        self.files.keys().any(|k| k != &p && k.starts_with(&p))
    }

    fn is_file(&self, path: &Path) -> bool {
        self.files.contains_key(&lexical(path))
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        let p = lexical(path);
        if self.files.contains_key(&p) || self.is_dir(&p) {
            Ok(p)
        } else {
            Err(io::Error::new(io::ErrorKind::NotFound, "no such file"))
        }
    }

    fn walk_workspace_files(&self, dir: &Path) -> Vec<Result<PathBuf, String>> {
        let d = lexical(dir);
        self.files.keys().filter(|k| k.starts_with(&d) && is_workspace_file(k)).map(|k| Ok(k.clone())).collect()
    }
}

/// A test host: the files of a [`MemHost`], with each read asking `read` first (what it answers
/// for a path is what reading that path gives; `None` reads the file as it is) and each walk
/// shown to `walked`.
#[cfg(test)]
pub(crate) struct Intercepting<R, W> {
    inner: MemHost,
    read: R,
    walked: W,
}

#[cfg(test)]
type ReadAsIs = fn(&Path) -> Option<io::Result<Vec<u8>>>;

#[cfg(test)]
impl<R> Intercepting<R, fn(&Path)> {
    /// Intercepts reads only.
    pub(crate) fn reads(inner: MemHost, read: R) -> Self {
        Intercepting { inner, read, walked: |_| {} }
    }
}

#[cfg(test)]
impl<W> Intercepting<ReadAsIs, W> {
    /// Watches walks only.
    pub(crate) fn walks(inner: MemHost, walked: W) -> Self {
        Intercepting { inner, read: |_| None, walked }
    }
}

#[cfg(test)]
impl<R, W> Host for Intercepting<R, W>
where
    R: Fn(&Path) -> Option<io::Result<Vec<u8>>> + Sync,
    W: Fn(&Path) + Sync,
{
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        (self.read)(path).unwrap_or_else(|| self.inner.read(path))
    }
    fn size(&self, path: &Path) -> io::Result<u64> {
        self.inner.size(path)
    }
    fn is_dir(&self, path: &Path) -> bool {
        self.inner.is_dir(path)
    }
    fn is_file(&self, path: &Path) -> bool {
        self.inner.is_file(path)
    }
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        self.inner.canonicalize(path)
    }
    fn walk_workspace_files(&self, dir: &Path) -> Vec<Result<PathBuf, String>> {
        (self.walked)(dir);
        self.inner.walk_workspace_files(dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn each_folder_is_walked_once_and_gives_what_the_host_gives() {
        let inner = MemHost::new([("/ws/arch.toml", ""), ("/ws/a.arch", "component a"), ("/ws/sub/b.arch", "")]);
        let walks = AtomicUsize::new(0);
        let counting = Intercepting::walks(inner.clone(), |_: &Path| {
            walks.fetch_add(1, Ordering::Relaxed);
        });
        let host = WalkOnce::new(&counting);
        let whole = host.walk_workspace_files(Path::new("/ws"));
        assert_eq!(whole, inner.walk_workspace_files(Path::new("/ws")));
        assert_eq!(whole.len(), 3);
        assert_eq!(host.walk_workspace_files(Path::new("/ws")), whole, "the second walk gives the first's answer");
        assert_eq!(walks.load(Ordering::Relaxed), 1);
        assert_eq!(host.walk_workspace_files(Path::new("/ws/sub")).len(), 1, "another folder is walked for itself");
        assert_eq!(walks.load(Ordering::Relaxed), 2);
        assert_eq!(host.read(Path::new("/ws/a.arch")).ok(), Some(b"component a".to_vec()));
    }
}
