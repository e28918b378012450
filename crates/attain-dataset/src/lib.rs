//! The Attain dataset (dataset.md): import with line-level errors, export, and synthetic
//! companies for demos and benchmarks.

pub mod crm;
pub mod export;
pub mod import;
mod progress;
pub mod rules;
pub mod source;
pub mod spec;
pub mod synth;

pub use export::{ExportReport, export_dir};
pub use import::{FileCounts, ImportError, ImportReport, import};
pub use progress::{NoProgress, Progress};
pub use source::Source;
