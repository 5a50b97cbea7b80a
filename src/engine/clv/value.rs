//! Discounted customer lifetime value, lifetimes' `customer_lifetime_value`
//! with `freq="D"`: a month is 30 days; month i's expected purchases (the
//! difference of the cumulative predictions at 30i and 30(i − 1) days) times
//! the Gamma-Gamma expected spend, discounted by (1 + monthly rate)^i.

use super::gamma_gamma::GammaGammaParams;
use super::purchase_model::PurchaseParams;
use super::summary::CustomerSummary;

/// Days in a model month (lifetimes' factor for daily data).
pub const DAYS_PER_MONTH: f64 = 30.0;

/// CLV over `months` months, or `None` if a prediction is not finite.
pub fn lifetime_value(
    purchases: &PurchaseParams,
    gamma_gamma: &GammaGammaParams,
    customer: &CustomerSummary,
    months: u32,
    monthly_discount_rate: f64,
) -> Option<f64> {
    let spend = gamma_gamma.expected_average_value(customer.frequency, customer.monetary_value)?;
    let cumulative = |days: f64| {
        purchases.expected_purchases(days, customer.frequency, customer.recency, customer.age)
    };
    let mut value = 0.0;
    let mut before = 0.0;
    for month in 1..=months {
        let upto = cumulative(f64::from(month) * DAYS_PER_MONTH)?;
        value += spend * (upto - before) / (1.0 + monthly_discount_rate).powi(month as i32);
        before = upto;
    }
    value.is_finite().then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_closed_form_sum_and_discounting_lowers_it() {
        let bg = PurchaseParams {
            model: crate::engine::clv::PurchaseModel::BgNbd,
            r: 0.243,
            alpha: 4.414,
            a: 0.793,
            b: 2.426,
            log_likelihood: 0.0,
        };
        let gg = GammaGammaParams {
            p: 6.25,
            q: 3.74,
            v: 15.44,
            log_likelihood: 0.0,
        };
        let c = CustomerSummary {
            customer_id: "A".into(),
            frequency: 2,
            recency: 30.43,
            age: 38.86,
            monetary_value: 22.5,
            total_spent: 60.0,
        };
        // Undiscounted, the months telescope to the spend × purchases over the whole horizon.
        let spend = gg.expected_average_value(2, 22.5).unwrap();
        let purchases = bg.expected_purchases(360.0, 2, 30.43, 38.86).unwrap();
        let flat = lifetime_value(&bg, &gg, &c, 12, 0.0).unwrap();
        assert!((flat - spend * purchases).abs() < 1e-9 * flat);
        let discounted = lifetime_value(&bg, &gg, &c, 12, 0.01).unwrap();
        assert!(discounted < flat && discounted > flat / 1.01f64.powi(12));
        // lifetimes' GammaGammaFitter.customer_lifetime_value(time=12, discount_rate=0.01, freq="D").
        assert!(
            (discounted - 140.82417771294627).abs() < 1e-9,
            "{discounted}"
        );
        assert_eq!(lifetime_value(&bg, &gg, &c, 0, 0.01), Some(0.0));
    }
}
