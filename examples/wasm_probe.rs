//! The engine compiled to WebAssembly for Node, to compare V8's speed with
//! native code stage by stage (see `bench/wasm_probe.sh`).

// A tool run by hand or by the benchmark scripts: a panic is its error message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

#[cfg(target_arch = "wasm32")]
mod probe {
    use segmento::engine::ingest::{IngestOutcome, IngestSettings, Ingestor};
    use segmento::engine::pipeline::{analyze, Analysis, AnalysisSettings};
    use wasm_bindgen::prelude::*;

    /// Ingests and analyses `bytes` in 4 MiB chunks; returns the timings.
    #[wasm_bindgen]
    pub fn run(bytes: &[u8]) -> Result<String, String> {
        let now = js_sys::Date::now;
        let started = now();
        let outcome = ingested(bytes)?;
        let read_at = now();
        let mut stages = Vec::new();
        let mut last = (String::from("start"), read_at);
        analyze(
            &outcome.ledger,
            &AnalysisSettings::default(),
            &mut |stage, _| {
                if stage != last.0 {
                    stages.push(format!("{} {:.0} ms", last.0, now() - last.1));
                    last = (stage.to_string(), now());
                }
            },
        )
        .map_err(|e| e.to_string())?;
        stages.push(format!("{} {:.0} ms", last.0, now() - last.1));
        Ok(format!(
            "ingest {:.0} ms, analysis {:.0} ms ({})",
            read_at - started,
            now() - read_at,
            stages.join(", ")
        ))
    }

    /// `bytes` ingested in 4 MiB chunks, to the ledger.
    fn ingested(bytes: &[u8]) -> Result<IngestOutcome, String> {
        let mut ingestor = Ingestor::new(IngestSettings::default());
        for chunk in bytes.chunks(4 * 1024 * 1024) {
            ingestor.push(chunk).map_err(|e| e.to_string())?;
        }
        ingestor.finish().map_err(|e| e.to_string())
    }

    /// `bytes` ingested and analysed with the default settings.
    fn analysed(bytes: &[u8]) -> Result<Analysis, String> {
        let outcome = ingested(bytes)?;
        analyze(
            &outcome.ledger,
            &AnalysisSettings::default(),
            &mut |_, _| {},
        )
        .map_err(|e| e.to_string())
    }

    /// Every figure of each k, as `sweep_digest` prints them natively.
    #[wasm_bindgen]
    pub fn digest(bytes: &[u8]) -> Result<String, String> {
        Ok(segmento::engine::clustering::sweep_digest(
            &analysed(bytes)?.sweep,
        ))
    }

    /// Each k's silhouette, as `sweep_digest` prints them natively.
    #[wasm_bindgen]
    pub fn silhouettes(bytes: &[u8]) -> Result<String, String> {
        Ok(analysed(bytes)?
            .sweep
            .iter()
            .map(|c| format!("k {} silhouette {:.17e}", c.k, c.silhouette))
            .collect::<Vec<_>>()
            .join("\n"))
    }

    /// The fastest of `runs` runs of `run`, in ms.
    fn fastest_ms(runs: usize, run: &mut dyn FnMut() -> Result<(), String>) -> Result<f64, String> {
        let mut fastest = f64::INFINITY;
        for _ in 0..runs {
            let started = js_sys::Date::now();
            run()?;
            fastest = fastest.min(js_sys::Date::now() - started);
        }
        Ok(fastest)
    }

    /// Ingest alone (4 MiB chunks, to the ledger), five times: the fastest run in ms.
    #[wasm_bindgen]
    pub fn ingest(bytes: &[u8]) -> Result<f64, String> {
        fastest_ms(5, &mut || ingested(bytes).map(drop))
    }

    /// The k sweep alone on `bytes`' customers, three times: the fastest run in ms.
    #[wasm_bindgen]
    pub fn sweep(bytes: &[u8]) -> Result<f64, String> {
        let analysis = analysed(bytes)?;
        let settings = AnalysisSettings::default();
        fastest_ms(3, &mut || {
            segmento::engine::clustering::sweep(
                &analysis.features,
                2,
                10,
                &settings.kmeans,
                &mut |_, _| {},
            )
            .map(drop)
            .map_err(|e| e.to_string())
        })
    }

    /// The default sweep's ks each alone (as the workers take them from
    /// their queue) and the silhouette pass: the fastest of three runs in ms.
    #[wasm_bindgen]
    pub fn shares(bytes: &[u8]) -> Result<String, String> {
        use segmento::engine::clustering::{add_silhouettes, fit_ks, kmeans_fit, sweep_ks};
        let analysis = analysed(bytes)?;
        let settings = AnalysisSettings::default().kmeans;
        let points = &analysis.features;
        let ks = sweep_ks(points, 2, 10).map_err(|e| e.to_string())?;
        let mut lines = Vec::new();
        let mut fitted =
            fit_ks(points, &ks, &settings, &mut |_, _| {}).map_err(|e| e.to_string())?;
        let ms = fastest_ms(3, &mut || {
            add_silhouettes(points, &mut fitted, settings.seed);
            Ok(())
        })?;
        lines.push(format!("silhouettes: {ms:.0} ms"));
        for &k in &ks {
            let ms = fastest_ms(3, &mut || {
                kmeans_fit(points, k, &settings)
                    .map(drop)
                    .map_err(|e| e.to_string())
            })?;
            lines.push(format!("k {k} alone: {ms:.0} ms"));
        }
        Ok(lines.join("\n"))
    }
}
