//! Contracts as executable agreements (issue 4): the terms the parties agreed and what each
//! verified result is worth. This module holds the pure rules; reading contract files lives in
//! the engine.

pub mod amendment;
pub mod cohort;
pub mod figure_unit;
pub mod investors;
pub mod judging;
pub mod ledger;
pub mod names;
pub mod periods;
pub mod returns;
pub mod scale;
pub mod settlement;
pub mod statement;
pub mod terms;
