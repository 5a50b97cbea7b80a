//! Cluster profiles: sizes, shares, typical R/F/M, a name derived from the
//! profile, and a plain-language marketing playbook.

use super::clustering::{Clustering, Point};
use super::rfm::{median, RfmTable};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Playbook {
    pub what_to_do: String,
    pub channel: String,
    pub avoid: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterProfile {
    pub cluster: usize,
    pub name: String,
    pub customers: usize,
    pub customer_share: f64,
    pub revenue_share: f64,
    pub mean: [f64; 3],
    pub median: [f64; 3],
    /// Centroid in standardised log space (recency: higher = longer ago).
    pub centroid: Point,
    pub summary: String,
    pub playbook: Playbook,
}

/// Profiles every cluster of `clustering` over the customers of `table`.
pub fn profile(table: &RfmTable, clustering: &Clustering) -> Vec<ClusterProfile> {
    let n = table.rows.len().max(1) as f64;
    let total_revenue: f64 = table.rows.iter().map(|r| r.monetary.max(0.0)).sum();
    let mut used_names: Vec<String> = Vec::new();
    let overall_recency = median(table.rows.iter().map(|r| r.recency_days as f64));
    (0..clustering.k)
        .map(|c| {
            let members: Vec<_> = table
                .rows
                .iter()
                .zip(&clustering.labels)
                .filter(|(_, &l)| usize::from(l) == c)
                .map(|(r, _)| r)
                .collect();
            let count = members.len().max(1) as f64;
            let columns = [
                members
                    .iter()
                    .map(|r| r.recency_days as f64)
                    .collect::<Vec<_>>(),
                members.iter().map(|r| f64::from(r.frequency)).collect(),
                members.iter().map(|r| r.monetary).collect(),
            ];
            let mean = [0, 1, 2].map(|d| columns[d].iter().sum::<f64>() / count);
            let med = [0, 1, 2].map(|d| median(columns[d].iter().copied()));
            let revenue: f64 = members.iter().map(|r| r.monetary.max(0.0)).sum();
            let centroid = clustering.centroids.get(c).copied().unwrap_or([0.0; 3]);
            let base = agree_with_recency(name_for(&centroid), &centroid, med[0], overall_recency);
            let name = unique_name(base, &mut used_names);
            ClusterProfile {
                cluster: c,
                customers: members.len(),
                customer_share: members.len() as f64 / n,
                revenue_share: if total_revenue > 0.0 {
                    revenue / total_revenue
                } else {
                    0.0
                },
                summary: format!(
                    "Typically last bought {:.0} days ago, {:.0} purchase{}, {:.0} spent in total.",
                    med[0],
                    med[1],
                    if med[1] == 1.0 { "" } else { "s" },
                    med[2]
                ),
                playbook: playbook(base),
                name,
                mean,
                median: med,
                centroid,
            }
        })
        .collect()
}

/// Names a cluster from its standardised centroid (z-scores of log R, F, M;
/// negative recency = more recent than average).
pub fn name_for(z: &Point) -> &'static str {
    let [recency, frequency, monetary] = *z;
    let valuable = frequency + monetary > 0.6;
    if recency < -0.3 && valuable && frequency > 0.3 {
        "Loyalists"
    } else if recency < -0.6 && frequency < -0.3 {
        "New customers"
    } else if recency < -0.3 {
        "Potential loyalists"
    } else if monetary > 1.0 && frequency <= 0.3 {
        "Big spenders"
    } else if recency > 0.3 && valuable {
        "At risk"
    } else if recency > 0.9 && !valuable {
        "Lost"
    } else if recency > 0.0 {
        "Churning"
    } else {
        "Steady customers"
    }
}

/// A name that says "recent" or "lapsing" must agree with the cluster's
/// median recency against all customers': the centroid is a mean of
/// standardised logs, so a large low-value cluster can sit on the "longer
/// ago" side while half its customers bought last week. A lapsing name
/// (At risk, Lost, Churning) needs a median recency above everyone's, a
/// recent one (Loyalists, New customers, Potential loyalists) one at most
/// everyone's; otherwise the name follows the median.
pub fn agree_with_recency(
    base: &'static str,
    z: &Point,
    cluster_median_recency: f64,
    overall_median_recency: f64,
) -> &'static str {
    let [_, frequency, monetary] = *z;
    let valuable = frequency + monetary > 0.6;
    let recent = cluster_median_recency <= overall_median_recency;
    match base {
        "At risk" | "Lost" | "Churning" if recent => {
            if valuable {
                "Steady customers"
            } else if frequency < -0.3 {
                "New customers"
            } else {
                "Potential loyalists"
            }
        }
        "Loyalists" | "New customers" | "Potential loyalists" if !recent => {
            if valuable {
                "At risk"
            } else {
                "Churning"
            }
        }
        _ => base,
    }
}

fn unique_name(base: &str, used: &mut Vec<String>) -> String {
    let count = used.iter().filter(|n| n.starts_with(base)).count();
    let name = if count == 0 {
        base.to_string()
    } else {
        format!("{base} ({})", count + 1)
    };
    used.push(name.clone());
    name
}

pub fn playbook(name: &str) -> Playbook {
    let (what, channel, avoid) = match name {
        "Loyalists" => (
            "Reward and retain: VIP tier, early access to new products, thank-you notes; ask for reviews and referrals.",
            "Email and a members' area; personal outreach for the very top.",
            "Blanket discounts — they buy anyway, so discounts only cut margin.",
        ),
        "Potential loyalists" => (
            "Turn recent buyers into regulars: recommendations based on their purchases, a loyalty sign-up, bundle offers.",
            "Email flows after each purchase; retargeting on social.",
            "Too many messages too soon; keep the cadence steady.",
        ),
        "New customers" => (
            "Make the first experience great: welcome series, product tips, a modest incentive for the second order.",
            "Email onboarding sequence; packaging inserts.",
            "Heavy discounts that train them to wait for sales.",
        ),
        "Big spenders" => (
            "Few but large orders: offer premium products, bulk or trade pricing, a dedicated contact.",
            "Personal email or phone from account management.",
            "Generic mass mailings that ignore their order size.",
        ),
        "At risk" => (
            "Win them back before they are gone: personalised reminders of what they bought, a time-limited comeback offer, ask for feedback.",
            "Email and SMS; retargeting ads with their past products.",
            "Waiting: every month of silence lowers the chance they return.",
        ),
        "Churning" => (
            "Re-engage with a clear reason to return: new arrivals, best-sellers, a small discount.",
            "Low-cost email campaigns.",
            "Expensive channels (paid ads, print) until they respond.",
        ),
        "Lost" => (
            "One last reactivation attempt, then suppress from regular campaigns to protect deliverability and budget.",
            "A single email campaign.",
            "Spending on ads or discounts for customers who have moved on.",
        ),
        _ => (
            "Keep them engaged with relevant products and occasional offers.",
            "Regular newsletter.",
            "Over-messaging.",
        ),
    };
    Playbook {
        what_to_do: what.into(),
        channel: channel.into(),
        avoid: avoid.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_profile() {
        assert_eq!(name_for(&[-1.0, 1.2, 1.1]), "Loyalists");
        assert_eq!(name_for(&[-1.2, -0.8, -0.5]), "New customers");
        assert_eq!(name_for(&[-0.5, 0.0, 0.1]), "Potential loyalists");
        assert_eq!(name_for(&[0.8, 0.8, 0.9]), "At risk");
        assert_eq!(name_for(&[1.3, -0.7, -0.8]), "Lost");
        assert_eq!(name_for(&[0.4, -0.2, -0.3]), "Churning");
        assert_eq!(name_for(&[0.0, 0.0, 1.5]), "Big spenders");
    }

    /// Planted clusters whose centroids tell one story and whose customers
    /// another: the name follows the customers' median recency.
    #[test]
    fn names_agree_with_the_clusters_median_recency() {
        // Everyone: recencies 5–15 (cluster 0), 300–400 (1), 20–40 (2), 200–250 (3);
        // the median of all is between clusters 2 and 3.
        let mut rows = Vec::new();
        for i in 0..10 {
            rows.push((5 + i, 1, 20.0)); // bought last week or two
            rows.push((300 + 10 * i, 1, 15.0)); // a year ago
            rows.push((20 + 2 * i, 8, 900.0)); // recent, frequent, big
            rows.push((200 + 5 * i, 6, 700.0)); // frequent and big, months ago
        }
        let table = crate::engine::rfm::tests::table_of(&rows);
        let labels: Vec<u8> = (0..rows.len()).map(|i| (i % 4) as u8).collect();
        let clustering = Clustering {
            k: 4,
            centroids: vec![
                [0.4, -0.2, -0.3],  // "Churning" by its centroid
                [-0.8, -0.5, -0.5], // "New customers" by its centroid
                [-1.0, 1.2, 1.1],   // "Loyalists", and they are
                [0.8, 0.8, 0.9],    // "At risk", and they are
            ],
            labels,
            inertia: 0.0,
            silhouette: 0.0,
            calinski_harabasz: 0.0,
            davies_bouldin: 0.0,
        };
        let names: Vec<String> = profile(&table, &clustering)
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(
            names,
            ["Potential loyalists", "Churning", "Loyalists", "At risk"]
        );
        assert_eq!(
            agree_with_recency("Lost", &[1.3, -0.7, -0.8], 10.0, 50.0),
            "New customers"
        );
        assert_eq!(
            agree_with_recency("At risk", &[0.8, 0.8, 0.9], 10.0, 50.0),
            "Steady customers"
        );
        assert_eq!(
            agree_with_recency("Loyalists", &[-1.0, 1.2, 1.1], 90.0, 50.0),
            "At risk"
        );
        assert_eq!(
            agree_with_recency("Big spenders", &[0.0, 0.0, 1.5], 90.0, 50.0),
            "Big spenders"
        );
    }

    #[test]
    fn profiles_sizes_shares_and_unique_names() {
        let table = crate::engine::rfm::tests::table_of(&[
            (5, 5, 100.0),
            (5, 4, 300.0),
            (5, 1, 10.0),
            (5, 1, 30.0),
        ]);
        let clustering = Clustering {
            k: 2,
            centroids: vec![[-1.0, 1.0, 1.0], [-1.0, 1.0, 0.9]],
            labels: vec![0, 0, 1, 1],
            inertia: 0.0,
            silhouette: 0.0,
            calinski_harabasz: 0.0,
            davies_bouldin: 0.0,
        };
        let p = profile(&table, &clustering);
        assert_eq!((p[0].customers, p[0].customer_share), (2, 0.5));
        assert!((p[0].revenue_share - 400.0 / 440.0).abs() < 1e-12);
        assert_eq!(p[0].mean, [5.0, 4.5, 200.0]);
        assert_eq!(p[1].median, [5.0, 1.0, 20.0]);
        assert_eq!(p[0].name, "Loyalists");
        assert_eq!(p[1].name, "Loyalists (2)");
        assert!(!p[1].playbook.what_to_do.is_empty());
    }
}
