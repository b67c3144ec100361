//! The benchmark's picture: one horizontal bar per scenario and gateway, cheroot-rs's
//! requests/s over hyper's, with the 1.0 line (parity) marked, as a self-contained SVG that
//! docs/benchmarks.md and the README show. The scale is logarithmic and bars start at parity
//! (right: faster than hyper, left: slower), so 0.5x and 2x look as far from even and a 7x
//! bar does not squash the others.

use std::fmt::Write as _;

/// One bar: its label (`A native`) and the ratio ours/hyper.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bar {
    pub(crate) label: String,
    pub(crate) ratio: f64,
}

const LABEL_WIDTH: f64 = 130.0;
const PLOT_WIDTH: f64 = 520.0;
const RIGHT_MARGIN: f64 = 60.0;
const BAR_HEIGHT: f64 = 18.0;
const BAR_GAP: f64 = 6.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 36.0;

/// The chart for `bars`, titled `title` (one line, escaped here).
pub(crate) fn svg(title: &str, bars: &[Bar]) -> String {
    // The scale covers every ratio with a margin, and at least 0.5x to 2x.
    let lo = bars
        .iter()
        .map(|b| b.ratio)
        .fold(0.5_f64, f64::min)
        .max(0.01)
        / 1.1;
    let hi = bars.iter().map(|b| b.ratio).fold(2.0_f64, f64::max) * 1.1;
    let x = |ratio: f64| {
        LABEL_WIDTH + (ratio.max(lo).log2() - lo.log2()) / (hi.log2() - lo.log2()) * PLOT_WIDTH
    };
    let width = LABEL_WIDTH + PLOT_WIDTH + RIGHT_MARGIN;
    let plot_height = bars.len() as f64 * (BAR_HEIGHT + BAR_GAP);
    let height = TOP + plot_height + BOTTOM;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">"
    );
    let _ = writeln!(out, "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
    let _ = writeln!(
        out,
        "<text x=\"{:.0}\" y=\"22\" font-size=\"14\" font-weight=\"bold\">{}</text>",
        LABEL_WIDTH,
        escape(title)
    );
    let parity = x(1.0);
    for (i, bar) in bars.iter().enumerate() {
        let y = TOP + i as f64 * (BAR_HEIGHT + BAR_GAP);
        let end = x(bar.ratio);
        let colour = if bar.ratio >= 1.0 {
            "#2a7ab0"
        } else {
            "#c0504d"
        };
        let _ = writeln!(
            out,
            "<text x=\"{:.0}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            LABEL_WIDTH - 8.0,
            y + BAR_HEIGHT * 0.75,
            escape(&bar.label)
        );
        let _ = writeln!(
            out,
            "<rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{BAR_HEIGHT:.0}\" \
             fill=\"{colour}\"/>",
            parity.min(end),
            (end - parity).abs()
        );
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\">{:.2}x</text>",
            parity.max(end) + 4.0,
            y + BAR_HEIGHT * 0.75,
            bar.ratio
        );
    }
    let axis_y = TOP + plot_height;
    let _ = writeln!(
        out,
        "<line x1=\"{parity:.1}\" y1=\"{:.0}\" x2=\"{parity:.1}\" y2=\"{axis_y:.1}\" \
         stroke=\"black\" stroke-dasharray=\"4 3\"/>",
        TOP - 6.0
    );
    let _ = writeln!(
        out,
        "<text x=\"{parity:.1}\" y=\"{:.1}\" text-anchor=\"middle\">1.0 = hyper</text>",
        axis_y + 16.0
    );
    let _ = writeln!(
        out,
        "<text x=\"{:.0}\" y=\"{:.1}\" fill=\"#555\">cheroot-rs requests/s over hyper's, same run (log scale)</text>",
        LABEL_WIDTH,
        axis_y + 30.0
    );
    out.push_str("</svg>\n");
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bars() -> Vec<Bar> {
        vec![
            Bar {
                label: "A native".to_owned(),
                ratio: 1.47,
            },
            Bar {
                label: "A wsgi".to_owned(),
                ratio: 0.88,
            },
            Bar {
                label: "P native".to_owned(),
                ratio: 6.47,
            },
        ]
    }

    #[test]
    fn one_bar_per_row_with_its_ratio_and_the_parity_line() {
        let chart = svg("cheroot-rs <vs> hyper", &bars());
        assert!(chart.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(chart.ends_with("</svg>\n"));
        assert_eq!(chart.matches("<rect x=").count(), 3);
        for want in [
            "1.47x",
            "0.88x",
            "6.47x",
            ">A native<",
            "1.0 = hyper",
            "&lt;vs&gt;",
        ] {
            assert!(chart.contains(want), "{want} missing from {chart}");
        }
        // A bar below parity is drawn in the other colour.
        assert_eq!(chart.matches("#c0504d").count(), 1);
    }

    #[test]
    fn bars_grow_from_parity_on_a_log_scale() {
        let chart = svg("t", &bars());
        let lo = 0.5_f64 / 1.1;
        let hi = 6.47_f64 * 1.1;
        let x =
            |r: f64| LABEL_WIDTH + (r.log2() - lo.log2()) / (hi.log2() - lo.log2()) * PLOT_WIDTH;
        let parity = x(1.0);
        assert!(chart.contains(&format!("x1=\"{parity:.1}\"")), "{chart}");
        // Faster: from parity to the right; slower: ending at parity, from the left.
        let faster = format!(
            "<rect x=\"{parity:.1}\" y=\"40.0\" width=\"{:.1}\"",
            x(1.47) - parity
        );
        assert!(chart.contains(&faster), "{faster} missing from {chart}");
        let slower = format!(
            "<rect x=\"{:.1}\" y=\"64.0\" width=\"{:.1}\"",
            x(0.88),
            parity - x(0.88)
        );
        assert!(chart.contains(&slower), "{slower} missing from {chart}");
        // 2x and 0.5x sit as far from parity.
        assert!(((x(2.0) - parity) - (parity - x(0.5))).abs() < 1e-9);
    }
}
