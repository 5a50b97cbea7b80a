//! Which column holds what: detected from header names, overridable by the user.

use super::error::IngestError;
use serde::{Deserialize, Serialize};

/// Column indices (0-based) of the fields the engine uses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnMapping {
    pub customer: Option<usize>,
    pub invoice: Option<usize>,
    pub date: Option<usize>,
    pub quantity: Option<usize>,
    pub unit_price: Option<usize>,
    /// A line (or order) amount; used when quantity × unit price is not available.
    pub amount: Option<usize>,
    /// Refunded part of `amount` (Stripe's "Amount Refunded"), subtracted from it.
    pub refunded: Option<usize>,
    /// Payment/order status; rows whose status says failed, refunded or cancelled are removed.
    pub status: Option<usize>,
    pub country: Option<usize>,
    pub product: Option<usize>,
}

/// The fields a mapping can name, with the header spellings that select them,
/// best first. Headers are compared lowercased with non-alphanumerics removed.
const SYNONYMS: [(Field, &[&str]); 10] = [
    (Field::Customer, &["customerid", "customer", "customerno", "customernumber", "clientid", "customeruserid", "userid", "customeremail", "billingemail", "email", "buyeremail"]),
    (Field::Invoice, &["invoiceno", "invoice", "invoiceid", "invoicenumber", "orderid", "ordernumber", "orderno", "order", "transactionid"]),
    (Field::Date, &["invoicedate", "orderdate", "date", "createdat", "createdutc", "created", "paidat", "purchasedate", "transactiondate", "datetime", "timestamp"]),
    (Field::Quantity, &["quantity", "qty", "lineitemquantity", "itemquantity", "units"]),
    (Field::UnitPrice, &["unitprice", "price", "lineitemprice", "itemcost", "itemprice", "unitcost"]),
    (Field::Amount, &["amount", "lineamount", "linetotal", "total", "ordertotal", "ordertotalamount", "totalamount", "sales", "revenue", "subtotal"]),
    (Field::Refunded, &["amountrefunded", "refundedamount", "refunded"]),
    (Field::Status, &["status", "financialstatus", "orderstatus", "paymentstatus"]),
    (Field::Country, &["country", "billingcountry", "shippingcountry", "countrycode", "cardaddresscountry", "billingcountrycode"]),
    (Field::Product, &["stockcode", "sku", "productid", "lineitemsku", "description", "product", "productname", "lineitemname", "itemname"]),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Field {
    Customer,
    Invoice,
    Date,
    Quantity,
    UnitPrice,
    Amount,
    Refunded,
    Status,
    Country,
    Product,
}

impl Field {
    pub fn label(self) -> &'static str {
        match self {
            Field::Customer => "customer id",
            Field::Invoice => "invoice / order id",
            Field::Date => "date",
            Field::Quantity => "quantity",
            Field::UnitPrice => "unit price",
            Field::Amount => "amount",
            Field::Refunded => "refunded amount",
            Field::Status => "status",
            Field::Country => "country",
            Field::Product => "product",
        }
    }
}

impl ColumnMapping {
    pub fn get(&self, field: Field) -> Option<usize> {
        match field {
            Field::Customer => self.customer,
            Field::Invoice => self.invoice,
            Field::Date => self.date,
            Field::Quantity => self.quantity,
            Field::UnitPrice => self.unit_price,
            Field::Amount => self.amount,
            Field::Refunded => self.refunded,
            Field::Status => self.status,
            Field::Country => self.country,
            Field::Product => self.product,
        }
    }

    fn slot(&mut self, field: Field) -> &mut Option<usize> {
        match field {
            Field::Customer => &mut self.customer,
            Field::Invoice => &mut self.invoice,
            Field::Date => &mut self.date,
            Field::Quantity => &mut self.quantity,
            Field::UnitPrice => &mut self.unit_price,
            Field::Amount => &mut self.amount,
            Field::Refunded => &mut self.refunded,
            Field::Status => &mut self.status,
            Field::Country => &mut self.country,
            Field::Product => &mut self.product,
        }
    }

    /// Whether lines carry quantity × unit price (else a line amount).
    pub fn uses_quantity_and_price(&self) -> bool {
        self.quantity.is_some() && self.unit_price.is_some()
    }

    /// Checks required fields and column bounds.
    pub fn validate(&self, headers: &[String]) -> Result<(), IngestError> {
        let mut missing = Vec::new();
        if self.customer.is_none() {
            missing.push("a customer id");
        }
        if self.date.is_none() {
            missing.push("a date");
        }
        if !self.uses_quantity_and_price() && self.amount.is_none() {
            missing.push("an amount (or quantity and unit price)");
        }
        if !missing.is_empty() {
            return Err(IngestError::MissingColumns { missing: missing.join(", "), found: headers.join(", ") });
        }
        let all = [
            self.customer, self.invoice, self.date, self.quantity, self.unit_price, self.amount, self.refunded,
            self.status, self.country, self.product,
        ];
        match all.into_iter().flatten().find(|&i| i >= headers.len()) {
            Some(index) => Err(IngestError::BadMapping { index, count: headers.len() }),
            None => Ok(()),
        }
    }
}

pub fn normalise_header(h: &str) -> String {
    h.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// Detects the mapping from header names.
pub fn detect(headers: &[String]) -> ColumnMapping {
    let names: Vec<String> = headers.iter().map(|h| normalise_header(h)).collect();
    let has = |n: &str| names.iter().any(|x| x == n);
    let mut mapping = ColumnMapping::default();
    let mut taken = vec![false; names.len()];
    for (field, synonyms) in SYNONYMS {
        let found = synonyms
            .iter()
            .find_map(|syn| names.iter().enumerate().position(|(i, n)| !taken[i] && n == syn));
        if let Some(i) = found {
            taken[i] = true;
            *mapping.slot(field) = Some(i);
        }
    }
    // Shopify names its order "Name" (#1001) and Stripe its payment "id";
    // only trust those generic headers when the file's other columns say so.
    if mapping.invoice.is_none() {
        let pick = if has("lineitemquantity") || has("financialstatus") {
            names.iter().position(|n| n == "name")
        } else if has("amountrefunded") || has("createdutc") {
            names.iter().position(|n| n == "id")
        } else {
            None
        };
        if let Some(i) = pick.filter(|&i| !taken[i]) {
            mapping.invoice = Some(i);
        }
    }
    // Shopify's "Total" is the order total, repeated only on an order's first
    // line: with line quantity and price available, don't use it.
    if mapping.uses_quantity_and_price() {
        mapping.amount = None;
    }
    mapping
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(line: &str) -> Vec<String> {
        line.split(',').map(str::to_string).collect()
    }

    #[test]
    fn detects_uci_online_retail() {
        let h = headers("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country");
        let m = detect(&h);
        assert_eq!((m.invoice, m.product, m.quantity, m.date, m.unit_price, m.customer, m.country), (Some(0), Some(1), Some(3), Some(4), Some(5), Some(6), Some(7)));
        assert!(m.validate(&h).is_ok());
    }

    #[test]
    fn detects_online_retail_ii() {
        let m = detect(&headers("Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country"));
        assert_eq!((m.invoice, m.unit_price, m.customer), (Some(0), Some(5), Some(6)));
    }

    #[test]
    fn detects_shopify_orders() {
        let h = headers("Name,Email,Financial Status,Created at,Total,Lineitem quantity,Lineitem name,Lineitem price,Billing Country");
        let m = detect(&h);
        assert_eq!((m.invoice, m.customer, m.status, m.date), (Some(0), Some(1), Some(2), Some(3)));
        assert_eq!((m.quantity, m.unit_price, m.amount, m.country), (Some(5), Some(7), None, Some(8)));
    }

    #[test]
    fn detects_woocommerce_orders() {
        let m = detect(&headers("Order ID,Order Date,Order Status,Customer User ID,Billing Email,Billing Country,Quantity,Item Cost,Order Total"));
        assert_eq!((m.invoice, m.date, m.status, m.customer), (Some(0), Some(1), Some(2), Some(3)));
        assert_eq!((m.quantity, m.unit_price, m.country), (Some(6), Some(7), Some(5)));
    }

    #[test]
    fn detects_stripe_payments() {
        let m = detect(&headers("id,Created (UTC),Amount,Amount Refunded,Currency,Status,Customer ID,Customer Email,Card Address Country"));
        assert_eq!((m.invoice, m.date, m.amount, m.refunded, m.status, m.customer, m.country), (Some(0), Some(1), Some(2), Some(3), Some(5), Some(6), Some(8)));
    }

    #[test]
    fn detects_plain_and_reports_missing() {
        let h = headers("customer_id,date,amount");
        let m = detect(&h);
        assert_eq!((m.customer, m.date, m.amount, m.invoice), (Some(0), Some(1), Some(2), None));
        let h = headers("foo,bar,baz");
        let err = detect(&h).validate(&h).unwrap_err();
        assert!(err.to_string().contains("customer id") && err.to_string().contains("foo, bar, baz"), "{err}");
        let bad = ColumnMapping { customer: Some(9), date: Some(1), amount: Some(2), ..Default::default() };
        assert_eq!(bad.validate(&h), Err(IngestError::BadMapping { index: 9, count: 3 }));
    }
}
