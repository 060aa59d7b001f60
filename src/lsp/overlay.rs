//! The file system as the editor sees it: open documents from memory, everything else from disk.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::host::{is_workspace_file, FsHost, Host};

/// Open buffers over the real file system. Cheap to clone, so a worker thread can take one.
#[derive(Clone, Default)]
pub struct Overlay {
    docs: BTreeMap<PathBuf, Arc<String>>,
}

impl Overlay {
    pub fn open(&mut self, path: PathBuf, text: String) {
        self.docs.insert(path, Arc::new(text));
    }

    pub fn close(&mut self, path: &Path) {
        self.docs.remove(path);
    }

    pub fn get(&self, path: &Path) -> Option<&Arc<String>> {
        self.docs.get(path)
    }

    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.docs.keys().map(PathBuf::as_path)
    }
}

impl Host for Overlay {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        match self.docs.get(path) {
            Some(text) => Ok(text.as_bytes().to_vec()),
            None => FsHost.read(path),
        }
    }

    fn size(&self, path: &Path) -> io::Result<u64> {
        match self.docs.get(path) {
            Some(text) => Ok(text.len() as u64),
            None => FsHost.size(path),
        }
    }

    fn is_dir(&self, path: &Path) -> bool {
        FsHost.is_dir(path) || self.docs.keys().any(|p| p != path && p.starts_with(path))
    }

    fn is_file(&self, path: &Path) -> bool {
        self.docs.contains_key(path) || FsHost.is_file(path)
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        match FsHost.canonicalize(path) {
            Ok(p) => Ok(p),
            // A new buffer not saved yet: its folder may exist on disk.
            Err(_) if self.docs.contains_key(path) => Ok(path.to_path_buf()),
            Err(e) => Err(e),
        }
    }

    fn walk_workspace_files(&self, dir: &Path) -> Vec<Result<PathBuf, String>> {
        let mut out = if FsHost.is_dir(dir) { FsHost.walk_workspace_files(dir) } else { Vec::new() };
        for path in self.docs.keys() {
            let listed = out.iter().any(|e| e.as_ref().is_ok_and(|p| p == path));
            if path.starts_with(dir) && is_workspace_file(path) && !listed {
                out.push(Ok(path.clone()));
            }
        }
        out.sort_by(|a, b| match (a, b) {
            (Ok(a), Ok(b)) => a.cmp(b),
            (Ok(_), Err(_)) => std::cmp::Ordering::Less,
            (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
            (Err(a), Err(b)) => a.cmp(b),
        });
        out
    }
}
