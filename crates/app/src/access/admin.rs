//! Configuration, imports (`importing`) and the audit export: the administrator's. Imports
//! and exports are recorded in the operations log with who ran them.

use crate::audit;
use crate::views::{ConfigurationRow, ConfigurationView};
use crate::{App, AppError, Viewer};

/// How the web face was started, as far as the configuration page reports it.
#[derive(Debug, Clone, Copy, Default)]
pub struct HttpSettings {
    pub secure_cookies: bool,
    pub client_address_header: bool,
    pub internal_listen: bool,
}

/// Configuration, imports and the audit export.
pub struct AdminAccess {
    pub(super) app: App,
    pub(super) viewer: Viewer,
}

impl AdminAccess {
    pub(crate) fn new(app: App, viewer: Viewer) -> Self {
        Self { app, viewer }
    }

    /// What effekt runs with, and what is not set as production needs it. `http` is what the
    /// web face was started with.
    pub async fn configuration(&self, http: &HttpSettings) -> Result<ConfigurationView, AppError> {
        use effekt_domain::mode::Mode;
        let mode = self.app.mode();
        let backend = self.app.store.backend();
        let deadlines = self.app.deadlines();
        let snapshots = self.app.store.register_snapshots().await?;
        let newest = snapshots.iter().max_by_key(|s| s.id);
        let yes_no = |b: bool| if b { "ja" } else { "nei" }.to_owned();
        let row = |label: &str, value: String, source: &str| ConfigurationRow {
            label: label.to_owned(),
            value,
            source: source.to_owned(),
        };
        let rows = vec![
            row("Modus", mode.to_string(), "EFFEKT_MODE"),
            row(
                "Database",
                match backend {
                    effekt_store::Backend::Sqlite => "SQLite (innebygd, én fil)".into(),
                    effekt_store::Backend::Postgres => "PostgreSQL".into(),
                },
                "DATABASE_URL",
            ),
            row("effekt-versjon", env!("CARGO_PKG_VERSION").into(), "bygget"),
            row(
                "Databaseskjema",
                format!("migrering {}", effekt_store::schema_version()),
                "kjøres ved oppstart",
            ),
            row(
                "Nyeste registeruttrekk",
                newest.map_or("ingen".into(), |s| {
                    format!(
                        "{} (til {})",
                        s.key,
                        effekt_domain::dates::date_nb(s.cutoff)
                    )
                }),
                "effekt register import",
            ),
            row(
                "Pseudonymnøkkel",
                if self.app.pseudonyms().is_ok() {
                    "satt (vises aldri)"
                } else {
                    "mangler"
                }
                .into(),
                "EFFEKT_PSEUDONYM_KEY",
            ),
            row(
                "Frist for å beregne en periode",
                format!("{} dager", deadlines.compute_within_days),
                "EFFEKT_COMPUTE_WITHIN_DAYS",
            ),
            row(
                "Frist for å betale et godkjent oppgjør",
                format!("{} dager", deadlines.pay_within_days),
                "EFFEKT_PAY_WITHIN_DAYS",
            ),
            row(
                "Økter varer",
                format!("{} timer", crate::accounts::SESSION_HOURS),
                "fast",
            ),
            row(
                "Låsing etter mislykkede innlogginger",
                format!(
                    "{} forsøk på {} minutter",
                    crate::accounts::MAX_FAILURES,
                    crate::accounts::THROTTLE_MINUTES
                ),
                "fast",
            ),
            row(
                "Secure-informasjonskapsler",
                yes_no(http.secure_cookies),
                "EFFEKT_SECURE_COOKIES",
            ),
            row(
                "Klientadresse fra mellomtjener",
                yes_no(http.client_address_header),
                "EFFEKT_CLIENT_ADDRESS_HEADER",
            ),
            row(
                "Egen adresse for /internal",
                yes_no(http.internal_listen),
                "EFFEKT_INTERNAL_LISTEN",
            ),
        ];
        let mut gaps = Vec::new();
        if mode != Mode::Production {
            gaps.push(format!("Modus er «{mode}»: syntetiske data og demo-kontoer er tillatt. Sett EFFEKT_MODE=production."));
        }
        if backend == effekt_store::Backend::Sqlite {
            gaps.push(
                "Databasen er SQLite. Produksjon bruker PostgreSQL (DATABASE_URL=postgres://…)."
                    .into(),
            );
        }
        if !http.secure_cookies {
            gaps.push("Informasjonskapslene er ikke merket Secure; bak TLS skal de være det (EFFEKT_SECURE_COOKIES).".into());
        }
        if !http.client_address_header {
            gaps.push("Bak en mellomtjener ser effekt bare mellomtjenerens adresse, og innloggingssperren per klient blir felles for alle. Sett EFFEKT_CLIENT_ADDRESS_HEADER.".into());
        }
        if !http.internal_listen {
            gaps.push("Helse og målinger (/internal) svarer på hovedadressen. Sett EFFEKT_INTERNAL_LISTEN.".into());
        }
        if newest.is_none() {
            gaps.push("Ingen registeruttrekk er importert; resultater kan ikke beregnes.".into());
        }
        Ok(ConfigurationView { rows, gaps })
    }

    /// The audit log as CEF lines, oldest first: reads of personal data, operations (this
    /// export included), statement steps and amendment decisions.
    pub async fn audit_cef(&self) -> Result<Vec<String>, AppError> {
        let op = audit::operation(&self.app, &self.viewer, "audit.export", "audit-log".into());
        self.app.store.append_operation(&op).await?;
        audit::cef_lines(&self.app).await
    }
}
