//! Customers CSV export, safe to open in a spreadsheet (text cells are
//! neutralised, see `csv_cells`), and readable by the RFM-table import.

use super::csv_cells::{
    recency_header, text_cell, write_row, COUNTRY, CUSTOMER_ID, FREQUENCY_DAYS, FREQUENCY_INVOICES,
    MONETARY_MEAN_PER_PURCHASE, MONETARY_NET_MEAN_PER_PURCHASE, MONETARY_NET_TOTAL, MONETARY_TOTAL,
};
use super::rfm::{MonetaryMode, PurchaseUnit, RfmTable};
use super::score::RfmScores;
use chrono::NaiveDate;
use std::io::{self, Write};

/// What one customer's export row needs beyond the RFM table.
pub struct ExportColumns<'a> {
    pub segments: &'a [String],
    pub clusters: &'a [u8],
    pub cluster_names: &'a [String],
    /// Each customer's segment at an earlier date (see `migration`), once
    /// computed: a last column named after that date.
    pub previous: Option<PreviousSegments<'a>>,
}

/// Segments at an earlier "as of" date, in table order.
pub struct PreviousSegments<'a> {
    pub as_of: NaiveDate,
    pub names: &'a [String],
}

/// The segment on purchases before an earlier "as of" date (Klaviyo keeps
/// each profile's previous RFM group the same way), and that date.
pub const PREVIOUS_SEGMENT: &str = "previous_segment";
pub const PREVIOUS_SEGMENT_AS_OF: &str = "previous_segment_as_of";

/// Column names carry the definitions, so the file explains itself.
pub fn header(table: &RfmTable) -> Vec<String> {
    let frequency = match table.settings.purchase {
        PurchaseUnit::Invoice => FREQUENCY_INVOICES,
        PurchaseUnit::Day => FREQUENCY_DAYS,
    };
    let monetary = match (table.settings.monetary, table.net_of_returns) {
        (MonetaryMode::Total, false) => MONETARY_TOTAL,
        (MonetaryMode::MeanPerPurchase, false) => MONETARY_MEAN_PER_PURCHASE,
        (MonetaryMode::Total, true) => MONETARY_NET_TOTAL,
        (MonetaryMode::MeanPerPurchase, true) => MONETARY_NET_MEAN_PER_PURCHASE,
    };
    [
        CUSTOMER_ID.to_string(),
        COUNTRY.into(),
        recency_header(table.reference_date),
        frequency.into(),
        monetary.into(),
        "r_score".into(),
        "f_score".into(),
        "m_score".into(),
        "rfm_segment".into(),
        "cluster".into(),
        "cluster_name".into(),
    ]
    .to_vec()
}

pub fn write_customers_csv(
    out: &mut impl Write,
    table: &RfmTable,
    scores: &RfmScores,
    cols: &ExportColumns,
) -> io::Result<()> {
    let mut names = header(table);
    if cols.previous.is_some() {
        names.push(PREVIOUS_SEGMENT.into());
        names.push(PREVIOUS_SEGMENT_AS_OF.into());
    }
    write_row(out, names.iter().map(|h| text_cell(h)))?;
    for (i, row) in table.rows.iter().enumerate() {
        let cluster = cols.clusters.get(i).copied().unwrap_or(0);
        let score = |s: &[u8]| s.get(i).map_or(String::new(), u8::to_string);
        let previous = cols.previous.as_ref().into_iter().flat_map(|p| {
            [
                text_cell(p.names.get(i).map_or("", String::as_str)),
                p.as_of.to_string(),
            ]
        });
        write_row(
            out,
            [
                text_cell(&row.customer_id),
                text_cell(row.country.as_deref().unwrap_or("")),
                row.recency_days.to_string(),
                row.frequency.to_string(),
                format!("{:.2}", row.monetary),
                score(&scores.r.scores),
                score(&scores.f.scores),
                score(&scores.m.scores),
                text_cell(cols.segments.get(i).map_or("", String::as_str)),
                cluster.to_string(),
                text_cell(
                    cols.cluster_names
                        .get(usize::from(cluster))
                        .map_or("", String::as_str),
                ),
            ]
            .into_iter()
            .chain(previous),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rfm::{RfmRow, RfmSettings};
    use crate::engine::score;
    use chrono::NaiveDate;

    #[test]
    fn neutralises_formulas_and_quotes_cells() {
        assert_eq!(
            text_cell("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        for danger in ["+1", "-2+3", "@SUM(A1)", "\tx"] {
            assert!(text_cell(danger).starts_with('\''), "{danger}");
        }
        assert_eq!(text_cell("17850"), "17850");
        let rows = vec![
            RfmRow {
                customer_id: "=cmd|' /C calc'!A0".into(),
                country: Some("Korea, Republic of".into()),
                recency_days: 3,
                frequency: 2,
                monetary: -12.5,
            },
            RfmRow {
                customer_id: "17850".into(),
                country: None,
                recency_days: 1,
                frequency: 1,
                monetary: 10.0,
            },
        ];
        let table = RfmTable {
            settings: RfmSettings::default(),
            reference_date: NaiveDate::from_ymd_opt(2011, 12, 10).unwrap(),
            rows,
            skipped_after_reference: 0,
            net_of_returns: false,
        };
        let scores = score::score(&table, 5).unwrap();
        let segments = vec!["Lost".to_string(), "New".to_string()];
        let names = vec!["Lost".to_string(), "=evil".to_string()];
        let mut out = Vec::new();
        write_customers_csv(
            &mut out,
            &table,
            &scores,
            &ExportColumns {
                segments: &segments,
                clusters: &[1, 0],
                cluster_names: &names,
                previous: None,
            },
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "customer_id,country,recency_days_to_2011-12-10,frequency_invoices,monetary_total,r_score,f_score,m_score,rfm_segment,cluster,cluster_name");
        // Negative numbers stay numbers; text cells with formulas are neutralised.
        assert_eq!(
            lines[1],
            "'=cmd|' /C calc'!A0,\"Korea, Republic of\",3,2,-12.50,1,5,3,Lost,1,'=evil"
        );
        assert_eq!(lines[2], "17850,,1,1,10.00,3,3,5,New,0,Lost");
    }
}
