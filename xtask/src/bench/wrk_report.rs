//! Reading the figures out of wrk's text report (wrk 4.x with `--latency`).

/// The figures of one wrk run.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct WrkReport {
    /// Responses completed ("N requests in ...").
    pub(crate) requests: u64,
    /// `Requests/sec:`.
    pub(crate) req_per_sec: f64,
    /// `Transfer/sec:` in bytes.
    pub(crate) bytes_per_sec: f64,
    /// Median latency in microseconds.
    pub(crate) p50_us: f64,
    /// 99th percentile latency in microseconds.
    pub(crate) p99_us: f64,
    /// Sum of connect, read, write and timeout socket errors.
    pub(crate) socket_errors: u64,
    /// `Non-2xx or 3xx responses:`.
    pub(crate) non_2xx: u64,
}

/// Parses wrk's standard output; every figure the table needs must be there.
pub(crate) fn parse(out: &str) -> Result<WrkReport, String> {
    let mut requests = None;
    let mut req_per_sec = None;
    let mut bytes_per_sec = None;
    let mut p50_us = None;
    let mut p99_us = None;
    let mut socket_errors = 0;
    let mut non_2xx = 0;
    let mut in_distribution = false;
    for line in out.lines() {
        let line = line.trim();
        if line == "Latency Distribution" {
            in_distribution = true;
            continue;
        }
        if in_distribution {
            if let Some((pct, value)) = line.split_once('%') {
                match pct.trim() {
                    "50" => p50_us = Some(parse_time_us(value.trim())?),
                    "99" => p99_us = Some(parse_time_us(value.trim())?),
                    _ => {}
                }
                continue;
            }
            in_distribution = false;
        }
        if let Some(rest) = line.strip_prefix("Requests/sec:") {
            req_per_sec = Some(parse_f64(rest.trim(), line)?);
        } else if let Some(rest) = line.strip_prefix("Transfer/sec:") {
            bytes_per_sec = Some(parse_bytes(rest.trim())?);
        } else if let Some(rest) = line.strip_prefix("Socket errors:") {
            // "connect 0, read 0, write 0, timeout 0"
            for part in rest.split(',') {
                let n = part.split_whitespace().nth(1).unwrap_or("");
                socket_errors += n.parse::<u64>().map_err(|_| bad(line))?;
            }
        } else if let Some(rest) = line.strip_prefix("Non-2xx or 3xx responses:") {
            non_2xx = rest.trim().parse().map_err(|_| bad(line))?;
        } else if line.contains(" requests in ") {
            let n = line.split_whitespace().next().unwrap_or("");
            requests = Some(n.parse().map_err(|_| bad(line))?);
        }
    }
    let missing = |what: &str| format!("wrk output has no {what}:\n{out}");
    Ok(WrkReport {
        requests: requests.ok_or_else(|| missing("request count"))?,
        req_per_sec: req_per_sec.ok_or_else(|| missing("Requests/sec"))?,
        bytes_per_sec: bytes_per_sec.ok_or_else(|| missing("Transfer/sec"))?,
        p50_us: p50_us.ok_or_else(|| missing("50% latency"))?,
        p99_us: p99_us.ok_or_else(|| missing("99% latency"))?,
        socket_errors,
        non_2xx,
    })
}

fn bad(line: &str) -> String {
    format!("cannot read wrk line {line:?}")
}

fn parse_f64(s: &str, line: &str) -> Result<f64, String> {
    s.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .ok_or_else(|| bad(line))
}

/// Splits "136.00us" into 136.0 and "us".
fn split_unit(s: &str) -> Result<(f64, &str), String> {
    let at = s.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(s.len());
    let (num, unit) = s.split_at(at);
    Ok((parse_f64(num, s)?, unit))
}

/// wrk prints times in us, ms, s, m or h.
fn parse_time_us(s: &str) -> Result<f64, String> {
    let (n, unit) = split_unit(s)?;
    let scale = match unit {
        "us" => 1.0,
        "ms" => 1e3,
        "s" => 1e6,
        "m" => 60e6,
        "h" => 3600e6,
        _ => return Err(bad(s)),
    };
    Ok(n * scale)
}

/// wrk prints sizes with binary prefixes: B, KB, MB, GB, TB, PB.
fn parse_bytes(s: &str) -> Result<f64, String> {
    let (n, unit) = split_unit(s)?;
    let power = match unit {
        "B" => 0,
        "KB" => 1,
        "MB" => 2,
        "GB" => 3,
        "TB" => 4,
        "PB" => 5,
        _ => return Err(bad(s)),
    };
    Ok(n * 1024f64.powi(power))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEEP_ALIVE: &str = "\
Running 3s test @ http://127.0.0.1:18080/hello
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   221.44us  428.37us   8.44ms   96.75%
    Req/Sec   203.70k    27.31k  218.92k    86.67%
  Latency Distribution
     50%  136.00us
     75%  150.00us
     90%  180.00us
     99%    2.22ms
  607189 requests in 3.00s, 66.01MB read
Requests/sec: 202225.59
Transfer/sec:     21.99MB
";

    const WITH_ERRORS: &str = "\
Running 3s test @ http://127.0.0.1:1/
  1 threads and 50 connections
  Latency Distribution
     50%    1.50s
     75%    1.60s
     90%    1.70s
     99%    1.00m
  10 requests in 3.00s, 1.00KB read
  Socket errors: connect 3, read 2, write 0, timeout 7
  Non-2xx or 3xx responses: 4
Requests/sec:      3.33
Transfer/sec:     341.00B
";

    #[test]
    fn reads_a_clean_run() {
        let r = parse(KEEP_ALIVE).unwrap();
        assert_eq!(r.requests, 607_189);
        assert!((r.req_per_sec - 202_225.59).abs() < 1e-6);
        assert!((r.bytes_per_sec - 21.99 * 1024.0 * 1024.0).abs() < 1e-3);
        assert!((r.p50_us - 136.0).abs() < 1e-9);
        assert!((r.p99_us - 2220.0).abs() < 1e-9);
        assert_eq!((r.socket_errors, r.non_2xx), (0, 0));
    }

    #[test]
    fn reads_errors_and_long_latencies() {
        let r = parse(WITH_ERRORS).unwrap();
        assert_eq!(r.requests, 10);
        assert!((r.p50_us - 1.5e6).abs() < 1e-6);
        assert!((r.p99_us - 60e6).abs() < 1e-6);
        assert!((r.bytes_per_sec - 341.0).abs() < 1e-9);
        assert_eq!((r.socket_errors, r.non_2xx), (12, 4));
    }

    #[test]
    fn rejects_incomplete_or_garbled_output() {
        let table = [
            String::new(),
            KEEP_ALIVE.replace("Requests/sec: 202225.59\n", ""),
            KEEP_ALIVE.replace("     99%    2.22ms\n", ""),
            KEEP_ALIVE.replace("2.22ms", "2.22fortnights"),
            KEEP_ALIVE.replace("21.99MB", "21.99XB"),
            KEEP_ALIVE.replace("202225.59", "lots"),
            WITH_ERRORS.replace("read 2", "read two"),
        ];
        for (i, out) in table.iter().enumerate() {
            assert!(parse(out).is_err(), "case {i} was accepted");
        }
    }
}
