//! Openness and compliance, assessed from evidence files: what a model directory holds of a release's
//! parts (`evidence`), how open each licence is (`licence`: aibom's own judgement, used by the OSAID and
//! EU AI Act checks), and the frameworks that judge them — `mof` (the Model Openness Framework exactly
//! as its Model Openness Tool classifies, with the tool's own licence lists), `osaid` (the Open Source
//! AI Definition 1.0), `euaia` (the EU AI Act's Art. 53 obligations, the open-source exemption, Annex
//! XI and XII) and `training_summary` (a draft of the Art. 53(1)(d) public summary of training
//! content). `assess` puts them together into the one assessment `aibom assess` reports.

pub mod assess;
pub mod euaia;
pub mod evidence;
pub mod licence;
pub mod mof;
pub mod osaid;
pub mod training_summary;
