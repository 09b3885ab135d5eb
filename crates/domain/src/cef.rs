//! Audit records as CEF (ArcSight Common Event Format) lines, as Nav's audit platform reads
//! them: `CEF:0|effekt|AuditLogger|1.0|audit:access|<name>|INFO|<extension>`.

/// Escapes a header field: backslash and pipe (CEF spec, "Header Information").
pub fn escape_header(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '|' => out.push_str("\\|"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Escapes an extension value: backslash, equals sign, and line breaks as `\n` / `\r`.
pub fn escape_extension(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '=' => out.push_str("\\="),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

/// One audit event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CefEvent<'a> {
    /// Human-readable event name, e.g. "Innsyn i deltaker".
    pub name: &'a str,
    /// The acting user (Nav ident or username).
    pub actor: &'a str,
    /// The subject's national id (current).
    pub subject: &'a str,
    pub epoch_millis: i64,
    pub request_id: &'a str,
    pub permitted: bool,
    /// `audit:access` for reads of personal data, `audit:change` for steps that change what is
    /// paid (statement transitions, amendment decisions).
    pub signature: &'a str,
}

impl CefEvent<'_> {
    pub fn line(&self) -> String {
        format!(
            "CEF:0|effekt|AuditLogger|1.0|{}|{}|INFO|suid={} duid={} end={} sproc={} flexString1Label=Decision flexString1={}",
            escape_header(self.signature),
            escape_header(self.name),
            escape_extension(self.actor),
            escape_extension(self.subject),
            self.epoch_millis,
            escape_extension(self.request_id),
            if self.permitted { "Permit" } else { "Deny" }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_has_nav_s_shape() {
        let e = CefEvent {
            name: "Innsyn i deltaker",
            actor: "veileder.grunerlokka",
            subject: "13097248022",
            epoch_millis: 1_764_201_600_000,
            request_id: "req-1",
            permitted: true,
            signature: "audit:access",
        };
        assert_eq!(
            e.line(),
            "CEF:0|effekt|AuditLogger|1.0|audit:access|Innsyn i deltaker|INFO|suid=veileder.grunerlokka duid=13097248022 end=1764201600000 sproc=req-1 flexString1Label=Decision flexString1=Permit"
        );
        assert!(CefEvent {
            permitted: false,
            ..e
        }
        .line()
        .ends_with("flexString1=Deny"));
    }

    #[test]
    fn escaping_follows_the_cef_specification() {
        assert_eq!(escape_header(r"a|b\c"), r"a\|b\\c");
        assert_eq!(escape_extension("a=b\\c\nd\re|f"), "a\\=b\\\\c\\nd\\re|f");
        let e = CefEvent {
            name: "x|y",
            actor: "evil=user",
            subject: "1",
            epoch_millis: 0,
            request_id: "r",
            permitted: true,
            signature: "audit:access",
        };
        assert!(e.line().contains("|x\\|y|INFO|suid=evil\\=user "));
    }
}
