//! `pqpay-ct`: dudect-style constant-time measurements of pqpay-core.
//!
//! ```text
//! pqpay-ct [--measurements N] [--check] [--control] [TARGET...]
//!                                                     measure every target, or the named ones
//!                                                     (--control: an A/A run, see Target::setup)
//! pqpay-ct --list                                     the targets and their classes
//! pqpay-ct --samples NAME [--check] < timings         analyse `class nanoseconds` lines
//! ```
//!
//! Each target prints its measurements, the largest |t| over dudect's tests (raw, 100
//! percentile crops, second order), the class means' difference in that test, and PASS
//! (|t| < 4.5) or FAIL (TOO FEW below 1,000 timings per class, counted as a failure). With `--check` the exit status is 1 when any target fails (except the
//! AEAD valid-vs-invalid targets, whose classes differ in what the caller is told: see
//! [`targets::Target::public_outcome`]); without it (the short CI run) the run only shows the
//! harness works, since a few thousand timings on a shared machine are no evidence either way.

mod measure;
mod stats;
mod strata;
mod targets;

use std::io::Read;
use std::process::ExitCode;
use std::time::Duration;

use measure::Outcome;
use stats::{Analysis, THRESHOLD};

const DEFAULT_MEASUREMENTS: u64 = 1_000_000;

struct Args {
    measurements: u64,
    check: bool,
    control: bool,
    list: bool,
    samples: Option<String>,
    names: Vec<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        measurements: DEFAULT_MEASUREMENTS,
        check: false,
        control: false,
        list: false,
        samples: None,
        names: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--measurements" | "-n" => {
                let v = it.next().ok_or("--measurements needs a number")?;
                args.measurements = v
                    .replace('_', "")
                    .parse()
                    .map_err(|_| format!("not a count: {v}"))?;
                if args.measurements == 0 {
                    return Err("--measurements must be positive".into());
                }
            }
            "--check" => args.check = true,
            "--control" => args.control = true,
            "--list" => args.list = true,
            "--samples" => args.samples = Some(it.next().ok_or("--samples needs a name")?),
            "--help" | "-h" => return Err(String::new()),
            other if other.starts_with('-') => return Err(format!("unknown option {other}")),
            name => args.names.push(name.to_owned()),
        }
    }
    Ok(args)
}

fn header() {
    println!(
        "{:<36} {:>12} {:>8}  {:<16} {:>10} {:<7} {:>9}",
        "target", "measurements", "max|t|", "test", "Δmean ns", "verdict", "time"
    );
}

/// Prints one target's line (and, for a stratified one, how its strata fell); returns whether
/// it passed.
fn report_outcome(name: &str, outcome: &Outcome, time: Option<Duration>, note: &str) -> bool {
    let s = match outcome {
        Outcome::Pooled(a) => return report(name, a, time, note),
        Outcome::Stratified(s) => s,
    };
    let v = s.verdict();
    let test = format!("{} (strata)", v.test);
    let pass = print_line(name, s.measurements(), &v, &test, time, note);
    let c = s.coverage();
    let means: String = s
        .part_means()
        .iter()
        .map(|(part, [m0, m1], t)| format!("; mean {part} {m0:.3} vs {m1:.3} (|t| {:.2})", t.abs()))
        .collect();
    println!(
        "{:<36} compared within (k, r, h) = (rejection-loop iterations, late rejections, \
         hint bits), all public: {} of {} strata, {} timings{means}",
        "", c.tested, c.strata, c.measurements_tested
    );
    pass
}

/// Prints one target's line; returns whether it passed.
fn report(name: &str, analysis: &Analysis, time: Option<Duration>, note: &str) -> bool {
    let v = analysis.verdict();
    print_line(
        name,
        analysis.measurements(),
        &v,
        &v.test.to_string(),
        time,
        note,
    )
}

fn print_line(
    name: &str,
    measurements: u64,
    v: &stats::Verdict,
    test: &str,
    time: Option<Duration>,
    note: &str,
) -> bool {
    let time = time.map_or_else(|| "-".to_owned(), |t| format!("{:.1} s", t.as_secs_f64()));
    println!(
        "{:<36} {:>12} {:>8.2}  {:<16} {:>10} {:<7} {:>9}{note}",
        name,
        measurements,
        v.max_abs_t,
        test,
        // The second-order test compares squares (ns²): no difference in ns to show.
        match v.test {
            stats::Test::SecondOrder => "-".to_owned(),
            _ => format!("{:.1}", v.mean_difference),
        },
        match (v.tests_counted, v.passes()) {
            (0, _) => "TOO FEW",
            (_, true) => "PASS",
            (_, false) => "FAIL",
        },
        time
    );
    v.passes()
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("pqpay-ct: {e}");
            }
            eprintln!(
                "usage: pqpay-ct [--measurements N] [--check] [--control] [TARGET...] | --list | \
                 --samples NAME [--check] < timings"
            );
            return ExitCode::from(2);
        }
    };
    let targets = targets::all();
    if args.list {
        for t in &targets {
            let note = if t.public_outcome {
                " [public outcome: not gated]"
            } else {
                ""
            };
            println!("{:<36} {}{note}", t.name, t.classes);
        }
        return ExitCode::SUCCESS;
    }
    let mut all_pass = true;
    if let Some(name) = &args.samples {
        let mut text = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut text) {
            eprintln!("pqpay-ct: reading timings: {e}");
            return ExitCode::from(2);
        }
        match measure::analyse_lines(&text) {
            Ok(analysis) => {
                header();
                all_pass = report(name, &analysis, None, "");
            }
            Err(e) => {
                eprintln!("pqpay-ct: {name}: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        for name in &args.names {
            if !targets.iter().any(|t| &t.name == name) {
                eprintln!("pqpay-ct: no target {name:?} (see --list)");
                return ExitCode::from(2);
            }
        }
        println!(
            "pqpay-ct: {} measurements per target, PASS when max |t| < {THRESHOLD}{}",
            args.measurements,
            if args.control {
                " (control: class 1 prepared as class 0)"
            } else {
                ""
            }
        );
        header();
        for target in targets
            .iter()
            .filter(|t| args.names.is_empty() || args.names.contains(&t.name))
        {
            let result = target
                .setup(args.control)
                .and_then(|mut op| measure::run(op.as_mut(), args.measurements));
            match result {
                Ok((analysis, time)) => {
                    let note = if target.public_outcome {
                        "  (public outcome: not gated)"
                    } else {
                        ""
                    };
                    let pass = report_outcome(&target.name, &analysis, Some(time), note);
                    all_pass &= pass || target.public_outcome;
                }
                Err(e) => {
                    eprintln!("pqpay-ct: {}: {e}", target.name);
                    return ExitCode::FAILURE;
                }
            }
        }
    }
    if args.check && !all_pass {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
