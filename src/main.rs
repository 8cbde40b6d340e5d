//! The `aibom` binary: everything it does is in [`cli`], the only module that prints; the library
//! (`aibom`) does the work.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
