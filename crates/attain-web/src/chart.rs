//! Small charts drawn on the server as SVG: monthly bars against a target line, and horizontal
//! attainment bars. No script, readable when printed, with a text alternative.

use crate::fmt::escape;
use std::fmt::Write;

/// Monthly columns (actual) with a line (target), both in cents.
pub struct BarLine<'a> {
    /// What the chart shows, for screen readers and the tooltip.
    pub title: &'a str,
    /// One label per column (`Jan` …).
    pub labels: &'a [String],
    /// Column values.
    pub bars: &'a [i64],
    /// Line values, one per column; `None` draws no line.
    pub line: Option<&'a [i64]>,
}

const W: f64 = 400.0;
const H: f64 = 150.0;
const PAD_L: f64 = 8.0;
const PAD_R: f64 = 8.0;
const PAD_T: f64 = 10.0;
const PAD_B: f64 = 22.0;

impl BarLine<'_> {
    /// Returns the chart as an inline `<svg>` element.
    pub fn svg(&self) -> String {
        let n = self.labels.len().max(1);
        let line = self.line.unwrap_or(&[]);
        let max = self
            .bars
            .iter()
            .chain(line)
            .copied()
            .max()
            .unwrap_or(0)
            .max(0);
        let min = self
            .bars
            .iter()
            .chain(line)
            .copied()
            .min()
            .unwrap_or(0)
            .min(0);
        let span = (max - min).max(1) as f64;
        let plot_h = H - PAD_T - PAD_B;
        let y = |v: i64| PAD_T + (max - v) as f64 / span * plot_h;
        let step = (W - PAD_L - PAD_R) / n as f64;
        let bar_w = step * 0.6;
        let mut s = String::new();
        let _ = write!(
            s,
            "<svg class=\"chart\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{t}\"><title>{t}</title>",
            t = escape(self.title)
        );
        let zero = y(0);
        let _ = write!(
            s,
            "<line class=\"axis\" x1=\"{PAD_L}\" x2=\"{}\" y1=\"{zero:.1}\" y2=\"{zero:.1}\"/>",
            W - PAD_R
        );
        for (i, v) in self.bars.iter().enumerate() {
            let x = PAD_L + step * i as f64 + (step - bar_w) / 2.0;
            let (top, h) = if *v >= 0 {
                (y(*v), zero - y(*v))
            } else {
                (zero, y(*v) - zero)
            };
            let class = if *v < 0 { "bar neg" } else { "bar" };
            let _ = write!(
                s,
                "<rect class=\"{class}\" x=\"{x:.1}\" y=\"{top:.1}\" width=\"{bar_w:.1}\" height=\"{:.1}\"/>",
                h.max(0.5)
            );
        }
        if !line.is_empty() {
            let pts: Vec<String> = line
                .iter()
                .enumerate()
                .map(|(i, v)| format!("{:.1},{:.1}", PAD_L + step * (i as f64 + 0.5), y(*v)))
                .collect();
            let _ = write!(
                s,
                "<polyline class=\"target\" fill=\"none\" points=\"{}\"/>",
                pts.join(" ")
            );
        }
        for (i, l) in self.labels.iter().enumerate() {
            let _ = write!(
                s,
                "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                PAD_L + step * (i as f64 + 0.5),
                H - 6.0,
                escape(l)
            );
        }
        s.push_str("</svg>");
        s
    }
}

/// A horizontal bar showing an attainment (1.0 = 100 %), with a mark at 100 %.
pub fn attainment_bar(micros: Option<i64>) -> String {
    let Some(m) = micros else {
        return String::new();
    };
    // The bar spans 0–150 %; beyond that it is drawn full.
    let frac = (m.max(0) as f64 / 1_500_000.0).min(1.0);
    let class = if m >= 1_000_000 {
        "bar good"
    } else if m >= 700_000 {
        "bar"
    } else {
        "bar low"
    };
    format!(
        "<svg class=\"att\" viewBox=\"0 0 100 10\" preserveAspectRatio=\"none\" aria-hidden=\"true\">\
         <rect class=\"track\" x=\"0\" y=\"2\" width=\"100\" height=\"6\"/>\
         <rect class=\"{class}\" x=\"0\" y=\"2\" width=\"{:.1}\" height=\"6\"/>\
         <line class=\"mark\" x1=\"66.7\" x2=\"66.7\" y1=\"0\" y2=\"10\"/></svg>",
        frac * 100.0
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_has_a_column_per_month_and_marks_negative_ones() {
        let labels: Vec<String> = ["Jan", "Feb", "Mar"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let svg = BarLine {
            title: "Bookings <2026>",
            labels: &labels,
            bars: &[100, -50, 200],
            line: Some(&[120, 120, 120]),
        }
        .svg();
        assert_eq!(svg.matches("<rect").count(), 3);
        assert_eq!(svg.matches("bar neg").count(), 1);
        assert!(svg.contains("<polyline"));
        assert!(svg.contains("Bookings &lt;2026&gt;"));
    }

    #[test]
    fn an_attainment_bar_is_empty_without_a_target() {
        assert_eq!(attainment_bar(None), "");
        assert!(attainment_bar(Some(1_200_000)).contains("good"));
    }
}
