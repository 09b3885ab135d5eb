//! `/utbetalinger`: payment statements per contract and period, a statement with its lines,
//! the steps computed → verified → approved twice → paid, and the lines as CSV or XLSX.
//! A refused step or computation shows the page again with the reason; nothing changes.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use effekt_domain::contract::statement::Step;
use effekt_domain::ids::ContractId;

use effekt_app::access::{FileFormat, PaymentInput, StatementAccess, LINES_ON_PAGE};
use effekt_app::{AppError, Viewer};

use crate::extract::{CleanForm, CleanQuery};
use crate::views::{self, Chrome, StatementPage, StatementsPage};
use crate::{AppState, PageError, WebError};

async fn list_page(
    viewer: &Viewer,
    headers: &HeaderMap,
    access: &StatementAccess,
    error: Option<String>,
) -> Result<Response, PageError> {
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
            csrf_token: viewer.csrf_token().to_owned(),
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
) -> Result<Response, PageError> {
    let access = viewer.statements(&state.app)?;
    list_page(&viewer, &headers, &access, None).await
}

/// `POST /utbetalinger/beregn`: computes the open period (Nav contract manager).
pub async fn compute(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    let access = viewer.statements(&state.app)?;
    super::form_csrf(&viewer, &form)?;
    let contract = form
        .get("contract")
        .and_then(|c| c.parse::<i64>().ok())
        .map(ContractId);
    let period = form.get("period").map(|p| p.trim()).unwrap_or_default();
    let result = match contract {
        Some(contract) if !period.is_empty() => {
            let reason = form
                .get("begrunnelse")
                .map(String::as_str)
                .unwrap_or_default();
            access.compute(contract, period, reason).await
        }
        _ => Err(AppError::Refused("Velg kontrakt og periode.".into())),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/utbetalinger/{id}")).into_response()),
        Err(e) => list_page(&viewer, &headers, &access, Some(super::refusal(e)?)).await,
    }
}

async fn statement_page(
    viewer: &Viewer,
    headers: &HeaderMap,
    access: &StatementAccess,
    id: i64,
    error: Option<String>,
) -> Result<Response, PageError> {
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
            csrf_token: viewer.csrf_token().to_owned(),
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
) -> Result<Response, PageError> {
    let access = viewer.statements(&state.app)?;
    statement_page(&viewer, &headers, &access, super::path_id(&id)?, None).await
}

/// `POST /utbetalinger/{id}/steg`: verify, send back, approve or pay.
pub async fn step(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    let access = viewer.statements(&state.app)?;
    super::form_csrf(&viewer, &form)?;
    let id = super::path_id(&id)?;
    let step = form
        .get("step")
        .and_then(|s| Step::from_code(s))
        .filter(|s| matches!(s, Step::Verify | Step::Approve | Step::Pay | Step::SendBack));
    let result = match step {
        Some(step) => {
            let field = |k: &str| form.get(k).cloned().unwrap_or_default();
            let payment = PaymentInput {
                paid_on: field("betalt_dato"),
                reference: field("referanse"),
                comment: field("kommentar"),
            };
            access.take(id, step, &payment).await
        }
        None => Err(AppError::Refused("Ukjent steg.".into())),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/utbetalinger/{id}")).into_response()),
        Err(e) => statement_page(&viewer, &headers, &access, id, Some(super::refusal(e)?)).await,
    }
}

/// `GET /utbetalinger/{id}/linjer.csv` and `…/linjer.xlsx`: every line this viewer may see.
/// The CSV is for Norwegian Excel; `?format=machine` gives the machine CSV instead.
pub async fn download(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, file)): Path<(String, String)>,
    CleanQuery(params): CleanQuery,
) -> Result<Response, PageError> {
    let access = viewer.statements(&state.app)?;
    let id = super::path_id(&id)?;
    let machine = match params.get("format").map(String::as_str) {
        None | Some("excel") => false,
        Some("machine") => true,
        Some(_) => {
            return Err(WebError::BadRequest("format er «excel» eller «machine».".into()).into())
        }
    };
    let (format, mime) = match file.as_str() {
        "linjer.csv" if machine => (FileFormat::MachineCsv, "text/csv; charset=utf-8"),
        "linjer.csv" => (FileFormat::Csv, "text/csv; charset=utf-8"),
        "linjer.xlsx" => (
            FileFormat::Xlsx,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        _ => return Err(AppError::NotFound.into()),
    };
    let f = access.file(id, format).await?;
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", f.name),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        f.bytes,
    )
        .into_response())
}
