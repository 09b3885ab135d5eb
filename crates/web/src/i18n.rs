//! UI text through Fluent. Norwegian bokmål is the source language; English is the second.
//! Adding a participant language (e.g. Arabic, Somali, Tigrinya) is a new `locales/<tag>/`
//! folder; right-to-left scripts get `dir="rtl"` on the page and our CSS uses logical
//! properties throughout, so layouts mirror without further work.

use fluent_templates::{static_loader, Loader};
use unic_langid::{langid, LanguageIdentifier};

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "nb",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// Languages whose script runs right to left.
const RTL: &[&str] = &["ar", "fa", "ps", "ur", "he", "ckb"];

/// The language a page is rendered in.
#[derive(Debug, Clone)]
pub struct Lang {
    id: LanguageIdentifier,
}

impl Default for Lang {
    fn default() -> Self {
        Self { id: langid!("nb") }
    }
}

impl Lang {
    /// Picks a supported language from a `lang` cookie or `Accept-Language`, else bokmål.
    pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Self {
        let supported = |tag: &str| -> Option<LanguageIdentifier> {
            let id: LanguageIdentifier = tag.trim().parse().ok()?;
            let primary = id.language.as_str();
            let primary = if primary == "no" || primary == "nn" {
                "nb"
            } else {
                primary
            };
            LOCALES
                .locales()
                .find(|l| l.language.as_str() == primary)
                .cloned()
        };
        if let Some(id) = cookie.and_then(supported) {
            return Self { id };
        }
        let from_header = accept_language
            .into_iter()
            .flat_map(|h| h.split(','))
            .find_map(|part| supported(part.split(';').next().unwrap_or_default()));
        from_header.map_or_else(Self::default, |id| Self { id })
    }

    /// The BCP 47 tag for the `lang` attribute.
    pub fn code(&self) -> String {
        self.id.to_string()
    }

    /// `rtl` or `ltr`, for the `dir` attribute.
    pub fn dir(&self) -> &'static str {
        if RTL.contains(&self.id.language.as_str()) {
            "rtl"
        } else {
            "ltr"
        }
    }

    /// The text for `key`; the key itself if no language has it (visible, never a crash).
    pub fn t(&self, key: &str) -> String {
        LOCALES
            .try_lookup(&self.id, key)
            .unwrap_or_else(|| key.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bokmal_is_the_default_and_english_is_available() {
        assert_eq!(Lang::default().t("nav-participants"), "Deltakere");
        let en = Lang::negotiate(None, Some("en-GB,en;q=0.9"));
        assert_eq!(en.t("nav-participants"), "Participants");
        assert_eq!(Lang::negotiate(Some("nb"), Some("en")).code(), "nb");
        assert_eq!(Lang::negotiate(None, Some("nn-NO")).code(), "nb");
        assert_eq!(Lang::negotiate(None, Some("xx")).code(), "nb");
        assert_eq!(Lang::default().dir(), "ltr");
    }

    #[test]
    fn every_bokmal_key_exists_in_english() {
        let nb = include_str!("../locales/nb/main.ftl");
        let en = Lang::negotiate(Some("en"), None);
        for key in nb
            .lines()
            .filter_map(|l| l.split_once(" = "))
            .map(|(k, _)| k.trim())
        {
            if key.starts_with('#') || key.is_empty() {
                continue;
            }
            assert_ne!(en.t(key), key, "English lacks {key}");
        }
    }
}
