//! The team (issue 14, item 3): a participant's team on the participant page with the forms
//! the coordinator and the admin use, and `/team`, the staff and their caseloads.

use askama::Template;
use effekt_app::access::{CaseloadView, TeamView};
use effekt_domain::team::Position;

use super::{options, Chrome, FieldError, Option_};

/// The participant's team and, for those who change it, the forms.
pub struct TeamSection {
    pub csrf_token: String,
    pub view: TeamView,
    pub candidates: Vec<Option_>,
    pub positions: Vec<Option_>,
    /// The current members, to end one: (key, "Name – position").
    pub leavers: Vec<Option_>,
    sent: std::collections::HashMap<String, String>,
    pub error: Option<FieldError>,
}

impl TeamSection {
    pub fn new(
        csrf_token: &str,
        view: TeamView,
        sent: std::collections::HashMap<String, String>,
        error: Option<FieldError>,
    ) -> Self {
        let chosen = |name: &str| sent.get(name).cloned().unwrap_or_default();
        let candidates = view
            .candidates
            .iter()
            .map(|(id, label)| Option_ {
                value: id.to_string(),
                label: label.clone(),
                selected: chosen("ansatt") == id.to_string(),
            })
            .collect();
        let positions = options(
            Position::ALL.iter().map(|p| (p.code(), p.label_nb())),
            &chosen("plass"),
        );
        let leavers = view
            .current
            .iter()
            .map(|m| Option_ {
                value: m.user.to_string(),
                label: format!("{} – {}", m.name, m.position),
                selected: chosen("slutt_ansatt") == m.user.to_string(),
            })
            .collect();
        Self {
            csrf_token: csrf_token.to_owned(),
            view,
            candidates,
            positions,
            leavers,
            sent,
            error,
        }
    }

    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    pub fn value(&self, name: &str) -> &str {
        self.sent.get(name).map_or("", String::as_str)
    }

    /// Where the error summary links to: the field at fault.
    pub fn anchor(&self) -> &str {
        self.error.as_ref().map_or("team", |e| e.field)
    }
}

#[derive(Template)]
#[template(path = "team.html")]
pub struct CaseloadPage {
    pub chrome: Chrome,
    pub view: CaseloadView,
}
