//! The demo's term (issue 14, item 6): every group meets twice a week with its teacher, from
//! six weeks before today to two weeks after, and attendance is taken for the sessions held —
//! except each teacher's latest session of her first group, so her home asks for it. Each
//! provider has teachers of four groups each (the first one, `laerer.<provider>`, printed at
//! start; the rest exist for the large demo), laid out so no teacher and no room is booked
//! twice. The first teacher of each provider has interpreters booked: one requested (a task on
//! her home), one confirmed, and held ones whose cost is shared by those present.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use effekt_domain::dataset::Dataset;
use effekt_domain::ids::{GroupId, ProviderId, UserId};
use effekt_domain::interpreters::{self, BookingState, TypedBooking};
use effekt_domain::participant::{Participant, ParticipantStatus};
use effekt_domain::role::Role;
use effekt_store::groups::{TermMark, TermSession};
use effekt_store::interpreters::{CheckedBookings, NewBooking, Serves};
use effekt_store::model::{NewUser, UserScope};

use super::SeedError;
use crate::App;

/// Groups per teacher, each in its own weekly slot.
const GROUPS_PER_TEACHER: usize = 4;
/// Weeks of the term before and after this week.
const WEEKS_BEFORE: i64 = 6;
const WEEKS_AFTER: i64 = 2;
const MINUTES: u16 = 150;
/// (first day, second day, start) of a teacher's four slots.
const SLOTS: [(Weekday, Weekday, (u32, u32)); GROUPS_PER_TEACHER] = [
    (Weekday::Mon, Weekday::Wed, (9, 0)),
    (Weekday::Mon, Weekday::Wed, (12, 30)),
    (Weekday::Tue, Weekday::Thu, (9, 0)),
    (Weekday::Tue, Weekday::Thu, (12, 30)),
];
/// What the groups work on, in turn through the term.
const MODULES: [&str; 6] = [
    "norsk-muntlig-samhandling",
    "norsk-lese",
    "arbeidslivskultur",
    "norsk-skrive",
    "digitale-ferdigheter",
    "livsmestring-nav",
];
/// The providers' short names, as the demo's usernames use them.
const SHORT: [&str; 3] = ["stor", "liten", "kafe"];
const FIRST_TEACHERS: [&str; 3] = ["Amir Rahimi", "Guro Lunde", "Mekdes Alemu"];

/// A stable number 0–99 for a participant at a session (the demo's attendance pattern).
fn draw(participant: i64, session: usize) -> u64 {
    let x = (participant as u64)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add((session as u64).wrapping_mul(0xBF58_476D_1CE4_E5B9));
    (x ^ (x >> 29)) % 100
}

fn mark(participant: i64, session: usize) -> (&'static str, Option<&'static str>, &'static str) {
    match draw(participant, session) {
        0..=77 => ("TILSTEDE", None, "2.5"),
        78..=85 => ("DIGITALT", None, "2.5"),
        86..=91 => ("FRAVAER", Some("SYK"), "0"),
        92..=94 => ("FRAVAER", Some("SYKT_BARN"), "0"),
        95..=97 => ("FRAVAER", Some("ARBEID"), "0"),
        _ => ("FRAVAER", Some("UTEN_GYLDIG_GRUNN"), "0"),
    }
}

/// The group's members on `day`: placed from their first status, until the participation
/// ends.
fn member_on(members: &[&Participant], day: NaiveDate) -> Vec<i64> {
    members
        .iter()
        .filter(|p| {
            let first = p.statuses.periods().first().map(|s| s.valid_from);
            first.is_some_and(|f| f <= day)
                && p.statuses.on(day).is_some_and(|s| {
                    !s.status.is_ended() && s.status != ParticipantStatus::Feilregistrert
                })
        })
        .map(|p| p.id.0)
        .collect()
}

/// The days of the term that fall on `weekday`.
fn days(monday: NaiveDate, weekday: Weekday) -> impl Iterator<Item = NaiveDate> {
    (-WEEKS_BEFORE..=WEEKS_AFTER).map(move |w| {
        monday + Duration::weeks(w) + Duration::days(i64::from(weekday.num_days_from_monday()))
    })
}

/// Creates the provider's teachers (one per four groups) with one password hash.
async fn teachers(
    app: &App,
    p: usize,
    provider: ProviderId,
    groups: usize,
    hash: &str,
) -> Result<Vec<UserId>, SeedError> {
    let (Some(short), Some(first)) = (SHORT.get(p), FIRST_TEACHERS.get(p)) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for t in 0..groups.div_ceil(GROUPS_PER_TEACHER) {
        let (username, display_name) = if t == 0 {
            (format!("laerer.{short}"), (*first).to_owned())
        } else {
            (
                format!("laerer.{short}.{}", t + 1),
                format!("Lærer {} ({short})", t + 1),
            )
        };
        let id = app
            .store
            .create_user(&NewUser {
                username,
                display_name,
                password_hash: hash.to_owned(),
                role: Role::ProviderStaff,
                scope: UserScope::Provider(provider),
                discipline: Some(effekt_domain::team::Discipline::Teacher),
            })
            .await?;
        out.push(id);
    }
    Ok(out)
}

pub(super) async fn seed(app: &App, data: &Dataset) -> Result<(), SeedError> {
    let hash = crate::accounts::hash_password(super::DEMO_PASSWORD).await?;
    let now = effekt_domain::dates::oslo_local(app.now());
    let today = now.date();
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let mut by_group: HashMap<GroupId, Vec<&Participant>> = HashMap::new();
    for p in &data.participants {
        if let Some(g) = p.group {
            by_group.entry(g).or_default().push(p);
        }
    }
    let mut term = Vec::new();
    let mut first_teachers = Vec::new();
    for (p, provider) in data.providers.iter().enumerate() {
        let groups: Vec<GroupId> = data
            .groups
            .iter()
            .filter(|g| g.provider == provider.id)
            .map(|g| g.id)
            .collect();
        let teachers = teachers(app, p, provider.id, groups.len(), &hash).await?;
        if let Some(first) = teachers.first() {
            first_teachers.push((provider.id, *first));
        }
        for (k, group) in groups.iter().enumerate() {
            let t = k / GROUPS_PER_TEACHER;
            let (Some(&teacher), Some(&(one, two, (h, m)))) =
                (teachers.get(t), SLOTS.get(k % GROUPS_PER_TEACHER))
            else {
                continue;
            };
            let at = NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN);
            let mut starts: Vec<NaiveDateTime> = days(monday, one)
                .chain(days(monday, two))
                .map(|d| d.and_time(at))
                .collect();
            starts.sort();
            let held: Vec<usize> = (0..starts.len()).filter(|&i| starts[i] < now).collect();
            // Her first group's latest session waits for its attendance.
            let waiting = (k % GROUPS_PER_TEACHER == 0)
                .then(|| held.last().copied())
                .flatten();
            for (i, start) in starts.iter().enumerate() {
                let marks = if *start < now && Some(i) != waiting {
                    member_on(
                        by_group.get(group).map_or(&[][..], Vec::as_slice),
                        start.date(),
                    )
                    .into_iter()
                    .map(|participant| {
                        let (presence, reason, hours) = mark(participant, i);
                        TermMark {
                            participant: effekt_domain::ids::ParticipantId(participant),
                            presence,
                            reason,
                            hours: hours.to_owned(),
                        }
                    })
                    .collect()
                } else {
                    Vec::new()
                };
                term.push(TermSession {
                    group: *group,
                    series: format!("demo-{}-{}", group.0, k % GROUPS_PER_TEACHER),
                    starts: *start,
                    minutes: MINUTES,
                    // Wednesdays and Thursdays digital; otherwise the teacher's own room.
                    room: (start.weekday() != two).then(|| format!("Rom {}", t + 1)),
                    teacher,
                    module: MODULES[i % MODULES.len()],
                    marks,
                });
            }
        }
    }
    app.store.insert_term(&term, app.now()).await?;
    for (provider, teacher) in first_teachers {
        bookings(app, provider, teacher, now).await?;
    }
    Ok(())
}

/// The first teacher's interpreters: held ones for her first group's two latest sessions with
/// attendance, a confirmed and a requested one for its next two.
async fn bookings(
    app: &App,
    provider: ProviderId,
    teacher: UserId,
    now: NaiveDateTime,
) -> Result<(), SeedError> {
    let from = now - Duration::weeks(WEEKS_BEFORE + 1);
    let to = now + Duration::weeks(WEEKS_AFTER + 1);
    let mine = app.store.teacher_sessions(teacher, from, to).await?;
    let Some(first) = mine.first().map(|t| t.session.group) else {
        return Ok(());
    };
    let group: Vec<_> = mine.iter().filter(|t| t.session.group == first).collect();
    let past: Vec<_> = group.iter().filter(|t| t.session.marked > 0).collect();
    let future: Vec<_> = group.iter().filter(|t| t.session.starts > now).collect();
    let chosen = past
        .iter()
        .rev()
        .take(2)
        .map(|t| (t, BookingState::Held))
        .chain(future.iter().take(1).map(|t| (t, BookingState::Confirmed)))
        .chain(
            future
                .iter()
                .skip(1)
                .take(1)
                .map(|t| (t, BookingState::Requested)),
        );
    for (t, state) in chosen {
        let s = &t.session;
        let (language, interpreter, category) = match state {
            BookingState::Held => ("Tigrinja", "Hagos Gebre (10234)", "B"),
            BookingState::Confirmed => ("Dari", "Farid Noori (20871)", "C"),
            _ => ("Arabisk", "Lina Haddad (31552)", "A"),
        };
        let typed = TypedBooking {
            language,
            interpreter,
            mode: if s.room.is_some() {
                "OPPMOTE"
            } else {
                "SKJERM"
            },
            qualification: category,
            cost: "1 650,00",
        };
        let minutes = u16::try_from(s.minutes).unwrap_or(MINUTES);
        let Ok(booking) = interpreters::booking(typed, s.starts, minutes) else {
            continue;
        };
        let window = Duration::hours(8);
        let (from, to) = (s.starts - window, s.starts + window);
        let booked = app.store.bookings_between(provider, from, to).await?;
        let checked = CheckedBookings {
            provider,
            from,
            to,
            bookings: booked.iter().map(|b| b.id).collect(),
        };
        let Some(contract) = app.store.group(s.group).await?.map(|g| g.contract) else {
            continue;
        };
        let new = NewBooking {
            provider,
            contract,
            serves: Serves::Session(s.id),
            booking,
        };
        let at = app.now();
        let Some(id) = app
            .store
            .book_interpreter(&new, &checked, teacher, at)
            .await?
        else {
            continue;
        };
        let steps: &[(BookingState, BookingState)] = match state {
            BookingState::Held => &[
                (BookingState::Requested, BookingState::Confirmed),
                (BookingState::Confirmed, BookingState::Held),
            ],
            BookingState::Confirmed => &[(BookingState::Requested, BookingState::Confirmed)],
            _ => &[],
        };
        for (from, to) in steps {
            app.store
                .step_booking(id, *from, *to, None, teacher, at)
                .await?;
        }
    }
    Ok(())
}
