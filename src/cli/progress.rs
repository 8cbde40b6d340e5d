//! The progress bar on stderr: the CLI's [`Progress`]. Hidden until the library says how large the job
//! is ([`Progress::start`]), and shown only when stderr is a terminal, `-q` is not given and the job is
//! long enough to be worth one.

use std::io::IsTerminal;
use std::time::Duration;

use aibom::hash::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Jobs at least this large (in bytes or files) get a progress bar.
const BAR_MIN_BYTES: u64 = 256 * 1024 * 1024;
const BAR_MIN_FILES: usize = 2_000;

/// A progress bar on stderr, cleared when finished or dropped.
pub struct Bar {
    bar: ProgressBar,
    quiet: bool,
}

impl Bar {
    /// A hidden bar; with `quiet` it stays hidden.
    pub fn new(quiet: bool) -> Bar {
        Bar {
            bar: ProgressBar::hidden(),
            quiet,
        }
    }

    /// Clear the bar from the terminal (before anything else is printed on stderr).
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for Bar {
    fn start(&self, files: usize, bytes: u64) {
        if self.quiet
            || !std::io::stderr().is_terminal()
            || (bytes < BAR_MIN_BYTES && files < BAR_MIN_FILES)
        {
            return;
        }
        self.bar.set_length(bytes);
        self.bar.set_style(
            ProgressStyle::with_template(
                "{spinner} hashing {bytes}/{total_bytes} {wide_bar} {binary_bytes_per_sec} eta {eta}",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        self.bar.set_draw_target(ProgressDrawTarget::stderr());
        self.bar.enable_steady_tick(Duration::from_millis(120));
    }

    fn advance(&self, bytes: u64) {
        self.bar.inc(bytes);
    }
}
