//! How far to trust the predictions, as the page shows it: both purchase
//! models side by side, the holdout check of the chosen one, lifetimes'
//! diagnostic plots and the revenue forecast with its backtest — chart
//! inputs ready to draw and figures ready to print.

use crate::charts::{CategorySeriesInput, MonthSeries, NumberFormat, ValueHeatmapInput};
use crate::engine::clv::forecast::MonthRevenue;
use crate::engine::clv::model_checks::{ModelMatrix, PeriodBar};
use crate::engine::clv::{ClvReport, PurchaseModel};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// One purchase model in the comparison table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelComparisonRow {
    pub model: PurchaseModel,
    /// Drives the figures above (the settings' choice).
    pub chosen: bool,
    /// "r = …, α = …, a = …, b = …" on all the data, or why there is no fit.
    pub parameters: Result<String, String>,
    pub log_likelihood: Option<f64>,
    pub aic: Option<f64>,
    /// Holdout errors (per customer), or why there are none.
    pub holdout: Result<HoldoutFigures, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoldoutFigures {
    pub mae: f64,
    pub rmse: f64,
    pub predicted_total: f64,
    pub actual_total: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelTrust {
    /// "Calibration to 7 Sep 2011, holdout 8 Sep – 9 Dec 2011 (93 days)", or why not.
    pub split: Result<String, String>,
    pub comparison: Vec<ModelComparisonRow>,
    /// The chosen model's mean holdout purchases by calibration frequency.
    pub calibration_plot: Option<CategorySeriesInput>,
    pub period_transactions: CategorySeriesInput,
    pub expected_purchases: ValueHeatmapInput,
    pub probability_alive: ValueHeatmapInput,
    /// The 12 months ahead, today's customers only.
    pub forecast: CategorySeriesInput,
    pub forecast_total: f64,
    /// The holdout months, predicted against actual, or why not.
    pub backtest: Result<CategorySeriesInput, String>,
    pub mape: Option<f64>,
}

fn day(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

fn window_label(m: &MonthRevenue) -> String {
    let last = m
        .start
        .checked_add_days(Days::new(u64::from(m.days.max(1)) - 1))
        .unwrap_or(m.start);
    format!(
        "{} – {}",
        m.start.format("%-d %b"),
        last.format("%-d %b %y")
    )
}

fn series(label: &str, values: Vec<f64>, colour: usize) -> MonthSeries {
    MonthSeries {
        label: label.into(),
        values,
        colour,
    }
}

fn revenue_chart(months: &[MonthRevenue], with_actual: bool) -> CategorySeriesInput {
    let mut all = vec![series(
        "Predicted",
        months.iter().map(|m| m.predicted).collect(),
        0,
    )];
    if with_actual {
        all.push(series(
            "Actual",
            months
                .iter()
                .map(|m| m.actual.unwrap_or(f64::NAN))
                .collect(),
            1,
        ));
    }
    CategorySeriesInput {
        labels: months.iter().map(window_label).collect(),
        series: all,
        value_format: NumberFormat::Compact,
        category_axis_label: "Month from the day after the data".into(),
        value_axis_label: "Revenue".into(),
    }
}

fn period_chart(bars: &[PeriodBar], model: PurchaseModel) -> CategorySeriesInput {
    CategorySeriesInput {
        labels: bars
            .iter()
            .map(|b| b.repeat_purchases.to_string())
            .collect(),
        series: vec![
            series("Actual", bars.iter().map(|b| b.actual as f64).collect(), 1),
            series(model.name(), bars.iter().map(|b| b.expected).collect(), 0),
        ],
        value_format: NumberFormat::Grouped(0),
        category_axis_label: "Repeat purchase days".into(),
        value_axis_label: "Customers".into(),
    }
}

fn heatmap(matrix: &ModelMatrix, format: NumberFormat) -> ValueHeatmapInput {
    ValueHeatmapInput {
        x_labels: matrix.frequencies.iter().map(u32::to_string).collect(),
        y_labels: matrix.recencies.iter().map(u32::to_string).collect(),
        values: matrix.values.clone(),
        value_format: format,
        x_axis_label: "Frequency (repeat purchase days)".into(),
        y_axis_label: "Recency (days from first to last purchase)".into(),
    }
}

impl ModelTrust {
    pub fn of(report: &ClvReport) -> Self {
        let v = &report.validation;
        let chosen = report.settings.model;
        let split = v.split.as_ref().map_err(Clone::clone).and_then(|s| {
            let start = s
                .calibration_end
                .checked_add_days(Days::new(1))
                .ok_or_else(|| "the holdout starts out of range".to_string())?;
            Ok(format!(
                "fitted on purchases up to {}, checked on {} – {} ({} days, lifetimes' duration_holdout)",
                day(s.calibration_end),
                day(start),
                day(s.observation_end),
                s.duration_days()
            ))
        });
        let comparison = v
            .models
            .iter()
            .map(|row| ModelComparisonRow {
                model: row.model,
                chosen: row.model == chosen,
                parameters: row.fit.as_ref().map_err(Clone::clone).map(|p| {
                    format!(
                        "r = {:.3}, α = {:.2}, a = {:.4}, b = {:.3}",
                        p.r, p.alpha, p.a, p.b
                    )
                }),
                log_likelihood: row.fit.as_ref().ok().map(|p| p.log_likelihood),
                aic: row.fit.as_ref().ok().map(|p| p.aic()),
                holdout: row
                    .holdout
                    .as_ref()
                    .map_err(Clone::clone)
                    .map(|h| HoldoutFigures {
                        mae: h.mae,
                        rmse: h.rmse,
                        predicted_total: h.predicted_total,
                        actual_total: h.actual_total,
                    }),
            })
            .collect();
        let calibration_plot = v
            .row(chosen)
            .and_then(|r| r.holdout.as_ref().ok())
            .map(|h| CategorySeriesInput {
                labels: h
                    .by_frequency
                    .iter()
                    .map(|g| g.frequency_cal.to_string())
                    .collect(),
                series: vec![
                    series(
                        "Actual",
                        h.by_frequency.iter().map(|g| g.actual).collect(),
                        1,
                    ),
                    series(
                        chosen.name(),
                        h.by_frequency.iter().map(|g| g.predicted).collect(),
                        0,
                    ),
                ],
                value_format: NumberFormat::Grouped(2),
                category_axis_label: "Purchases in calibration period (frequency_cal)".into(),
                value_axis_label: "Mean purchases in holdout".into(),
            });
        let figures = &report.figures;
        Self {
            split,
            comparison,
            calibration_plot,
            period_transactions: period_chart(&figures.period_transactions, chosen),
            expected_purchases: heatmap(&figures.expected_purchases, NumberFormat::Grouped(1)),
            probability_alive: heatmap(&figures.probability_alive, NumberFormat::Percent(0)),
            forecast: revenue_chart(&figures.forecast, false),
            forecast_total: figures.forecast.iter().map(|m| m.predicted).sum(),
            backtest: v
                .backtest
                .as_ref()
                .map(|b| revenue_chart(&b.months, true))
                .map_err(Clone::clone),
            mape: v.backtest.as_ref().ok().and_then(|b| b.mape),
        }
    }
}
