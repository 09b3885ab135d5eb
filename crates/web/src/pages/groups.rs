//! Groups, sessions and attendance (`/grupper`): the provider's staff and admins see their
//! groups, add members, plan and cancel sessions, and take attendance for a session in one
//! form. The rules, who may and the audit are in `effekt_app`; this face reads forms, shows a
//! refusal beside its field with what was typed, and redirects after a change.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use effekt_app::{AppError, FieldError, Viewer};
use effekt_domain::groups::AbsenceReason;
use effekt_domain::ids::GroupId;
use effekt_domain::plan::MODULES;

use crate::extract::{CleanForm, CleanQuery};
use crate::views::{self, AttendancePage, Chrome, GroupPage, GroupsPage, Option_};
use crate::{AppState, PageError};

fn key(id: &str) -> Result<i64, PageError> {
    id.parse::<i64>()
        .map_err(|_| PageError::from(AppError::NotFound))
}

fn notice(params: &HashMap<String, String>) -> Option<&'static str> {
    match params.get("lagret").map(String::as_str) {
        Some("medlem") => Some("group-member-added"),
        Some("slutt") => Some("group-member-left"),
        Some("okter") => Some("group-sessions-planned"),
        Some("avlyst") => Some("group-session-cancelled"),
        Some("oppmote") => Some("group-attendance-saved"),
        _ => None,
    }
}

/// `GET /grupper`: the provider's groups.
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let access = viewer.participants(&state.app, None).await?;
    let groups = access.provider_groups().await?;
    let chrome = Chrome::new(
        super::lang(&headers),
        "groups-title",
        Some(&viewer),
        "/grupper",
    );
    Ok(views::html(&GroupsPage { chrome, groups }))
}

async fn group_page(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    id: i64,
    sent: HashMap<String, String>,
    error: Option<FieldError>,
    notice: Option<&'static str>,
) -> Result<Response, PageError> {
    let access = viewer.participants(&state.app, None).await?;
    let group = access.group_page(GroupId(id)).await?;
    let chrome = Chrome::new(
        super::lang(headers),
        "group-title",
        Some(viewer),
        "/grupper",
    );
    let chosen = |name: &str| sent.get(name).cloned().unwrap_or_default();
    let teachers = group
        .teachers
        .iter()
        .map(|(id, name)| Option_ {
            selected: chosen("laerer") == id.to_string(),
            value: id.to_string(),
            label: name.clone(),
        })
        .collect();
    let modules = MODULES
        .iter()
        .map(|m| Option_ {
            selected: chosen("modul") == m.code,
            value: m.code.to_owned(),
            label: m.label_nb.to_owned(),
        })
        .collect();
    let refused = error.is_some();
    let page = GroupPage {
        chrome,
        csrf_token: viewer.csrf_token().to_owned(),
        group,
        teachers,
        modules,
        sent,
        error,
        notice,
    };
    Ok(views::html_refused(&page, refused))
}

/// `GET /grupper/{id}`: members, sessions and the forms.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    CleanQuery(params): CleanQuery,
) -> Result<Response, PageError> {
    let id = key(&id)?;
    let notice = notice(&params);
    group_page(&state, &viewer, &headers, id, HashMap::new(), None, notice).await
}

/// `POST /grupper/{id}/medlemmer`: adds a member (`deltaker`, `fra`, `begrunnelse`).
pub async fn join(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    let id = key(&id)?;
    let access = viewer.participants(&state.app, None).await?;
    super::form_csrf(&viewer, &form)?;
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    match access
        .join_group(
            GroupId(id),
            &field("deltaker"),
            &field("fra"),
            &field("begrunnelse"),
        )
        .await?
    {
        Ok(()) => {
            Ok(Redirect::to(&format!("/grupper/{id}?lagret=medlem#medlemmer")).into_response())
        }
        Err(e) => group_page(&state, &viewer, &headers, id, form, Some(e), None).await,
    }
}

/// `POST /grupper/{id}/medlemmer/slutt`: a member leaves (`slutt_deltaker`, `til`).
pub async fn leave(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    let id = key(&id)?;
    let access = viewer.participants(&state.app, None).await?;
    super::form_csrf(&viewer, &form)?;
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    match access
        .leave_group(GroupId(id), &field("slutt_deltaker"), &field("til"))
        .await?
    {
        Ok(()) => {
            Ok(Redirect::to(&format!("/grupper/{id}?lagret=slutt#medlemmer")).into_response())
        }
        Err(e) => group_page(&state, &viewer, &headers, id, form, Some(e), None).await,
    }
}

/// `POST /grupper/{id}/okter`: plans a session or a weekly series.
pub async fn plan(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    let id = key(&id)?;
    let access = viewer.participants(&state.app, None).await?;
    super::form_csrf(&viewer, &form)?;
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    let remote = form.get("digitalt").is_some_and(|v| v == "ja");
    match access
        .plan_session(
            GroupId(id),
            &field("dato"),
            &field("klokkeslett"),
            &field("varighet"),
            &field("rom"),
            remote,
            &field("laerer"),
            &field("modul"),
            &field("antall"),
        )
        .await?
    {
        Ok(_) => Ok(Redirect::to(&format!("/grupper/{id}?lagret=okter#okter")).into_response()),
        Err(e) => group_page(&state, &viewer, &headers, id, form, Some(e), None).await,
    }
}

/// `POST /grupper/{id}/okter/{okt}/avlys`: cancels a session (`begrunnelse`).
pub async fn cancel(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((id, session)): Path<(String, String)>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    let (id, session) = (key(&id)?, key(&session)?);
    let access = viewer.participants(&state.app, None).await?;
    super::form_csrf(&viewer, &form)?;
    let reason = form.get("avlysning").cloned().unwrap_or_default();
    match access.cancel_session(GroupId(id), session, &reason).await? {
        Ok(()) => Ok(Redirect::to(&format!("/grupper/{id}?lagret=avlyst#okter")).into_response()),
        Err(e) => {
            attendance_page(&state, &viewer, &headers, id, session, form, Some(e), None).await
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn attendance_page(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    id: i64,
    session: i64,
    sent: HashMap<String, String>,
    error: Option<FieldError>,
    notice: Option<&'static str>,
) -> Result<Response, PageError> {
    let access = viewer.participants(&state.app, None).await?;
    let mut view = access.attendance_form(GroupId(id), session).await?;
    // A refused form shows what was typed.
    for row in &mut view.rows {
        let p = row.participant;
        if let Some(v) = sent.get(&format!("oppmote-{p}")) {
            row.presence = v.clone();
            row.reason = sent.get(&format!("arsak-{p}")).cloned().unwrap_or_default();
            row.hours = sent.get(&format!("timer-{p}")).cloned().unwrap_or_default();
        }
    }
    let chrome = Chrome::new(
        super::lang(headers),
        "attendance-title",
        Some(viewer),
        "/grupper",
    );
    let reasons = AbsenceReason::ALL
        .iter()
        .map(|r| (r.code().to_owned(), r.label_nb().to_owned()))
        .collect();
    let refused = error.is_some();
    let page = AttendancePage {
        chrome,
        csrf_token: viewer.csrf_token().to_owned(),
        correction: sent.get("korrigering").cloned().unwrap_or_default(),
        cancel_reason: sent.get("avlysning").cloned().unwrap_or_default(),
        view,
        reasons,
        error,
        notice,
    };
    Ok(views::html_refused(&page, refused))
}

/// `GET /grupper/{id}/okter/{okt}`: the session's attendance form.
pub async fn attendance(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((id, session)): Path<(String, String)>,
    CleanQuery(params): CleanQuery,
) -> Result<Response, PageError> {
    let (id, session) = (key(&id)?, key(&session)?);
    let notice = notice(&params);
    attendance_page(
        &state,
        &viewer,
        &headers,
        id,
        session,
        HashMap::new(),
        None,
        notice,
    )
    .await
}

/// `POST /grupper/{id}/okter/{okt}`: takes the attendance (`oppmote-{deltaker}`,
/// `arsak-{deltaker}`, `timer-{deltaker}` per row; `korrigering` when taken before).
pub async fn take(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((id, session)): Path<(String, String)>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    let (id, session) = (key(&id)?, key(&session)?);
    let access = viewer.participants(&state.app, None).await?;
    super::form_csrf(&viewer, &form)?;
    let mut typed: Vec<(String, String, String, String)> = form
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("oppmote-")
                .map(|p| (p.to_owned(), v.clone()))
        })
        .map(|(p, presence)| {
            let get = |name: &str| {
                form.get(&format!("{name}-{p}"))
                    .cloned()
                    .unwrap_or_default()
            };
            (p.clone(), presence, get("arsak"), get("timer"))
        })
        .collect();
    typed.sort();
    let correction = form.get("korrigering").cloned().unwrap_or_default();
    match access
        .take_attendance(GroupId(id), session, &typed, &correction)
        .await?
    {
        Ok(()) => Ok(
            Redirect::to(&format!("/grupper/{id}/okter/{session}?lagret=oppmote")).into_response(),
        ),
        Err(e) => {
            attendance_page(&state, &viewer, &headers, id, session, form, Some(e), None).await
        }
    }
}
