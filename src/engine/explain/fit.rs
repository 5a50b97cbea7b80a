//! Trains linfa's CART decision tree on raw R, F, M and converts it into a
//! [`RuleTree`] with readable thresholds and our own leaf statistics.

use super::human::snap;
use super::rule_tree::{Feature, Leaf, RuleNode, RuleTree, Values};
use super::ExplainError;
use linfa::prelude::*;
use linfa_trees::{DecisionTree, SplitQuality};
use ndarray::{Array1, Array2};

/// What the fit needs from the settings.
pub struct FitParams {
    pub max_depth: usize,
    /// Fewest training customers a leaf may hold.
    pub min_leaf: usize,
}

/// Fits a tree on `x` → `labels` (clusters `< k`).
///
/// linfa finds each split, but we grow the tree one node at a time: in
/// linfa-trees 0.8 a child node only considers a cut between two values if the
/// last sample of the lower value in the *whole* training set reached that
/// child, so on whole-number features (recency, frequency) deeper nodes miss
/// most cuts. A one-split tree fitted on a node's own customers has no such
/// gap (every sample is at its root).
pub fn fit(
    x: &[Values],
    labels: &[usize],
    k: usize,
    params: &FitParams,
) -> Result<RuleTree, ExplainError> {
    let mut grower = Grower {
        x,
        labels,
        k,
        params,
        nodes: Vec::new(),
    };
    let all: Vec<usize> = (0..x.len()).collect();
    grower.grow(&all, 0)?;
    Ok(RuleTree {
        nodes: grower.nodes,
    })
}

struct Grower<'a> {
    x: &'a [Values],
    labels: &'a [usize],
    k: usize,
    params: &'a FitParams,
    nodes: Vec<RuleNode>,
}

impl Grower<'_> {
    /// Appends the subtree for training customers `members` in pre-order and
    /// returns its index. A split whose two leaves predict the same cluster
    /// becomes one leaf.
    fn grow(&mut self, members: &[usize], depth: usize) -> Result<usize, ExplainError> {
        let index = self.nodes.len();
        let Some((d, split)) = self.best_split(members, depth)? else {
            self.nodes.push(self.leaf(members));
            return Ok(index);
        };
        let (left, right): (Vec<usize>, Vec<usize>) =
            members.iter().partition(|&&i| self.x[i][d] <= split);
        let below = left.iter().map(|&i| self.x[i][d]).fold(f64::MIN, f64::max);
        let above = right.iter().map(|&i| self.x[i][d]).fold(f64::MAX, f64::min);
        if left.is_empty() || right.is_empty() || below >= above {
            self.nodes.push(self.leaf(members));
            return Ok(index);
        }
        let feature = Feature::ALL[d];
        // Any threshold in [below, above) keeps the same partition: take the roundest.
        let threshold = snap(below, above, split, feature.is_whole());
        self.nodes.push(self.leaf(members));
        let l = self.grow(&left, depth + 1)?;
        let r = self.grow(&right, depth + 1)?;
        if let (RuleNode::Leaf(a), RuleNode::Leaf(b)) = (&self.nodes[l], &self.nodes[r]) {
            if a.cluster == b.cluster {
                self.nodes.truncate(index + 1);
                return Ok(index);
            }
        }
        self.nodes[index] = RuleNode::Split {
            feature,
            threshold,
            left: l,
            right: r,
        };
        Ok(index)
    }

    /// The best (feature, value) cut of `members` by Gini impurity, from a
    /// one-split linfa tree; `None` at the depth limit or when no cut leaves
    /// `min_leaf` customers on both sides and lowers the impurity.
    fn best_split(
        &self,
        members: &[usize],
        depth: usize,
    ) -> Result<Option<(usize, f64)>, ExplainError> {
        let min_leaf = self.params.min_leaf.max(1);
        if depth >= self.params.max_depth || members.len() < 2 * min_leaf {
            return Ok(None);
        }
        let first = self.labels[members[0]];
        if members.iter().all(|&i| self.labels[i] == first) {
            return Ok(None);
        }
        let records = Array2::from_shape_fn((members.len(), 3), |(i, d)| self.x[members[i]][d]);
        let targets: Array1<usize> = members.iter().map(|&i| self.labels[i]).collect();
        let stump = DecisionTree::params()
            .split_quality(SplitQuality::Gini)
            .max_depth(Some(1))
            .min_weight_leaf(min_leaf as f32)
            .min_weight_split(2.0 * min_leaf as f32)
            .fit(&Dataset::new(records, targets))
            .map_err(|e| ExplainError::Fit(e.to_string()))?;
        // linfa prunes a split whose sides share a majority into a leaf but
        // keeps its feature, value and impurity decrease; such a split can
        // still help deeper down, so it counts. A node with no split has a
        // decrease of 0.
        let (d, split, decrease) = stump.root_node().split();
        Ok((decrease > 0.0 && d < 3 && split.is_finite()).then_some((d, split)))
    }

    fn leaf(&self, members: &[usize]) -> RuleNode {
        let mut counts = vec![0usize; self.k.max(1)];
        for &i in members {
            if let Some(c) = counts.get_mut(self.labels[i]) {
                *c += 1;
            }
        }
        // max_by_key keeps the last maximum; reverse so ties go to the lowest cluster.
        let (cluster, &top) = counts
            .iter()
            .enumerate()
            .rev()
            .max_by_key(|(_, &n)| n)
            .unwrap_or((0, &0));
        RuleNode::Leaf(Leaf {
            cluster,
            customers: members.len(),
            share: members.len() as f64 / self.x.len().max(1) as f64,
            purity: top as f64 / members.len().max(1) as f64,
        })
    }
}
