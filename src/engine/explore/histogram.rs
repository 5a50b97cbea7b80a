//! Histograms of per-order values, capped at a quantile so one huge order
//! does not squeeze every other into the first bin.
//!
//! The bins cover 0 to the cap, the nearest-rank 99th percentile
//! ([`crate::engine::clean::quantile`]); values above it are counted in
//! `overflow`. Money: 20 bins of width cap / 20. Whole numbers (lines or
//! units per order): bins of whole width ⌈cap / 20⌉ (at least 1), as many
//! as reach the cap. A value's bin is ⌊value / width⌋ (the last bin for
//! the cap itself); a negative value counts in the first bin.

use serde::{Deserialize, Serialize};

use crate::engine::clean::quantile;

/// Bins of money values.
pub const BINS: usize = 20;
/// The quantile the bins reach.
pub const CAP_QUANTILE: f64 = 0.99;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    /// Bin edges, one more than `counts` (empty without values).
    pub edges: Vec<f64>,
    pub counts: Vec<u64>,
    /// Values above the last edge.
    pub overflow: u64,
    /// The largest value.
    pub max: f64,
    /// Values counted (finite ones).
    pub values: u64,
}

/// The histogram of `values` (non-finite ones are left out).
pub fn histogram(values: &[f64]) -> Histogram {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let Some(cap) = quantile(&finite, CAP_QUANTILE) else {
        return Histogram::default();
    };
    let max = finite.iter().copied().fold(f64::MIN, f64::max);
    let whole = finite.iter().all(|v| v.fract() == 0.0);
    let (width, bins) = if whole {
        let width = (cap / BINS as f64).ceil().max(1.0);
        (width, (cap / width).floor().max(0.0) as usize + 1)
    } else if cap > 0.0 {
        (cap / BINS as f64, BINS)
    } else {
        (1.0, 1)
    };
    let mut counts = vec![0u64; bins];
    let mut overflow = 0u64;
    for &value in &finite {
        if value > cap {
            overflow += 1;
            continue;
        }
        let bin = (value / width).floor().max(0.0) as usize;
        if let Some(count) = counts.get_mut(bin.min(bins - 1)) {
            *count += 1;
        }
    }
    Histogram {
        edges: (0..=bins).map(|i| i as f64 * width).collect(),
        counts,
        overflow,
        max,
        values: finite.len() as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_bins_reach_the_99th_percentile_and_the_rest_overflow() {
        // 100 values 1..=100: the cap is 99, so 100 overflows.
        let values: Vec<f64> = (1..=100).map(|v| f64::from(v) + 0.5).collect();
        let h = histogram(&values);
        assert_eq!(h.counts.len(), BINS);
        assert_eq!(h.edges.len(), BINS + 1);
        assert_eq!(h.overflow, 1);
        assert_eq!(h.counts.iter().sum::<u64>(), 99);
        assert_eq!(h.max, 100.5);
        assert_eq!(h.values, 100);
    }

    #[test]
    fn whole_numbers_get_whole_bins() {
        let h = histogram(&[1.0, 1.0, 2.0, 3.0, 3.0, 3.0]);
        assert_eq!(h.edges, vec![0.0, 1.0, 2.0, 3.0, 4.0]);
        assert_eq!(h.counts, vec![0, 2, 1, 3]);
        assert_eq!(h.overflow, 0);
    }

    #[test]
    fn nothing_gives_an_empty_histogram() {
        assert_eq!(histogram(&[f64::NAN]), Histogram::default());
    }
}
