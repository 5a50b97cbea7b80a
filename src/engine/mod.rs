//! The segmentation engine: everything from raw CSV bytes to named segments,
//! with no dependency on the browser.
//!
//! Data flow: `ingest` streams bytes into a [`ledger::Ledger`] (one entry per
//! customer, one purchase per invoice), applying the `clean` rules as it goes;
//! `rfm` turns the ledger into an RFM table; `score` and `segments` give the
//! classic RFM grid; `features` standardises it and `clustering` does the
//! k-means sweep (and the alternative methods) with quality metrics;
//! `presets` names segments like Shopify's or Klaviyo's groups and
//! `cut_points` scores by fixed thresholds instead of quantiles;
//! `migration` compares segments at an earlier date with today's;
//! `profile` names clusters and writes the playbook; `export` and `model`
//! produce the downloads (`model_sql`: the model as labelling SQL for a warehouse) (with `csv_cells`' conventions, which `rfm_import`
//! reads back); `explain` turns clusters into rules; `classify` learns a
//! random forest that assigns them (cross-validated); `pipeline` ties it
//! together; `work_split` decides how two workers share reading a file.

pub mod classify;
pub mod clean;
pub mod clustering;
pub mod clv;
pub mod cohorts;
pub mod container;
pub mod csv_cells;
pub mod csv_out;
pub mod cut_points;
pub mod embedding;
pub mod error;
pub mod explain;
pub mod explore;
pub mod export;
pub mod fast_hash;
pub mod features;
pub mod file_defaults;
pub mod ingest;
pub mod ledger;
pub mod migration;
pub mod model;
pub mod model_sql;
pub mod parquet_file;
pub mod pipeline;
pub mod presets;
pub mod profile;
pub mod rfm;
pub mod rfm_import;
pub mod score;
pub mod segments;
pub mod warm_up;
pub mod work_split;
pub mod workbook;
