//! Openness and compliance, assessed from evidence files: what a model directory holds of a release's
//! parts (`evidence`), and the frameworks that judge it.

pub mod evidence;
