//! The hashing engine: streaming SHA-256 of every model file, parallel across files, largest first, with
//! fixed-size buffers per worker so memory does not grow with model size; plus the OMS root digest.
//!
//! Each worker hashes two large files at once through the interleaved SHA-NI kernel in [`sha256`]
//! (one stream per core is latency-bound; two streams per core are ~45% faster), and small files one by
//! one. Files are opened with `O_NONBLOCK` (a fifo swapped in after the walk can never block us) and
//! `O_NOFOLLOW` unless the entry is an allowed symlink, and every file's identity, size and mtime are
//! compared with the walk's record before and after reading, so a file that changes mid-scan is an
//! error, never a digest of half a file.

pub mod sha256;

use std::fs::File;
use std::io::{ErrorKind, Read};
use std::os::unix::io::AsRawFd;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::walk::{FileStamp, WalkEntry};
use sha256::{update_pair, Sha256Stream};

/// Read buffer (two per worker). Large enough to amortise syscalls, small enough to stay in L2 with the
/// hashing state (measured: 64 KiB to 4 MiB perform the same on a warm page cache).
pub const BUF_SIZE: usize = 256 * 1024;

/// Files at least this large are hashed in pairs; below it the pairing bookkeeping is not worth it.
const PAIR_MIN: u64 = 4 * BUF_SIZE as u64;

/// Bytes of each file's beginning kept for content sniffing (magic numbers, header lengths; a tar
/// header's checksum covers its whole first 512-byte block).
pub const HEAD_LEN: usize = 512;

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
    /// Told once, after the walk and before hashing starts, how many files and bytes will be hashed (a
    /// progress bar decides here whether the job is long enough to show). Default: nothing.
    fn start(&self, _files: usize, _bytes: u64) {}
    /// `bytes` more have been hashed.
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
/// Work is handed out largest file first from a shared counter (longest-processing-time scheduling), so
/// the big shards start at once and the small files fill the gaps. The first error stops all workers;
/// when several files fail, the one first in model order is reported.
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
    let pool = Pool {
        entries,
        order,
        next: AtomicUsize::new(0),
        failed: AtomicBool::new(false),
        results: Mutex::new(vec![None; entries.len()]),
        first_error: Mutex::new(None),
        pairing: sha256::pair_supported(),
        progress,
    };
    if workers == 1 {
        pool.work();
    } else {
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(|| pool.work());
            }
        });
    }
    if let Some((_, e)) = pool
        .first_error
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
    {
        return Err(e);
    }
    Ok(pool
        .results
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .into_iter()
        .map(|r| r.expect("every entry hashed when no worker failed"))
        .collect())
}

/// Shared state of one `hash_entries` call.
struct Pool<'a> {
    entries: &'a [WalkEntry],
    /// Entry indices, largest file first.
    order: Vec<usize>,
    next: AtomicUsize,
    failed: AtomicBool,
    results: Mutex<Vec<Option<FileHash>>>,
    first_error: Mutex<Option<(usize, Error)>>,
    pairing: bool,
    progress: &'a dyn Progress,
}

impl Pool<'_> {
    fn work(&self) {
        if let Err((idx, e)) = self.work_inner() {
            self.failed.store(true, Ordering::Relaxed);
            let mut slot = self.first_error.lock().unwrap_or_else(|p| p.into_inner());
            if slot.as_ref().is_none_or(|(i, _)| idx < *i) {
                *slot = Some((idx, e));
            }
        }
    }

    fn take(&self) -> Option<usize> {
        if self.failed.load(Ordering::Relaxed) {
            return None;
        }
        self.order
            .get(self.next.fetch_add(1, Ordering::Relaxed))
            .copied()
    }

    fn record(&self, idx: usize, h: FileHash) {
        self.results.lock().unwrap_or_else(|p| p.into_inner())[idx] = Some(h);
    }

    /// One worker: keeps up to two large files open and advances them together; hashes small files
    /// whole as they come.
    fn work_inner(&self) -> std::result::Result<(), (usize, Error)> {
        let mut bufs = [vec![0u8; BUF_SIZE], vec![0u8; BUF_SIZE]];
        let mut slots: [Option<Reading>; 2] = [None, None];
        let slot_count = if self.pairing { 2 } else { 1 };
        loop {
            for slot in slots.iter_mut().take(slot_count) {
                while slot.is_none() {
                    let Some(idx) = self.take() else { break };
                    let entry = &self.entries[idx];
                    let at = |e| (idx, e);
                    if self.pairing && entry.stamp.size >= PAIR_MIN {
                        *slot = Some(Reading::open(idx, entry).map_err(at)?);
                    } else {
                        let h = hash_file(entry, &mut bufs[0], self.progress).map_err(at)?;
                        self.record(idx, h);
                    }
                }
            }
            match &mut slots {
                [Some(a), Some(b)] => {
                    let [ba, bb] = &mut bufs;
                    let na = a.read_chunk(ba, self.progress).map_err(|e| (a.idx, e))?;
                    let nb = b.read_chunk(bb, self.progress).map_err(|e| (b.idx, e))?;
                    update_pair(&mut a.stream, &ba[..na], &mut b.stream, &bb[..nb]);
                    for (slot, n) in slots.iter_mut().zip([na, nb]) {
                        if n == 0 {
                            self.finish(slot.take())?;
                        }
                    }
                }
                [Some(a), None] | [None, Some(a)] => {
                    let n = a
                        .read_chunk(&mut bufs[0], self.progress)
                        .map_err(|e| (a.idx, e))?;
                    a.stream.update(&bufs[0][..n]);
                    if n == 0 {
                        let done = slots
                            .iter_mut()
                            .find(|s| s.is_some())
                            .and_then(Option::take);
                        self.finish(done)?;
                    }
                }
                [None, None] => return Ok(()),
            }
            if self.failed.load(Ordering::Relaxed) {
                return Ok(());
            }
        }
    }

    fn finish(&self, reading: Option<Reading>) -> std::result::Result<(), (usize, Error)> {
        if let Some(r) = reading {
            let idx = r.idx;
            let h = r.finish().map_err(|e| (idx, e))?;
            self.record(idx, h);
        }
        Ok(())
    }
}

/// A file being read and hashed, with the checks that it stays the file the walk saw.
struct Reading<'a> {
    idx: usize,
    entry: &'a WalkEntry,
    file: File,
    stream: Sha256Stream,
    head: Vec<u8>,
    total: u64,
}

impl<'a> Reading<'a> {
    fn open(idx: usize, entry: &'a WalkEntry) -> Result<Self> {
        Ok(Reading {
            idx,
            entry,
            file: open_checked(entry)?,
            stream: Sha256Stream::new(),
            head: Vec::with_capacity(HEAD_LEN.min(entry.stamp.size as usize)),
            total: 0,
        })
    }

    /// Read the next chunk into `buf` (not hashed yet); 0 at end of file.
    fn read_chunk(&mut self, buf: &mut [u8], progress: &dyn Progress) -> Result<usize> {
        let n = loop {
            match self.file.read(buf) {
                Ok(n) => break n,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::io(&self.entry.path, "reading file", e)),
            }
        };
        if self.head.len() < HEAD_LEN {
            let take = (HEAD_LEN - self.head.len()).min(n);
            self.head.extend_from_slice(&buf[..take]);
        }
        self.total += n as u64;
        if self.total > self.entry.stamp.size {
            return Err(Error::Changed {
                path: self.entry.path.clone(),
                what: format!("grew past its size of {} bytes", self.entry.stamp.size),
            });
        }
        progress.advance(n as u64);
        Ok(n)
    }

    /// Check the file is unchanged after reading to its end, and produce its digest.
    fn finish(self) -> Result<FileHash> {
        let entry = self.entry;
        let after = self
            .file
            .metadata()
            .map_err(|e| Error::io(&entry.path, "reading metadata", e))?;
        if let Some(what) = entry.stamp.difference(&FileStamp::of(&after)) {
            return Err(Error::Changed {
                path: entry.path.clone(),
                what,
            });
        }
        if self.total != entry.stamp.size {
            return Err(Error::Changed {
                path: entry.path.clone(),
                what: format!("read {} bytes, expected {}", self.total, entry.stamp.size),
            });
        }
        Ok(FileHash {
            sha256: self.stream.finalize(),
            head: self.head,
        })
    }
}

fn open_checked(entry: &WalkEntry) -> Result<File> {
    let opened = if entry.is_symlink {
        crate::io::open_regular(&entry.path)
    } else {
        crate::io::open_regular_nofollow(&entry.path)
    };
    let file = opened.map_err(|e| match e.raw_os_error() {
        Some(libc::ELOOP) => Error::Changed {
            path: entry.path.clone(),
            what: "replaced by a symbolic link".to_string(),
        },
        _ if e.get_ref().is_some_and(|i| i.is::<crate::io::NotRegular>()) => Error::Changed {
            path: entry.path.clone(),
            what: "no longer a regular file".to_string(),
        },
        _ => Error::io(&entry.path, "opening file", e),
    })?;
    let meta = file
        .metadata()
        .map_err(|e| Error::io(&entry.path, "reading metadata", e))?;
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

/// Hash one file on its own with the caller's buffer, checking that it does not change while read.
pub fn hash_file(entry: &WalkEntry, buf: &mut [u8], progress: &dyn Progress) -> Result<FileHash> {
    let mut r = Reading::open(0, entry)?;
    loop {
        let n = r.read_chunk(buf, progress)?;
        if n == 0 {
            return r.finish();
        }
        r.stream.update(&buf[..n]);
    }
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
