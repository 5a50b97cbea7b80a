//! The saved model as SQL: a query that labels an RFM table where the data
//! lives (DuckDB, Spark SQL, BigQuery) with the model's score bins, segment
//! grid, scaler and centroids, exactly as "Apply a saved model" does
//! ([`SegmentationModel::label_rows`]). Every value from the model is a
//! literal: numbers in exponent form (a double in all three dialects, never
//! a decimal, so the arithmetic is the app's), text quoted and escaped for
//! the dialect, so no segment or cluster name can change the query.

use super::cut_points::{number_text, Scoring};
use super::model::SegmentationModel;
use super::score::DimensionScores;
use serde::{Deserialize, Serialize};
use std::fmt::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SqlDialect {
    DuckDb,
    Spark,
    BigQuery,
}

impl SqlDialect {
    pub const ALL: [Self; 3] = [Self::DuckDb, Self::Spark, Self::BigQuery];

    pub fn name(self) -> &'static str {
        match self {
            Self::DuckDb => "DuckDB",
            Self::Spark => "Spark SQL",
            Self::BigQuery => "BigQuery",
        }
    }

    /// In file names, and the warehouse query that writes the input (`sql/<slug>.sql`).
    pub fn slug(self) -> &'static str {
        match self {
            Self::DuckDb => "duckdb",
            Self::Spark => "spark",
            Self::BigQuery => "bigquery",
        }
    }

    /// The table the query reads: a placeholder for the user's.
    pub fn input_table(self) -> &'static str {
        match self {
            Self::DuckDb | Self::Spark => "rfm_table",
            Self::BigQuery => "`my_project.my_dataset.rfm_table`",
        }
    }

    fn double(self) -> &'static str {
        match self {
            Self::DuckDb | Self::Spark => "DOUBLE",
            Self::BigQuery => "FLOAT64",
        }
    }

    /// A text literal that reads back as exactly `value`.
    pub fn text(self, value: &str) -> String {
        match self {
            Self::DuckDb => duckdb_text(value),
            Self::Spark | Self::BigQuery => backslash_text(value),
        }
    }
}

/// DuckDB's strings have no escapes: a quote is doubled, and control
/// characters are joined in with `chr()` so the literal stays on one line.
fn duckdb_text(value: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut run = String::new();
    for c in value.chars() {
        if c.is_control() {
            if !run.is_empty() {
                parts.push(format!(
                    "'{}'",
                    std::mem::take(&mut run).replace('\'', "''")
                ));
            }
            parts.push(format!("chr({})", u32::from(c)));
        } else {
            run.push(c);
        }
    }
    if !run.is_empty() || parts.is_empty() {
        parts.push(format!("'{}'", run.replace('\'', "''")));
    }
    parts.join(" || ")
}

/// Spark SQL and BigQuery read backslash escapes in quoted strings (Spark
/// unless `spark.sql.parser.escapedStringLiterals` is on; it is off by default).
fn backslash_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                // Writing to a String cannot fail.
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A double literal in every dialect: exponent form, shortest round trip.
fn number(value: f64, dialect: SqlDialect) -> String {
    if !value.is_finite() {
        // A model made by the app has only finite values; a hand-edited one
        // gets no labels from such a value rather than a broken query.
        return format!("CAST(NULL AS {})", dialect.double());
    }
    let text = format!("{value:e}");
    if text.starts_with('-') {
        format!("({text})")
    } else {
        text
    }
}

/// Comment text on one line: a line break from a name or file must not end
/// the comment and start SQL.
fn comment(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The labelling query for `dialect`.
pub fn labelling_sql(model: &SegmentationModel, dialect: SqlDialect) -> String {
    let mut sql = header(model, dialect);
    let double = dialect.double();
    let dimensions = [
        ("r", &model.recency_bins),
        ("f", &model.frequency_bins),
        ("m", &model.monetary_bins),
    ];
    sql.push_str(
        "WITH\nrfm AS (\n    SELECT\n        customer_id, recency_days, frequency, monetary,\n",
    );
    let _ = writeln!(
        sql,
        "        CAST(recency_days AS {double}) AS r_value,\n        CAST(frequency AS {double}) AS f_value,\n        CAST(monetary AS {double}) AS m_value\n    FROM {}\n),",
        dialect.input_table()
    );
    sql.push_str("features AS (\n    SELECT\n        *,\n");
    let quantiles = model.scoring == Scoring::Quantiles;
    if quantiles {
        sql.push_str(
            "        -- How far each value is from each score's training range (0 inside it).\n",
        );
    }
    for (dim, scores) in dimensions.iter().filter(|_| quantiles) {
        for (i, bin) in scores.bins.iter().enumerate() {
            let (min, max) = (number(bin.min, dialect), number(bin.max, dialect));
            let _ = writeln!(
                sql,
                "        CASE WHEN {dim}_value < {min} THEN {min} - {dim}_value WHEN {dim}_value > {max} THEN {dim}_value - {max} ELSE 0e0 END AS {dim}_gap_{i},"
            );
        }
    }
    sql.push_str(
        "        -- log1p of recency, frequency and non-negative monetary, standardised\n        -- with the saved scaler (LN(1 + x): equal to log1p or one unit in the last place apart).\n",
    );
    for (d, dim) in ["r", "f", "m"].iter().enumerate() {
        let _ = writeln!(
            sql,
            "        (LN(1e0 + GREATEST({dim}_value, 0e0)) - {}) / {} AS {dim}_feature{}",
            number(model.scaler.mean[d], dialect),
            number(model.scaler.scale[d], dialect),
            if d < 2 { "," } else { "" }
        );
    }
    sql.push_str("    FROM rfm\n),\ndistances AS (\n    SELECT\n        *,\n");
    sql.push_str("        -- Squared distance to each saved centroid.\n");
    for (j, centroid) in model.centroids.iter().enumerate() {
        let terms: Vec<String> = ["r", "f", "m"]
            .iter()
            .enumerate()
            .map(|(d, dim)| {
                let c = number(centroid[d], dialect);
                format!("({c} - {dim}_feature) * ({c} - {dim}_feature)")
            })
            .collect();
        let _ = writeln!(
            sql,
            "        {} AS distance_{j}{}",
            terms.join(" + "),
            if j + 1 < model.centroids.len() {
                ","
            } else {
                ""
            }
        );
    }
    sql.push_str("    FROM features\n),\nlabelled AS (\n    SELECT\n        *,\n");
    match &model.scoring {
        Scoring::Quantiles => {
            sql.push_str(
                "        -- The score whose range is nearest (the lower score on a tie).\n",
            );
            for (dim, scores) in dimensions {
                let _ = writeln!(sql, "        {} AS {dim}_score,", score_case(dim, scores));
            }
        }
        Scoring::CutPoints(cuts) => {
            sql.push_str("        -- Scores from the cut points: recency at most each cut point, frequency and monetary at least.\n");
            let _ = writeln!(
                sql,
                "        {} AS r_score,",
                cut_case("r", &cuts.recency, true, dialect)
            );
            let _ = writeln!(
                sql,
                "        {} AS f_score,",
                cut_case("f", &cuts.frequency, false, dialect)
            );
            let _ = writeln!(
                sql,
                "        {} AS m_score,",
                cut_case("m", &cuts.monetary, false, dialect)
            );
        }
    }
    sql.push_str("        -- The nearest centroid (the lower cluster number on a tie).\n");
    let _ = writeln!(
        sql,
        "        {} AS cluster",
        cluster_case(model.centroids.len())
    );
    sql.push_str("    FROM distances\n)\nSELECT\n    customer_id, recency_days, frequency, monetary, r_score, f_score, m_score,\n");
    let _ = writeln!(sql, "    {} AS rfm_segment,", segment_case(model, dialect));
    sql.push_str("    cluster,\n");
    let _ = writeln!(
        sql,
        "    {} AS cluster_name",
        cluster_name_case(model, dialect)
    );
    sql.push_str("FROM labelled;\n");
    sql
}

fn header(model: &SegmentationModel, dialect: SqlDialect) -> String {
    let table = dialect.input_table();
    let input_note = match dialect {
        SqlDialect::DuckDb => {
            format!("Replace {table} with your table, or CREATE VIEW {table} AS SELECT ... first.")
        }
        SqlDialect::Spark => {
            format!("Register your table as a view first: df.createOrReplaceTempView(\"{table}\").")
        }
        SqlDialect::BigQuery => format!("Replace {table} with your table."),
    };
    let lines = [
        format!(
            "Segmento labelling SQL ({}): labels every customer of an RFM table with a saved",
            dialect.name()
        ),
        "model, as \"Apply a saved model\" does in the app (nearest centroid).".into(),
        format!(
            "Model: {} clusters on standardised log1p(R, F, M); scores on 1-{}; trained on {} customers,",
            model.centroids.len(),
            model.score_bins,
            model.trained_on.customers
        ),
        format!(
            "reference date {}. Definitions: {}",
            model.trained_on.reference_date, model.definitions
        ),
        format!("Segments: {}. Scores: {}.", model.segment_scheme.label(), scoring_note(model)),
        format!(
            "Input: customer_id, recency_days, frequency, monetary with these definitions (sql/{}.sql",
            dialect.slug()
        ),
        format!("writes such a table). {input_note}"),
        "Output: customer_id, recency_days, frequency, monetary, r_score, f_score, m_score,".into(),
        "rfm_segment, cluster, cluster_name; a row with a missing value gets no segment and no cluster."
            .into(),
    ];
    let mut out = String::new();
    for line in lines {
        let _ = writeln!(out, "-- {}", comment(&line));
    }
    out.push('\n');
    out
}

/// How the query scores, in words.
fn scoring_note(model: &SegmentationModel) -> String {
    match &model.scoring {
        Scoring::Quantiles => "the training data's quantile ranges (nearest range)".into(),
        Scoring::CutPoints(cuts) => {
            let list = |c: &[f64]| {
                c.iter()
                    .map(|v| number_text(*v))
                    .collect::<Vec<_>>()
                    .join(" / ")
            };
            format!(
                "cut points, recency <= {} days, frequency >= {}, monetary >= {}",
                list(&cuts.recency),
                list(&cuts.frequency),
                list(&cuts.monetary)
            )
        }
    }
}

/// [`DimensionScores::score_of`]: the first bin at the smallest distance.
fn score_case(dim: &str, scores: &DimensionScores) -> String {
    let bins = &scores.bins;
    let Some(last) = bins.last() else {
        return format!("CASE WHEN {dim}_value IS NULL THEN NULL ELSE 1 END");
    };
    let mut case = format!("CASE WHEN {dim}_value IS NULL THEN NULL");
    for (i, bin) in bins.iter().enumerate().take(bins.len() - 1) {
        // Earlier bins were not chosen, so "not farther than any later one"
        // picks the first of the nearest, as `min_by` does.
        let conditions: Vec<String> = (i + 1..bins.len())
            .map(|j| format!("{dim}_gap_{i} <= {dim}_gap_{j}"))
            .collect();
        let _ = write!(
            case,
            " WHEN {} THEN {}",
            conditions.join(" AND "),
            bin.score
        );
    }
    let _ = write!(case, " ELSE {} END", last.score);
    case
}

/// [`crate::engine::clustering::nearest`]: the first centroid at the smallest
/// distance. A missing value gives no cluster: the features cannot tell, as
/// DuckDB's and Spark's GREATEST skip a NULL where BigQuery's returns it.
fn cluster_case(k: usize) -> String {
    let mut case =
        "CASE WHEN r_value IS NULL OR f_value IS NULL OR m_value IS NULL THEN NULL".to_string();
    for i in 0..k.saturating_sub(1) {
        let conditions: Vec<String> = (i + 1..k)
            .map(|j| format!("distance_{i} <= distance_{j}"))
            .collect();
        let _ = write!(
            case,
            "\n            WHEN {} THEN {i}",
            conditions.join(" AND ")
        );
    }
    let _ = write!(case, "\n            ELSE {} END", k.saturating_sub(1));
    case
}

/// [`crate::engine::cut_points::score_of`] in SQL: recency scores `bins`
/// at or below the first cut point, down to 1 above the last; frequency and
/// monetary score `bins` at or above the last cut point, down to 1 below
/// the first.
fn cut_case(dim: &str, cuts: &[f64], lower_is_better: bool, dialect: SqlDialect) -> String {
    let bins = cuts.len() + 1;
    let mut case = format!("CASE WHEN {dim}_value IS NULL THEN NULL");
    if lower_is_better {
        for (i, cut) in cuts.iter().enumerate() {
            let _ = write!(
                case,
                " WHEN {dim}_value <= {} THEN {}",
                number(*cut, dialect),
                bins - i
            );
        }
    } else {
        for (i, cut) in cuts.iter().enumerate().rev() {
            let _ = write!(
                case,
                " WHEN {dim}_value >= {} THEN {}",
                number(*cut, dialect),
                i + 2
            );
        }
    }
    case.push_str(" ELSE 1 END");
    case
}

/// The scheme's name for every score combination the scoring can give.
fn segment_case(model: &SegmentationModel, dialect: SqlDialect) -> String {
    let scores_of = |d: &DimensionScores| -> Vec<u8> {
        // Cut points can give any score, whatever the training data had.
        if model.scoring != Scoring::Quantiles {
            return (1..=model.score_bins).collect();
        }
        let mut scores: Vec<u8> = d.bins.iter().map(|b| b.score).collect();
        if scores.is_empty() {
            scores.push(1);
        }
        scores.sort_unstable();
        scores.dedup();
        scores
    };
    let scheme = model.segment_scheme;
    let monetary = match scheme.uses_monetary() {
        true => scores_of(&model.monetary_bins),
        false => vec![1],
    };
    // Like the cluster, no segment for a row with a missing value.
    let mut case =
        "CASE\n        WHEN r_value IS NULL OR f_value IS NULL OR m_value IS NULL THEN NULL"
            .to_string();
    for r in scores_of(&model.recency_bins) {
        for f in scores_of(&model.frequency_bins) {
            for &m in &monetary {
                let name = scheme.name(&model.segment_grid, r, f, m, model.score_bins);
                let m_test = match scheme.uses_monetary() {
                    true => format!(" AND m_score = {m}"),
                    false => String::new(),
                };
                let _ = write!(
                    case,
                    "\n        WHEN r_score = {r} AND f_score = {f}{m_test} THEN {}",
                    dialect.text(name)
                );
            }
        }
    }
    case.push_str("\n    END");
    case
}

fn cluster_name_case(model: &SegmentationModel, dialect: SqlDialect) -> String {
    let mut case = "CASE cluster".to_string();
    for (i, name) in model.cluster_names.iter().enumerate() {
        let _ = write!(case, "\n        WHEN {i} THEN {}", dialect.text(name));
    }
    case.push_str("\n    END");
    case
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_literals_are_quoted_for_each_dialect() {
        let name = "Can't \"Lose\" \\ Them\nnow";
        assert_eq!(
            SqlDialect::DuckDb.text(name),
            "'Can''t \"Lose\" \\ Them' || chr(10) || 'now'"
        );
        assert_eq!(
            SqlDialect::Spark.text(name),
            "'Can\\'t \"Lose\" \\\\ Them\\nnow'"
        );
        assert_eq!(SqlDialect::BigQuery.text("a\u{1}b"), "'a\\u0001b'");
        assert_eq!(SqlDialect::DuckDb.text(""), "''");
        assert_eq!(SqlDialect::DuckDb.text("\t"), "chr(9)");
    }

    #[test]
    fn numbers_are_doubles_that_round_trip() {
        assert_eq!(number(0.1, SqlDialect::Spark), "1e-1");
        assert_eq!(number(-2.5, SqlDialect::DuckDb), "(-2.5e0)");
        assert_eq!(number(-0.0, SqlDialect::DuckDb), "(-0e0)");
        assert_eq!(
            number(f64::NAN, SqlDialect::BigQuery),
            "CAST(NULL AS FLOAT64)"
        );
        let x = 0.123_456_789_012_345_67_f64;
        let text = number(x, SqlDialect::DuckDb);
        assert_eq!(text.parse::<f64>().unwrap(), x);
    }

    #[test]
    fn comments_stay_on_their_line() {
        assert_eq!(comment("a\nDROP TABLE t;\r--"), "a DROP TABLE t; --");
    }

    #[test]
    fn first_of_the_nearest_wins_like_the_app() {
        assert_eq!(
            cluster_case(3),
            "CASE WHEN r_value IS NULL OR f_value IS NULL OR m_value IS NULL THEN NULL\n            \
             WHEN distance_0 <= distance_1 AND distance_0 <= distance_2 THEN 0\n            \
             WHEN distance_1 <= distance_2 THEN 1\n            ELSE 2 END"
        );
    }
}
