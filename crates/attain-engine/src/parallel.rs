//! Splitting work over every core with scoped threads, and a fast hasher for integer keys.

use std::ops::Range;

/// Returns how many threads to use.
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// Runs `f` over `0..len` cut into one contiguous range per thread (a single range, on this
/// thread, when `len` is below `min_per_thread`), and returns the results in range order.
pub fn par_ranges<R: Send>(
    len: usize,
    min_per_thread: usize,
    f: impl Fn(Range<usize>) -> R + Sync,
) -> Vec<R> {
    let n = threads().min(len / min_per_thread.max(1)).max(1);
    if n == 1 {
        return vec![f(0..len)];
    }
    let chunk = len.div_ceil(n);
    std::thread::scope(|s| {
        let f = &f;
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let range = (i * chunk).min(len)..((i + 1) * chunk).min(len);
                s.spawn(move || f(range))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// A `HashMap` with rustc's multiply-rotate hasher: much faster than SipHash for the engine's
/// integer keys, which no adversary chooses. (Its `finish` rotates the product, so keys that
/// differ only in their high bits, like `person << 32 | segment`, still spread over the table.)
pub type FxMap<K, V> = rustc_hash::FxHashMap<K, V>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_cover_everything_once_in_order() {
        let parts = par_ranges(1003, 10, |r| r);
        let mut next = 0;
        for r in parts {
            assert_eq!(r.start, next);
            next = r.end;
        }
        assert_eq!(next, 1003);
        assert_eq!(par_ranges(5, 100, |r| r.len()), vec![5]);
    }
}
