//! Interpreter bookings in the store (migration 0031): a booking serves a group's session or
//! one participant's meeting; its steps are appended. A supertrait of [`crate::Store`].

use async_trait::async_trait;
use chrono::{DateTime, NaiveDateTime, Utc};
use effekt_domain::ids::{ContractId, GroupId, ParticipantId, PersonKey, ProviderId, UserId};
use effekt_domain::interpreters::{Booking, BookingState};
use effekt_domain::person::Protection;

use crate::error::Result;

/// Whom a booking serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Serves {
    /// A group's session (the interpreter is there for the whole group).
    Session(i64),
    /// One participant's meeting.
    Participant(ParticipantId),
}

/// A booking to write: the checked booking, whom it serves and the contract its cost counts to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBooking {
    pub provider: ProviderId,
    pub contract: ContractId,
    pub serves: Serves,
    pub booking: Booking,
}

/// A booking as stored, where it stands now, and what the pages name it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBooking {
    pub id: i64,
    pub provider: ProviderId,
    pub contract: ContractId,
    pub contract_name: String,
    pub serves: Serves,
    /// The session's group, for a session's booking.
    pub group: Option<(GroupId, String)>,
    pub language: String,
    pub interpreter: String,
    pub starts: NaiveDateTime,
    pub minutes: i32,
    pub mode: String,
    pub qualification: String,
    pub cost_ore: i64,
    /// The newest step's state; requested when there is none.
    pub state: BookingState,
    pub cancel_reason: Option<String>,
    pub booked_by: UserId,
    /// "Name (username)".
    pub booked_by_name: String,
    pub booked_at: DateTime<Utc>,
}

/// A participant a booking served: the one of a meeting, or one marked present (in the room
/// or remote) at the session — with the person for the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Served {
    pub booking: i64,
    pub participant: ParticipantId,
    pub person: PersonKey,
    pub given_name: String,
    pub family_name: String,
    pub protection: Protection,
    /// Whether the viewer asking is assigned to the participant (a protected person unmasked).
    pub viewer_assigned: bool,
}

/// What a clash check read: the provider's bookings, not cancelled, starting in the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedBookings {
    pub provider: ProviderId,
    pub from: NaiveDateTime,
    pub to: NaiveDateTime,
    pub bookings: Vec<i64>,
}

#[async_trait]
pub trait InterpreterStore: Send + Sync {
    /// The provider's bookings, by start.
    async fn provider_bookings(&self, provider: ProviderId) -> Result<Vec<StoredBooking>>;

    async fn interpreter_booking(&self, id: i64) -> Result<Option<StoredBooking>>;

    /// The provider's bookings, not cancelled, starting from `from` to `to`: the candidates a
    /// new booking may clash with.
    async fn bookings_between(
        &self,
        provider: ProviderId,
        from: NaiveDateTime,
        to: NaiveDateTime,
    ) -> Result<Vec<StoredBooking>>;

    /// Writes the booking, only while the provider's bookings in the window are still the
    /// ones checked (the provider's row is locked meanwhile). Its key, or `None`, writing
    /// nothing, when somebody booked or cancelled in the window first.
    async fn book_interpreter(
        &self,
        new: &NewBooking,
        checked: &CheckedBookings,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<Option<i64>>;

    /// Appends a step, only while the booking still stands at `from`. False, writing nothing,
    /// when somebody took a step first.
    async fn step_booking(
        &self,
        id: i64,
        from: BookingState,
        to: BookingState,
        reason: Option<&str>,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<bool>;

    /// Bookings `booked_by` made that are still only requested, starting from `from`, by
    /// start: the confirmations waiting on the booker's home.
    async fn requested_bookings(
        &self,
        booked_by: UserId,
        from: NaiveDateTime,
    ) -> Result<Vec<StoredBooking>>;

    /// The participants each of the provider's bookings served, as `viewer` asks.
    async fn booking_participants(
        &self,
        provider: ProviderId,
        viewer: UserId,
    ) -> Result<Vec<Served>>;
}
