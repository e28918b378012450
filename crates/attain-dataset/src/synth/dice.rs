//! The generator's randomness: ChaCha8 streams derived from the seed, one per part of the
//! company, so that each part is reproducible on its own, with small integer helpers (no floating
//! point, so the same seed gives the same bytes on every machine).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A deterministic source of random choices.
pub struct Dice(ChaCha8Rng);

impl Dice {
    /// Returns the stream `stream` of the generator seeded with `seed`.
    pub fn new(seed: u64, stream: u64) -> Dice {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream);
        Dice(rng)
    }

    /// Returns a number in `0..n` (0 when `n` is 0), by multiply-and-shift.
    #[inline]
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.0.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Returns an index in `0..n`.
    #[inline]
    pub fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// Returns a number in `lo..=hi`.
    #[inline]
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        debug_assert!(lo <= hi);
        lo + self.below((hi - lo) as u64 + 1) as i64
    }

    /// Returns true `per_mille` times in a thousand.
    #[inline]
    pub fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    /// Returns one of `items` (which must not be empty).
    #[inline]
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.index(items.len())]
    }

    /// Returns one of `items`, each chosen in proportion to its weight.
    pub fn weighted<T: Copy>(&mut self, items: &[(T, u64)]) -> T {
        let total: u64 = items.iter().map(|(_, w)| w).sum();
        let mut x = self.below(total);
        for &(item, w) in items {
            if x < w {
                return item;
            }
            x -= w;
        }
        items[items.len() - 1].0
    }

    /// Shuffles `items` in place (Fisher–Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.index(i + 1);
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_and_stream_give_the_same_numbers() {
        let a: Vec<u64> = (0..8)
            .map({
                let mut d = Dice::new(7, 1);
                move |_| d.below(1000)
            })
            .collect();
        let mut d = Dice::new(7, 1);
        assert_eq!(a, (0..8).map(|_| d.below(1000)).collect::<Vec<_>>());
        let mut other = Dice::new(7, 2);
        assert_ne!(a, (0..8).map(|_| other.below(1000)).collect::<Vec<_>>());
        assert!((0..100).all(|_| d.range(3, 5) >= 3));
    }
}
