//! The server-rendered pages (Norwegian paths, as users see them).

mod accounts;
mod audit_log;
mod contracts;
mod evaluation;
mod groups;
mod imports;
mod intake;
mod interpreters;
mod login;
mod milestones;
mod participants;
mod password;
mod plan;
mod proposals;
mod referrals;
mod roles;
mod settings;
mod statements;
mod team;

use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::i18n::Lang;
use crate::session;
use crate::views;
use crate::{AppState, PageError, WebError};

pub(crate) const CSS: &str = include_str!("../../assets/effekt.css");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(root))
        .route("/logg-inn", get(login::form).post(login::submit))
        .route("/logg-ut", post(login::logout))
        .route(
            "/deltakere",
            get(participants::list).post(participants::search),
        )
        .route("/deltakere/{id}", get(participants::show))
        .route(
            "/deltakere/{id}/ident",
            post(participants::change_national_id),
        )
        .route(
            "/deltakere/{id}/ident/{request}",
            post(participants::decide_national_id),
        )
        .route("/deltakere/{id}/delmal", post(milestones::record))
        .route("/deltakere/{id}/delmal/{record}", post(milestones::act))
        .route(
            "/deltakere/{id}/sprakniva",
            post(milestones::language_level),
        )
        .route("/deltakere/{id}/forslag", post(proposals::propose))
        .route(
            "/deltakere/{id}/forslag/{proposal}",
            post(proposals::answer),
        )
        .route("/deltakere/{id}/oppstart", post(proposals::start))
        .route("/deltakere/{id}/henvisning", post(referrals::answer))
        .route("/deltakere/{id}/behov", post(intake::need))
        .route("/deltakere/{id}/plan", post(plan::write))
        .route("/deltakere/{id}/plan/godkjenning", post(plan::approve))
        .route("/deltakere/{id}/oppgaver", post(plan::assign))
        .route("/deltakere/{id}/oppgaver/{task}", post(plan::complete))
        .route("/deltakere/{id}/tidligere-tiltak", post(intake::measure))
        .route("/deltakere/{id}/sprak", post(intake::language))
        .route("/deltakere/{id}/kartlegging", post(intake::screening))
        .route("/deltakere/{id}/inntak/trekk", post(intake::withdraw))
        .route("/deltakere/{id}/team", post(team::join))
        .route("/deltakere/{id}/team/slutt", post(team::leave))
        .route("/team", get(team::show))
        .route("/team/{user}", get(team::member))
        .route("/grupper", get(groups::list))
        .route("/grupper/{id}", get(groups::show))
        .route("/grupper/{id}/medlemmer", post(groups::join))
        .route("/grupper/{id}/medlemmer/slutt", post(groups::leave))
        .route("/grupper/{id}/okter", post(groups::plan))
        .route(
            "/grupper/{id}/okter/{okt}",
            get(groups::attendance).post(groups::take),
        )
        .route("/grupper/{id}/okter/{okt}/avlys", post(groups::cancel))
        .route("/tolk", get(interpreters::show).post(interpreters::book))
        .route("/tolk/kostnader.csv", get(interpreters::costs_csv))
        .route("/tolk/{id}", post(interpreters::step))
        .route("/henvisninger/ny", get(referrals::new))
        .route("/henvisninger", post(referrals::send))
        .route("/henvisninger/utkast/{id}", post(referrals::draft_step))
        .route("/hjem", get(roles::home))
        .route("/oversikt", get(roles::overview))
        .route("/resultater", get(roles::results))
        .route("/investeringer", get(roles::investments))
        .route("/evaluering", get(roles::evaluation))
        .route("/admin/brukere", get(accounts::list))
        .route("/admin/brukere/ny", post(accounts::create))
        .route(
            "/admin/brukere/{id}",
            get(accounts::edit).post(accounts::update),
        )
        .route("/admin/logg", get(audit_log::show).post(audit_log::filter))
        .route("/admin/logg/cef", get(audit_log::cef))
        .route("/admin/oppsett", get(settings::show))
        .route("/importer", get(imports::show))
        .route("/admin/brukere/{id}/{action}", post(accounts::act))
        .route(
            "/passord/{token}",
            get(password::form).post(password::submit),
        )
        .route("/kontrakter", get(contracts::list))
        .route("/kontrakter/{id}", get(contracts::show))
        .route("/kontrakter/{id}/endringer", post(contracts::propose))
        .route("/kontrakter/{id}/tall", post(contracts::certify))
        .route("/kontrakter/{id}/evaluering", get(evaluation::show))
        .route(
            "/kontrakter/{id}/evaluering/plan",
            post(evaluation::register_plan),
        )
        .route(
            "/kontrakter/{id}/evaluering/kjoringer",
            post(evaluation::run),
        )
        .route("/evalueringer/{run}", get(evaluation::show_run))
        .route("/evalueringer/{run}/publiser", post(evaluation::publish))
        .route("/evalueringer/{run}/sertifiser", post(evaluation::certify))
        .route("/evalueringer/{run}/{file}", get(evaluation::microdata))
        .route(
            "/kontrakter/{id}/versjoner/{version}",
            post(contracts::decide),
        )
        .route("/utbetalinger", get(statements::list))
        .route("/utbetalinger/beregn", post(statements::compute))
        .route("/utbetalinger/{id}", get(statements::show))
        .route("/utbetalinger/{id}/steg", post(statements::step))
        .route("/utbetalinger/{id}/{file}", get(statements::download))
        .route("/static/effekt.css", get(css))
}

/// A positive id from a path segment; anything else is not found.
pub(crate) fn path_id(raw: &str) -> Result<i64, PageError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(PageError(WebError::App(effekt_app::AppError::NotFound)))
}

/// Refuses a form without the session's CSRF token.
pub(crate) fn form_csrf(
    viewer: &effekt_app::Viewer,
    form: &std::collections::HashMap<String, String>,
) -> Result<(), PageError> {
    Ok(session::check_csrf(
        viewer.csrf_token(),
        form.get("csrf").map(String::as_str).unwrap_or_default(),
    )?)
}

/// A page shown again with why the last form was refused: a refusal's message, or the error.
pub(crate) fn refusal(e: effekt_app::AppError) -> Result<String, PageError> {
    match e {
        effekt_app::AppError::Refused(message) => Ok(message),
        e => Err(e.into()),
    }
}

/// The language of a request: `lang` cookie, then `Accept-Language`, then bokmål.
pub(crate) fn lang(headers: &HeaderMap) -> Lang {
    let cookie = session::cookie(headers, "lang");
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    Lang::negotiate(cookie.as_deref(), accept)
}

async fn root(
    axum::extract::State(state): axum::extract::State<AppState>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    Ok(match session::viewer(&state, &headers).await? {
        Some(v) => Redirect::to(views::page_link(v.home()).0).into_response(),
        None => Redirect::to("/logg-inn").into_response(),
    })
}

async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        CSS,
    )
        .into_response()
}

/// Error pages (403, 404, 400) are rendered where no viewer is at hand; for a logged-in user
/// this renders them again with the menu and the logout button. Server errors are left as
/// they are: they must not touch the store again.
pub async fn with_viewer_chrome(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let headers = request.headers().clone();
    let response = next.run(request).await;
    let Some(marker) = response
        .extensions()
        .get::<views::ErrorPageMarker>()
        .cloned()
    else {
        return response;
    };
    if marker.status.is_server_error() {
        return response;
    }
    match session::viewer(&state, &headers).await {
        Ok(Some(viewer)) => views::error_page_for(marker.status, marker.message, Some(&viewer)),
        _ => response,
    }
}

/// Unknown routes: a proper 404 page (JSON under `/api/`).
pub async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return crate::ApiError(WebError::App(effekt_app::AppError::NotFound)).into_response();
    }
    views::error_page(StatusCode::NOT_FOUND)
}
