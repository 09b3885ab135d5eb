//! A running app on a fresh store with the fixture world and one account per role.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods
)]

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use effekt_app::App as Core;
use effekt_domain::mode::Mode;
use effekt_domain::pseudonym::PseudonymKey;
use effekt_domain::role::Role;
use effekt_domain::team::{Discipline, Position};
use effekt_store::fixture::{self, *};
use effekt_store::model::{NewUser, UserScope};
use effekt_store::team::NewMembership;
use effekt_store::testing::TestStore;
use effekt_web::{router, AppState, Config};
use tower::ServiceExt;

pub const PASSWORD: &str = "riktig-passord-2026";

/// The fixture contract as a file, Varig arbeid at `kroner`.
pub fn contract_file(kroner: i64) -> String {
    fixture::CONTRACT_FILE.replace("{VARIG}", &kroner.to_string())
}

pub struct App {
    pub t: TestStore,
    pub router: Router,
}

pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

/// The accounts of the fixture world.
pub const USERS: &[(&str, Role)] = &[
    ("veileder1", Role::NavCaseOfficer),
    ("veileder2", Role::NavCaseOfficer),
    ("ansatt.a", Role::ProviderStaff),
    ("ansatt.b", Role::ProviderStaff),
    ("admin.a", Role::ProviderAdmin),
    ("admin.b", Role::ProviderAdmin),
    ("forvalter", Role::NavContractManager),
    ("investor", Role::Investor),
    ("evaluator", Role::Evaluator),
    ("tilrettelegger", Role::Facilitator),
    ("administrator", Role::Administrator),
    ("personvern", Role::PrivacyOfficer),
];

fn scope(username: &str) -> UserScope {
    match username {
        "veileder1" => UserScope::NavOffice(OFFICE_GRUNERLOKKA),
        "veileder2" => UserScope::NavOffice(OFFICE_SONDRE),
        "ansatt.a" | "admin.a" => UserScope::Provider(PROVIDER_A),
        "ansatt.b" | "admin.b" => UserScope::Provider(PROVIDER_B),
        "investor" => UserScope::Investor(INVESTOR),
        _ => UserScope::None,
    }
}

impl App {
    /// A further staff member of provider A with `discipline`, on the teams of `participants`
    /// as a member (not a veileder); logs in with [`PASSWORD`].
    pub async fn staff_member(
        &self,
        username: &str,
        discipline: Discipline,
        participants: &[i64],
    ) -> effekt_domain::ids::UserId {
        let hash = effekt_app::accounts::hash_password(PASSWORD).await.unwrap();
        let id = self
            .t
            .store
            .create_user(&NewUser {
                username: username.into(),
                display_name: format!("Test {username}"),
                password_hash: hash,
                role: Role::ProviderStaff,
                scope: UserScope::Provider(PROVIDER_A),
                discipline: Some(discipline),
            })
            .await
            .unwrap();
        let rows: Vec<NewMembership> = participants
            .iter()
            .map(|p| NewMembership {
                participant: effekt_domain::ids::ParticipantId(*p),
                user: id,
                position: Position::Member,
                from: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            })
            .collect();
        self.t.store.insert_teams(&rows).await.unwrap();
        id
    }

    pub async fn new(t: TestStore) -> Self {
        Self::with_clock(t, None).await
    }

    /// The app reading time from `clock` (the system's when `None`).
    pub async fn with_clock(
        t: TestStore,
        clock: Option<std::sync::Arc<effekt_app::FixedClock>>,
    ) -> Self {
        let data = fixture::dataset().unwrap();
        t.store.insert_dataset(&data).await.unwrap();
        // The contract's terms (which also make its outcome definitions).
        t.store
            .add_contract_version(
                Some(CONTRACT),
                &fixture::contract_terms(50_000).unwrap(),
                Some(&contract_file(50_000)),
                6,
                chrono::Utc::now(),
            )
            .await
            .unwrap();
        t.store
            .import_register(
                &fixture::register(&data).unwrap(),
                "fixture",
                chrono::Utc::now(),
                &|_| {},
            )
            .await
            .unwrap();
        let hash = effekt_app::accounts::hash_password(PASSWORD).await.unwrap();
        for (username, role) in USERS {
            let id = t
                .store
                .create_user(&NewUser {
                    username: (*username).into(),
                    display_name: format!("Test {username}"),
                    password_hash: hash.clone(),
                    role: *role,
                    scope: scope(username),
                    discipline: (*role == Role::ProviderStaff).then_some(Discipline::Veileder),
                })
                .await
                .unwrap();
            // Each provider's staff member is the main veileder of its participants (provider
            // A's of Leila, protected, too), but not of Skjermet (6), whom she sees masked.
            let guided: &[i64] = match *username {
                "ansatt.a" => &[1, 2, 3],
                "ansatt.b" => &[4, 5],
                _ => &[],
            };
            let rows: Vec<NewMembership> = guided
                .iter()
                .map(|p| NewMembership {
                    participant: effekt_domain::ids::ParticipantId(*p),
                    user: id,
                    position: Position::MainVeileder,
                    from: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                })
                .collect();
            t.store.insert_teams(&rows).await.unwrap();
        }
        let mut core = Core::new(
            t.store.clone(),
            PseudonymKey::new(vec![42; 32]).unwrap(),
            Mode::Test,
        );
        if let Some(clock) = clock {
            core = core.with_clock(clock);
        }
        let state = AppState::new(
            core,
            Config {
                secure_cookies: false,
                client_address_header: Some("x-forwarded-for".into()),
                internal_listen: None,
            },
        );
        Self {
            router: router(state),
            t,
        }
    }

    /// The app on the demo world of `participants` people (`effekt demo`'s seed 1), with the
    /// demo's accounts (password [`effekt_engine::demo::DEMO_PASSWORD`]).
    pub async fn demo(t: TestStore, participants: usize) -> Self {
        let core = Core::new(
            t.store.clone(),
            PseudonymKey::new(vec![42; 32]).unwrap(),
            Mode::Demo,
        );
        effekt_app::demo::seed(&core, 1, participants)
            .await
            .unwrap();
        let state = AppState::new(
            core,
            Config {
                secure_cookies: false,
                client_address_header: Some("x-forwarded-for".into()),
                internal_listen: None,
            },
        );
        Self {
            router: router(state),
            t,
        }
    }

    pub async fn request(&self, req: Request<Body>) -> Response {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), 10 * 1024 * 1024)
            .await
            .unwrap();
        Response {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str, session: Option<&str>) -> Response {
        let mut req = Request::get(path);
        if let Some(cookie) = session {
            req = req.header(header::COOKIE, cookie);
        }
        self.request(req.body(Body::empty()).unwrap()).await
    }

    pub async fn post_form(&self, path: &str, cookie: Option<&str>, form: &str) -> Response {
        let mut req =
            Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.request(req.body(Body::from(form.to_owned())).unwrap())
            .await
    }

    /// Posts a form with the session's CSRF token, taken from `page` (a page with a form).
    pub async fn post_with_csrf(
        &self,
        page: &str,
        path: &str,
        cookie: &str,
        form: &str,
    ) -> Response {
        let html = self.get(page, Some(cookie)).await.body;
        let token = hidden(&html, "csrf").unwrap();
        self.post_form(path, Some(cookie), &format!("csrf={token}&{form}"))
            .await
    }

    /// Proposes Varig arbeid at `kroner` effective `effective` as Nav, through the contract page.
    pub async fn propose(&self, nav: &str, effective: &str, kroner: i64) -> Response {
        let text = contract_file(kroner);
        let form = format!(
            "gyldig_fra={effective}&vilkar={}&endringsgrunn=Ny+pris+etter+forhandlingsm%C3%B8te",
            urlencode(&text)
        );
        self.post_with_csrf("/kontrakter/1", "/kontrakter/1/endringer", nav, &form)
            .await
    }

    /// The viewer's party approves or rejects version `version` of the fixture contract.
    pub async fn decide(&self, cookie: &str, version: u32, decision: &str) -> Response {
        self.post_with_csrf(
            "/kontrakter/1",
            &format!("/kontrakter/1/versjoner/{version}"),
            cookie,
            &format!("beslutning={decision}"),
        )
        .await
    }

    /// Computes `period` of `contract` through the statements page as `cookie`'s user; the new
    /// statement's id.
    pub async fn compute(&self, cookie: &str, contract: i64, period: &str) -> i64 {
        let res = self
            .post_with_csrf(
                "/utbetalinger",
                "/utbetalinger/beregn",
                cookie,
                &format!("contract={contract}&period={period}"),
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        res.headers["location"]
            .to_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    }

    /// Through the pages: the contract manager computes the open `period` of `contract`, the
    /// evaluator verifies, the two case officers approve, and the manager records the payment.
    /// Returns the statement id.
    pub async fn settle_period(&self, contract: i64, period: &str) -> i64 {
        let nav = self.login("forvalter").await;
        let id = self.compute(&nav, contract, period).await;
        for (who, step) in [
            ("evaluator", "verify"),
            ("veileder1", "approve"),
            ("veileder2", "approve"),
            ("forvalter", "pay"),
        ] {
            let cookie = self.login(who).await;
            let res = self
                .post_with_csrf(
                    "/utbetalinger",
                    &format!("/utbetalinger/{id}/steg"),
                    &cookie,
                    &if step == "pay" {
                        "step=pay&betalt_dato=01.01.2025&referanse=KID-0001".to_owned()
                    } else {
                        format!("step={step}")
                    },
                )
                .await;
            assert_eq!(
                res.status,
                StatusCode::SEE_OTHER,
                "{who} {step}: {}",
                res.body
            );
        }
        id
    }

    /// Logs in through the real form; returns the session cookie (`name=value`).
    pub async fn try_login(&self, username: &str, password: &str) -> Response {
        let form = self.get("/logg-inn", None).await;
        let csrf_cookie = set_cookie(&form, "effekt_login_csrf").unwrap();
        let token = hidden(&form.body, "csrf").unwrap();
        self.post_form(
            "/logg-inn",
            Some(&csrf_cookie),
            &format!("csrf={token}&username={username}&password={password}"),
        )
        .await
    }

    pub async fn login(&self, username: &str) -> String {
        self.login_with(username, PASSWORD).await
    }

    /// A session of `username` with `password` (form-encoded).
    pub async fn login_with(&self, username: &str, password: &str) -> String {
        let res = self.try_login(username, password).await;
        assert_eq!(
            res.status,
            StatusCode::SEE_OTHER,
            "login {username}: {}",
            res.body
        );
        set_cookie(&res, "effekt_session").unwrap()
    }
}

/// `name=value` of a cookie the response sets.
pub fn set_cookie(res: &Response, name: &str) -> Option<String> {
    res.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

/// The value of a hidden input.
pub fn hidden(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

/// Form-encodes a value.
/// A national id as the pages show it: `241095 12482` (a no-break space).
pub fn grouped(id: &str) -> String {
    format!("{}\u{a0}{}", &id[..6], &id[6..])
}

pub fn urlencode(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

impl App {
    /// The core on the same store, acting as the command-line operator `username` with
    /// `grant` (as `effekt … --as USERNAME` does); its cache is its own, as another server's.
    pub async fn operator(
        &self,
        username: &str,
        grant: effekt_app::policy::Grant,
    ) -> (Core, effekt_app::Viewer) {
        let core = Core::new(
            self.t.store.clone(),
            PseudonymKey::new(vec![42; 32]).unwrap(),
            Mode::Test,
        );
        let viewer = effekt_app::operator::operator(&core, Some(username), grant, "test")
            .await
            .unwrap();
        (core, viewer)
    }
}

/// Writes `text` to a file called `name` in a folder of its own under the system's temporary
/// directory, and returns the file's path.
pub fn scratch_file(name: &str, text: &str) -> std::path::PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "effekt-test-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The home's tasks as (label, link, due) in the order shown.
pub async fn tasks(app: &App, user: &str) -> Vec<(String, String, String)> {
    let cookie = app.login(user).await;
    let page = app.get("/hjem", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{user}");
    let body = page.body;
    let mut out = Vec::new();
    for row in body.split("<tr class=\"task-").skip(1) {
        let href = row
            .split("href=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        let label = row
            .split("</a>")
            .next()
            .unwrap()
            .rsplit('>')
            .next()
            .unwrap()
            .to_owned();
        // Each cell starts with its label for narrow screens (hidden from screen readers).
        let due = row
            .split("<td>")
            .nth(3)
            .unwrap()
            .split("</td>")
            .next()
            .unwrap()
            .split_once(": </span>")
            .unwrap()
            .1
            .to_owned();
        out.push((label, href, due));
    }
    if out.is_empty() {
        assert!(
            body.contains("Ingenting venter på deg nå."),
            "{user}: {body}"
        );
    }
    out
}

/// The home's tasks besides the main veileder's milestones ("Følg opp delmålet": the
/// fixture's participants started long ago, so provider A's and B's staff always have them),
/// for tests of the other tasks.
pub async fn tasks_besides_milestones(app: &App, user: &str) -> Vec<(String, String, String)> {
    let mut t = tasks(app, user).await;
    t.retain(|(label, _, _)| label != "Følg opp delmålet");
    t
}

/// The value of the option labelled `label` (or a label containing it) in the select `name`
/// of `page`.
pub fn option_value(page: &str, name: &str, label: &str) -> String {
    let select = page.split(&format!("name=\"{name}\"")).nth(1).unwrap();
    let select = select.split("</select>").next().unwrap();
    let at = select
        .find(label)
        .unwrap_or_else(|| panic!("{label} in {select}"));
    let value = select[..at].rsplit("value=\"").next().unwrap();
    value.split('"').next().unwrap().to_owned()
}

pub fn labels(t: &[(String, String, String)]) -> Vec<&str> {
    t.iter().map(|(l, _, _)| l.as_str()).collect()
}

/// Today as the app counts it: the date in Oslo (between 23:00 and 24:00 UTC it is already
/// tomorrow there).
pub fn today_oslo() -> chrono::NaiveDate {
    effekt_domain::dates::oslo_date(chrono::Utc::now())
}
