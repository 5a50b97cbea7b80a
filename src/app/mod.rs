//! The browser shell of the page: Leptos components that render view models
//! and turn clicks into studio events, and the shell that runs the studio's
//! effects. No analysis logic lives here: the worker owns the session.

mod bridge;
mod canvas;
mod components;
mod measured_canvas;
mod next_task;
mod state;

/// Entry point of the page binary.
pub fn mount() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(components::App);
}
