//! A fitted decision tree in our own serialisable form, so the model file can
//! store it and the browser can evaluate it without linfa.

use serde::{Deserialize, Serialize};

/// The raw RFM value a split looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Feature {
    /// Whole days since the last purchase.
    Recency,
    /// Whole purchases.
    Frequency,
    Monetary,
}

impl Feature {
    pub const ALL: [Feature; 3] = [Feature::Recency, Feature::Frequency, Feature::Monetary];

    pub fn index(self) -> usize {
        match self {
            Feature::Recency => 0,
            Feature::Frequency => 1,
            Feature::Monetary => 2,
        }
    }

    /// Recency and frequency only take whole values, so "≤ 30" and "≥ 31"
    /// describe the two sides of a split exactly.
    pub fn is_whole(self) -> bool {
        self != Feature::Monetary
    }
}

/// R, F, M as the tree reads them (indexed by [`Feature::index`]).
pub type Values = [f64; 3];

pub fn values(recency_days: i64, frequency: u32, monetary: f64) -> Values {
    [recency_days as f64, f64::from(frequency), monetary]
}

/// A leaf: the cluster it predicts and how the training customers that
/// reached it were spread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Leaf {
    pub cluster: usize,
    /// Training customers that reached this leaf.
    pub customers: usize,
    /// `customers` as a share of all training customers.
    pub share: f64,
    /// Share of this leaf's training customers that are in `cluster`.
    pub purity: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum RuleNode {
    /// Customers with `feature ≤ threshold` go `left`, the others `right`.
    Split {
        feature: Feature,
        threshold: f64,
        left: usize,
        right: usize,
    },
    Leaf(Leaf),
}

/// Nodes in pre-order: the root is `nodes[0]` and every child comes after its
/// parent, which makes evaluation terminate even on a hand-edited file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleTree {
    pub nodes: Vec<RuleNode>,
}

/// Lower (exclusive) and upper (inclusive) bound per feature on a leaf's path.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Bounds {
    pub above: [Option<f64>; 3],
    pub at_most: [Option<f64>; 3],
}

impl Bounds {
    pub fn holds(&self, x: &Values) -> bool {
        (0..3).all(|d| {
            self.above[d].is_none_or(|t| x[d] > t) && self.at_most[d].is_none_or(|t| x[d] <= t)
        })
    }
}

impl RuleTree {
    /// The cluster the tree assigns to a customer.
    pub fn predict(&self, recency_days: i64, frequency: u32, monetary: f64) -> usize {
        self.predict_values(&values(recency_days, frequency, monetary))
    }

    pub fn predict_values(&self, x: &Values) -> usize {
        self.leaf_of(x)
            .and_then(|i| match self.nodes.get(i) {
                Some(RuleNode::Leaf(leaf)) => Some(leaf.cluster),
                _ => None,
            })
            .unwrap_or(0)
    }

    /// Index of the leaf `x` reaches (`None` only for a malformed tree).
    pub fn leaf_of(&self, x: &Values) -> Option<usize> {
        let mut i = 0;
        loop {
            match self.nodes.get(i)? {
                RuleNode::Leaf(_) => return Some(i),
                RuleNode::Split {
                    feature,
                    threshold,
                    left,
                    right,
                } => {
                    let next = if x[feature.index()] <= *threshold {
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

    /// Every leaf with the bounds on its path, in pre-order (left first).
    pub fn leaves(&self) -> Vec<(&Leaf, Bounds)> {
        let mut out = Vec::new();
        let mut stack = vec![(0usize, Bounds::default())];
        while let Some((i, bounds)) = stack.pop() {
            match self.nodes.get(i) {
                Some(RuleNode::Leaf(leaf)) => out.push((leaf, bounds)),
                Some(RuleNode::Split {
                    feature,
                    threshold,
                    left,
                    right,
                }) if *left > i && *right > i => {
                    let d = feature.index();
                    let mut l = bounds;
                    l.at_most[d] = Some(l.at_most[d].map_or(*threshold, |t| t.min(*threshold)));
                    let mut r = bounds;
                    r.above[d] = Some(r.above[d].map_or(*threshold, |t| t.max(*threshold)));
                    // Right first so the left child is popped (and listed) first.
                    stack.push((*right, r));
                    stack.push((*left, l));
                }
                _ => {}
            }
        }
        out
    }

    /// Checks a tree read from a file: children after their parent and in
    /// range, finite thresholds, every node reachable once, clusters `< k`.
    pub fn validate(&self, k: usize) -> Result<(), String> {
        if self.nodes.is_empty() {
            return Err("the rule tree has no nodes".into());
        }
        let mut parents = vec![0usize; self.nodes.len()];
        for (i, node) in self.nodes.iter().enumerate() {
            match node {
                RuleNode::Split {
                    threshold,
                    left,
                    right,
                    ..
                } => {
                    if !threshold.is_finite() {
                        return Err(format!(
                            "rule node {i} has a threshold that is not a number"
                        ));
                    }
                    for &child in [left, right] {
                        if child <= i || child >= self.nodes.len() {
                            return Err(format!("rule node {i} points to a bad child {child}"));
                        }
                        parents[child] += 1;
                    }
                }
                RuleNode::Leaf(leaf) if leaf.cluster >= k => {
                    return Err(format!(
                        "a rule leaf names cluster {} but the model has {k}",
                        leaf.cluster
                    ))
                }
                RuleNode::Leaf(_) => {}
            }
        }
        if parents.iter().skip(1).any(|&p| p != 1) {
            return Err("the rule tree's nodes are not a tree".into());
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn leaf(cluster: usize) -> RuleNode {
        RuleNode::Leaf(Leaf {
            cluster,
            customers: 1,
            share: 0.5,
            purity: 1.0,
        })
    }

    /// recency ≤ 30 → (frequency ≤ 4 → 1, else 0); else 2.
    pub fn sample_tree() -> RuleTree {
        RuleTree {
            nodes: vec![
                RuleNode::Split {
                    feature: Feature::Recency,
                    threshold: 30.0,
                    left: 1,
                    right: 4,
                },
                RuleNode::Split {
                    feature: Feature::Frequency,
                    threshold: 4.0,
                    left: 2,
                    right: 3,
                },
                leaf(1),
                leaf(0),
                leaf(2),
            ],
        }
    }

    #[test]
    fn predicts_by_walking_the_splits() {
        let t = sample_tree();
        assert_eq!(t.predict(30, 4, 0.0), 1);
        assert_eq!(t.predict(30, 5, 0.0), 0);
        assert_eq!(t.predict(31, 9, 0.0), 2);
        assert_eq!(t.validate(3), Ok(()));
        let bounds: Vec<Bounds> = t.leaves().into_iter().map(|(_, b)| b).collect();
        assert_eq!(bounds.len(), 3);
        assert_eq!(bounds[1].above[1], Some(4.0));
        assert_eq!(bounds[1].at_most[0], Some(30.0));
        assert_eq!(bounds[2].above[0], Some(30.0));
    }

    #[test]
    fn malformed_trees_are_rejected_and_never_loop() {
        let mut t = sample_tree();
        assert!(t.validate(2).is_err(), "leaf names cluster 2 of 2");
        t.nodes[1] = RuleNode::Split {
            feature: Feature::Monetary,
            threshold: 1.0,
            left: 0,
            right: 3,
        };
        assert!(t.validate(3).is_err());
        assert_eq!(t.leaf_of(&values(1, 1, 0.5)), None);
        assert_eq!(t.predict(1, 1, 0.5), 0);
        assert!(RuleTree { nodes: vec![] }.validate(3).is_err());
        let mut shared = sample_tree();
        shared.nodes[0] = RuleNode::Split {
            feature: Feature::Recency,
            threshold: 1.0,
            left: 4,
            right: 4,
        };
        assert!(shared.validate(3).is_err(), "a node reached twice");
    }
}
