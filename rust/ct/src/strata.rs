//! dudect's tests kept apart per stratum: for an operation whose running time has public
//! sources of variation, here ML-DSA signing's, the classes are compared only among
//! measurements alike in them. Two are public by design and depend on the key as well as on
//! the message and the randomness: the rejection loop's iteration count (FIPS 204 does not
//! hide it) and the signature's hint weight (the number of hint bits, written in the signature
//! itself; between two keys its mean differs by about one bit of 57 for ML-DSA-87, |t| over 14
//! in 20,000 signatures). Pooled, or within the count alone, two keys then differ in mean time
//! although nothing secret is timed; within one (count, weight), a key-dependent cost in the
//! arithmetic still shows.
//!
//! Each of dudect's tests (raw, each crop, second order) is run in every stratum and the
//! strata's class differences are combined into one t, weighting each by the inverse of its
//! variance (a stratified comparison, as in a meta-analysis): a cost that moves one class in
//! every stratum adds up, and there are still 102 tests per target as in dudect, not 102 per
//! stratum (hundreds of strata would make a max |t| over all of them cross 4.5 by chance).

use std::collections::BTreeMap;
use std::fmt;

use crate::stats::{Analysis, Test, Verdict, Welch, ENOUGH_PER_CLASS};

/// Timings of a stratum that set its crop thresholds before any is tested (as dudect's first
/// batch does for a whole run).
const WARMUP_PER_STRATUM: usize = 200;

/// A stratum's test joins the combination once each class has this many samples in it.
const ENOUGH_PER_STRATUM: u64 = 20;

/// What one ML-DSA signing made public that its time depends on: the timings are compared
/// within one of these.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stratum {
    /// Rejection-loop iterations (`k`).
    pub attempts: u16,
    /// Attempts rejected late, by the ||ct0|| or the hint-weight check (`r`): those run the
    /// whole attempt and reject at rates that depend on t0, which FIPS 204 (Section 6.1) does
    /// not treat as secret, so two keys differ in how often they occur.
    pub late: u16,
    /// Hint bits in the signature (`h`).
    pub hints: u16,
}

impl fmt::Display for Stratum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "k={} r={} h={}", self.attempts, self.late, self.hints)
    }
}

/// One signing's stratum, and which check rejected each of its failed attempts (||z||, low
/// bits, ||ct0||, hint weight; reported per class, not stratified on: the first two reject at
/// rates independent of the key by design).
#[derive(Clone, Copy, Debug, Default)]
pub struct Observed {
    /// The stratum compared within.
    pub stratum: Stratum,
    /// Rejected attempts per check.
    pub rejected: [u16; 4],
}

/// The names of the observed parts, in [`Stratified::part_means`] order.
const PARTS: [&str; 7] = ["k", "h", "r", "z-rej", "w0-rej", "ct0-rej", "hint-rej"];

/// Per-stratum analyses, and the stratum's parts themselves compared between the classes.
#[derive(Default)]
pub struct Stratified {
    warming: BTreeMap<Stratum, Vec<u64>>,
    tested: BTreeMap<Stratum, Analysis>,
    parts: [Welch; PARTS.len()],
    measurements: u64,
}

/// How the measurements fell into strata.
pub struct Coverage {
    /// Strata seen.
    pub strata: usize,
    /// Strata with enough timings to be tested (after their warm-up).
    pub tested: usize,
    /// Timings in the tested strata, after their warm-ups: what the verdict rests on.
    pub measurements_tested: u64,
}

impl Stratified {
    /// Adds one timing of `class` whose operation was `observed`.
    pub fn push(&mut self, time: u64, class: usize, observed: Observed) {
        self.measurements += 1;
        let stratum = observed.stratum;
        let [z, w0, ct0, hint] = observed.rejected;
        let parts = [
            stratum.attempts,
            stratum.hints,
            stratum.late,
            z,
            w0,
            ct0,
            hint,
        ];
        for (welch, part) in self.parts.iter_mut().zip(parts) {
            welch.push(f64::from(part), class);
        }
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

    /// The largest |t| over dudect's tests, each combined over the strata.
    pub fn verdict(&self) -> Verdict {
        let analyses: Vec<&Analysis> = self.tested.values().collect();
        let Some(first) = analyses.first() else {
            return Analysis::new(&[]).verdict();
        };
        let tests: Vec<Test> = first.tests().map(|(test, _)| test).collect();
        let mut per_test: Vec<Vec<&Welch>> = vec![Vec::new(); tests.len()];
        for a in &analyses {
            for (j, (_, welch)) in a.tests().enumerate() {
                per_test[j].push(welch);
            }
        }
        let combined = tests
            .into_iter()
            .zip(per_test)
            .map(|(test, welches)| (test, combine(test, &welches)));
        Verdict::max_of(combined).map_or_else(|| Analysis::new(&[]).verdict(), |(v, _)| v)
    }

    /// Each part of the stratum (name, class means, Welch's t between them): how differently
    /// the public variation falls for the two classes (informational: not what is tested).
    pub fn part_means(&self) -> Vec<(&'static str, [f64; 2], f64)> {
        PARTS
            .into_iter()
            .zip(&self.parts)
            .filter(|(_, w)| w.counts().iter().all(|&n| n >= ENOUGH_PER_CLASS))
            .map(|(name, w)| (name, w.means(), w.t()))
            .collect()
    }

    /// How many strata there were, how many were tested and on how many timings.
    pub fn coverage(&self) -> Coverage {
        // A stratum leaves `warming` when it enters `tested`: the two never share a key.
        Coverage {
            strata: self.warming.len() + self.tested.len(),
            tested: self.tested.len(),
            measurements_tested: self.tested.values().map(Analysis::measurements).sum(),
        }
    }
}

/// One test's class difference over the strata, inverse-variance weighted: t = sum(d/v) /
/// sqrt(sum(1/v)) over the strata with [`ENOUGH_PER_STRATUM`] samples per class, counted
/// once the strata used hold [`ENOUGH_PER_CLASS`] samples per class in all.
fn combine(test: Test, welches: &[&Welch]) -> Verdict {
    let (mut weighted, mut weight, mut n) = (0.0, 0.0, [0u64; 2]);
    for w in welches {
        let [n0, n1] = w.counts();
        if n0 < ENOUGH_PER_STRATUM || n1 < ENOUGH_PER_STRATUM {
            continue;
        }
        let Some((d, v)) = w.difference_and_variance() else {
            continue;
        };
        if v <= 0.0 {
            continue;
        }
        weighted += d / v;
        weight += 1.0 / v;
        n[0] += n0;
        n[1] += n1;
    }
    let enough = n[0] >= ENOUGH_PER_CLASS && n[1] >= ENOUGH_PER_CLASS && weight > 0.0;
    Verdict {
        max_abs_t: if enough {
            (weighted / weight.sqrt()).abs()
        } else {
            0.0
        },
        test,
        // Class 1's mean minus class 0's, as in the unstratified verdict.
        mean_difference: if enough { -weighted / weight } else { 0.0 },
        tests_counted: usize::from(enough),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn observed(stratum: Stratum) -> Observed {
        Observed {
            stratum,
            rejected: [0; 4],
        }
    }

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
            let stratum = Stratum {
                attempts: k as u16,
                ..Stratum::default()
            };
            strata.push(time, class, observed(stratum));
            pooled.push(time as f64, class);
        }
        (strata.verdict(), pooled.t().abs())
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

    /// One iteration of 1000 units plus 10 per hint bit, the weight public (as in ML-DSA's
    /// signature) and a little higher for class 1; with `inside`, 3 more units in class 1.
    fn run_hints(inside: u64) -> (Verdict, Verdict) {
        let mut noise = Noise(0x2545_f491_4f6c_dd1d);
        let mut by_count = Stratified::default();
        let mut by_count_and_weight = Stratified::default();
        for _ in 0..400_000 {
            let class = (noise.next() >> 63) as usize;
            // Binomial-ish weight around 57, one bit higher on average in class 1.
            let hints = 50 + (noise.next() % 13) + (noise.next() % 2) * class as u64;
            let time = 1000 + 10 * hints + inside * class as u64 + noise.next() % 50;
            let count_only = Stratum {
                attempts: 1,
                ..Stratum::default()
            };
            by_count.push(time, class, observed(count_only));
            let stratum = Stratum {
                attempts: 1,
                hints: hints as u16,
                ..Stratum::default()
            };
            by_count_and_weight.push(time, class, observed(stratum));
        }
        (by_count.verdict(), by_count_and_weight.verdict())
    }

    #[test]
    fn a_public_hint_weight_fails_within_the_count_alone_but_passes_within_both() {
        let (by_count, by_both) = run_hints(0);
        assert!(
            !by_count.passes(),
            "the weight shows in the count's stratum: {by_count:?}"
        );
        assert!(
            by_both.passes(),
            "within one weight there is no leak: {by_both:?}"
        );
    }

    #[test]
    fn a_secret_cost_still_fails_within_count_and_weight() {
        let (_, by_both) = run_hints(3);
        assert!(
            !by_both.passes(),
            "a secret-dependent cost must show: {by_both:?}"
        );
    }
}
