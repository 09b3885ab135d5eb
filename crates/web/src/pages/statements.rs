//! `/utbetalinger`: payment statements per contract and period, a statement with its lines,
//! the steps computed → verified → approved twice → paid, and the lines as CSV or XLSX.
//! A refused step or computation shows the page again with the reason; nothing changes.

use std::collections::HashMap;

use axum::extract::{Form, Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use effekt_domain::contract::statement::Step;
use effekt_domain::ids::ContractId;
use effekt_domain::money::Nok;

use crate::access::{AppState, StatementAccess, Viewer, LINES_ON_PAGE};
use crate::statement_file;
use crate::views::{self, Chrome, StatementPage, StatementsPage};
use crate::WebError;

async fn list_page(
    viewer: &Viewer,
    headers: &HeaderMap,
    access: &StatementAccess,
    error: Option<String>,
) -> Result<Response, WebError> {
    let contracts = access.overview().await?;
    let chrome = Chrome::new(
        super::lang(headers),
        "statements-title",
        Some(viewer),
        "/utbetalinger",
    );
    let failed = error.is_some();
    Ok(views::html_refused(
        &StatementsPage {
            chrome,
            csrf_token: viewer.csrf_token.clone(),
            contracts,
            error,
        },
        failed,
    ))
}

/// `GET /utbetalinger`
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let access = viewer.statements(&state, false)?;
    list_page(&viewer, &headers, &access, None).await
}

/// `POST /utbetalinger/beregn`: computes the open period (Nav contract manager).
pub async fn compute(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let access = viewer.statements(&state, false)?;
    super::form_csrf(&viewer, &form)?;
    let contract = form
        .get("contract")
        .and_then(|c| c.parse::<i64>().ok())
        .map(ContractId);
    let period = form.get("period").map(|p| p.trim()).unwrap_or_default();
    let result = match contract {
        Some(contract) if !period.is_empty() => access.compute(contract, period).await,
        _ => Err(WebError::BadRequest {
            api: false,
            message: "Velg kontrakt og periode.".into(),
        }),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/utbetalinger/{id}")).into_response()),
        Err(WebError::BadRequest { message, .. }) => {
            list_page(&viewer, &headers, &access, Some(message)).await
        }
        Err(e) => Err(e),
    }
}

async fn statement_page(
    viewer: &Viewer,
    headers: &HeaderMap,
    access: &StatementAccess,
    id: i64,
    error: Option<String>,
) -> Result<Response, WebError> {
    let s = access.detail(id, false).await?;
    let mut chrome = Chrome::new(
        super::lang(headers),
        "statement-title",
        Some(viewer),
        "/utbetalinger",
    );
    chrome.title = format!("{} {}", chrome.title, s.summary.period);
    let failed = error.is_some();
    Ok(views::html_refused(
        &StatementPage {
            chrome,
            csrf_token: viewer.csrf_token.clone(),
            more_lines: s.line_count > LINES_ON_PAGE,
            s,
            error,
        },
        failed,
    ))
}

/// `GET /utbetalinger/{id}`
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let access = viewer.statements(&state, false)?;
    statement_page(&viewer, &headers, &access, super::path_id(&id)?, None).await
}

/// `POST /utbetalinger/{id}/steg`: verify, approve or pay.
pub async fn step(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let access = viewer.statements(&state, false)?;
    super::form_csrf(&viewer, &form)?;
    let id = super::path_id(&id)?;
    let step = form
        .get("step")
        .and_then(|s| Step::from_code(s))
        .filter(|s| matches!(s, Step::Verify | Step::Approve | Step::Pay));
    let result = match step {
        Some(step) => access.take(id, step).await,
        None => Err(WebError::BadRequest {
            api: false,
            message: "Ukjent steg.".into(),
        }),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/utbetalinger/{id}")).into_response()),
        Err(WebError::BadRequest { message, .. }) => {
            statement_page(&viewer, &headers, &access, id, Some(message)).await
        }
        Err(e) => Err(e),
    }
}

/// `GET /utbetalinger/{id}/linjer.csv` and `…/linjer.xlsx`: every line this viewer may see.
pub async fn download(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let access = viewer.statements(&state, false)?;
    let id = super::path_id(&id)?;
    let xlsx = match file.as_str() {
        "linjer.csv" => false,
        "linjer.xlsx" => true,
        _ => return Err(WebError::NotFound { api: false }),
    };
    let lines = access.lines(id).await?;
    let (record, lines) = lines;
    let rows = statement_file::rows(&record.period, &record.snapshot, &lines);
    let total = lines.iter().fold(Nok::ZERO, |s, l| s + l.amount);
    let internal = |e: statement_file::FileError| WebError::Internal(e.to_string());
    let (bytes, mime, ext) = if xlsx {
        (
            statement_file::xlsx(&rows, total).map_err(internal)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        )
    } else {
        (
            statement_file::csv(&rows).map_err(internal)?,
            "text/csv; charset=utf-8",
            "csv",
        )
    };
    let name = format!("utbetaling-{}-{}.{ext}", record.period, record.id);
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}
