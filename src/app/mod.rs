//! The browser shell: Leptos components that render view models and dispatch
//! work to the analysis worker. No analysis logic lives here.

mod bridge;
mod canvas;
mod components;
mod helper;
mod marks;
mod measured_canvas;
mod next_task;
mod state;
pub mod worker;

/// Entry point of the page binary.
pub fn mount() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(components::App);
}
