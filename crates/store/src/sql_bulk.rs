//! The bulk insert of a whole [`effekt_domain::dataset::Dataset`] (demo data, load tests),
//! expanded per database by [`impl_bulk_insert!`]: multi-row `INSERT`s in batches, one
//! transaction, so a dataset is stored whole or not at all.

/// Inserts `$items` through multi-row `INSERT`s of at most 500 rows inside transaction `$tx`,
/// binding each item's values in `$body`.
macro_rules! bulk {
    ($db:ty, $tx:expr, $head:expr, $items:expr, |$b:ident, $x:ident| $body:block) => {
        for chunk in $items.chunks(500) {
            let mut qb = sqlx::QueryBuilder::<$db>::new($head);
            qb.push_values(chunk, |mut $b, $x| $body);
            qb.build().execute(&mut *$tx).await?;
        }
    };
}

pub(crate) use bulk;

/// Adds `insert_all` to `$store` (a struct with a `pool: sqlx::Pool<$db>` field).
macro_rules! impl_bulk_insert {
    ($store:ty, $db:ty) => {
        const _: () = {
            use effekt_domain::dataset::Dataset;

            use $crate::error::Result;
            use $crate::sql_bulk::bulk;
            use $crate::sql_parts as s;


            impl $store {
                /// Inserts a whole dataset in one transaction, in batches of multi-row inserts.
                pub(crate) async fn insert_all(&self, data: &Dataset) -> Result<()> {
                    let mut tx = self.pool.begin().await?;
                    Self::before_bulk_insert(&mut tx).await?;
                    bulk!($db, tx, "INSERT INTO nav_offices (id, unit_number, name) ", data.nav_offices, |b, o| {
                        b.push_bind(o.id.0).push_bind(o.unit_number.as_str()).push_bind(o.name.as_str());
                    });
                    bulk!($db, tx, "INSERT INTO providers (id, orgnr, name, kind) ", data.providers, |b, p| {
                        b.push_bind(p.id.0).push_bind(p.orgnr.as_str()).push_bind(p.name.as_str())
                            .push_bind(p.kind.code());
                    });
                    bulk!($db, tx, "INSERT INTO investors (id, orgnr, name, kind) ", data.investors, |b, i| {
                        b.push_bind(i.id.0).push_bind(i.orgnr.as_str()).push_bind(i.name.as_str())
                            .push_bind(i.kind.code());
                    });
                    bulk!($db, tx, "INSERT INTO contracts (id, name, starts, ends, target_cohort) ", data.contracts, |b, c| {
                        b.push_bind(c.id.0).push_bind(c.name.as_str()).push_bind(c.starts)
                            .push_bind(c.ends).push_bind(i64::from(c.target_cohort));
                    });
                    bulk!($db, tx, "INSERT INTO contract_nav_offices (contract_id, nav_office_id) ", data.contract_offices, |b, x| {
                        b.push_bind(x.0 .0).push_bind(x.1 .0);
                    });
                    bulk!($db, tx, "INSERT INTO consortium_members (contract_id, provider_id, is_lead, sub_delivery) ", data.consortium, |b, m| {
                        b.push_bind(m.contract.0).push_bind(m.provider.0).push_bind(m.is_lead)
                            .push_bind(m.sub_delivery.as_str());
                    });
                    bulk!($db, tx, "INSERT INTO commitments (contract_id, investor_id, amount_ore) ", data.commitments, |b, c| {
                        b.push_bind(c.contract.0).push_bind(c.investor.0).push_bind(c.amount.ore());
                    });
                    bulk!($db, tx, "INSERT INTO participant_groups (id, contract_id, provider_id, name) ", data.groups, |b, g| {
                        b.push_bind(g.id.0).push_bind(g.contract.0).push_bind(g.provider.0)
                            .push_bind(g.name.as_str());
                    });
                    bulk!($db, tx, "INSERT INTO persons (key, given_name, family_name, birth_date, country_of_birth, address, phone, protection, search_text) ", data.persons, |b, p| {
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
                    bulk!($db, tx, "INSERT INTO person_ids (person_key, national_id, kind, valid_from) ", ids, |b, x| {
                        b.push_bind(x.0).push_bind(x.1.national_id.to_string())
                            .push_bind(x.1.national_id.kind().code()).push_bind(x.1.valid_from);
                    });
                    bulk!($db, tx, "INSERT INTO households (id, name) ", data.households, |b, h| {
                        b.push_bind(h.id.0).push_bind(h.name.as_str());
                    });
                    bulk!($db, tx, "INSERT INTO household_members (household_id, person_key, kind, valid_from, valid_to) ", data.memberships, |b, m| {
                        b.push_bind(m.household.0).push_bind(m.person.0).push_bind(m.kind.code())
                            .push_bind(m.valid_from).push_bind(m.valid_to);
                    });
                    let list_keys: std::collections::HashMap<i64, (String, String)> = data
                        .persons
                        .iter()
                        .map(|p| (p.key.0, s::list_keys(p)))
                        .collect();
                    bulk!($db, tx, "INSERT INTO participants (id, person_key, contract_id, provider_id, nav_office_id, group_id, household_id, current_status, index_date, list_sort_key, protected_search_text) ", data.participants, |b, p| {
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
                    bulk!($db, tx, "INSERT INTO participant_statuses (participant_id, seq, status, end_reason, description, valid_from, valid_to) ", statuses, |b, x| {
                        let ended = x.2.ended.as_ref();
                        b.push_bind(x.0).push_bind(x.1).push_bind(x.2.status.code())
                            .push_bind(ended.map(|e| e.reason.code()))
                            .push_bind(ended.and_then(|e| e.description.clone()))
                            .push_bind(x.2.valid_from).push_bind(x.2.valid_to);
                    });
                    // Each participant's group from its first status on (migration 0030).
                    sqlx::query(
                        "INSERT INTO group_memberships (group_id, participant_id, valid_from) \
                         SELECT pt.group_id, pt.id, MIN(st.valid_from) FROM participants pt \
                         JOIN participant_statuses st ON st.participant_id = pt.id \
                         WHERE pt.group_id IS NOT NULL GROUP BY pt.group_id, pt.id",
                    )
                    .execute(&mut *tx)
                    .await?;
                    Self::after_bulk_insert(&mut tx).await?;
                    sqlx::query(s::BUMP_GENERATION).execute(&mut *tx).await?;
                    tx.commit().await?;
                    self.after_bulk_commit().await?;
                    Ok(())
                }
            }
        };
    };
}

pub(crate) use impl_bulk_insert;
