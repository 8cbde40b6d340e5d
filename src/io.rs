//! The one room for file I/O at the library's edges: reading the files a user or a model names, bounded
//! and without blocking, and writing outputs (reports, bundles, keys) where the user pointed them.
//!
//! Reading ([`open_regular`], [`read_capped`], [`read_head`]): a file is opened non-blocking, so a fifo
//! or device put where a bundle, key, trusted root, BOM or `config.json` is expected cannot stall the
//! command; anything that is not a regular file is then refused, naming what it is, and the descriptor
//! goes back to blocking reads. Every read is bounded: a whole-file read refuses a file above its cap, a
//! head read takes at most `n` bytes. Files a walk found are opened with [`open_regular_nofollow`], so a
//! symbolic link swapped in afterwards is not followed.
//!
//! Writing: a path is resolved and checked before any work is done ([`Destination::resolve`], [`check_destinations`]), and
//! a set of outputs is then written all together or not at all ([`write_outputs`]).
//!
//! What a destination is decides how it is written:
//! - a regular file, or a path that does not exist yet, is replaced atomically: a temporary file in the same
//!   directory, written and synced, then renamed over the path, so a reader never sees half a report and
//!   a failed run leaves the previous file as it was;
//! - a character or block device (`/dev/null`, `/dev/full`, a terminal) or a fifo is opened for writing and
//!   written in place, never truncated, replaced or created: rename would swap the device node for a
//!   plain file. Opening a fifo waits until something opens it for reading;
//! - `-` is standard output (the caller's writer; this module never prints by itself), and so is a path
//!   that leads to the pipe, socket or file standard output already goes to (`/dev/stdout`);
//! - a symbolic link is followed to its target, which is written as above; the link stays a link.
//!
//! "All or none": every atomic file is first staged as a complete temporary file; only when all are
//! ready are devices, fifos and standard output written, and the renames done last. A full device or disk
//! (`ENOSPC`) is an error naming the path, and the staged files are then removed. What cannot be undone
//! is a device, fifo or standard output written before a later one failed.
//!
//! Not done: preserving owner, ACLs or hard links of a replaced file (a rename makes a new file; its
//! permission bits are kept).

use std::fs::{File, FileType, Metadata, OpenOptions};
use std::io::{self, ErrorKind, Read, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// What a file that is not a regular file is, for messages (`fifo`, `directory`, ...).
pub fn file_kind(ft: &FileType) -> &'static str {
    if ft.is_dir() {
        "directory"
    } else if ft.is_fifo() {
        "fifo"
    } else if ft.is_char_device() {
        "character device"
    } else if ft.is_block_device() {
        "block device"
    } else if ft.is_socket() {
        "socket"
    } else if ft.is_symlink() {
        "symbolic link"
    } else if ft.is_file() {
        "regular file"
    } else {
        "special file"
    }
}

/// An open that refused a file for being something other than a regular file: the `io::Error` carries
/// this, so [`read_capped`] can name what the file is.
#[derive(Debug)]
pub struct NotRegular(pub &'static str);

impl std::fmt::Display for NotRegular {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "is a {}, not a regular file", self.0)
    }
}

impl std::error::Error for NotRegular {}

/// Open a regular file for reading, following symbolic links (paths a user names: a bundle, a key, a
/// trusted root). Opened with `O_NONBLOCK`, so a fifo or device never blocks the open; a fifo, device,
/// socket or directory is refused with an `InvalidInput` error carrying [`NotRegular`]; then `O_NONBLOCK`
/// is cleared, so reads of the regular file behave as usual.
pub fn open_regular(path: &Path) -> io::Result<File> {
    open_with(path, 0)
}

/// [`open_regular`] without following a final symbolic link (files found by a walk: a link swapped in
/// after the walk fails with `ELOOP`).
pub fn open_regular_nofollow(path: &Path) -> io::Result<File> {
    open_with(path, libc::O_NOFOLLOW)
}

fn open_with(path: &Path, extra: libc::c_int) -> io::Result<File> {
    use std::os::fd::AsRawFd;
    let f = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_CLOEXEC | extra)
        .open(path)?;
    let ft = f.metadata()?.file_type();
    if !ft.is_file() {
        return Err(io::Error::new(
            ErrorKind::InvalidInput,
            NotRegular(file_kind(&ft)),
        ));
    }
    let fd = f.as_raw_fd();
    // SAFETY: `fd` is open for the lifetime of `f`; F_GETFL/F_SETFL only change its status flags.
    let cleared = unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        flags >= 0 && libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) == 0
    };
    if !cleared {
        return Err(io::Error::last_os_error());
    }
    Ok(f)
}

/// Read a whole regular file of at most `cap` bytes (`what` names it in messages: "bundle", "key file").
/// A missing file, a fifo or device, and a file above the cap are errors naming the path; a larger file
/// is refused after reading at most `cap + 1` bytes.
pub fn read_capped(path: &Path, cap: u64, what: &'static str) -> Result<Vec<u8>> {
    let f = open_regular(path).map_err(|e| open_error(path, e))?;
    let mut buf = Vec::new();
    f.take(cap.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(|e| Error::io(path, "reading file", e))?;
    if buf.len() as u64 > cap {
        return Err(Error::too_large(path, what, cap));
    }
    Ok(buf)
}

/// The first `n` bytes of a regular file (fewer when it is shorter), without blocking on a fifo.
pub fn read_head(path: &Path, n: u64) -> io::Result<Vec<u8>> {
    read_head_from(open_regular(path)?, n)
}

/// [`read_head`] without following a final symbolic link.
pub fn read_head_nofollow(path: &Path, n: u64) -> io::Result<Vec<u8>> {
    read_head_from(open_regular_nofollow(path)?, n)
}

fn read_head_from(f: File, n: u64) -> io::Result<Vec<u8>> {
    let mut v = Vec::with_capacity(usize::try_from(n.min(1 << 16)).unwrap_or(0));
    f.take(n).read_to_end(&mut v)?;
    Ok(v)
}

/// The library error for a failed [`open_regular`]: not found, not a regular file, or another I/O error.
pub fn open_error(path: &Path, e: io::Error) -> Error {
    if e.kind() == ErrorKind::NotFound {
        return Error::not_found(path);
    }
    if let Some(NotRegular(kind)) = e.get_ref().and_then(|i| i.downcast_ref::<NotRegular>()) {
        return Error::NotRegular {
            path: path.to_path_buf(),
            kind,
        };
    }
    Error::io(path, "opening file", e)
}

/// Symbolic links followed from an output path before giving up (as Linux's `MAXSYMLINKS`).
const MAX_LINKS: usize = 40;

/// Permission bits of a new output file (before the umask).
const DEFAULT_MODE: u32 = 0o644;

/// How an output is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DestKind {
    /// Standard output.
    Stdout,
    /// A regular file, existing or not, replaced atomically. `target` is the path after following
    /// symbolic links; `existing` holds the current file's permission bits and identity.
    Replace {
        target: PathBuf,
        existing: Option<Existing>,
    },
    /// A character or block device or a fifo, written in place.
    WriteThrough {
        target: PathBuf,
        kind: SpecialKind,
        id: (u64, u64),
    },
}

/// The regular file an atomic write replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Existing {
    /// Permission bits, kept by the replacement.
    pub mode: u32,
    /// Device and inode, to tell two paths to one file.
    pub id: (u64, u64),
}

/// The kind of a write-through destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecialKind {
    CharDevice,
    BlockDevice,
    Fifo,
}

impl SpecialKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SpecialKind::CharDevice => "character device",
            SpecialKind::BlockDevice => "block device",
            SpecialKind::Fifo => "fifo",
        }
    }
}

/// One output destination, resolved and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    given: PathBuf,
    kind: DestKind,
}

impl Destination {
    /// Standard output.
    pub fn stdout() -> Destination {
        Destination {
            given: PathBuf::from("-"),
            kind: DestKind::Stdout,
        }
    }

    /// Resolve `path` (`-` is standard output) and check that it can be written: an existing directory,
    /// socket or unwritable device is refused, and so is a new file whose directory is missing or not
    /// writable. Nothing is created or opened.
    pub fn resolve(path: &Path) -> Result<Destination> {
        if path.as_os_str() == "-" {
            return Ok(Destination::stdout());
        }
        let given = path.to_path_buf();
        let usage = |what: String| Error::Usage(format!("{}: {what}", path.display()));
        if path.as_os_str().is_empty() {
            return Err(Error::Usage("an output path is empty".to_string()));
        }
        let names_dir = path.file_name().is_none()
            || path.as_os_str().as_encoded_bytes().ends_with(b"/")
            || path.ends_with(".");
        if names_dir {
            return Err(usage(
                "names a directory, not a file to write (add a file name)".to_string(),
            ));
        }
        // stat follows every link, /proc's fd links too (`/dev/stdout` on a pipe names no path).
        let followed = match std::fs::metadata(path) {
            Ok(m) => Some(m),
            Err(e) if e.kind() == ErrorKind::NotFound => None,
            Err(e) => return Err(Error::io(path, "reading output path", e)),
        };
        if let Some(m) = &followed {
            let id = (m.dev(), m.ino());
            // `/dev/stdout`, `/proc/self/fd/1` or the file stdout is redirected to: write to stdout itself
            // (so `>>` appends and a pipe or socket works), not to a second opening of it.
            if stdout_id() == Some(id) {
                return Ok(Destination {
                    given,
                    kind: DestKind::Stdout,
                });
            }
            let ft = m.file_type();
            if ft.is_dir() {
                return Err(usage(
                    "is a directory, not a file to write (add a file name)".to_string(),
                ));
            }
            if ft.is_socket() {
                return Err(usage(
                    "is a socket; cannot write an output to it".to_string(),
                ));
            }
            let special = if ft.is_char_device() {
                Some(SpecialKind::CharDevice)
            } else if ft.is_block_device() {
                Some(SpecialKind::BlockDevice)
            } else if ft.is_fifo() {
                Some(SpecialKind::Fifo)
            } else {
                None
            };
            if let Some(kind) = special {
                if !access_write(path) {
                    return Err(usage(format!(
                        "is a {} that cannot be opened for writing (permission denied)",
                        kind.as_str()
                    )));
                }
                // Opening follows the links again: the device or fifo itself is written.
                return Ok(Destination {
                    given,
                    kind: DestKind::WriteThrough {
                        target: path.to_path_buf(),
                        kind,
                        id,
                    },
                });
            }
        }
        // A regular file, or a new one: the rename needs the real name, so follow the links by name.
        let (target, meta) = follow_links(path)?;
        let via = if target == path {
            String::new()
        } else {
            format!(" (the link's target {})", target.display())
        };
        match (followed, meta) {
            (None, None) => {
                check_parent(path, &target, &via)?;
                Ok(Destination {
                    given,
                    kind: DestKind::Replace {
                        target,
                        existing: None,
                    },
                })
            }
            (Some(m), Some(named)) if (m.dev(), m.ino()) == (named.dev(), named.ino()) => {
                check_parent(path, &target, &via)?;
                Ok(Destination {
                    given,
                    kind: DestKind::Replace {
                        target,
                        existing: Some(Existing {
                            mode: m.permissions().mode() & 0o777,
                            id: (m.dev(), m.ino()),
                        }),
                    },
                })
            }
            _ => Err(usage(format!(
                "its symbolic links do not lead to a file that can be replaced by name{via}"
            ))),
        }
    }

    /// The path as given (`-` for standard output), for messages.
    pub fn given(&self) -> &Path {
        &self.given
    }

    /// How it is written.
    pub fn kind(&self) -> &DestKind {
        &self.kind
    }

    /// True for standard output.
    pub fn is_stdout(&self) -> bool {
        self.kind == DestKind::Stdout
    }

    /// The file written after following symbolic links (`None` for standard output).
    pub fn target(&self) -> Option<&Path> {
        match &self.kind {
            DestKind::Stdout => None,
            DestKind::Replace { target, .. } | DestKind::WriteThrough { target, .. } => {
                Some(target)
            }
        }
    }

    /// True when writing replaces an existing regular file (what `--force` is about).
    pub fn replaces_a_file(&self) -> bool {
        matches!(
            self.kind,
            DestKind::Replace {
                existing: Some(_),
                ..
            }
        )
    }

    /// Device and inode of the file written, when it exists.
    fn id(&self) -> Option<(u64, u64)> {
        match &self.kind {
            DestKind::Replace {
                existing: Some(e), ..
            } => Some(e.id),
            DestKind::WriteThrough { id, .. } => Some(*id),
            _ => None,
        }
    }

    /// The written path in a form two spellings of one new file share: canonical directory + name.
    fn canonical(&self) -> Option<PathBuf> {
        let t = self.target()?;
        let dir = match t.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        Some(std::fs::canonicalize(dir).ok()?.join(t.file_name()?))
    }
}

/// Follow symbolic links from `path`: the final path and its metadata (`None` when it does not exist).
fn follow_links(path: &Path) -> Result<(PathBuf, Option<Metadata>)> {
    let mut cur = path.to_path_buf();
    for _ in 0..=MAX_LINKS {
        match std::fs::symlink_metadata(&cur) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = std::fs::read_link(&cur)
                    .map_err(|e| Error::io(path, "reading symbolic link", e))?;
                cur = if to.is_absolute() {
                    to
                } else {
                    cur.parent().unwrap_or(Path::new("")).join(to)
                };
            }
            Ok(m) => return Ok((cur, Some(m))),
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok((cur, None)),
            Err(e) => return Err(Error::io(path, "reading output path", e)),
        }
    }
    Err(Error::Usage(format!(
        "{}: more than {MAX_LINKS} levels of symbolic links",
        path.display()
    )))
}

/// The directory a file is renamed into must exist, be a directory and be writable.
fn check_parent(given: &Path, target: &Path, via: &str) -> Result<()> {
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let fail = |what: &str| {
        Err(Error::Usage(format!(
            "{}: cannot write here{via}: directory {} {what}",
            given.display(),
            dir.display()
        )))
    };
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => {
            if access_write(dir) {
                Ok(())
            } else {
                fail("is not writable")
            }
        }
        Ok(_) => fail("is not a directory"),
        Err(e) if e.kind() == ErrorKind::NotFound => fail("does not exist"),
        Err(e) => Err(Error::io(dir, "checking output directory", e)),
    }
}

/// `access(2)` for writing: permissions and read-only file systems, as the real user.
fn access_write(p: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(p.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `c` is a valid NUL-terminated path that outlives the call.
    unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
}

/// Check destinations written together: at most one is standard output, no two are the same file, and
/// none is one of `inputs` (files the command reads: a model file, a key, a BOM).
pub fn check_destinations(dests: &[Destination], inputs: &[&Path]) -> Result<()> {
    let to_stdout: Vec<String> = dests
        .iter()
        .filter(|d| d.is_stdout())
        .map(|d| d.given().display().to_string())
        .collect();
    if to_stdout.len() > 1 {
        return Err(Error::Usage(format!(
            "only one output can go to stdout, but these {} all do: {} (no path or '-' is stdout, and so \
             is a path to the file or pipe stdout goes to); give the others a path of their own",
            to_stdout.len(),
            to_stdout.join(", ")
        )));
    }
    for (i, a) in dests.iter().enumerate() {
        // Two outputs to one character device (`/dev/null`, a terminal) do not overwrite each other.
        let char_device = matches!(
            a.kind,
            DestKind::WriteThrough {
                kind: SpecialKind::CharDevice,
                ..
            }
        );
        for b in dests[..i].iter().filter(|_| !char_device) {
            let same_id = a.id().is_some() && a.id() == b.id();
            let same_path = a.canonical().is_some() && a.canonical() == b.canonical();
            if same_id || same_path {
                return Err(Error::Usage(format!(
                    "{} and {} are the same file: give each output its own path",
                    b.given().display(),
                    a.given().display()
                )));
            }
        }
        if let Some(id) = a.id() {
            for input in inputs {
                if let Ok(m) = std::fs::metadata(input) {
                    if m.is_file() && (m.dev(), m.ino()) == id {
                        return Err(Error::Usage(format!(
                            "{}: is {}, an input of this command; refusing to overwrite it",
                            a.given().display(),
                            input.display()
                        )));
                    }
                }
            }
        }
    }
    Ok(())
}

/// Device and inode of standard output, unless it is a character device: writing to `/dev/null` or a
/// terminal through a second opening is the same as writing to stdout, and needs no special case.
fn stdout_id() -> Option<(u64, u64)> {
    // SAFETY: fstat on fd 1 writes only into the zeroed struct it is given.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::fstat(libc::STDOUT_FILENO, &mut st) } == 0;
    #[allow(clippy::unnecessary_cast)] // u64 on Linux x86-64, narrower elsewhere
    let id = (st.st_dev as u64, st.st_ino as u64);
    (ok && st.st_mode & libc::S_IFMT != libc::S_IFCHR).then_some(id)
}

/// Permission bits of a written file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Keep the replaced file's bits; a new file gets 0644 (less the umask).
    Default,
    /// Always exactly these bits (0600 for private keys).
    Exact(u32),
}

/// One output: where, what, and with which permission bits if it becomes a file.
#[derive(Debug, Clone)]
pub struct Output<'a> {
    pub dest: &'a Destination,
    pub bytes: &'a [u8],
    pub mode: Mode,
}

/// Write every output, all or none (see the module docs): stage atomic files, then write devices, fifos
/// and `stdout`, then rename the staged files into place. A closed pipe on `stdout` or on a fifo is the
/// reader's choice, not an error.
pub fn write_outputs(outputs: &[Output<'_>], stdout: &mut dyn Write) -> Result<()> {
    let mut staged = Vec::new();
    for o in outputs {
        if let DestKind::Replace { target, existing } = &o.dest.kind {
            staged.push((stage(o, target, existing.as_ref())?, target, o.dest.given()));
        }
    }
    for o in outputs {
        if let DestKind::WriteThrough { target, kind, .. } = &o.dest.kind {
            write_through(o.dest.given(), target, *kind, o.bytes)?;
        }
    }
    for o in outputs.iter().filter(|o| o.dest.is_stdout()) {
        match stdout.write_all(o.bytes).and_then(|_| stdout.flush()) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::BrokenPipe => {}
            Err(e) => return Err(Error::io("<stdout>", "writing output", e)),
        }
    }
    for (tmp, target, given) in staged {
        tmp.persist(target)
            .map_err(|e| Error::io(given, "renaming output into place", e.error))?;
    }
    Ok(())
}

/// Write one output (see [`write_outputs`]).
pub fn write_output(
    dest: &Destination,
    bytes: &[u8],
    mode: Mode,
    stdout: &mut dyn Write,
) -> Result<()> {
    write_outputs(&[Output { dest, bytes, mode }], stdout)
}

/// A complete, synced temporary file beside `target`.
fn stage(
    o: &Output<'_>,
    target: &Path,
    existing: Option<&Existing>,
) -> Result<tempfile::NamedTempFile> {
    let given = o.dest.given();
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let (create_mode, final_mode) = match (o.mode, existing) {
        (Mode::Exact(m), _) => (m, Some(m)),
        (Mode::Default, Some(e)) => (0o600, Some(e.mode)),
        (Mode::Default, None) => (DEFAULT_MODE, None),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".aibom-")
        .suffix(".tmp")
        .permissions(std::fs::Permissions::from_mode(create_mode))
        .tempfile_in(dir)
        .map_err(|e| Error::io(given, "creating temporary output file", e))?;
    tmp.write_all(o.bytes)
        .and_then(|_| tmp.flush())
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| Error::io(given, "writing output", e))?;
    if let Some(m) = final_mode {
        // fchmod is not subject to the umask: the replacement gets exactly the old file's bits.
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(m))
            .map_err(|e| Error::io(given, "setting output permissions", e))?;
    }
    Ok(tmp)
}

/// Open a device or fifo for writing (no create, no truncate) and write `bytes` through.
fn write_through(given: &Path, target: &Path, kind: SpecialKind, bytes: &[u8]) -> Result<()> {
    let mut f = OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NOCTTY | libc::O_CLOEXEC)
        .open(target)
        .map_err(|e| Error::io(given, "opening output for writing", e))?;
    let ft = f
        .metadata()
        .map_err(|e| Error::io(given, "reading output metadata", e))?
        .file_type();
    let still = match kind {
        SpecialKind::CharDevice => ft.is_char_device(),
        SpecialKind::BlockDevice => ft.is_block_device(),
        SpecialKind::Fifo => ft.is_fifo(),
    };
    if !still {
        return Err(Error::Usage(format!(
            "{}: is no longer a {} (it changed while aibom ran); nothing written to it",
            given.display(),
            kind.as_str()
        )));
    }
    let written = f.write_all(bytes).and_then(|_| f.flush()).and_then(|_| {
        if kind == SpecialKind::BlockDevice {
            f.sync_all()
        } else {
            Ok(())
        }
    });
    match written {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::BrokenPipe && kind == SpecialKind::Fifo => Ok(()),
        Err(e) => Err(Error::io(given, "writing output", e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(p: &Path) -> Destination {
        Destination::resolve(p).unwrap()
    }

    #[test]
    fn reads_refuse_fifos_and_directories_without_blocking_and_name_them() {
        let t = tempfile::tempdir().unwrap();
        let fifo = t.path().join("bundle.sig");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = read_capped(&fifo, 10, "bundle").unwrap_err().to_string();
        assert!(
            e.contains("bundle.sig") && e.contains("is a fifo, not a regular file"),
            "{e}"
        );
        assert!(read_head(&fifo, 10).is_err());
        let e = read_capped(t.path(), 10, "bundle").unwrap_err().to_string();
        assert!(e.contains("is a directory"), "{e}");
        let e = read_capped(&t.path().join("none"), 10, "bundle").unwrap_err();
        assert!(matches!(e, Error::NotFound { .. }), "{e}");
    }

    #[test]
    fn reads_are_bounded_and_leave_the_file_blocking() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("f");
        std::fs::write(&p, b"0123456789").unwrap();
        assert_eq!(read_capped(&p, 10, "key file").unwrap(), b"0123456789");
        let e = read_capped(&p, 9, "key file").unwrap_err().to_string();
        assert!(e.contains("key file is larger than"), "{e}");
        assert_eq!(read_head(&p, 4).unwrap(), b"0123");
        let f = open_regular(&p).unwrap();
        use std::os::fd::AsRawFd;
        let flags = unsafe { libc::fcntl(f.as_raw_fd(), libc::F_GETFL) };
        assert_eq!(flags & libc::O_NONBLOCK, 0);
        let link = t.path().join("link");
        std::os::unix::fs::symlink(&p, &link).unwrap();
        assert!(read_head(&link, 4).is_ok());
        assert!(read_head_nofollow(&link, 4).is_err());
    }

    #[test]
    fn dash_is_stdout_and_two_stdouts_are_refused() {
        let d = resolve(Path::new("-"));
        assert!(d.is_stdout());
        let e = check_destinations(&[d.clone(), Destination::stdout()], &[]).unwrap_err();
        assert!(e.to_string().contains("stdout"), "{e}");
    }

    #[test]
    fn new_file_in_missing_directory_is_refused_naming_both() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("nope/out.json");
        let e = Destination::resolve(&p).unwrap_err().to_string();
        assert!(
            e.contains("out.json") && e.contains("does not exist"),
            "{e}"
        );
    }

    #[test]
    fn directories_are_refused() {
        let t = tempfile::tempdir().unwrap();
        for p in [
            t.path().to_path_buf(),
            t.path().join("x/"),
            t.path().join("."),
        ] {
            let e = Destination::resolve(&p).unwrap_err().to_string();
            assert!(e.contains("directory"), "{}: {e}", p.display());
        }
    }

    #[test]
    fn same_file_by_two_spellings_is_refused() {
        let t = tempfile::tempdir().unwrap();
        std::fs::create_dir(t.path().join("sub")).unwrap();
        let a = resolve(&t.path().join("o.json"));
        let b = resolve(&t.path().join("sub/../o.json"));
        let c = resolve(&t.path().join("sub/o.json"));
        assert!(check_destinations(&[a.clone(), b], &[]).is_err());
        assert!(check_destinations(&[a, c], &[]).is_ok());
    }

    #[test]
    fn replaced_file_keeps_its_permission_bits_and_private_mode_is_exact() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("o.txt");
        std::fs::write(&p, b"old").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        let d = resolve(&p);
        write_output(&d, b"new", Mode::Default, &mut std::io::sink()).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        let d = resolve(&p);
        write_output(&d, b"key", Mode::Exact(0o600), &mut std::io::sink()).unwrap();
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn failure_of_one_output_leaves_the_others_untouched() {
        let t = tempfile::tempdir().unwrap();
        let a = t.path().join("a.txt");
        std::fs::write(&a, b"before").unwrap();
        let da = resolve(&a);
        let sub = t.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        let db = resolve(&sub.join("b.txt"));
        // The directory disappears between the check and the write.
        std::fs::remove_dir(&sub).unwrap();
        let outs = [
            Output {
                dest: &da,
                bytes: b"after",
                mode: Mode::Default,
            },
            Output {
                dest: &db,
                bytes: b"b",
                mode: Mode::Default,
            },
        ];
        assert!(write_outputs(&outs, &mut std::io::sink()).is_err());
        assert_eq!(std::fs::read(&a).unwrap(), b"before");
        let left: Vec<_> = std::fs::read_dir(t.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file left behind");
    }
}
