//! Model-file security: find code execution hidden in model files without executing anything. This
//! module holds the analyses (pickle opcode walking and import verdicts for now); their results become
//! findings with stable codes.

pub mod imports;
pub mod pickle;
