//! How a name in a contract (an outcome's, a cohort outcome's, a party's) is read: two names
//! are the same name when they look the same. "Måned" typed on a Mac (NFD: `a` + combining
//! ring) and on Windows (NFC: `å`) is one outcome, and a name of only a zero-width space is no
//! name at all.

use unicode_normalization::UnicodeNormalization;

/// Characters that take no space and show nothing: zero-width space, non-joiner and joiner,
/// word joiner, the byte order mark, and the soft hyphen.
const INVISIBLE: [char; 6] = [
    '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{00AD}',
];

/// The name as stored and compared: invisible characters removed, whitespace trimmed at both
/// ends, in Unicode NFC. Empty when nothing visible is left.
pub fn normalise(raw: &str) -> String {
    let visible: String = raw.chars().filter(|c| !INVISIBLE.contains(c)).collect();
    visible.trim().nfc().collect()
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn names_that_look_the_same_are_the_same() {
        let nfd = "Ma\u{030A}ned";
        let nfc = "M\u{00E5}ned";
        assert_ne!(nfd, nfc);
        assert_eq!(normalise(nfd), normalise(nfc));
        assert_eq!(normalise(nfd), nfc);
        assert_eq!(normalise("  Jobb\u{200B}start\u{FEFF} "), "Jobbstart");
        assert_eq!(normalise("\u{200B}"), "");
        assert_eq!(normalise(" \u{00AD}\u{2060} "), "");
        // Letters and inner spaces are kept as they are.
        assert_eq!(
            normalise("Varig arbeid i seks måneder"),
            "Varig arbeid i seks måneder"
        );
    }
}
