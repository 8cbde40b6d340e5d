//! aibom: AI supply-chain attestation. The façades in [`pipeline`] are the library's front door: one call
//! scans a model into everything the outputs need ([`pipeline::scan`] → [`pipeline::Scan`], which renders
//! each output format), one verifies a model, file or digest against a Sigstore bundle
//! ([`pipeline::verify`]), one checks a Hugging Face cache ([`pipeline::verify_hf_cache`]).
//!
//! The library owns every behaviour — walking and hashing a model
//! (`walk`, `hash`), identifying files (`formats`, `role`), the inventory (`inventory`, `scan`), rendering
//! (`report`; `bom` is the CycloneDX writer, `spdx` the SPDX 3.0.1 one), output specifications (`output`), writing outputs (`io`) and licence evidence (`license`) —
//! and never prints, reads no environment variable and names no command-line flag: those belong to the
//! `aibom` binary's `src/cli/`, which parses, calls a façade, renders and maps exit codes
//! (`tests/facade.rs` checks that nothing here prints).
//! See docs/ARCHITECTURE.md for the module map and data flow.

pub mod analyze;
pub mod attest;
pub mod audit;
pub mod bom;
pub mod completeness;
pub mod dataset;
pub mod deps;
pub mod diff;
pub mod error;
pub mod facts;
pub mod finding;
pub mod formats;
pub mod hash;
pub mod hf;
pub mod hfcache;
pub mod inventory;
pub mod io;
pub mod license;
pub mod openness;
pub mod output;
pub mod pipeline;
pub mod policy;
pub mod provenance;
pub mod purl;
pub mod report;
pub mod role;
pub mod scan;
pub mod security;
pub mod spdx;
pub mod summary;
pub mod timestamp;
pub mod walk;

pub use error::{Error, Result};
