//! Turning a read file into a session: the parts of a run that do not depend
//! on how the file was read (in one pass here, or shared between workers).

use super::{Session, WorkerError};
use crate::engine::clean::Rule;
use crate::engine::file_defaults::without_order_ids;
use crate::engine::ingest::{
    sniff_with_settings, IngestOutcome, IngestSettings, Ingestor, SniffReport,
};
use crate::engine::model::{write_assignments_csv, Labeller, SegmentationModel};
use crate::engine::pipeline::{self, Analysis, AnalysisSettings};
use crate::engine::rfm::ReferenceDate;
use crate::engine::rfm_import::{
    looks_like_rfm_table, ReferenceSource, RfmImportOutcome, RfmImportSettings, RfmTableIngestor,
};
use crate::views::dashboard::{AppliedModel, DataSource, RunInfo, RunStats};

/// What the start of a file says it is.
#[derive(Debug, Clone, PartialEq)]
pub enum Sniffed {
    /// Transactions: the detected format and column mapping to review.
    Transactions(Box<SniffReport>),
    /// An RFM table (one row per customer): analysed without a mapping step.
    RfmTable,
}

pub fn sniff(head: &[u8], settings: &IngestSettings) -> Result<Sniffed, WorkerError> {
    if looks_like_rfm_table(head) {
        return Ok(Sniffed::RfmTable);
    }
    Ok(Sniffed::Transactions(Box::new(sniff_with_settings(
        head, settings,
    )?)))
}

/// The session of a transactions file, read and analysed.
pub fn transactions_session(
    file_name: String,
    outcome: IngestOutcome,
    analysis: Analysis,
    stats: RunStats,
) -> Session {
    let IngestOutcome {
        mut ledger,
        format,
        report,
        exploration,
    } = outcome;
    let mut analysis = analysis.with_exploration(exploration);
    let drops_duplicates = report
        .rules
        .iter()
        .any(|r| r.rule == Rule::Duplicate && r.enabled);
    let purchase = analysis.settings.rfm.purchase;
    let said = without_order_ids(&format.mapping, purchase, drops_duplicates);
    if let Some(said) = &said {
        analysis.overview.definitions =
            format!("{}; {}", analysis.overview.definitions, said.definition);
    }
    let monthly = std::mem::take(&mut ledger.monthly);
    let run = RunInfo {
        file_name,
        read_from: String::new(),
        source: DataSource::Transactions {
            format,
            report,
            without_order_ids: said.map(|said| said.note),
        },
        monthly,
        stats,
    };
    Session::new(run, analysis, Some(ledger))
}

/// The RFM-table reader for these analysis settings (a fixed reference date
/// replaces the table's own).
pub fn table_ingestor(settings: &AnalysisSettings) -> RfmTableIngestor {
    let reference_date = match settings.rfm.reference {
        ReferenceDate::Fixed(date) => Some(date),
        ReferenceDate::DayAfterLast => None,
    };
    RfmTableIngestor::new(RfmImportSettings {
        reference_date,
        ..RfmImportSettings::default()
    })
}

/// The data source of an imported RFM table, and the table itself.
pub fn table_source(outcome: RfmImportOutcome) -> (DataSource, crate::engine::rfm::RfmTable) {
    let reference_from = match outcome.reference_from {
        ReferenceSource::Settings => "the reference date set in the RFM definitions",
        ReferenceSource::Header => "the recency column's name",
        ReferenceSource::Column => "the reference_date column",
    };
    let source = DataSource::RfmTable {
        rows: outcome.table.rows.len(),
        delimiter: outcome.delimiter,
        decimal_comma: outcome.decimal_comma,
        columns: outcome.columns,
        reference_from: reference_from.into(),
    };
    (source, outcome.table)
}

/// Reads and analyses a whole file in one pass, in this thread: what the
/// worker does, without the second worker or the clock.
pub fn analyse_bytes(
    file_name: &str,
    bytes: &[u8],
    ingest: &IngestSettings,
    settings: &AnalysisSettings,
) -> Result<Session, WorkerError> {
    let stats = RunStats {
        ingest_workers: 1,
        sweep_workers: 1,
        ..RunStats::default()
    };
    let head = &bytes[..bytes.len().min(crate::engine::ingest::SNIFF_WINDOW)];
    if looks_like_rfm_table(head) {
        let mut reader = table_ingestor(settings);
        reader.push(bytes)?;
        let (source, table) = table_source(reader.finish()?);
        let analysis = pipeline::analyze_table(table, settings, &mut |_, _| {})?;
        let run = RunInfo {
            file_name: file_name.into(),
            read_from: String::new(),
            source,
            monthly: Vec::new(),
            stats,
        };
        return Ok(Session::new(run, analysis, None));
    }
    let mut ingestor = Ingestor::new(ingest.clone());
    ingestor.push(bytes)?;
    let outcome = ingestor.finish()?;
    let analysis = pipeline::analyze(&outcome.ledger, settings, &mut |_, _| {})?;
    Ok(transactions_session(
        file_name.into(),
        outcome,
        analysis,
        stats,
    ))
}

/// Labels the customers of a new file with a saved model.
pub fn apply_model(
    file_name: String,
    model_json: &str,
    outcome: &IngestOutcome,
    labeller: Labeller,
) -> Result<AppliedModel, WorkerError> {
    let model = SegmentationModel::from_json(model_json)?;
    let (assignments, method) = (
        model.apply_with(&outcome.ledger, labeller)?,
        labeller.describe(),
    );
    let mut clusters: std::collections::BTreeMap<(usize, String), usize> = Default::default();
    for a in &assignments {
        *clusters
            .entry((a.cluster, a.cluster_name.clone()))
            .or_default() += 1;
    }
    let mut csv = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write_assignments_csv(&mut csv, &assignments);
    Ok(AppliedModel {
        file_name,
        model_trained_on: format!(
            "{} customers, reference date {}",
            model.trained_on.customers, model.trained_on.reference_date
        ),
        method: method.into(),
        customers: assignments.len(),
        clusters: clusters
            .into_iter()
            .map(|((cluster, name), n)| (cluster, name, n))
            .collect(),
        rows_read: outcome.report.rows_read,
        rows_kept: outcome.report.rows_kept,
        csv,
    })
}
