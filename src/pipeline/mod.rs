//! The façades between the library and its callers: the one place where the engine is composed. A scan
//! ([`scan`]: walk → hash → inventory → analyze, rendered by [`Scan`]'s methods), a signature check
//! ([`verify`]: bundle → signature by [`Method`] → content) and a Hugging Face cache check
//! ([`verify_hf_cache`]) and an audit under a policy ([`audit`]: scan once, bundles and a BOM checked
//! against that scan, the policy evaluated). The CLI parses flags, calls one of these, renders and maps the exit code;
//! tests call the same functions and get the same bytes.

mod assess;
mod audit;
mod diff;
mod scan;
mod verify;

pub use crate::attest::verify::{NeededMethod, Target, VerifyReport};
pub use crate::hfcache::CacheReport;
pub use crate::scan::{HashedModel, ScanOptions};
pub use assess::{assess, assess_mof, declare, Assessed};
pub use audit::{audit, default_bundles, Audit, AuditInput, AuditTarget};
pub use diff::{diff, snapshot};
pub use scan::{hash, scan, Scan};
pub use verify::{
    render_cache, render_verify, verify, verify_hf_cache, Claim, ClaimKind, Method, PolicyError,
    VerifyError, VerifyOptions,
};
