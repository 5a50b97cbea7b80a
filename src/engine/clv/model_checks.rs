//! The standard diagnostic figures of a fitted purchase model, as lifetimes
//! plots them: actual vs model counts of customers by number of repeat
//! purchases (`plot_period_transactions`), and expected purchases and
//! P(alive) over frequency × recency (`plot_frequency_recency_matrix`,
//! `plot_probability_alive_matrix`).

use super::purchase_model::PurchaseParams;
use super::summary::CustomerSummary;
use serde::{Deserialize, Serialize};

/// Repeat-purchase counts shown: 0 to 6, as lifetimes' `max_frequency=7`.
pub const PERIOD_BARS: u32 = 7;

/// Cells along each axis of a matrix at most (wider data is stepped through).
pub const MATRIX_SIDE: u32 = 60;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodBar {
    pub repeat_purchases: u32,
    /// Customers with this many repeat purchase days.
    pub actual: usize,
    /// Σ over customers of P(X(T) = n): what the model expects, each
    /// customer observed as long as they were. lifetimes simulates a
    /// population instead; the expectation is the same without the noise.
    pub expected: f64,
}

/// Customers by number of repeat purchases, actual and expected.
pub fn period_transactions(
    params: &PurchaseParams,
    customers: &[CustomerSummary],
) -> Vec<PeriodBar> {
    let mut ages: Vec<f64> = customers.iter().map(|c| c.age).collect();
    ages.sort_by(f64::total_cmp);
    (0..PERIOD_BARS)
        .map(|n| {
            let mut expected = 0.0;
            let mut i = 0;
            // One evaluation per distinct age.
            while let Some(&age) = ages.get(i) {
                let same = ages[i..].iter().take_while(|&&a| a == age).count();
                expected += same as f64 * params.probability_of_purchases(age, n);
                i += same;
            }
            PeriodBar {
                repeat_purchases: n,
                actual: customers.iter().filter(|c| c.frequency == n).count(),
                expected,
            }
        })
        .collect()
}

/// A model figure over frequency (columns) × recency (rows), for a customer
/// as old as the oldest (T = the largest age), as lifetimes draws it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelMatrix {
    pub frequencies: Vec<u32>,
    /// Days from first to last purchase.
    pub recencies: Vec<u32>,
    /// The T every cell assumes.
    pub age: f64,
    /// `values[recency row][frequency column]`; NaN where the model has no value.
    pub values: Vec<Vec<f64>>,
}

/// 0..=max in at most [`MATRIX_SIDE`] evenly stepped values, max included.
fn axis(max: u32) -> Vec<u32> {
    let step = max.div_ceil(MATRIX_SIDE).max(1);
    let mut values: Vec<u32> = (0..=max).step_by(step as usize).collect();
    if values.last() != Some(&max) {
        values.push(max);
    }
    values
}

fn matrix(customers: &[CustomerSummary], cell: impl Fn(u32, f64, f64) -> f64) -> ModelMatrix {
    let max_frequency = customers.iter().map(|c| c.frequency).max().unwrap_or(0);
    let age = customers.iter().map(|c| c.age).fold(0.0, f64::max);
    // Ages are whole days of a dated file; the bound keeps the cast in range.
    let max_recency = age.clamp(0.0, f64::from(u32::MAX)) as u32;
    let (frequencies, recencies) = (axis(max_frequency), axis(max_recency));
    let values = recencies
        .iter()
        .map(|&t_x| {
            frequencies
                .iter()
                .map(|&x| cell(x, f64::from(t_x), age))
                .collect()
        })
        .collect();
    ModelMatrix {
        frequencies,
        recencies,
        age,
        values,
    }
}

/// Expected purchases in the next `days` days by frequency × recency.
pub fn expected_purchases_matrix(
    params: &PurchaseParams,
    customers: &[CustomerSummary],
    days: f64,
) -> ModelMatrix {
    matrix(customers, |x, t_x, age| {
        params
            .expected_purchases(days, x, t_x, age)
            .unwrap_or(f64::NAN)
    })
}

/// P(alive) by frequency × recency.
pub fn probability_alive_matrix(
    params: &PurchaseParams,
    customers: &[CustomerSummary],
) -> ModelMatrix {
    matrix(customers, |x, t_x, age| {
        params.probability_alive(x, t_x, age)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_step_evenly_and_keep_the_maximum() {
        assert_eq!(axis(0), vec![0]);
        assert_eq!(axis(5), vec![0, 1, 2, 3, 4, 5]);
        assert_eq!(axis(60), (0..=60).collect::<Vec<_>>());
        let wide = axis(373);
        assert_eq!(wide.first(), Some(&0));
        assert_eq!(wide.last(), Some(&373));
        assert!(wide.len() <= MATRIX_SIDE as usize + 2, "{}", wide.len());
        assert!(wide.windows(2).all(|w| w[1] > w[0]));
    }
}
