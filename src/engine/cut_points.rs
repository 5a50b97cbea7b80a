//! Scores from user-set cut points instead of quantiles: "recency ≤ 30 / 90
//! / 180 days" gives the same score to the same customer whatever the rest
//! of the file looks like, so segments compare across files and dates.
//!
//! Boundaries, per dimension, for cut points `t1 < t2 < … < t(bins−1)`:
//! - recency (days, lower is better): a cut point is the last day of the
//!   better score: `r ≤ t1` → `bins`, `t1 < r ≤ t2` → `bins − 1`, …,
//!   `r > t(bins−1)` → 1;
//! - frequency and monetary (higher is better): a cut point is the first
//!   value of the higher score: `v < t1` → 1, `t1 ≤ v < t2` → 2, …,
//!   `v ≥ t(bins−1)` → `bins`.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// How scores are given.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub enum Scoring {
    /// Quantiles of the customers analysed (by average rank; see `score`).
    #[default]
    Quantiles,
    /// Fixed thresholds per dimension.
    CutPoints(CutPoints),
}

/// Ascending thresholds per dimension, `bins − 1` each.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CutPoints {
    pub recency: Vec<f64>,
    pub frequency: Vec<f64>,
    pub monetary: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum CutPointsError {
    #[error("{dimension} needs {expected} cut points for 1–{bins} scores (got {got}); give them ascending, separated by commas or slashes")]
    WrongCount {
        dimension: String,
        expected: usize,
        got: usize,
        bins: u8,
    },
    #[error("{dimension}: \"{text}\" is not a number")]
    NotANumber { dimension: String, text: String },
    #[error("{dimension}: cut points must be finite numbers")]
    NotFinite { dimension: String },
    #[error("{dimension}: cut points must go up ({before} is followed by {after}); list them from the smallest")]
    NotAscending {
        dimension: String,
        before: String,
        after: String,
    },
}

/// Which way a dimension is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    LowerIsBetter,
    HigherIsBetter,
}

impl CutPoints {
    /// Checks every dimension against `bins`.
    pub fn validate(&self, bins: u8) -> Result<(), CutPointsError> {
        for (name, cuts) in self.dimensions() {
            check(name, cuts, bins)?;
        }
        Ok(())
    }

    fn dimensions(&self) -> [(&'static str, &[f64]); 3] {
        [
            ("Recency", &self.recency),
            ("Frequency", &self.frequency),
            ("Monetary", &self.monetary),
        ]
    }

    /// "recency ≤ 30 / 90 / 180 days; frequency ≥ 2 / 3 / 5 / 8; monetary ≥ …".
    pub fn describe(&self) -> String {
        let list = |cuts: &[f64]| {
            cuts.iter()
                .map(|c| number_text(*c))
                .collect::<Vec<_>>()
                .join(" / ")
        };
        format!(
            "scores from cut points: recency ≤ {} days, frequency ≥ {}, monetary ≥ {}",
            list(&self.recency),
            list(&self.frequency),
            list(&self.monetary)
        )
    }
}

fn check(dimension: &str, cuts: &[f64], bins: u8) -> Result<(), CutPointsError> {
    let expected = usize::from(bins.saturating_sub(1));
    if cuts.len() != expected {
        return Err(CutPointsError::WrongCount {
            dimension: dimension.into(),
            expected,
            got: cuts.len(),
            bins,
        });
    }
    if cuts.iter().any(|c| !c.is_finite()) {
        return Err(CutPointsError::NotFinite {
            dimension: dimension.into(),
        });
    }
    if let Some(pair) = cuts.windows(2).find(|w| w[1] <= w[0]) {
        return Err(CutPointsError::NotAscending {
            dimension: dimension.into(),
            before: number_text(pair[0]),
            after: number_text(pair[1]),
        });
    }
    Ok(())
}

/// Reads "30 / 90, 180" (commas, slashes, semicolons or spaces between).
pub fn parse_list(dimension: &str, text: &str) -> Result<Vec<f64>, CutPointsError> {
    text.split([',', '/', ';', ' '])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            t.parse::<f64>().map_err(|_| CutPointsError::NotANumber {
                dimension: dimension.into(),
                text: t.chars().take(40).collect(),
            })
        })
        .collect()
}

/// The score of `value` with validated `cuts` (see the module's boundaries).
pub fn score_of(value: f64, cuts: &[f64], direction: Direction) -> u8 {
    let bins = cuts.len() + 1;
    let score = match direction {
        // Cut points strictly below the value: each one costs a score.
        Direction::LowerIsBetter => bins - cuts.iter().filter(|&&c| value > c).count(),
        // Cut points at or below the value: each one earns a score.
        Direction::HigherIsBetter => 1 + cuts.iter().filter(|&&c| value >= c).count(),
    };
    u8::try_from(score).unwrap_or(u8::MAX)
}

/// Whole numbers without a decimal point, others as written.
pub fn number_text(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recency_cut_points_are_inclusive_upper_bounds() {
        let cuts = [30.0, 90.0, 180.0];
        let s = |r| score_of(r, &cuts, Direction::LowerIsBetter);
        assert_eq!((s(1.0), s(30.0)), (4, 4));
        assert_eq!((s(31.0), s(90.0)), (3, 3));
        assert_eq!((s(91.0), s(180.0)), (2, 2));
        assert_eq!((s(181.0), s(5000.0)), (1, 1));
    }

    #[test]
    fn frequency_and_monetary_cut_points_are_inclusive_lower_bounds() {
        let cuts = [2.0, 5.0];
        let s = |v| score_of(v, &cuts, Direction::HigherIsBetter);
        assert_eq!((s(0.0), s(1.0), s(1.99)), (1, 1, 1));
        assert_eq!((s(2.0), s(4.0)), (2, 2));
        assert_eq!((s(5.0), s(500.0)), (3, 3));
        assert_eq!(score_of(-10.0, &[0.0, 100.0], Direction::HigherIsBetter), 1);
    }

    #[test]
    fn validation_says_what_is_wrong() {
        let good = CutPoints {
            recency: vec![30.0, 90.0],
            frequency: vec![2.0, 5.0],
            monetary: vec![100.0, 1000.0],
        };
        assert_eq!(good.validate(3), Ok(()));
        assert_eq!(
            good.validate(5).unwrap_err().to_string(),
            "Recency needs 4 cut points for 1–5 scores (got 2); give them ascending, separated by commas or slashes"
        );
        let mut down = good.clone();
        down.frequency = vec![5.0, 2.0];
        assert_eq!(
            down.validate(3).unwrap_err().to_string(),
            "Frequency: cut points must go up (5 is followed by 2); list them from the smallest"
        );
        let mut equal = good.clone();
        equal.monetary = vec![100.0, 100.0];
        assert!(matches!(
            equal.validate(3),
            Err(CutPointsError::NotAscending { .. })
        ));
        let mut nan = good;
        nan.recency = vec![f64::NAN, 3.0];
        assert!(matches!(
            nan.validate(3),
            Err(CutPointsError::NotFinite { .. })
        ));
    }

    #[test]
    fn lists_parse_with_any_separator() {
        assert_eq!(
            parse_list("Recency", "30 / 90, 180").unwrap(),
            [30.0, 90.0, 180.0]
        );
        assert_eq!(parse_list("Recency", " ").unwrap(), Vec::<f64>::new());
        assert_eq!(
            parse_list("Monetary", "10, ten").unwrap_err().to_string(),
            "Monetary: \"ten\" is not a number"
        );
        let cuts = CutPoints {
            recency: vec![30.0, 90.0],
            frequency: vec![2.0, 5.0],
            monetary: vec![99.5, 1000.0],
        };
        assert_eq!(
            cuts.describe(),
            "scores from cut points: recency ≤ 30 / 90 days, frequency ≥ 2 / 5, monetary ≥ 99.5 / 1000"
        );
    }
}
