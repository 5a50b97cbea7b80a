//! Reads a file in parts as the worker pool does (cut where the worker cuts,
//! the first part with `Ingestor::new`, each later one with
//! `Ingestor::continuing`, every later part encoded and decoded as the
//! message between workers, joined in file order) and prints each stage's
//! time and the encoded size: run it under `/usr/bin/time -f %M` beside
//! `engine_timing` for the peak memory.
//!     cargo run --release --example parts_probe -- file.csv [parts]

// A tool run by hand: a panic is its error message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]
use segmento::engine::ingest::{
    sniff_with_settings, IngestRange, IngestSettings, Ingestor, SNIFF_WINDOW,
};
use segmento::engine::work_split::{read_plan, ReadPlan, CUT_WINDOW};
use std::io::{Read, Seek, SeekFrom};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: parts_probe <file.csv> [parts]")?;
    let parts: u64 = std::env::args().nth(2).map_or(Ok(32), |p| p.parse())?;
    let mut file = std::fs::File::open(&path)?;
    let total = file.metadata()?.len();
    let mut head = vec![0u8; SNIFF_WINDOW.min(total as usize)];
    file.read_exact(&mut head)?;
    // Cuts as the analysis worker makes them (between purchases where the
    // window shows one), from `parts` equal shares.
    let settings = IngestSettings::default();
    let sniffed = sniff_with_settings(&head, &settings)?;
    let ReadPlan::Parts { purchase, .. } = read_plan(total, Some(&sniffed), &settings) else {
        return Err("this file is not read in parts".into());
    };
    let mut cuts = vec![0u64];
    for i in 1..parts {
        let from = total * i / parts;
        file.seek(SeekFrom::Start(from))?;
        let mut window = vec![0u8; CUT_WINDOW.min(total - from) as usize];
        file.read_exact(&mut window)?;
        if let Some(at) = purchase.cut(&window, from, total) {
            if at > *cuts.last().unwrap() {
                cuts.push(at);
            }
        }
    }
    cuts.push(total);
    let read =
        |from: u64, to: u64, ingestor: &mut Ingestor| -> Result<(), Box<dyn std::error::Error>> {
            let mut file = std::fs::File::open(&path)?;
            file.seek(SeekFrom::Start(from))?;
            let mut left = to - from;
            let mut chunk = vec![0u8; 4 << 20];
            while left > 0 {
                let n = file.read(&mut chunk[..(left.min(4 << 20)) as usize])?;
                if n == 0 {
                    break;
                }
                ingestor.push(&chunk[..n])?;
                left -= n as u64;
            }
            Ok(())
        };
    let started = Instant::now();
    let mut first = Ingestor::new(settings.clone());
    read(0, cuts[1], &mut first)?;
    let mut joining = first.into_joining()?;
    let (mut reading, mut coding, mut joining_ms, mut bytes) = (0.0, 0.0, 0.0, 0usize);
    let later = cuts.len() - 2;
    for (i, pair) in cuts[1..].windows(2).enumerate() {
        let t = Instant::now();
        let mut ingestor = Ingestor::continuing(settings.clone(), &head)?;
        read(pair[0], pair[1], &mut ingestor)?;
        let range = ingestor.finish_range()?;
        reading += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let encoded = postcard::to_allocvec(&range)?;
        drop(range);
        bytes += encoded.len();
        let range: IngestRange = postcard::from_bytes(&encoded)?;
        drop(encoded);
        coding += t.elapsed().as_secs_f64();
        let t = Instant::now();
        if !joining.can_join(&range) {
            return Err(format!("part {} cannot be joined", i + 1).into());
        }
        joining.take(range, i + 1 == later);
        joining_ms += t.elapsed().as_secs_f64();
    }
    let t = Instant::now();
    let outcome = joining.finish()?;
    println!(
        "{} parts: {:.0} ms in all; later parts read {:.0} ms, encoded+decoded {:.0} ms ({:.0} MB), joined {:.0} ms, finish {:.0} ms → {} customers",
        cuts.len() - 1,
        started.elapsed().as_secs_f64() * 1e3,
        reading * 1e3,
        coding * 1e3,
        bytes as f64 / 1e6,
        joining_ms * 1e3,
        t.elapsed().as_secs_f64() * 1e3,
        outcome.ledger.customers.len()
    );
    Ok(())
}
