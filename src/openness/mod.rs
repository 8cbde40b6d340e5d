//! Openness and compliance, assessed from evidence files: what a model directory holds of a release's
//! parts (`evidence`), how open each licence is (`licence`), and the frameworks that judge them
//! (`osaid`: the Open Source AI Definition 1.0).

pub mod evidence;
pub mod licence;
pub mod osaid;
