//! The effect evaluation's pages (issue 15): `/kontrakter/{id}/evaluering` (plan, runs and the
//! evaluator's forms), `/evalueringer/{run}` (one run, printable as the quarterly report), and
//! the evaluator's microdata. A refused form shows the page again with the reason; nothing is
//! stored then.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use effekt_app::access::EvaluationAccess;
use effekt_app::Viewer;
use effekt_domain::ids::ContractId;
use effekt_store::evaluation::RunLabel;

use crate::extract::CleanForm;
use crate::views::{self, Chrome, ContractEvaluationPage, RunPage};
use crate::{AppState, PageError};

async fn contract_page(
    viewer: &Viewer,
    headers: &HeaderMap,
    access: &EvaluationAccess,
    contract: i64,
    edit: impl FnOnce(&mut ContractEvaluationPage),
) -> Result<Response, PageError> {
    let v = access.page(ContractId(contract)).await?;
    let mut chrome = Chrome::new(
        super::lang(headers),
        "eval-title",
        Some(viewer),
        "/kontrakter",
    );
    chrome.title = format!("{} – {}", chrome.title, v.contract_name);
    let mut page = ContractEvaluationPage::new(chrome, viewer.csrf_token(), v);
    edit(&mut page);
    let refused = page.error.is_some() || !page.errors.is_empty();
    Ok(views::html_refused(&page, refused))
}

/// `GET /kontrakter/{id}/evaluering`
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let access = viewer.evaluation(&state.app)?;
    contract_page(&viewer, &headers, &access, super::path_id(&raw)?, |_| {}).await
}

/// `POST /kontrakter/{id}/evaluering/plan`: the evaluator registers a plan version.
pub async fn register_plan(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    let access = viewer.evaluation(&state.app)?;
    super::form_csrf(&viewer, &form)?;
    let contract = super::path_id(&raw)?;
    let text = form.get("plan").cloned().unwrap_or_default();
    let reason = form.get("begrunnelse").cloned().unwrap_or_default();
    let refused = match access
        .register_plan(ContractId(contract), &text, &reason)
        .await
    {
        Ok(Ok(_)) => {
            return Ok(
                Redirect::to(&format!("/kontrakter/{contract}/evaluering#plan")).into_response(),
            )
        }
        Ok(Err(problems)) => (problems, None),
        Err(e) => (Vec::new(), Some(super::refusal(e)?)),
    };
    contract_page(&viewer, &headers, &access, contract, |page| {
        page.plan_text = text;
        page.reason = reason;
        page.errors = refused.0.into_iter().collect();
        page.error = refused.1;
    })
    .await
}

/// `POST /kontrakter/{id}/evaluering/kjoringer`: the evaluator runs the evaluation.
pub async fn run(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    let access = viewer.evaluation(&state.app)?;
    super::form_csrf(&viewer, &form)?;
    let contract = super::path_id(&raw)?;
    let label = match form.get("merking").map(String::as_str) {
        Some("FINAL") => Some(RunLabel::Final),
        Some("INTERIM") | None => Some(RunLabel::Interim),
        Some(_) => None,
    };
    let snapshot = match form.get("uttrekk").map(|s| s.trim()) {
        None | Some("") => Ok(None),
        Some(s) => s.parse::<i64>().map(Some).map_err(|_| ()),
    };
    let outcome = match (label, snapshot) {
        (Some(label), Ok(snapshot)) => {
            match access.run(ContractId(contract), snapshot, label).await {
                Ok(Ok(id)) => {
                    return Ok(Redirect::to(&format!("/evalueringer/{id}")).into_response())
                }
                Ok(Err(why)) => why,
                Err(e) => super::refusal(e)?,
            }
        }
        _ => "Velg et registeruttrekk og foreløpig eller endelig.".to_owned(),
    };
    contract_page(&viewer, &headers, &access, contract, |page| {
        page.error = Some(outcome)
    })
    .await
}

async fn run_page(
    viewer: &Viewer,
    headers: &HeaderMap,
    access: &EvaluationAccess,
    run: i64,
    error: Option<String>,
) -> Result<Response, PageError> {
    let r = access.run_view(run).await?;
    let mut chrome = Chrome::new(
        super::lang(headers),
        "eval-report",
        Some(viewer),
        "/kontrakter",
    );
    chrome.title = format!("{} {} – {}", chrome.title, r.quarter, r.contract_name);
    let refused = error.is_some();
    Ok(views::html_refused(
        &RunPage::new(chrome, viewer.csrf_token(), r, error),
        refused,
    ))
}

/// `GET /evalueringer/{run}`
pub async fn show_run(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let access = viewer.evaluation(&state.app)?;
    run_page(&viewer, &headers, &access, super::path_id(&raw)?, None).await
}

/// `POST /evalueringer/{run}/publiser`
pub async fn publish(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    let access = viewer.evaluation(&state.app)?;
    super::form_csrf(&viewer, &form)?;
    let run = super::path_id(&raw)?;
    match access.publish(run).await {
        Ok(()) => Ok(Redirect::to(&format!("/evalueringer/{run}")).into_response()),
        Err(e) => {
            let why = super::refusal(e)?;
            run_page(&viewer, &headers, &access, run, Some(why)).await
        }
    }
}

/// `POST /evalueringer/{run}/sertifiser`: the evaluator certifies one figure from the run.
pub async fn certify(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    let access = viewer.evaluation(&state.app)?;
    super::form_csrf(&viewer, &form)?;
    let run = super::path_id(&raw)?;
    let field = |k: &str| form.get(k).cloned().unwrap_or_default();
    match access
        .certify_from_run(run, &field("tall"), &field("kohort"))
        .await
    {
        Ok(()) => {
            let contract = access.run_view(run).await?.contract;
            Ok(Redirect::to(&format!("/kontrakter/{contract}#tall")).into_response())
        }
        Err(e) => {
            let why = super::refusal(e)?;
            run_page(&viewer, &headers, &access, run, Some(why)).await
        }
    }
}

/// `GET /evalueringer/{run}/{file}`: the microdata, `mikrodata.csv` or `mikrodata.parquet`.
pub async fn microdata(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((raw, file)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let access = viewer.evaluation(&state.app)?;
    let run = super::path_id(&raw)?;
    let parquet = match file.as_str() {
        "mikrodata.csv" => false,
        "mikrodata.parquet" => true,
        _ => return Err(effekt_app::AppError::NotFound.into()),
    };
    let data = access.microdata(run).await?;
    let (bytes, kind) = if parquet {
        let path = std::env::temp_dir().join(format!(
            "effekt-mikrodata-{}-{run}.parquet",
            std::process::id()
        ));
        let written = data.write_parquet(&path);
        let bytes = written
            .map_err(|e| e.to_string())
            .and_then(|()| std::fs::read(&path).map_err(|e| e.to_string()));
        let _ = std::fs::remove_file(&path);
        (
            bytes.map_err(effekt_app::AppError::Refused)?,
            "application/vnd.apache.parquet",
        )
    } else {
        (
            data.csv()
                .map_err(|e| effekt_app::AppError::Refused(e.to_string()))?,
            "text/csv; charset=utf-8",
        )
    };
    Ok((
        [
            (header::CONTENT_TYPE, kind.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"evaluering-{run}-{file}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}
