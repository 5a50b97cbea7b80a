use segmento::engine::ingest::{IngestSettings, Ingestor, Share};
use std::time::Instant;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    for share in [None, Some(Share { index: 0, count: 2 }), Some(Share { index: 0, count: 1000 })] {
        let mut best = f64::INFINITY;
        for _ in 0..3 {
            let t = Instant::now();
            let mut ing = match share { Some(s) => Ingestor::for_share(IngestSettings::default(), s), None => Ingestor::new(IngestSettings::default()) };
            for c in bytes.chunks(4 << 20) { ing.push(c).unwrap(); }
            let _ = ing.finish_share().unwrap();
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!("{share:?}: {:.0} ms", best * 1e3);
    }
}
