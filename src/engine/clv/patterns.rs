//! Customers compressed to their distinct (x, t_x, T) patterns: the
//! purchase models' likelihoods are sums over patterns, weighted by how many
//! customers share each (lifetimes' `weights`).

use super::summary::CustomerSummary;

/// (x, t_x, T) with how many customers share it: the likelihood is a sum over patterns.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pattern {
    /// Index into [`Patterns::xs`].
    pub x_index: usize,
    pub recency: f64,
    pub age: f64,
    pub count: f64,
}

/// Patterns sorted by (T, t_x) so ln(α + T) and ln(α + t_x) are computed once
/// per distinct value, with the distinct x's for the Γ terms.
#[derive(Debug, Clone, PartialEq)]
pub struct Patterns {
    pub xs: Vec<f64>,
    pub patterns: Vec<Pattern>,
}

pub fn patterns(summaries: &[CustomerSummary], scale: f64) -> Patterns {
    let mut xs: Vec<u32> = summaries.iter().map(|s| s.frequency).collect();
    xs.sort_unstable();
    xs.dedup();
    let mut keys: Vec<(u64, u64, u32)> = summaries
        .iter()
        .map(|s| {
            (
                (s.age * scale).to_bits(),
                (s.recency * scale).to_bits(),
                s.frequency,
            )
        })
        .collect();
    // Non-negative floats order like their bit patterns.
    keys.sort_unstable();
    let mut out: Vec<Pattern> = Vec::new();
    let mut previous = None;
    for key in keys {
        if previous == Some(key) {
            if let Some(last) = out.last_mut() {
                last.count += 1.0;
            }
            continue;
        }
        previous = Some(key);
        out.push(Pattern {
            x_index: xs.binary_search(&key.2).unwrap_or(0),
            recency: f64::from_bits(key.1),
            age: f64::from_bits(key.0),
            count: 1.0,
        });
    }
    Patterns {
        xs: xs.into_iter().map(f64::from).collect(),
        patterns: out,
    }
}
