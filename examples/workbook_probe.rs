//! `engine::workbook` alone compiled to WebAssembly: what calamine and the
//! converter cost in bytes, and how fast they run in V8 (Node):
//!
//!     cargo build --release --example workbook_probe --target wasm32-unknown-unknown
//!     wasm-bindgen --target nodejs --out-dir /tmp/wbp target/wasm32-unknown-unknown/release/examples/workbook_probe.wasm
//!     node -e 'const p = require("/tmp/wbp/workbook_probe.js"); console.log(p.convert(require("fs").readFileSync("tests/fixtures/sample.xlsx")))'

#[cfg(target_arch = "wasm32")]
mod probe {
    use segmento::engine::workbook::{to_csv, SheetChoice, DEFAULT_MAX_OUTPUT_BYTES};
    use wasm_bindgen::prelude::*;

    /// Converts the first sheet; returns rows, CSV size and milliseconds.
    #[wasm_bindgen]
    pub fn convert(bytes: &[u8]) -> Result<String, String> {
        let started = js_sys::Date::now();
        let converted = to_csv(
            bytes,
            &SheetChoice::Index(0),
            DEFAULT_MAX_OUTPUT_BYTES,
            |_| {},
        )
        .map_err(|e| e.to_string())?;
        Ok(format!(
            "{} rows, {} bytes of CSV in {:.0} ms ({})",
            converted.rows,
            converted.csv.len(),
            js_sys::Date::now() - started,
            converted.note
        ))
    }
}
