//! The run mode (`EFFEKT_MODE`): decides whether synthetic test data is acceptable.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Where effekt is running. Production refuses synthetic national ids and H-numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// `effekt demo`: synthetic data on the embedded store.
    Demo,
    /// Automated tests.
    Test,
    /// Real people; the default, so that forgetting to set the mode never lets test data in.
    #[default]
    Production,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown mode {0:?}: expected demo, test or production")]
pub struct UnknownMode(pub String);

impl FromStr for Mode {
    type Err = UnknownMode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "demo" => Ok(Self::Demo),
            "test" => Ok(Self::Test),
            "production" => Ok(Self::Production),
            other => Err(UnknownMode(other.to_owned())),
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Demo => "demo",
            Self::Test => "test",
            Self::Production => "production",
        })
    }
}
