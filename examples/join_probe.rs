//! Times the two-part read's join natively: the later part's encode and
//! decode (the message between workers), `can_join` and `join`.

// A tool run by hand or by the benchmark scripts: a panic is its error message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]
use segmento::engine::ingest::{IngestSettings, Ingestor, SNIFF_WINDOW};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: join_probe <file.csv>")?;
    let bytes = std::fs::read(&path)?;
    let middle = bytes.len() / 2;
    let cut = middle
        + bytes[middle..]
            .iter()
            .position(|&b| b == b'\n')
            .ok_or("no line break")?
        + 1;
    let settings = IngestSettings::default();
    let mut first = Ingestor::new(settings.clone());
    for chunk in bytes[..cut].chunks(4 << 20) {
        first.push(chunk)?;
    }
    let head = &bytes[..SNIFF_WINDOW.min(bytes.len())];
    let mut later = Ingestor::continuing(settings, head)?;
    for chunk in bytes[cut..].chunks(4 << 20) {
        later.push(chunk)?;
    }
    let t = Instant::now();
    let later = later.finish_range()?;
    let finish = t.elapsed();
    let t = Instant::now();
    let encoded = postcard::to_allocvec(&later)?;
    let encode = t.elapsed();
    let t = Instant::now();
    let later: segmento::engine::ingest::IngestRange = postcard::from_bytes(&encoded)?;
    let decode = t.elapsed();
    let t = Instant::now();
    let ok = first.can_join(&later);
    let can = t.elapsed();
    let t = Instant::now();
    let outcome = first.join(later)?;
    let join = t.elapsed();
    println!(
        "finish_range {:.1} ms, encode {:.1} ms ({} bytes), decode {:.1} ms, can_join {:.1} ms ({ok}), join {:.1} ms → {} customers",
        finish.as_secs_f64() * 1e3, encode.as_secs_f64() * 1e3, encoded.len(), decode.as_secs_f64() * 1e3,
        can.as_secs_f64() * 1e3, join.as_secs_f64() * 1e3, outcome.ledger.customers.len()
    );
    Ok(())
}
