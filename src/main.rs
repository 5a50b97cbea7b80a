#[cfg(target_arch = "wasm32")]
fn main() {
    segmento::app::mount();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("segmento is a browser app: build it with `trunk build` (see README.md)");
}
