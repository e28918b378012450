//! Progress reporting for long operations, so the command line can draw a bar and tests can stay
//! silent.

/// Receives progress of a long operation.
pub trait Progress: Sync {
    /// A new stage begins (`transactions.csv`), `total` units long (bytes or rows).
    fn start(&self, label: &str, total: u64);
    /// The current stage has reached `done` units.
    fn set(&self, done: u64);
    /// The current stage is finished.
    fn finish(&self);
}

/// Progress that shows nothing.
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _label: &str, _total: u64) {}
    fn set(&self, _done: u64) {}
    fn finish(&self) {}
}
