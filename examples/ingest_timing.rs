//! Times the ingest alone natively, whole and as each share of `count`:
//!     cargo run --release --example ingest_timing -- file.csv [count]
//! What a worker's share costs against the single pass shows how much of
//! reading is shared work (splitting every record) rather than parsing.

// A tool run by hand or by the benchmark scripts: a panic is its error message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use segmento::engine::ingest::{IngestSettings, Ingestor, Share};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: ingest_timing <file.csv> [count]")?;
    let count: u32 = std::env::args()
        .nth(2)
        .and_then(|c| c.parse().ok())
        .unwrap_or(2);
    let bytes = std::fs::read(&path)?;
    let time = |share: Option<Share>| -> Result<f64, Box<dyn std::error::Error>> {
        let started = Instant::now();
        let settings = IngestSettings::default();
        let mut ingestor = match share {
            Some(share) => Ingestor::for_share(settings, share),
            None => Ingestor::new(settings),
        };
        for chunk in bytes.chunks(4 << 20) {
            ingestor.push(chunk)?;
        }
        match share {
            Some(_) => drop(ingestor.finish_share()?),
            None => drop(ingestor.finish()?),
        }
        Ok(started.elapsed().as_secs_f64() * 1e3)
    };
    println!("whole: {:.0} ms", time(None)?);
    for index in 0..count {
        println!(
            "share {index}/{count}: {:.0} ms",
            time(Some(Share { index, count }))?
        );
    }
    Ok(())
}
