//! effekt's domain: pure types and rules, valid by construction. No I/O lives here.
//!
//! Everything that reaches a store or a page goes through these types first: a
//! [`national_id::NationalId`] or an [`orgnr::OrgNr`] can only exist if it is valid, money is
//! exact ([`money::Nok`]), and the privacy rules ([`suppression`], [`pseudonym`]) are plain
//! functions that the web layer applies and the tests check.

pub mod cef;
pub mod contract;
pub mod dataset;
pub mod dates;
pub mod free_text;
pub mod groups;
pub mod ids;
pub mod imports;
pub mod intake;
pub mod interpreters;
pub mod milestones;
pub mod mode;
pub mod money;
pub mod municipality;
pub mod national_id;
pub mod organisation;
pub mod orgnr;
pub mod outcomes;
pub mod participant;
pub mod person;
pub mod plan;
pub mod proposals;
pub mod pseudonym;
pub mod referral_drafts;
pub mod referrals;
pub mod register;
pub mod role;
pub mod suppression;
pub mod tasks;
pub mod team;

pub use chrono::NaiveDate;
