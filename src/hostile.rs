//! What any input must survive: the bodies of the fuzz targets (`fuzz/`,
//! run by libFuzzer), also replayed over every file of `fuzz/corpus/` by a
//! stable test (`tests/fuzz_corpus.rs`). Each takes arbitrary bytes and
//! must return (an `Err` is a fine answer) without panicking, and without
//! allocating by what a file claims.
//!
//! Where one input holds several things, the first bytes choose settings
//! and cut points, and [`SPLIT`] separates parts, so a mutation of a seed
//! mostly stays meaningful.

use crate::charts::testing::{Recording, RecordingBackend};
use crate::charts::theme::Theme;
use crate::engine::ingest::{sniff_with_settings, IngestSettings, Ingestor, SNIFF_WINDOW};
use crate::engine::model::Labeller;
use crate::engine::model_sql::SqlDialect;
use crate::protocol::converter::{ConvertEvent, ConvertRequest};
use crate::protocol::decode;
use crate::protocol::helper::{HelperReply, HelperRequest};
use crate::protocol::page::{PageMessage, WorkerMessage};
use crate::session::run::{apply_model, sniff, table_ingestor};
use crate::session::{ExportKind, Session, SessionRequest};
use crate::views::Dashboard;
use plotters::prelude::IntoDrawingArea;

/// Separates the parts of an input that holds several (a model and a file).
pub const SPLIT: &[u8] = b"\n--8<--\n";

/// The detection of the mapping step: the sniffer alone, and as the worker
/// answers a sniff (which also recognises an RFM table).
pub fn sniffer(data: &[u8]) {
    let head = &data[..data.len().min(SNIFF_WINDOW)];
    let _ = sniff_with_settings(head, &IngestSettings::default());
    let _ = sniff(head, &IngestSettings::default());
}

/// Settings chosen by a byte: each bit switches one of them.
fn settings_of(byte: u8) -> IngestSettings {
    let mut settings = IngestSettings::default();
    let bit = |n: u8| byte & (1 << n) != 0;
    settings.delimiter = match byte & 0b11 {
        0 => None,
        1 => Some(b';'),
        2 => Some(b'\t'),
        _ => Some(b' '),
    };
    settings.day_first = bit(2).then_some(bit(3));
    settings.decimal_comma = bit(4).then_some(true);
    settings.has_header = bit(5).then_some(false);
    settings.rules.drop_duplicates = !bit(6);
    settings.rules.drop_out_of_range_dates = !bit(7);
    settings.rules.drop_returns = !bit(7);
    // Bit 3 chooses the date order only when bit 2 says to choose it.
    settings.rules.net_returns = !bit(2) && bit(3);
    settings
}

/// Reading and cleaning with settings from the first byte, the rest pushed
/// in slices cut where the next two bytes say: the outcome must not depend
/// on the slices.
pub fn ingest(data: &[u8]) {
    let [choice, cut_a, cut_b, file @ ..] = data else {
        return;
    };
    let settings = settings_of(*choice);
    let whole = {
        let mut ingestor = Ingestor::new(settings.clone());
        ingestor.push(file).and_then(|()| ingestor.finish())
    };
    let first = usize::from(*cut_a) * file.len() / 256;
    let second = first + (usize::from(*cut_b) * (file.len() - first)) / 256;
    let mut ingestor = Ingestor::new(settings);
    let sliced = [&file[..first], &file[first..second], &file[second..]]
        .iter()
        .try_for_each(|slice| ingestor.push(slice))
        .and_then(|()| ingestor.finish());
    match (whole, sliced) {
        (Ok(whole), Ok(sliced)) => {
            assert_eq!(
                whole.report, sliced.report,
                "the report depends on the slices"
            );
            assert_eq!(
                whole.ledger.customers.len(),
                sliced.ledger.customers.len(),
                "the customers depend on the slices"
            );
        }
        (Err(whole), Err(sliced)) => {
            assert_eq!(
                whole.to_string(),
                sliced.to_string(),
                "the error depends on the slices"
            );
        }
        (whole, sliced) => panic!(
            "one read failed and the other did not: {:?} / {:?}",
            whole.err(),
            sliced.err()
        ),
    }
}

/// Importing an RFM table (the warehouse's output), in two slices.
pub fn rfm_table(data: &[u8]) {
    let [cut, table @ ..] = data else {
        return;
    };
    let at = usize::from(*cut) * table.len() / 256;
    let mut reader = table_ingestor(&Default::default());
    if reader
        .push(&table[..at])
        .and_then(|()| reader.push(&table[at..]))
        .is_ok()
    {
        let _ = reader.finish();
    }
}

/// A saved model (JSON) applied to a transactions file: `model SPLIT file`,
/// by the nearest centre and by the rules.
pub fn model_apply(data: &[u8]) {
    let (model, file) = match data.windows(SPLIT.len()).position(|w| w == SPLIT) {
        Some(at) => (&data[..at], &data[at + SPLIT.len()..]),
        None => (data, &b""[..]),
    };
    let Ok(model) = std::str::from_utf8(model) else {
        return;
    };
    let mut ingestor = Ingestor::new(IngestSettings::default());
    let outcome = ingestor.push(file).and_then(|()| ingestor.finish());
    let Ok(outcome) = outcome else {
        // Still load the model: its checks must hold on their own.
        let _ = crate::engine::model::SegmentationModel::from_json(model);
        return;
    };
    for labeller in [
        Labeller::NearestCentre,
        Labeller::Rules,
        Labeller::Classifier,
    ] {
        let _ = apply_model("fuzz.csv".into(), model, &outcome, labeller);
    }
}

/// A container as the worker opens it: the wrapper, a ZIP archive's
/// directory, members and data offsets; and a workbook's sheets and its
/// conversion to CSV (with a small output limit, as a large book gets).
pub fn container(data: &[u8]) {
    use crate::engine::container::{choose_member, zip, Archive, SheetChoice, Wrapper};
    let _ = Wrapper::of(data);
    let size = data.len() as u64;
    let tail_start = data.len().saturating_sub(zip::TAIL_LEN as usize);
    if let Ok(directory) = zip::find_directory(&data[tail_start..], tail_start as u64, size) {
        let listing = usize::try_from(directory.offset)
            .ok()
            .zip(usize::try_from(directory.offset.saturating_add(directory.len)).ok())
            .and_then(|(start, end)| data.get(start..end));
        if let Some(Ok(members)) = listing.map(zip::members) {
            let _ = Archive::of(&members);
            for member in &members {
                let header = usize::try_from(member.local_header_offset)
                    .ok()
                    .and_then(|start| data.get(start..));
                if let Some(header) = header {
                    let _ = zip::data_offset(member, header);
                }
            }
            let _ = choose_member(&members, None);
        }
    }
    // calamine's .xls reader (compound files) panics on some damaged files
    // (found here: cfb.rs, a slice past the sector's end). In the app that
    // panic stays inside the workbook reader's own worker and becomes a
    // message (`worker::workbook_host`); this target looks for the others.
    if Wrapper::of(data) == Wrapper::OleWorkbook {
        return;
    }
    if crate::engine::workbook::sheets(data).is_ok() {
        for choice in [SheetChoice::default(), SheetChoice::All] {
            let _ = crate::engine::workbook::to_csv(data, &choice, 1 << 20, |_| {});
        }
    }
}

/// Every message of the worker protocol, and a session snapshot, decoded
/// from the same bytes.
pub fn protocol(data: &[u8]) {
    let _ = decode::<PageMessage>(data);
    let _ = decode::<WorkerMessage>(data);
    let _ = decode::<HelperRequest>(data);
    let _ = decode::<HelperReply>(data);
    let _ = decode::<ConvertRequest>(data);
    let _ = decode::<ConvertEvent>(data);
    if let Ok(mut session) = Session::from_bytes(data) {
        let _ = session.dashboard();
        for request in [
            SessionRequest::CustomerPage(Default::default()),
            SessionRequest::Customer { index: 0 },
            SessionRequest::Rules { depth: 3 },
            SessionRequest::Export(ExportKind::CustomersCsv),
            SessionRequest::Export(ExportKind::ModelJson),
            SessionRequest::Export(ExportKind::LabellingSql(SqlDialect::BigQuery)),
        ] {
            let _ = session.handle(request);
        }
    }
}

/// Every chart of a dashboard decoded from the bytes (a dashboard is what
/// the page draws, as the worker sends it), drawn at two sizes and themes.
pub fn charts(data: &[u8]) {
    let Ok(dashboard) = decode::<Dashboard>(data) else {
        return;
    };
    for (width, height, theme) in [(640, 360, Theme::light()), (90, 40, Theme::dark())] {
        let recording = Recording::default();
        let area = RecordingBackend::new(width, height, &recording).into_drawing_area();
        let segments = &dashboard.segments;
        let _ = crate::charts::rf_heatmap::draw_rf_heatmap(&area, &segments.rf_heatmap, &theme);
        let _ = crate::charts::bars::draw_bars(&area, &segments.sizes, &theme);
        let _ = crate::charts::bars::draw_bars(&area, &segments.revenue, &theme);
        let clusters = &dashboard.clusters;
        let _ = crate::charts::k_sweep::draw_k_sweep(&area, &clusters.k_sweep, &theme);
        let _ = crate::charts::snake::draw_snake_plot(&area, &clusters.snake, &theme);
        let distributions = &dashboard.distributions;
        for histograms in &distributions.histograms {
            for binned in [&histograms.linear, &histograms.log] {
                let _ = crate::charts::histogram::draw_binned_histogram(&area, binned, &theme);
            }
        }
        let _ = crate::charts::monthly_revenue::draw_monthly_revenue(
            &area,
            &distributions.monthly,
            &theme,
        );
        if let Some(cohorts) = &distributions.cohorts {
            let _ = crate::charts::cohort_heatmap::draw_cohort_heatmap(&area, cohorts, &theme);
        }
    }
}
