//! dudect's statistics: Welch's t-test between two classes of timings, on the raw timings, on
//! the timings below each of 100 percentile crops, and on the centred squares (second order).
//!
//! Follows dudect.h (Reparaz, Balasch, Verbauwhede, "Dude, is my code constant time?", 2017):
//! crop `i` keeps the samples below the `1 - 0.5^(10 (i+1) / 100)` quantile of a first batch
//! of timings (that batch is used for nothing else), so the crops range from the fastest 6.7%
//! to almost everything; heavy upper tails (interrupts, a busy neighbour) are cut off while a
//! difference in the body of the distribution stays. The verdict is the largest |t| over every
//! test with enough samples.

/// Number of percentile crops (dudect's `DUDECT_NUMBER_PERCENTILES`).
pub const CROPS: usize = 100;
/// |t| at or above this is a leak (dudect's threshold).
pub const THRESHOLD: f64 = 4.5;
/// A test takes part in the verdict once each class has this many samples.
pub const ENOUGH_PER_CLASS: u64 = 1000;
/// The second-order test starts after this many class-0 samples (dudect's value), so the class
/// means it centres on have settled.
const SECOND_ORDER_AFTER: u64 = 10_000;

/// Welford's running mean and variance for the two classes, and Welch's t between them.
#[derive(Clone, Debug, Default)]
pub struct Welch {
    n: [u64; 2],
    mean: [f64; 2],
    m2: [f64; 2],
}

impl Welch {
    /// Adds one sample of class 0 or 1.
    pub fn push(&mut self, x: f64, class: usize) {
        let c = class & 1;
        self.n[c] += 1;
        let delta = x - self.mean[c];
        self.mean[c] += delta / self.n[c] as f64;
        self.m2[c] += delta * (x - self.mean[c]);
    }

    /// Samples per class.
    pub fn counts(&self) -> [u64; 2] {
        self.n
    }

    /// The two classes' means.
    pub fn means(&self) -> [f64; 2] {
        self.mean
    }

    /// Class 1's mean minus class 0's.
    pub fn mean_difference(&self) -> f64 {
        self.mean[1] - self.mean[0]
    }

    /// Class 0's mean minus class 1's (the sign of [`Welch::t`]) and the variance of that
    /// difference (var0/n0 + var1/n1); `None` until each class has two samples.
    pub fn difference_and_variance(&self) -> Option<(f64, f64)> {
        if self.n[0] < 2 || self.n[1] < 2 {
            return None;
        }
        let var = |c: usize| self.m2[c] / (self.n[c] - 1) as f64;
        Some((
            self.mean[0] - self.mean[1],
            var(0) / self.n[0] as f64 + var(1) / self.n[1] as f64,
        ))
    }

    /// Welch's t statistic; 0 until each class has two samples (or when both are constant and
    /// equal).
    pub fn t(&self) -> f64 {
        if self.n[0] < 2 || self.n[1] < 2 {
            return 0.0;
        }
        let var = |c: usize| self.m2[c] / (self.n[c] - 1) as f64;
        let se = (var(0) / self.n[0] as f64 + var(1) / self.n[1] as f64).sqrt();
        let diff = self.mean[0] - self.mean[1];
        if se == 0.0 {
            return if diff == 0.0 { 0.0 } else { f64::INFINITY };
        }
        diff / se
    }
}

/// Which of dudect's tests gave the verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Test {
    /// All samples.
    Raw,
    /// Samples below crop `i`'s threshold.
    Crop(usize),
    /// Centred squares (a difference in spread rather than in mean).
    SecondOrder,
}

impl core::fmt::Display for Test {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Test::Raw => f.write_str("raw"),
            Test::Crop(i) => write!(f, "crop {:.1}%", 100.0 * crop_quantile(*i)),
            Test::SecondOrder => f.write_str("2nd order"),
        }
    }
}

/// The quantile crop `i` keeps (dudect's formula).
pub fn crop_quantile(i: usize) -> f64 {
    1.0 - 0.5f64.powf(10.0 * (i + 1) as f64 / CROPS as f64)
}

/// The largest |t| and where it came from.
#[derive(Clone, Copy, Debug)]
pub struct Verdict {
    /// max |t| over the tests with enough samples.
    pub max_abs_t: f64,
    /// The test that gave it.
    pub test: Test,
    /// Class 1's mean minus class 0's in that test (for the second-order test, of the centred
    /// squares).
    pub mean_difference: f64,
    /// Tests with enough samples to count; none means no verdict.
    pub tests_counted: usize,
}

impl Verdict {
    /// |t| below the threshold (and at least one test had enough samples).
    pub fn passes(&self) -> bool {
        self.tests_counted > 0 && self.max_abs_t < THRESHOLD
    }

    /// The verdict with the largest |t| among `verdicts` (each with a key: its test, its
    /// stratum), its `tests_counted` the sum over all of them; `None` when none counted a test.
    pub fn max_of<K>(verdicts: impl IntoIterator<Item = (K, Verdict)>) -> Option<(Verdict, K)> {
        let mut counted = 0;
        let mut best: Option<(Verdict, K)> = None;
        for (key, v) in verdicts {
            if v.tests_counted == 0 {
                continue;
            }
            counted += v.tests_counted;
            if best.as_ref().is_none_or(|(b, _)| v.max_abs_t > b.max_abs_t) {
                best = Some((v, key));
            }
        }
        best.map(|(mut v, key)| {
            v.tests_counted = counted;
            (v, key)
        })
    }
}

/// Every test of one target.
#[derive(Clone, Debug)]
pub struct Analysis {
    thresholds: [u64; CROPS],
    raw: Welch,
    crops: Vec<Welch>,
    second: Welch,
}

impl Analysis {
    /// Sets the crop thresholds from a first batch of timings (dudect: `prepare_percentiles`).
    pub fn new(first_batch: &[u64]) -> Self {
        let mut sorted = first_batch.to_vec();
        sorted.sort_unstable();
        let mut thresholds = [u64::MAX; CROPS];
        if !sorted.is_empty() {
            for (i, t) in thresholds.iter_mut().enumerate() {
                let pos = (sorted.len() as f64 * crop_quantile(i)) as usize;
                *t = sorted[pos.min(sorted.len() - 1)];
            }
        }
        Analysis {
            thresholds,
            raw: Welch::default(),
            crops: vec![Welch::default(); CROPS],
            second: Welch::default(),
        }
    }

    /// Adds one timing of class 0 or 1 (dudect: `update_statistics`).
    pub fn push(&mut self, time: u64, class: usize) {
        let x = time as f64;
        self.raw.push(x, class);
        for (welch, &limit) in self.crops.iter_mut().zip(self.thresholds.iter()) {
            if time < limit {
                welch.push(x, class);
            }
        }
        if self.raw.n[0] > SECOND_ORDER_AFTER {
            let centred = x - self.raw.mean[class & 1];
            self.second.push(centred * centred, class);
        }
    }

    /// Measurements pushed.
    pub fn measurements(&self) -> u64 {
        self.raw.n[0] + self.raw.n[1]
    }

    /// Every test: the raw timings, each crop, the second order, in that order.
    pub fn tests(&self) -> impl Iterator<Item = (Test, &Welch)> {
        core::iter::once((Test::Raw, &self.raw))
            .chain(
                self.crops
                    .iter()
                    .enumerate()
                    .map(|(i, w)| (Test::Crop(i), w)),
            )
            .chain(core::iter::once((Test::SecondOrder, &self.second)))
    }

    /// The largest |t| over the tests with at least [`ENOUGH_PER_CLASS`] samples in each class.
    pub fn verdict(&self) -> Verdict {
        let per_test = self.tests().map(|(test, welch)| {
            let [n0, n1] = welch.counts();
            let enough = n0 >= ENOUGH_PER_CLASS && n1 >= ENOUGH_PER_CLASS;
            let verdict = Verdict {
                max_abs_t: welch.t().abs(),
                test,
                mean_difference: welch.mean_difference(),
                tests_counted: usize::from(enough),
            };
            (test, verdict)
        });
        Verdict::max_of(per_test).map_or(
            Verdict {
                max_abs_t: 0.0,
                test: Test::Raw,
                mean_difference: self.raw.mean_difference(),
                tests_counted: 0,
            },
            |(v, _)| v,
        )
    }
}

#[cfg(test)]
mod tests {
    //! The harness must see a leak that is there and no leak where there is none. The timings
    //! here are synthetic and fixed (a cost model of two comparisons plus noise from a seeded
    //! generator), so these tests are deterministic: no clock is read.

    use super::*;

    /// xorshift64*: fixed-seed noise, the same on every run.
    struct Noise(u64);
    impl Noise {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        /// A jittered cost: a bell around 40 units, plus a rare long stall (an interrupt).
        fn jitter(&mut self) -> u64 {
            let bell: u64 = (0..4).map(|_| self.next() % 21).sum();
            let stall = if self.next() % 100 == 0 { 5000 } else { 0 };
            bell + stall
        }
    }

    /// Steps an early-exit comparison takes: it stops at the first differing byte.
    ///
    /// The bytes go through `black_box`: rustc 1.95.0 (and nightly 1.97) at `-O` compiles this
    /// loop without it into one 16-byte compare that returns 16 steps for every mismatch (seen
    /// in the generated code: `pcmpeqb`, `pmovmskb`, `mov $0x10`; the IR before code
    /// generation is right, so it is LLVM's back end merging the compare chain), and the test
    /// then found no leak in release builds.
    fn early_exit_eq(a: &[u8; 16], b: &[u8; 16]) -> (bool, u64) {
        for (i, (x, y)) in a.iter().zip(b).enumerate() {
            if std::hint::black_box(*x) != std::hint::black_box(*y) {
                return (false, i as u64 + 1);
            }
        }
        (true, 16)
    }

    /// Steps a constant-time comparison takes: every byte, whatever the inputs.
    fn constant_time_eq(a: &[u8; 16], b: &[u8; 16]) -> (bool, u64) {
        let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
        (diff == 0, 16)
    }

    /// dudect's classes for a comparison against a secret: class 0 compares with the secret
    /// itself (fixed input), class 1 with a random value; classes interleaved at random.
    fn analyse(compare: fn(&[u8; 16], &[u8; 16]) -> (bool, u64), n: usize) -> Verdict {
        let secret = [0xa5u8; 16];
        let mut noise = Noise(0x9e37_79b9_7f4a_7c15);
        let timing = |noise: &mut Noise| {
            let class = (noise.next() >> 63) as usize;
            let other = if class == 0 {
                secret
            } else {
                let mut r = [0u8; 16];
                for b in r.iter_mut() {
                    *b = noise.next() as u8;
                }
                r
            };
            let (_, steps) = compare(&secret, &other);
            (10 * steps + noise.jitter(), class)
        };
        let first: Vec<u64> = (0..10_000).map(|_| timing(&mut noise).0).collect();
        let mut analysis = Analysis::new(&first);
        for _ in 0..n {
            let (t, class) = timing(&mut noise);
            analysis.push(t, class);
        }
        analysis.verdict()
    }

    #[test]
    fn an_early_exit_comparison_leaks() {
        let v = analyse(early_exit_eq, 100_000);
        assert!(!v.passes(), "{v:?}");
        assert!(v.max_abs_t > 100.0 * THRESHOLD, "{v:?}");
    }

    #[test]
    fn a_constant_time_comparison_does_not() {
        let v = analyse(constant_time_eq, 100_000);
        assert!(v.passes(), "{v:?}");
    }

    #[test]
    fn welch_t_matches_a_hand_computation() {
        // Class 0: 1, 2, 3 (mean 2, var 1); class 1: 4, 6, 8 (mean 6, var 4).
        // t = (2 - 6) / sqrt(1/3 + 4/3) = -4 / sqrt(5/3).
        let mut w = Welch::default();
        for x in [1.0, 2.0, 3.0] {
            w.push(x, 0);
        }
        for x in [4.0, 6.0, 8.0] {
            w.push(x, 1);
        }
        let expected = -4.0 / (5.0f64 / 3.0).sqrt();
        assert!((w.t() - expected).abs() < 1e-12, "{}", w.t());
    }

    #[test]
    fn a_difference_only_in_spread_is_seen_by_the_second_order_test() {
        // Same mean, class 1 twice as spread: the raw test sees nothing, the second-order
        // test does.
        fn sample(noise: &mut Noise) -> (u64, usize) {
            let class = (noise.next() >> 63) as usize;
            let dev = (noise.next() % 41) as i64 - 20;
            ((1000 + (class as i64 + 1) * dev) as u64, class)
        }
        let mut noise = Noise(7);
        let first: Vec<u64> = (0..10_000).map(|_| sample(&mut noise).0).collect();
        let mut a = Analysis::new(&first);
        for _ in 0..200_000 {
            let (t, class) = sample(&mut noise);
            a.push(t, class);
        }
        assert!(a.raw.t().abs() < THRESHOLD, "{}", a.raw.t());
        assert!(a.second.t().abs() > 10.0 * THRESHOLD, "{}", a.second.t());
        assert!(!a.verdict().passes());
    }

    #[test]
    fn too_few_samples_give_no_verdict() {
        let mut a = Analysis::new(&[10, 20, 30]);
        for i in 0..100 {
            a.push(10 + (i % 7), (i % 2) as usize);
        }
        let v = a.verdict();
        assert_eq!(v.tests_counted, 0);
        assert!(!v.passes());
    }

    #[test]
    fn crops_range_from_the_fastest_few_to_almost_all() {
        assert!((crop_quantile(0) - (1.0 - 0.5f64.powf(0.1))).abs() < 1e-12);
        assert!(crop_quantile(CROPS - 1) > 0.999);
        let first: Vec<u64> = (0..1000).collect();
        let a = Analysis::new(&first);
        assert_eq!(a.thresholds[0], 66); // floor(1000 * 0.0670)
        assert!(a.thresholds.windows(2).all(|w| w[0] <= w[1]));
    }
}
