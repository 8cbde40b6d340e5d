//! aibom: AI supply-chain attestation. The library owns every behaviour — walking and hashing a model
//! (`walk`, `hash`), identifying files (`formats`, `role`), the inventory (`inventory`, `scan`), rendering
//! (`report`) and output files (`output`) — and never prints; the `aibom` binary is a thin CLI over it.
//! See docs/ARCHITECTURE.md for the module map and data flow.

pub mod dataset;
pub mod deps;
pub mod error;
pub mod formats;
pub mod hash;
pub mod hf;
pub mod inventory;
pub mod output;
pub mod report;
pub mod role;
pub mod scan;
pub mod walk;

pub use error::{Error, Result};
