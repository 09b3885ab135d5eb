//! effekt's bulk work: demo data, register snapshots (reading and validating CSV and Parquet,
//! converting, generating) and outcome verification over whole registers. Everything here is deterministic for a given
//! input; the outcome rules themselves live in `effekt_domain::outcomes`.

pub mod contract;
pub mod demo;
pub mod evaluation;
pub mod evidence;
pub mod indigo;
pub mod register;
pub mod verify;
