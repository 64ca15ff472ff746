//! Hand-written SVG charts: lines over a (log) x axis, and horizontal bars.
//! Plain SVG 1.1 text that any browser and GitHub render; no plotting crate.

use std::fmt::Write;

use crate::stats::Spread;

/// One line of a line chart: the medians, and the min–max of the repeats
/// at each point.
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    /// `(x, min, max)`: drawn as a bar across the point.
    pub spread: Vec<(f64, f64, f64)>,
}

impl Series {
    /// The series `name` over `xs`, from the spread of the repeats at each.
    pub fn of(name: &str, xs: &[usize], spread: impl Fn(u64) -> Option<Spread>) -> Series {
        let measured: Vec<(f64, Spread)> = xs
            .iter()
            .filter_map(|&x| Some((x as f64, spread(x as u64)?)))
            .collect();
        Series {
            name: name.to_owned(),
            points: measured.iter().map(|(x, s)| (*x, s.median)).collect(),
            spread: measured.iter().map(|(x, s)| (*x, s.min, s.max)).collect(),
        }
    }
}

const WIDTH: f64 = 860.0;
/// Colours far apart in hue, neighbours most of all.
const PALETTE: [&str; 12] = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2",
    "#7f7f7f", "#bcbd22", "#393b79", "#637939",
];
/// Line patterns: solid, dashed, dotted, dash-dot.
const DASHES: [&str; 4] = ["", "9 4", "2 3", "9 3 2 3"];
/// Point markers: circle, square, triangle.
const MARKERS: usize = 3;

/// The colour, dash pattern and marker kind of series `i`. The colour
/// cycles through the palette; each time it comes round again, the dash and
/// the marker move on one step more, so that no two of the first
/// `PALETTE.len() * DASHES.len()` series look alike.
fn style(i: usize) -> (&'static str, &'static str, usize) {
    let turn = i / PALETTE.len();
    (
        PALETTE[i % PALETTE.len()],
        DASHES[(i + turn) % DASHES.len()],
        (i + turn) % MARKERS,
    )
}

/// The marker `kind` at (`x`, `y`) in `colour`.
fn marker(kind: usize, x: f64, y: f64, colour: &str) -> String {
    match kind % MARKERS {
        0 => format!(r#"<circle cx="{x:.1}" cy="{y:.1}" r="3.5" fill="{colour}"/>"#),
        1 => format!(
            r#"<rect x="{:.1}" y="{:.1}" width="7" height="7" fill="{colour}"/>"#,
            x - 3.5,
            y - 3.5
        ),
        _ => format!(
            r#"<polygon points="{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}" fill="{colour}"/>"#,
            x,
            y - 4.5,
            x - 4.0,
            y + 3.5,
            x + 4.0,
            y + 3.5
        ),
    }
}

/// An axis label, saying so when the scale is logarithmic.
fn axis_label(label: &str, log: bool) -> String {
    match log {
        true => escape(&format!("{label} (logarithmic scale)")),
        false => escape(label),
    }
}

/// Text safe inside SVG: the five XML specials escaped.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// A short label for an axis value: 1.5k, 320k, 2.1M, 0.25.
pub fn short_number(v: f64) -> String {
    let a = v.abs();
    let (scaled, suffix) = match a {
        _ if a >= 1e9 => (v / 1e9, "G"),
        _ if a >= 1e6 => (v / 1e6, "M"),
        _ if a >= 1e4 => (v / 1e3, "k"),
        _ => (v, ""),
    };
    let digits = match scaled.abs() {
        x if x == 0.0 || x >= 100.0 => 0,
        x if x >= 10.0 => 1,
        x if x >= 1.0 => 2,
        _ => 3,
    };
    let text = format!("{scaled:.digits$}");
    let text = match text.contains('.') {
        true => text.trim_end_matches('0').trim_end_matches('.').to_owned(),
        false => text,
    };
    format!("{text}{suffix}")
}

/// Evenly spaced "nice" ticks (steps of 1, 2 or 5 times a power of ten)
/// from 0 to at least `max`.
fn linear_ticks(max: f64) -> Vec<f64> {
    let max = if max > 0.0 { max } else { 1.0 };
    let raw = max / 5.0;
    let pow = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * pow)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * pow);
    let count = (max / step).ceil() as usize;
    (0..=count).map(|i| i as f64 * step).collect()
}

/// The powers of ten that cover `lo..=hi` (both > 0).
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let first = lo.log10().floor() as i32;
    let last = hi.log10().ceil().max(first as f64 + 1.0) as i32;
    (first..=last).map(|e| 10f64.powi(e)).collect()
}

/// An axis mapping values onto a pixel range.
struct Axis {
    ticks: Vec<f64>,
    log: bool,
    from: f64,
    to: f64,
}

impl Axis {
    fn new(values: impl Iterator<Item = f64>, log: bool, from: f64, to: f64) -> Axis {
        let values: Vec<f64> = values
            .filter(|v| v.is_finite() && (!log || *v > 0.0))
            .collect();
        let hi = values.iter().copied().fold(f64::MIN, f64::max);
        let ticks = match (log, values.is_empty()) {
            (_, true) => vec![0.0, 1.0],
            (true, false) => log_ticks(values.iter().copied().fold(f64::MAX, f64::min), hi),
            (false, false) => linear_ticks(hi),
        };
        Axis {
            ticks,
            log,
            from,
            to,
        }
    }

    fn pos(&self, v: f64) -> f64 {
        let f = |x: f64| if self.log { x.max(1e-300).log10() } else { x };
        let (lo, hi) = (f(self.ticks[0]), f(*self.ticks.last().unwrap_or(&1.0)));
        let t = if hi > lo {
            (f(v) - lo) / (hi - lo)
        } else {
            0.0
        };
        self.from + t * (self.to - self.from)
    }
}

/// Vertical grid lines at the x ticks, labelled under the plot.
fn x_grid(out: &mut String, x: &Axis, top: f64, bottom: f64) {
    for &t in &x.ticks {
        let px = x.pos(t);
        let _ = writeln!(
            out,
            r##"<line x1="{px:.1}" y1="{top}" x2="{px:.1}" y2="{bottom}" stroke="#ddd"/><text x="{px:.1}" y="{ty}" text-anchor="middle">{v}</text>"##,
            ty = bottom + 18.0,
            v = short_number(t)
        );
    }
}

fn header(out: &mut String, height: f64, title: &str) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="{x}" y="22" text-anchor="middle" font-size="15" font-weight="bold">{t}</text>
"#,
        x = WIDTH / 2.0,
        t = escape(title)
    );
}

/// A line chart of `series` (x to the right, y up), each series a coloured
/// line with dots, named in a legend on the right.
pub fn line_chart(
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[Series],
    log_x: bool,
    log_y: bool,
) -> String {
    let height = 460.0;
    // Room on the right for the longest legend entry (about 7 px a character).
    let legend = series
        .iter()
        .map(|s| s.name.chars().count())
        .max()
        .unwrap_or(0) as f64
        * 7.0
        + 60.0;
    let (left, right, top, bottom) = (80.0, WIDTH - legend.max(150.0), 40.0, height - 60.0);
    let all = || series.iter().flat_map(|s| s.points.iter());
    let x = Axis::new(all().map(|p| p.0), log_x, left, right);
    let extremes = series
        .iter()
        .flat_map(|s| s.spread.iter().flat_map(|&(_, lo, hi)| [lo, hi]));
    let y = Axis::new(all().map(|p| p.1).chain(extremes), log_y, bottom, top);
    let mut out = String::new();
    header(&mut out, height, title);
    for &t in &y.ticks {
        let py = y.pos(t);
        let _ = writeln!(
            out,
            r##"<line x1="{left}" y1="{py:.1}" x2="{right}" y2="{py:.1}" stroke="#ddd"/><text x="{lx}" y="{ty:.1}" text-anchor="end">{v}</text>"##,
            lx = left - 6.0,
            ty = py + 4.0,
            v = short_number(t)
        );
    }
    x_grid(&mut out, &x, top, bottom);
    let _ = writeln!(
        out,
        r##"<rect x="{left}" y="{top}" width="{w}" height="{h}" fill="none" stroke="#444"/>
<text x="{cx}" y="{xl}" text-anchor="middle">{xlab}</text>
<text x="18" y="{cy}" text-anchor="middle" transform="rotate(-90 18 {cy})">{ylab}</text>"##,
        w = right - left,
        h = bottom - top,
        cx = (left + right) / 2.0,
        xl = bottom + 42.0,
        cy = (top + bottom) / 2.0,
        xlab = axis_label(x_label, log_x),
        ylab = axis_label(y_label, log_y)
    );
    for (i, s) in series.iter().enumerate() {
        let (colour, dash, kind) = style(i);
        let dash = match dash {
            "" => String::new(),
            pattern => format!(r#" stroke-dasharray="{pattern}""#),
        };
        let drawable = |vx: f64, vy: f64| {
            vx.is_finite() && vy.is_finite() && (!log_x || vx > 0.0) && (!log_y || vy > 0.0)
        };
        let pts: Vec<(f64, f64)> = s
            .points
            .iter()
            .filter(|p| drawable(p.0, p.1))
            .map(|&(vx, vy)| (x.pos(vx), y.pos(vy)))
            .collect();
        for &(vx, lo, hi) in &s.spread {
            if hi > lo && drawable(vx, lo) && drawable(vx, hi) {
                // Side by side, so that the bars of one x do not hide each other.
                let dodge = (i as f64 - (series.len() as f64 - 1.0) / 2.0) * 3.0;
                let (px, top_y, bottom_y) = (x.pos(vx) + dodge, y.pos(hi), y.pos(lo));
                let _ = writeln!(
                    out,
                    r#"<path d="M{a:.1},{top_y:.1}H{b:.1}M{px:.1},{top_y:.1}V{bottom_y:.1}M{a:.1},{bottom_y:.1}H{b:.1}" stroke="{colour}" stroke-width="1.2" fill="none" opacity="0.7"/>"#,
                    a = px - 4.0,
                    b = px + 4.0,
                );
            }
        }
        let path: Vec<String> = pts
            .iter()
            .map(|(px, py)| format!("{px:.1},{py:.1}"))
            .collect();
        let _ = writeln!(
            out,
            r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>"#,
            path.join(" ")
        );
        for (px, py) in &pts {
            let _ = writeln!(out, "{}", marker(kind, *px, *py, colour));
        }
        let ly = top + 10.0 + 18.0 * i as f64;
        let _ = writeln!(
            out,
            r#"<line x1="{a}" y1="{ly}" x2="{b}" y2="{ly}" stroke="{colour}" stroke-width="2.5"{dash}/>{m}<text x="{tx}" y="{ty}">{name}</text>"#,
            a = right + 10.0,
            b = right + 40.0,
            m = marker(kind, right + 25.0, ly, colour),
            tx = right + 46.0,
            ty = ly + 4.0,
            name = escape(&s.name)
        );
    }
    out.push_str("</svg>\n");
    out
}

/// A horizontal bar chart, one labelled bar per `(label, spread)`: the bar
/// is the median, with its value printed at its end, and a line across it
/// spans the min–max of the repeats; `value_label` names the unit. The bar
/// labelled `highlight` stands out in another colour.
pub fn bar_chart(
    title: &str,
    value_label: &str,
    bars: &[(String, Spread)],
    highlight: Option<&str>,
) -> String {
    let row = 24.0;
    let top = 40.0;
    let height = top + row * bars.len() as f64 + 60.0;
    let (left, right) = (230.0, WIDTH - 90.0);
    let extent = bars.iter().map(|b| b.1.median.max(b.1.max).max(0.0));
    let x = Axis::new(extent, false, left, right);
    let bottom = top + row * bars.len() as f64;
    let mut out = String::new();
    header(&mut out, height, title);
    x_grid(&mut out, &x, top, bottom);
    for (i, (label, spread)) in bars.iter().enumerate() {
        let y = top + row * i as f64;
        let w = (x.pos(spread.median.max(0.0)) - left).max(0.0);
        let _ = writeln!(
            out,
            r#"<text x="{lx}" y="{ty}" text-anchor="end">{label}</text><rect x="{left}" y="{ry}" width="{w:.1}" height="{h}" fill="{c}"/>"#,
            lx = left - 8.0,
            ty = y + row / 2.0 + 4.0,
            label = escape(label),
            ry = y + 3.0,
            h = row - 6.0,
            c = if highlight == Some(label.as_str()) {
                PALETTE[4]
            } else {
                PALETTE[0]
            },
        );
        let mut end = left + w;
        if spread.max > spread.min {
            let (a, b, cy) = (
                x.pos(spread.min.max(0.0)),
                x.pos(spread.max.max(0.0)),
                y + row / 2.0,
            );
            let _ = writeln!(
                out,
                r##"<path d="M{a:.1},{t:.1}V{u:.1}M{a:.1},{cy:.1}H{b:.1}M{b:.1},{t:.1}V{u:.1}" stroke="#333" stroke-width="1.2" fill="none"/>"##,
                t = cy - 5.0,
                u = cy + 5.0,
            );
            end = end.max(b);
        }
        let _ = writeln!(
            out,
            r#"<text x="{vx:.1}" y="{ty}">{v}</text>"#,
            vx = end + 5.0,
            ty = y + row / 2.0 + 4.0,
            v = short_number(spread.median)
        );
    }
    let _ = writeln!(
        out,
        r#"<text x="{cx}" y="{ly}" text-anchor="middle">{lab}</text>"#,
        cx = (left + right) / 2.0,
        ly = bottom + 40.0,
        lab = escape(value_label)
    );
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_four_series_have_twenty_four_styles() {
        let styles: std::collections::HashSet<_> = (0..24).map(style).collect();
        assert_eq!(styles.len(), 24);
        let all: std::collections::HashSet<_> =
            (0..PALETTE.len() * DASHES.len()).map(style).collect();
        assert_eq!(all.len(), PALETTE.len() * DASHES.len());
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(short_number(0.0), "0");
        assert_eq!(short_number(0.25), "0.25");
        assert_eq!(short_number(2.5), "2.5");
        assert_eq!(short_number(1000.0), "1000");
        assert_eq!(short_number(15_000.0), "15k");
        assert_eq!(short_number(312_400.0), "312k");
        assert_eq!(short_number(2_100_000.0), "2.1M");
    }

    #[test]
    fn ticks_are_nice_and_cover_the_data() {
        assert_eq!(linear_ticks(9.0), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(linear_ticks(300_000.0).last(), Some(&300_000.0));
        assert_eq!(
            log_ticks(10.0, 10_000.0),
            vec![10.0, 100.0, 1000.0, 10_000.0]
        );
        assert_eq!(log_ticks(3.0, 250.0), vec![1.0, 10.0, 100.0, 1000.0]);
    }

    #[test]
    fn line_chart_has_a_line_and_a_legend_entry_per_series() {
        let series = vec![
            Series {
                name: "select".into(),
                points: vec![(10.0, 30.0), (100.0, 45.0), (1000.0, 160.0)],
                spread: vec![(10.0, 25.0, 35.0), (100.0, 45.0, 45.0)],
            },
            Series {
                name: "a<b&c".into(),
                points: vec![(10.0, 28.0), (10000.0, 29.0)],
                spread: Vec::new(),
            },
        ];
        let svg = line_chart(
            "Latency",
            "idle connections",
            "p50 (µs)",
            &series,
            true,
            false,
        );
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert_eq!(
            svg.matches(r#"stroke-dasharray="9 4""#).count(),
            2,
            "the second line and its legend"
        );
        // Circles for the first series (3 points and the legend), squares
        // for the second (2 and the legend).
        assert_eq!(svg.matches("<circle").count(), 4);
        assert_eq!(svg.matches("width=\"7\"").count(), 3);
        assert_eq!(
            svg.matches("opacity=\"0.7\"").count(),
            1,
            "one spread bar: the other has none"
        );
        assert!(svg.contains("idle connections (logarithmic scale)"));
        assert!(
            svg.contains(">p50 (µs)</text>"),
            "a linear axis says nothing"
        );
        assert!(svg.contains(">select</text>"));
        assert!(svg.contains("a&lt;b&amp;c"));
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn bar_chart_has_a_bar_and_a_value_per_entry() {
        let one = |v: f64| Spread::of(&[v]).unwrap();
        let bars = vec![
            ("serv01".to_string(), Spread::of(&[1.5, 1.2, 1.9]).unwrap()),
            ("serv02".to_string(), one(0.25)),
            ("empty".to_string(), one(0.0)),
        ];
        let svg = bar_chart("Process control CPU", "seconds", &bars, Some("serv02"));
        assert_eq!(svg.matches("<rect x=\"230\"").count(), 3);
        assert!(svg.contains(">1.5</text>") && svg.contains(">0.25</text>"));
        assert_eq!(svg.matches(&format!("fill=\"{}\"", PALETTE[4])).count(), 1);
        assert_eq!(
            svg.matches("stroke=\"#333\"").count(),
            1,
            "one bar has a spread"
        );
        assert!(!svg.contains("NaN"));
    }
}
