//! Free text that other parties read: a reason for an amendment or a rejection, a comment on a
//! verification, why a period was computed again. These reach every role that reads the
//! contract or the statement (investors too), and an amendment's reason is published in the
//! INDIGO export, so they must not carry a person: text holding something that looks like a
//! national id (eleven digits, with or without a space after the sixth) is refused, and the
//! form's hint says to name no one.

/// Why a shared text is refused; the messages are Norwegian, for the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SharedTextError {
    #[error("Skriv en begrunnelse.")]
    Missing,
    #[error("Teksten kan være høyst {0} tegn.")]
    TooLong(usize),
    #[error("Teksten ser ut til å inneholde et fødselsnummer eller D-nummer. Begrunnelser leses av alle partene: skriv uten personopplysninger.")]
    PersonalData,
}

/// The trimmed text, or why it may not be shared: empty when `required`, longer than `max`
/// characters, or holding an eleven-digit number.
pub fn shared(text: &str, required: bool, max: usize) -> Result<Option<String>, SharedTextError> {
    let text = text.trim();
    if text.is_empty() {
        return if required {
            Err(SharedTextError::Missing)
        } else {
            Ok(None)
        };
    }
    if text.chars().count() > max {
        return Err(SharedTextError::TooLong(max));
    }
    if holds_national_id(text) {
        return Err(SharedTextError::PersonalData);
    }
    Ok(Some(text.to_owned()))
}

/// Whether eleven digits stand together, or as six and five split by one space, dot or dash
/// (how people write "241095 12482"), not inside a longer number.
pub fn holds_national_id(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() || (i > 0 && chars[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        // Digits from i, allowing one separator after exactly six of them.
        let mut digits = 0;
        let mut j = i;
        while j < chars.len() {
            let c = chars[j];
            if c.is_ascii_digit() {
                digits += 1;
            } else if digits == 6
                && matches!(c, ' ' | '.' | '-' | '\u{a0}')
                && chars.get(j + 1).is_some_and(char::is_ascii_digit)
                && chars
                    .get(j.wrapping_sub(1))
                    .is_some_and(char::is_ascii_digit)
            {
                // one separator, only here
            } else {
                break;
            }
            j += 1;
        }
        if digits == 11 {
            return true;
        }
        i = j.max(i + 1);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_without_a_person_is_kept_trimmed() {
        assert_eq!(
            shared(
                "  Prisen på kartlegging heves fra 1.7.2026 (vedtak 2026/1234). ",
                true,
                1000
            ),
            Ok(Some(
                "Prisen på kartlegging heves fra 1.7.2026 (vedtak 2026/1234).".to_owned()
            ))
        );
        assert_eq!(shared("   ", false, 1000), Ok(None));
        assert_eq!(shared("", true, 1000), Err(SharedTextError::Missing));
        assert_eq!(shared("æøå", true, 2), Err(SharedTextError::TooLong(2)));
        // Organisation numbers (nine digits), amounts and account numbers are fine.
        assert!(shared(
            "Org.nr. 910000004, kr 1 250 000, konto 1234.56.78903",
            true,
            1000
        )
        .is_ok());
        assert!(shared("Saksnummer 202612345678 gjelder", true, 1000).is_ok());
    }

    #[test]
    fn a_national_id_however_written_is_refused() {
        for text in [
            "Gjelder 24109512482 som flyttet",
            "Gjelder 241095 12482.",
            "241095-12482",
            "fnr:24109512482",
        ] {
            assert_eq!(
                shared(text, true, 1000),
                Err(SharedTextError::PersonalData),
                "{text}"
            );
        }
    }
}
