//! Interpreter bookings (`/tolk`): the provider's staff and admins book an interpreter for a
//! session or a participant's meeting, confirm, mark held or cancel it, and see and download
//! what interpreters cost. The rules, who may and the audit are in `effekt_app`; this face
//! reads forms, shows a refusal beside its field with what was typed, and redirects.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use effekt_app::access::BookingInput;
use effekt_app::{AppError, FieldError, Viewer};
use effekt_domain::interpreters::{Mode, Qualification};

use crate::extract::{CleanForm, CleanQuery};
use crate::views::{self, Chrome, InterpreterPage, Option_};
use crate::{AppState, PageError};

fn notice(params: &HashMap<String, String>) -> Option<&'static str> {
    match params.get("lagret").map(String::as_str) {
        Some("bestilt") => Some("interpreter-booked"),
        Some("steg") => Some("interpreter-stepped"),
        _ => None,
    }
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    sent: HashMap<String, String>,
    error: Option<FieldError>,
    notice: Option<&'static str>,
) -> Result<Response, PageError> {
    let access = viewer.participants(&state.app, None).await?;
    let view = access.interpreter_page().await?;
    let chrome = Chrome::new(
        super::lang(headers),
        "interpreters-title",
        Some(viewer),
        "/grupper",
    );
    let chosen = |name: &str| sent.get(name).cloned().unwrap_or_default();
    let mut serves: Vec<Option_> = view
        .sessions
        .iter()
        .map(|(id, label)| {
            let value = format!("okt:{id}");
            Option_ {
                selected: chosen("gjelder") == value,
                value,
                label: label.clone(),
            }
        })
        .collect();
    serves.push(Option_ {
        selected: chosen("gjelder") == "deltaker",
        value: "deltaker".to_owned(),
        label: "Samtale med én deltaker (skriv nummeret under)".to_owned(),
    });
    let modes = [Mode::OnSite, Mode::Remote]
        .iter()
        .map(|m| Option_ {
            selected: chosen("tolk_form") == m.code(),
            value: m.code().to_owned(),
            label: m.label_nb().to_owned(),
        })
        .collect();
    let categories = Qualification::ALL
        .iter()
        .map(|q| Option_ {
            selected: chosen("tolk_kategori") == q.code(),
            value: q.code().to_owned(),
            label: q.label_nb().to_owned(),
        })
        .collect();
    let refused = error.is_some();
    let page = InterpreterPage {
        chrome,
        csrf_token: viewer.csrf_token().to_owned(),
        view,
        serves,
        modes,
        categories,
        sent,
        error,
        notice,
    };
    Ok(views::html_refused(&page, refused))
}

/// `GET /tolk`: bookings, the booking form and the costs. `?okt=` chooses a session.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    CleanQuery(params): CleanQuery,
) -> Result<Response, PageError> {
    let mut sent = HashMap::new();
    if let Some(o) = params.get("okt") {
        sent.insert("gjelder".to_owned(), format!("okt:{o}"));
    }
    page(&state, &viewer, &headers, sent, None, notice(&params)).await
}

/// `POST /tolk`: books an interpreter.
pub async fn book(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    let access = viewer.participants(&state.app, None).await?;
    super::form_csrf(&viewer, &form)?;
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    let input = BookingInput {
        serves: field("gjelder"),
        participant: field("deltaker"),
        date: field("dato"),
        time: field("klokkeslett"),
        minutes: field("varighet"),
        language: field("tolk_sprak"),
        interpreter: field("tolk_navn"),
        mode: field("tolk_form"),
        qualification: field("tolk_kategori"),
        cost: field("tolk_kostnad"),
    };
    match access.book_interpreter(&input).await? {
        Ok(id) => Ok(Redirect::to(&format!("/tolk?lagret=bestilt#tolk-{id}")).into_response()),
        Err(e) => page(&state, &viewer, &headers, form, Some(e), None).await,
    }
}

/// `POST /tolk/{id}`: a step on a booking (`handling` bekreft|gjennomfort|avbestill,
/// `avbestilling` the reason).
pub async fn step(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    let id = id
        .parse::<i64>()
        .map_err(|_| PageError::from(AppError::NotFound))?;
    let access = viewer.participants(&state.app, None).await?;
    super::form_csrf(&viewer, &form)?;
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    match access
        .step_booking(id, &field("handling"), &field("avbestilling"))
        .await?
    {
        Ok(()) => Ok(Redirect::to(&format!("/tolk?lagret=steg#tolk-{id}")).into_response()),
        Err(mut e) => {
            // The refusal stands beside the booking it concerns.
            e.field = match e.field {
                "avbestilling" => "avbestilling",
                _ => "tolk_status",
            };
            let mut sent = form;
            sent.insert("booking".to_owned(), id.to_string());
            page(&state, &viewer, &headers, sent, Some(e), None).await
        }
    }
}

/// `GET /tolk/kostnader.csv`: the costs per contract, group and participant, for Excel.
pub async fn costs_csv(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, PageError> {
    let access = viewer.participants(&state.app, None).await?;
    let bytes = access.interpreter_costs_csv().await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"tolkekostnader.csv\"".to_owned(),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}
