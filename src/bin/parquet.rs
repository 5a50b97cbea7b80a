#[cfg(target_arch = "wasm32")]
fn main() {
    segmento::worker::parquet_worker::register();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the Parquet reader only runs in the browser");
}
