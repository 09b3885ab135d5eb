//! Logs: human-readable lines by default, or with `EFFEKT_LOG_FORMAT=json` one JSON object per
//! line in the shape Nav's log platform reads: `@timestamp`, `level`, `message`,
//! `logger_name`, the request id of the request the line belongs to (`x_request_id`), and the
//! event's other fields. Messages carry no personal data: handlers log ids and usernames of
//! staff, never a participant's name or national id, and request paths without their query.

use std::io::Write;
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::EnvFilter;

fn filter() -> EnvFilter {
    EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"))
}

/// Sets up logging to standard error, as `EFFEKT_LOG_FORMAT` (`text` or `json`) says.
pub fn init() -> Result<(), String> {
    match std::env::var("EFFEKT_LOG_FORMAT").as_deref() {
        Err(_) | Ok("text") | Ok("") => {
            tracing_subscriber::fmt()
                .with_env_filter(filter())
                .with_writer(std::io::stderr)
                .init();
            Ok(())
        }
        Ok("json") => {
            tracing_subscriber::registry()
                .with(filter())
                .with(NavJson::new(std::io::stderr))
                .init();
            Ok(())
        }
        Ok(other) => Err(format!(
            "EFFEKT_LOG_FORMAT: unknown format {other:?}; use text or json"
        )),
    }
}

/// Collects an event's or span's fields as JSON values.
#[derive(Default)]
struct Fields(Map<String, Value>);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .insert(field.name().to_owned(), Value::String(format!("{value:?}")));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0
            .insert(field.name().to_owned(), Value::String(value.to_owned()));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().to_owned(), Value::from(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().to_owned(), Value::from(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.insert(field.name().to_owned(), Value::from(value));
    }
}

/// The request id a span carries, kept with the span.
struct RequestId(String);

type MakeWriter = Arc<dyn Fn() -> Box<dyn Write + Send> + Send + Sync>;

/// The JSON layer; `make` gives the writer each line goes to.
pub struct NavJson {
    make: MakeWriter,
    /// One line at a time, whole, even from many threads.
    lock: Mutex<()>,
}

impl NavJson {
    pub fn new<W: Write + Send + 'static>(make: fn() -> W) -> Self {
        Self {
            make: Arc::new(move || Box::new(make())),
            lock: Mutex::new(()),
        }
    }

    #[cfg(test)]
    fn to_buffer(buffer: Arc<Mutex<Vec<u8>>>) -> Self {
        struct Shared(Arc<Mutex<Vec<u8>>>);
        impl Write for Shared {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0
                    .lock()
                    .map_err(|_| std::io::ErrorKind::Other)?
                    .extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        Self {
            make: Arc::new(move || Box::new(Shared(buffer.clone()))),
            lock: Mutex::new(()),
        }
    }
}

/// The moment a line is written, in UTC with milliseconds: the log's own clock, not the
/// application's (which may be pinned in tests).
#[allow(clippy::disallowed_methods)]
fn timestamp() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for NavJson {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        if let (Some(Value::String(request)), Some(span)) =
            (fields.0.remove("request_id"), ctx.span(id))
        {
            span.extensions_mut().insert(RequestId(request));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let meta = event.metadata();
        let mut line = Map::new();
        line.insert("@timestamp".into(), Value::String(timestamp()));
        line.insert("level".into(), Value::String(meta.level().to_string()));
        line.insert(
            "message".into(),
            fields
                .0
                .remove("message")
                .unwrap_or(Value::String(String::new())),
        );
        line.insert(
            "logger_name".into(),
            Value::String(meta.target().to_owned()),
        );
        let request = ctx.event_scope(event).and_then(|scope| {
            scope
                .from_root()
                .filter_map(|span| span.extensions().get::<RequestId>().map(|r| r.0.clone()))
                .last()
        });
        if let Some(request) = request {
            line.insert("x_request_id".into(), Value::String(request));
        }
        for (k, v) in fields.0 {
            line.entry(k).or_insert(v);
        }
        let text = Value::Object(line).to_string();
        let _guard = self.lock.lock();
        let mut out = (self.make)();
        let _ = writeln!(out, "{text}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_line_has_the_fields_nav_reads_and_the_request_id() {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let subscriber = tracing_subscriber::registry().with(NavJson::to_buffer(buffer.clone()));
        tracing::subscriber::with_default(subscriber, || {
            let span = tracing::info_span!("request", method = "GET", request_id = "abc-123");
            let _entered = span.enter();
            tracing::warn!(statement = 7, "statement step taken");
        });
        let text = String::from_utf8(buffer.lock().unwrap().clone()).unwrap();
        let line: Value = serde_json::from_str(text.trim()).unwrap();
        assert_eq!(line["level"], "WARN");
        assert_eq!(line["message"], "statement step taken");
        assert_eq!(line["x_request_id"], "abc-123");
        assert_eq!(line["statement"], 7);
        assert!(line["logger_name"].as_str().unwrap().starts_with("effekt"));
        let stamp = line["@timestamp"].as_str().unwrap();
        assert!(
            chrono::DateTime::parse_from_rfc3339(stamp).is_ok(),
            "{stamp}"
        );
        assert_eq!(text.lines().count(), 1);
    }
}
