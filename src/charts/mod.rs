//! Chart drawing for Segmento, generic over any plotters [`DrawingBackend`]:
//! the browser passes a canvas backend, native tests a
//! [`testing::RecordingBackend`]. No web dependencies live here.
//!
//! Every chart takes a plain input struct, a [`Theme`] (colours, sizes scaled
//! by devicePixelRatio) and draws a title-less, compact chart. Empty or
//! all-NaN input draws a "No data" notice and returns [`ChartError::NoData`];
//! inconsistent input returns [`ChartError::InvalidInput`]. Nothing panics.
//! Series/cluster `i` is always drawn in [`palette`]`(i)`.

pub mod error;
pub mod format;
mod layout;
pub mod theme;

pub mod testing;

pub use error::ChartError;
pub use format::NumberFormat;
pub use layout::{LegendEntry, NO_DATA_MESSAGE};
pub use theme::{css_hex, palette, palette_for, Theme, ThemeMode};

pub mod k_sweep;
pub use k_sweep::{draw_k_sweep, KSweepInput, KSweepPoint};

pub mod rf_heatmap;
pub use rf_heatmap::{draw_rf_heatmap, RfHeatmapInput};

pub mod bars;
pub use bars::{draw_bars, Bar, BarsInput};

pub mod histogram;
pub use histogram::{
    compute_histogram, draw_binned_histogram, draw_histogram, AxisScale, BinnedHistogram,
    Histogram, HistogramBin, HistogramInput,
};

pub mod scatter;
pub use scatter::{
    draw_point_groups, draw_scatter_frame, group_points_by_colour, nearest_point, paint_points,
    HoverIndex, PixelRect, Rgba, ScatterFrame, ScatterLabels, ScatterPoint,
};

pub mod snake;
pub use snake::{draw_snake_plot, SnakeInput, SnakeSeries};

pub mod monthly_revenue;
pub use monthly_revenue::{
    continuous_months, draw_monthly_revenue, MonthRevenue, MonthlyRevenueInput,
};

pub mod cohort_heatmap;
pub use cohort_heatmap::{draw_cohort_heatmap, CohortHeatmapInput, CohortRow};

pub mod weekday_hour;
pub use weekday_hour::{draw_weekday_hour, WeekdayHourInput};

pub mod monthly_series;
pub use monthly_series::{
    draw_category_series, draw_monthly_series, CategorySeriesInput, MonthSeries, MonthlySeriesInput,
};

pub mod value_heatmap;
pub use value_heatmap::{draw_value_heatmap, ValueHeatmapInput};

pub mod migration_heatmap;
pub use migration_heatmap::{draw_migration_heatmap, MigrationHeatmapInput};
