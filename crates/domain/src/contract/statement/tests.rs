use proptest::prelude::*;

use super::*;

fn at() -> DateTime<Utc> {
    DateTime::from_timestamp(1_790_000_000, 0).unwrap()
}

const MANAGER: UserId = UserId(1);
const OTHER_MANAGER: UserId = UserId(2);
const OFFICER: UserId = UserId(3);
const EVALUATOR: UserId = UserId(4);

fn computed() -> Statement {
    Statement::compute(
        "2026Q3",
        Nok::from_kroner(150_000).unwrap(),
        MANAGER,
        Role::NavContractManager,
        at(),
    )
    .unwrap()
}

#[test]
fn the_whole_path_computed_verified_approved_twice_paid() {
    let mut s = computed();
    assert_eq!(
        s.take(Step::Verify, EVALUATOR, Role::Evaluator, at()),
        Ok(Stage::Verified)
    );
    assert_eq!(
        s.take(Step::Approve, OTHER_MANAGER, Role::NavContractManager, at()),
        Ok(Stage::HalfApproved)
    );
    assert_eq!(
        s.take(Step::Approve, OFFICER, Role::NavCaseOfficer, at()),
        Ok(Stage::Approved)
    );
    assert_eq!(
        s.take(Step::Pay, MANAGER, Role::NavContractManager, at()),
        Ok(Stage::Paid)
    );
    let steps: Vec<(Step, UserId)> = s.events.iter().map(|e| (e.step, e.by)).collect();
    assert_eq!(
        steps,
        [
            (Step::Compute, MANAGER),
            (Step::Verify, EVALUATOR),
            (Step::Approve, OTHER_MANAGER),
            (Step::Approve, OFFICER),
            (Step::Pay, MANAGER)
        ]
    );
}

#[test]
fn separation_of_duties_is_enforced() {
    let mut s = computed();
    // Not before verification, and not by the evaluator.
    assert_eq!(
        s.take(Step::Approve, OTHER_MANAGER, Role::NavContractManager, at()),
        Err(StepError::NotNext(Stage::Computed))
    );
    assert_eq!(
        s.take(Step::Verify, OFFICER, Role::NavCaseOfficer, at()),
        Err(StepError::WrongRole("the independent evaluator"))
    );
    s.take(Step::Verify, EVALUATOR, Role::Evaluator, at())
        .unwrap();
    // Approving one's own computation is refused.
    assert_eq!(
        s.take(Step::Approve, MANAGER, Role::NavContractManager, at()),
        Err(StepError::OwnComputation)
    );
    assert_eq!(
        s.take(Step::Approve, EVALUATOR, Role::Evaluator, at()),
        Err(StepError::WrongRole("Nav users"))
    );
    s.take(Step::Approve, OTHER_MANAGER, Role::NavContractManager, at())
        .unwrap();
    // The same user cannot give both approvals; paying needs both.
    assert_eq!(
        s.take(Step::Approve, OTHER_MANAGER, Role::NavContractManager, at()),
        Err(StepError::SecondApprovalBySameUser)
    );
    assert_eq!(
        s.take(Step::Pay, MANAGER, Role::NavContractManager, at()),
        Err(StepError::NotNext(Stage::HalfApproved))
    );
    // Only a contract manager computes.
    assert_eq!(
        Statement::compute("2026Q3", Nok::ZERO, OFFICER, Role::NavCaseOfficer, at()),
        Err(StepError::WrongRole("a Nav contract manager"))
    );
}

proptest! {
    /// Whatever steps are tried by whoever, a paid statement was verified by the evaluator and
    /// approved by two different Nav users, neither of whom computed or verified it; and a
    /// refused step changes nothing.
    #[test]
    fn no_sequence_of_steps_breaks_the_rules(tries in prop::collection::vec((0usize..6, 1i64..6, 0usize..4), 0..30)) {
        let roles = [Role::NavContractManager, Role::NavCaseOfficer, Role::Evaluator, Role::Investor];
        let steps = Step::ALL;
        let mut s = computed();
        for (step, user, role) in tries {
            let before = s.clone();
            if s.take(steps[step], UserId(user), roles[role], at()).is_err() {
                prop_assert_eq!(&s, &before);
            }
        }
        let approvers: Vec<UserId> = s.events.iter().filter(|e| e.step == Step::Approve).map(|e| e.by).collect();
        prop_assert!(approvers.len() <= 2);
        if approvers.len() == 2 {
            prop_assert_ne!(approvers[0], approvers[1]);
        }
        let computer = s.events[0].by;
        let verifier = s.events.iter().find(|e| e.step == Step::Verify).map(|e| e.by);
        for a in &approvers {
            prop_assert_ne!(*a, computer);
            prop_assert_ne!(Some(*a), verifier);
        }
        if s.stage() == Stage::Paid {
            prop_assert!(verifier.is_some() && approvers.len() == 2);
        }
        let withdrawn = s.events.iter().position(|e| e.step == Step::Withdraw);
        if let Some(w) = withdrawn {
            prop_assert_eq!(w, s.events.len() - 1, "nothing follows a withdrawal");
            prop_assert!(approvers.len() < 2, "an approved statement cannot be withdrawn");
        }
        // A statement sent back is never approved or paid after it, only withdrawn.
        if let Some(b) = s.events.iter().position(|e| e.step == Step::SendBack) {
            prop_assert!(s.events[b..].iter().skip(1).all(|e| e.step == Step::Withdraw));
            prop_assert!(s.events[..b].iter().all(|e| matches!(e.step, Step::Compute | Step::Verify)));
        }
    }
}

#[test]
fn the_evaluator_sends_back_before_any_approval_and_then_only_recomputing_helps() {
    // Straight from computed, or after verifying.
    for verified_first in [false, true] {
        let mut s = computed();
        if verified_first {
            s.take(Step::Verify, EVALUATOR, Role::Evaluator, at())
                .unwrap();
            assert!(s.vouched());
        }
        assert_eq!(
            s.take(Step::SendBack, MANAGER, Role::NavContractManager, at()),
            Err(StepError::WrongRole("the independent evaluator"))
        );
        assert_eq!(
            s.take(Step::SendBack, EVALUATOR, Role::Evaluator, at()),
            Ok(Stage::SentBack)
        );
        // Nobody vouches for it now, nor sends it back twice; it is not vouched for, so
        // computing again needs no reason.
        assert!(!s.vouched());
        for (step, by, role) in [
            (Step::Verify, EVALUATOR, Role::Evaluator),
            (Step::SendBack, EVALUATOR, Role::Evaluator),
            (Step::Approve, OFFICER, Role::NavCaseOfficer),
            (Step::Pay, MANAGER, Role::NavContractManager),
        ] {
            assert_eq!(
                s.take(step, by, role, at()),
                Err(StepError::NotNext(Stage::SentBack))
            );
        }
        assert_eq!(
            s.take(Step::Withdraw, MANAGER, Role::NavContractManager, at()),
            Ok(Stage::Withdrawn)
        );
    }
    // Once approved by one, it is Nav's: no send-back.
    let mut s = computed();
    s.take(Step::Verify, EVALUATOR, Role::Evaluator, at())
        .unwrap();
    s.take(Step::Approve, OFFICER, Role::NavCaseOfficer, at())
        .unwrap();
    assert_eq!(
        s.take(Step::SendBack, EVALUATOR, Role::Evaluator, at()),
        Err(StepError::NotNext(Stage::HalfApproved))
    );
    assert_eq!(Step::from_code("send_back"), Some(Step::SendBack));
}
