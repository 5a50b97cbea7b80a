//! Plain words for a fit not to be taken at face value. BG/NBD's dropout is
//! a chance p ~ Beta(a, b) of leaving after each repeat purchase; when the
//! fit puts its mean a / (a + b) near zero (UCI Online Retail: a ≈ 0.003,
//! which lifetimes finds too), P(alive) is close to 1 for everyone and the
//! churn count is 0 beside hundreds of customers the RFM segments call Lost.
//! That is the model not seeing dropout in the data, not nobody leaving, and
//! the page must say so instead of printing the 0.

use super::purchase_model::PurchaseParams;
use serde::{Deserialize, Serialize};

/// Below this mean chance of leaving after a purchase, the model sees no dropout.
pub const NEGLIGIBLE_DROPOUT: f64 = 0.01;

/// Under this share of customers with a repeat purchase day, the purchase
/// model rests on few of them.
pub const FEW_REPEAT_BUYERS: f64 = 0.2;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Diagnosis {
    /// The churn list means nothing: P(alive) ≈ 1 for everyone.
    pub no_dropout: bool,
    /// What the user should know, in order of importance.
    pub notes: Vec<String>,
}

/// What to tell the user about a fit on `customers` customers, of whom
/// `repeat_buyers` bought on more than one day.
pub fn diagnose(
    purchases: &PurchaseParams,
    customers: usize,
    repeat_buyers: usize,
    penalizer: f64,
) -> Diagnosis {
    let mut diagnosis = Diagnosis::default();
    let dropout = purchases.mean_dropout();
    if dropout.is_finite() && dropout < NEGLIGIBLE_DROPOUT {
        diagnosis.no_dropout = true;
        diagnosis.notes.push(format!(
            "The fitted dropout is close to zero (a = {:.4}, b = {:.3}: after a purchase a customer \
             leaves with a chance of about {:.2}%), so P(alive) is close to 1 for everyone and the \
             model names no one as likely to churn. That does not mean nobody left: this model \
             cannot see dropout in this data. Judge lapsed customers by recency (the RFM segments' \
             At Risk, Hibernating and Lost){}, or try a shorter window (an earlier reference date \
             under RFM definitions).",
            purchases.a,
            purchases.b,
            100.0 * dropout,
            if penalizer > 0.0 {
                ""
            } else {
                ", a penalizer (lifetimes' penalizer_coef, e.g. 0.001)"
            }
        ));
    }
    if customers > 0 && (repeat_buyers as f64) < FEW_REPEAT_BUYERS * customers as f64 {
        diagnosis.notes.push(format!(
            "Only {repeat_buyers} of {customers} customers ({:.0}%) bought on a second day: the \
             purchase model learns from them alone, and its figures for everyone else lean on them.",
            100.0 * repeat_buyers as f64 / customers as f64
        ));
    }
    diagnosis
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(a: f64, b: f64) -> PurchaseParams {
        PurchaseParams {
            model: crate::engine::clv::PurchaseModel::BgNbd,
            r: 0.8,
            alpha: 60.0,
            a,
            b,
            log_likelihood: -1000.0,
        }
    }

    #[test]
    fn a_dropout_near_zero_is_explained_not_counted() {
        // UCI Online Retail's fit (lifetimes: a ≈ 0.003).
        let d = diagnose(&params(0.0031, 2.6), 4_338, 2_790, 0.0);
        assert!(d.no_dropout);
        assert_eq!(d.notes.len(), 1);
        assert!(d.notes[0].contains("a = 0.0031"), "{}", d.notes[0]);
        assert!(d.notes[0].contains("about 0.12%"), "{}", d.notes[0]);
        assert!(d.notes[0].contains("penalizer"), "{}", d.notes[0]);
        // 0.5 / (0.5 + 49.5) = 1%: at the bound, dropout is seen.
        assert!(!diagnose(&params(0.5, 49.5), 100, 60, 0.0).no_dropout);
        assert!(diagnose(&params(0.49, 49.5), 100, 60, 0.0).no_dropout);
        // A penalized fit is not told to try a penalizer.
        assert!(!diagnose(&params(0.001, 1.0), 100, 60, 0.01).notes[0].contains("penalizer"));
    }

    #[test]
    fn few_repeat_buyers_are_named() {
        let d = diagnose(&params(0.5, 2.0), 1_000, 150, 0.0);
        assert!(!d.no_dropout);
        assert_eq!(
            d.notes,
            ["Only 150 of 1000 customers (15%) bought on a second day: the purchase model learns \
              from them alone, and its figures for everyone else lean on them."]
        );
        assert!(diagnose(&params(0.5, 2.0), 1_000, 200, 0.0)
            .notes
            .is_empty());
    }
}
