//! The simulation's one source of randomness: a portable, seeded PCG-XSH-RR 32-bit generator.
//!
//! Mirrors the places where upstream Kubernetes draws random numbers (the scheduler's tie-break among
//! equally scored nodes, `utilrand.String` for generated names). Every draw uses fixed-width integers, so
//! the same seed yields the same sequence natively and in wasm32 (no `usize`, no OS entropy).

/// Alphabet of `k8s.io/apimachinery/pkg/util/rand.String`: no vowels, no confusable characters.
const NAME_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// A seeded pseudo-random generator (PCG-XSH-RR with 64-bit state).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimRng {
    state: u64,
    increment: u64,
}

impl SimRng {
    const MULTIPLIER: u64 = 6_364_136_223_846_793_005;

    /// A generator whose whole sequence is determined by `seed`.
    pub fn new(seed: u64) -> Self {
        let mut rng = SimRng {
            state: 0,
            increment: (seed.rotate_left(17) ^ 0xda3e_39cb_94b9_5bdb) | 1,
        };
        rng.next_u32();
        rng.state = rng.state.wrapping_add(seed);
        rng.next_u32();
        rng
    }

    /// The next 32 uniformly distributed bits.
    pub fn next_u32(&mut self) -> u32 {
        let old = self.state;
        self.state = old
            .wrapping_mul(Self::MULTIPLIER)
            .wrapping_add(self.increment);
        let xorshifted = (((old >> 18) ^ old) >> 27) as u32;
        let rot = (old >> 59) as u32;
        xorshifted.rotate_right(rot)
    }

    /// The next 64 uniformly distributed bits.
    pub fn next_u64(&mut self) -> u64 {
        (u64::from(self.next_u32()) << 32) | u64::from(self.next_u32())
    }

    /// A uniform integer in `0..bound` (Lemire's method with rejection, so without modulo bias).
    /// Returns 0 when `bound` is 0.
    pub fn below(&mut self, bound: u64) -> u64 {
        if bound <= 1 {
            return 0;
        }
        let threshold = bound.wrapping_neg() % bound;
        loop {
            let product = u128::from(self.next_u64()) * u128::from(bound);
            if (product as u64) >= threshold {
                return (product >> 64) as u64;
            }
        }
    }

    /// `n` characters from the alphabet upstream uses for generated name suffixes.
    pub fn name_suffix(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| NAME_ALPHABET[self.below(NAME_ALPHABET.len() as u64) as usize] as char)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_gives_same_sequence() {
        let mut a = SimRng::new(42);
        let mut b = SimRng::new(42);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }

    #[test]
    fn different_seeds_differ() {
        assert_ne!(SimRng::new(1).next_u64(), SimRng::new(2).next_u64());
    }

    #[test]
    fn sequence_is_pinned_so_wasm_and_native_agree() {
        let mut rng = SimRng::new(7);
        let first: [u64; 3] = [(); 3].map(|_| rng.below(1000));
        // Pinned: a change here changes every trace, in the browser and natively alike.
        assert_eq!(first, PINNED_SEED_7);
    }

    #[test]
    fn below_stays_in_range_and_covers_it() {
        let mut rng = SimRng::new(3);
        let mut seen = [false; 5];
        for _ in 0..200 {
            let v = rng.below(5);
            assert!(v < 5);
            seen[v as usize] = true;
        }
        assert!(seen.iter().all(|s| *s));
        assert_eq!(rng.below(0), 0);
        assert_eq!(rng.below(1), 0);
    }

    #[test]
    fn name_suffix_uses_upstream_alphabet() {
        let s = SimRng::new(9).name_suffix(5);
        assert_eq!(s.len(), 5);
        assert!(s.bytes().all(|c| NAME_ALPHABET.contains(&c)));
    }

    /// The first three `below(1000)` draws for seed 7.
    const PINNED_SEED_7: [u64; 3] = [464, 962, 10];
}
