//! The group pages (issue 14): a provider's groups, one group with its members and sessions,
//! and a session's attendance form.

use askama::Template;
use effekt_app::access::{AttendanceView, GroupSummary, GroupView};

use super::{Chrome, FieldError, Option_};

#[derive(Template)]
#[template(path = "groups.html")]
pub struct GroupsPage {
    pub chrome: Chrome,
    pub groups: Vec<GroupSummary>,
}

#[derive(Template)]
#[template(path = "group.html")]
pub struct GroupPage {
    pub chrome: Chrome,
    pub csrf_token: String,
    pub group: GroupView,
    pub teachers: Vec<Option_>,
    pub modules: Vec<Option_>,
    pub sent: std::collections::HashMap<String, String>,
    pub error: Option<FieldError>,
    pub notice: Option<&'static str>,
}

impl GroupPage {
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// What was typed into a field of the refused form.
    pub fn value(&self, name: &str) -> &str {
        self.sent.get(name).map_or("", String::as_str)
    }
}

#[derive(Template)]
#[template(path = "attendance.html")]
pub struct AttendancePage {
    pub chrome: Chrome,
    pub csrf_token: String,
    pub view: AttendanceView,
    /// (code, label) of the absence reasons.
    pub reasons: Vec<(String, String)>,
    pub correction: String,
    pub cancel_reason: String,
    pub error: Option<FieldError>,
    pub notice: Option<&'static str>,
}

impl AttendancePage {
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}
