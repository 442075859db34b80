//! Captures the canonical request that `aws-sigv4` computes.
//!
//! aws-sigv4 does not return its canonical request; it only emits it as a
//! trace event (with the session token redacted). Listening to that event,
//! for the one signing call, lets iamfetch show the canonical request without
//! computing a second one by hand that could disagree with the real one.

use std::fmt;
use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

const FIELD: &str = "canonical_request";

/// Runs `sign` and returns its result with the (redacted) canonical request it traced.
///
/// tracing caches each callsite's interest globally. A thread that registers
/// aws-sigv4's event while another thread's listener is being set up can cache
/// "never" for it (seen in parallel native tests), and the event is skipped:
/// then the interest is rebuilt and `sign`, which is deterministic, runs again.
pub(crate) fn with_canonical_request<T>(mut sign: impl FnMut() -> T) -> (T, Option<String>) {
    let (result, captured) = listen(&mut sign);
    if captured.is_some() {
        return (result, captured);
    }
    tracing::callsite::rebuild_interest_cache();
    listen(&mut sign)
}

fn listen<T>(sign: &mut impl FnMut() -> T) -> (T, Option<String>) {
    let slot = Arc::new(Mutex::new(None));
    let listener = CanonicalRequestListener { slot: slot.clone() };
    let result = tracing::subscriber::with_default(listener, sign);
    let captured = slot.lock().ok().and_then(|mut s| s.take());
    (result, captured)
}

struct CanonicalRequestListener {
    slot: Arc<Mutex<Option<String>>>,
}

impl Subscriber for CanonicalRequestListener {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        // Only the one event: formatting aws-sigv4's other traces would cost time.
        metadata.is_event() && metadata.fields().field(FIELD).is_some()
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut visitor = FieldVisitor(None);
        event.record(&mut visitor);
        if let (Some(value), Ok(mut slot)) = (visitor.0, self.slot.lock()) {
            *slot = Some(value);
        }
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

struct FieldVisitor(Option<String>);

impl Visit for FieldVisitor {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == FIELD {
            self.0 = Some(format!("{value:?}"));
        }
    }
}
