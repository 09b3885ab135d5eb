//! The one SQL implementation of [`crate::Store`], expanded once per database by
//! [`impl_store!`]. Every statement here runs unchanged on SQLite and PostgreSQL: `$n`
//! placeholders, `LIMIT/OFFSET`, `ON CONFLICT`, `RETURNING`, and only types both carry exactly
//! (BIGINT, TEXT, BOOLEAN, dates, timestamps). Dialect differences live in the store files.

use effekt_domain::ids::ParticipantId;
use effekt_domain::national_id::NationalId;
use effekt_domain::participant::{EndReason, Ended, ParticipantStatus, StatusPeriod};
use effekt_domain::person::{IdHistory, IdRecord, Person, Protection};
use effekt_domain::role::Role;

use crate::error::{corrupt, Result};
use crate::model::{ParticipantQuery, ParticipantScope, SortDirection, SortKey, UserScope};

/// Lists count their matches exactly up to this many (more when a later page is asked for).
pub(crate) const COUNT_CAP: i64 = 1000;

/// The most groups offered as a list filter; a scope with more is offered the first ones.
pub(crate) const MAX_GROUPS: usize = 200;

/// A bind parameter for dynamically built queries.
pub(crate) enum Param {
    I64(i64),
    Text(String),
}

/// WHERE clause and parameters for a participant scope, numbering from `next`.
pub(crate) fn scope_clause(scope: ParticipantScope, next: usize) -> (String, Param) {
    match scope {
        ParticipantScope::NavOffice(o) => (format!("pt.nav_office_id = ${next}"), Param::I64(o.0)),
        ParticipantScope::Provider(p) => (format!("pt.provider_id = ${next}"), Param::I64(p.0)),
        ParticipantScope::Contract(c) => (format!("pt.contract_id = ${next}"), Param::I64(c.0)),
    }
}

/// Matches the search pattern (`$n`) against the participant's list key (empty for protected
/// persons) and, only for staff assigned to that participant (`$1`), against the protected
/// person's own search text. Everything is on `participants`, so non-matching rows cost no joins.
fn search_condition(n: usize) -> String {
    format!(
        "(pt.list_sort_key LIKE ${n} ESCAPE '\\' OR (pt.protected_search_text LIKE ${n} ESCAPE '\\' \
         AND EXISTS (SELECT 1 FROM staff_assignments sa2 \
         WHERE sa2.participant_id = pt.id AND sa2.user_id = $1)))"
    )
}

pub(crate) const LIST_FROM: &str = "FROM participants pt \
     JOIN persons pr ON pr.key = pt.person_key \
     JOIN providers pv ON pv.id = pt.provider_id \
     JOIN nav_offices nav ON nav.id = pt.nav_office_id \
     LEFT JOIN participant_groups g ON g.id = pt.group_id \
     LEFT JOIN staff_assignments sa ON sa.participant_id = pt.id AND sa.user_id = $1";

/// The filter part of the participant list ($1 is the viewer), with its parameters. It only
/// refers to `participants pt`, so counting needs no joins.
pub(crate) fn list_filter(scope: ParticipantScope, q: &ParticipantQuery) -> (String, Vec<Param>) {
    let (scope_sql, scope_param) = scope_clause(scope, 2);
    let mut clauses = vec![scope_sql];
    let mut params = vec![scope_param];
    if let Some(term) = q.search.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let escaped = term
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        params.push(Param::Text(format!("%{escaped}%")));
        clauses.push(search_condition(params.len() + 1));
    }
    if let Some(status) = q.status {
        params.push(Param::Text(status.code().to_owned()));
        clauses.push(format!("pt.current_status = ${}", params.len() + 1));
    }
    if let Some(group) = q.group {
        params.push(Param::I64(group.0));
        clauses.push(format!("pt.group_id = ${}", params.len() + 1));
    }
    (clauses.join(" AND "), params)
}

pub(crate) fn list_order(q: &ParticipantQuery) -> String {
    let dir = match q.direction {
        SortDirection::Ascending => "ASC",
        SortDirection::Descending => "DESC",
    };
    let key = match q.sort {
        SortKey::Name => "pt.list_sort_key".to_owned(),
        SortKey::Status => "pt.current_status".to_owned(),
        SortKey::StartDate => "COALESCE(pt.index_date, '9999-12-31')".to_owned(),
        SortKey::Group => "COALESCE(g.name, '')".to_owned(),
    };
    format!("ORDER BY {key} {dir}, pt.id {dir}")
}

/// Lower-cased name plus every national id held: what list search matches against.
pub(crate) fn search_text(family: &str, given: &str, ids: &IdHistory) -> String {
    let mut s = format!("{} {}", family.to_lowercase(), given.to_lowercase());
    for r in ids.records() {
        s.push(' ');
        s.push_str(&r.national_id.to_string());
    }
    s
}

pub(crate) fn person_search_text(p: &Person) -> String {
    search_text(&p.family_name, &p.given_name, &p.ids)
}

/// The list order key of a person's enrolments: protected persons sort as if nameless.
/// `(list_sort_key, protected_search_text)` of a person's enrolments: the search text goes to
/// the first for everyone else and to the second for protected persons.
pub(crate) fn list_keys(p: &Person) -> (String, String) {
    if p.protection.is_protected() {
        (String::new(), person_search_text(p))
    } else {
        (person_search_text(p), String::new())
    }
}

/// Statement that refreshes the list keys of one person's enrolments ($1 = person key).
pub(crate) const REFRESH_SORT_KEY: &str = "UPDATE participants SET \
     list_sort_key = (SELECT CASE WHEN pr.protection = 'NONE' THEN pr.search_text ELSE '' END \
         FROM persons pr WHERE pr.key = participants.person_key), \
     protected_search_text = (SELECT CASE WHEN pr.protection = 'NONE' THEN '' ELSE pr.search_text END \
         FROM persons pr WHERE pr.key = participants.person_key) \
     WHERE person_key = $1";

pub(crate) fn protection(code: &str) -> Result<Protection> {
    Protection::from_code(code).ok_or_else(|| corrupt(format!("protection {code:?}")))
}

pub(crate) fn status(code: &str) -> Result<ParticipantStatus> {
    ParticipantStatus::from_code(code).ok_or_else(|| corrupt(format!("status {code:?}")))
}

pub(crate) fn status_period(
    code: &str,
    reason: Option<String>,
    description: Option<String>,
    valid_from: chrono::NaiveDate,
    valid_to: Option<chrono::NaiveDate>,
) -> Result<StatusPeriod> {
    let ended = match reason {
        None => None,
        Some(r) => Some(Ended {
            reason: EndReason::from_code(&r).ok_or_else(|| corrupt(format!("end reason {r:?}")))?,
            description,
        }),
    };
    Ok(StatusPeriod {
        status: status(code)?,
        ended,
        valid_from,
        valid_to,
    })
}

pub(crate) fn id_record(national_id: &str, valid_from: chrono::NaiveDate) -> Result<IdRecord> {
    Ok(IdRecord {
        national_id: NationalId::parse(national_id).map_err(corrupt)?,
        valid_from,
    })
}

pub(crate) fn user_scope(
    role: Role,
    office: Option<i64>,
    provider: Option<i64>,
    investor: Option<i64>,
) -> UserScope {
    use effekt_domain::ids::{InvestorId, NavOfficeId, ProviderId};
    match (role, office, provider, investor) {
        (Role::NavCaseOfficer, Some(o), _, _) => UserScope::NavOffice(NavOfficeId(o)),
        (Role::ProviderStaff | Role::ProviderAdmin, _, Some(p), _) => {
            UserScope::Provider(ProviderId(p))
        }
        (Role::Investor, _, _, Some(i)) => UserScope::Investor(InvestorId(i)),
        _ => UserScope::None,
    }
}

pub(crate) fn scope_columns(scope: UserScope) -> (Option<i64>, Option<i64>, Option<i64>) {
    match scope {
        UserScope::None => (None, None, None),
        UserScope::NavOffice(o) => (Some(o.0), None, None),
        UserScope::Provider(p) => (None, Some(p.0), None),
        UserScope::Investor(i) => (None, None, Some(i.0)),
    }
}

/// Whether a household member's enrolment lies in the viewer's scope.
pub(crate) fn in_scope(scope: ParticipantScope, contract: i64, provider: i64, office: i64) -> bool {
    match scope {
        ParticipantScope::NavOffice(o) => o.0 == office,
        ParticipantScope::Provider(p) => p.0 == provider,
        ParticipantScope::Contract(c) => c.0 == contract,
    }
}

pub(crate) fn participant_id(id: i64) -> ParticipantId {
    ParticipantId(id)
}

/// Implements [`crate::Store`] for `$store` (a struct with a `pool: sqlx::Pool<$db>` field).
/// Dialect hooks: `Self::after_bulk_insert(&mut tx)` runs before a bulk insert commits and
/// `self.after_bulk_commit()` after.
macro_rules! impl_store {
    ($store:ty, $db:ty, $backend:expr, $migrator:path) => {
        const _: () = {
            use async_trait::async_trait;
            use chrono::{DateTime, NaiveDate, Utc};
            use effekt_domain::dataset::Dataset;
            use effekt_domain::ids::*;
            use effekt_domain::national_id::NationalId;
            use effekt_domain::organisation::MembershipKind;
            use effekt_domain::participant::StatusHistory;
            use effekt_domain::person::{IdHistory, Protection};
            use effekt_domain::role::Role;
            use sqlx::{QueryBuilder, Row};

            use $crate::error::{corrupt, Result, StoreError};
            use $crate::model::*;
            use $crate::sql_impl::{self as s, Param};
            use $crate::{Backend, Store};

            const BATCH: usize = 500;

            macro_rules! bulk {
                ($tx:expr, $head:expr, $items:expr, |$b:ident, $x:ident| $body:block) => {
                    for chunk in $items.chunks(BATCH) {
                        let mut qb = QueryBuilder::<$db>::new($head);
                        qb.push_values(chunk, |mut $b, $x| $body);
                        qb.build().execute(&mut *$tx).await?;
                    }
                };
            }

            fn bind_all<'q>(
                mut q: sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>>,
                params: Vec<Param>,
            ) -> sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>> {
                for p in params {
                    q = match p {
                        Param::I64(v) => q.bind(v),
                        Param::Text(t) => q.bind(t),
                    };
                }
                q
            }

            fn user_from_row(row: &<$db as sqlx::Database>::Row) -> Result<UserRecord> {
                let role_code: String = row.try_get("role")?;
                let role = Role::from_code(&role_code)
                    .ok_or_else(|| corrupt(format!("role {role_code:?}")))?;
                Ok(UserRecord {
                    id: UserId(row.try_get("id")?),
                    username: row.try_get("username")?,
                    display_name: row.try_get("display_name")?,
                    password_hash: row.try_get("password_hash")?,
                    role,
                    scope: s::user_scope(
                        role,
                        row.try_get("nav_office_id")?,
                        row.try_get("provider_id")?,
                        row.try_get("investor_id")?,
                    ),
                    active: row.try_get("active")?,
                })
            }

            const USER_COLUMNS: &str = "id, username, display_name, password_hash, role, \
                 nav_office_id, provider_id, investor_id, active";

            impl $store {
                /// Applies the first `n` migrations only; for the upgrade test.
                pub async fn migrate_first(&self, n: usize) -> Result<()> {
                    $crate::first_migrations(&$migrator, n).run(&self.pool).await?;
                    Ok(())
                }

                /// Applies every pending migration.
                pub async fn migrate(&self) -> Result<()> {
                    $migrator.run(&self.pool).await?;
                    Ok(())
                }

                /// A raw statement; for tests that break the store on purpose.
                pub async fn execute_raw(&self, sql: &str) -> Result<()> {
                    sqlx::raw_sql(sql).execute(&self.pool).await?;
                    Ok(())
                }

                async fn id_history(&self, person: i64) -> Result<IdHistory> {
                    let rows = sqlx::query(
                        "SELECT national_id, valid_from FROM person_ids \
                         WHERE person_key = $1 ORDER BY valid_from, national_id",
                    )
                    .bind(person)
                    .fetch_all(&self.pool)
                    .await?;
                    let records = rows
                        .iter()
                        .map(|r| s::id_record(&r.try_get::<String, _>(0)?, r.try_get(1)?))
                        .collect::<Result<Vec<_>>>()?;
                    IdHistory::new(records).map_err(corrupt)
                }

                async fn status_history(&self, participant: i64) -> Result<StatusHistory> {
                    let rows = sqlx::query(
                        "SELECT status, end_reason, description, valid_from, valid_to \
                         FROM participant_statuses WHERE participant_id = $1 ORDER BY seq",
                    )
                    .bind(participant)
                    .fetch_all(&self.pool)
                    .await?;
                    let periods = rows
                        .iter()
                        .map(|r| {
                            s::status_period(
                                &r.try_get::<String, _>(0)?,
                                r.try_get(1)?,
                                r.try_get(2)?,
                                r.try_get(3)?,
                                r.try_get(4)?,
                            )
                        })
                        .collect::<Result<Vec<_>>>()?;
                    StatusHistory::new(periods).map_err(corrupt)
                }
            }

            #[async_trait]
            impl Store for $store {
                fn backend(&self) -> Backend {
                    $backend
                }

                async fn ping(&self) -> Result<()> {
                    sqlx::query("SELECT 1").execute(&self.pool).await?;
                    Ok(())
                }

                async fn is_empty(&self) -> Result<bool> {
                    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM contracts")
                        .fetch_one(&self.pool)
                        .await?;
                    Ok(n == 0)
                }

                async fn insert_dataset(&self, data: &Dataset) -> Result<()> {
                    let mut tx = self.pool.begin().await?;
                    bulk!(tx, "INSERT INTO nav_offices (id, unit_number, name) ", data.nav_offices, |b, o| {
                        b.push_bind(o.id.0).push_bind(o.unit_number.as_str()).push_bind(o.name.as_str());
                    });
                    bulk!(tx, "INSERT INTO providers (id, orgnr, name, kind) ", data.providers, |b, p| {
                        b.push_bind(p.id.0).push_bind(p.orgnr.as_str()).push_bind(p.name.as_str())
                            .push_bind(p.kind.code());
                    });
                    bulk!(tx, "INSERT INTO investors (id, orgnr, name, kind) ", data.investors, |b, i| {
                        b.push_bind(i.id.0).push_bind(i.orgnr.as_str()).push_bind(i.name.as_str())
                            .push_bind(i.kind.code());
                    });
                    bulk!(tx, "INSERT INTO contracts (id, name, starts, ends, target_cohort) ", data.contracts, |b, c| {
                        b.push_bind(c.id.0).push_bind(c.name.as_str()).push_bind(c.starts)
                            .push_bind(c.ends).push_bind(i64::from(c.target_cohort));
                    });
                    bulk!(tx, "INSERT INTO contract_nav_offices (contract_id, nav_office_id) ", data.contract_offices, |b, x| {
                        b.push_bind(x.0 .0).push_bind(x.1 .0);
                    });
                    bulk!(tx, "INSERT INTO consortium_members (contract_id, provider_id, is_lead, sub_delivery) ", data.consortium, |b, m| {
                        b.push_bind(m.contract.0).push_bind(m.provider.0).push_bind(m.is_lead)
                            .push_bind(m.sub_delivery.as_str());
                    });
                    bulk!(tx, "INSERT INTO commitments (contract_id, investor_id, amount_ore) ", data.commitments, |b, c| {
                        b.push_bind(c.contract.0).push_bind(c.investor.0).push_bind(c.amount.ore());
                    });
                    bulk!(tx, "INSERT INTO participant_groups (id, contract_id, provider_id, name) ", data.groups, |b, g| {
                        b.push_bind(g.id.0).push_bind(g.contract.0).push_bind(g.provider.0)
                            .push_bind(g.name.as_str());
                    });
                    bulk!(tx, "INSERT INTO persons (key, given_name, family_name, birth_date, country_of_birth, address, phone, protection, search_text) ", data.persons, |b, p| {
                        b.push_bind(p.key.0).push_bind(p.given_name.as_str())
                            .push_bind(p.family_name.as_str()).push_bind(p.birth_date)
                            .push_bind(p.country_of_birth.as_str()).push_bind(p.address.as_deref())
                            .push_bind(p.phone.as_deref()).push_bind(p.protection.code())
                            .push_bind(s::person_search_text(p));
                    });
                    let ids: Vec<(i64, &effekt_domain::person::IdRecord)> = data
                        .persons
                        .iter()
                        .flat_map(|p| p.ids.records().iter().map(move |r| (p.key.0, r)))
                        .collect();
                    bulk!(tx, "INSERT INTO person_ids (person_key, national_id, kind, valid_from) ", ids, |b, x| {
                        b.push_bind(x.0).push_bind(x.1.national_id.to_string())
                            .push_bind(x.1.national_id.kind().code()).push_bind(x.1.valid_from);
                    });
                    bulk!(tx, "INSERT INTO households (id, name) ", data.households, |b, h| {
                        b.push_bind(h.id.0).push_bind(h.name.as_str());
                    });
                    bulk!(tx, "INSERT INTO household_members (household_id, person_key, kind, valid_from, valid_to) ", data.memberships, |b, m| {
                        b.push_bind(m.household.0).push_bind(m.person.0).push_bind(m.kind.code())
                            .push_bind(m.valid_from).push_bind(m.valid_to);
                    });
                    let list_keys: std::collections::HashMap<i64, (String, String)> = data
                        .persons
                        .iter()
                        .map(|p| (p.key.0, s::list_keys(p)))
                        .collect();
                    bulk!(tx, "INSERT INTO participants (id, person_key, contract_id, provider_id, nav_office_id, group_id, household_id, current_status, index_date, list_sort_key, protected_search_text) ", data.participants, |b, p| {
                        b.push_bind(p.id.0).push_bind(p.person.0).push_bind(p.contract.0)
                            .push_bind(p.provider.0).push_bind(p.nav_office.0)
                            .push_bind(p.group.map(|g| g.0)).push_bind(p.household.map(|h| h.0))
                            .push_bind(p.statuses.current().status.code())
                            .push_bind(p.statuses.index_date())
                            .push_bind(list_keys.get(&p.person.0).map(|k| k.0.clone()).unwrap_or_default())
                            .push_bind(list_keys.get(&p.person.0).map(|k| k.1.clone()).unwrap_or_default());
                    });
                    let statuses: Vec<(i64, i64, &effekt_domain::participant::StatusPeriod)> = data
                        .participants
                        .iter()
                        .flat_map(|p| {
                            p.statuses.periods().iter().enumerate()
                                .map(move |(i, s)| (p.id.0, i64::try_from(i).unwrap_or(i64::MAX), s))
                        })
                        .collect();
                    bulk!(tx, "INSERT INTO participant_statuses (participant_id, seq, status, end_reason, description, valid_from, valid_to) ", statuses, |b, x| {
                        let ended = x.2.ended.as_ref();
                        b.push_bind(x.0).push_bind(x.1).push_bind(x.2.status.code())
                            .push_bind(ended.map(|e| e.reason.code()))
                            .push_bind(ended.and_then(|e| e.description.clone()))
                            .push_bind(x.2.valid_from).push_bind(x.2.valid_to);
                    });
                    Self::after_bulk_insert(&mut tx).await?;
                    tx.commit().await?;
                    self.after_bulk_commit().await?;
                    Ok(())
                }

                async fn create_user(&self, user: &NewUser) -> Result<UserId> {
                    let (office, provider, investor) = s::scope_columns(user.scope);
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO users (username, display_name, password_hash, role, \
                         nav_office_id, provider_id, investor_id, active) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                    )
                    .bind(&user.username)
                    .bind(&user.display_name)
                    .bind(&user.password_hash)
                    .bind(user.role.code())
                    .bind(office)
                    .bind(provider)
                    .bind(investor)
                    .bind(true)
                    .fetch_one(&self.pool)
                    .await
                    .map_err(|e| match &e {
                        sqlx::Error::Database(d) if d.is_unique_violation() => {
                            StoreError::Conflict(format!("user {:?} exists", user.username))
                        }
                        _ => StoreError::Database(e),
                    })?;
                    Ok(UserId(id))
                }

                async fn assign_staff(&self, user: UserId, participant: ParticipantId) -> Result<()> {
                    sqlx::query(
                        "INSERT INTO staff_assignments (user_id, participant_id) VALUES ($1, $2) \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(user.0)
                    .bind(participant.0)
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                }

                async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>> {
                    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1"))
                        .bind(username)
                        .fetch_optional(&self.pool)
                        .await?;
                    row.as_ref().map(user_from_row).transpose()
                }

                async fn user_by_id(&self, id: UserId) -> Result<Option<UserRecord>> {
                    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
                        .bind(id.0)
                        .fetch_optional(&self.pool)
                        .await?;
                    row.as_ref().map(user_from_row).transpose()
                }

                async fn users(&self) -> Result<Vec<UserRecord>> {
                    let rows = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY id"))
                        .fetch_all(&self.pool)
                        .await?;
                    rows.iter().map(user_from_row).collect()
                }

                async fn create_session(
                    &self,
                    token_hash: &str,
                    user: UserId,
                    csrf_token: &str,
                    now: DateTime<Utc>,
                    expires_at: DateTime<Utc>,
                ) -> Result<()> {
                    sqlx::query(
                        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(token_hash)
                    .bind(user.0)
                    .bind(csrf_token)
                    .bind(now)
                    .bind(expires_at)
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                }

                async fn session(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<SessionRecord>> {
                    let row = sqlx::query(
                        "SELECT user_id, csrf_token, expires_at FROM sessions WHERE token_hash = $1",
                    )
                    .bind(token_hash)
                    .fetch_optional(&self.pool)
                    .await?;
                    let Some(row) = row else { return Ok(None) };
                    let record = SessionRecord {
                        user_id: UserId(row.try_get(0)?),
                        csrf_token: row.try_get(1)?,
                        expires_at: row.try_get(2)?,
                    };
                    Ok((record.expires_at > now).then_some(record))
                }

                async fn delete_session(&self, token_hash: &str) -> Result<()> {
                    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                        .bind(token_hash)
                        .execute(&self.pool)
                        .await?;
                    Ok(())
                }

                async fn record_login_failure(&self, username: &str, at: DateTime<Utc>) -> Result<()> {
                    sqlx::query("INSERT INTO login_failures (username, at) VALUES ($1, $2)")
                        .bind(username)
                        .bind(at)
                        .execute(&self.pool)
                        .await?;
                    Ok(())
                }

                async fn login_failures_since(&self, username: &str, since: DateTime<Utc>) -> Result<u64> {
                    // Compared in Rust: SQLite keeps timestamps as text of varying precision.
                    let times: Vec<DateTime<Utc>> =
                        sqlx::query_scalar("SELECT at FROM login_failures WHERE username = $1")
                            .bind(username)
                            .fetch_all(&self.pool)
                            .await?;
                    Ok(times.iter().filter(|t| **t >= since).count() as u64)
                }

                async fn clear_login_failures(&self, username: &str) -> Result<()> {
                    sqlx::query("DELETE FROM login_failures WHERE username = $1")
                        .bind(username)
                        .execute(&self.pool)
                        .await?;
                    Ok(())
                }

                async fn contracts(&self) -> Result<Vec<ContractRow>> {
                    let rows = sqlx::query(
                        "SELECT id, name, starts, ends, target_cohort FROM contracts ORDER BY id",
                    )
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            Ok(ContractRow {
                                id: ContractId(r.try_get(0)?),
                                name: r.try_get(1)?,
                                starts: r.try_get(2)?,
                                ends: r.try_get(3)?,
                                target_cohort: u32::try_from(r.try_get::<i64, _>(4)?)
                                    .map_err(corrupt)?,
                            })
                        })
                        .collect()
                }

                async fn groups(&self, scope: ParticipantScope) -> Result<Vec<GroupRow>> {
                    let (clause, param) = s::scope_clause(scope, 1);
                    let sql = format!(
                        "SELECT g.id, g.name, pv.name FROM participant_groups g \
                         JOIN providers pv ON pv.id = g.provider_id \
                         WHERE EXISTS (SELECT 1 FROM participants pt WHERE pt.group_id = g.id AND {clause}) \
                         ORDER BY g.name, g.id LIMIT {}",
                        s::MAX_GROUPS
                    );
                    let rows = bind_all(sqlx::query(&sql), vec![param]).fetch_all(&self.pool).await?;
                    rows.iter()
                        .map(|r| {
                            Ok(GroupRow {
                                id: GroupId(r.try_get(0)?),
                                name: r.try_get(1)?,
                                provider_name: r.try_get(2)?,
                            })
                        })
                        .collect()
                }

                async fn list_participants(
                    &self,
                    scope: ParticipantScope,
                    query: &ParticipantQuery,
                    viewer: UserId,
                ) -> Result<Page<ParticipantRow>> {
                    let (filter, params) = s::list_filter(scope, query);
                    let per_page = query.per_page.clamp(1, 200);
                    let page = query.page.max(1);
                    let offset = i64::from(page - 1) * i64::from(per_page);
                    // Count exactly up to a cap that always lies beyond the requested page, so
                    // that a large scope costs a bounded scan and "next page" stays right.
                    let cap = (offset + 2 * i64::from(per_page)).max(s::COUNT_CAP);
                    let count_sql = format!(
                        "SELECT COUNT(*) FROM (SELECT 1 FROM participants pt WHERE {filter} LIMIT {}) capped",
                        cap + 1
                    );
                    let mut count_params = vec![Param::I64(viewer.0)];
                    count_params.extend(s::list_filter(scope, query).1);
                    let counted: i64 = {
                        let row = bind_all(sqlx::query(&count_sql), count_params)
                            .fetch_one(&self.pool)
                            .await?;
                        row.try_get(0)?
                    };
                    let total_exact = counted <= cap;
                    let total = counted.min(cap);
                    let n = params.len() + 2;
                    let sql = format!(
                        "SELECT pt.id, pt.person_key, pr.given_name, pr.family_name, pr.protection, \
                         (SELECT pi.national_id FROM person_ids pi WHERE pi.person_key = pr.key \
                          ORDER BY pi.valid_from DESC, pi.national_id DESC LIMIT 1) AS national_id, \
                         (sa.user_id IS NOT NULL) AS viewer_assigned, pt.current_status, \
                         g.name AS group_name, pv.name AS provider_name, nav.name AS office_name, \
                         pt.index_date {} WHERE {filter} {} LIMIT ${n} OFFSET ${}",
                        s::LIST_FROM,
                        s::list_order(query),
                        n + 1
                    );
                    let mut all = vec![Param::I64(viewer.0)];
                    all.extend(params);
                    all.push(Param::I64(i64::from(per_page)));
                    all.push(Param::I64(offset));
                    let rows = bind_all(sqlx::query(&sql), all).fetch_all(&self.pool).await?;
                    let items = rows
                        .iter()
                        .map(|r| {
                            Ok(ParticipantRow {
                                id: ParticipantId(r.try_get(0)?),
                                person: PersonKey(r.try_get(1)?),
                                given_name: r.try_get(2)?,
                                family_name: r.try_get(3)?,
                                protection: s::protection(&r.try_get::<String, _>(4)?)?,
                                national_id: r.try_get::<Option<String>, _>(5)?.unwrap_or_default(),
                                viewer_assigned: r.try_get(6)?,
                                status: s::status(&r.try_get::<String, _>(7)?)?,
                                group_name: r.try_get(8)?,
                                provider_name: r.try_get(9)?,
                                nav_office_name: r.try_get(10)?,
                                index_date: r.try_get(11)?,
                            })
                        })
                        .collect::<Result<Vec<_>>>()?;
                    Ok(Page {
                        items,
                        total: u64::try_from(total).map_err(corrupt)?,
                        total_exact,
                        page,
                        per_page,
                    })
                }

                async fn participant(
                    &self,
                    scope: ParticipantScope,
                    id: ParticipantId,
                    viewer: UserId,
                ) -> Result<Option<ParticipantDetail>> {
                    let (clause, scope_param) = s::scope_clause(scope, 3);
                    let sql = format!(
                        "SELECT pt.id, pt.person_key, pt.contract_id, pr.given_name, pr.family_name, \
                         pr.birth_date, pr.country_of_birth, pr.address, pr.phone, pr.protection, \
                         (sa.user_id IS NOT NULL) AS viewer_assigned, pv.name, nav.name, g.name, \
                         h.id, h.name \
                         FROM participants pt \
                         JOIN persons pr ON pr.key = pt.person_key \
                         JOIN providers pv ON pv.id = pt.provider_id \
                         JOIN nav_offices nav ON nav.id = pt.nav_office_id \
                         LEFT JOIN participant_groups g ON g.id = pt.group_id \
                         LEFT JOIN households h ON h.id = pt.household_id \
                         LEFT JOIN staff_assignments sa ON sa.participant_id = pt.id AND sa.user_id = $1 \
                         WHERE pt.id = $2 AND {clause}"
                    );
                    let row = bind_all(
                        sqlx::query(&sql),
                        vec![Param::I64(viewer.0), Param::I64(id.0), scope_param],
                    )
                    .fetch_optional(&self.pool)
                    .await?;
                    let Some(r) = row else { return Ok(None) };
                    let person: i64 = r.try_get(1)?;
                    let contract: i64 = r.try_get(2)?;
                    let household_id: Option<i64> = r.try_get(14)?;
                    let household_name: Option<String> = r.try_get(15)?;
                    let mut members = Vec::new();
                    if let Some(h) = household_id {
                        let rows = sqlx::query(
                            "SELECT hm.person_key, pr.given_name, pr.family_name, pr.protection, hm.kind, \
                             pt.id, pt.provider_id, pt.nav_office_id, (sa.user_id IS NOT NULL) \
                             FROM household_members hm JOIN persons pr ON pr.key = hm.person_key \
                             LEFT JOIN participants pt ON pt.person_key = hm.person_key AND pt.contract_id = $3 \
                             LEFT JOIN staff_assignments sa ON sa.participant_id = pt.id AND sa.user_id = $4 \
                             WHERE hm.household_id = $1 AND hm.person_key <> $2 AND hm.valid_to IS NULL \
                             ORDER BY hm.person_key",
                        )
                        .bind(h)
                        .bind(person)
                        .bind(contract)
                        .bind(viewer.0)
                        .fetch_all(&self.pool)
                        .await?;
                        for m in &rows {
                            let kind: String = m.try_get(4)?;
                            let enrolment: Option<i64> = m.try_get(5)?;
                            let visible = match (enrolment, m.try_get::<Option<i64>, _>(6)?, m.try_get::<Option<i64>, _>(7)?) {
                                (Some(p), Some(prov), Some(off)) if s::in_scope(scope, contract, prov, off) => Some(s::participant_id(p)),
                                _ => None,
                            };
                            members.push(HouseholdMemberRow {
                                person: PersonKey(m.try_get(0)?),
                                given_name: m.try_get(1)?,
                                family_name: m.try_get(2)?,
                                protection: s::protection(&m.try_get::<String, _>(3)?)?,
                                kind: MembershipKind::from_code(&kind)
                                    .ok_or_else(|| corrupt(format!("membership {kind:?}")))?,
                                participant: visible,
                                viewer_assigned: m.try_get::<Option<bool>, _>(8)?.unwrap_or(false),
                            });
                        }
                    }
                    Ok(Some(ParticipantDetail {
                        id,
                        person: PersonKey(person),
                        contract: ContractId(contract),
                        given_name: r.try_get(3)?,
                        family_name: r.try_get(4)?,
                        birth_date: r.try_get(5)?,
                        country_of_birth: r.try_get(6)?,
                        address: r.try_get(7)?,
                        phone: r.try_get(8)?,
                        protection: s::protection(&r.try_get::<String, _>(9)?)?,
                        viewer_assigned: r.try_get(10)?,
                        provider_name: r.try_get(11)?,
                        nav_office_name: r.try_get(12)?,
                        group_name: r.try_get(13)?,
                        household: household_id.zip(household_name).map(|(i, n)| (HouseholdId(i), n)),
                        household_members: members,
                        ids: self.id_history(person).await?,
                        statuses: self.status_history(id.0).await?,
                    }))
                }

                async fn participant_subject(&self, id: ParticipantId) -> Result<Option<PersonKey>> {
                    let key: Option<i64> =
                        sqlx::query_scalar("SELECT person_key FROM participants WHERE id = $1")
                            .bind(id.0)
                            .fetch_optional(&self.pool)
                            .await?;
                    Ok(key.map(PersonKey))
                }

                async fn status_counts(&self, contract: ContractId) -> Result<Vec<StatusCount>> {
                    let rows = sqlx::query(
                        "SELECT pt.provider_id, pv.name, pt.current_status, COUNT(*) \
                         FROM participants pt JOIN providers pv ON pv.id = pt.provider_id \
                         WHERE pt.contract_id = $1 \
                         GROUP BY pt.provider_id, pv.name, pt.current_status \
                         ORDER BY pt.provider_id, pt.current_status",
                    )
                    .bind(contract.0)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            Ok(StatusCount {
                                provider: ProviderId(r.try_get(0)?),
                                provider_name: r.try_get(1)?,
                                status: s::status(&r.try_get::<String, _>(2)?)?,
                                count: u64::try_from(r.try_get::<i64, _>(3)?).map_err(corrupt)?,
                            })
                        })
                        .collect()
                }

                async fn set_protection(&self, person: PersonKey, protection: Protection) -> Result<()> {
                    let mut tx = self.pool.begin().await?;
                    let done = sqlx::query("UPDATE persons SET protection = $1 WHERE key = $2")
                        .bind(protection.code())
                        .bind(person.0)
                        .execute(&mut *tx)
                        .await?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::Conflict(format!("no person {person}")));
                    }
                    sqlx::query(s::REFRESH_SORT_KEY).bind(person.0).execute(&mut *tx).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn change_national_id(
                    &self,
                    person: PersonKey,
                    id: &NationalId,
                    valid_from: NaiveDate,
                ) -> Result<()> {
                    let history = self
                        .id_history(person.0)
                        .await?
                        .with_change(id.clone(), valid_from)
                        .map_err(StoreError::IdHistory)?;
                    let mut tx = self.pool.begin().await?;
                    sqlx::query(
                        "INSERT INTO person_ids (person_key, national_id, kind, valid_from) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(person.0)
                    .bind(id.to_string())
                    .bind(id.kind().code())
                    .bind(valid_from)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| match &e {
                        sqlx::Error::Database(d) if d.is_unique_violation() => {
                            StoreError::IdTaken
                        }
                        _ => StoreError::Database(e),
                    })?;
                    let names: (String, String) =
                        sqlx::query_as("SELECT family_name, given_name FROM persons WHERE key = $1")
                            .bind(person.0)
                            .fetch_one(&mut *tx)
                            .await?;
                    sqlx::query("UPDATE persons SET search_text = $1 WHERE key = $2")
                        .bind(s::search_text(&names.0, &names.1, &history))
                        .bind(person.0)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query(s::REFRESH_SORT_KEY).bind(person.0).execute(&mut *tx).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn append_audit(&self, records: &[AuditRecord]) -> Result<()> {
                    if records.is_empty() {
                        return Ok(());
                    }
                    let mut tx = self.pool.begin().await?;
                    bulk!(tx, "INSERT INTO audit_log (at, actor_id, actor_name, subject_key, purpose, decision, request_id) ", records, |b, r| {
                        b.push_bind(r.at).push_bind(r.actor.0).push_bind(r.actor_name.as_str())
                            .push_bind(r.subject.0).push_bind(r.purpose.as_str())
                            .push_bind(r.decision.code()).push_bind(r.request_id.as_str());
                    });
                    tx.commit().await?;
                    Ok(())
                }

                async fn audit_records(&self) -> Result<Vec<AuditExportRow>> {
                    let rows = sqlx::query(
                        "SELECT a.id, a.at, a.actor_id, a.actor_name, a.subject_key, a.purpose, \
                         a.decision, a.request_id, \
                         (SELECT pi.national_id FROM person_ids pi WHERE pi.person_key = a.subject_key \
                          ORDER BY pi.valid_from DESC, pi.national_id DESC LIMIT 1) \
                         FROM audit_log a ORDER BY a.id",
                    )
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            let decision: String = r.try_get(6)?;
                            Ok(AuditExportRow {
                                id: r.try_get(0)?,
                                record: AuditRecord {
                                    at: r.try_get(1)?,
                                    actor: UserId(r.try_get(2)?),
                                    actor_name: r.try_get(3)?,
                                    subject: PersonKey(r.try_get(4)?),
                                    purpose: r.try_get(5)?,
                                    decision: match decision.as_str() {
                                        "PERMIT" => Decision::Permit,
                                        "DENY" => Decision::Deny,
                                        other => return Err(corrupt(format!("decision {other:?}"))),
                                    },
                                    request_id: r.try_get(7)?,
                                },
                                subject_national_id: r.try_get(8)?,
                            })
                        })
                        .collect()
                }

                async fn secret(&self, name: &str) -> Result<Option<Vec<u8>>> {
                    Ok(sqlx::query_scalar("SELECT value FROM secrets WHERE name = $1")
                        .bind(name)
                        .fetch_optional(&self.pool)
                        .await?)
                }

                async fn put_secret_if_absent(&self, name: &str, value: &[u8]) -> Result<Vec<u8>> {
                    sqlx::query("INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
                        .bind(name)
                        .bind(value)
                        .execute(&self.pool)
                        .await?;
                    self.secret(name)
                        .await?
                        .ok_or_else(|| corrupt(format!("secret {name:?} vanished")))
                }
            }
        };
    };
}

pub(crate) use impl_store;
