//! A seeded random forest of CART trees (Gini) on raw R, F, M, in our own
//! serialisable form: each tree is a flat list of nodes in pre-order, so the
//! model file stores it and the browser evaluates it as is.
//!
//! Like scikit-learn's `RandomForestClassifier`: every tree is grown on a
//! bootstrap sample (as many draws with replacement as training customers)
//! and every split looks at one feature drawn at random (⌊√3⌋ = 1 of the 3),
//! trying the others in random order only when the drawn one cannot split.

use super::sampling::{below, shuffle};
use rand_xoshiro::rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;
use serde::{Deserialize, Serialize};

/// R, F, M as the forest reads them: recency in days, frequency in
/// purchases, monetary.
pub type Row = [f64; 3];

/// Features a split considers before it settles (scikit-learn's
/// `max_features="sqrt"` for 3 features).
const FEATURES_PER_SPLIT: usize = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Node {
    /// Customers with `row[feature] ≤ threshold` go `left`, the others `right`.
    Split {
        feature: usize,
        threshold: f64,
        left: usize,
        right: usize,
    },
    Leaf {
        class: usize,
    },
}

/// One tree, nodes in pre-order: the root is `nodes[0]` and every child
/// comes after its parent (evaluation stops even on a hand-edited file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    pub nodes: Vec<Node>,
}

/// A fitted forest: predicts by majority vote of its trees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forest {
    /// Clusters it can predict (`0..classes`).
    pub classes: usize,
    pub trees: Vec<Tree>,
    /// Accuracy measured by cross-validation when it was trained, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_validated_accuracy: Option<f64>,
}

impl Tree {
    /// The class of the leaf `x` reaches (`None` only for a malformed tree).
    pub fn predict_row(&self, x: &Row) -> Option<usize> {
        let mut i = 0;
        loop {
            match self.nodes.get(i)? {
                Node::Leaf { class } => return Some(*class),
                Node::Split {
                    feature,
                    threshold,
                    left,
                    right,
                } => {
                    let next = if *x.get(*feature)? <= *threshold {
                        *left
                    } else {
                        *right
                    };
                    if next <= i {
                        return None;
                    }
                    i = next;
                }
            }
        }
    }

    fn validate(&self, t: usize, classes: usize) -> Result<(), String> {
        if self.nodes.is_empty() {
            return Err(format!("classifier tree {t} has no nodes"));
        }
        let mut parents = vec![0usize; self.nodes.len()];
        for (i, node) in self.nodes.iter().enumerate() {
            match node {
                Node::Split {
                    feature,
                    threshold,
                    left,
                    right,
                } => {
                    if *feature >= 3 || !threshold.is_finite() {
                        return Err(format!("classifier tree {t} node {i} has a bad split"));
                    }
                    for &child in [left, right] {
                        if child <= i || child >= self.nodes.len() {
                            return Err(format!(
                                "classifier tree {t} node {i} points to a bad child {child}"
                            ));
                        }
                        parents[child] += 1;
                    }
                }
                Node::Leaf { class } if *class >= classes => {
                    return Err(format!(
                        "a classifier leaf names cluster {class} but the model has {classes}"
                    ))
                }
                Node::Leaf { .. } => {}
            }
        }
        if parents.iter().skip(1).any(|&p| p != 1) {
            return Err(format!("classifier tree {t}'s nodes are not a tree"));
        }
        Ok(())
    }
}

impl Forest {
    /// The cluster of a customer: the majority vote of the trees, a tie
    /// going to the smallest cluster index.
    pub fn predict(&self, recency_days: f64, frequency: f64, monetary: f64) -> usize {
        self.predict_row(&[recency_days, frequency, monetary])
    }

    pub fn predict_row(&self, x: &Row) -> usize {
        let mut votes = vec![0usize; self.classes.max(1)];
        for tree in &self.trees {
            if let Some(v) = tree.predict_row(x).and_then(|c| votes.get_mut(c)) {
                *v += 1;
            }
        }
        majority(&votes)
    }

    /// Checks a forest read from a file: at least one tree, each a tree
    /// with in-range children, finite thresholds and clusters `< classes`.
    pub fn validate(&self, classes: usize) -> Result<(), String> {
        if self.classes != classes {
            return Err(format!(
                "the classifier predicts {} clusters but the model has {classes}",
                self.classes
            ));
        }
        if self.trees.is_empty() {
            return Err("the classifier has no trees".into());
        }
        self.trees
            .iter()
            .enumerate()
            .try_for_each(|(t, tree)| tree.validate(t, classes))
    }
}

/// The index of the largest count, the smallest index among equals.
pub(crate) fn majority(counts: &[usize]) -> usize {
    let mut best = 0;
    for (c, &n) in counts.iter().enumerate() {
        if n > counts[best] {
            best = c;
        }
    }
    best
}

/// What growing needs (validated settings).
#[derive(Debug, Clone, Copy)]
pub(crate) struct GrowParams {
    pub trees: usize,
    pub max_depth: Option<usize>,
    pub classes: usize,
    pub seed: u64,
}

/// Grows the forest on `x` → `y` (every label `< classes`, every value
/// finite: the caller checks). `progress` gets the trees grown so far.
pub(crate) fn grow_forest(
    x: &[Row],
    y: &[usize],
    params: GrowParams,
    progress: &mut dyn FnMut(usize),
) -> Forest {
    let mut master = Xoshiro256Plus::seed_from_u64(params.seed);
    let mut trees = Vec::with_capacity(params.trees);
    for t in 0..params.trees {
        let mut rng = Xoshiro256Plus::seed_from_u64(master.next_u64());
        let mut sample: Vec<usize> = (0..x.len()).map(|_| below(&mut rng, x.len())).collect();
        trees.push(grow_tree(x, y, &mut sample, params, &mut rng));
        progress(t + 1);
    }
    Forest {
        classes: params.classes,
        trees,
        cross_validated_accuracy: None,
    }
}

/// One node still to grow: its customers `sample[start..end]`, its depth,
/// and the split that points to it (node index, left side?).
struct Task {
    start: usize,
    end: usize,
    depth: usize,
    parent: Option<(usize, bool)>,
}

/// Grows a tree without recursion (no stack limit on deep trees), in pre-order.
fn grow_tree(
    x: &[Row],
    y: &[usize],
    sample: &mut [usize],
    params: GrowParams,
    rng: &mut Xoshiro256Plus,
) -> Tree {
    let mut nodes = Vec::new();
    let mut tasks = vec![Task {
        start: 0,
        end: sample.len(),
        depth: 0,
        parent: None,
    }];
    while let Some(task) = tasks.pop() {
        let index = nodes.len();
        if let Some((p, is_left)) = task.parent {
            if let Some(Node::Split { left, right, .. }) = nodes.get_mut(p) {
                *(if is_left { left } else { right }) = index;
            }
        }
        let members = &mut sample[task.start..task.end];
        let mut counts = vec![0usize; params.classes.max(1)];
        for &i in members.iter() {
            if let Some(c) = counts.get_mut(y[i]) {
                *c += 1;
            }
        }
        let pure = counts.iter().filter(|&&n| n > 0).count() <= 1;
        let deep = params.max_depth.is_some_and(|d| task.depth >= d);
        let split = if pure || deep {
            None
        } else {
            best_split(x, y, members, &counts, rng)
        };
        let Some((feature, threshold, cut)) = split else {
            nodes.push(Node::Leaf {
                class: majority(&counts),
            });
            continue;
        };
        nodes.push(Node::Split {
            feature,
            threshold,
            left: index,
            right: index,
        });
        // Right first so the left subtree is popped (and numbered) first.
        tasks.push(Task {
            start: task.start + cut,
            end: task.end,
            depth: task.depth + 1,
            parent: Some((index, false)),
        });
        tasks.push(Task {
            start: task.start,
            end: task.start + cut,
            depth: task.depth + 1,
            parent: Some((index, true)),
        });
    }
    Tree { nodes }
}

/// The best Gini cut of `members` on the first feature (in a random order)
/// that has one, also looking at further features until
/// [`FEATURES_PER_SPLIT`] features with a cut were seen. Leaves `members`
/// sorted by the chosen feature and returns (feature, threshold, customers
/// on the left).
fn best_split(
    x: &[Row],
    y: &[usize],
    members: &mut [usize],
    counts: &[usize],
    rng: &mut Xoshiro256Plus,
) -> Option<(usize, f64, usize)> {
    let mut order = [0usize, 1, 2];
    shuffle(rng, &mut order);
    let by = |members: &mut [usize], d: usize| {
        members.sort_by(|&a, &b| x[a][d].total_cmp(&x[b][d]).then(a.cmp(&b)));
    };
    let mut best: Option<(f64, usize, f64, usize)> = None;
    let mut seen = 0;
    let mut sorted_by = None;
    for &d in &order {
        if seen >= FEATURES_PER_SPLIT {
            break;
        }
        by(members, d);
        sorted_by = Some(d);
        if let Some((score, threshold, cut)) = best_cut(x, y, members, counts, d) {
            seen += 1;
            if best.is_none_or(|(s, ..)| score > s) {
                best = Some((score, d, threshold, cut));
            }
        }
    }
    let (_, d, threshold, cut) = best?;
    if sorted_by != Some(d) {
        by(members, d);
    }
    Some((d, threshold, cut))
}

/// Over `members` sorted by feature `d`: the cut maximising
/// Σ left² / n_left + Σ right² / n_right (lowest weighted Gini impurity),
/// between two different values; the threshold is their midpoint.
fn best_cut(
    x: &[Row],
    y: &[usize],
    members: &[usize],
    counts: &[usize],
    d: usize,
) -> Option<(f64, f64, usize)> {
    let n = members.len();
    let mut left = vec![0usize; counts.len()];
    let mut left_sq = 0.0f64;
    let mut right_sq: f64 = counts.iter().map(|&c| (c * c) as f64).sum();
    let mut best: Option<(f64, f64, usize)> = None;
    for (j, pair) in members.windows(2).enumerate() {
        let c = y[pair[0]];
        if let (Some(l), Some(&total)) = (left.get_mut(c), counts.get(c)) {
            let r = total - *l;
            left_sq += (2 * *l + 1) as f64;
            right_sq -= (2 * r - 1) as f64;
            *l += 1;
        }
        let (a, b) = (x[pair[0]][d], x[pair[1]][d]);
        if a >= b {
            continue;
        }
        let nl = (j + 1) as f64;
        let score = left_sq / nl + right_sq / (n as f64 - nl);
        if best.is_none_or(|(s, ..)| score > s) {
            let mid = a + (b - a) / 2.0;
            let threshold = if mid < b { mid } else { a };
            best = Some((score, threshold, j + 1));
        }
    }
    best
}
