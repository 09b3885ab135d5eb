//! A member leaving a group (issue 14, item 1): the provider's staff and admins end a current
//! membership from a date — after the participant joined and after their latest session with
//! attendance — without the participant joining another group or ending the participation.

use effekt_domain::dates::parse_civil_date;
use effekt_domain::groups::{self as rules, Membership};
use effekt_domain::ids::{GroupId, ParticipantId};
use effekt_store::groups::Leaving;

use super::participants::unmasked;
use super::ParticipantAccess;
use crate::audit::{self, Purpose};
use crate::{AppError, FieldError};

impl ParticipantAccess {
    /// Ends the membership of a current member (by the number the group page shows) on `to`,
    /// the first day no longer a member.
    pub async fn leave_group(
        &self,
        id: GroupId,
        participant: &str,
        to: &str,
    ) -> Result<Result<(), FieldError>, AppError> {
        self.own_group(id).await?;
        let members = self
            .app
            .store
            .group_members(id, self.viewer.user.id)
            .await?;
        let missing = || {
            FieldError::new(
                "slutt_deltaker",
                "Skriv nummeret til en deltaker i gruppen.",
            )
        };
        let Ok(participant) = participant.trim().parse::<i64>().map(ParticipantId) else {
            return Ok(Err(missing()));
        };
        // Only a member the viewer sees unmasked: the number of a masked one tells nothing.
        let Some(member) = members
            .iter()
            .find(|m| m.participant == participant && unmasked(m.protection, m.viewer_assigned))
        else {
            audit::deny(
                &self.app,
                &self.viewer,
                participant,
                Purpose::ParticipantList,
            )
            .await?;
            return Ok(Err(missing()));
        };
        let on = match parse_civil_date(to) {
            Ok(on) => on,
            Err(e) => return Ok(Err(FieldError::new("til", e.message_nb()))),
        };
        let last_marked = self
            .app
            .store
            .attended_sessions(participant)
            .await?
            .iter()
            .map(|s| s.starts.date())
            .max();
        let memberships: Vec<Membership> = members
            .iter()
            .map(|m| Membership {
                participant: m.participant,
                from: m.from,
                to: m.to,
            })
            .collect();
        if let Err(e) = rules::leave(&memberships, participant, on, last_marked) {
            return Ok(Err(FieldError::new(e.field(), e.to_string())));
        }
        let leaving = Leaving {
            group: id,
            participant,
            on,
            checked: members.len(),
        };
        if !self.app.store.leave_group(&leaving).await? {
            return Ok(Err(FieldError::new(
                "slutt_deltaker",
                "Gruppen ble endret av en annen i mellomtiden. Se på den igjen.",
            )));
        }
        self.permit([member.person], Purpose::ParticipantList)
            .await?;
        self.log_group(id, "group.leave", &participant.0.to_string())
            .await?;
        Ok(Ok(()))
    }
}
