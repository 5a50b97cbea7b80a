//! `performance.mark`s where the stages of a run start and end, on the page
//! and in the workers alike: a performance trace of a run then shows where
//! each thread's time went (`bench/trace_run.mjs` prints them).

use wasm_bindgen::JsCast;

/// Marks `name` on the current thread's timeline (the page's or a worker's).
pub fn mark(name: &str) {
    let performance = js_sys::Reflect::get(&js_sys::global(), &"performance".into())
        .ok()
        .and_then(|p| p.dyn_into::<web_sys::Performance>().ok());
    if let Some(performance) = performance {
        let _ = performance.mark(name);
    }
}
