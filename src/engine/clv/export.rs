//! The predictions as a CSV download: one row per customer, churn candidates marked.

use super::report::ClvReport;
use crate::engine::csv_cells::{text_cell, write_row};
use std::io::{self, Write};

/// Columns name the horizons and the churn threshold, so the file explains itself.
pub fn write_predictions_csv(out: &mut impl Write, report: &ClvReport) -> io::Result<()> {
    let s = &report.settings;
    write_row(
        out,
        [
            "customer_id".to_string(),
            "p_alive".into(),
            format!("expected_purchases_next_{}_days", s.prediction_days),
            "expected_value_per_purchase".into(),
            format!("clv_{}_months", s.horizon_months),
            "total_spent".into(),
            format!("likely_to_churn_p_alive_below_{}", s.churn_threshold),
            "purchase_model".into(),
        ]
        .into_iter(),
    )?;
    for c in &report.customers {
        write_row(
            out,
            [
                text_cell(&c.customer_id),
                format!("{:.4}", c.p_alive),
                format!("{:.4}", c.expected_purchases),
                format!("{:.2}", c.expected_average_value),
                format!("{:.2}", c.clv),
                format!("{:.2}", c.total_spent),
                (c.p_alive < s.churn_threshold).to_string(),
                s.model.name().to_string(),
            ]
            .into_iter(),
        )?;
    }
    Ok(())
}
