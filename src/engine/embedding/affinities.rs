//! t-SNE's input similarities: for each customer a Gaussian over its nearest
//! neighbours whose bandwidth gives the chosen perplexity, made symmetric
//! and sparse (van der Maaten's Barnes–Hut t-SNE, 2014).

use std::cmp::Ordering;

/// A symmetric sparse matrix of joint probabilities P (rows sum over all
/// entries to 1), stored by rows.
#[derive(Debug, Clone, PartialEq)]
pub struct JointProbabilities {
    /// Where each row's entries start in `columns` / `values`; one more
    /// entry than rows.
    pub row_start: Vec<usize>,
    pub columns: Vec<u32>,
    pub values: Vec<f64>,
}

impl JointProbabilities {
    pub fn row(&self, i: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let start = self.row_start.get(i).copied().unwrap_or(0);
        let end = self.row_start.get(i + 1).copied().unwrap_or(start);
        let columns = self.columns.get(start..end).unwrap_or(&[]);
        let values = self.values.get(start..end).unwrap_or(&[]);
        columns
            .iter()
            .map(|&j| j as usize)
            .zip(values.iter().copied())
    }
}

/// The neighbours each point's Gaussian spans: three times the perplexity,
/// as in the reference implementation.
pub fn neighbour_count(points: usize, perplexity: f64) -> usize {
    ((3.0 * perplexity).floor() as usize).min(points.saturating_sub(1))
}

/// Joint probabilities of `points` (any dimension) at `perplexity`.
pub fn joint_probabilities<const D: usize>(
    points: &[[f64; D]],
    perplexity: f64,
) -> JointProbabilities {
    let n = points.len();
    let k = neighbour_count(n, perplexity);
    let mut triples: Vec<(u32, u32, f64)> = Vec::with_capacity(2 * n * k);
    let mut distances: Vec<(f64, u32)> = Vec::with_capacity(n);
    let mut weights = vec![0.0; k];
    for (i, p) in points.iter().enumerate() {
        distances.clear();
        distances.extend(
            points
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .map(|(j, q)| (squared_distance(p, q), j as u32)),
        );
        let nearest = nearest_first(&mut distances, k);
        let squared: Vec<f64> = nearest.iter().map(|&(d, _)| d).collect();
        conditional_row(&squared, perplexity, &mut weights);
        for (&(_, j), &w) in nearest.iter().zip(&weights) {
            triples.push((i as u32, j, w));
            triples.push((j, i as u32, w));
        }
    }
    symmetric_rows(n, triples)
}

fn squared_distance<const D: usize>(a: &[f64; D], b: &[f64; D]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// The `k` nearest (distance, index) pairs in ascending order; ties go to
/// the smaller index, so the neighbourhoods do not depend on sort stability.
fn nearest_first(distances: &mut [(f64, u32)], k: usize) -> &[(f64, u32)] {
    let order = |a: &(f64, u32), b: &(f64, u32)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
    if k == 0 || distances.is_empty() {
        return &[];
    }
    let k = k.min(distances.len());
    if k < distances.len() {
        distances.select_nth_unstable_by(k - 1, order);
    }
    let nearest = &mut distances[..k];
    nearest.sort_unstable_by(order);
    nearest
}

/// p(j | i) over one point's neighbours (squared distances given): the
/// bandwidth is found by bisection so that the row's entropy is
/// ln(perplexity).
pub fn conditional_row(squared: &[f64], perplexity: f64, out: &mut [f64]) {
    let target = perplexity.ln();
    let (mut beta, mut low, mut high) = (1.0_f64, f64::NEG_INFINITY, f64::INFINITY);
    for _ in 0..200 {
        let (sum, weighted) = fill_gaussian(squared, beta, out);
        let entropy = sum.ln() + beta * weighted / sum;
        let gap = entropy - target;
        if gap.abs() < 1e-5 {
            break;
        }
        if gap > 0.0 {
            low = beta;
            beta = if high.is_finite() {
                (beta + high) / 2.0
            } else {
                beta * 2.0
            };
        } else {
            high = beta;
            beta = if low.is_finite() {
                (beta + low) / 2.0
            } else {
                beta / 2.0
            };
        }
    }
    let (sum, _) = fill_gaussian(squared, beta, out);
    for w in out.iter_mut().take(squared.len()) {
        *w /= sum;
    }
}

/// exp(-beta·d) per neighbour, shifted by the nearest distance so that a
/// wide gap to every neighbour cannot underflow to an all-zero row (the
/// shift cancels in the normalisation). Returns the sum and Σ d·w.
fn fill_gaussian(squared: &[f64], beta: f64, out: &mut [f64]) -> (f64, f64) {
    let nearest = squared.first().copied().unwrap_or(0.0);
    let (mut sum, mut weighted) = (0.0, 0.0);
    for (w, &d) in out.iter_mut().zip(squared) {
        let shifted = d - nearest;
        *w = (-beta * shifted).exp();
        sum += *w;
        weighted += shifted * *w;
    }
    (sum.max(f64::MIN_POSITIVE), weighted)
}

/// Sums p(j|i) + p(i|j) into one entry per pair and normalises the whole
/// matrix to 1.
fn symmetric_rows(n: usize, mut triples: Vec<(u32, u32, f64)>) -> JointProbabilities {
    triples.sort_unstable_by(|a, b| match a.0.cmp(&b.0) {
        Ordering::Equal => a.1.cmp(&b.1),
        other => other,
    });
    let total: f64 = triples
        .iter()
        .map(|t| t.2)
        .sum::<f64>()
        .max(f64::MIN_POSITIVE);
    let mut row_start = vec![0; n + 1];
    let mut columns = Vec::with_capacity(triples.len() / 2 + n);
    let mut values: Vec<f64> = Vec::with_capacity(triples.len() / 2 + n);
    let mut last: Option<(u32, u32)> = None;
    for (i, j, p) in triples {
        match (last, values.last_mut()) {
            (Some(previous), Some(value)) if previous == (i, j) => *value += p / total,
            _ => {
                columns.push(j);
                values.push(p / total);
                if let Some(count) = row_start.get_mut(i as usize + 1) {
                    *count += 1;
                }
            }
        }
        last = Some((i, j));
    }
    for i in 0..n {
        row_start[i + 1] += row_start[i];
    }
    JointProbabilities {
        row_start,
        columns,
        values,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_has_the_perplexity_asked_for() {
        let squared = [0.1, 0.4, 0.9, 1.6, 2.5, 3.6, 4.9, 6.4, 8.1];
        let mut row = [0.0; 9];
        conditional_row(&squared, 3.0, &mut row);
        let entropy: f64 = -row
            .iter()
            .filter(|&&p| p > 0.0)
            .map(|p| p * p.ln())
            .sum::<f64>();
        assert!(
            (entropy.exp() - 3.0).abs() < 1e-3,
            "perplexity {}",
            entropy.exp()
        );
        assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(row.windows(2).all(|w| w[0] >= w[1]), "nearer is likelier");
    }

    #[test]
    fn far_neighbours_do_not_underflow() {
        let squared = [1e6, 1e6 + 1.0, 1e6 + 4.0];
        let mut row = [0.0; 3];
        conditional_row(&squared, 2.0, &mut row);
        assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn joint_probabilities_are_symmetric_and_sum_to_one() {
        let points: Vec<[f64; 2]> = (0..12)
            .map(|i| [f64::from(i % 4), f64::from(i / 4) * 1.5])
            .collect();
        let p = joint_probabilities(&points, 2.0);
        let mut sum = 0.0;
        for i in 0..points.len() {
            for (j, v) in p.row(i) {
                sum += v;
                let back = p.row(j).find(|&(c, _)| c == i).map(|(_, v)| v);
                assert_eq!(back, Some(v), "P[{i},{j}] has its mirror");
                assert_ne!(i, j);
            }
        }
        assert!((sum - 1.0).abs() < 1e-12);
    }
}
