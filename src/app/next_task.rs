//! Work deferred to a task of its own, so it does not block the page together
//! with what is being built now.

use leptos::prelude::*;

/// A flag that turns true in a task after the current one (a zero-delay
/// timeout). A component disposed before then is left alone.
pub fn after_this_task() -> RwSignal<bool> {
    let ready = RwSignal::new(false);
    set_timeout(
        move || {
            let _ = ready.try_set(true);
        },
        std::time::Duration::ZERO,
    );
    ready
}
