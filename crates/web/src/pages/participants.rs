//! The participant list and the participant page, for case officers and provider staff.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use effekt_domain::ids::ParticipantId;
use effekt_domain::participant::ParticipantStatus;
use effekt_store::model::{ParticipantQuery, SortDirection, SortKey};

use effekt_app::access::{IdChange, MilestoneInput, ParticipantAccess, ProposalInput};
use effekt_app::{AppError, Viewer};
use effekt_domain::proposals::ProposalKind;

use crate::extract::{CleanForm, CleanQuery};
use crate::forms::{FieldError, IdChangeInput};
use crate::query;
use crate::views::{
    self, options, Chrome, IdForm, IntakeSection, MilestoneSection, Option_, PageLink, Pagination,
    ParticipantPage, ParticipantsPage, PlanSection, ProposalSection, ReferralSection, SortLink,
    TeamSection,
};
use crate::{AppState, PageError, WebError};

/// Page links: first, last, and two around the current page.
pub(crate) fn pagination(page: u32, count: u32, href: impl Fn(u32) -> String) -> Pagination {
    let mut pages = Vec::new();
    let mut last_shown = 0;
    for n in 1..=count {
        if n == 1 || n == count || n.abs_diff(page) <= 2 {
            if last_shown != 0 && n > last_shown + 1 {
                pages.push(PageLink {
                    href: String::new(),
                    label: "…".into(),
                    current: false,
                });
            }
            pages.push(PageLink {
                href: href(n),
                label: n.to_string(),
                current: n == page,
            });
            last_shown = n;
        }
    }
    Pagination {
        previous: (page > 1).then(|| href(page - 1)),
        next: (page < count).then(|| href(page + 1)),
        pages,
    }
}

fn sort_links(chrome: &Chrome, q: &ParticipantQuery, token: Option<&str>) -> Vec<SortLink> {
    let column = |key: &str, sort: Option<SortKey>| {
        let Some(sort) = sort else {
            return SortLink {
                label: chrome.t(key),
                href: String::new(),
                aria_sort: "none",
            };
        };
        let active = q.sort == sort;
        let next = if active && q.direction == SortDirection::Ascending {
            SortDirection::Descending
        } else {
            SortDirection::Ascending
        };
        SortLink {
            label: chrome.t(key),
            href: query::link("/deltakere", q, token, sort, next, 1),
            aria_sort: match (active, q.direction) {
                (false, _) => "none",
                (true, SortDirection::Ascending) => "ascending",
                (true, SortDirection::Descending) => "descending",
            },
        }
    };
    vec![
        column("col-name", Some(SortKey::Name)),
        column("col-national-id", None),
        column("col-status", Some(SortKey::Status)),
        column("col-group", Some(SortKey::Group)),
        column("col-provider", None),
        column("col-office", None),
        column("col-start", Some(SortKey::StartDate)),
    ]
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    CleanQuery(mut params): CleanQuery,
) -> Result<Response, PageError> {
    let access = viewer.participants(&state.app, None).await?;
    // A search made through the form is named by its token; its text never stands in the URL.
    let token = params.remove("s").filter(|t| !t.is_empty());
    let kept = match &token {
        Some(t) => Some(
            access
                .saved_search(t)
                .await?
                .ok_or_else(|| WebError::BadRequest("Søket er utløpt. Søk på nytt.".into()))?,
        ),
        None => None,
    };
    let mut q = query::participant_query(&params).map_err(WebError::BadRequest)?;
    if kept.is_some() {
        q.search = kept;
    }
    let list = access.list(&q).await?;
    let groups = access.groups().await?;
    let chrome = Chrome::new(
        super::lang(&headers),
        "participants-title",
        Some(&viewer),
        "/deltakere",
    );
    let pagination = pagination(list.page, list.page_count, |n| {
        query::link("/deltakere", &q, token.as_deref(), q.sort, q.direction, n)
    });
    let page = ParticipantsPage {
        columns: sort_links(&chrome, &q, token.as_deref()),
        csrf_token: viewer.csrf_token().to_owned(),
        search: q.search.clone().unwrap_or_default(),
        statuses: ParticipantStatus::ALL
            .iter()
            .map(|s| Option_ {
                value: s.code().into(),
                label: s.label_nb().into(),
                selected: q.status == Some(*s),
            })
            .collect(),
        groups: {
            let mut options: Vec<Option_> = groups
                .iter()
                .map(|g| Option_ {
                    value: g.id.0.to_string(),
                    label: format!("{} ({})", g.name, g.provider_name),
                    selected: q.group == Some(g.id),
                })
                .collect();
            // A chosen group beyond the offered ones stays visible as chosen.
            if let Some(chosen) = q.group.filter(|g| !groups.iter().any(|o| o.id == *g)) {
                options.push(Option_ {
                    value: chosen.0.to_string(),
                    label: chosen.0.to_string(),
                    selected: true,
                });
            }
            options
        },
        list,
        pagination,
        may_refer: access.may_refer(),
        may_see_groups: access.may_see_groups(),
        chrome,
    };
    Ok(views::html(&page))
}

/// `POST /deltakere`: the search form. The text is kept under a token and the list is shown
/// at an address that names the token, never the text (often a national id).
pub async fn search(
    State(state): State<AppState>,
    viewer: Viewer,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    let access = viewer.participants(&state.app, None).await?;
    super::form_csrf(&viewer, &form)?;
    let mut fields = form.clone();
    let text = fields.remove("sok").unwrap_or_default().trim().to_owned();
    fields.remove("csrf");
    // The filters are checked as the list checks them.
    let q = query::participant_query(&fields).map_err(WebError::BadRequest)?;
    let q = ParticipantQuery { search: None, ..q };
    if text.chars().count() > 100 {
        return Err(WebError::BadRequest("Søket kan ikke være lengre enn 100 tegn.".into()).into());
    }
    let token = if text.is_empty() {
        None
    } else {
        Some(access.save_search(&text).await?)
    };
    let to = query::link("/deltakere", &q, token.as_deref(), q.sort, q.direction, 1);
    Ok(Redirect::to(&to).into_response())
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    CleanQuery(params): CleanQuery,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let access = viewer.participants(&state.app, Some(id)).await?;
    let notice = match params.get("lagret").map(String::as_str) {
        Some("ident") => Some("id-change-saved"),
        Some("venter") => Some("id-change-waiting"),
        Some("bekreftet") => Some("id-change-confirmed"),
        Some("avvist") => Some("id-change-rejected"),
        Some("delmal") => Some("milestone-recorded"),
        Some("verifisert") => Some("milestone-verified"),
        Some("trukket") => Some("milestone-retracted"),
        Some("forslag") => Some("proposal-sent"),
        Some("godkjent") => Some("proposal-approved"),
        Some("avvist-forslag") => Some("proposal-rejected"),
        Some("trukket-forslag") => Some("proposal-withdrawn"),
        Some("lest") => Some("proposal-read"),
        Some("oppstart") => Some("participant-started"),
        Some("henvist") => Some("referral-sent"),
        Some("henvisning-besvart") => Some("referral-answered"),
        Some("behov") => Some("intake-need-shared"),
        Some("tidligere-tiltak") => Some("intake-measure-saved"),
        Some("sprak") => Some("intake-language-saved"),
        Some("kartlegging") => Some("intake-screening-saved"),
        Some("trukket-inntak") => Some("intake-withdrawn"),
        Some("plan") => Some("plan-saved"),
        Some("sprakniva") => Some("language-level-recorded"),
        Some("plan-godkjent") => Some("plan-approved"),
        Some("oppgave") => Some("plan-task-assigned"),
        Some("oppgave-fullfort") => Some("plan-task-completed-notice"),
        Some("team") => Some("team-joined"),
        Some("team-slutt") => Some("team-left"),
        _ => None,
    };
    render(
        &viewer,
        &headers,
        &access,
        id,
        Forms::default(),
        Outcome {
            notice,
            error: None,
        },
    )
    .await
}

/// Back to the participant page after a change, with its notice (`lagret`) at `section`.
pub(super) fn saved(id: ParticipantId, notice: &str, section: &str) -> Response {
    Redirect::to(&format!("/deltakere/{}?lagret={notice}#{section}", id.0)).into_response()
}

/// The participant page again after a refused form: what was sent, and why.
pub(super) async fn refused(
    viewer: &Viewer,
    headers: &HeaderMap,
    access: &ParticipantAccess,
    id: ParticipantId,
    forms: Forms,
) -> Result<Response, PageError> {
    let outcome = Outcome {
        notice: None,
        error: None,
    };
    render(viewer, headers, access, id, forms, outcome).await
}

pub(super) fn parse_id(id: &str) -> Result<ParticipantId, PageError> {
    id.parse::<i64>()
        .ok()
        .map(ParticipantId)
        .ok_or(PageError::from(AppError::NotFound))
}

/// What the last form did: a notice (a text key), or why it was refused.
pub(super) struct Outcome {
    pub(super) notice: Option<&'static str>,
    pub(super) error: Option<String>,
}

/// The page's forms as they were last sent, with what was wrong with them.
#[derive(Default)]
pub(super) struct Forms {
    pub(super) id_change: IdChangeInput,
    pub(super) id_errors: Vec<FieldError>,
    pub(super) milestone: MilestoneInput,
    pub(super) milestone_error: Option<FieldError>,
    pub(super) proposal: ProposalInput,
    pub(super) proposal_error: Option<FieldError>,
    /// A refused answer: the proposal it was about, and why.
    pub(super) answer_error: Option<(i64, FieldError)>,
    pub(super) answer_reason: String,
    pub(super) start_date: String,
    pub(super) start_error: Option<FieldError>,
    /// The provider's answer to the referral, as sent: reason, description, what was wrong.
    pub(super) referral_reason: String,
    pub(super) referral_description: String,
    pub(super) referral_error: Option<FieldError>,
    /// An intake form as sent (field name → value), and what was wrong with it.
    pub(super) intake: std::collections::HashMap<String, String>,
    pub(super) intake_error: Option<FieldError>,
    /// A plan form as sent, and what was wrong with it.
    pub(super) plan: std::collections::HashMap<String, String>,
    pub(super) plan_error: Option<FieldError>,
    /// The assessed-language-level form as sent (its refusal is `milestone_error`).
    pub(super) language_level: std::collections::HashMap<String, String>,
    /// A team form as sent, and what was wrong with it.
    pub(super) team: std::collections::HashMap<String, String>,
    pub(super) team_error: Option<FieldError>,
}

pub(super) async fn render(
    viewer: &Viewer,
    headers: &HeaderMap,
    access: &ParticipantAccess,
    id: ParticipantId,
    forms: Forms,
    outcome: Outcome,
) -> Result<Response, PageError> {
    let Forms {
        id_change: input,
        id_errors: errors,
        milestone,
        milestone_error,
        proposal,
        proposal_error,
        answer_error,
        answer_reason,
        start_date,
        start_error,
        referral_reason,
        referral_description,
        referral_error,
        intake,
        intake_error,
        plan,
        plan_error,
        language_level,
        team,
        team_error,
    } = forms;
    // The page's reads are audited in one write, before it is sent (fail closed as before).
    access.defer_audit();
    let p = access.get(id).await?;
    let mut chrome = Chrome::new(
        super::lang(headers),
        "participants-title",
        Some(viewer),
        "/deltakere",
    );
    chrome.title = p.summary.name.clone();
    let id_form = access.may_change_national_id(&p).then(|| IdForm {
        csrf_token: viewer.csrf_token().to_owned(),
        national_id: input.national_id,
        valid_from: input.valid_from,
        errors: errors.clone(),
    });
    // A teacher who only teaches the participant's group sees the plan and attendance alone;
    // a masked page gives nothing away.
    let teacher_view = !access.sees_whole_record(id).await?;
    let hidden = p.summary.masked || teacher_view;
    let outcomes = if hidden {
        None
    } else {
        Some(access.outcomes(id).await?)
    };
    let waiting = if id_form.is_some() {
        access.waiting_id_changes(id).await?
    } else {
        Vec::new()
    };
    let milestones = if hidden {
        None
    } else {
        Some(MilestoneSection {
            csrf_token: viewer.csrf_token().to_owned(),
            view: access.milestones(id).await?,
            milestone: milestone.milestone,
            achieved_on: milestone.achieved_on,
            error: milestone_error.clone(),
            language_level,
        })
    };
    let proposals = if hidden {
        None
    } else {
        Some(
            ProposalSection {
                csrf_token: viewer.csrf_token().to_owned(),
                view: access.proposals(id).await?,
                input: proposal,
                kinds: options(
                    ProposalKind::ALL.iter().map(|k| (k.code(), k.label_nb())),
                    "",
                ),
                reasons: Vec::new(),
                error: proposal_error.clone(),
                answer_error: answer_error.clone(),
                answer_reason,
                start_date,
                start_error: start_error.clone(),
            }
            .with_choices(),
        )
    };
    let referral = if hidden {
        None
    } else {
        access.referral(id).await?.map(|view| ReferralSection {
            csrf_token: viewer.csrf_token().to_owned(),
            view,
            reasons: options(
                effekt_domain::participant::EndReason::ALL
                    .iter()
                    .map(|r| (r.code(), r.label_nb())),
                &referral_reason,
            ),
            description: referral_description,
            error: referral_error.clone(),
        })
    };
    let intake = if hidden {
        None
    } else {
        access
            .intake(id)
            .await?
            .map(|view| IntakeSection::new(viewer.csrf_token(), view, intake, intake_error.clone()))
    };
    // The team names staff, not the person: shown for a masked participant too.
    let team = if teacher_view {
        None
    } else {
        access
            .team(id)
            .await?
            .map(|view| TeamSection::new(viewer.csrf_token(), view, team, team_error.clone()))
    };
    let plan = if p.summary.masked {
        None
    } else {
        access
            .plan(id)
            .await?
            .map(|view| PlanSection::new(viewer.csrf_token(), view, plan, plan_error.clone()))
    };
    let refused = referral_error.is_some()
        || intake_error.is_some()
        || plan_error.is_some()
        || team_error.is_some()
        || !errors.is_empty()
        || outcome.error.is_some()
        || milestone_error.is_some()
        || proposal_error.is_some()
        || answer_error.is_some()
        || start_error.is_some();
    access.flush_audit().await?;
    Ok(views::html_refused(
        &ParticipantPage {
            notice: outcome.notice.map(|key| chrome.t(key)),
            error: outcome.error,
            chrome,
            p,
            milestones,
            proposals,
            referral,
            intake,
            team,
            teacher_view,
            plan,
            id_form,
            waiting,
            outcomes,
        },
        refused,
    ))
}

/// `POST /deltakere/{id}/ident`: registers a new national id (Nav case officers).
pub async fn change_national_id(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let access = viewer.participants(&state.app, Some(id)).await?;
    super::form_csrf(&viewer, &form)?;
    let input = IdChangeInput::from_form(&form);
    let nothing = || Outcome {
        notice: None,
        error: None,
    };
    let (national_id, valid_from) = match input.parse(state.app.mode(), state.app.today()) {
        Ok(parsed) => parsed,
        Err(errors) => {
            let forms = Forms {
                id_change: input,
                id_errors: errors,
                ..Forms::default()
            };
            return render(&viewer, &headers, &access, id, forms, nothing()).await;
        }
    };
    match access
        .change_national_id(id, &national_id, valid_from)
        .await?
    {
        Ok(IdChange::Waiting) => {
            Ok(Redirect::to(&format!("/deltakere/{}?lagret=venter", id.0)).into_response())
        }
        Err(error) => {
            let forms = Forms {
                id_change: input,
                id_errors: vec![error],
                ..Forms::default()
            };
            render(&viewer, &headers, &access, id, forms, nothing()).await
        }
    }
}

/// `POST /deltakere/{id}/ident/{request}`: a second Nav user confirms or rejects a waiting
/// change of national id.
pub async fn decide_national_id(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((id, request)): Path<(String, String)>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let access = viewer.participants(&state.app, Some(id)).await?;
    super::form_csrf(&viewer, &form)?;
    let request = super::path_id(&request)?;
    let confirm = match form.get("beslutning").map(String::as_str) {
        Some("bekreft") => true,
        Some("avvis") => false,
        _ => return Err(crate::WebError::BadRequest("Velg bekreft eller avvis.".into()).into()),
    };
    match access.decide_id_change(id, request, confirm).await? {
        Ok(()) => {
            let done = if confirm { "bekreftet" } else { "avvist" };
            Ok(Redirect::to(&format!("/deltakere/{}?lagret={done}", id.0)).into_response())
        }
        Err(message) => {
            let outcome = Outcome {
                notice: None,
                error: Some(message),
            };
            render(&viewer, &headers, &access, id, Forms::default(), outcome).await
        }
    }
}
