//! effekt's bulk work: generating demo and synthetic data (later also register import,
//! verification and statistics). Everything here is deterministic for a given input.

pub mod demo;
