//! Recognising an RFM table by its header: which column is the customer,
//! recency, frequency, monetary (and optionally country, reference date),
//! with aliases that include Segmento's own customers export.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::engine::csv_cells::{
    recency_header_date, COUNTRY, CUSTOMER_ID, FREQUENCY_DAYS, FREQUENCY_INVOICES,
    MONETARY_MEAN_PER_PURCHASE, MONETARY_NET_MEAN_PER_PURCHASE, MONETARY_NET_TOTAL, MONETARY_TOTAL,
    RECENCY_TO_PREFIX,
};
use crate::engine::rfm::{MonetaryMode, PurchaseUnit};

/// What a header cell stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Customer,
    Recency,
    Frequency,
    Monetary,
    Country,
    ReferenceDate,
}

/// Column indices of an RFM table, resolved from its header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RfmColumns {
    pub headers: Vec<String>,
    pub customer: Option<usize>,
    pub recency: Option<usize>,
    pub frequency: Option<usize>,
    pub monetary: Option<usize>,
    pub country: Option<usize>,
    pub reference_date: Option<usize>,
}

/// `Customer ID` → `customer_id`: lower case, runs of other characters → `_`.
fn normalise(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    for c in header.trim().trim_start_matches('\u{feff}').chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

fn role(header: &str) -> Option<Role> {
    let name = normalise(header);
    if name.starts_with(RECENCY_TO_PREFIX) {
        return Some(Role::Recency);
    }
    let role = match name.as_str() {
        CUSTOMER_ID | "customerid" | "customer" | "customer_no" | "customer_number"
        | "client_id" | "user_id" | "id" | "email" | "customer_email" => Role::Customer,
        "recency" | "recency_days" | "days_since_last_purchase" | "days_since_last_order" | "r" => {
            Role::Recency
        }
        "frequency" | FREQUENCY_INVOICES | FREQUENCY_DAYS | "freq" | "orders" | "order_count"
        | "purchases" | "invoices" | "f" => Role::Frequency,
        "monetary"
        | MONETARY_TOTAL
        | MONETARY_MEAN_PER_PURCHASE
        | MONETARY_NET_TOTAL
        | MONETARY_NET_MEAN_PER_PURCHASE
        | "monetary_value"
        | "revenue"
        | "total_spent"
        | "spend"
        | "m" => Role::Monetary,
        COUNTRY => Role::Country,
        "reference_date" => Role::ReferenceDate,
        _ => return None,
    };
    Some(role)
}

impl RfmColumns {
    pub fn from_headers(headers: Vec<String>) -> RfmColumns {
        let find = |wanted: Role| headers.iter().position(|h| role(h) == Some(wanted));
        RfmColumns {
            customer: find(Role::Customer),
            recency: find(Role::Recency),
            frequency: find(Role::Frequency),
            monetary: find(Role::Monetary),
            country: find(Role::Country),
            reference_date: find(Role::ReferenceDate),
            headers,
        }
    }

    /// Recency, frequency and monetary are all there.
    pub fn has_rfm(&self) -> bool {
        self.recency.is_some() && self.frequency.is_some() && self.monetary.is_some()
    }

    /// Required columns that are absent, by name.
    pub fn missing(&self) -> Vec<String> {
        [
            ("customer id", self.customer),
            ("recency", self.recency),
            ("frequency", self.frequency),
            ("monetary", self.monetary),
        ]
        .into_iter()
        .filter(|(_, index)| index.is_none())
        .map(|(name, _)| name.to_string())
        .collect()
    }

    fn header(&self, index: Option<usize>) -> &str {
        index
            .and_then(|i| self.headers.get(i))
            .map_or("", String::as_str)
    }

    /// `recency_days_to_2011-12-10` carries the reference date.
    pub fn reference_in_header(&self) -> Option<NaiveDate> {
        recency_header_date(self.header(self.recency))
    }

    /// `frequency_days` (Segmento's export with purchase = day) counts days.
    pub fn purchase_unit(&self) -> PurchaseUnit {
        if normalise(self.header(self.frequency)).ends_with("days") {
            PurchaseUnit::Day
        } else {
            PurchaseUnit::Invoice
        }
    }

    /// `monetary_mean_per_purchase` is a mean, anything else a total.
    pub fn monetary_mode(&self) -> MonetaryMode {
        let name = normalise(self.header(self.monetary));
        if name.contains("mean") || name.contains("average") {
            MonetaryMode::MeanPerPurchase
        } else {
            MonetaryMode::Total
        }
    }

    /// Whether the monetary column says it is net of returns (as Segmento's
    /// export names it).
    pub fn monetary_is_net(&self) -> bool {
        normalise(self.header(self.monetary)).starts_with("monetary_net")
    }
}

/// The delimiter that splits the header line into the most cells.
pub fn guess_delimiter(header_line: &str) -> u8 {
    let mut best = (0, b',');
    for delimiter in [b',', b';', b'\t', b'|'] {
        let count = header_line.bytes().filter(|b| *b == delimiter).count();
        if count > best.0 {
            best = (count, delimiter);
        }
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(headers: &[&str]) -> RfmColumns {
        RfmColumns::from_headers(headers.iter().map(|h| h.to_string()).collect())
    }

    #[test]
    fn segmento_export_headers() {
        let c = columns(&[
            "customer_id",
            "country",
            "recency_days_to_2011-12-10",
            "frequency_days",
            "monetary_mean_per_purchase",
            "r_score",
        ]);
        assert_eq!(
            (c.customer, c.country, c.recency, c.frequency, c.monetary),
            (Some(0), Some(1), Some(2), Some(3), Some(4))
        );
        assert!(c.missing().is_empty());
        assert_eq!(
            c.reference_in_header(),
            NaiveDate::from_ymd_opt(2011, 12, 10)
        );
        assert_eq!(c.purchase_unit(), PurchaseUnit::Day);
        assert_eq!(c.monetary_mode(), MonetaryMode::MeanPerPurchase);
    }

    #[test]
    fn aliases_and_missing() {
        let c = columns(&["Customer ID", "Recency (days)", "Orders", "Total Spent"]);
        assert!(c.has_rfm());
        assert_eq!(c.purchase_unit(), PurchaseUnit::Invoice);
        assert_eq!(c.monetary_mode(), MonetaryMode::Total);
        assert_eq!(c.reference_in_header(), None);
        let transactions = columns(&["InvoiceNo", "Quantity", "InvoiceDate", "CustomerID"]);
        assert!(!transactions.has_rfm());
        assert_eq!(transactions.missing(), ["recency", "frequency", "monetary"]);
    }

    #[test]
    fn delimiter_from_header() {
        assert_eq!(guess_delimiter("a;b;c"), b';');
        assert_eq!(guess_delimiter("a\tb\tc"), b'\t');
        assert_eq!(guess_delimiter("a,b"), b',');
        assert_eq!(guess_delimiter("single"), b',');
    }
}
