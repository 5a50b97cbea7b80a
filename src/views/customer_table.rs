//! The customer table's query: search, sort and paginate without copying rows.
//! Stays fast at 100k customers: one pass to filter, one sort of indices.

use crate::engine::fast_hash::FastHashMap;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::sync::Arc;

/// One customer as the table shows it. Texts that many customers share
/// (country, score, segment, cluster name) are one shared string each:
/// building the rows of 167k customers allocated ≈ 0.8M strings before.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerRow {
    pub customer_id: String,
    pub country: Arc<str>,
    pub recency_days: i64,
    pub frequency: u32,
    pub monetary: f64,
    pub rfm_score: Arc<str>,
    pub segment: Arc<str>,
    pub cluster: usize,
    pub cluster_name: Arc<str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortColumn {
    CustomerId,
    Country,
    Recency,
    Frequency,
    Monetary,
    RfmScore,
    Segment,
    Cluster,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableQuery {
    /// Case-insensitive substring matched against id, country, segment and cluster name.
    pub search: String,
    pub sort: SortColumn,
    pub descending: bool,
    /// Zero-based page index; clamped to the last page.
    pub page: usize,
    pub page_size: usize,
}

impl Default for TableQuery {
    fn default() -> Self {
        Self {
            search: String::new(),
            sort: SortColumn::Monetary,
            descending: true,
            page: 0,
            page_size: 25,
        }
    }
}

impl TableQuery {
    /// Clicking a column header: same column flips the direction, a new
    /// column starts descending for numbers and ascending for text.
    pub fn toggle_sort(&mut self, column: SortColumn) {
        if self.sort == column {
            self.descending = !self.descending;
        } else {
            self.sort = column;
            self.descending = !matches!(
                column,
                SortColumn::CustomerId | SortColumn::Country | SortColumn::Segment
            );
        }
        self.page = 0;
    }
}

/// A page of results: indices into the full row list, plus counts for the pager.
#[derive(Debug, Clone, PartialEq)]
pub struct TablePage {
    pub rows: Vec<usize>,
    pub matched: usize,
    pub page: usize,
    pub page_count: usize,
}

pub fn query(rows: &[CustomerRow], q: &TableQuery) -> TablePage {
    let needle = q.search.trim().to_lowercase();
    let mut matched: Vec<usize> = (0..rows.len())
        .filter(|&i| needle.is_empty() || matches(&rows[i], &needle))
        .collect();
    let page_size = q.page_size.max(1);
    let page_count = matched.len().div_ceil(page_size).max(1);
    let page = q.page.min(page_count - 1);
    let shown = page * page_size..((page + 1) * page_size).min(matched.len());
    let direction = |order: Ordering| if q.descending { order.reverse() } else { order };
    // Ties keep file order in both directions, so paging is stable; the
    // order is total, so only the rows up to the page's end are sorted.
    let rows = match numeric_key(q.sort) {
        Some(key) => {
            // Sorting (key, index) pairs touches no row, much faster than sorting rows.
            let mut keyed: Vec<(f64, usize)> =
                matched.iter().map(|&i| (key(&rows[i]), i)).collect();
            sort_up_to(&mut keyed, shown.end, |a, b| {
                direction(a.0.total_cmp(&b.0)).then(a.1.cmp(&b.1))
            });
            keyed[shown.clone()].iter().map(|&(_, i)| i).collect()
        }
        None => {
            sort_up_to(&mut matched, shown.end, |&a, &b| {
                direction(compare(&rows[a], &rows[b], q.sort)).then(a.cmp(&b))
            });
            matched[shown.clone()].to_vec()
        }
    };
    TablePage {
        rows,
        matched: matched.len(),
        page,
        page_count,
    }
}

/// Puts the first `end` items of `items` in `order` (a total order), leaving
/// the rest unordered: a selection, then a sort of only those `end`.
fn sort_up_to<T>(items: &mut [T], end: usize, mut order: impl FnMut(&T, &T) -> Ordering) {
    if end == 0 {
        return;
    }
    if end < items.len() {
        items.select_nth_unstable_by(end - 1, &mut order);
    }
    let end = end.min(items.len());
    items[..end].sort_unstable_by(order);
}

fn matches(row: &CustomerRow, needle: &str) -> bool {
    [
        row.customer_id.as_str(),
        &row.country,
        &row.segment,
        &row.cluster_name,
    ]
    .iter()
    .any(|field| field.to_lowercase().contains(needle))
}

/// The sort key of a numeric column (exact as f64 for these ranges).
fn numeric_key(column: SortColumn) -> Option<fn(&CustomerRow) -> f64> {
    match column {
        SortColumn::Recency => Some(|r| r.recency_days as f64),
        SortColumn::Frequency => Some(|r| f64::from(r.frequency)),
        SortColumn::Monetary => Some(|r| r.monetary),
        SortColumn::Cluster => Some(|r| r.cluster as f64),
        _ => None,
    }
}

fn compare(a: &CustomerRow, b: &CustomerRow, column: SortColumn) -> Ordering {
    match column {
        SortColumn::CustomerId => natural(&a.customer_id, &b.customer_id),
        SortColumn::Country => a.country.cmp(&b.country),
        SortColumn::Recency => a.recency_days.cmp(&b.recency_days),
        SortColumn::Frequency => a.frequency.cmp(&b.frequency),
        SortColumn::Monetary => a.monetary.total_cmp(&b.monetary),
        SortColumn::RfmScore => a.rfm_score.cmp(&b.rfm_score),
        SortColumn::Segment => a.segment.cmp(&b.segment),
        SortColumn::Cluster => a.cluster.cmp(&b.cluster),
    }
}

/// Numeric ids sort as numbers (`9` before `10`), others as text.
fn natural(a: &str, b: &str) -> Ordering {
    match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        _ => a.cmp(b),
    }
}

/// One shared string per distinct text (Fx-hashed: SipHash was a third of
/// building 167k rows in the browser).
#[derive(Default)]
struct Interner(FastHashMap<String, Arc<str>>);

impl Interner {
    fn get(&mut self, text: &str) -> Arc<str> {
        if let Some(shared) = self.0.get(text) {
            return shared.clone();
        }
        let shared: Arc<str> = Arc::from(text);
        self.0.insert(text.to_string(), shared.clone());
        shared
    }
}

/// One table row per customer of `analysis`, for its chosen k.
pub fn rows_of(analysis: &crate::engine::pipeline::Analysis) -> Vec<CustomerRow> {
    let names: Vec<Arc<str>> = analysis
        .cluster_names()
        .iter()
        .map(|n| Arc::from(n.as_str()))
        .collect();
    let score = |s: &[u8], i: usize| s.get(i).copied().unwrap_or(0);
    let mut texts = Interner::default();
    let mut scores: FastHashMap<[u8; 3], Arc<str>> = FastHashMap::default();
    analysis
        .rfm
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let cluster = analysis.cluster_of(i);
            let rfm = [
                score(&analysis.scores.r.scores, i),
                score(&analysis.scores.f.scores, i),
                score(&analysis.scores.m.scores, i),
            ];
            CustomerRow {
                customer_id: r.customer_id.clone(),
                country: texts.get(r.country.as_deref().unwrap_or_default()),
                recency_days: r.recency_days,
                frequency: r.frequency,
                monetary: r.monetary,
                rfm_score: scores
                    .entry(rfm)
                    .or_insert_with(|| Arc::from(format!("{}{}{}", rfm[0], rfm[1], rfm[2])))
                    .clone(),
                segment: texts.get(analysis.segments.get(i).map_or("", String::as_str)),
                cluster,
                cluster_name: names.get(cluster).cloned().unwrap_or_else(|| Arc::from("")),
            }
        })
        .collect()
}

/// One customer as a page of the table shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShownRow {
    pub customer_id: String,
    pub country: String,
    pub recency_days: i64,
    pub frequency: u32,
    pub monetary: f64,
    pub rfm_score: String,
    pub segment: String,
    pub cluster: usize,
    pub cluster_name: String,
}

/// The page of the table that `query` asks for, with the counts for the pager.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerPage {
    pub query: TableQuery,
    pub rows: Vec<ShownRow>,
    pub matched: usize,
    pub page: usize,
    pub page_count: usize,
}

/// Rows a page may hold at most (the page asks for 25).
pub const MAX_PAGE_SIZE: usize = 500;

pub fn page_of(rows: &[CustomerRow], mut query: TableQuery) -> CustomerPage {
    query.page_size = query.page_size.clamp(1, MAX_PAGE_SIZE);
    let found = self::query(rows, &query);
    CustomerPage {
        rows: found
            .rows
            .iter()
            .filter_map(|&i| rows.get(i))
            .map(|r| ShownRow {
                customer_id: r.customer_id.clone(),
                country: r.country.to_string(),
                recency_days: r.recency_days,
                frequency: r.frequency,
                monetary: r.monetary,
                rfm_score: r.rfm_score.to_string(),
                segment: r.segment.to_string(),
                cluster: r.cluster,
                cluster_name: r.cluster_name.to_string(),
            })
            .collect(),
        matched: found.matched,
        page: found.page,
        page_count: found.page_count,
        query,
    }
}

/// Customer `index` in words, as the scatter's hover shows it.
pub fn describe(analysis: &crate::engine::pipeline::Analysis, index: usize) -> Option<String> {
    let row = analysis.rfm.rows.get(index)?;
    let cluster = analysis.cluster_of(index);
    let name = analysis
        .profiles
        .get(cluster)
        .map_or("", |p| p.name.as_str());
    Some(format!(
        "Customer {} — recency {} days, {} purchases, {} spent — cluster {cluster} · {name}",
        row.customer_id,
        row.recency_days,
        row.frequency,
        super::format::money(row.monetary)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, country: &str, monetary: f64, segment: &str) -> CustomerRow {
        CustomerRow {
            customer_id: id.into(),
            country: country.into(),
            recency_days: 10,
            frequency: 1,
            monetary,
            rfm_score: "111".into(),
            segment: segment.into(),
            cluster: 0,
            cluster_name: "Lost".into(),
        }
    }

    fn ids(rows: &[CustomerRow], page: &TablePage) -> Vec<String> {
        page.rows
            .iter()
            .map(|&i| rows[i].customer_id.clone())
            .collect()
    }

    #[test]
    fn sorts_by_monetary_descending_by_default() {
        let rows = vec![
            row("1", "UK", 5.0, "New"),
            row("2", "FR", 50.0, "Lost"),
            row("3", "UK", 20.0, "New"),
        ];
        let page = query(&rows, &TableQuery::default());
        assert_eq!(ids(&rows, &page), ["2", "3", "1"]);
    }

    #[test]
    fn numeric_ids_sort_as_numbers() {
        let rows = vec![
            row("10", "UK", 1.0, "a"),
            row("9", "UK", 1.0, "a"),
            row("100", "UK", 1.0, "a"),
        ];
        let mut q = TableQuery::default();
        q.toggle_sort(SortColumn::CustomerId);
        assert!(!q.descending);
        assert_eq!(ids(&rows, &query(&rows, &q)), ["9", "10", "100"]);
        q.toggle_sort(SortColumn::CustomerId);
        assert_eq!(ids(&rows, &query(&rows, &q)), ["100", "10", "9"]);
    }

    #[test]
    fn search_is_case_insensitive_across_text_columns() {
        let rows = vec![
            row("1", "France", 1.0, "New"),
            row("2", "UK", 1.0, "Champions"),
            row("3", "UK", 1.0, "New"),
        ];
        let q = TableQuery {
            search: "  CHAMP ".into(),
            ..TableQuery::default()
        };
        assert_eq!(ids(&rows, &query(&rows, &q)), ["2"]);
        let q = TableQuery {
            search: "fran".into(),
            ..TableQuery::default()
        };
        assert_eq!(query(&rows, &q).matched, 1);
    }

    #[test]
    fn paginates_and_clamps_past_the_last_page() {
        let rows: Vec<_> = (0..53)
            .map(|i| row(&i.to_string(), "UK", i as f64, "x"))
            .collect();
        let q = TableQuery {
            page: 2,
            page_size: 25,
            ..TableQuery::default()
        };
        let page = query(&rows, &q);
        assert_eq!(page.page_count, 3);
        assert_eq!(ids(&rows, &page), ["2", "1", "0"]);
        let page = query(&rows, &TableQuery { page: 99, ..q });
        assert_eq!(page.page, 2);
        let empty = query(&[], &TableQuery::default());
        assert_eq!(
            (empty.matched, empty.page_count, empty.rows.len()),
            (0, 1, 0)
        );
    }

    #[test]
    fn every_page_is_its_slice_of_the_full_sort_ties_included() {
        let countries = ["UK", "France", "Germany"];
        let rows: Vec<_> = (0..500)
            .map(|i| CustomerRow {
                recency_days: (i * 37 % 11) as i64,
                frequency: (i * 13 % 7) as u32,
                cluster: i % 4,
                rfm_score: format!("{}", i % 5).into(),
                ..row(
                    &(i * 31 % 97).to_string(),
                    countries[i % 3],
                    (i * 7919 % 50) as f64 / 4.0,
                    ["a", "b"][i % 2],
                )
            })
            .collect();
        let columns = [
            SortColumn::CustomerId,
            SortColumn::Country,
            SortColumn::Recency,
            SortColumn::Frequency,
            SortColumn::Monetary,
            SortColumn::RfmScore,
            SortColumn::Segment,
            SortColumn::Cluster,
        ];
        for column in columns {
            for descending in [false, true] {
                let mut expected: Vec<usize> = (0..rows.len()).collect();
                expected.sort_by(|&a, &b| {
                    let order = compare(&rows[a], &rows[b], column);
                    if descending { order.reverse() } else { order }.then(a.cmp(&b))
                });
                // 500 rows in pages of 7: the last page is partial.
                for (page, want) in expected.chunks(7).enumerate() {
                    let q = TableQuery {
                        sort: column,
                        descending,
                        page,
                        page_size: 7,
                        ..TableQuery::default()
                    };
                    assert_eq!(
                        query(&rows, &q).rows,
                        want,
                        "{column:?}, descending {descending}, page {page}"
                    );
                }
            }
        }
    }

    #[test]
    fn hundred_thousand_rows_query_quickly() {
        let rows: Vec<_> = (0..100_000)
            .map(|i| row(&i.to_string(), "UK", (i * 7919 % 1000) as f64, "x"))
            .collect();
        let started = std::time::Instant::now();
        let page = query(
            &rows,
            &TableQuery {
                search: "9".into(),
                ..TableQuery::default()
            },
        );
        assert!(page.matched > 0);
        // Generous bound for a debug build on a loaded 2-core machine.
        assert!(
            started.elapsed().as_millis() < 2_000,
            "took {:?}",
            started.elapsed()
        );
    }
}
