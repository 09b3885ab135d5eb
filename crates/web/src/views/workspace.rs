//! The participant page's intake and individual-plan sections (issue 13): what each form was
//! last sent with, what was wrong with it, and the choices its selects and checkboxes offer.

use super::{options, FieldError, Option_};

/// The intake: what Nav shared, earlier measures, languages, screening, and their forms.
pub struct IntakeSection {
    pub csrf_token: String,
    pub view: effekt_app::access::IntakeView,
    pub items: Vec<Option_>,
    pub bases: Vec<Option_>,
    pub purposes: Vec<Option_>,
    pub kinds: Vec<Option_>,
    /// Per screening field: the findings to choose from, the one last sent selected.
    pub findings: Vec<(String, Vec<Option_>)>,
    sent: std::collections::HashMap<String, String>,
    pub error: Option<FieldError>,
    /// Withdrawal forms for the lists this viewer writes (and that hold something).
    pub withdraw_need: Option<WithdrawForm>,
    pub withdraw_measure: Option<WithdrawForm>,
    pub withdraw_language: Option<WithdrawForm>,
}

/// A form withdrawing one record of a list of the intake, with a reason.
pub struct WithdrawForm {
    pub kind: &'static str,
    pub title: &'static str,
    /// The select's and the reason's field names.
    pub choice: &'static str,
    pub because: &'static str,
    pub options: Vec<Option_>,
    pub reason: String,
}

impl WithdrawForm {
    fn new(
        kind: effekt_domain::intake::Withdrawable,
        title: &'static str,
        records: Vec<(String, String)>,
        sent: &std::collections::HashMap<String, String>,
    ) -> Option<Self> {
        if records.is_empty() {
            return None;
        }
        let (choice, because) = effekt_app::access::withdrawal_fields(kind);
        let chosen = sent.get(choice).cloned().unwrap_or_default();
        Some(Self {
            kind: kind.code(),
            title,
            choice,
            because,
            options: records
                .into_iter()
                .map(|(value, label)| Option_ {
                    selected: value == chosen,
                    value,
                    label,
                })
                .collect(),
            reason: sent.get(because).cloned().unwrap_or_default(),
        })
    }
}

impl IntakeSection {
    pub fn new(
        csrf_token: &str,
        view: effekt_app::access::IntakeView,
        sent: std::collections::HashMap<String, String>,
        error: Option<FieldError>,
    ) -> Self {
        use effekt_domain::intake as rules;
        let chosen = |name: &str| sent.get(name).cloned().unwrap_or_default();
        use effekt_domain::intake::Withdrawable as W;
        let withdraw_need = WithdrawForm::new(
            W::Need,
            "intake-withdraw-need",
            if view.may_share_need {
                let needs = view.needs.iter();
                needs
                    .map(|n| (n.id.to_string(), format!("{} ({})", n.label, n.shared_at)))
                    .collect()
            } else {
                Vec::new()
            },
            &sent,
        );
        let withdraw_measure = WithdrawForm::new(
            W::Measure,
            "intake-withdraw-measure",
            if view.may_record {
                let measures = view.measures.iter();
                measures
                    .map(|m| {
                        let from = m.from.format("%d.%m.%Y");
                        (
                            m.id.to_string(),
                            format!("{}: {} ({from})", m.kind, m.description),
                        )
                    })
                    .collect()
            } else {
                Vec::new()
            },
            &sent,
        );
        let withdraw_language = WithdrawForm::new(
            W::Language,
            "intake-withdraw-language",
            if view.may_record {
                let languages = view.languages.iter();
                languages
                    .map(|l| (l.id.to_string(), l.language.clone()))
                    .collect()
            } else {
                Vec::new()
            },
            &sent,
        );
        let findings = view
            .screening
            .iter()
            .map(|s| {
                // "Unchanged" unless a refused form chose something: a field is written
                // only when somebody assesses it again.
                let choice = sent.get(s.field).cloned().unwrap_or_default();
                let opts = options(
                    rules::Finding::ALL.iter().map(|f| (f.code(), f.label_nb())),
                    &choice,
                );
                (s.field.to_owned(), opts)
            })
            .collect();
        Self {
            csrf_token: csrf_token.to_owned(),
            items: options(
                rules::NEED_ITEMS.iter().map(|i| (i.code, i.label_nb)),
                &chosen("opplysning"),
            ),
            bases: options(
                rules::LEGAL_BASES.iter().map(|b| (b.code, b.label_nb)),
                &chosen("rettsgrunnlag"),
            ),
            purposes: options(rules::PURPOSES.iter().copied(), &chosen("formal")),
            kinds: options(
                [rules::MeasureKind::Measure, rules::MeasureKind::Practice]
                    .iter()
                    .map(|k| (k.code(), k.label_nb())),
                &chosen("tiltak_type"),
            ),
            findings,
            view,
            sent,
            error,
            withdraw_need,
            withdraw_measure,
            withdraw_language,
        }
    }

    /// What was typed into a field of the form that was refused.
    pub fn value(&self, name: &str) -> &str {
        self.sent.get(name).map_or("", String::as_str)
    }

    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// The note typed for a screening field in a refused form.
    pub fn note_value(&self, field: &str) -> &str {
        self.value(&format!("{field}-merknad"))
    }

    /// The findings to choose from for a screening field.
    pub fn findings_for(&self, field: &str) -> &[Option_] {
        self.findings
            .iter()
            .find(|(f, _)| f == field)
            .map_or(&[], |(_, o)| o.as_slice())
    }
}

/// A module's checkbox on the plan form: code, label, checked.
pub type ModuleChoice = (String, String, bool);

/// The individual plan, with its forms (provider staff).
pub struct PlanSection {
    pub csrf_token: String,
    pub view: effekt_app::access::PlanView,
    pub tracks: Vec<Option_>,
    /// The module checkboxes by area.
    pub areas: Vec<(String, Vec<ModuleChoice>)>,
    pub tasks: Vec<Option_>,
    pub reasons: Vec<Option_>,
    sent: std::collections::HashMap<String, String>,
    pub error: Option<FieldError>,
}

impl PlanSection {
    pub fn new(
        csrf_token: &str,
        view: effekt_app::access::PlanView,
        sent: std::collections::HashMap<String, String>,
        error: Option<FieldError>,
    ) -> Self {
        use effekt_domain::plan as rules;
        // A refused form shows what was sent; otherwise the form starts from the newest version.
        let refused = error.is_some();
        let current = view.current.as_ref();
        let track = if refused {
            sent.get("lop").cloned().unwrap_or_default()
        } else {
            current.map_or_else(String::new, |c| c.track_code.clone())
        };
        let mut areas: Vec<(String, Vec<ModuleChoice>)> = Vec::new();
        for m in rules::MODULES {
            let checked = if refused {
                sent.contains_key(&format!("modul-{}", m.code))
            } else {
                current.is_some_and(|c| c.module_codes.iter().any(|x| x == m.code))
            };
            let entry = (m.code.to_owned(), m.label_nb.to_owned(), checked);
            match areas.iter_mut().find(|(a, _)| a == m.area_nb) {
                Some((_, list)) => list.push(entry),
                None => areas.push((m.area_nb.to_owned(), vec![entry])),
            }
        }
        let mut sent = sent;
        if !refused {
            sent.insert(
                "gjelder_fra".into(),
                view.default_from.format("%d.%m.%Y").to_string(),
            );
            if let Some(c) = current {
                sent.insert("dager_per_uke".into(), c.days_per_week.to_string());
                sent.insert("hjemmedager".into(), c.remote_days.to_string());
            }
        }
        Self {
            csrf_token: csrf_token.to_owned(),
            tracks: options(
                rules::Track::ALL.iter().map(|t| (t.code(), t.label_nb())),
                &track,
            ),
            areas,
            tasks: options(
                rules::LEARNING_TASKS.iter().map(|t| (t.code, t.label_nb)),
                sent.get("oppgave").map_or("", String::as_str),
            ),
            reasons: options(
                rules::OnBehalfReason::ALL
                    .iter()
                    .map(|r| (r.code(), r.label_nb())),
                sent.get("godkjenning_arsak").map_or("", String::as_str),
            ),
            view,
            sent,
            error,
        }
    }

    pub fn value(&self, name: &str) -> &str {
        self.sent.get(name).map_or("", String::as_str)
    }

    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// The refusal beside one learning task's completion form, if that form was sent.
    pub fn task_error(&self, task: i64) -> Option<&str> {
        (self.value("oppgave_id") == task.to_string())
            .then(|| self.error_for("fullfort_dato"))
            .flatten()
    }

    /// Where the error summary links to: the field, or the task's own date field.
    pub fn anchor(&self) -> String {
        match self.error.as_ref().map(|e| e.field) {
            Some("fullfort_dato") => format!("fullfort_dato-{}", self.value("oppgave_id")),
            Some(field) => field.to_owned(),
            None => String::new(),
        }
    }
}
