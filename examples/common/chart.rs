//! The SVG chart of the policy simulator (`examples/simulate.rs`): one
//! column per policy, queue length on top, mean wait below, the same y
//! scales in every column so that the columns compare at a glance.
//!
//! Drawn with plotters' SVG backend only: text becomes `<text>` elements,
//! so no system font is read. NaN, infinite and absurdly large values are
//! drawn as gaps, like a half hour with no wait.
#![allow(dead_code)]

use std::path::Path;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

/// One policy's day, per half hour.
pub struct Series {
    /// The policy's name (a file stem, "shipped", or "name/variant").
    pub policy: String,
    /// One entry per half hour from the start of the simulated span:
    /// (start of the half hour as "HH:MM" local time, mean queue length
    /// (contacts waiting, time-averaged), mean wait in seconds of the
    /// contacts that joined a queue in that half hour, or None when none
    /// did).
    pub half_hours: Vec<(String, f64, Option<f64>)>,
}

/// Width of one policy's column, in pixels.
const COLUMN_WIDTH: u32 = 460;
/// Height of the whole chart, in pixels.
const HEIGHT: u32 = 640;
/// Room for the y tick labels, left of each panel.
const Y_LABEL_AREA: u32 = 52;
/// Room for the x tick labels, below each panel.
const X_LABEL_AREA: u32 = 26;
/// Space around each panel.
const MARGIN: u32 = 10;
const FONT: &str = "sans-serif";
/// Font sizes as plotters takes them (it draws them at 1/1.24 of this).
const TITLE_SIZE: f64 = 21.0;
const CAPTION_SIZE: f64 = 16.0;
const LABEL_SIZE: f64 = 15.0;
/// Width of one character of the label font in em of the size given to
/// plotters, generously estimated: the SVG has no font metrics, digits in
/// common sans-serif fonts are about 0.56 em of the size drawn.
const CHAR_WIDTH: f64 = 0.5;

const QUEUE_COLOR: RGBColor = RGBColor(31, 119, 180);
const WAIT_COLOR: RGBColor = RGBColor(214, 96, 20);
const BOLD_GRID: RGBColor = RGBColor(205, 205, 205);
const LIGHT_GRID: RGBColor = RGBColor(236, 236, 236);
const AXIS_COLOR: RGBColor = RGBColor(90, 90, 90);
const NOTE_COLOR: RGBColor = RGBColor(120, 120, 120);

/// Writes an SVG chart to `path`: for each series, side by side (one column
/// per policy, same y scales across columns so they can be compared), two
/// panels stacked: queue length per half hour (top) and mean wait per half
/// hour (bottom, in seconds or minutes, with a readable axis), x axis
/// labelled with local times every few hours, a title per column with the
/// policy name. Errors as a String naming the path.
pub fn write_svg(path: &Path, series: &[Series]) -> Result<(), String> {
    let svg = render(series).map_err(|e| format!("{}: {e}", path.display()))?;
    std::fs::write(path, svg)
        .map_err(|e| format!("{}: cannot write the chart: {e}", path.display()))
}

/// Beyond this magnitude a value is nonsense (a queue of a trillion
/// contacts, a wait of 30,000 years) and would overflow the axis scaling.
const LARGEST: f64 = 1e12;

/// A value that can be drawn: NaN, infinities and absurdly large values
/// are missing.
fn finite(v: f64) -> Option<f64> {
    (v.is_finite() && v.abs() <= LARGEST).then_some(v)
}

/// The unit of the wait axis: seconds for short waits, minutes from two
/// minutes up.
#[derive(Clone, Copy)]
struct WaitUnit {
    divisor: f64,
    name: &'static str,
}

impl WaitUnit {
    fn for_max_seconds(max: f64) -> WaitUnit {
        if max >= 120.0 {
            WaitUnit {
                divisor: 60.0,
                name: "minutes",
            }
        } else {
            WaitUnit {
                divisor: 1.0,
                name: "seconds",
            }
        }
    }
}

/// One column's values, cleaned: `None` where nothing can be drawn.
struct Column<'a> {
    policy: &'a str,
    labels: Vec<&'a str>,
    queue: Vec<Option<f64>>,
    /// In the wait unit.
    wait: Vec<Option<f64>>,
}

fn render(series: &[Series]) -> Result<String, String> {
    if series.is_empty() {
        return Err("no policy to chart (empty series list)".to_string());
    }
    let max_wait = series
        .iter()
        .flat_map(|s| s.half_hours.iter().filter_map(|h| h.2.and_then(finite)))
        .fold(0.0_f64, f64::max);
    let unit = WaitUnit::for_max_seconds(max_wait);
    let columns: Vec<Column> = series
        .iter()
        .map(|s| Column {
            policy: &s.policy,
            labels: s.half_hours.iter().map(|h| h.0.as_str()).collect(),
            queue: s.half_hours.iter().map(|h| finite(h.1)).collect(),
            wait: s
                .half_hours
                .iter()
                .map(|h| h.2.and_then(finite).map(|w| w / unit.divisor))
                .collect(),
        })
        .collect();

    // One x range and one pair of y ranges for every column.
    let half_hours = columns.iter().map(|c| c.labels.len()).max().unwrap_or(0);
    let x_end = half_hours.max(1) as f64;
    let queue_range = value_range(columns.iter().flat_map(|c| c.queue.iter().flatten()));
    let wait_range = value_range(columns.iter().flat_map(|c| c.wait.iter().flatten()));
    // Labels of the longest series, for a column with none.
    let reference: Vec<String> = columns
        .iter()
        .max_by_key(|c| c.labels.len())
        .map_or_else(Vec::new, |c| {
            c.labels.iter().map(|l| l.to_string()).collect()
        });
    let plot_width = f64::from(COLUMN_WIDTH - Y_LABEL_AREA - 2 * MARGIN);

    let width = COLUMN_WIDTH
        .checked_mul(u32::try_from(columns.len()).map_err(|_| "too many policies")?)
        .ok_or("too many policies")?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let cells = root.split_evenly((1, columns.len()));
        for (column, cell) in columns.iter().zip(&cells) {
            let title = fit(column.policy, f64::from(COLUMN_WIDTH) - 20.0, TITLE_SIZE);
            let body = cell
                .titled(
                    &title,
                    (FONT, TITLE_SIZE).into_font().style(FontStyle::Bold),
                )
                .map_err(|e| e.to_string())?;
            let panels = body.split_evenly((2, 1));
            // Each column's own times, continued to the common x range.
            let labels = extend_labels(&column.labels, &reference, half_hours);
            let longest = labels.iter().map(|l| l.chars().count()).max();
            let label_width = longest.unwrap_or(5) as f64 * LABEL_SIZE * CHAR_WIDTH + 18.0;
            let max_ticks = ((plot_width / label_width).floor() as usize).max(1);
            let (ticks, light) = x_ticks(&labels, max_ticks);
            let x_label = |x: &f64| {
                let i = x.round();
                if i < 0.0 {
                    return String::new();
                }
                labels.get(i as usize).cloned().unwrap_or_default()
            };
            let axes = Axes {
                x_end,
                ticks: &ticks,
                light: &light,
                x_label: &x_label,
            };
            draw_queue(&panels[0], &axes, queue_range.clone(), &column.queue)?;
            draw_wait(&panels[1], &axes, wait_range.clone(), &column.wait, unit)?;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// What the two panels of a column share: the x range, its ticks and their
/// labels.
struct Axes<'a> {
    x_end: f64,
    ticks: &'a [f64],
    light: &'a [f64],
    x_label: &'a dyn Fn(&f64) -> String,
}

type Panel<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

/// The panel below its caption. (ChartBuilder's own caption sits right on
/// the plot, where the top y tick label runs into it.)
fn captioned<'a>(area: &Panel<'a>, caption: &str) -> Result<Panel<'a>, String> {
    area.titled(caption, (FONT, CAPTION_SIZE))
        .map_err(|e| e.to_string())
}

fn draw_queue(
    area: &Panel,
    axes: &Axes,
    y: std::ops::Range<f64>,
    queue: &[Option<f64>],
) -> Result<(), String> {
    let area = captioned(
        area,
        "Queue length (contacts waiting, mean over the half hour)",
    )?;
    let mut chart = ChartBuilder::on(&area)
        .margin(MARGIN)
        .x_label_area_size(X_LABEL_AREA)
        .y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d(x_coord(axes), y)
        .map_err(|e| e.to_string())?;
    mesh(&mut chart, axes)?;
    // The queue is a time average over each half hour: a step, not a line
    // between points.
    let mut drawn = false;
    for run in runs(queue) {
        let points: Vec<(f64, f64)> = run
            .iter()
            .flat_map(|&(i, v)| [(i as f64, v), (i as f64 + 1.0, v)])
            .collect();
        chart
            .draw_series(
                AreaSeries::new(points, 0.0, QUEUE_COLOR.mix(0.25))
                    .border_style(QUEUE_COLOR.stroke_width(2)),
            )
            .map_err(|e| e.to_string())?;
        drawn = true;
    }
    if !drawn {
        note(&chart, axes, "no queue data")?;
    }
    Ok(())
}

fn draw_wait(
    area: &Panel,
    axes: &Axes,
    y: std::ops::Range<f64>,
    wait: &[Option<f64>],
    unit: WaitUnit,
) -> Result<(), String> {
    let caption = format!(
        "Mean wait ({}) of the contacts queued in the half hour",
        unit.name
    );
    let area = captioned(area, &caption)?;
    let mut chart = ChartBuilder::on(&area)
        .margin(MARGIN)
        .x_label_area_size(X_LABEL_AREA)
        .y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d(x_coord(axes), y)
        .map_err(|e| e.to_string())?;
    mesh(&mut chart, axes)?;
    // A mean over the contacts that joined in the half hour, drawn at its
    // middle; half hours where nobody joined are gaps.
    let mut drawn = false;
    for run in runs(wait) {
        let points: Vec<(f64, f64)> = run.iter().map(|&(i, v)| (i as f64 + 0.5, v)).collect();
        if points.len() == 1 {
            chart
                .draw_series(
                    points
                        .into_iter()
                        .map(|p| Circle::new(p, 3, WAIT_COLOR.filled())),
                )
                .map_err(|e| e.to_string())?;
        } else {
            chart
                .draw_series(LineSeries::new(points, WAIT_COLOR.stroke_width(2)))
                .map_err(|e| e.to_string())?;
        }
        drawn = true;
    }
    if !drawn {
        note(&chart, axes, "no contact queued")?;
    }
    Ok(())
}

type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<HalfHours, RangedCoordf64>>;

/// The x axis: half hours 0..end, with tick marks where `x_ticks` put
/// them rather than at round numbers of half hours.
struct HalfHours {
    end: f64,
    bold: Vec<f64>,
    light: Vec<f64>,
}

impl Ranged for HalfHours {
    type ValueType = f64;
    type FormatOption = DefaultFormatting;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let share = value / self.end;
        limit.0 + (share * f64::from(limit.1 - limit.0)).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.light.clone()
        } else {
            self.bold.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        0.0..self.end
    }
}

fn x_coord(axes: &Axes) -> HalfHours {
    HalfHours {
        end: axes.x_end,
        bold: axes.ticks.to_vec(),
        light: axes.light.to_vec(),
    }
}

fn mesh(chart: &mut Chart, axes: &Axes) -> Result<(), String> {
    chart
        .configure_mesh()
        .bold_line_style(BOLD_GRID)
        .light_line_style(LIGHT_GRID)
        .axis_style(AXIS_COLOR)
        .y_labels(6)
        .y_max_light_lines(1)
        .x_label_formatter(axes.x_label)
        .y_label_formatter(&|v: &f64| number(*v))
        .label_style((FONT, LABEL_SIZE))
        .draw()
        .map_err(|e| e.to_string())
}

/// A grey note in the middle of an empty panel.
fn note(chart: &Chart, axes: &Axes, text: &str) -> Result<(), String> {
    let y = chart.y_range();
    let middle = (axes.x_end / 2.0, (y.start + y.end) / 2.0);
    let style = (FONT, CAPTION_SIZE).into_font().color(&NOTE_COLOR).pos(
        plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Center,
            plotters::style::text_anchor::VPos::Center,
        ),
    );
    chart
        .plotting_area()
        .draw(&Text::new(text.to_string(), middle, style))
        .map_err(|e| e.to_string())
}

/// The maximal runs of present values, each as (index, value).
fn runs(values: &[Option<f64>]) -> Vec<Vec<(usize, f64)>> {
    let mut out: Vec<Vec<(usize, f64)>> = Vec::new();
    let mut current = Vec::new();
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => current.push((i, *v)),
            None if !current.is_empty() => out.push(std::mem::take(&mut current)),
            None => {}
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// A y range from zero (or the lowest value, if negative) to a round number
/// a little above the highest value; 0..1 when there is nothing above zero.
fn value_range<'a>(values: impl Iterator<Item = &'a f64>) -> std::ops::Range<f64> {
    let (low, high) = values.fold((0.0_f64, 0.0_f64), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    let top = if high > 0.0 {
        round_up(high * 1.05)
    } else {
        1.0
    };
    let bottom = if low < 0.0 {
        -round_up(-low * 1.05)
    } else {
        0.0
    };
    bottom..top
}

/// The smallest of 1, 2, 2.5, 5 times a power of ten that is at least `x`
/// (`x` positive and finite).
fn round_up(x: f64) -> f64 {
    let power = 10f64.powf(x.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * power >= x {
            return m * power;
        }
    }
    10.0 * power
}

/// A tick label: no trailing zeros, at most two decimals.
fn number(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// Minutes since the first midnight of a label "HH:MM" or "+Nd HH:MM".
fn minutes(label: &str) -> Option<u32> {
    let label = label.trim();
    let (days, clock) = match label.strip_prefix('+') {
        Some(rest) => {
            let (d, clock) = rest.split_once(' ')?;
            (d.strip_suffix('d')?.parse::<u32>().ok()?, clock.trim())
        }
        None => (0, label),
    };
    let (h, m) = clock.split_once(':')?;
    let (h, m) = (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?);
    (h < 24 && m < 60).then(|| days * 1440 + h * 60 + m)
}

/// `own` labels, continued to `len` half hours by clock arithmetic from the
/// last one (or, if it is not a clock time, left blank); `reference` when
/// there are none.
fn extend_labels(own: &[&str], reference: &[String], len: usize) -> Vec<String> {
    if own.is_empty() {
        return reference.to_vec();
    }
    let mut labels: Vec<String> = own.iter().map(|l| l.to_string()).collect();
    let last = own.last().and_then(|l| minutes(l));
    for k in 1..=len.saturating_sub(own.len()) {
        labels.push(last.map_or_else(String::new, |m| clock_label(m + 30 * k as u32)));
    }
    labels
}

/// "HH:MM", or "+Nd HH:MM" past the first day, as the simulator writes them.
fn clock_label(minutes: u32) -> String {
    let (days, m) = (minutes / 1440, minutes % 1440);
    let hhmm = format!("{:02}:{:02}", m / 60, m % 60);
    if days > 0 {
        format!("+{days}d {hhmm}")
    } else {
        hhmm
    }
}

/// The half hours to label (bold grid lines) and the ones to mark with a
/// light grid line: on round clock times every few hours, as many labels as
/// fit. Labels that are not clock times are counted in half hours instead.
fn x_ticks(labels: &[String], max_ticks: usize) -> (Vec<f64>, Vec<f64>) {
    if labels.is_empty() {
        return (vec![0.0], Vec::new());
    }
    let clock: Option<Vec<u32>> = labels.iter().map(|l| minutes(l)).collect();
    let every = |step: u32| -> Vec<f64> {
        let picked: Vec<usize> = match &clock {
            Some(m) => (0..labels.len()).filter(|&i| m[i] % step == 0).collect(),
            None => Vec::new(),
        };
        let picked = if picked.is_empty() {
            // Not clock times, or none falls on the step: every so many
            // half hours from the first.
            let n = (step / 30).max(1) as usize;
            (0..labels.len()).step_by(n).collect()
        } else {
            picked
        };
        picked.into_iter().map(|i| i as f64).collect()
    };
    let steps = [30, 60, 120, 180, 240, 360, 480, 720, 1440, 2880, 10080];
    for (k, &step) in steps.iter().enumerate() {
        let ticks = every(step);
        if ticks.len() <= max_ticks {
            // Light lines at the largest finer step that divides this one,
            // when that is at least an hour.
            let finer = steps[..k].iter().rev().find(|&&f| f >= 60 && step % f == 0);
            let light = match finer {
                Some(&f) => every(f)
                    .into_iter()
                    .filter(|t| !ticks.contains(t))
                    .collect(),
                None => Vec::new(),
            };
            return (ticks, light);
        }
    }
    (vec![0.0], Vec::new())
}

/// `text` cut with an ellipsis to fit in `width` pixels at font `size`.
/// Wide (CJK) characters count as one em, the others as `CHAR_WIDTH`.
fn fit(text: &str, width: f64, size: f64) -> String {
    let em = |c: char| if c >= '\u{2e80}' { 1.0 } else { CHAR_WIDTH };
    if text.chars().map(em).sum::<f64>() * size <= width {
        return text.to_string();
    }
    let mut cut = String::new();
    let mut used = em('…');
    for c in text.chars() {
        used += em(c);
        if used * size > width {
            break;
        }
        cut.push(c);
    }
    cut.push('…');
    cut
}
