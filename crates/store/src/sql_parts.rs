//! The pieces of SQL and the row conversions shared by both stores' implementation (see
//! `sql_impl`). Every statement here runs unchanged on SQLite and PostgreSQL: `$n`
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
        // The teacher's id (a typed integer) and the day (a typed date, `YYYY-MM-DD`) are
        // written into the text so that the clause keeps its one parameter; `IN` lets both
        // databases build the small set once.
        ParticipantScope::Teacher {
            provider,
            teacher,
            today,
        } => (
            format!(
                "pt.provider_id = ${next} AND pt.id IN (\
                 SELECT sa9.participant_id FROM staff_assignments sa9 WHERE sa9.user_id = {t} \
                 UNION SELECT gm9.participant_id FROM group_memberships gm9 \
                 WHERE gm9.valid_from <= '{d}' AND (gm9.valid_to IS NULL OR gm9.valid_to > '{d}') \
                 AND gm9.group_id IN (SELECT gs9.group_id FROM group_sessions gs9 \
                 WHERE gs9.teacher_id = {t} AND NOT EXISTS (SELECT 1 FROM session_cancellations sc9 \
                 WHERE sc9.session_id = gs9.id)))",
                t = teacher.0,
                d = today.format("%Y-%m-%d")
            ),
            Param::I64(provider.0),
        ),
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
/// Increases the store generation; every write of what outcomes and payments are computed
/// from runs it in its own transaction (migration 0011).
pub(crate) const BUMP_GENERATION: &str =
    "UPDATE store_generation SET value = value + 1 WHERE id = 1";

/// Increases the workflow generation; every statement step and every proposal or decision on a
/// contract version runs it in its own transaction (migration 0020).
pub(crate) const BUMP_WORKFLOW: &str =
    "UPDATE workflow_generation SET value = value + 1 WHERE id = 1";

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
        // A teacher sees no household beyond her own groups' members.
        ParticipantScope::Teacher { .. } => false,
    }
}

pub(crate) fn participant_id(id: i64) -> ParticipantId {
    ParticipantId(id)
}
