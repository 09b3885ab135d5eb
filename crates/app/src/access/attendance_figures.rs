//! Attendance as published figures (issue 14, item 2): for Nav's contract manager, the
//! facilitator and the investors on the overview, per provider the participants with
//! attendance (suppressed like every published count) and the share of planned hours attended
//! where that count shows, and the provider's groups counted by band of attendance (a group in
//! a band has five or more participants with attendance). Worked out over every mark of the
//! contract, kept until a new mark is written.

use effekt_domain::groups::{rate_band, RATE_BANDS};
use effekt_domain::ids::{ContractId, ProviderId};
use effekt_domain::suppression::{suppress, MIN_CELL};
use effekt_store::groups::GroupAttendance;

use super::AggregateAccess;
use crate::views::{AttendanceFigureRow, AttendanceFigures};
use crate::AppError;

/// "83 %": whole per cent, rounded down like the bands.
fn percent(attended: i64, planned: i64) -> String {
    if planned <= 0 {
        return "–".to_owned();
    }
    format!("{} %", attended.saturating_mul(100) / planned)
}

impl AggregateAccess {
    pub(super) async fn attendance(
        &self,
        contract: ContractId,
        providers: &[(ProviderId, String)],
    ) -> Result<AttendanceFigures, AppError> {
        let newest = self.app.store.newest_mark().await?;
        let store = &self.app.store;
        let groups = self
            .app
            .cache
            .attendance
            .get_or_compute(contract, newest, || async {
                Ok::<_, AppError>(store.attendance_by_group(contract).await?)
            })
            .await?;
        let of = |p: ProviderId| groups.iter().filter(move |g| g.provider == p);
        // A participant who moved is counted in each group; per provider, their groups' sum.
        let sum = |p: ProviderId, f: fn(&GroupAttendance) -> i64| of(p).map(f).sum::<i64>();
        let table: Vec<Vec<u64>> = providers
            .iter()
            .map(|(p, _)| vec![u64::try_from(sum(*p, |g| g.participants)).unwrap_or(0)])
            .collect();
        let t = suppress(&table);
        let rows = providers
            .iter()
            .zip(&t.cells)
            .map(|((p, name), cells)| {
                let cell = cells.first().copied();
                let shown = cell.is_some_and(|c| c.is_shown());
                let mut bands = vec![0usize; RATE_BANDS.len()];
                let mut small = 0;
                for g in of(*p) {
                    if u64::try_from(g.participants).unwrap_or(0) < MIN_CELL {
                        small += 1;
                    } else if let Some(b) = rate_band(g.attended_minutes, g.planned_minutes) {
                        bands[b] += 1;
                    }
                }
                AttendanceFigureRow {
                    label: name.clone(),
                    participants: cell.map(|c| c.display()).unwrap_or_default(),
                    rate: if shown {
                        percent(
                            sum(*p, |g| g.attended_minutes),
                            sum(*p, |g| g.planned_minutes),
                        )
                    } else {
                        "–".to_owned()
                    },
                    bands: bands
                        .iter()
                        .map(|n| {
                            if shown {
                                n.to_string()
                            } else {
                                "–".to_owned()
                            }
                        })
                        .collect(),
                    small_groups: if shown {
                        small.to_string()
                    } else {
                        "–".to_owned()
                    },
                }
            })
            .collect();
        let all = |f: fn(&GroupAttendance) -> i64| groups.iter().map(f).sum::<i64>();
        let total = t.column_totals.first().copied();
        Ok(AttendanceFigures {
            bands: RATE_BANDS.iter().map(|(l, _)| (*l).to_owned()).collect(),
            rows,
            participants_total: total.map(|c| c.display()).unwrap_or_default(),
            rate_total: if total.is_some_and(|c| c.is_shown()) {
                percent(all(|g| g.attended_minutes), all(|g| g.planned_minutes))
            } else {
                "–".to_owned()
            },
        })
    }
}
