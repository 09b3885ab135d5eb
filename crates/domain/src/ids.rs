//! Internal keys. Each is a distinct type so that a participant id can never be used
//! where a person key is expected. Keys are assigned by the store and never reused.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! key {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

key!(
    /// A person's stable internal key: survives every change of national id.
    PersonKey
);
key!(
    /// An enrolment of a person in a contract.
    ParticipantId
);
key!(HouseholdId);
key!(
    /// A provider organisation (tiltaksleverandør).
    ProviderId
);
key!(
    /// A Nav office (enhet).
    NavOfficeId
);
key!(InvestorId);
key!(ContractId);
key!(UserId);
key!(
    /// A group of 8–10 participants run by one provider.
    GroupId
);
