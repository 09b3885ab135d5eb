//! Changes to a person, expanded per database by [`impl_people_store!`]: protection and a new
//! national id. Both refresh the list's sort key and move the store generation, since outcomes
//! and payments are computed through a person's ids.

/// Adds the person-changing methods to `$store`; the [`crate::Store`] implementation calls them.
macro_rules! impl_people_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use chrono::NaiveDate;
            use effekt_domain::ids::PersonKey;
            use effekt_domain::national_id::NationalId;
            use effekt_domain::person::Protection;

            use $crate::error::{Result, StoreError};
            use $crate::sql_parts as s;

            impl $store {
                pub(crate) async fn set_protection_sql(
                    &self,
                    person: PersonKey,
                    protection: Protection,
                ) -> Result<()> {
                    let mut tx = self.pool.begin().await?;
                    let done = sqlx::query("UPDATE persons SET protection = $1 WHERE key = $2")
                        .bind(protection.code())
                        .bind(person.0)
                        .execute(&mut *tx)
                        .await?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::Conflict(format!("no person {person}")));
                    }
                    sqlx::query(s::REFRESH_SORT_KEY)
                        .bind(person.0)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query(s::BUMP_GENERATION).execute(&mut *tx).await?;
                    tx.commit().await?;
                    Ok(())
                }

                pub(crate) async fn change_national_id_sql(
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
                        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::IdTaken,
                        _ => StoreError::Database(e),
                    })?;
                    let names: (String, String) = sqlx::query_as(
                        "SELECT family_name, given_name FROM persons WHERE key = $1",
                    )
                    .bind(person.0)
                    .fetch_one(&mut *tx)
                    .await?;
                    sqlx::query("UPDATE persons SET search_text = $1 WHERE key = $2")
                        .bind(s::search_text(&names.0, &names.1, &history))
                        .bind(person.0)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query(s::REFRESH_SORT_KEY)
                        .bind(person.0)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query(s::BUMP_GENERATION).execute(&mut *tx).await?;
                    tx.commit().await?;
                    Ok(())
                }
            }
        };
    };
}

pub(crate) use impl_people_store;
