//! Column auto-detection from header names (or, without a header row, from
//! the values), and the user-overridable mapping.
//!
//! Headers are compared after lower-casing and removing everything that is
//! not a letter or digit (`Customer ID`, `customer_id`, `CustomerID` match).

use serde::{Deserialize, Serialize};

use super::dates::{DateDetector, DateFormat, DateKind};
use super::values::{looks_decimal_comma, looks_decimal_point, parse_number, trim};

/// A field the engine understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    CustomerId,
    Invoice,
    Date,
    Quantity,
    UnitPrice,
    Amount,
    Country,
    Product,
    /// Payment/order status (Stripe `Status`, WooCommerce `Order Status`).
    Status,
    /// Refunded amount (Stripe `Amount Refunded`), subtracted from the amount.
    Refunded,
}

impl Field {
    pub const ALL: [Field; 10] = [
        Field::CustomerId,
        Field::Invoice,
        Field::Date,
        Field::Quantity,
        Field::UnitPrice,
        Field::Amount,
        Field::Country,
        Field::Product,
        Field::Status,
        Field::Refunded,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Field::CustomerId => "customer id",
            Field::Invoice => "invoice/order id",
            Field::Date => "date",
            Field::Quantity => "quantity",
            Field::UnitPrice => "unit price",
            Field::Amount => "amount",
            Field::Country => "country",
            Field::Product => "product",
            Field::Status => "status",
            Field::Refunded => "refunded amount",
        }
    }

    /// Normalised header names, best first, with their confidence.
    fn synonyms(self) -> &'static [(&'static str, f32)] {
        match self {
            Field::CustomerId => &[
                ("customerid", 1.0),
                ("customerno", 1.0),
                ("customernumber", 1.0),
                ("custid", 0.95),
                ("clientid", 0.95),
                ("customer", 0.9),
                ("client", 0.85),
                ("customeremail", 0.85),
                ("billingemail", 0.85),
                ("email", 0.8),
                // WooCommerce: 0 for guest checkouts, so ranked below e-mail.
                ("customeruserid", 0.7),
                ("userid", 0.7),
                ("buyer", 0.6),
                // German exports (Excel in a German locale writes `;` + decimal comma).
                ("kunde", 0.9),
                ("kundennummer", 0.95),
                ("kundennr", 0.95),
            ],
            Field::Invoice => &[
                ("invoiceno", 1.0),
                ("invoice", 1.0),
                ("invoiceid", 1.0),
                ("invoicenumber", 1.0),
                ("orderid", 1.0),
                ("orderno", 0.95),
                ("ordernumber", 0.95),
                ("order", 0.9),
                ("transactionid", 0.85),
                ("receiptid", 0.85),
                ("paymentid", 0.8),
                ("chargeid", 0.8),
                // Shopify calls the order number (#1001) "Name".
                ("name", 0.5),
                // Stripe's payment id.
                ("id", 0.45),
                ("rechnungsnummer", 0.95),
                ("rechnung", 0.9),
                ("bestellnummer", 0.95),
            ],
            Field::Date => &[
                ("invoicedate", 1.0),
                ("orderdate", 1.0),
                ("date", 1.0),
                ("createdat", 0.95),
                ("createdutc", 0.95),
                ("createddateutc", 0.95),
                ("created", 0.9),
                ("purchasedate", 0.95),
                ("transactiondate", 0.95),
                ("datetime", 0.9),
                ("timestamp", 0.85),
                ("paidat", 0.7),
                ("time", 0.6),
                ("datum", 0.95),
                ("rechnungsdatum", 0.95),
                ("bestelldatum", 0.95),
            ],
            Field::Quantity => &[
                ("quantity", 1.0),
                ("qty", 1.0),
                ("lineitemquantity", 1.0),
                ("itemquantity", 1.0),
                ("units", 0.8),
                ("menge", 0.95),
                ("anzahl", 0.9),
            ],
            Field::UnitPrice => &[
                ("unitprice", 1.0),
                ("price", 0.95),
                ("lineitemprice", 1.0),
                ("itemprice", 1.0),
                ("itemcost", 0.9),
                ("priceeach", 0.95),
                ("unitcost", 0.85),
                ("preis", 0.9),
                ("einzelpreis", 0.95),
            ],
            Field::Amount => &[
                ("amount", 1.0),
                ("lineamount", 1.0),
                ("linetotal", 1.0),
                ("total", 0.9),
                ("ordertotal", 0.9),
                ("totalamount", 0.9),
                ("totalprice", 0.85),
                ("sales", 0.85),
                ("revenue", 0.85),
                ("value", 0.6),
                ("betrag", 0.95),
                ("umsatz", 0.85),
            ],
            Field::Country => &[
                ("country", 1.0),
                ("billingcountry", 0.95),
                ("shippingcountry", 0.85),
                ("countrycode", 0.9),
                ("cardissuecountry", 0.5),
                ("land", 0.9),
            ],
            Field::Product => &[
                ("stockcode", 1.0),
                ("productid", 1.0),
                ("sku", 0.95),
                ("lineitemsku", 0.95),
                ("product", 0.9),
                ("productname", 0.85),
                ("lineitemname", 0.85),
                ("itemname", 0.85),
                ("description", 0.7),
            ],
            Field::Status => &[
                ("status", 1.0),
                ("orderstatus", 1.0),
                ("paymentstatus", 0.9),
                // Shopify: filled on an order's first line only; later lines inherit.
                ("financialstatus", 0.9),
            ],
            Field::Refunded => &[
                ("amountrefunded", 1.0),
                ("refundedamount", 1.0),
                ("refunded", 0.8),
            ],
        }
    }
}

pub fn normalise_header(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// One field → one column, with why it was chosen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MappedColumn {
    /// 0-based column index.
    pub index: usize,
    /// Header as written in the file (for display; re-read from the file
    /// when a user mapping is applied, so the UI may send just the index).
    #[serde(default)]
    pub header: String,
    /// 0–1; 1.0 for an exact, unambiguous name or a user choice.
    #[serde(default)]
    pub confidence: f32,
    #[serde(default)]
    pub explanation: String,
}

/// Which column holds which field. Columns are referred to by index; the
/// header names are kept for display.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ColumnMapping {
    pub headers: Vec<String>,
    pub customer_id: Option<MappedColumn>,
    pub invoice: Option<MappedColumn>,
    pub date: Option<MappedColumn>,
    pub quantity: Option<MappedColumn>,
    pub unit_price: Option<MappedColumn>,
    pub amount: Option<MappedColumn>,
    pub country: Option<MappedColumn>,
    pub product: Option<MappedColumn>,
    pub status: Option<MappedColumn>,
    pub refunded: Option<MappedColumn>,
}

impl ColumnMapping {
    pub fn get(&self, field: Field) -> Option<&MappedColumn> {
        self.slot(field).as_ref()
    }

    pub fn index(&self, field: Field) -> Option<usize> {
        self.get(field).map(|c| c.index)
    }

    fn slot(&self, field: Field) -> &Option<MappedColumn> {
        match field {
            Field::CustomerId => &self.customer_id,
            Field::Invoice => &self.invoice,
            Field::Date => &self.date,
            Field::Quantity => &self.quantity,
            Field::UnitPrice => &self.unit_price,
            Field::Amount => &self.amount,
            Field::Country => &self.country,
            Field::Product => &self.product,
            Field::Status => &self.status,
            Field::Refunded => &self.refunded,
        }
    }

    fn slot_mut(&mut self, field: Field) -> &mut Option<MappedColumn> {
        match field {
            Field::CustomerId => &mut self.customer_id,
            Field::Invoice => &mut self.invoice,
            Field::Date => &mut self.date,
            Field::Quantity => &mut self.quantity,
            Field::UnitPrice => &mut self.unit_price,
            Field::Amount => &mut self.amount,
            Field::Country => &mut self.country,
            Field::Product => &mut self.product,
            Field::Status => &mut self.status,
            Field::Refunded => &mut self.refunded,
        }
    }

    /// Map `field` to column `index` by hand (the UI's mapping step);
    /// `None` unmaps it.
    pub fn set(&mut self, field: Field, index: Option<usize>) {
        let header = |i: usize| self.headers.get(i).cloned().unwrap_or_default();
        let column = index.map(|index| MappedColumn {
            index,
            header: header(index),
            confidence: 1.0,
            explanation: "chosen by the user".into(),
        });
        *self.slot_mut(field) = column;
    }

    /// True when the amount comes from quantity × unit price.
    pub fn uses_quantity_times_price(&self) -> bool {
        self.quantity.is_some() && self.unit_price.is_some()
    }

    /// Required fields that are not mapped, as labels.
    pub fn missing_required(&self) -> Vec<String> {
        let mut missing = Vec::new();
        if self.customer_id.is_none() {
            missing.push(Field::CustomerId.label().to_string());
        }
        if self.date.is_none() {
            missing.push(Field::Date.label().to_string());
        }
        if !self.uses_quantity_times_price() && self.amount.is_none() {
            missing.push("amount (or quantity and unit price)".to_string());
        }
        missing
    }
}

/// Guess the mapping from header names.
pub fn detect_columns(headers: &[String]) -> ColumnMapping {
    let normalised: Vec<String> = headers.iter().map(|h| normalise_header(h)).collect();
    let mut mapping = ColumnMapping {
        headers: headers.to_vec(),
        ..ColumnMapping::default()
    };
    let mut taken = vec![false; headers.len()];
    // Score every (field, column) pair, then assign greedily from the most
    // confident so one column never serves two fields.
    let mut candidates: Vec<(f32, usize, Field, usize, String)> = Vec::new();
    for (field_rank, field) in Field::ALL.into_iter().enumerate() {
        for (column, name) in normalised.iter().enumerate() {
            if let Some((confidence, why)) = score(field, name) {
                candidates.push((confidence, field_rank, field, column, why));
            }
        }
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.3.cmp(&b.3)));
    for (confidence, _, field, column, why) in candidates {
        let already_mapped = mapping.get(field).is_some();
        if already_mapped || taken.get(column).copied().unwrap_or(true) {
            continue;
        }
        if let Some(flag) = taken.get_mut(column) {
            *flag = true;
        }
        let header = headers.get(column).cloned().unwrap_or_default();
        *mapping.slot_mut(field) = Some(MappedColumn {
            index: column,
            explanation: format!("\"{header}\" {why}"),
            header,
            confidence,
        });
    }
    mapping
}

/// What a column's values are, for a file without a header row.
struct ValueProfile {
    /// Read as dates (nine in ten values or more), and with what form.
    date: Option<DateFormat>,
    /// Numbers, some with a decimal point or comma.
    decimal: bool,
    example: String,
}

fn profile(values: &[&str]) -> Option<ValueProfile> {
    let example = (*values.first()?).to_string();
    let mut detector = DateDetector::default();
    values.iter().for_each(|value| detector.observe(value));
    let date =
        (detector.recognised() * 10 >= detector.observed() * 9).then(|| detector.resolve(None));
    let numbers = values
        .iter()
        .all(|v| parse_number(v, false).is_ok() || parse_number(v, true).is_ok());
    let decimal = numbers
        && values
            .iter()
            .any(|v| looks_decimal_point(v) || looks_decimal_comma(v));
    Some(ValueProfile {
        date,
        decimal,
        example,
    })
}

/// Guess the mapping of a file without a header row from its first rows'
/// values: the date is the first column of recognised dates (a written or
/// compact date before a number that could be an Excel serial or Unix
/// time); the customer id the first other column of identifiers (text or
/// whole numbers); the amount the only column of decimal numbers. Anything
/// less clear stays unmapped, for the user to map: with two decimal columns
/// either could be the amount, and a column of whole numbers after the id
/// may be a count of items rather than money.
pub fn detect_columns_from_values(headers: &[String], rows: &[Vec<String>]) -> ColumnMapping {
    let mut mapping = ColumnMapping {
        headers: headers.to_vec(),
        ..ColumnMapping::default()
    };
    let profiles: Vec<Option<ValueProfile>> = (0..headers.len())
        .map(|index| {
            let values: Vec<&str> = rows
                .iter()
                .filter_map(|row| row.get(index))
                .map(|value| trim(value))
                .filter(|value| !value.is_empty())
                .collect();
            profile(&values)
        })
        .collect();
    let numeric_form = |format: &DateFormat| {
        matches!(
            format.kind,
            DateKind::ExcelSerial | DateKind::EpochSeconds | DateKind::EpochMillis
        )
    };
    let date = profiles
        .iter()
        .enumerate()
        .filter_map(|(index, p)| Some((index, p.as_ref()?.date.as_ref()?)))
        .min_by_key(|(index, format)| (numeric_form(format), *index));
    let mut place = |field: Field, index: usize, explanation: String| {
        let header = headers.get(index).cloned().unwrap_or_default();
        *mapping.slot_mut(field) = Some(MappedColumn {
            index,
            header,
            confidence: 0.5,
            explanation,
        });
    };
    let date_index = date.map(|(index, _)| index);
    if let Some((index, format)) = date {
        let example = profiles
            .get(index)
            .and_then(Option::as_ref)
            .map(|p| p.example.as_str())
            .unwrap_or_default();
        place(
            Field::Date,
            index,
            format!(
                "its values look like dates ({example}, {})",
                format.description
            ),
        );
    }
    let customer = profiles.iter().enumerate().find_map(|(index, p)| {
        let p = p.as_ref()?;
        // Ids may all look like Excel serials or Unix times; a written or
        // compact date is no id.
        let written_date = p.date.as_ref().is_some_and(|f| !numeric_form(f));
        (Some(index) != date_index && !written_date && !p.decimal)
            .then(|| (index, p.example.clone()))
    });
    if let Some((index, example)) = customer {
        place(
            Field::CustomerId,
            index,
            format!("the first column of identifiers ({example}) other than the date"),
        );
    }
    let decimals: Vec<(usize, &str)> = profiles
        .iter()
        .enumerate()
        .filter_map(|(index, p)| {
            let p = p.as_ref()?;
            (Some(index) != date_index && p.decimal).then_some((index, p.example.as_str()))
        })
        .collect();
    if let [(index, example)] = decimals.as_slice() {
        place(
            Field::Amount,
            *index,
            format!("the only column of decimal numbers ({example})"),
        );
    }
    mapping
}

fn score(field: Field, name: &str) -> Option<(f32, String)> {
    if name.is_empty() {
        return None;
    }
    if let Some(&(_, confidence)) = field.synonyms().iter().find(|(s, _)| *s == name) {
        return Some((
            confidence,
            format!("is a known name for the {}", field.label()),
        ));
    }
    // Looser containment rules, clearly below exact names.
    let contains = |needle: &str| name.contains(needle);
    let loose = match field {
        Field::CustomerId if contains("customer") || contains("client") => Some(0.5),
        Field::CustomerId if contains("email") => Some(0.45),
        Field::Invoice if contains("invoice") || contains("orderid") || contains("ordernumber") => {
            Some(0.5)
        }
        Field::Date if contains("date") && !contains("refund") => Some(0.5),
        Field::Quantity if contains("quantity") || contains("qty") => Some(0.5),
        Field::UnitPrice if contains("price") && !contains("compare") && !contains("total") => {
            Some(0.4)
        }
        Field::Amount if contains("amount") && !contains("refund") && !contains("fee") => Some(0.4),
        Field::Country if contains("country") => Some(0.5),
        _ => None,
    };
    loose.map(|confidence| {
        (
            confidence,
            format!("contains a word suggesting the {}", field.label()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(line: &str) -> Vec<String> {
        line.split(',').map(str::to_string).collect()
    }

    fn mapped(mapping: &ColumnMapping, field: Field) -> Option<&str> {
        mapping.get(field).map(|c| c.header.as_str())
    }

    #[test]
    fn uci_online_retail() {
        let m = detect_columns(&headers(
            "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country",
        ));
        assert_eq!(mapped(&m, Field::CustomerId), Some("CustomerID"));
        assert_eq!(mapped(&m, Field::Invoice), Some("InvoiceNo"));
        assert_eq!(mapped(&m, Field::Date), Some("InvoiceDate"));
        assert_eq!(mapped(&m, Field::Quantity), Some("Quantity"));
        assert_eq!(mapped(&m, Field::UnitPrice), Some("UnitPrice"));
        assert_eq!(mapped(&m, Field::Country), Some("Country"));
        assert_eq!(mapped(&m, Field::Product), Some("StockCode"));
        assert!(m.missing_required().is_empty());
    }

    #[test]
    fn online_retail_ii() {
        let m = detect_columns(&headers(
            "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country",
        ));
        assert_eq!(mapped(&m, Field::CustomerId), Some("Customer ID"));
        assert_eq!(mapped(&m, Field::UnitPrice), Some("Price"));
        assert_eq!(mapped(&m, Field::Invoice), Some("Invoice"));
    }

    #[test]
    fn shopify_orders() {
        let m = detect_columns(&headers(
            "Name,Email,Financial Status,Paid at,Fulfillment Status,Currency,Subtotal,Total,Created at,\
             Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,Lineitem sku,\
             Billing Name,Billing Country,Id",
        ));
        assert_eq!(mapped(&m, Field::Invoice), Some("Name"));
        assert_eq!(mapped(&m, Field::CustomerId), Some("Email"));
        assert_eq!(mapped(&m, Field::Date), Some("Created at"));
        assert_eq!(mapped(&m, Field::Quantity), Some("Lineitem quantity"));
        assert_eq!(mapped(&m, Field::UnitPrice), Some("Lineitem price"));
        assert_eq!(mapped(&m, Field::Country), Some("Billing Country"));
        assert!(m.uses_quantity_times_price());
    }

    #[test]
    fn woocommerce_orders() {
        let m = detect_columns(&headers(
            "Order ID,Order Number,Order Status,Order Date,Customer User ID,Billing Email,\
             Billing Country,Item Name,Quantity,Item Cost,Order Total",
        ));
        assert_eq!(mapped(&m, Field::Invoice), Some("Order ID"));
        assert_eq!(mapped(&m, Field::CustomerId), Some("Billing Email"));
        assert_eq!(mapped(&m, Field::Date), Some("Order Date"));
        assert_eq!(mapped(&m, Field::UnitPrice), Some("Item Cost"));
        assert_eq!(mapped(&m, Field::Status), Some("Order Status"));
    }

    #[test]
    fn stripe_payments() {
        let m = detect_columns(&headers(
            "id,Created (UTC),Amount,Amount Refunded,Currency,Converted Amount,Fee,Status,\
             Customer ID,Customer Email,Card Issue Country",
        ));
        assert_eq!(mapped(&m, Field::Invoice), Some("id"));
        assert_eq!(mapped(&m, Field::Date), Some("Created (UTC)"));
        assert_eq!(mapped(&m, Field::Amount), Some("Amount"));
        assert_eq!(mapped(&m, Field::Refunded), Some("Amount Refunded"));
        assert_eq!(mapped(&m, Field::CustomerId), Some("Customer ID"));
        assert_eq!(mapped(&m, Field::Status), Some("Status"));
        assert!(m.missing_required().is_empty());
    }

    #[test]
    fn plain_and_missing() {
        let m = detect_columns(&headers("customer_id,date,amount"));
        assert!(m.missing_required().is_empty());
        assert!(m.invoice.is_none());
        let m = detect_columns(&headers("foo,date,amount"));
        assert_eq!(m.missing_required(), vec!["customer id".to_string()]);
    }

    #[test]
    fn manual_override() {
        let mut m = detect_columns(&headers("who,when,how much"));
        m.set(Field::CustomerId, Some(0));
        m.set(Field::Date, Some(1));
        m.set(Field::Amount, Some(2));
        assert!(m.missing_required().is_empty());
        assert_eq!(mapped(&m, Field::Amount), Some("how much"));
        // The UI may send indices only.
        let json = r#"{"customer_id":{"index":0},"date":{"index":1},"amount":{"index":2}}"#;
        let from_ui: ColumnMapping = serde_json::from_str(json).unwrap();
        assert_eq!(from_ui.index(Field::Amount), Some(2));
        assert!(from_ui.missing_required().is_empty());
    }
}
