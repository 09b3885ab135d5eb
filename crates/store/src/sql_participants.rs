//! Reading participants in SQL, expanded per database by [`impl_participant_store!`]: the
//! scoped, paged list; one participant's page with household and histories; and the
//! quasi-identifiers of a contract's participants (what the evaluator's view generalises).

/// Adds the participant-reading methods to `$store`; the [`crate::Store`] implementation calls
/// them.
macro_rules! impl_participant_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use effekt_domain::ids::*;
            use effekt_domain::organisation::MembershipKind;
            use sqlx::Row;

            use $crate::error::{corrupt, Result};
            use $crate::model::*;
            use $crate::sql_parts::{self as s, Param};

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

            impl $store {
                pub(crate) async fn list_participants_sql(
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

                pub(crate) async fn participant_sql(
                    &self,
                    scope: ParticipantScope,
                    id: ParticipantId,
                    viewer: UserId,
                ) -> Result<Option<ParticipantDetail>> {
                    let (clause, scope_param) = s::scope_clause(scope, 3);
                    // Lookups by key as scalar subqueries, not a seven-way join: PostgreSQL
                    // planned the join afresh for every page (3–5 ms of a ~15 ms page at
                    // 100,000 participants); these plan in a fraction of that.
                    let sql = format!(
                        "SELECT pt.id, pt.person_key, pt.contract_id, pr.given_name, pr.family_name, \
                         pr.birth_date, pr.country_of_birth, pr.address, pr.phone, pr.protection, \
                         EXISTS (SELECT 1 FROM staff_assignments sa \
                          WHERE sa.participant_id = pt.id AND sa.user_id = $1) AS viewer_assigned, \
                         (SELECT pv.name FROM providers pv WHERE pv.id = pt.provider_id), \
                         (SELECT nav.name FROM nav_offices nav WHERE nav.id = pt.nav_office_id), \
                         (SELECT g.name FROM participant_groups g WHERE g.id = pt.group_id), \
                         (SELECT h.id FROM households h WHERE h.id = pt.household_id), \
                         (SELECT h.name FROM households h WHERE h.id = pt.household_id) \
                         FROM participants pt \
                         JOIN persons pr ON pr.key = pt.person_key \
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

                pub(crate) async fn quasi_identifiers_sql(
                    &self,
                    contract: ContractId,
                ) -> Result<Vec<QuasiIdentifiers>> {
                    let rows = sqlx::query(
                        "SELECT pt.id, pt.provider_id, pv.name, pt.current_status, pt.group_id, \
                         g.name, pt.index_date, pt.person_key FROM participants pt \
                         JOIN providers pv ON pv.id = pt.provider_id \
                         LEFT JOIN participant_groups g ON g.id = pt.group_id \
                         WHERE pt.contract_id = $1 ORDER BY pt.id",
                    )
                    .bind(contract.0)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            let group: Option<i64> = r.try_get(4)?;
                            let group_name: Option<String> = r.try_get(5)?;
                            Ok(QuasiIdentifiers {
                                participant: ParticipantId(r.try_get(0)?),
                                person: PersonKey(r.try_get(7)?),
                                provider: ProviderId(r.try_get(1)?),
                                provider_name: r.try_get(2)?,
                                status: s::status(&r.try_get::<String, _>(3)?)?,
                                group: group.map(GroupId).zip(group_name),
                                index_date: r.try_get(6)?,
                            })
                        })
                        .collect()
                }
            }
        };
    };
}

pub(crate) use impl_participant_store;
