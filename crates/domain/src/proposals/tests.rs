use super::*;
use crate::role::Role;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn period(status: ParticipantStatus, from: &str, to: Option<&str>) -> StatusPeriod {
    StatusPeriod {
        status,
        ended: None,
        valid_from: d(from),
        valid_to: to.map(d),
    }
}

/// Referred 1 March, waiting from 10 March.
fn waiting() -> Participation {
    Participation {
        statuses: StatusHistory::new(vec![
            period(S::SoktInn, "2026-03-01", Some("2026-03-10")),
            period(S::VenterPaOppstart, "2026-03-10", None),
        ])
        .unwrap(),
        planned_end: None,
        amount: None,
    }
}

const TODAY: &str = "2026-12-04";

fn started() -> Participation {
    start(&waiting(), d("2026-04-01"), d(TODAY)).unwrap()
}

fn jobb() -> Ended {
    ended(Some(EndReason::FattJobb), "").unwrap()
}

#[test]
fn the_provider_starts_a_waiting_participant_not_before_the_referral() {
    let today = d(TODAY);
    assert_eq!(
        start(&waiting(), d("2026-02-28"), today),
        Err(ProposalError::BeforeReferral("01.03.2026".into()))
    );
    assert_eq!(
        start(&waiting(), d("2026-12-05"), today),
        Err(ProposalError::InFuture)
    );
    let p = started();
    assert_eq!(p.statuses.index_date(), Some(d("2026-04-01")));
    assert_eq!(p.statuses.periods()[1].valid_to, Some(d("2026-04-01")));
    // Started once: starting again is refused with the status named.
    let again = start(&p, d("2026-05-01"), today).unwrap_err();
    assert_eq!(
        again.to_string(),
        "Oppstart gjelder ikke en deltaker med status «Deltar»."
    );
    assert_eq!(again.field(), "endring");
}

#[test]
fn ending_closes_the_participation_and_nothing_more_is_proposed_after() {
    let today = d(TODAY);
    let change = Change::End {
        end: d("2026-11-15"),
        ended: jobb(),
    };
    let ended = apply(&change, &started(), today).unwrap();
    let now = ended.statuses.current();
    assert_eq!(now.status, S::HarSluttet);
    assert_eq!(now.valid_from, d("2026-11-15"));
    assert_eq!(now.ended, Some(jobb()));
    // The index date stays what it was.
    assert_eq!(ended.statuses.index_date(), Some(d("2026-04-01")));
    for change in [
        Change::Extend {
            end: d("2027-06-30"),
        },
        Change::End {
            end: d("2026-11-20"),
            ended: jobb(),
        },
        Change::Amount(Amount {
            percent: 50,
            days_per_week: None,
            valid_from: d("2026-11-01"),
        }),
        Change::RemoveStart,
    ] {
        assert_eq!(
            apply(&change, &ended, today),
            Err(ProposalError::Ended),
            "{change:?}"
        );
    }
    // An end in the future, or on the start, is refused.
    let future = Change::End {
        end: d("2026-12-05"),
        ended: jobb(),
    };
    assert_eq!(
        apply(&future, &started(), today),
        Err(ProposalError::InFuture)
    );
    let on_start = Change::End {
        end: d("2026-04-01"),
        ended: jobb(),
    };
    assert_eq!(
        apply(&on_start, &started(), today),
        Err(ProposalError::NotAfterStart("01.04.2026".into()))
    );
}

#[test]
fn the_end_of_an_ended_participation_moves_and_its_reason_changes() {
    let today = d(TODAY);
    let ended = apply(
        &Change::End {
            end: d("2026-11-15"),
            ended: jobb(),
        },
        &started(),
        today,
    )
    .unwrap();
    let moved = apply(
        &Change::EndDate {
            end: d("2026-10-31"),
        },
        &ended,
        today,
    )
    .unwrap();
    assert_eq!(moved.statuses.current().valid_from, d("2026-10-31"));
    assert_eq!(moved.statuses.periods()[2].valid_to, Some(d("2026-10-31")));
    let annet = super::ended(Some(EndReason::Annet), "Flyttet til Bergen").unwrap();
    let reason = apply(
        &Change::EndReason {
            ended: annet.clone(),
        },
        &ended,
        today,
    )
    .unwrap();
    assert_eq!(reason.statuses.current().ended, Some(annet));
    assert_eq!(
        apply(&Change::EndReason { ended: jobb() }, &ended, today),
        Err(ProposalError::NoChange)
    );
    assert!(matches!(
        apply(&Change::EndReason { ended: jobb() }, &started(), today),
        Err(ProposalError::WrongStatus(_))
    ));
}

#[test]
fn extend_and_end_date_set_the_planned_end() {
    let today = d(TODAY);
    let p = apply(
        &Change::EndDate {
            end: d("2027-03-31"),
        },
        &started(),
        today,
    )
    .unwrap();
    assert_eq!(p.planned_end, Some(d("2027-03-31")));
    assert_eq!(
        apply(
            &Change::Extend {
                end: d("2027-03-31")
            },
            &p,
            today
        ),
        Err(ProposalError::NotLater("31.03.2027".into()))
    );
    let longer = apply(
        &Change::Extend {
            end: d("2027-09-30"),
        },
        &p,
        today,
    )
    .unwrap();
    assert_eq!(longer.planned_end, Some(d("2027-09-30")));
    assert_eq!(
        apply(
            &Change::EndDate {
                end: d("2026-03-31")
            },
            &p,
            today
        ),
        Err(ProposalError::NotAfterStart("01.04.2026".into()))
    );
}

#[test]
fn participation_amount_is_in_range_and_a_real_change() {
    let today = d(TODAY);
    let amount = |percent, days| {
        Change::Amount(Amount {
            percent,
            days_per_week: days,
            valid_from: d("2026-09-01"),
        })
    };
    assert_eq!(
        apply(&amount(0, None), &started(), today),
        Err(ProposalError::Percent)
    );
    assert_eq!(
        apply(&amount(101, None), &started(), today),
        Err(ProposalError::Percent)
    );
    assert_eq!(
        apply(&amount(60, Some(6)), &started(), today),
        Err(ProposalError::Days)
    );
    assert_eq!(
        apply(&amount(100, None), &started(), today),
        Err(ProposalError::NoChange)
    );
    let p = apply(&amount(60, Some(3)), &started(), today).unwrap();
    assert_eq!(
        p.amount.map(|a| (a.percent, a.days_per_week)),
        Some((60, Some(3)))
    );
    assert_eq!(
        apply(&amount(60, Some(3)), &p, today),
        Err(ProposalError::NoChange)
    );
    let early = Change::Amount(Amount {
        percent: 50,
        days_per_week: None,
        valid_from: d("2026-03-15"),
    });
    assert_eq!(
        apply(&early, &started(), today),
        Err(ProposalError::NotAfterStart("01.04.2026".into()))
    );
}

#[test]
fn the_start_date_moves_within_the_history_or_is_removed() {
    let today = d(TODAY);
    let moved = apply(
        &Change::StartDate {
            start: d("2026-04-15"),
        },
        &started(),
        today,
    )
    .unwrap();
    assert_eq!(moved.statuses.index_date(), Some(d("2026-04-15")));
    assert_eq!(
        apply(
            &Change::StartDate {
                start: d("2026-03-10")
            },
            &started(),
            today
        ),
        Err(ProposalError::TooEarly("10.03.2026".into()))
    );
    assert_eq!(
        apply(
            &Change::StartDate {
                start: d("2026-04-01")
            },
            &started(),
            today
        ),
        Err(ProposalError::NoChange)
    );
    let removed = apply(&Change::RemoveStart, &started(), today).unwrap();
    assert_eq!(removed.statuses.current().status, S::VenterPaOppstart);
    assert_eq!(removed.statuses.index_date(), None);
    assert_eq!(removed.statuses.current().valid_from, d("2026-03-10"));
}

#[test]
fn not_relevant_before_the_start_only() {
    let today = d(TODAY);
    let change = Change::NotRelevant {
        ended: ended(Some(EndReason::FikkIkkePlass), "").unwrap(),
    };
    let p = apply(&change, &waiting(), today).unwrap();
    assert_eq!(p.statuses.current().status, S::IkkeAktuell);
    assert!(matches!(
        apply(&change, &started(), today),
        Err(ProposalError::WrongStatus(_))
    ));
}

#[test]
fn reasons_carry_text_with_annet_only() {
    assert_eq!(ended(None, ""), Err(ProposalError::ReasonMissing));
    assert_eq!(
        ended(Some(EndReason::Annet), "  "),
        Err(ProposalError::Description)
    );
    assert_eq!(
        ended(Some(EndReason::Syk), "influensa"),
        Err(ProposalError::Description)
    );
    assert_eq!(
        ended(Some(EndReason::Annet), &"x".repeat(201)),
        Err(ProposalError::Description)
    );
    assert_eq!(ProposalError::Description.field(), "beskrivelse");
}

#[test]
fn only_a_waiting_proposal_is_answered_by_the_right_role() {
    use ProposalStatus as P;
    assert!(check_answer(P::Waiting, P::Approved, Role::NavCaseOfficer, None).is_ok());
    assert_eq!(
        check_answer(P::Waiting, P::Rejected, Role::NavCaseOfficer, Some(" ")),
        Err(ProposalError::RejectionReason)
    );
    assert!(check_answer(
        P::Waiting,
        P::Rejected,
        Role::NavCaseOfficer,
        Some("Mangler dokumentasjon")
    )
    .is_ok());
    assert!(matches!(
        check_answer(P::Waiting, P::Approved, Role::ProviderStaff, None),
        Err(ProposalError::Role(_))
    ));
    assert!(matches!(
        check_answer(P::Waiting, P::Withdrawn, Role::NavCaseOfficer, None),
        Err(ProposalError::Role(_))
    ));
    assert!(check_answer(P::Waiting, P::Withdrawn, Role::ProviderAdmin, None).is_ok());
    assert_eq!(
        check_answer(P::Approved, P::Withdrawn, Role::ProviderStaff, None),
        Err(ProposalError::Answered("Godkjent"))
    );
    for s in [P::Waiting].into_iter().chain(P::ANSWERS) {
        assert_eq!(P::from_code(s.code()), Some(s));
    }
    for k in ProposalKind::ALL {
        assert_eq!(ProposalKind::from_code(k.code()), Some(k));
    }
}
