#[cfg(target_arch = "wasm32")]
fn main() {
    segmento::worker::register();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the analysis worker only runs in the browser");
}
