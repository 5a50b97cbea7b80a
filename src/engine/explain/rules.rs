//! One plain-language rule per leaf: the conditions on the leaf's path merged
//! into one range per feature, then "→ cluster name".

use super::human::{money, whole};
use super::rule_tree::{Bounds, Feature, RuleTree, Values};
use serde::{Deserialize, Serialize};

/// `above < value ≤ at_most` on one feature (either side may be open).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    pub feature: Feature,
    pub above: Option<f64>,
    pub at_most: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    pub conditions: Vec<Condition>,
    pub cluster: usize,
    pub cluster_name: String,
    /// Training customers the rule covers, their share and the share of them in `cluster`.
    pub customers: usize,
    pub share: f64,
    pub purity: f64,
    /// "recency ≤ 30 days and frequency ≥ 5 purchases → Loyalists".
    pub text: String,
    /// "1,234 customers (12.3%), 96.1% of them in Loyalists".
    pub summary: String,
}

impl Condition {
    pub fn holds(&self, x: &Values) -> bool {
        let v = x[self.feature.index()];
        self.above.is_none_or(|t| v > t) && self.at_most.is_none_or(|t| v <= t)
    }

    pub fn text(&self) -> String {
        match self.feature {
            Feature::Recency => whole_range("recency", "day", "days", self),
            Feature::Frequency => whole_range("frequency", "purchase", "purchases", self),
            Feature::Monetary => match (self.above, self.at_most) {
                (Some(lo), Some(hi)) => format!("{} < monetary ≤ {}", money(lo), money(hi)),
                (Some(lo), None) => format!("monetary > {}", money(lo)),
                (None, Some(hi)) => format!("monetary ≤ {}", money(hi)),
                (None, None) => "any monetary".into(),
            },
        }
    }
}

/// Whole values: "> t" is "≥ t + 1", so both ends read as inclusive.
fn whole_range(name: &str, one: &str, many: &str, c: &Condition) -> String {
    let unit = |v: f64| if v == 1.0 { one } else { many };
    match (c.above.map(|t| t + 1.0), c.at_most) {
        (Some(lo), Some(hi)) if lo == hi => format!("{name} is {} {}", whole(lo), unit(lo)),
        (Some(lo), Some(hi)) => format!("{name} {}–{} {many}", whole(lo), whole(hi)),
        (Some(lo), None) => format!("{name} ≥ {} {}", whole(lo), unit(lo)),
        (None, Some(hi)) => format!("{name} ≤ {} {}", whole(hi), unit(hi)),
        (None, None) => format!("any {name}"),
    }
}

fn conditions(bounds: &Bounds) -> Vec<Condition> {
    Feature::ALL
        .into_iter()
        .filter_map(|feature| {
            let d = feature.index();
            let c = Condition {
                feature,
                above: bounds.above[d],
                at_most: bounds.at_most[d],
            };
            (c.above.is_some() || c.at_most.is_some()).then_some(c)
        })
        .collect()
}

/// The rules of `tree`, one per leaf in tree order (left branch first).
pub fn rules(tree: &RuleTree, cluster_names: &[String]) -> Vec<Rule> {
    tree.leaves()
        .into_iter()
        .map(|(leaf, bounds)| {
            let conditions = conditions(&bounds);
            let cluster_name = cluster_names
                .get(leaf.cluster)
                .cloned()
                .unwrap_or_else(|| format!("Cluster {}", leaf.cluster));
            let when = if conditions.is_empty() {
                "all customers".to_string()
            } else {
                conditions
                    .iter()
                    .map(Condition::text)
                    .collect::<Vec<_>>()
                    .join(" and ")
            };
            Rule {
                text: format!("{when} → {cluster_name}"),
                summary: format!(
                    "{} customers ({:.1}%), {:.1}% of them in {cluster_name}",
                    whole(leaf.customers as f64),
                    leaf.share * 100.0,
                    leaf.purity * 100.0
                ),
                conditions,
                cluster: leaf.cluster,
                cluster_name,
                customers: leaf.customers,
                share: leaf.share,
                purity: leaf.purity,
            }
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::engine::explain::rule_tree::tests::sample_tree;

    /// Reads a rule's text back into "does it hold for x, and which cluster
    /// name does it give": the tests check the words, not our structs.
    pub fn text_holds(text: &str, x: &Values) -> Option<String> {
        let (when, name) = text.split_once(" → ")?;
        let num = |s: &str| -> f64 {
            s.trim_start_matches('£')
                .replace(',', "")
                .parse()
                .unwrap_or_else(|_| panic!("not a number: {s}"))
        };
        let holds = when == "all customers"
            || when.split(" and ").all(|clause| {
                let words: Vec<&str> = clause.split(' ').collect();
                if words.get(1) == Some(&"<") {
                    // "£a < monetary ≤ £b"
                    return x[2] > num(words[0]) && x[2] <= num(words[4]);
                }
                let d = match words[0] {
                    "recency" => 0,
                    "frequency" => 1,
                    "monetary" => 2,
                    other => panic!("unknown feature {other} in {text}"),
                };
                let v = x[d];
                match words[1] {
                    "≤" => v <= num(words[2]),
                    "≥" => v >= num(words[2]),
                    ">" => v > num(words[2]),
                    "is" => v == num(words[2]),
                    range => {
                        let (lo, hi) = range.split_once('–').expect("a range");
                        v >= num(lo) && v <= num(hi)
                    }
                }
            });
        holds.then(|| name.to_string())
    }

    #[test]
    fn renders_merged_ranges_with_whole_number_bounds() {
        let names: Vec<String> = ["Loyal", "Regular", "Lapsed"].map(String::from).to_vec();
        let rules = rules(&sample_tree(), &names);
        let texts: Vec<&str> = rules.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "recency ≤ 30 days and frequency ≤ 4 purchases → Regular",
                "recency ≤ 30 days and frequency ≥ 5 purchases → Loyal",
                "recency ≥ 31 days → Lapsed",
            ]
        );
        assert!(rules[0].summary.contains("50.0%"));
    }

    #[test]
    fn condition_texts() {
        let c = |feature, above, at_most| Condition {
            feature,
            above,
            at_most,
        };
        assert_eq!(
            c(Feature::Frequency, Some(1.0), Some(4.0)).text(),
            "frequency 2–4 purchases"
        );
        assert_eq!(
            c(Feature::Frequency, Some(0.0), Some(1.0)).text(),
            "frequency is 1 purchase"
        );
        assert_eq!(
            c(Feature::Monetary, Some(500.0), Some(1234.5)).text(),
            "£500 < monetary ≤ £1,234.50"
        );
        assert_eq!(
            c(Feature::Recency, None, Some(1.0)).text(),
            "recency ≤ 1 day"
        );
        let x = [3.0, 3.0, 800.0];
        for (cond, expected) in [
            (c(Feature::Frequency, Some(1.0), Some(4.0)), true),
            (c(Feature::Monetary, Some(500.0), Some(1234.5)), true),
            (c(Feature::Recency, Some(3.0), None), false),
        ] {
            assert_eq!(cond.holds(&x), expected);
            let text = format!("{} → X", cond.text());
            assert_eq!(text_holds(&text, &x).is_some(), expected, "{text}");
        }
    }
}
