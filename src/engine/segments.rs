//! The named RFM segment grid: (R score, F score) → segment, for every
//! combination. Editable; scores on 3 or 4 bins are mapped onto the 5-grid.

use super::rfm::RfmTable;
use super::score::RfmScores;
use serde::{Deserialize, Serialize};

/// `names[r - 1][f - 1]` on the 5-point scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentGrid {
    pub names: [[String; 5]; 5],
}

impl Default for SegmentGrid {
    fn default() -> Self {
        let row = |names: [&str; 5]| names.map(str::to_string);
        Self {
            names: [
                row(["Lost", "Lost", "At Risk", "At Risk", "Can't Lose Them"]),
                row([
                    "Hibernating",
                    "Hibernating",
                    "At Risk",
                    "At Risk",
                    "Can't Lose Them",
                ]),
                row([
                    "About to Sleep",
                    "About to Sleep",
                    "Need Attention",
                    "Loyal",
                    "Loyal",
                ]),
                row([
                    "Promising",
                    "Potential Loyalist",
                    "Potential Loyalist",
                    "Loyal",
                    "Loyal",
                ]),
                row([
                    "New",
                    "Potential Loyalist",
                    "Potential Loyalist",
                    "Champions",
                    "Champions",
                ]),
            ],
        }
    }
}

/// Maps a score on `bins` (3..=5) to the 5-point scale: 1 + round((s−1)×4/(bins−1)).
pub fn to_five(score: u8, bins: u8) -> u8 {
    if bins <= 1 {
        return 1;
    }
    let scaled = 1.0 + (f64::from(score.max(1)) - 1.0) * 4.0 / (f64::from(bins) - 1.0);
    (scaled.round() as u8).clamp(1, 5)
}

impl SegmentGrid {
    pub fn name(&self, r: u8, f: u8, bins: u8) -> &str {
        let r = usize::from(to_five(r, bins) - 1);
        let f = usize::from(to_five(f, bins) - 1);
        self.names
            .get(r)
            .and_then(|row| row.get(f))
            .map_or("", String::as_str)
    }

    /// Distinct names in grid order (best first: R5 row first).
    pub fn segment_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for row in self.names.iter().rev() {
            for name in row.iter().rev() {
                if !names.contains(name) {
                    names.push(name.clone());
                }
            }
        }
        names
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentSummary {
    pub name: String,
    pub customers: usize,
    pub customer_share: f64,
    pub revenue_share: f64,
    pub mean_recency: f64,
    pub mean_frequency: f64,
    pub mean_monetary: f64,
    pub description: String,
    pub action: String,
}

/// Segment name per customer with the grid, and one summary per non-empty segment.
pub fn assign(
    table: &RfmTable,
    scores: &RfmScores,
    grid: &SegmentGrid,
) -> (Vec<String>, Vec<SegmentSummary>) {
    let names: Vec<String> = (0..scores.r.scores.len())
        .map(|i| {
            let score = |d: &[u8]| d.get(i).copied().unwrap_or(1);
            grid.name(
                score(&scores.r.scores),
                score(&scores.f.scores),
                scores.bins,
            )
            .to_string()
        })
        .collect();
    let summaries = summarise(table, &names, &grid.segment_names());
    (names, summaries)
}

/// One summary per non-empty segment of `names` (a name per customer, in
/// table order), in the order of `order`.
pub fn summarise(table: &RfmTable, names: &[String], order: &[String]) -> Vec<SegmentSummary> {
    let total_revenue: f64 = table.rows.iter().map(|r| r.monetary.max(0.0)).sum();
    let n = table.rows.len().max(1) as f64;
    let mut summaries = Vec::new();
    for name in order {
        let members: Vec<_> = table
            .rows
            .iter()
            .zip(names)
            .filter(|(_, s)| *s == name)
            .map(|(r, _)| r)
            .collect();
        if members.is_empty() {
            continue;
        }
        let count = members.len() as f64;
        let revenue: f64 = members.iter().map(|r| r.monetary.max(0.0)).sum();
        let (description, action) = advice(name);
        summaries.push(SegmentSummary {
            customers: members.len(),
            customer_share: count / n,
            revenue_share: if total_revenue > 0.0 {
                revenue / total_revenue
            } else {
                0.0
            },
            mean_recency: members.iter().map(|r| r.recency_days as f64).sum::<f64>() / count,
            mean_frequency: members.iter().map(|r| f64::from(r.frequency)).sum::<f64>() / count,
            mean_monetary: members.iter().map(|r| r.monetary).sum::<f64>() / count,
            name: name.clone(),
            description: description.into(),
            action: action.into(),
        });
    }
    summaries
}

/// What a default segment means and what to do about it.
fn advice(name: &str) -> (&'static str, &'static str) {
    match name {
        "Champions" => (
            "Bought recently, buy often and spend the most.",
            "Reward them: early access, loyalty perks; ask for reviews and referrals.",
        ),
        "Loyal" => (
            "Buy regularly and respond to promotions.",
            "Upsell higher-value products; invite them to a loyalty programme.",
        ),
        "Potential Loyalist" => (
            "Recent customers with a few purchases.",
            "Offer membership or a second-purchase incentive to build the habit.",
        ),
        "New" => (
            "Bought for the first time very recently.",
            "Onboard them: welcome series, how-to content, a small next-order offer.",
        ),
        "Promising" => (
            "Recent shoppers who have not bought much yet.",
            "Build awareness of the range; free shipping on the next order.",
        ),
        "Need Attention" => (
            "Average recency and frequency.",
            "Time-limited offers based on past purchases to re-activate them.",
        ),
        "About to Sleep" => (
            "Below-average recency and frequency.",
            "Share popular products and a personalised discount before they lapse.",
        ),
        "At Risk" => (
            "Bought often, but a long time ago.",
            "Win-back emails with personalised recommendations and a renewal offer.",
        ),
        "Can't Lose Them" => (
            "Used to be among the most frequent buyers; gone quiet.",
            "Reach out personally; ask what changed; offer something generous.",
        ),
        "Hibernating" => (
            "Last purchase long ago, few orders.",
            "Offer relevant products and special discounts; keep contact light.",
        ),
        "Lost" => (
            "Lowest recency and frequency.",
            "Try one reactivation campaign, then stop spending on them.",
        ),
        // Shopify's and Klaviyo's groups (see `presets`).
        "Active" => (
            "Bought recently, some orders, moderate spend.",
            "Recommend related products to make the next order bigger.",
        ),
        "Needs attention" => (
            "Bought fairly recently, with some orders and moderate spend.",
            "A timely, personal offer before they drift away.",
        ),
        "At risk" => (
            "No recent purchase, but a strong history of orders and spend.",
            "Win-back emails with personalised recommendations and a renewal offer.",
        ),
        "Previously loyal" => (
            "No recent purchase, after a very strong history of orders and spend.",
            "Reach out personally; ask what changed; offer something generous.",
        ),
        "Almost lost" => (
            "No recent purchase, fewer orders and lower spend.",
            "One well-aimed reactivation offer; then keep contact light.",
        ),
        "Dormant" => (
            "No recent orders, infrequent orders and low spend.",
            "Keep them on a low-cost list; do not spend on them.",
        ),
        "Recent" => (
            "Bought recently but do not buy often yet.",
            "Turn them into repeat customers: a second-purchase incentive.",
        ),
        "Inactive" => (
            "Lowest scores on recency, frequency and spend.",
            "Try one reactivation campaign, then stop spending on them.",
        ),
        _ => ("A custom segment.", "Define an action for this segment."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_covers_every_combination_for_every_bin_count() {
        let grid = SegmentGrid::default();
        for bins in 3..=5u8 {
            for r in 1..=bins {
                for f in 1..=bins {
                    assert!(
                        !grid.name(r, f, bins).is_empty(),
                        "bins {bins}, r {r}, f {f}"
                    );
                }
            }
        }
    }

    #[test]
    fn default_grid_cells() {
        let g = SegmentGrid::default();
        assert_eq!(g.name(5, 5, 5), "Champions");
        assert_eq!(g.name(5, 1, 5), "New");
        assert_eq!(g.name(4, 1, 5), "Promising");
        assert_eq!(g.name(3, 3, 5), "Need Attention");
        assert_eq!(g.name(1, 5, 5), "Can't Lose Them");
        assert_eq!(g.name(2, 2, 5), "Hibernating");
        assert_eq!(g.name(1, 1, 5), "Lost");
        // 3 bins: 1→1, 2→3, 3→5.
        assert_eq!((to_five(1, 3), to_five(2, 3), to_five(3, 3)), (1, 3, 5));
        assert_eq!(g.name(3, 3, 3), "Champions");
        assert_eq!(g.name(2, 2, 3), "Need Attention");
        // 4 bins: 1→1, 2→2 (2.33), 3→4 (3.67), 4→5.
        assert_eq!((to_five(2, 4), to_five(3, 4)), (2, 4));
        assert_eq!(
            g.segment_names().first().map(String::as_str),
            Some("Champions")
        );
        assert_eq!(g.segment_names().len(), 11);
    }
}
