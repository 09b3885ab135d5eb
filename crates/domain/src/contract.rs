//! Contracts as executable agreements (issue 4): what each verified result is worth. This
//! module holds the pure rules; reading contract files lives in the engine.

pub mod scale;
