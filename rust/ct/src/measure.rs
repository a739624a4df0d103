//! Taking the timings: classes drawn at random per measurement, inputs prepared before the
//! clock starts, one operation per reading of the monotonic clock.

use std::hint::black_box;
use std::time::{Duration, Instant};

use crate::stats::Analysis;
use crate::strata::{Observed, Stratified};

/// Measurements per batch: classes and inputs for a batch are drawn before any is timed, the
/// timings are analysed after, so nothing but the operation runs between two clock readings.
const BATCH: usize = 10_000;

/// Timings that only set the crop thresholds: a tenth of the run, between 1,000 and 10,000
/// (dudect uses its first batch).
pub fn warmup_len(measurements: u64) -> usize {
    (measurements / 10).clamp(1000, BATCH as u64) as usize
}

/// One operation under test, with its inputs prepared for both classes.
///
/// As in dudect, where a measurement's input sits in memory must not depend on its class: the
/// chosen input is copied into one staging buffer (outside the clock), and the operation reads
/// it from there, so both classes run on the same, equally warm, addresses.
pub trait Op {
    /// Copies input `input` (any `usize`: reduced modulo the pool) of `class` (0 or 1) into the
    /// staging buffer.
    fn stage(&mut self, class: usize, input: usize);
    /// Runs the operation once on the staged input and returns something derived from its
    /// output, so it is not optimised away.
    fn run(&mut self) -> usize;
    /// The last run's stratum and rejections (read after the clock stops), for an operation
    /// with a public source of variation its timings are compared within (see
    /// [`crate::strata`]); `None` for the others.
    fn observed(&self) -> Option<Observed> {
        None
    }
}

/// Non-cryptographic xorshift64* for drawing classes and input indices, seeded from the OS:
/// it only has to be independent of the operations' timing.
pub struct Draw(u64);

impl Draw {
    /// Seeded from the OS generator.
    pub fn from_os() -> pqpay_core::Result<Self> {
        Ok(Draw(u64::from_le_bytes(pqpay_core::rng::array::<8>()?) | 1))
    }

    /// The next 64 bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// One batch: each measurement's time, class and stratum.
struct Batch {
    times: Vec<u64>,
    classes: Vec<usize>,
    strata: Vec<Option<Observed>>,
}

fn timed_batch(op: &mut dyn Op, draw: &mut Draw, len: usize) -> Batch {
    let plan: Vec<(usize, usize)> = (0..len)
        .map(|_| {
            let r = draw.next_u64();
            ((r >> 63) as usize, (r as u32) as usize)
        })
        .collect();
    let mut times = vec![0u64; len];
    let mut strata = vec![None; len];
    let mut sink = 0usize;
    for ((time, stratum), &(class, input)) in times.iter_mut().zip(&mut strata).zip(&plan) {
        op.stage(class, input);
        let start = Instant::now();
        sink ^= op.run();
        *time = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
        *stratum = op.observed();
    }
    black_box(sink);
    Batch {
        times,
        classes: plan.into_iter().map(|(c, _)| c).collect(),
        strata,
    }
}

/// A target's timings, analysed as one set or per stratum.
pub enum Outcome {
    /// dudect's tests over every measurement.
    Pooled(Box<Analysis>),
    /// The same tests within each stratum.
    Stratified(Box<Stratified>),
}

/// Times `measurements` runs of `op` (after a warm-up batch that sets the crops) and returns
/// the analysis and the wall time taken.
pub fn run(op: &mut dyn Op, measurements: u64) -> pqpay_core::Result<(Outcome, Duration)> {
    let started = Instant::now();
    let mut draw = Draw::from_os()?;
    let first = timed_batch(op, &mut draw, warmup_len(measurements));
    let mut outcome = if first.strata.iter().all(Option::is_some) {
        // Each stratum sets its own crops from its first timings (see strata.rs).
        Outcome::Stratified(Box::default())
    } else {
        Outcome::Pooled(Box::new(Analysis::new(&first.times)))
    };
    let mut left = measurements;
    while left > 0 {
        let len = left.min(BATCH as u64) as usize;
        let batch = timed_batch(op, &mut draw, len);
        for ((t, c), s) in batch.times.into_iter().zip(batch.classes).zip(batch.strata) {
            match &mut outcome {
                Outcome::Pooled(a) => a.push(t, c),
                Outcome::Stratified(s_) => s_.push(t, c, s.unwrap_or_default()),
            }
        }
        left -= len as u64;
    }
    Ok((outcome, started.elapsed()))
}

/// Analyses timings taken elsewhere (the Python targets): a first line `warmup W`, then
/// `class nanoseconds` per line, the first `W` of them setting the crops.
pub fn analyse_lines(text: &str) -> Result<Analysis, String> {
    let mut lines = text.lines();
    let warmup = lines
        .next()
        .and_then(|l| l.trim().strip_prefix("warmup "))
        .and_then(|w| w.parse::<usize>().ok())
        .ok_or("line 1: expected `warmup COUNT`")?;
    let mut samples = Vec::new();
    for (n, line) in lines.enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let mut parts = line.split_ascii_whitespace();
        let parsed = match (parts.next(), parts.next(), parts.next()) {
            (Some(c), Some(t), None) => c.parse::<usize>().ok().zip(t.parse::<u64>().ok()),
            _ => None,
        };
        match parsed {
            Some((c, t)) if c < 2 => samples.push((c, t)),
            _ => return Err(format!("line {}: expected `class nanoseconds`", n + 2)),
        }
    }
    let (first, rest) = samples.split_at(warmup.min(samples.len()));
    let first: Vec<u64> = first.iter().map(|&(_, t)| t).collect();
    let mut analysis = Analysis::new(&first);
    for &(c, t) in rest {
        analysis.push(t, c);
    }
    Ok(analysis)
}
