//! The t-SNE optimisation, one iteration at a time so the worker can report
//! progress: gradient descent with momentum and per-coordinate gains, early
//! exaggeration, Barnes–Hut repulsion (the reference implementation's
//! schedule; scikit-learn's automatic learning rate).

use super::affinities::JointProbabilities;
use super::quadtree::QuadTree;
use rand_xoshiro::rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;

/// Iterations with exaggerated attraction and low momentum, which let
/// clusters form before they are spread out.
pub const EXAGGERATION_ITERATIONS: usize = 250;
const EXAGGERATION: f64 = 12.0;
const MOMENTUM: f64 = 0.5;
const FINAL_MOMENTUM: f64 = 0.8;
const MIN_GAIN: f64 = 0.01;

pub struct Optimiser {
    p: JointProbabilities,
    theta: f64,
    learning_rate: f64,
    y: Vec<[f64; 2]>,
    velocity: Vec<[f64; 2]>,
    gains: Vec<[f64; 2]>,
    gradient: Vec<[f64; 2]>,
    stack: Vec<u32>,
    pub iteration: usize,
}

impl Optimiser {
    /// Starts from a tiny seeded Gaussian cloud (standard deviation 1e-4).
    pub fn new(p: JointProbabilities, theta: f64, seed: u64) -> Self {
        let n = p.row_start.len().saturating_sub(1);
        let mut rng = Xoshiro256Plus::seed_from_u64(seed);
        let y = (0..n)
            .map(|_| [1e-4 * gaussian(&mut rng), 1e-4 * gaussian(&mut rng)])
            .collect();
        Self {
            p,
            theta,
            learning_rate: (n as f64 / EXAGGERATION / 4.0).max(50.0),
            y,
            velocity: vec![[0.0; 2]; n],
            gains: vec![[1.0; 2]; n],
            gradient: vec![[0.0; 2]; n],
            stack: Vec::new(),
            iteration: 0,
        }
    }

    pub fn points(&self) -> &[[f64; 2]] {
        &self.y
    }

    pub fn step(&mut self) {
        let exaggerated = self.iteration < EXAGGERATION_ITERATIONS;
        let exaggeration = if exaggerated { EXAGGERATION } else { 1.0 };
        let momentum = if exaggerated {
            MOMENTUM
        } else {
            FINAL_MOMENTUM
        };
        self.compute_gradient(exaggeration);
        for ((y, v), (g, gain)) in self
            .y
            .iter_mut()
            .zip(self.velocity.iter_mut())
            .zip(self.gradient.iter().zip(self.gains.iter_mut()))
        {
            for d in 0..2 {
                gain[d] = if (g[d] > 0.0) != (v[d] > 0.0) {
                    gain[d] + 0.2
                } else {
                    (gain[d] * 0.8).max(MIN_GAIN)
                };
                v[d] = momentum * v[d] - self.learning_rate * gain[d] * g[d];
                y[d] += v[d];
            }
        }
        centre(&mut self.y);
        self.iteration += 1;
    }

    fn compute_gradient(&mut self, exaggeration: f64) {
        let tree = QuadTree::new(&self.y);
        let mut sum_q = 0.0;
        for (i, g) in self.gradient.iter_mut().enumerate() {
            let (repulsion, q) = tree.repulsion(i, self.theta, &mut self.stack);
            sum_q += q;
            *g = repulsion;
        }
        let sum_q = sum_q.max(f64::MIN_POSITIVE);
        for (i, g) in self.gradient.iter_mut().enumerate() {
            let yi = self.y[i];
            let mut attraction = [0.0; 2];
            for (j, p) in self.p.row(i) {
                let yj = self.y[j];
                let (dx, dy) = (yi[0] - yj[0], yi[1] - yj[1]);
                let pull = p * exaggeration / (1.0 + dx * dx + dy * dy);
                attraction[0] += pull * dx;
                attraction[1] += pull * dy;
            }
            for d in 0..2 {
                g[d] = 4.0 * (attraction[d] - g[d] / sum_q);
            }
        }
    }

    /// KL(P ‖ Q) of the current map, Q's normalisation by Barnes–Hut.
    pub fn kl_divergence(&mut self) -> f64 {
        let tree = QuadTree::new(&self.y);
        let sum_q: f64 = (0..self.y.len())
            .map(|i| tree.repulsion(i, self.theta, &mut self.stack).1)
            .sum::<f64>()
            .max(f64::MIN_POSITIVE);
        let mut kl = 0.0;
        for i in 0..self.y.len() {
            for (j, p) in self.p.row(i) {
                let (dx, dy) = (self.y[i][0] - self.y[j][0], self.y[i][1] - self.y[j][1]);
                let q = (1.0 / (1.0 + dx * dx + dy * dy) / sum_q).max(f64::MIN_POSITIVE);
                if p > 0.0 {
                    kl += p * (p / q).ln();
                }
            }
        }
        kl
    }
}

fn centre(y: &mut [[f64; 2]]) {
    let n = y.len().max(1) as f64;
    let mean = y.iter().fold([0.0; 2], |m, p| [m[0] + p[0], m[1] + p[1]]);
    let mean = [mean[0] / n, mean[1] / n];
    for p in y {
        p[0] -= mean[0];
        p[1] -= mean[1];
    }
}

/// A standard normal draw (Box–Muller).
fn gaussian(rng: &mut Xoshiro256Plus) -> f64 {
    let uniform =
        |rng: &mut Xoshiro256Plus| ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
    let (u, v) = (uniform(rng), uniform(rng));
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}
