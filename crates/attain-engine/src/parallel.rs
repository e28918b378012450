//! Splitting work over every core with scoped threads, and a fast hasher for integer keys.

use std::hash::{BuildHasherDefault, Hasher};
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

/// A multiply-rotate hasher (the one rustc uses) for the engine's integer keys: much faster
/// than SipHash, and the keys are not chosen by an adversary.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl Hasher for FxHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_u32(&mut self, x: u32) {
        self.write_u64(u64::from(x));
    }

    fn write_usize(&mut self, x: usize) {
        self.write_u64(x as u64);
    }
}

/// A `HashMap` with [`FxHasher`].
pub type FxMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<FxHasher>>;

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
