//! The simulator's chart writer (examples/common/chart.rs): a readable SVG
//! for normal days, an error (not a panic) for what cannot be charted, and
//! no panic on degenerate values.

#[path = "../examples/common/chart.rs"]
mod chart;

use chart::{Series, write_svg};
use std::path::PathBuf;

/// A file in the temp directory, unique to this process and `name`,
/// removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str) -> TempFile {
        let path = std::env::temp_dir().join(format!(
            "kefu-triage-chart-{}-{name}.svg",
            std::process::id()
        ));
        let _ = std::fs::remove_file(&path);
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn hhmm(i: usize) -> String {
    format!("{:02}:{:02}", i / 2, (i % 2) * 30)
}

/// 48 half hours from midnight with an evening peak at 20:00; `scale`
/// makes one policy worse than the other. Nobody waits between 02:00 and
/// 06:00.
fn day(policy: &str, scale: f64) -> Series {
    let half_hours = (0..48)
        .map(|i| {
            let hours = i as f64 / 2.0;
            let peak = (-((hours - 20.0) / 2.0).powi(2)).exp();
            let queue = scale * (0.3 + 9.0 * peak);
            let wait = (!(4..12).contains(&i)).then_some(scale * (20.0 + 400.0 * peak));
            (hhmm(i), queue, wait)
        })
        .collect();
    Series {
        policy: policy.to_string(),
        half_hours,
    }
}

/// Writes `series` and returns the SVG, checking it looks like one.
fn render(name: &str, series: &[Series]) -> String {
    let file = TempFile::new(name);
    write_svg(&file.0, series).unwrap_or_else(|e| panic!("{name}: {e}"));
    let svg = std::fs::read_to_string(&file.0).expect("the chart is written");
    let trimmed = svg.trim();
    assert!(
        trimmed.starts_with("<svg") || trimmed.starts_with("<?xml"),
        "{name}: starts with {:?}",
        &trimmed[..trimmed.len().min(40)]
    );
    assert!(
        trimmed.ends_with("</svg>"),
        "{name}: does not end with </svg>"
    );
    svg
}

fn lines(svg: &str) -> usize {
    svg.matches("<polyline").count() + svg.matches("<path").count()
}

#[test]
fn two_policies_side_by_side() {
    let series = [day("shipped", 1.0), day("evening_boost/b", 0.6)];
    let svg = render("two", &series);
    assert!(svg.contains("shipped"));
    assert!(svg.contains("evening_boost/b"));
    // Each column has the queue's outline and the wait's line.
    assert!(
        lines(&svg) >= 2 * series.len(),
        "{} polylines/paths",
        lines(&svg)
    );
    // Waits up to ~7 minutes are shown in minutes, and the x axis names
    // clock times every few hours, not every half hour.
    assert!(svg.contains("minutes"));
    assert!(svg.contains(">12:00<") || svg.contains("12:00\n"));
    assert!(!svg.contains("12:30"), "a label every half hour");
    // Two columns of 460 px.
    assert!(
        svg.contains("width=\"920\""),
        "{}",
        &svg[..200.min(svg.len())]
    );
}

#[test]
fn short_waits_are_in_seconds() {
    let mut s = day("fast", 1.0);
    for h in &mut s.half_hours {
        h.2 = h.2.map(|w| w / 10.0);
    }
    let svg = render("seconds", &[s]);
    assert!(svg.contains("seconds"));
}

#[test]
fn names_are_escaped() {
    let svg = render("escape", &[day("a<b>&c", 1.0)]);
    assert!(svg.contains("a&lt;b&gt;&amp;c"));
    assert!(!svg.contains("a<b>"));
}

#[test]
fn what_cannot_be_charted_is_an_error() {
    let file = TempFile::new("empty");
    let err = write_svg(&file.0, &[]).expect_err("no series");
    assert!(err.contains(&file.0.display().to_string()), "{err}");
    assert!(!file.0.exists());

    let missing = std::env::temp_dir()
        .join(format!("kefu-triage-no-such-dir-{}", std::process::id()))
        .join("chart.svg");
    let err = write_svg(&missing, &[day("shipped", 1.0)]).expect_err("missing directory");
    assert!(err.contains(&missing.display().to_string()), "{err}");
}

#[test]
fn degenerate_values_do_not_panic() {
    let zeros = Series {
        policy: "zeros".into(),
        half_hours: (0..48).map(|i| (hhmm(i), 0.0, Some(0.0))).collect(),
    };
    let no_waits = Series {
        policy: "no_waits".into(),
        half_hours: (0..48).map(|i| (hhmm(i), 1.5, None)).collect(),
    };
    let single = Series {
        policy: "single".into(),
        half_hours: vec![("08:00".into(), 3.0, Some(45.0))],
    };
    let nothing = Series {
        policy: "nothing".into(),
        half_hours: Vec::new(),
    };
    let weird = Series {
        policy: "weird".into(),
        half_hours: (0..48)
            .map(|i| {
                let q = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 2.0][i % 4];
                let w = [Some(f64::NAN), Some(f64::INFINITY), None, Some(30.0)][i % 4];
                (hhmm(i), q, w)
            })
            .collect(),
    };
    let odd_labels = Series {
        policy: "odd_labels".into(),
        half_hours: (0..60)
            .map(|i| (format!("slot {i}"), i as f64, Some(i as f64)))
            .collect(),
    };
    let next_day = Series {
        policy: "next_day".into(),
        half_hours: (0..72)
            .map(|i| {
                let label = if i < 48 {
                    hhmm(i)
                } else {
                    format!("+1d {}", hhmm(i - 48))
                };
                (label, 1.0, Some(60.0))
            })
            .collect(),
    };
    let extreme = Series {
        policy: "extreme".into(),
        half_hours: (0..48)
            .map(|i| {
                let q = [f64::MAX, -3.0, 1e300, 9e11][i % 4];
                let w = [
                    Some(f64::MAX),
                    Some(-5.0),
                    Some(f64::MIN_POSITIVE),
                    Some(9e11),
                ][i % 4];
                (hhmm(i), q, w)
            })
            .collect(),
    };
    let cases = [
        ("extreme", vec![extreme]),
        ("zeros", vec![zeros]),
        ("no_waits", vec![no_waits]),
        ("single", vec![single]),
        ("nothing", vec![nothing]),
        ("weird", vec![weird]),
        ("odd_labels", vec![odd_labels]),
        ("next_day", vec![next_day]),
    ];
    for (name, series) in &cases {
        let svg = render(name, series);
        assert!(svg.contains(name), "{name}: title missing");
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{name}");
    }
    // All of them side by side, the odd ones next to a normal day.
    let mut all: Vec<Series> = cases.into_iter().flat_map(|(_, s)| s).collect();
    all.push(day("shipped", 1.0));
    render("all", &all);
}
