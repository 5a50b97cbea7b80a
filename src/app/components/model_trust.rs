//! How far to trust the predictions: the two purchase models side by side,
//! the holdout check, lifetimes' diagnostic plots and the revenue forecast
//! with its backtest (all computed in the worker; this only draws them).

use crate::app::canvas::ChartCanvas;
use crate::charts;
use crate::views::format::{money, percent, thousands};
use crate::views::model_trust::{ModelComparisonRow, ModelTrust};
use leptos::prelude::*;

fn comparison_row(row: ModelComparisonRow) -> impl IntoView {
    let name = format!(
        "{}{}",
        row.model.name(),
        if row.chosen { " (in use)" } else { "" }
    );
    let lifetimes = row.model.lifetimes_name();
    let number = |v: Option<f64>| v.map_or("—".to_string(), |v| format!("{v:.1}"));
    let (parameters, fit_problem) = match row.parameters {
        Ok(p) => (p, None),
        Err(why) => ("—".to_string(), Some(why)),
    };
    let (mae, rmse, totals, holdout_problem) = match row.holdout {
        Ok(h) => (
            format!("{:.3}", h.mae),
            format!("{:.3}", h.rmse),
            format!("{:.0} / {}", h.predicted_total, thousands(h.actual_total)),
            None,
        ),
        Err(why) => ("—".into(), "—".into(), "—".into(), Some(why)),
    };
    let problems: Vec<String> = fit_problem.into_iter().chain(holdout_problem).collect();
    view! {
        <tr>
            <th scope="row" title=lifetimes>{name}</th>
            <td>{parameters}</td>
            <td class="num">{number(row.log_likelihood)}</td>
            <td class="num">{number(row.aic)}</td>
            <td class="num">{mae}</td>
            <td class="num">{rmse}</td>
            <td class="num">{totals}</td>
        </tr>
        {(!problems.is_empty()).then(|| view! {
            <tr class="problem"><td colspan="7">{problems.join(" ")}</td></tr>
        })}
    }
}

#[component]
pub fn ModelTrustView(trust: ModelTrust, horizon_days: u32) -> impl IntoView {
    let ModelTrust {
        split,
        comparison,
        calibration_plot,
        period_transactions,
        expected_purchases,
        probability_alive,
        forecast,
        forecast_total,
        backtest,
        mape,
    } = trust;
    let split_line = match split {
        Ok(line) => format!("Holdout check: {line}."),
        Err(why) => format!("No holdout check: {why}."),
    };
    let calibration = calibration_plot.map(|input| view! {
        <ChartCanvas title="Actual vs predicted purchases in the holdout" file_name="holdout-purchases.png" height=280
            description="Mean purchases in the holdout period, actual and predicted, by the number of repeat purchases in the calibration period"
            draw=move |area, theme| charts::draw_category_series(area, &input, theme)/>
    });
    let backtest_view = match backtest {
        Ok(input) => view! {
            <ChartCanvas title="Revenue backtest: the holdout months" file_name="revenue-backtest.png" height=280
                description="Revenue of the calibration customers in each holdout month, predicted by models fitted before it and actual"
                draw=move |area, theme| charts::draw_category_series(area, &input, theme)/>
        }
        .into_any(),
        Err(why) => view! { <p class="muted">{format!("No revenue backtest: {why}.")}</p> }.into_any(),
    };
    let mape_line = mape.map_or_else(
        || "MAPE: not computable (no holdout month with revenue).".to_string(),
        |m| format!("Backtest error (MAPE, mean absolute percentage error over the holdout months): {m:.1}%."),
    );
    view! {
        <h3 id="model-trust-title">"How far to trust these predictions"</h3>
        <p class="muted">{split_line}</p>
        <table class="model-comparison" aria-labelledby="model-trust-title">
            <thead><tr>
                <th>"Model"</th><th>"Parameters (all data)"</th><th class="num">"Log-likelihood"</th><th class="num">"AIC"</th>
                <th class="num">"Holdout MAE"</th><th class="num">"Holdout RMSE"</th><th class="num">"Holdout purchases predicted / actual"</th>
            </tr></thead>
            <tbody>{comparison.into_iter().map(comparison_row).collect_view()}</tbody>
        </table>
        <p class="muted">"Lower AIC fits the data better; lower MAE and RMSE (per customer, purchase days in the holdout) predict better. Both models are fitted on the calibration part for the holdout, then on all the data for the figures above."</p>
        <div class="chart-grid">
            {calibration}
            <ChartCanvas title="Customers by repeat purchases: actual vs model" file_name="period-transactions.png" height=280
                description="Customers with 0 to 6 repeat purchase days, counted and as the model expects them"
                draw=move |area, theme| charts::draw_category_series(area, &period_transactions, theme)/>
        </div>
        <div class="chart-grid">
            <ChartCanvas title=format!("Expected purchases in the next {horizon_days} days") file_name="frequency-recency-matrix.png" height=360
                description="Expected purchases by frequency and recency, for a customer as old as the oldest"
                draw=move |area, theme| charts::draw_value_heatmap(area, &expected_purchases, theme)/>
            <ChartCanvas title="Probability still active, P(alive)" file_name="probability-alive-matrix.png" height=360
                description="P(alive) by frequency and recency, for a customer as old as the oldest"
                draw=move |area, theme| charts::draw_value_heatmap(area, &probability_alive, theme)/>
        </div>
        <h3>"Revenue forecast"</h3>
        <p class="muted">{format!(
            "Today's customers are expected to spend {} over the next 12 months (expected purchases per month × expected value per purchase, summed). New customers are not in it. {mape_line}",
            money(forecast_total)
        )}</p>
        <div class="chart-grid">
            <ChartCanvas title="Expected revenue, next 12 months" file_name="revenue-forecast.png" height=280
                description="Expected revenue of today's customers in each of the next 12 months"
                draw=move |area, theme| charts::draw_category_series(area, &forecast, theme)/>
            {backtest_view}
        </div>
        <p class="muted">{format!("P(alive) cells use the chosen model; a share such as {} reads as the chance a customer with that history still buys.", percent(0.5))}</p>
    }
}
