//! Segment schemes: the editable R × F grid, or a named preset that gives
//! customers the groups a shop owner knows from Shopify or Klaviyo. A
//! preset fixes its score scale and which scores it reads, so it is a
//! scheme of its own rather than a filling of the R × F grid (Shopify's
//! groups read M too, Klaviyo's read all three scores on 1–3).

use super::rfm::RfmTable;
use super::score::RfmScores;
use super::segments::{self, SegmentGrid, SegmentSummary};
use serde::{Deserialize, Serialize};

/// How scores become a segment name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SegmentScheme {
    /// The editable grid on R × F (3, 4 or 5 bins mapped onto 5 × 5).
    #[default]
    Grid,
    /// Shopify's ten RFM groups on R (1–5) × a combined F+M score (1–5).
    Shopify,
    /// Klaviyo's six RFM groups on R, F and M, each 1–3.
    Klaviyo,
}

/// Shopify's groups by `[R − 1][FM − 1]`, R and the F+M score on 1–5.
///
/// Source: Shopify's `CustomerRfmGroup` (GraphQL Admin API,
/// <https://shopify.dev/docs/api/admin-graphql/latest/enums/customerrfmgroup>):
/// Champions "very recent purchases, many orders, and the most spend";
/// Loyal "recent purchases, many orders, and the most spend"; Active and
/// Needs attention "recent purchases, some orders, and moderate spend";
/// Promising "recent purchases, few orders, and low spend"; New "very recent
/// purchases, few orders, and low spend"; At risk "without recent
/// purchases, but with a strong history of orders and spend"; Previously
/// loyal "… a very strong history"; Almost lost "without recent purchases,
/// fewer orders, and with lower spend"; Dormant "without recent orders,
/// with infrequent orders, and with low spend". The groups sit on recency
/// × a combined frequency-and-monetary score (as Shopify's help center
/// describes them); its cell-by-cell table could not be consulted here, so
/// the cells below are our reading of the descriptions (very recent = R 5,
/// recent = R 3–4, without recent purchases = R 1–2; few orders and low
/// spend = FM 1–2, some/moderate = FM 3, many/most = FM 4–5, very strong =
/// FM 5). Active and Needs attention share a description; Active is taken
/// as the more recent (R 4–5), Needs attention as R 3.
const SHOPIFY: [[&str; 5]; 5] = [
    [
        "Dormant",
        "Dormant",
        "At risk",
        "At risk",
        "Previously loyal",
    ],
    [
        "Almost lost",
        "Almost lost",
        "At risk",
        "At risk",
        "Previously loyal",
    ],
    [
        "Needs attention",
        "Needs attention",
        "Needs attention",
        "Loyal",
        "Loyal",
    ],
    ["Promising", "Promising", "Active", "Loyal", "Loyal"],
    ["New", "New", "Active", "Champions", "Champions"],
];

/// Shopify's groups, best first (the order Shopify lists them in).
const SHOPIFY_ORDER: [&str; 10] = [
    "Champions",
    "Loyal",
    "Active",
    "Promising",
    "New",
    "Needs attention",
    "At risk",
    "Previously loyal",
    "Almost lost",
    "Dormant",
];

/// Klaviyo's groups, best first.
const KLAVIYO_ORDER: [&str; 6] = [
    "Champions",
    "Loyal",
    "Recent",
    "Needs attention",
    "At risk",
    "Inactive",
];

/// The R F M scores (1–3) Klaviyo lists for Loyal.
const KLAVIYO_LOYAL: [(u8, u8, u8); 7] = [
    (3, 2, 1),
    (3, 2, 2),
    (3, 3, 1),
    (2, 3, 2),
    (2, 3, 3),
    (3, 2, 3),
    (3, 3, 2),
];

impl SegmentScheme {
    pub const ALL: [Self; 3] = [Self::Grid, Self::Shopify, Self::Klaviyo];

    /// For the chooser and the definitions.
    pub fn label(self) -> &'static str {
        match self {
            Self::Grid => "Segment grid (editable R × F)",
            Self::Shopify => "Shopify RFM groups (R × F+M, 1–5)",
            Self::Klaviyo => "Klaviyo RFM groups (R, F, M on 1–3)",
        }
    }

    /// A short key for the page's select.
    pub fn key(self) -> &'static str {
        match self {
            Self::Grid => "grid",
            Self::Shopify => "shopify",
            Self::Klaviyo => "klaviyo",
        }
    }

    pub fn from_key(key: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|s| s.key() == key)
            .unwrap_or_default()
    }

    /// The score scale a preset is defined on; `None`: the grid takes 3–5.
    pub fn bins(self) -> Option<u8> {
        match self {
            Self::Grid => None,
            Self::Shopify => Some(5),
            Self::Klaviyo => Some(3),
        }
    }

    /// Whether the name depends on the monetary score.
    pub fn uses_monetary(self) -> bool {
        !matches!(self, Self::Grid)
    }

    /// The segment of scores `r`, `f`, `m` on 1..=`bins`.
    /// Segment name per customer (table order).
    pub fn names_of(self, scores: &RfmScores, grid: &SegmentGrid) -> Vec<String> {
        (0..scores.r.scores.len())
            .map(|i| {
                let score = |d: &[u8]| d.get(i).copied().unwrap_or(1);
                let (r, f, m) = (
                    score(&scores.r.scores),
                    score(&scores.f.scores),
                    score(&scores.m.scores),
                );
                self.name(grid, r, f, m, scores.bins).to_string()
            })
            .collect()
    }

    /// Segment name per customer, and one summary per non-empty segment.
    pub fn assign(
        self,
        table: &RfmTable,
        scores: &RfmScores,
        grid: &SegmentGrid,
    ) -> (Vec<String>, Vec<SegmentSummary>) {
        let names = self.names_of(scores, grid);
        let summaries = segments::summarise(table, &names, &self.segment_names(grid));
        (names, summaries)
    }

    pub fn name(self, grid: &SegmentGrid, r: u8, f: u8, m: u8, bins: u8) -> &str {
        match self {
            Self::Grid => grid.name(r, f, bins),
            Self::Shopify => shopify(r, f, m),
            Self::Klaviyo => klaviyo(r, f, m),
        }
    }

    /// Every name the scheme gives, best first.
    pub fn segment_names(self, grid: &SegmentGrid) -> Vec<String> {
        match self {
            Self::Grid => grid.segment_names(),
            Self::Shopify => SHOPIFY_ORDER.map(str::to_string).to_vec(),
            Self::Klaviyo => KLAVIYO_ORDER.map(str::to_string).to_vec(),
        }
    }

    /// One clause for the definitions line.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Grid => "segments from the R × F grid",
            Self::Shopify => {
                "segments are Shopify's RFM groups on R and the F+M score (the mean of F and M, rounded up)"
            }
            Self::Klaviyo => "segments are Klaviyo's RFM groups on R, F and M scored 1–3",
        }
    }
}

/// Shopify's F+M score: the mean of F and M, rounded up (1–5).
pub fn shopify_fm(f: u8, m: u8) -> u8 {
    let (f, m) = (f.clamp(1, 5), m.clamp(1, 5));
    (f + m).div_ceil(2)
}

fn shopify(r: u8, f: u8, m: u8) -> &'static str {
    let r = usize::from(r.clamp(1, 5) - 1);
    let fm = usize::from(shopify_fm(f, m) - 1);
    SHOPIFY
        .get(r)
        .and_then(|row| row.get(fm))
        .copied()
        .unwrap_or("")
}

/// Klaviyo's groups on 1–3 scores. Source: Klaviyo's help center,
/// "Understanding scoring and customer groups in the RFM report"
/// (<https://help.klaviyo.com/hc/en-us/articles/17797937793179>) and
/// Klaviyo Academy's RFM lessons
/// (<https://academy.klaviyo.com/en-us/quick-guides/build-impactful-retention-strategies-using-rfm-analysis>):
/// 333 are the best customers (Champions), 111 the weakest; Loyal are
/// R F M 321, 322, 331, 232 and 233 (as a copy of the help article lists
/// them; the article itself could not be read in full here) ("purchased somewhat recently
/// or purchase often, but their total historical spend is lower than your
/// Champions", to which 323 and 332 belong too), Recent "made a recent
/// purchase, but do not tend to purchase frequently" (R 3, F 1), Needs
/// attention the middle recency (R 2) otherwise, At risk not recent (R 1)
/// with some history, Inactive 111.
fn klaviyo(r: u8, f: u8, m: u8) -> &'static str {
    let (r, f, m) = (r.clamp(1, 3), f.clamp(1, 3), m.clamp(1, 3));
    if (r, f, m) == (3, 3, 3) {
        "Champions"
    } else if KLAVIYO_LOYAL.contains(&(r, f, m)) {
        "Loyal"
    } else if r == 3 {
        "Recent"
    } else if r == 2 {
        "Needs attention"
    } else if (f, m) == (1, 1) {
        "Inactive"
    } else {
        "At risk"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shopify_groups_of_known_scores() {
        let g = SegmentGrid::default();
        let name = |r, f, m| SegmentScheme::Shopify.name(&g, r, f, m, 5).to_string();
        // F+M = mean rounded up: (5, 4) → 5, (4, 3) → 4, (3, 2) → 3, (1, 2) → 2.
        assert_eq!(
            (shopify_fm(5, 4), shopify_fm(4, 3), shopify_fm(3, 2)),
            (5, 4, 3)
        );
        assert_eq!(name(5, 5, 5), "Champions");
        assert_eq!(name(5, 4, 3), "Champions");
        assert_eq!(name(5, 1, 1), "New");
        assert_eq!(name(5, 3, 2), "Active");
        assert_eq!(name(4, 3, 3), "Active");
        assert_eq!(name(4, 1, 2), "Promising");
        assert_eq!(name(4, 5, 5), "Loyal");
        assert_eq!(name(3, 4, 4), "Loyal");
        assert_eq!(name(3, 2, 3), "Needs attention");
        assert_eq!(name(2, 4, 3), "At risk");
        assert_eq!(name(1, 3, 3), "At risk");
        assert_eq!(name(1, 5, 5), "Previously loyal");
        assert_eq!(name(2, 5, 4), "Previously loyal");
        assert_eq!(name(2, 1, 2), "Almost lost");
        assert_eq!(name(1, 2, 1), "Dormant");
        // Every cell is one of the ten, and each of the ten is somewhere.
        let mut seen = std::collections::BTreeSet::new();
        for r in 1..=5 {
            for f in 1..=5 {
                for m in 1..=5 {
                    let n = name(r, f, m);
                    assert!(SHOPIFY_ORDER.contains(&n.as_str()), "{n}");
                    seen.insert(n);
                }
            }
        }
        assert_eq!(seen.len(), 10);
    }

    #[test]
    fn klaviyo_groups_of_known_scores() {
        let g = SegmentGrid::default();
        let name = |r, f, m| SegmentScheme::Klaviyo.name(&g, r, f, m, 3).to_string();
        assert_eq!(name(3, 3, 3), "Champions");
        for (r, f, m) in [(3, 2, 1), (3, 2, 2), (3, 3, 1), (2, 3, 2), (2, 3, 3)] {
            assert_eq!(name(r, f, m), "Loyal", "{r}{f}{m}");
        }
        assert_eq!(name(3, 1, 3), "Recent");
        assert_eq!(name(3, 1, 1), "Recent");
        assert_eq!(name(2, 2, 2), "Needs attention");
        assert_eq!(name(2, 1, 1), "Needs attention");
        assert_eq!(name(1, 3, 3), "At risk");
        assert_eq!(name(1, 1, 2), "At risk");
        assert_eq!(name(1, 1, 1), "Inactive");
        let mut counts = std::collections::BTreeMap::new();
        for r in 1..=3 {
            for f in 1..=3 {
                for m in 1..=3 {
                    *counts.entry(name(r, f, m)).or_insert(0) += 1;
                }
            }
        }
        assert_eq!(counts.len(), 6);
        assert_eq!(counts["Champions"], 1);
        assert_eq!(counts["Inactive"], 1);
        assert_eq!(counts["Loyal"], 7);
        assert_eq!(counts["Recent"], 3);
        assert_eq!(counts["Needs attention"], 7);
        assert_eq!(counts["At risk"], 8);
    }

    #[test]
    fn grid_scheme_is_the_grid_and_keys_round_trip() {
        let g = SegmentGrid::default();
        assert_eq!(SegmentScheme::Grid.name(&g, 5, 5, 1, 5), "Champions");
        assert_eq!(SegmentScheme::Grid.segment_names(&g), g.segment_names());
        for s in SegmentScheme::ALL {
            assert_eq!(SegmentScheme::from_key(s.key()), s);
        }
        assert_eq!(SegmentScheme::from_key("other"), SegmentScheme::Grid);
    }
}
