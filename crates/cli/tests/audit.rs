//! `effekt audit export` and `effekt user create`: who may export, the first administrator,
//! and the CEF lines of reads and operations.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{TimeZone, Utc};
use common::*;
use effekt_domain::ids::{PersonKey, UserId};
use effekt_store::model::{AuditRecord, Channel, Decision};

#[tokio::test]
async fn audit_export_prints_cef_lines() {
    let dir = std::env::temp_dir().join(format!("effekt-audit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("audit.db");
    let store = effekt_store::open(&effekt_store::Location::Sqlite(db.clone()))
        .await
        .unwrap();
    store
        .insert_dataset(&effekt_store::fixture::dataset().unwrap())
        .await
        .unwrap();
    let at = Utc.with_ymd_and_hms(2026, 11, 27, 8, 0, 0).unwrap();
    let record = AuditRecord {
        at,
        actor: UserId(7),
        actor_name: "veileder=1".into(),
        subject: PersonKey(4),
        purpose: "participant.view".into(),
        decision: Decision::Permit,
        request_id: "req-42".into(),
        channel: Channel::Web,
    };
    store
        .append_audit(&[
            record.clone(),
            AuditRecord {
                decision: Decision::Deny,
                purpose: "participant.list".into(),
                ..record
            },
        ])
        .await
        .unwrap();
    let dawit = store
        .participant(
            effekt_store::model::ParticipantScope::Contract(effekt_domain::ids::ContractId(1)),
            effekt_store::fixture::DAWIT,
            UserId(0),
        )
        .await
        .unwrap()
        .unwrap();
    drop(store);
    let export = |operator: &[&str]| {
        let mut args = vec![
            "audit",
            "export",
            "--format",
            "cef",
            "--database",
            db.to_str().unwrap(),
        ];
        args.extend_from_slice(operator);
        effekt(&args, &[])
    };
    // Production: no operator, an unknown one, or one without the administrator role is
    // refused with one line, and nothing is printed.
    let o = export(&[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "effekt: this command acts as a named effekt user: give --as USERNAME or set EFFEKT_OPERATOR\n"
    );
    assert!(stdout(&o).is_empty());
    let o = export(&["--as", "nobody"]);
    assert_eq!(
        stderr(&o),
        "effekt: operator \"nobody\" is not an effekt user\n"
    );
    // The first administrator is made from the command line, once.
    let o = create_admin(db.to_str().unwrap());
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "Created administrator \"admin\".\n");
    let o = create_admin(db.to_str().unwrap());
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("an administrator exists already (admin)"),
        "{}",
        stderr(&o)
    );
    let o = export(&["--as", "admin"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let fnr = dawit.ids.current().to_string();
    let expected = format!(
        "CEF:0|effekt|AuditLogger|1.0|audit:access|Innsyn i deltaker|INFO|suid=veileder\\=1 duid={fnr} end={} sproc=req-42 flexString1Label=Decision flexString1=Permit\n\
         CEF:0|effekt|AuditLogger|1.0|audit:access|Deltakerliste|INFO|suid=veileder\\=1 duid={fnr} end={} sproc=req-42 flexString1Label=Decision flexString1=Deny\n",
        at.timestamp_millis(),
        at.timestamp_millis()
    );
    let out = stdout(&o);
    assert!(out.starts_with(&expected), "{out}");
    // Then what operators did, marked as the command line with the operating-system user.
    let rest: Vec<&str> = out[expected.len()..].lines().collect();
    assert_eq!(rest.len(), 2, "{out}");
    assert!(
        rest[0].starts_with("CEF:0|effekt|AuditLogger|1.0|audit:change|Bruker opprettet|INFO|suid=cli:ola duid=user:admin ")
            && rest[0].ends_with(" cs1Label=Kanal cs1=cli cs2Label=OS-bruker cs2=ola"),
        "{out}"
    );
    assert!(
        rest[1].contains("|Revisjonslogg eksportert|INFO|suid=admin duid=audit-log "),
        "{out}"
    );
    // The privacy officer's account is made here too (the administrator's pages cannot give
    // that role), with an administrator in place and no --additional.
    let o = effekt_with_input(
        &[
            "user",
            "create",
            "ombud",
            "--role",
            "privacy-officer",
            "--display-name",
            "Personvernombud",
            "--database",
            db.to_str().unwrap(),
        ],
        &[],
        "et-langt-passord-2026\n",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "Created personvernombud \"ombud\".\n");
    let _ = std::fs::remove_dir_all(dir);
}
