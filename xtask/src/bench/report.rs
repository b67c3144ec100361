//! The results table: one Markdown row per scenario and gateway, hyper beside ours.

use std::fmt::Write as _;

use super::scenario::{Gateway, Scenario, Unit};
use super::wrk::Measured;

/// CPU percentage under which a side counts as not saturated.
pub(crate) const DISTURBED_BELOW: f64 = 80.0;

/// What one server did in one scenario.
#[derive(Debug, Clone)]
pub(crate) struct Figures {
    /// Requests/s, or MiB/s of body for [`Unit::MibPerSec`].
    pub(crate) value: f64,
    pub(crate) p50_us: f64,
    pub(crate) p99_us: f64,
    /// Largest VmRSS seen during the measured run, KiB.
    pub(crate) rss_kib: u64,
    /// VmHWM at the end of the run, KiB.
    pub(crate) hwm_kib: u64,
    /// Socket errors plus non-2xx/3xx answers that wrk saw.
    pub(crate) errors: u64,
    /// CPU used during the measured run, percent of one core: the server, and wrk.
    pub(crate) server_cpu: f64,
    pub(crate) wrk_cpu: f64,
    /// The server's CPU time per response, microseconds: what a request costs the server,
    /// whoever else had the cores (throughput is capped by wrk, or cut by outside load).
    pub(crate) server_us_per_request: f64,
    /// Scenario I only: the idle connections.
    pub(crate) idle: Option<Idle>,
}

impl Figures {
    /// The figures of one measured wrk run, with scenario I's when it held idle connections.
    pub(crate) fn from_run(run: &Measured, idle: Option<Idle>) -> Figures {
        let r = &run.report;
        Figures {
            // Every 1 MiB response carries 1 MiB of body, so responses/s is body MiB/s.
            value: r.req_per_sec,
            p50_us: r.p50_us,
            p99_us: r.p99_us,
            rss_kib: run.memory.rss_kib,
            hwm_kib: run.memory.hwm_kib,
            errors: r.socket_errors + r.non_2xx,
            server_cpu: run.server_cpu,
            wrk_cpu: run.wrk_cpu,
            server_us_per_request: run.server_us_per_request,
            idle,
        }
    }

    /// The progress line of one run: `label`, the headline figure in `unit`, latency, memory
    /// and CPU.
    pub(crate) fn progress(&self, label: &str, unit: &str) -> String {
        format!(
            "bench:   {label:<18} {:>10.0} {unit}, p50 {}, p99 {}, RSS {} KiB (HWM {} KiB), \
             CPU server {:.0}% wrk {:.0}%, {:.2} us/response",
            self.value,
            latency(self.p50_us),
            latency(self.p99_us),
            self.rss_kib,
            self.hwm_kib,
            self.server_cpu,
            self.wrk_cpu,
            self.server_us_per_request,
        )
    }
}

/// Scenario I's memory figures.
#[derive(Debug, Clone)]
pub(crate) struct Idle {
    pub(crate) opened: usize,
    /// Still open and quiet after the load beside them ended.
    pub(crate) still_open: usize,
    /// RSS growth over the baseline divided by the connections, bytes.
    pub(crate) bytes_per_conn: f64,
}

/// A server's outcome in one scenario.
#[derive(Debug, Clone)]
pub(crate) enum Outcome {
    Measured(Figures),
    /// cheroot-hello did not build.
    NotMeasured,
    Failed(String),
}

impl Outcome {
    /// Each figure's median over the runs measured (the lower of the middle two for an even
    /// count), taken figure by figure: the p99 of one round is the noisiest number a run
    /// gives, and the round with the median requests/s need not have the median p99 or CPU.
    /// Errors are those of every round, summed: none is hidden by a quieter one. A failure
    /// only when no run succeeded.
    pub(crate) fn median(runs: Vec<Outcome>) -> Outcome {
        let mut measured: Vec<Figures> = Vec::new();
        let mut other = Outcome::NotMeasured;
        for run in runs {
            match run {
                Outcome::Measured(f) => measured.push(f),
                failed @ Outcome::Failed(_) => other = failed,
                Outcome::NotMeasured => {}
            }
        }
        if measured.is_empty() {
            return other;
        }
        let f64s = |field: fn(&Figures) -> f64| median_of(measured.iter().map(field).collect());
        let kib = |field: fn(&Figures) -> u64| {
            median_of(measured.iter().map(|f| field(f) as f64).collect()) as u64
        };
        // Scenario I's idle figures stay together: those of the run with the median bytes
        // per connection.
        let mut idle: Vec<&Idle> = measured.iter().filter_map(|f| f.idle.as_ref()).collect();
        idle.sort_by(|a, b| a.bytes_per_conn.total_cmp(&b.bytes_per_conn));
        let idle = idle
            .get(idle.len().saturating_sub(1) / 2)
            .map(|i| (*i).clone());
        Outcome::Measured(Figures {
            value: f64s(|f| f.value),
            p50_us: f64s(|f| f.p50_us),
            p99_us: f64s(|f| f.p99_us),
            rss_kib: kib(|f| f.rss_kib),
            hwm_kib: kib(|f| f.hwm_kib),
            errors: measured.iter().map(|f| f.errors).sum(),
            server_cpu: f64s(|f| f.server_cpu),
            wrk_cpu: f64s(|f| f.wrk_cpu),
            server_us_per_request: f64s(|f| f.server_us_per_request),
            idle,
        })
    }
}

/// The median of `values` (the lower of the middle two for an even count); `values` is not
/// empty.
fn median_of(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[(values.len() - 1) / 2]
}

/// One table row.
#[derive(Debug)]
pub(crate) struct Row {
    pub(crate) scenario: &'static Scenario,
    pub(crate) gateway: Gateway,
    pub(crate) hyper: Outcome,
    pub(crate) ours: Outcome,
}

/// Renders the rows as Markdown, followed by scenario I's idle figures and any errors.
pub(crate) fn render(rows: &[Row]) -> String {
    let mut out = String::new();
    out.push_str(
        "| scenario | gateway | unit | hyper | ours | ours/hyper | p50 hyper | p50 ours \
         | p99 hyper | p99 ours | RSS hyper | RSS ours | CPU hyper (srv/wrk) \
         | CPU ours (srv/wrk) |\n",
    );
    out.push_str("|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for row in rows {
        let unit = match row.scenario.unit {
            Unit::ReqPerSec => "req/s",
            Unit::MibPerSec => "MiB/s",
        };
        let h = measured(&row.hyper);
        let o = measured(&row.ours);
        let ratio = match (h, o) {
            (Some(h), Some(o)) if h.value > 0.0 => format!("{:.2}x", o.value / h.value),
            _ => "-".to_owned(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {unit} | {} | {} | {ratio} | {} | {} | {} | {} | {} | {} | {} | {} |",
            row.scenario.id,
            row.gateway.label(),
            cell(&row.hyper, |f| format!("{:.0}", f.value)),
            cell(&row.ours, |f| format!("{:.0}", f.value)),
            cell(&row.hyper, |f| latency(f.p50_us)),
            cell(&row.ours, |f| latency(f.p50_us)),
            cell(&row.hyper, |f| latency(f.p99_us)),
            cell(&row.ours, |f| latency(f.p99_us)),
            cell(&row.hyper, |f| mib(f.rss_kib)),
            cell(&row.ours, |f| mib(f.rss_kib)),
            cell(&row.hyper, cpu),
            cell(&row.ours, cpu),
        );
    }
    render_cost(rows, &mut out);
    render_idle(rows, &mut out);
    render_notes(rows, &mut out);
    out
}

/// The server's CPU time per response, hyper's beside ours; `hyper/ours` above 1 means ours
/// spends less per request.
fn render_cost(rows: &[Row], out: &mut String) {
    out.push_str(
        "\n| CPU per response | gateway | hyper us | ours us | hyper/ours |\n\
         |---|---|--:|--:|--:|\n",
    );
    for row in rows {
        let h = measured(&row.hyper).map(|f| f.server_us_per_request);
        let o = measured(&row.ours).map(|f| f.server_us_per_request);
        let ratio = match (h, o) {
            (Some(h), Some(o)) if o > 0.0 => format!("{:.2}x", h / o),
            _ => "-".to_owned(),
        };
        let us = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{v:.2}"));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {ratio} |",
            row.scenario.id,
            row.gateway.label(),
            us(h),
            us(o),
        );
    }
}

fn render_idle(rows: &[Row], out: &mut String) {
    let idle: Vec<&Row> = rows
        .iter()
        .filter(|r| has_idle(&r.hyper) || has_idle(&r.ours))
        .collect();
    if idle.is_empty() {
        return;
    }
    out.push_str(
        "\n| I: idle conns | gateway | hyper bytes/conn | ours bytes/conn | ours/hyper \
         | still open hyper | still open ours |\n|---|---|--:|--:|--:|--:|--:|\n",
    );
    for row in idle {
        let h = measured(&row.hyper).and_then(|f| f.idle.as_ref());
        let o = measured(&row.ours).and_then(|f| f.idle.as_ref());
        let ratio = match (h, o) {
            (Some(h), Some(o)) if h.bytes_per_conn > 0.0 => {
                format!("{:.2}x", o.bytes_per_conn / h.bytes_per_conn)
            }
            _ => "-".to_owned(),
        };
        let per =
            |i: Option<&Idle>| i.map_or("-".to_owned(), |i| format!("{:.0}", i.bytes_per_conn));
        let held = |i: Option<&Idle>| {
            i.map_or("-".to_owned(), |i| format!("{}/{}", i.still_open, i.opened))
        };
        let opened = h.or(o).map_or(0, |i| i.opened);
        let _ = writeln!(
            out,
            "| {opened} | {} | {} | {} | {ratio} | {} | {} |",
            row.gateway.label(),
            per(h),
            per(o),
            held(h),
            held(o),
        );
    }
}

fn render_notes(rows: &[Row], out: &mut String) {
    let mut notes = String::new();
    let mut seen_hyper = Vec::new();
    for row in rows {
        let mut note = |who: &str, outcome: &Outcome| match outcome {
            Outcome::Failed(e) => {
                let _ = writeln!(notes, "- {} {who}: failed: {e}", row.scenario.id);
            }
            Outcome::Measured(f) => {
                if f.errors > 0 {
                    let _ = writeln!(
                        notes,
                        "- {} {who}: wrk saw {} socket errors or non-2xx answers",
                        row.scenario.id, f.errors
                    );
                }
                // Neither side saturated its core: something else had the CPU.
                if f.server_cpu < DISTURBED_BELOW && f.wrk_cpu < DISTURBED_BELOW {
                    let _ = writeln!(
                        notes,
                        "- {} {who}: server and wrk both under {DISTURBED_BELOW:.0}% of their \
                         cores; outside load likely, figures unreliable",
                        row.scenario.id
                    );
                }
            }
            _ => {}
        };
        // hyper is measured once per scenario and shown on each gateway's row.
        if !seen_hyper.contains(&row.scenario.id) {
            seen_hyper.push(row.scenario.id);
            note("hyper", &row.hyper);
        }
        note(&format!("ours ({})", row.gateway.label()), &row.ours);
    }
    if !notes.is_empty() {
        out.push_str("\nNotes:\n");
        out.push_str(&notes);
    }
}

fn measured(o: &Outcome) -> Option<&Figures> {
    match o {
        Outcome::Measured(f) => Some(f),
        _ => None,
    }
}

fn has_idle(o: &Outcome) -> bool {
    measured(o).is_some_and(|f| f.idle.is_some())
}

fn cell(o: &Outcome, show: impl Fn(&Figures) -> String) -> String {
    match o {
        Outcome::Measured(f) => show(f),
        Outcome::NotMeasured => "not yet measured".to_owned(),
        Outcome::Failed(_) => "failed".to_owned(),
    }
}

/// wrk prints 0 for a percentile its coordinated-omission correction pushed below the
/// smallest sample; that happens with pipelining, where it times one sample per batch.
pub(crate) fn latency(us: f64) -> String {
    if us <= 0.0 {
        "n/a".to_owned()
    } else if us >= 1000.0 {
        format!("{:.2} ms", us / 1000.0)
    } else {
        format!("{us:.0} us")
    }
}

fn cpu(f: &Figures) -> String {
    format!("{:.0}/{:.0}%", f.server_cpu, f.wrk_cpu)
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::scenario::SCENARIOS;

    fn figures(value: f64, idle: Option<Idle>) -> Outcome {
        Outcome::Measured(Figures {
            value,
            p50_us: 136.0,
            p99_us: 2220.0,
            rss_kib: 5120,
            hwm_kib: 6000,
            errors: 0,
            server_cpu: 61.0,
            wrk_cpu: 99.5,
            server_us_per_request: value / 1000.0,
            idle,
        })
    }

    #[test]
    fn renders_ratio_latency_and_rss() {
        let rows = [Row {
            scenario: &SCENARIOS[0],
            gateway: Gateway::Native,
            hyper: figures(200_000.0, None),
            ours: figures(250_000.0, None),
        }];
        let text = render(&rows);
        let line = text.lines().nth(2).unwrap();
        assert_eq!(
            line,
            "| A | native | req/s | 200000 | 250000 | 1.25x | 136 us | 136 us | 2.22 ms \
             | 2.22 ms | 5.0 MiB | 5.0 MiB | 61/100% | 61/100% |"
        );
        assert!(
            text.contains(
                "\n| CPU per response | gateway | hyper us | ours us | hyper/ours |\n\
                 |---|---|--:|--:|--:|\n| A | native | 200.00 | 250.00 | 0.80x |\n"
            ),
            "CPU per response, hyper's over ours: {text}"
        );
        assert!(!text.contains("Notes"));
        assert_eq!(latency(0.0), "n/a");
    }

    #[test]
    fn median_skips_failures() {
        let value = |o: Outcome| match o {
            Outcome::Measured(f) => f.value,
            _ => -1.0,
        };
        let fail = || Outcome::Failed("x".to_owned());
        assert_eq!(
            value(Outcome::median(vec![
                figures(3.0, None),
                figures(1.0, None),
                figures(2.0, None)
            ])),
            2.0
        );
        assert_eq!(
            value(Outcome::median(vec![
                figures(4.0, None),
                fail(),
                figures(1.0, None)
            ])),
            1.0
        );
        assert!(matches!(
            Outcome::median(vec![fail(), Outcome::NotMeasured]),
            Outcome::Failed(_)
        ));
        assert!(matches!(Outcome::median(Vec::new()), Outcome::NotMeasured));
    }

    #[test]
    fn median_is_taken_figure_by_figure() {
        let run = |value, p99_us, server_us_per_request, errors| {
            Outcome::Measured(Figures {
                value,
                p50_us: value / 10.0,
                p99_us,
                rss_kib: value as u64,
                hwm_kib: 2 * value as u64,
                errors,
                server_cpu: 90.0 + value,
                wrk_cpu: 99.0 - value,
                server_us_per_request,
                idle: Some(Idle {
                    opened: 10,
                    still_open: value as usize,
                    bytes_per_conn: 100.0 * value,
                }),
            })
        };
        // The round with the median value (2.0) has the worst p99 and the best CPU.
        let Outcome::Measured(m) = Outcome::median(vec![
            run(3.0, 200.0, 6.0, 1),
            run(1.0, 300.0, 5.0, 0),
            run(2.0, 900.0, 4.0, 2),
        ]) else {
            panic!("measured runs give a measured median");
        };
        assert_eq!(
            (m.value, m.p50_us, m.p99_us, m.server_us_per_request),
            (2.0, 0.2, 300.0, 5.0)
        );
        assert_eq!((m.rss_kib, m.hwm_kib, m.errors), (2, 4, 3));
        assert_eq!((m.server_cpu, m.wrk_cpu), (92.0, 97.0));
        let idle = m.idle.expect("the idle figures of the median run");
        assert_eq!((idle.still_open, idle.bytes_per_conn), (2, 200.0));
        assert_eq!(median_of(vec![4.0, 1.0, 3.0, 2.0]), 2.0);
    }

    #[test]
    fn unmeasured_failed_and_idle_rows() {
        let idle = |b| {
            Some(Idle {
                opened: 10_000,
                still_open: 10_000,
                bytes_per_conn: b,
            })
        };
        let rows = [
            Row {
                scenario: &SCENARIOS[3],
                gateway: Gateway::Pool,
                hyper: figures(6000.0, None),
                ours: Outcome::NotMeasured,
            },
            Row {
                scenario: &SCENARIOS[5],
                gateway: Gateway::Native,
                hyper: figures(100_000.0, idle(8000.0)),
                ours: Outcome::Failed("crashed".to_owned()),
            },
        ];
        let text = render(&rows);
        assert!(
            text.contains("| D | pool | MiB/s | 6000 | not yet measured | - |"),
            "{text}"
        );
        assert!(
            text.contains("| 10000 | native | 8000 | - | - | 10000/10000 | - |"),
            "{text}"
        );
        assert!(
            text.contains("- I ours (native): failed: crashed"),
            "{text}"
        );
        assert!(!text.contains("outside load"), "{text}");
    }

    #[test]
    fn flags_runs_where_neither_side_was_busy() {
        let starved = |server_cpu, wrk_cpu| {
            Outcome::Measured(Figures {
                value: 1.0,
                p50_us: 1.0,
                p99_us: 1.0,
                rss_kib: 1,
                hwm_kib: 1,
                errors: 3,
                server_cpu,
                wrk_cpu,
                server_us_per_request: 1.0,
                idle: None,
            })
        };
        let rows = [Row {
            scenario: &SCENARIOS[1],
            gateway: Gateway::Native,
            hyper: starved(59.0, 97.0),
            ours: starved(40.0, 30.0),
        }];
        let text = render(&rows);
        assert!(
            text.contains("- B ours (native): server and wrk both under 80%"),
            "{text}"
        );
        assert!(!text.contains("- B hyper: server and wrk"), "{text}");
        assert!(
            text.contains("- B hyper: wrk saw 3 socket errors"),
            "{text}"
        );
    }
}
