//! Draws a chart's data (`effekt_app::views::ChartView`) as server-side SVG: no JavaScript, a
//! title and description the screen reader reads, the figure reachable by keyboard, and the
//! table of the very numbers drawn beside it. Every text goes through askama's escaping. One
//! module for every chart, so later reports draw the same way.

use askama::Template;
use effekt_app::views::ChartView;
use effekt_domain::money::grouped;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 96.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 40.0;
/// Labels under the axis stand at least this far apart (in the figure's units); the table
/// lists every point.
const MIN_LABEL_GAP: f64 = 96.0;
/// Nav's data-visualisation colours, distinguishable on white at 3:1 or more.
const PALETTE: [&str; 6] = [
    "#0067c5", "#c77300", "#06893a", "#634689", "#c30000", "#005b82",
];

pub struct Bar {
    pub x: String,
    pub y: String,
    pub w: String,
    pub h: String,
    pub color: &'static str,
    pub tip: String,
}

pub struct Line {
    pub d: String,
    pub color: &'static str,
    pub dashed: bool,
}

pub struct Dot {
    pub x: String,
    pub y: String,
    pub color: &'static str,
    pub tip: String,
}

pub struct Tick {
    pub at: String,
    pub label: String,
    /// start | middle | end: a date at either edge of a time axis stays inside the figure.
    pub anchor: &'static str,
}

pub struct Limit {
    pub y: String,
    pub label: String,
    pub value: String,
}

pub struct Key {
    pub name: String,
    pub color: &'static str,
    pub dashed: bool,
    pub bars: bool,
}

#[derive(Template)]
#[template(path = "chart.html")]
pub struct ChartSvg<'a> {
    pub id: &'a str,
    pub chart: &'a ChartView,
    pub left: String,
    pub right: String,
    pub top: String,
    pub bottom: String,
    pub y_ticks: Vec<Tick>,
    pub x_ticks: Vec<Tick>,
    pub bars: Vec<Bar>,
    pub lines: Vec<Line>,
    pub dots: Vec<Dot>,
    pub limits: Vec<Limit>,
    pub keys: Vec<Key>,
    /// Per label: the value of each series, formatted.
    pub rows: Vec<(String, Vec<String>)>,
}

fn px(v: f64) -> String {
    format!("{v:.1}")
}

/// A value as the table shows it: `kr 1 234 567`, `12,3 %`, `17`.
pub fn value_nb(unit: &str, v: f64) -> String {
    match unit {
        "kr" => format!("kr\u{a0}{}", grouped(v.round() as i64)),
        "prosent" => format!("{v:.1}\u{a0}%").replace('.', ",").replace('-', "−"),
        "desimal" => format!("{v:.2}").replace('.', ",").replace('-', "−"),
        _ => grouped(v.round() as i64),
    }
}

/// An axis label: shorter than the table's (`12,5 mill.`).
fn tick_nb(unit: &str, v: f64) -> String {
    if unit == "kr" && v.abs() >= 1_000_000.0 {
        let m = format!("{:.1}", v / 1_000_000.0).replace('.', ",");
        let m = m.strip_suffix(",0").unwrap_or(&m).replace('-', "−");
        return format!("{m} mill.");
    }
    value_nb(unit, v)
}

/// A round step that cuts `span` into about five parts.
fn nice_step(span: f64) -> f64 {
    let raw = (span / 5.0).max(f64::MIN_POSITIVE);
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude)
}

/// Renders the chart as HTML: a figure with the SVG, its legend and the table behind it.
pub fn render(chart: &ChartView) -> Result<String, askama::Error> {
    let n = chart.x_labels.len();
    let values = chart.series.iter().flat_map(|s| s.values.iter().flatten());
    let limits = chart.limits.iter().map(|(_, v)| v);
    let (mut lo, mut hi) = values
        .chain(limits)
        .fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    if hi - lo <= f64::EPSILON {
        hi = lo + 1.0;
    }
    let step = nice_step(hi - lo);
    lo = (lo / step).floor() * step;
    hi = (hi / step).ceil() * step;
    let (plot_w, plot_h) = (WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
    let y = |v: f64| TOP + plot_h * (hi - v) / (hi - lo);
    let band = plot_w / n.max(1) as f64;
    let span = chart
        .x_days
        .as_ref()
        .and_then(|d| d.iter().max().copied())
        .filter(|m| *m > 0);
    let x = |i: usize| match (&chart.x_days, span) {
        (Some(days), Some(span)) => {
            let d = days.get(i).copied().unwrap_or_default();
            LEFT + plot_w * d as f64 / span as f64
        }
        _ => LEFT + band * (i as f64 + 0.5),
    };

    let mut y_ticks = Vec::new();
    let mut v = lo;
    while v <= hi + step / 2.0 {
        y_ticks.push(Tick {
            at: px(y(v)),
            label: tick_nb(&chart.unit, v),
            anchor: "end",
        });
        v += step;
    }
    // Greedily from the left, then the last point always, giving way to it if too close.
    let mut shown: Vec<usize> = Vec::new();
    for i in 0..n {
        if shown.last().is_none_or(|l| x(i) - x(*l) >= MIN_LABEL_GAP) {
            shown.push(i);
        }
    }
    if n > 0 && shown.last() != Some(&(n - 1)) {
        if shown
            .last()
            .is_some_and(|l| x(n - 1) - x(*l) < MIN_LABEL_GAP)
            && shown.len() > 1
        {
            shown.pop();
        }
        shown.push(n - 1);
    }
    let x_ticks = shown
        .into_iter()
        .map(|i| Tick {
            at: px(x(i)),
            label: chart.x_labels.get(i).cloned().unwrap_or_default(),
            anchor: match (span.is_some(), i) {
                (true, 0) => "start",
                (true, i) if i + 1 == n => "end",
                _ => "middle",
            },
        })
        .collect();

    let mut colour = 0usize;
    let mut colours = Vec::new();
    for (k, s) in chart.series.iter().enumerate() {
        // A projection takes its actual series' colour.
        let follows = k > 0
            && s.style.ends_with("dashed")
            && chart
                .series
                .get(k - 1)
                .is_some_and(|p| s.name.starts_with(&p.name));
        if k > 0 && !follows {
            colour += 1;
        }
        colours.push(PALETTE[colour % PALETTE.len()]);
    }
    let bar_series = chart.series.iter().filter(|s| s.style == "bars").count();
    let bar_w = band * 0.6 / bar_series.max(1) as f64;
    let (mut bars, mut lines, mut dots, mut keys) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut bar_index = 0usize;
    for (s, color) in chart.series.iter().zip(&colours) {
        let color = *color;
        let dashed = s.style.ends_with("dashed");
        let step_line = s.style.starts_with("step");
        keys.push(Key {
            name: s.name.clone(),
            color,
            dashed,
            bars: s.style == "bars",
        });
        let tip = |i: usize, v: f64| {
            let label = chart
                .x_labels
                .get(i)
                .map(String::as_str)
                .unwrap_or_default();
            format!("{}, {label}: {}", s.name, value_nb(&chart.unit, v))
        };
        if s.style == "bars" {
            for (i, v) in s.values.iter().enumerate() {
                let Some(v) = *v else { continue };
                let left = x(i) - band * 0.3 + bar_w * bar_index as f64;
                let (top, bottom) = (y(v.max(0.0)), y(v.min(0.0)));
                bars.push(Bar {
                    x: px(left),
                    y: px(top),
                    w: px(bar_w),
                    h: px((bottom - top).max(0.5)),
                    color,
                    tip: tip(i, v),
                });
            }
            bar_index += 1;
            continue;
        }
        // One path per unbroken run of values; a gap is a hidden or unknown point.
        let mut d = String::new();
        let mut previous: Option<f64> = None;
        for (i, v) in s.values.iter().enumerate() {
            match *v {
                Some(v) => {
                    match previous {
                        Some(p) if step_line => {
                            d.push_str(&format!(
                                " L{} {} L{} {}",
                                px(x(i)),
                                px(y(p)),
                                px(x(i)),
                                px(y(v))
                            ));
                        }
                        Some(_) => d.push_str(&format!(" L{} {}", px(x(i)), px(y(v)))),
                        None => d.push_str(&format!(" M{} {}", px(x(i)), px(y(v)))),
                    }
                    dots.push(Dot {
                        x: px(x(i)),
                        y: px(y(v)),
                        color,
                        tip: tip(i, v),
                    });
                    previous = Some(v);
                }
                None => previous = None,
            }
        }
        if !d.is_empty() {
            lines.push(Line {
                d: d.trim_start().to_owned(),
                color,
                dashed,
            });
        }
    }
    let limits = chart
        .limits
        .iter()
        .map(|(label, v)| Limit {
            y: px(y(*v)),
            label: label.clone(),
            value: value_nb(&chart.unit, *v),
        })
        .collect();
    let rows = chart
        .x_labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let cells = chart
                .series
                .iter()
                .map(|s| match s.values.get(i).copied().flatten() {
                    Some(v) => value_nb(&chart.unit, v),
                    None => "–".to_owned(),
                })
                .collect();
            (label.clone(), cells)
        })
        .collect();
    ChartSvg {
        id: &chart.id,
        chart,
        left: px(LEFT),
        right: px(WIDTH - RIGHT),
        top: px(TOP),
        bottom: px(HEIGHT - BOTTOM),
        y_ticks,
        x_ticks,
        bars,
        lines,
        dots,
        limits,
        keys,
        rows,
    }
    .render()
}

#[cfg(test)]
mod tests;
