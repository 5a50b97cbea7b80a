//! Generated transactions for a small run of the whole engine that the
//! workers do while the page loads.
//!
//! Why: V8 first runs WebAssembly with its quick baseline compiler and
//! compiles a function with the optimising tier only once it has run for a
//! while, in background threads, swapping the result in between calls.
//! Without a warm-up, in Chromium, the optimising compilation happened
//! *during* the analysis, on the same two cores, and the first slices of
//! the file were read by the slower baseline code. Running the hot paths
//! here first moves that work to before the user's file arrives.

/// How much of the generated file the worker analyses after saying ready.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WarmUpPlan {
    pub rows: usize,
    /// Analyses of the file (one: a second did not make the user's run
    /// measurably faster; docs/benchmarks.md, "Start-up").
    pub passes: u8,
}

impl Default for WarmUpPlan {
    fn default() -> Self {
        Self {
            rows: 20_000,
            passes: 1,
        }
    }
}

impl WarmUpPlan {
    /// The plan for a worker started with the page's query string (for
    /// benchmarks): `warm_up=0` skips it, `warm_up_rows=N` and
    /// `warm_up_passes=N` change it, within bounds.
    pub fn from_query(query: &str) -> Self {
        let mut plan = Self::default();
        for pair in query.trim_start_matches('?').split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let Ok(value) = value.parse::<u64>() else {
                continue;
            };
            match key {
                "warm_up" if value == 0 => plan.passes = 0,
                "warm_up_rows" => plan.rows = value.clamp(1_000, 200_000) as usize,
                "warm_up_passes" => plan.passes = value.min(4) as u8,
                _ => {}
            }
        }
        plan
    }
}

/// Generated rows in the UCI layout: customers of a few orders each, orders of
/// several lines, cancellations, quoted descriptions, several countries.
pub fn synthetic_transactions(rows: usize) -> String {
    const COUNTRIES: [&str; 4] = ["United Kingdom", "France", "Germany", "EIRE"];
    let mut text = String::with_capacity(rows * 80 + 100);
    text.push_str(
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n",
    );
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    // Many customers for the rows: per-customer loops get hot as well.
    let customers = (rows / 5).max(4) as u64;
    let mut row = 0;
    let mut invoice = 536_365;
    while row < rows {
        invoice += 1;
        let customer = 12_346 + next(customers);
        let cancelled = if next(30) == 0 { "C" } else { "" };
        let (month, day, hour) = (1 + next(12), 1 + next(28), 8 + next(10));
        let year = 2010 + next(2);
        let country = COUNTRIES[(customer % 4) as usize];
        for line in 0..(1 + next(8)) {
            let description = if line % 5 == 4 {
                "\"SET OF 3 CAKE TINS, PANTRY DESIGN\""
            } else {
                "WHITE HANGING HEART T-LIGHT HOLDER"
            };
            let quantity = 1 + next(24);
            let price = 0.29 + next(1500) as f64 / 100.0;
            text.push_str(&format!(
                "{cancelled}{invoice},85123A,{description},{quantity},{month}/{day}/{year} {hour}:{minute:02},{price:.2},{customer},{country}\n",
                minute = line * 7 % 60,
            ));
            row += 1;
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ingest::{ingest_bytes, IngestSettings};
    use crate::engine::pipeline::{self, AnalysisSettings};

    #[test]
    fn the_query_string_changes_the_plan_within_bounds() {
        assert_eq!(WarmUpPlan::from_query(""), WarmUpPlan::default());
        assert_eq!(WarmUpPlan::from_query("?warm_up=0").passes, 0);
        assert_eq!(WarmUpPlan::from_query("?warm_up=1"), WarmUpPlan::default());
        let plan = WarmUpPlan::from_query("?x=1&warm_up_rows=5000&warm_up_passes=1");
        assert_eq!(
            plan,
            WarmUpPlan {
                rows: 5000,
                passes: 1
            }
        );
        let huge = WarmUpPlan::from_query("?warm_up_rows=99999999999&warm_up_passes=300");
        assert_eq!(
            huge,
            WarmUpPlan {
                rows: 200_000,
                passes: 4
            }
        );
        let bad = WarmUpPlan::from_query("?warm_up_rows=-5&warm_up_passes=a&warm_up_rows");
        assert_eq!(bad, WarmUpPlan::default());
    }

    #[test]
    fn the_generated_file_is_read_and_clustered_in_full() {
        let csv = synthetic_transactions(4000);
        assert!(csv.lines().count() > 4000);
        let outcome = ingest_bytes(csv.as_bytes(), IngestSettings::default()).unwrap();
        // Every line parses: only cancellations are dropped.
        assert_eq!(outcome.report.rows_read, csv.lines().count() as u64 - 1);
        assert!(outcome.report.rows_kept > outcome.report.rows_read * 9 / 10);
        assert!(outcome.report.rows_kept < outcome.report.rows_read);
        let customers = outcome.ledger.customers.len();
        assert!((500..=800).contains(&customers), "{customers}");
        let analysis = pipeline::analyze(
            &outcome.ledger,
            &AnalysisSettings::default(),
            &mut |_, _| {},
        )
        .unwrap();
        assert_eq!(analysis.sweep.len(), 9, "k = 2..10 all fitted");
    }
}
