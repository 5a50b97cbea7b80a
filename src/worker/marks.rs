//! The current thread's performance clock, on the page and in the workers
//! alike, and `performance.mark`s where the stages of a run start and end: a
//! performance trace of a run then shows where each thread's time went
//! (`bench/trace_run.mjs` prints them).

use wasm_bindgen::JsCast;

fn performance() -> Option<web_sys::Performance> {
    js_sys::Reflect::get(&js_sys::global(), &"performance".into())
        .ok()
        .and_then(|p| p.dyn_into::<web_sys::Performance>().ok())
}

/// Marks `name` on the current thread's timeline (the page's or a worker's).
pub fn mark(name: &str) {
    if let Some(performance) = performance() {
        let _ = performance.mark(name);
    }
}

/// Milliseconds on the current thread's clock.
pub fn now_ms() -> f64 {
    performance().map_or_else(js_sys::Date::now, |p| p.now())
}

/// Seconds on the current thread's clock.
pub fn now_seconds() -> f64 {
    now_ms() / 1000.0
}
