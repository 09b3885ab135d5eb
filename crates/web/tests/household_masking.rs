//! Masking follows links (issue 10, H1): with one household member protected in each of the
//! four ways, every page and endpoint is walked as every role. Nobody but the staff assigned to
//! the protected member learns from the other member's page who the protected person is, where
//! they live, or that the two are linked; the assigned staff member sees it all. Both stores.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use effekt_domain::person::Protection;
use effekt_store::both_stores;
use effekt_store::fixture::{self, *};
use effekt_store::testing::TestStore;

const PATHS: &[&str] = &[
    "/deltakere",
    "/deltakere/1",
    "/deltakere/2",
    "/deltakere?sok=Amina",
    "/oversikt",
    "/resultater",
    "/evaluering",
    "/utbetalinger",
    "/kontrakter/1",
    "/investeringer",
    "/api/participants",
    "/api/participants/1",
    "/api/participants/2",
    "/api/participants/1/outcomes",
    "/api/participants/2/outcomes",
    "/api/pseudonymised",
    "/api/results",
];

/// What would give the protected Amina (participant 1) away: her name and ids, her household's
/// name, her and her household's addresses and phones, and her country of birth and birth
/// date as printed.
fn giveaways() -> Vec<String> {
    let data = fixture::dataset().unwrap();
    let mut out = vec!["Amina".to_owned(), "Husstand Hassan".to_owned()];
    for p in data
        .persons
        .iter()
        .filter(|p| p.given_name == "Amina" || p.given_name == "Yusuf")
    {
        out.extend(p.address.clone());
        out.extend(p.phone.clone());
    }
    let amina = data
        .persons
        .iter()
        .find(|p| p.given_name == "Amina")
        .unwrap();
    for r in amina.ids.records() {
        out.push(r.national_id.to_string());
        out.push(grouped(&r.national_id.to_string()));
    }
    out.push("12.03.1984".to_owned());
    out
}

async fn walk(protection: Protection, t: TestStore) {
    let app = App::new(t).await;
    let data = fixture::dataset().unwrap();
    let amina = data
        .persons
        .iter()
        .find(|p| p.given_name == "Amina")
        .unwrap()
        .key;
    app.t.store.set_protection(amina, protection).await.unwrap();
    // ansatt.a is assigned to Amina; admin.a works for the same provider but is not.
    let assigned = app
        .t
        .store
        .user_by_username("ansatt.a")
        .await
        .unwrap()
        .unwrap()
        .id;
    app.t.store.assign_staff(assigned, AMINA).await.unwrap();
    let giveaways = giveaways();
    for (user, _) in USERS {
        let cookie = app.login(user).await;
        for path in PATHS {
            let mut res = app.get(path, Some(&cookie)).await;
            if *user == "ansatt.a" {
                continue;
            }
            // The search box shows what was typed; the results must not answer it.
            res.body = res
                .body
                .replace("value=\"Amina\"", "")
                .replace("sok=Amina", "");
            for g in &giveaways {
                assert!(
                    !res.body.contains(g.as_str()),
                    "{protection:?}: {user} at {path} sees {g:?}"
                );
            }
            // No link leads from Yusuf's page to the protected person's.
            if path.ends_with("/2") {
                assert!(
                    !res.body.contains("/deltakere/1\"")
                        && !res.body.contains("\"participant_id\":1"),
                    "{protection:?}: {user} at {path} finds the link"
                );
            }
        }
    }
    // The unassigned case officer still sees Yusuf himself.
    let officer = app.login("veileder1").await;
    let yusuf = app.get("/deltakere/2", Some(&officer)).await;
    assert_eq!(yusuf.status, 200);
    assert!(yusuf.body.contains("Yusuf"));
    // The assigned staff member sees the household, the link and the address.
    let staff = app.login("ansatt.a").await;
    let yusuf = app.get("/deltakere/2", Some(&staff)).await.body;
    assert!(
        yusuf.contains("Husstand Hassan")
            && yusuf.contains("Amina")
            && yusuf.contains("/deltakere/1\""),
        "{yusuf}"
    );
    let amina_page = app.get("/deltakere/1", Some(&staff)).await.body;
    assert!(
        amina_page.contains("Amina") && amina_page.contains("12.03.1984"),
        "{amina_page}"
    );
}

both_stores! {
    async fn a_strictly_confidential_member_is_masked_through_the_household(t: TestStore) {
        walk(Protection::StrengtFortrolig, t).await;
    }
}

both_stores! {
    async fn a_strictly_confidential_member_abroad_is_masked_through_the_household(t: TestStore) {
        walk(Protection::StrengtFortroligUtland, t).await;
    }
}

both_stores! {
    async fn a_confidential_member_is_masked_through_the_household(t: TestStore) {
        walk(Protection::Fortrolig, t).await;
    }
}

both_stores! {
    async fn a_shielded_member_is_masked_through_the_household(t: TestStore) {
        walk(Protection::Skjermet, t).await;
    }
}
