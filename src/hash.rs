//! The hashing engine: streaming SHA-256 of every model file, parallel across files, largest first, with
//! one fixed-size buffer per worker so memory does not grow with model size; plus the OMS root digest.
//!
//! SHA-256 comes from the `sha2` crate, which detects SHA-NI at run time and then runs the hardware
//! rounds; `scripts/bench.sh` measures it against single-core OpenSSL. Files are opened with
//! `O_NONBLOCK` (a fifo swapped in after the walk can never block us) and `O_NOFOLLOW` unless the entry
//! is an allowed symlink, and every file's identity, size and mtime are compared with the walk's record
//! before and after reading, so a file that changes mid-scan is an error, never a digest of half a file.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::io::AsRawFd;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::walk::{FileStamp, WalkEntry};

/// Read buffer per worker. Large enough to amortise syscalls, small enough to stay in L2 with the
/// hashing state (measured: larger buffers are not faster on a warm page cache).
pub const BUF_SIZE: usize = 256 * 1024;

/// Bytes of each file's beginning kept for content sniffing (magic numbers, header lengths).
pub const HEAD_LEN: usize = 64;

/// A raw SHA-256 digest.
pub type Sha256Digest = [u8; 32];

/// The result of hashing one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileHash {
    pub sha256: Sha256Digest,
    /// Up to [`HEAD_LEN`] first bytes of the file.
    pub head: Vec<u8>,
}

/// Receives progress as bytes are hashed; called from worker threads.
pub trait Progress: Sync {
    fn advance(&self, bytes: u64);
}

/// A progress sink that ignores everything.
pub struct NoProgress;

impl Progress for NoProgress {
    fn advance(&self, _bytes: u64) {}
}

/// Number of workers to use when the caller does not say: one per available core.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// Hash every entry; results are in the same order as `entries`.
///
/// Work is handed out largest file first from a shared counter (longest-processing-time scheduling), so a
/// few huge shards start at once and the small files fill the gaps. The first error stops all workers.
pub fn hash_entries(
    entries: &[WalkEntry],
    jobs: usize,
    progress: &dyn Progress,
) -> Result<Vec<FileHash>> {
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by(|&a, &b| {
        entries[b]
            .stamp
            .size
            .cmp(&entries[a].stamp.size)
            .then(a.cmp(&b))
    });
    let workers = jobs.clamp(1, entries.len().max(1));

    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let results: Mutex<Vec<Option<FileHash>>> = Mutex::new(vec![None; entries.len()]);
    let first_error: Mutex<Option<(usize, Error)>> = Mutex::new(None);

    let work = || {
        let mut buf = vec![0u8; BUF_SIZE];
        loop {
            if failed.load(Ordering::Relaxed) {
                return;
            }
            let k = next.fetch_add(1, Ordering::Relaxed);
            let Some(&idx) = order.get(k) else { return };
            match hash_file(&entries[idx], &mut buf, progress) {
                Ok(h) => results.lock().unwrap_or_else(|p| p.into_inner())[idx] = Some(h),
                Err(e) => {
                    failed.store(true, Ordering::Relaxed);
                    let mut slot = first_error.lock().unwrap_or_else(|p| p.into_inner());
                    // Keep the error of the first file in model order, so the message is stable.
                    if slot.as_ref().is_none_or(|(i, _)| idx < *i) {
                        *slot = Some((idx, e));
                    }
                    return;
                }
            }
        }
    };
    if workers == 1 {
        work();
    } else {
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(work);
            }
        });
    }
    if let Some((_, e)) = first_error.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(e);
    }
    Ok(results
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .into_iter()
        .map(|r| r.expect("every entry hashed when no worker failed"))
        .collect())
}

fn open_checked(entry: &WalkEntry) -> Result<File> {
    let mut flags = libc::O_NONBLOCK;
    if !entry.is_symlink {
        flags |= libc::O_NOFOLLOW;
    }
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(flags)
        .open(&entry.path)
        .map_err(|e| match e.raw_os_error() {
            Some(libc::ELOOP) => Error::Changed {
                path: entry.path.clone(),
                what: "replaced by a symbolic link".to_string(),
            },
            _ => Error::io(&entry.path, "opening file", e),
        })?;
    let meta = file
        .metadata()
        .map_err(|e| Error::io(&entry.path, "reading metadata", e))?;
    if !meta.file_type().is_file() {
        return Err(Error::Changed {
            path: entry.path.clone(),
            what: "no longer a regular file".to_string(),
        });
    }
    if let Some(what) = entry.stamp.difference(&FileStamp::of(&meta)) {
        return Err(Error::Changed {
            path: entry.path.clone(),
            what,
        });
    }
    // Tell the kernel we read front to back (bigger readahead on a cold cache). Advisory only.
    // SAFETY: the descriptor is open for the lifetime of `file`; the call has no memory effects.
    unsafe {
        libc::posix_fadvise(file.as_raw_fd(), 0, 0, libc::POSIX_FADV_SEQUENTIAL);
    }
    Ok(file)
}

/// Hash one file with the caller's buffer, checking that it does not change while it is read.
pub fn hash_file(entry: &WalkEntry, buf: &mut [u8], progress: &dyn Progress) -> Result<FileHash> {
    let mut file = open_checked(entry)?;
    let expected = entry.stamp.size;
    let mut hasher = Sha256::new();
    let mut head = Vec::with_capacity(HEAD_LEN.min(expected as usize));
    let mut total: u64 = 0;
    loop {
        let n = match file.read(buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::io(&entry.path, "reading file", e)),
        };
        if head.len() < HEAD_LEN {
            let take = (HEAD_LEN - head.len()).min(n);
            head.extend_from_slice(&buf[..take]);
        }
        hasher.update(&buf[..n]);
        total += n as u64;
        if total > expected {
            return Err(Error::Changed {
                path: entry.path.clone(),
                what: format!("grew past its size of {expected} bytes"),
            });
        }
        progress.advance(n as u64);
    }
    let after = file
        .metadata()
        .map_err(|e| Error::io(&entry.path, "reading metadata", e))?;
    if let Some(what) = entry.stamp.difference(&FileStamp::of(&after)) {
        return Err(Error::Changed {
            path: entry.path.clone(),
            what,
        });
    }
    if total != expected {
        return Err(Error::Changed {
            path: entry.path.clone(),
            what: format!("read {total} bytes, expected {expected}"),
        });
    }
    Ok(FileHash {
        sha256: hasher.finalize().into(),
        head,
    })
}

/// The OMS v1.0 root digest: SHA-256 over the concatenated raw digests of all files in OMS order.
pub fn root_digest<'a>(digests: impl IntoIterator<Item = &'a Sha256Digest>) -> Sha256Digest {
    let mut h = Sha256::new();
    for d in digests {
        h.update(d);
    }
    h.finalize().into()
}

/// `sha256:<hex>`, the form used on the command line and in reports.
pub fn prefixed_hex(d: &Sha256Digest) -> String {
    format!("sha256:{}", hex::encode(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_digest_of_one_file_is_hash_of_its_digest() {
        let d: Sha256Digest = Sha256::digest(b"hello").into();
        let expected: Sha256Digest = Sha256::digest(d).into();
        assert_eq!(root_digest([&d]), expected);
    }

    #[test]
    fn root_digest_concatenates_in_order() {
        let a: Sha256Digest = Sha256::digest(b"a").into();
        let b: Sha256Digest = Sha256::digest(b"b").into();
        let mut cat = a.to_vec();
        cat.extend_from_slice(&b);
        let expected: Sha256Digest = Sha256::digest(&cat).into();
        assert_eq!(root_digest([&a, &b]), expected);
        assert_ne!(root_digest([&b, &a]), expected);
    }
}
