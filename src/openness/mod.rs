//! Openness and compliance, assessed from evidence files: what a model directory holds of a release's
//! parts (`evidence`), how open each licence is (`licence`), and the frameworks that judge them —
//! `osaid` (the Open Source AI Definition 1.0), `euaia` (the EU AI Act's Art. 53 obligations, the
//! open-source exemption, Annex XI and XII) and `training_summary` (a draft of the Art. 53(1)(d) public
//! summary of training content).

pub mod euaia;
pub mod evidence;
pub mod licence;
pub mod mof;
pub mod osaid;
pub mod training_summary;
