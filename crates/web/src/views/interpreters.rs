//! The interpreter bookings page (issue 14, item 4).

use askama::Template;
use effekt_app::access::{CostRow, InterpreterView};

use super::{Chrome, FieldError, Option_};

#[derive(Template)]
#[template(path = "interpreters.html")]
pub struct InterpreterPage {
    pub chrome: Chrome,
    pub csrf_token: String,
    pub view: InterpreterView,
    pub serves: Vec<Option_>,
    pub modes: Vec<Option_>,
    pub categories: Vec<Option_>,
    pub sent: std::collections::HashMap<String, String>,
    pub error: Option<FieldError>,
    pub notice: Option<&'static str>,
}

impl InterpreterPage {
    /// The refusal for a field of the booking form (not of a step on a booking).
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|e| e.field == field && !self.sent.contains_key("booking"))
            .map(|e| e.message.as_str())
    }

    /// The refusal of a step on booking `id`.
    pub fn step_error(&self, id: &i64) -> Option<&str> {
        let on = self
            .sent
            .get("booking")
            .is_some_and(|b| *b == id.to_string());
        self.error
            .as_ref()
            .filter(|_| on)
            .map(|e| e.message.as_str())
    }

    /// The form's two lists: (field, label key, options).
    pub fn selects(&self) -> [(&'static str, &'static str, &[Option_]); 2] {
        [
            ("tolk_form", "interpreters-mode", &self.modes),
            ("tolk_kategori", "interpreters-category", &self.categories),
        ]
    }

    /// The three cost tables: (heading key, rows).
    pub fn cost_tables(&self) -> [(&'static str, &[CostRow]); 3] {
        [
            ("interpreters-per-contract", &self.view.per_contract),
            ("interpreters-per-group", &self.view.per_group),
            ("interpreters-per-participant", &self.view.per_participant),
        ]
    }

    /// What was typed into a field of the refused form.
    pub fn value(&self, name: &str) -> &str {
        self.sent.get(name).map_or("", String::as_str)
    }
}
