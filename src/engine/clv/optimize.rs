//! Nelder–Mead minimisation (deterministic, derivative-free, no allocation
//! per step beyond the simplex), restarted from its own best point until a
//! restart no longer improves: a collapsed simplex is the classic way plain
//! Nelder–Mead stops short of the optimum.

/// Where the search stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct Minimum {
    pub x: Vec<f64>,
    pub value: f64,
    pub evaluations: usize,
    /// False when the evaluation budget ran out before the tolerances were met.
    pub converged: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NelderMead {
    /// Initial simplex: x0 plus this step along each axis.
    pub step: f64,
    /// Stop when the simplex is this small along every axis ...
    pub x_tolerance: f64,
    /// ... and its values differ by at most this much.
    pub f_tolerance: f64,
    /// Evaluation budget of each run (a restart gets a fresh one).
    pub max_evaluations: usize,
    pub max_restarts: usize,
}

impl Default for NelderMead {
    fn default() -> Self {
        Self {
            step: 0.5,
            x_tolerance: 1e-10,
            f_tolerance: 1e-13,
            max_evaluations: 40_000,
            max_restarts: 8,
        }
    }
}

impl NelderMead {
    /// Minimises `f` from `x0`. Non-finite values count as +∞ (a step out of the model's domain).
    pub fn minimize(&self, f: &mut impl FnMut(&[f64]) -> f64, x0: &[f64]) -> Minimum {
        let mut evaluations = 0;
        let mut eval = |x: &[f64]| {
            evaluations += 1;
            let v = f(x);
            if v.is_finite() {
                v
            } else {
                f64::INFINITY
            }
        };
        let mut best = x0.to_vec();
        let mut best_value = eval(&best);
        let mut converged = false;
        for _ in 0..=self.max_restarts {
            let (x, value, done) = self.run(&mut eval, &best, best_value);
            let improved = best_value - value > self.f_tolerance;
            best = x;
            best_value = value;
            converged = done;
            if !done || !improved {
                break;
            }
        }
        Minimum {
            x: best,
            value: best_value,
            evaluations,
            converged,
        }
    }

    /// One Nelder–Mead run with the standard coefficients (reflect 1, expand 2,
    /// contract ½, shrink ½). Returns the best vertex, its value and whether the tolerances were met.
    fn run(
        &self,
        eval: &mut impl FnMut(&[f64]) -> f64,
        x0: &[f64],
        f0: f64,
    ) -> (Vec<f64>, f64, bool) {
        let n = x0.len();
        let budget_before = self.max_evaluations;
        let mut used = 0usize;
        let mut simplex: Vec<(Vec<f64>, f64)> = Vec::with_capacity(n + 1);
        simplex.push((x0.to_vec(), f0));
        for i in 0..n {
            let mut x = x0.to_vec();
            x[i] += self.step;
            let v = eval(&x);
            used += 1;
            simplex.push((x, v));
        }
        let mut centroid = vec![0.0; n];
        let point = |c: &[f64], worst: &[f64], t: f64| -> Vec<f64> {
            c.iter().zip(worst).map(|(c, w)| c + t * (w - c)).collect()
        };
        loop {
            simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
            let spread = simplex[n].1 - simplex[0].1;
            let size = simplex[1..]
                .iter()
                .flat_map(|(x, _)| x.iter().zip(&simplex[0].0).map(|(a, b)| (a - b).abs()))
                .fold(0.0, f64::max);
            if size <= self.x_tolerance && spread <= self.f_tolerance {
                return (simplex[0].0.clone(), simplex[0].1, true);
            }
            if used >= budget_before {
                return (simplex[0].0.clone(), simplex[0].1, false);
            }
            centroid.iter_mut().for_each(|c| *c = 0.0);
            for (x, _) in &simplex[..n] {
                for (c, xi) in centroid.iter_mut().zip(x) {
                    *c += xi / n as f64;
                }
            }
            let worst = simplex[n].0.clone();
            let reflected = point(&centroid, &worst, -1.0);
            let fr = eval(&reflected);
            used += 1;
            if fr < simplex[0].1 {
                let expanded = point(&centroid, &worst, -2.0);
                let fe = eval(&expanded);
                used += 1;
                simplex[n] = if fe < fr {
                    (expanded, fe)
                } else {
                    (reflected, fr)
                };
                continue;
            }
            if fr < simplex[n - 1].1 {
                simplex[n] = (reflected, fr);
                continue;
            }
            // Contract outside if the reflection beat the worst vertex, else inside.
            let (contracted, limit) = if fr < simplex[n].1 {
                (point(&centroid, &worst, -0.5), fr)
            } else {
                (point(&centroid, &worst, 0.5), simplex[n].1)
            };
            let fc = eval(&contracted);
            used += 1;
            if fc < limit {
                simplex[n] = (contracted, fc);
                continue;
            }
            let best = simplex[0].0.clone();
            for vertex in simplex.iter_mut().skip(1) {
                let x: Vec<f64> = best
                    .iter()
                    .zip(&vertex.0)
                    .map(|(b, v)| b + 0.5 * (v - b))
                    .collect();
                let v = eval(&x);
                used += 1;
                *vertex = (x, v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_rosenbrock_minimum() {
        let mut calls = 0;
        let mut rosenbrock = |x: &[f64]| {
            calls += 1;
            (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0] * x[0]).powi(2)
        };
        let m = NelderMead::default().minimize(&mut rosenbrock, &[-1.2, 1.0]);
        assert!(m.converged);
        assert!(
            (m.x[0] - 1.0).abs() < 1e-6 && (m.x[1] - 1.0).abs() < 1e-6,
            "{:?}",
            m.x
        );
        assert_eq!(m.evaluations, calls);
    }

    #[test]
    fn four_dimensional_quadratic_and_domain_walls() {
        // Minimum at (1, 2, 3, 4); NaN outside x0 > 0 must be avoided, not crash.
        let mut f = |x: &[f64]| {
            if x[0] <= 0.0 {
                return f64::NAN;
            }
            x.iter()
                .enumerate()
                .map(|(i, v)| (i as f64 + 1.0) * (v - (i as f64 + 1.0)).powi(2))
                .sum()
        };
        let m = NelderMead::default().minimize(&mut f, &[0.1, 0.1, 0.1, 0.1]);
        for (i, v) in m.x.iter().enumerate() {
            assert!((v - (i as f64 + 1.0)).abs() < 1e-5, "{:?}", m.x);
        }
        let starved = NelderMead {
            max_evaluations: 10,
            ..Default::default()
        }
        .minimize(&mut f, &[0.1, 0.1, 0.1, 0.1]);
        assert!(!starved.converged);
    }
}
