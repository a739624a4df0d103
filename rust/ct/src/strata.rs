//! dudect's tests kept apart per stratum: for an operation whose running time has a public
//! source of variation, here ML-DSA's rejection loop (its iteration count depends on the key,
//! the message and the randomness, and FIPS 204 does not hide it), the classes are compared
//! only among measurements with the same count. Pooled, two keys whose loops stop at slightly
//! different rates give different mean times although nothing inside an iteration depends on
//! the key; within one count, a key-dependent cost in the arithmetic still shows.

use std::collections::BTreeMap;

use crate::stats::{Analysis, Verdict, Welch, ENOUGH_PER_CLASS};

/// Timings of a stratum that set its crop thresholds before any is tested (as dudect's first
/// batch does for a whole run).
const WARMUP_PER_STRATUM: usize = 1000;

/// Per-stratum analyses, and the stratum value itself compared between the classes.
#[derive(Default)]
pub struct Stratified {
    warming: BTreeMap<usize, Vec<u64>>,
    tested: BTreeMap<usize, Analysis>,
    counts: Welch,
    measurements: u64,
}

impl Stratified {
    /// Adds one timing of `class` whose operation fell in `stratum`.
    pub fn push(&mut self, time: u64, class: usize, stratum: usize) {
        self.measurements += 1;
        self.counts.push(stratum as f64, class);
        if let Some(analysis) = self.tested.get_mut(&stratum) {
            analysis.push(time, class);
            return;
        }
        let warm = self.warming.entry(stratum).or_default();
        warm.push(time);
        if warm.len() == WARMUP_PER_STRATUM {
            let first = self.warming.remove(&stratum).unwrap_or_default();
            self.tested.insert(stratum, Analysis::new(&first));
        }
    }

    /// Measurements pushed.
    pub fn measurements(&self) -> u64 {
        self.measurements
    }

    /// The largest |t| over every stratum's tests, and the stratum it came from.
    pub fn verdict(&self) -> (Verdict, Option<usize>) {
        let per_stratum = self.tested.iter().map(|(&s, a)| (s, a.verdict()));
        match Verdict::max_of(per_stratum) {
            Some((v, stratum)) => (v, Some(stratum)),
            None => (Analysis::new(&[]).verdict(), None),
        }
    }

    /// The strata's mean by class and Welch's t between them: how differently the public
    /// variation falls for the two classes (informational: it is not what the verdict tests).
    pub fn stratum_means(&self) -> Option<([f64; 2], f64)> {
        let [n0, n1] = self.counts.counts();
        (n0 >= ENOUGH_PER_CLASS && n1 >= ENOUGH_PER_CLASS)
            .then(|| (self.counts.means(), self.counts.t()))
    }

    /// Measurements per stratum (warming and tested).
    pub fn sizes(&self) -> BTreeMap<usize, u64> {
        let mut out: BTreeMap<usize, u64> = self
            .warming
            .iter()
            .map(|(&k, v)| (k, v.len() as u64))
            .collect();
        for (&k, a) in &self.tested {
            *out.entry(k).or_default() += a.measurements() + WARMUP_PER_STRATUM as u64;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// xorshift64*: fixed-seed noise.
    struct Noise(u64);
    impl Noise {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
    }

    /// A loop of `k` iterations of 1000 units each, plus `extra` units in class 1 per
    /// iteration; class 1 stops a little later on average (the public, key-dependent count).
    fn run(extra: u64) -> (Verdict, f64) {
        let mut noise = Noise(0x9e37_79b9_7f4a_7c15);
        let mut strata = Stratified::default();
        let mut pooled = Welch::default();
        for _ in 0..200_000 {
            let class = (noise.next() >> 63) as usize;
            let stop_per_mille = if class == 0 { 300 } else { 280 };
            let mut k = 1;
            while noise.next() % 1000 >= stop_per_mille && k < 20 {
                k += 1;
            }
            let time = k * (1000 + extra * class as u64) + noise.next() % 50;
            strata.push(time, class, k as usize);
            pooled.push(time as f64, class);
        }
        (strata.verdict().0, pooled.t().abs())
    }

    #[test]
    fn a_public_loop_count_alone_fails_pooled_but_passes_per_stratum() {
        let (within, pooled) = run(0);
        assert!(
            pooled > 4.5,
            "the pooled test sees the count: |t| = {pooled}"
        );
        assert!(
            within.passes(),
            "within a count there is no leak: {within:?}"
        );
    }

    #[test]
    fn a_cost_inside_the_iterations_still_fails_per_stratum() {
        let (within, _) = run(3);
        assert!(
            !within.passes(),
            "a per-iteration difference must show: {within:?}"
        );
    }
}
