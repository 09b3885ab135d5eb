//! Page chrome and the askama templates' data. Rendering only: what may be shown has already
//! been decided by the core's capabilities.

use askama::Template;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use crate::i18n::Lang;
use effekt_app::access::FigureInput;
use effekt_app::policy::Page;
use effekt_app::views::{
    AggregateOverview, ContractStatements, ContractView, InvestmentView, OutcomeResults,
    ParticipantDetailView, ParticipantList, ParticipantOutcomes, PseudonymisedList,
    StatementDetail, UserView, WaitingIdChangeView,
};
use effekt_app::Viewer;

pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

pub struct UserChrome {
    pub display_name: String,
    pub role: String,
    pub csrf_token: String,
}

/// What every page shares: language, title, the logged-in user and the main navigation.
pub struct Chrome {
    pub lang: Lang,
    pub title: String,
    pub user: Option<UserChrome>,
    pub nav: Vec<NavItem>,
}

impl Chrome {
    pub fn new(lang: Lang, title_key: &str, viewer: Option<&Viewer>, current: &str) -> Self {
        let title = lang.t(title_key);
        let nav = viewer
            .map(|v| {
                v.menu()
                    .into_iter()
                    .map(|page| {
                        let (href, key) = page_link(page);
                        NavItem {
                            href,
                            label: lang.t(key),
                            current: !current.is_empty() && current.starts_with(href),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        Self {
            title,
            user: viewer.map(|v| UserChrome {
                display_name: v.user().display_name.clone(),
                role: v.user().role.label_nb().to_owned(),
                csrf_token: v.csrf_token().to_owned(),
            }),
            nav,
            lang,
        }
    }

    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// A period's label as the page shows it: "3. kvartal 2026" (the label itself in English).
    pub fn period(&self, label: &str) -> String {
        if self.lang.code() == "nb" {
            effekt_domain::contract::periods::words_nb(label)
        } else {
            label.to_owned()
        }
    }

    /// Several periods' labels, as [`Chrome::period`] shows each, joined with commas.
    pub fn periods(&self, labels: &[String]) -> String {
        labels
            .iter()
            .map(|l| self.period(l))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// An organisation number as Brønnøysund writes it: `889 640 782`.
    pub fn orgnr(&self, orgnr: &str) -> String {
        if orgnr.len() == 9 && orgnr.bytes().all(|b| b.is_ascii_digit()) {
            format!("{} {} {}", &orgnr[..3], &orgnr[3..6], &orgnr[6..])
        } else {
            orgnr.to_owned()
        }
    }

    /// A national id as Nav writes it, birth date apart from the personal number:
    /// `241095 12482` (a no-break space). A masked value is shown as it is.
    pub fn national_id(&self, id: &str) -> String {
        if id.len() == 11 && id.bytes().all(|b| b.is_ascii_digit()) {
            format!("{}\u{a0}{}", &id[..6], &id[6..])
        } else {
            id.to_owned()
        }
    }

    /// A chart as a figure with its SVG, legend and table. A chart
    /// that cannot be drawn is left out and logged; the page's own table still holds its data.
    pub fn chart(&self, chart: &effekt_app::views::ChartView) -> String {
        crate::charts::render(chart).unwrap_or_else(|e| {
            tracing::error!(error = %e, chart = %chart.id, "chart not drawn");
            String::new()
        })
    }

    /// A moment as a clock in Oslo shows it.
    pub fn time(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        effekt_domain::dates::oslo_time(*at)
    }
}

pub use effekt_app::FieldError;

mod evaluation;
mod groups;
mod interpreters;
mod team;
mod workspace;
pub use evaluation::{ContractEvaluationPage, RunPage};
pub use groups::{AttendancePage, GroupPage, GroupsPage};
pub use interpreters::InterpreterPage;
pub use team::{CaseloadPage, TeamSection};
pub use workspace::{IntakeSection, PlanSection};

/// Where a page of the menu lives, and its label's key.
pub fn page_link(page: Page) -> (&'static str, &'static str) {
    match page {
        Page::Home => ("/hjem", "nav-home"),
        Page::Participants => ("/deltakere", "nav-participants"),
        Page::Groups => ("/grupper", "nav-groups"),
        Page::Team => ("/team", "nav-team"),
        Page::Overview => ("/oversikt", "nav-overview"),
        Page::Results => ("/resultater", "nav-results"),
        Page::Investments => ("/investeringer", "nav-investments"),
        Page::Evaluation => ("/evaluering", "nav-evaluation"),
        Page::Users => ("/admin/brukere", "nav-users"),
        Page::AuditLog => ("/admin/logg", "nav-audit"),
        Page::Imports => ("/importer", "nav-imports"),
        Page::Settings => ("/admin/oppsett", "nav-settings"),
        Page::Contracts => ("/kontrakter", "nav-contract"),
        Page::Statements => ("/utbetalinger", "nav-statements"),
    }
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub chrome: Chrome,
    pub csrf_token: String,
    pub username: String,
    pub errors: Vec<FieldError>,
    /// A message that concerns the whole form (wrong credentials, throttled).
    pub form_error: Option<String>,
}

impl LoginPage {
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

pub struct SortLink {
    pub label: String,
    pub href: String,
    /// `ascending`, `descending` or `none`.
    pub aria_sort: &'static str,
}

pub struct Option_ {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct PageLink {
    pub href: String,
    pub label: String,
    pub current: bool,
}

pub struct Pagination {
    pub previous: Option<String>,
    pub next: Option<String>,
    pub pages: Vec<PageLink>,
}

#[derive(Template)]
#[template(path = "participants.html")]
pub struct ParticipantsPage {
    pub chrome: Chrome,
    pub csrf_token: String,
    pub list: ParticipantList,
    pub search: String,
    pub statuses: Vec<Option_>,
    pub groups: Vec<Option_>,
    pub columns: Vec<SortLink>,
    pub pagination: Pagination,
    /// Nav's case officer: a link to refer a person.
    pub may_refer: bool,
    /// Provider staff and admins: a link to their groups.
    pub may_see_groups: bool,
}

/// The referral form (Nav case officers).
#[derive(Template)]
#[template(path = "referral.html")]
pub struct ReferralPage {
    pub chrome: Chrome,
    pub csrf_token: String,
    pub national_id: String,
    pub targets: Vec<Option_>,
    pub error: Option<FieldError>,
    /// The office's open drafts.
    pub drafts: Vec<effekt_app::access::DraftView>,
    /// A message key after a step on a draft.
    pub notice: Option<&'static str>,
    /// A step refused on one draft.
    pub draft_error: Option<(i64, FieldError)>,
}

impl ReferralPage {
    pub fn draft_error_for(&self, id: &i64) -> Option<&str> {
        self.draft_error
            .as_ref()
            .filter(|(d, _)| d == id)
            .map(|(_, e)| e.message.as_str())
    }

    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

/// The referral behind a participant, with the provider's answer form.
pub struct ReferralSection {
    pub csrf_token: String,
    pub view: effekt_app::access::ReferralView,
    pub reasons: Vec<Option_>,
    pub description: String,
    pub error: Option<FieldError>,
}

impl ReferralSection {
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

/// The "register a new national id" form on a participant's page (Nav case officers).
pub struct IdForm {
    pub csrf_token: String,
    pub national_id: String,
    pub valid_from: String,
    pub errors: Vec<FieldError>,
}

impl IdForm {
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

/// The milestones of the participant's plan, with the form to record one (provider staff).
pub struct MilestoneSection {
    pub csrf_token: String,
    pub view: effekt_app::access::MilestonesView,
    /// What the record form was last sent with, and what was wrong with it.
    pub milestone: String,
    pub achieved_on: String,
    pub error: Option<FieldError>,
    /// The assessed-language-level form as last sent.
    pub language_level: std::collections::HashMap<String, String>,
}

impl MilestoneSection {
    pub fn language_value(&self, name: &str) -> &str {
        self.language_level.get(name).map_or("", String::as_str)
    }

    /// The skills to assess: (code, Norwegian name).
    pub fn skills(&self) -> Vec<(&'static str, &'static str)> {
        effekt_domain::outcomes::timeline::Skill::ALL
            .iter()
            .map(|s| (s.code(), effekt_app::access::skill_nb(*s)))
            .collect()
    }

    pub fn levels(&self) -> Vec<&'static str> {
        effekt_domain::outcomes::timeline::Cefr::ALL
            .iter()
            .map(|l| l.code())
            .collect()
    }

    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

/// Options for a select, the one whose value is `chosen` selected.
pub fn options<'a>(items: impl Iterator<Item = (&'a str, &'a str)>, chosen: &str) -> Vec<Option_> {
    items
        .map(|(value, label)| Option_ {
            value: value.to_owned(),
            label: label.to_owned(),
            selected: value == chosen,
        })
        .collect()
}

/// The participation and its proposals to Nav, with the forms each viewer may use.
pub struct ProposalSection {
    pub csrf_token: String,
    pub view: effekt_app::access::ProposalsView,
    pub input: effekt_app::access::ProposalInput,
    pub kinds: Vec<Option_>,
    pub reasons: Vec<Option_>,
    pub error: Option<FieldError>,
    pub answer_error: Option<(i64, FieldError)>,
    pub answer_reason: String,
    pub start_date: String,
    pub start_error: Option<FieldError>,
}

impl ProposalSection {
    /// The selects with what was sent chosen.
    pub fn with_choices(mut self) -> Self {
        use effekt_domain::participant::EndReason;
        self.kinds = self
            .kinds
            .into_iter()
            .map(|o| Option_ {
                selected: o.value == self.input.kind,
                ..o
            })
            .collect();
        self.reasons = options(
            EndReason::ALL.iter().map(|r| (r.code(), r.label_nb())),
            &self.input.reason,
        );
        self
    }

    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// Why answering proposal `id` was refused, if it was.
    pub fn answer_error_for(&self, id: &i64) -> Option<&str> {
        self.answer_error
            .as_ref()
            .filter(|(p, _)| p == id)
            .map(|(_, e)| e.message.as_str())
    }

    pub fn start_error_message(&self) -> Option<&str> {
        self.start_error.as_ref().map(|e| e.message.as_str())
    }
}

#[derive(Template)]
#[template(path = "participant.html")]
pub struct ParticipantPage {
    pub chrome: Chrome,
    pub p: ParticipantDetailView,
    /// `None` when the person is masked for this viewer.
    pub milestones: Option<MilestoneSection>,
    /// `None` when the person is masked for this viewer.
    pub proposals: Option<ProposalSection>,
    /// `None` when masked, or when the participant came without a referral in effekt.
    pub referral: Option<ReferralSection>,
    /// `None` when masked, and for roles that see no intake.
    pub intake: Option<IntakeSection>,
    /// `None` when masked, and for roles that see no team (everyone outside the provider).
    pub team: Option<TeamSection>,
    /// A teacher who only teaches the participant's group: status, group, plan and attendance.
    pub teacher_view: bool,
    /// `None` when masked, and for roles that see no plans.
    pub plan: Option<PlanSection>,
    pub id_form: Option<IdForm>,
    /// Id changes waiting for a second Nav user (for those who may change ids).
    pub waiting: Vec<WaitingIdChangeView>,
    /// What the last form did.
    pub notice: Option<String>,
    /// Why the last decision was refused.
    pub error: Option<String>,
    /// `None` when the person is masked for this viewer.
    pub outcomes: Option<ParticipantOutcomes>,
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub chrome: Chrome,
    pub home: effekt_app::views::HomeView,
}

#[derive(Template)]
#[template(path = "overview.html")]
pub struct OverviewPage {
    pub chrome: Chrome,
    pub overview: Option<AggregateOverview>,
}

#[derive(Template)]
#[template(path = "results.html")]
pub struct ResultsPage {
    pub chrome: Chrome,
    /// One per contract with outcome definitions.
    pub results: Vec<OutcomeResults>,
}

#[derive(Template)]
#[template(path = "investments.html")]
pub struct InvestmentsPage {
    pub chrome: Chrome,
    pub investments: Vec<InvestmentView>,
}

#[derive(Template)]
#[template(path = "contracts.html")]
pub struct ContractsPage {
    pub chrome: Chrome,
    /// (id, name)
    pub contracts: Vec<(i64, String)>,
}

#[derive(Template)]
#[template(path = "contract.html")]
pub struct ContractPage {
    pub chrome: Chrome,
    pub csrf_token: String,
    pub c: ContractView,
    /// How often the contract pays, in words.
    pub periods_label: String,
    /// The proposal form: effective date and contract file text as typed.
    pub effective: String,
    pub text: String,
    /// Why the parties should agree, as typed.
    pub reason: String,
    /// The certification form as typed.
    pub figure: FigureInput,
    pub errors: Vec<FieldError>,
    /// Why the last decision or proposal was refused, when not about one field.
    pub error: Option<String>,
}

impl ContractPage {
    pub fn errors_for(&self, field: &str) -> Vec<&str> {
        self.errors
            .iter()
            .filter(|e| e.field == field)
            .map(|e| e.message.as_str())
            .collect()
    }
}

#[derive(Template)]
#[template(path = "statements.html")]
pub struct StatementsPage {
    pub chrome: Chrome,
    pub csrf_token: String,
    pub contracts: Vec<ContractStatements>,
    /// Why the last computation was refused.
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "statement.html")]
pub struct StatementPage {
    pub chrome: Chrome,
    pub csrf_token: String,
    pub s: StatementDetail,
    /// More lines than the page shows (the downloads hold them all).
    pub more_lines: bool,
    /// Why the last step was refused.
    pub error: Option<String>,
}

impl StatementPage {
    pub fn step_label(&self, step: &str) -> String {
        self.chrome.t(&format!("statement-step-{step}"))
    }
}

#[derive(Template)]
#[template(path = "evaluation.html")]
pub struct EvaluationPage {
    pub chrome: Chrome,
    pub list: Option<PseudonymisedList>,
    pub pagination: Pagination,
}

#[derive(Template)]
#[template(path = "users.html")]
pub struct UsersPage {
    pub chrome: Chrome,
    pub csrf_token: String,
    pub users: Vec<UserView>,
    pub error: Option<String>,
    /// A password link just made: (username, path), shown this once.
    pub link: Option<(String, String)>,
    /// The new account's form (refilled after a refusal).
    pub form: effekt_app::views::AccountForm,
    pub roles: Vec<effekt_app::views::RoleOption>,
    pub organisations: Vec<effekt_app::views::OrganisationOption>,
    /// The administrator (every account), not a provider admin (own staff).
    pub everyone: bool,
}

#[derive(Template)]
#[template(path = "account.html")]
pub struct AccountPage {
    pub chrome: Chrome,
    pub csrf_token: String,
    pub form: effekt_app::views::AccountForm,
    pub roles: Vec<effekt_app::views::RoleOption>,
    pub organisations: Vec<effekt_app::views::OrganisationOption>,
    pub sessions: Vec<effekt_app::access::SessionView>,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "settings.html")]
pub struct SettingsPage {
    pub chrome: Chrome,
    pub configuration: effekt_app::views::ConfigurationView,
}

#[derive(Template)]
#[template(path = "imports.html")]
pub struct ImportsPage {
    pub chrome: Chrome,
    pub runs: Vec<effekt_app::access::ImportRunView>,
}

#[derive(Template)]
#[template(path = "audit_log.html")]
pub struct AuditLogPage {
    pub chrome: Chrome,
    pub csrf_token: String,
    /// The privacy officer: national ids, and a search by person.
    pub identities: bool,
    /// (code, name) of every purpose, for the filter.
    pub purposes: Vec<(String, String)>,
    pub filter: effekt_app::access::AuditLogFilter,
    pub log: Option<effekt_app::views::AuditLogView>,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "password.html")]
pub struct PasswordPage {
    pub chrome: Chrome,
    pub csrf_token: String,
    pub token: String,
    /// Whose password the link sets; `None` when the link does not work (spent, expired).
    pub holder: Option<String>,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub chrome: Chrome,
    pub code: u16,
    pub text: String,
}

/// Renders a template as an HTML response.
pub fn html(t: &impl Template) -> Response {
    match t.render() {
        Ok(body) => Html(body).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "Noe gikk galt.").into_response()
        }
    }
}

/// A page shown again because what was submitted was refused: status 400 when `refused`.
pub fn html_refused(t: &impl Template, refused: bool) -> Response {
    let mut response = html(t);
    if refused && response.status().is_success() {
        *response.status_mut() = StatusCode::BAD_REQUEST;
    }
    response
}

/// The error page for a status (404, 403, 500), without user-specific chrome.
pub fn error_page(status: StatusCode) -> Response {
    error_page_with(status, None)
}

/// The error page with a specific message (for 400: what was wrong with the request).
pub fn error_page_with(status: StatusCode, message: Option<String>) -> Response {
    let mut response = error_page_for(status, message.clone(), None);
    // Lets `with_viewer_chrome` render it again with the logged-in user's menu.
    response
        .extensions_mut()
        .insert(ErrorPageMarker { status, message });
    response
}

/// Marks an error page rendered without knowing the viewer.
#[derive(Debug, Clone)]
pub struct ErrorPageMarker {
    pub status: StatusCode,
    pub message: Option<String>,
}

/// The error page, with the menu and logout button when a viewer is known.
pub fn error_page_for(
    status: StatusCode,
    message: Option<String>,
    viewer: Option<&Viewer>,
) -> Response {
    let (title, text) = match status.as_u16() {
        400 => ("error-400-title", "error-400-text"),
        404 => ("error-404-title", "error-404-text"),
        403 => ("error-403-title", "error-403-text"),
        413 => ("error-413-title", "error-413-text"),
        _ => ("error-500-title", "error-500-text"),
    };
    let lang = Lang::default();
    let page = ErrorPage {
        text: message.unwrap_or_else(|| lang.t(text)),
        chrome: Chrome::new(lang, title, viewer, ""),
        code: status.as_u16(),
    };
    let mut response = html(&page);
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}
