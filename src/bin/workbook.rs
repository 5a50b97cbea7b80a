#[cfg(target_arch = "wasm32")]
fn main() {
    segmento::worker::workbook_worker::register();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the workbook reader only runs in the browser");
}
