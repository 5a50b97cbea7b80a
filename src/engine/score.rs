//! Quantile scores 1..=bins by average rank: ties always share a score, so
//! bins can be empty — that is reported, never hidden.

use super::cut_points::{self, CutPoints, Direction, Scoring};
use super::error::AnalysisError;
use super::rfm::RfmTable;
use serde::{Deserialize, Serialize};

/// Value range that earned each score in the training data, so a saved model
/// can score new customers the same way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreBin {
    pub score: u8,
    pub min: f64,
    pub max: f64,
    pub customers: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DimensionScores {
    /// Score per customer, in table order.
    pub scores: Vec<u8>,
    /// Non-empty bins, ascending score.
    pub bins: Vec<ScoreBin>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RfmScores {
    pub bins: u8,
    pub r: DimensionScores,
    pub f: DimensionScores,
    pub m: DimensionScores,
    /// E.g. "Frequency: scores 2 and 4 are empty because 61% of customers share frequency 1".
    pub warnings: Vec<String>,
}

pub fn validate_bins(bins: u8) -> Result<u8, AnalysisError> {
    if (3..=5).contains(&bins) {
        Ok(bins)
    } else {
        Err(AnalysisError::BadBins(bins))
    }
}

/// Scores every customer of `table` on R, F and M (quantiles).
pub fn score(table: &RfmTable, bins: u8) -> Result<RfmScores, AnalysisError> {
    score_with(table, bins, &Scoring::Quantiles)
}

/// Scores every customer of `table` on R, F and M, by quantiles or by cut points.
pub fn score_with(
    table: &RfmTable,
    bins: u8,
    scoring: &Scoring,
) -> Result<RfmScores, AnalysisError> {
    let bins = validate_bins(bins)?;
    if let Scoring::CutPoints(cuts) = scoring {
        return by_cut_points(table, bins, cuts);
    }
    let recency: Vec<f64> = table.rows.iter().map(|r| r.recency_days as f64).collect();
    let frequency: Vec<f64> = table.rows.iter().map(|r| f64::from(r.frequency)).collect();
    let monetary: Vec<f64> = table.rows.iter().map(|r| r.monetary).collect();
    let mut warnings = Vec::new();
    let r = dimension("Recency", &recency, bins, true, &mut warnings);
    let f = dimension("Frequency", &frequency, bins, false, &mut warnings);
    let m = dimension("Monetary", &monetary, bins, false, &mut warnings);
    Ok(RfmScores {
        bins,
        r,
        f,
        m,
        warnings,
    })
}

/// Average 1-based ranks (pandas `rank(method="average")`).
pub fn average_ranks(values: &[f64]) -> Vec<f64> {
    // Sorted as (key, index) pairs, the key ordered like `f64::total_cmp`:
    // the order of a stable sort of indices by value, without looking each
    // value up (a million customers' lookups were most of the scoring).
    let mut order: Vec<(u64, usize)> = values
        .iter()
        .enumerate()
        .map(|(i, v)| (total_order_key(*v), i))
        .collect();
    order.sort_unstable();
    let mut ranks = vec![0.0; values.len()];
    let value = |position: usize| order.get(position).and_then(|&(_, i)| values.get(i));
    let mut start = 0;
    while start < order.len() {
        let mut end = start;
        while end + 1 < order.len() && value(end + 1) == value(start) {
            end += 1;
        }
        let rank = (start + end) as f64 / 2.0 + 1.0;
        for &(_, i) in &order[start..=end] {
            ranks[i] = rank;
        }
        start = end + 1;
    }
    ranks
}

/// A key whose unsigned order is `f64::total_cmp`'s order of the values.
fn total_order_key(value: f64) -> u64 {
    let bits = value.to_bits();
    match bits >> 63 {
        1 => !bits,
        _ => bits | (1 << 63),
    }
}

/// Scores from validated cut points (see `cut_points` for the boundaries).
fn by_cut_points(table: &RfmTable, bins: u8, cuts: &CutPoints) -> Result<RfmScores, AnalysisError> {
    cuts.validate(bins)?;
    let recency: Vec<f64> = table.rows.iter().map(|r| r.recency_days as f64).collect();
    let frequency: Vec<f64> = table.rows.iter().map(|r| f64::from(r.frequency)).collect();
    let monetary: Vec<f64> = table.rows.iter().map(|r| r.monetary).collect();
    let scored = |values: &[f64], cuts: &[f64], direction| -> Vec<u8> {
        values
            .iter()
            .map(|v| cut_points::score_of(*v, cuts, direction))
            .collect()
    };
    let mut warnings = Vec::new();
    let r = summarise(
        "Recency",
        &recency,
        scored(&recency, &cuts.recency, Direction::LowerIsBetter),
        bins,
        (true, &mut warnings),
    );
    let f = summarise(
        "Frequency",
        &frequency,
        scored(&frequency, &cuts.frequency, Direction::HigherIsBetter),
        bins,
        (true, &mut warnings),
    );
    let m = summarise(
        "Monetary",
        &monetary,
        scored(&monetary, &cuts.monetary, Direction::HigherIsBetter),
        bins,
        (true, &mut warnings),
    );
    Ok(RfmScores {
        bins,
        r,
        f,
        m,
        warnings,
    })
}

/// score = clamp(ceil(rank / n × bins), 1, bins); reversed when lower is better.
fn dimension(
    name: &str,
    values: &[f64],
    bins: u8,
    lower_is_better: bool,
    warnings: &mut Vec<String>,
) -> DimensionScores {
    let n = values.len() as f64;
    let scores: Vec<u8> = average_ranks(values)
        .iter()
        .map(|rank| {
            let s = ((rank / n) * f64::from(bins))
                .ceil()
                .clamp(1.0, f64::from(bins)) as u8;
            if lower_is_better {
                bins + 1 - s
            } else {
                s
            }
        })
        .collect();
    summarise(name, values, scores, bins, (false, warnings))
}

/// The value range of each score, and a warning for empty scores.
fn summarise(
    name: &str,
    values: &[f64],
    scores: Vec<u8>,
    bins: u8,
    (from_cuts, warnings): (bool, &mut Vec<String>),
) -> DimensionScores {
    let n = values.len() as f64;
    let mut table: Vec<ScoreBin> = Vec::new();
    for score in 1..=bins {
        let members = values
            .iter()
            .zip(&scores)
            .filter(|(_, &s)| s == score)
            .map(|(v, _)| *v);
        let (mut min, mut max, mut customers) = (f64::INFINITY, f64::NEG_INFINITY, 0);
        for v in members {
            min = min.min(v);
            max = max.max(v);
            customers += 1;
        }
        if customers > 0 {
            table.push(ScoreBin {
                score,
                min,
                max,
                customers,
            });
        }
    }
    if table.len() < usize::from(bins) {
        let empty: Vec<String> = (1..=bins)
            .filter(|s| table.iter().all(|b| b.score != *s))
            .map(|s| s.to_string())
            .collect();
        let (mode, count) = most_common(values);
        let scores_are = format!(
            "score{} {}",
            if empty.len() > 1 { "s" } else { "" },
            if empty.len() > 1 {
                format!("{} are", empty.join(", "))
            } else {
                format!("{} is", empty.join(""))
            },
        );
        warnings.push(match from_cuts {
            false => format!(
                "{name}: {scores_are} empty because {:.0}% of customers share the value {}",
                100.0 * count as f64 / n,
                mode
            ),
            true => {
                format!("{name}: {scores_are} empty: no customer falls between those cut points")
            }
        });
    }
    DimensionScores {
        scores,
        bins: table,
    }
}

fn most_common(values: &[f64]) -> (f64, usize) {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut best = (0.0, 0);
    let mut i = 0;
    while i < sorted.len() {
        let j = sorted[i..].iter().take_while(|v| **v == sorted[i]).count();
        if j > best.1 {
            best = (sorted[i], j);
        }
        i += j;
    }
    best
}

impl DimensionScores {
    /// Scores a new value with the training bins: the bin whose range holds
    /// it, else the nearest one.
    pub fn score_of(&self, value: f64) -> u8 {
        self.bins
            .iter()
            .min_by(|a, b| distance(a, value).total_cmp(&distance(b, value)))
            .map_or(1, |b| b.score)
    }
}

fn distance(bin: &ScoreBin, v: f64) -> f64 {
    if v < bin.min {
        bin.min - v
    } else if v > bin.max {
        v - bin.max
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[(i64, u32, f64)]) -> RfmTable {
        crate::engine::rfm::tests::table_of(rows)
    }

    #[test]
    fn average_ranks_like_pandas() {
        assert_eq!(
            average_ranks(&[10.0, 20.0, 10.0, 30.0]),
            [1.5, 3.0, 1.5, 4.0]
        );
    }

    #[test]
    fn average_ranks_match_counting_smaller_and_equal_values() {
        use rand_xoshiro::rand_core::{RngCore, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(3);
        // Many ties, negatives, -0.0 beside 0.0 (equal, so one tie), infinities.
        let pool = [
            -3.5,
            -1.0,
            -0.0,
            0.0,
            0.25,
            2.0,
            7.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        let values: Vec<f64> = (0..500)
            .map(|_| match rng.next_u64() % 4 {
                0 => (rng.next_u64() % 1000) as f64 / 7.0,
                _ => pool[(rng.next_u64() % pool.len() as u64) as usize],
            })
            .collect();
        // Rank = values below + the average position among the equal ones.
        let expected: Vec<f64> = values
            .iter()
            .map(|v| {
                let below = values.iter().filter(|w| *w < v).count() as f64;
                let equal = values.iter().filter(|w| *w == v).count() as f64;
                below + (equal + 1.0) / 2.0
            })
            .collect();
        assert_eq!(average_ranks(&values), expected);
    }

    #[test]
    fn the_total_order_key_orders_like_total_cmp() {
        let values = [
            f64::NEG_INFINITY,
            -1e300,
            -1.0,
            -f64::MIN_POSITIVE,
            -0.0,
            0.0,
            f64::MIN_POSITIVE,
            1.0,
            1e300,
            f64::INFINITY,
        ];
        for a in values {
            for b in values {
                assert_eq!(
                    total_order_key(a).cmp(&total_order_key(b)),
                    a.total_cmp(&b),
                    "{a} vs {b}"
                );
            }
        }
    }

    #[test]
    fn five_distinct_values_get_five_scores() {
        let t = table(&[
            (1, 1, 10.0),
            (2, 2, 20.0),
            (3, 3, 30.0),
            (4, 4, 40.0),
            (5, 5, 50.0),
        ]);
        let s = score(&t, 5).unwrap();
        assert_eq!(s.m.scores, [1, 2, 3, 4, 5]);
        // Lower recency is better.
        assert_eq!(s.r.scores, [5, 4, 3, 2, 1]);
        assert!(s.warnings.is_empty());
    }

    #[test]
    fn ties_share_a_score_and_empty_bins_are_reported() {
        // Frequencies 1,1,1,1,1,1,2,3,4,5: ranks of the 1s average 3.5 → ceil(3.5/10×5)=2.
        let t = table(&[
            (1, 1, 1.0),
            (1, 1, 1.0),
            (1, 1, 1.0),
            (1, 1, 1.0),
            (1, 1, 1.0),
            (1, 1, 1.0),
            (1, 2, 1.0),
            (1, 3, 1.0),
            (1, 4, 1.0),
            (1, 5, 1.0),
        ]);
        let s = score(&t, 5).unwrap();
        assert_eq!(s.f.scores, [2, 2, 2, 2, 2, 2, 4, 4, 5, 5]);
        assert!(
            s.warnings
                .iter()
                .any(|w| w.starts_with("Frequency: scores 1, 3 are empty") && w.contains("60%")),
            "{:?}",
            s.warnings
        );
        // All recencies equal: one bin, average rank 5.5 → ceil(2.75)=3 → reversed 3.
        assert_eq!(s.r.scores, [3; 10]);
    }

    #[test]
    fn three_and_four_bins_and_validation() {
        let t = table(&[(1, 1, 10.0), (2, 2, 20.0), (3, 3, 30.0)]);
        assert_eq!(score(&t, 3).unwrap().m.scores, [1, 2, 3]);
        assert_eq!(score(&t, 6), Err(AnalysisError::BadBins(6)));
        let s = score(
            &table(&[(1, 1, 10.0), (2, 2, 20.0), (3, 3, 30.0), (4, 4, 40.0)]),
            4,
        )
        .unwrap();
        assert_eq!(s.f.scores, [1, 2, 3, 4]);
    }

    #[test]
    fn saved_bins_score_new_values() {
        let s = score(
            &table(&[
                (1, 1, 10.0),
                (2, 2, 20.0),
                (3, 3, 30.0),
                (4, 4, 40.0),
                (5, 5, 50.0),
            ]),
            5,
        )
        .unwrap();
        assert_eq!(s.m.score_of(30.0), 3);
        assert_eq!(s.m.score_of(1000.0), 5);
        assert_eq!(s.m.score_of(-5.0), 1);
        assert_eq!(s.m.score_of(26.0), 3); // nearer to 30 than to 20
        assert_eq!(s.r.score_of(1.0), 5);
    }
}
