use super::*;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn t(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn member(id: i64, from: &str, to: Option<&str>) -> Membership {
    Membership {
        participant: ParticipantId(id),
        from: d(from),
        to: to.map(d),
    }
}

fn norsk(starts: &str, minutes: u16, room: &str, teacher: i64) -> Session {
    session(
        t(starts),
        minutes,
        room,
        room.is_empty(),
        UserId(teacher),
        "norsk-lese",
    )
    .unwrap()
}

#[test]
fn an_eleventh_member_needs_a_reason_and_nobody_joins_twice() {
    let ten: Vec<Membership> = (1..=10).map(|i| member(i, "2026-01-05", None)).collect();
    assert_eq!(
        join(&ten[..9], ParticipantId(11), d("2026-02-01"), ""),
        Ok(None),
        "a tenth"
    );
    assert_eq!(
        join(&ten, ParticipantId(11), d("2026-02-01"), "  "),
        Err(GroupError::Full(10))
    );
    assert_eq!(
        join(
            &ten,
            ParticipantId(11),
            d("2026-02-01"),
            " Søsken i gruppen "
        ),
        Ok(Some("Søsken i gruppen".to_owned()))
    );
    assert_eq!(
        join(&ten, ParticipantId(3), d("2026-02-01"), ""),
        Err(GroupError::AlreadyMember)
    );
    // One who left counts no more; she may come back later.
    let mut left = ten.clone();
    left[2].to = Some(d("2026-01-20"));
    assert_eq!(
        join(&left, ParticipantId(11), d("2026-02-01"), ""),
        Ok(None)
    );
    assert_eq!(join(&left, ParticipantId(3), d("2026-02-01"), ""), Ok(None));
    assert!(matches!(
        join(
            &ten,
            ParticipantId(11),
            d("2026-02-01"),
            "Gjelder 13527248013"
        ),
        Err(GroupError::Text(_))
    ));
}

#[test]
fn sessions_clash_on_room_or_teacher_only_when_they_overlap() {
    let planned = norsk("2026-03-02 09:00", 120, "Rom 2", 7);
    let others = [(&planned, "mandag 02.03.2026 kl. 09.00")];
    // Back to back is no clash.
    assert_eq!(
        clash(&norsk("2026-03-02 11:00", 60, "Rom 2", 7), others),
        Ok(())
    );
    assert_eq!(
        clash(&norsk("2026-03-02 10:30", 60, "rom 2", 8), others),
        Err(GroupError::RoomTaken("mandag 02.03.2026 kl. 09.00".into()))
    );
    assert!(matches!(
        clash(&norsk("2026-03-02 10:30", 60, "Rom 3", 7), others),
        Err(GroupError::TeacherTaken(_))
    ));
    assert_eq!(
        clash(&norsk("2026-03-02 10:00", 60, "", 8), others),
        Ok(()),
        "remote, another teacher"
    );
}

#[test]
fn a_session_is_checked_as_typed_and_series_are_weekly() {
    assert_eq!(
        session(
            t("2026-03-02 09:00"),
            10,
            "Rom 1",
            false,
            UserId(1),
            "norsk-lese"
        ),
        Err(GroupError::Length)
    );
    assert_eq!(
        session(
            t("2026-03-02 09:00"),
            60,
            "",
            false,
            UserId(1),
            "norsk-lese"
        ),
        Err(GroupError::NoRoom)
    );
    assert_eq!(
        session(
            t("2026-03-02 09:00"),
            60,
            "Rom 1",
            false,
            UserId(1),
            "strikking"
        ),
        Err(GroupError::UnknownModule)
    );
    let remote = session(
        t("2026-03-02 09:00"),
        90,
        "",
        true,
        UserId(1),
        "digitale-ferdigheter",
    )
    .unwrap();
    assert_eq!(remote.place, Place::Remote);
    assert_eq!(remote.ends(), t("2026-03-02 10:30"));
    let series = weekly(t("2026-03-02 09:00"), 3).unwrap();
    assert_eq!(
        series,
        vec![
            t("2026-03-02 09:00"),
            t("2026-03-09 09:00"),
            t("2026-03-16 09:00")
        ]
    );
    assert_eq!(
        weekly(t("2026-03-02 09:00"), 1),
        Err(GroupError::SeriesLength)
    );
}

#[test]
fn a_held_session_is_not_cancelled_and_a_cancellation_needs_a_reason() {
    assert!(matches!(
        cancel(&SessionState::Planned, ""),
        Err(GroupError::Text(_))
    ));
    assert_eq!(
        cancel(&SessionState::Planned, "Læreren er syk"),
        Ok(SessionState::Cancelled("Læreren er syk".into()))
    );
    assert!(matches!(
        cancel(&SessionState::Held, "x"),
        Err(GroupError::WrongState(_))
    ));
    assert!(matches!(
        cancel(&SessionState::Cancelled("x".into()), "y"),
        Err(GroupError::WrongState(_))
    ));
}

fn mark(id: i64, presence: &str, reason: &str, hours: &str) -> TypedMark {
    TypedMark {
        participant: ParticipantId(id),
        name: format!("Deltaker {id}"),
        presence: presence.into(),
        reason: reason.into(),
        hours: hours.into(),
    }
}

#[test]
fn attendance_is_for_the_whole_group_on_the_day_with_reasons_and_hours() {
    let s = norsk("2026-03-02 09:00", 150, "Rom 2", 7);
    let members = [
        member(1, "2026-01-05", None),
        member(2, "2026-01-05", Some("2026-03-01")),
        member(3, "2026-03-02", None),
    ];
    let now = t("2026-03-02 12:00");
    let form = [
        mark(1, "TILSTEDE", "", "2"),
        mark(3, "FRAVAER", "SYKT_BARN", ""),
    ];
    let marks = attendance(&s, &SessionState::Planned, &members, &form, now).unwrap();
    assert_eq!(marks[0].hours, Decimal::from(2));
    assert_eq!(
        marks[1],
        Mark {
            participant: ParticipantId(3),
            presence: Presence::Absent(AbsenceReason::SickChild),
            hours: Decimal::ZERO
        }
    );
    // The whole session when no hours are typed; a comma is a decimal separator.
    let marks = attendance(
        &s,
        &SessionState::Held,
        &members,
        &[mark(1, "DIGITALT", "", ""), mark(3, "TILSTEDE", "", "1,5")],
        now,
    )
    .unwrap();
    assert_eq!(marks[0].hours, Decimal::new(25, 1));
    assert_eq!(marks[1].hours, Decimal::new(15, 1));
    // Refused: before it began, cancelled, someone who had left, someone missing, no reason,
    // more hours than the session.
    assert_eq!(
        attendance(
            &s,
            &SessionState::Planned,
            &members,
            &form,
            t("2026-03-02 08:59")
        ),
        Err(GroupError::Future)
    );
    assert!(matches!(
        attendance(
            &s,
            &SessionState::Cancelled("x".into()),
            &members,
            &form,
            now
        ),
        Err(GroupError::WrongState(_))
    ));
    assert_eq!(
        attendance(
            &s,
            &SessionState::Planned,
            &members,
            &[
                mark(1, "TILSTEDE", "", ""),
                mark(2, "TILSTEDE", "", ""),
                mark(3, "TILSTEDE", "", "")
            ],
            now
        ),
        Err(GroupError::NotMember("Deltaker 2".into()))
    );
    assert_eq!(
        attendance(
            &s,
            &SessionState::Planned,
            &members,
            &[mark(1, "TILSTEDE", "", "")],
            now
        ),
        Err(GroupError::Missing(1))
    );
    assert_eq!(
        attendance(
            &s,
            &SessionState::Planned,
            &members,
            &[mark(1, "FRAVAER", "", ""), mark(3, "TILSTEDE", "", "")],
            now
        ),
        Err(GroupError::NoReason)
    );
    assert_eq!(
        attendance(
            &s,
            &SessionState::Planned,
            &members,
            &[mark(1, "TILSTEDE", "", "3"), mark(3, "TILSTEDE", "", "")],
            now
        ),
        Err(GroupError::Hours("2,5 t".into()))
    );
    assert_eq!(
        attendance(
            &s,
            &SessionState::Planned,
            &members,
            &[mark(1, "", "", ""), mark(3, "TILSTEDE", "", "")],
            now
        ),
        Err(GroupError::NoPresence)
    );
    for r in AbsenceReason::ALL {
        assert_eq!(AbsenceReason::from_code(r.code()), Some(r));
    }
}

#[test]
fn the_rate_is_hours_attended_over_hours_planned() {
    assert_eq!(attendance_rate(&[]), None);
    let rate = attendance_rate(&[
        (Decimal::from(2), Decimal::from(2)),
        (Decimal::ZERO, Decimal::from(2)),
        (Decimal::ONE, Decimal::from(2)),
    ]);
    assert_eq!(rate, Some(Decimal::new(5, 1)));
}

#[test]
fn a_member_leaves_after_joining_and_after_the_last_attendance() {
    let p = ParticipantId(1);
    let members = [
        member(1, "2026-03-02", None),
        member(2, "2026-03-02", Some("2026-04-01")),
    ];
    assert_eq!(
        leave(&members, p, d("2026-05-01"), Some(d("2026-04-27"))),
        Ok(())
    );
    assert_eq!(
        leave(&members, p, d("2026-03-02"), None),
        Err(GroupError::LeaveBeforeJoin("02.03.2026".into())),
        "not on the day they joined"
    );
    assert_eq!(
        leave(&members, p, d("2026-04-27"), Some(d("2026-04-27"))),
        Err(GroupError::LeaveBeforeAttendance("27.04.2026".into())),
        "not before a session they have a mark for"
    );
    assert_eq!(
        leave(&members, ParticipantId(2), d("2026-05-01"), None),
        Err(GroupError::NotCurrentMember),
        "one who left already"
    );
    assert_eq!(
        leave(&members, ParticipantId(9), d("2026-05-01"), None),
        Err(GroupError::NotCurrentMember)
    );
    assert_eq!(GroupError::NotCurrentMember.field(), "slutt_deltaker");
    assert_eq!(GroupError::LeaveBeforeJoin(String::new()).field(), "til");
}

#[test]
fn groups_are_counted_in_bands_of_attendance_rounded_down() {
    assert_eq!(rate_band(0, 0), None, "nothing planned");
    assert_eq!(rate_band(0, 150), Some(0));
    assert_eq!(rate_band(74, 150), Some(0), "49,3 %");
    assert_eq!(rate_band(75, 150), Some(1), "50 %");
    assert_eq!(rate_band(127, 150), Some(2), "84,7 % is not 85");
    assert_eq!(rate_band(128, 150), Some(3));
    assert_eq!(rate_band(150, 150), Some(3));
}
