//! Definitions that fit the file, for a user who never opens the settings.
//!
//! With an order (invoice) id, a purchase is an order and an exact repeat of
//! a line within its order is a duplicate. Without one, a line is not a
//! purchase (an order of three items is three lines), so a purchase is a
//! calendar day with orders, the convention of the lifetimes / pymc-marketing
//! family; and two identical lines are most often two items at the same
//! price on the same day, not a duplicate, since nothing identifies a line.

use super::clean::CleaningRules;
use super::ingest::ColumnMapping;
use super::rfm::{PurchaseUnit, RfmSettings};

/// The defaults for a file with this column mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileDefaults {
    pub purchase: PurchaseUnit,
    pub drop_duplicates: bool,
}

impl FileDefaults {
    pub fn for_mapping(mapping: &ColumnMapping) -> Self {
        match mapping.invoice.is_some() {
            true => Self::with_order_ids(),
            false => Self {
                purchase: PurchaseUnit::Day,
                drop_duplicates: false,
            },
        }
    }

    /// The defaults of a file with order ids, which are also the settings'
    /// defaults.
    pub fn with_order_ids() -> Self {
        Self {
            purchase: PurchaseUnit::default(),
            drop_duplicates: CleaningRules::default().drop_duplicates,
        }
    }

    /// Sets each setting still at its `previous` default to this default;
    /// one the user changed stays as they chose.
    pub fn replace(&self, previous: &Self, rfm: &mut RfmSettings, rules: &mut CleaningRules) {
        if rfm.purchase == previous.purchase {
            rfm.purchase = self.purchase;
        }
        if rules.drop_duplicates == previous.drop_duplicates {
            rules.drop_duplicates = self.drop_duplicates;
        }
    }
}

/// What Segmento says about a file without order ids under these settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithoutOrderIds {
    /// For the data-quality report: the choice made and how to change it.
    pub note: String,
    /// Its short form, for the definitions line.
    pub definition: String,
}

/// `None` for a file with order ids.
pub fn without_order_ids(
    mapping: &ColumnMapping,
    purchase: PurchaseUnit,
    drop_duplicates: bool,
) -> Option<WithoutOrderIds> {
    if mapping.invoice.is_some() {
        return None;
    }
    let (purchase_note, purchases) = match purchase {
        PurchaseUnit::Day => (
            "the file has no order id column, so a purchase is a calendar day with orders \
             (as in lifetimes); map an order column in the mapping step to count orders",
            "days",
        ),
        PurchaseUnit::Invoice => (
            "the file has no order id column, so every line counts as a purchase \
             (choose \"a calendar day with orders\" under RFM definitions to count days)",
            "lines",
        ),
    };
    let (duplicates_note, duplicates) = match drop_duplicates {
        false => (
            "identical lines are kept, as nothing identifies a line (switch on \
             \"exact duplicate lines\" in the data-quality report to drop them)",
            "kept",
        ),
        true => ("identical lines are dropped as duplicates", "dropped"),
    };
    Some(WithoutOrderIds {
        note: format!("{purchase_note}; {duplicates_note}"),
        definition: format!(
            "no order id column, so purchases are {purchases} and identical lines are \
             {duplicates} (see the data-quality report)"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ingest::MappedColumn;

    fn mapping(invoice: bool) -> ColumnMapping {
        ColumnMapping {
            invoice: invoice.then(|| MappedColumn {
                index: 0,
                header: "InvoiceNo".into(),
                confidence: 1.0,
                explanation: String::new(),
            }),
            ..ColumnMapping::default()
        }
    }

    #[test]
    fn a_file_with_order_ids_keeps_the_settings_defaults() {
        let defaults = FileDefaults::for_mapping(&mapping(true));
        assert_eq!(defaults.purchase, PurchaseUnit::Invoice);
        assert!(defaults.drop_duplicates);
        let (mut rfm, mut rules) = (RfmSettings::default(), CleaningRules::default());
        defaults.replace(&FileDefaults::with_order_ids(), &mut rfm, &mut rules);
        assert_eq!(
            (rfm, rules),
            (RfmSettings::default(), CleaningRules::default())
        );
        assert_eq!(
            without_order_ids(&mapping(true), PurchaseUnit::Invoice, true),
            None
        );
    }

    #[test]
    fn without_order_ids_a_purchase_is_a_day_and_identical_lines_stay() {
        let defaults = FileDefaults::for_mapping(&mapping(false));
        assert_eq!(defaults.purchase, PurchaseUnit::Day);
        assert!(!defaults.drop_duplicates);
        let with_ids = FileDefaults::with_order_ids();
        let (mut rfm, mut rules) = (RfmSettings::default(), CleaningRules::default());
        defaults.replace(&with_ids, &mut rfm, &mut rules);
        assert_eq!(rfm.purchase, PurchaseUnit::Day);
        assert!(!rules.drop_duplicates);
        // A setting the user changed stays; the other follows the next file.
        rfm.purchase = PurchaseUnit::Invoice;
        with_ids.replace(&defaults, &mut rfm, &mut rules);
        assert_eq!(rfm.purchase, PurchaseUnit::Invoice);
        assert!(rules.drop_duplicates);
        rules.drop_duplicates = false;
        defaults.replace(&with_ids, &mut rfm, &mut rules);
        assert_eq!(rfm.purchase, PurchaseUnit::Day);
        assert!(!rules.drop_duplicates);
        let said = without_order_ids(&mapping(false), PurchaseUnit::Day, false).unwrap();
        assert_eq!(
            said.definition,
            "no order id column, so purchases are days and identical lines are kept \
             (see the data-quality report)"
        );
        let note = said.note;
        assert!(
            note.contains("calendar day") && note.contains("identical lines are kept"),
            "{note}"
        );
        let said = without_order_ids(&mapping(false), PurchaseUnit::Invoice, true).unwrap();
        assert_eq!(
            said.definition,
            "no order id column, so purchases are lines and identical lines are dropped \
             (see the data-quality report)"
        );
        let note = said.note;
        assert!(
            note.contains("every line counts") && note.contains("dropped"),
            "{note}"
        );
    }
}
