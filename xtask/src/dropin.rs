//! The drop-in step: cheroot's and CherryPy's own test suites, as their wheels ship them, run
//! against cheroot_rs through the `cheroot_rs.testing.dropin` plugin, then against real cheroot
//! in the same run, so the two sets of counts compare like with like.

use std::path::{Path, PathBuf};

use crate::cmd::Cmd;
use crate::json::{self, Json};
use crate::python::Venv;

/// One suite: the package pytest imports it from, and the plugins it needs.
struct Suite {
    package: &'static str,
    plugins: &'static [&'static str],
    /// pytest-xdist processes: CherryPy's test classes all bind one fixed port and write into
    /// the package's folder, so that suite runs in one process.
    processes: &'static str,
}

const SUITES: &[Suite] = &[
    Suite {
        package: "cheroot.test",
        // cheroot's own pytest options and markers, which its tox run loads from a config file.
        plugins: &["cheroot.test._pytest_plugin"],
        processes: "2",
    },
    Suite {
        package: "cherrypy.test",
        plugins: &[],
        processes: "0",
    },
];

/// Where the runs write their counts.
const REPORTS: &str = "target/dropin";

/// The counts the plugin writes for one run.
#[derive(Debug, Default)]
struct Counts {
    passed: u64,
    failed: u64,
    error: u64,
    skipped: u64,
    xfailed: u64,
    xpassed: u64,
    deselected: u64,
    /// The ids of the tests that failed or errored.
    failed_ids: Vec<String>,
}

impl Counts {
    fn read(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("no counts in {}: {e}", path.display()))?;
        let doc = json::parse(&text)?;
        let count = |key: &str| match doc.get(key) {
            Some(Json::Number(n)) => n.parse().map_err(|_| format!("{key}: bad count {n}")),
            _ => Err(format!("{}: no count `{key}`", path.display())),
        };
        Ok(Self {
            passed: count("passed")?,
            failed: count("failed")?,
            error: count("error")?,
            skipped: count("skipped")?,
            xfailed: count("xfailed")?,
            xpassed: count("xpassed")?,
            deselected: count("deselected")?,
            failed_ids: doc
                .get("failed_ids")
                .and_then(Json::as_array)
                .ok_or_else(|| format!("{}: no `failed_ids`", path.display()))?
                .iter()
                .filter_map(|id| id.as_str().map(str::to_owned))
                .collect(),
        })
    }

    /// The counts on one line; `listed` names the listed tests (deselected on cheroot_rs, run
    /// anyway on cheroot).
    fn line(&self, listed: &str) -> String {
        format!(
            "passed={} failed={} error={} skipped={} xfailed={} xpassed={} {listed}={}",
            self.passed,
            self.failed,
            self.error,
            self.skipped,
            self.xfailed,
            self.xpassed,
            self.deselected
        )
    }
}

/// Runs every suite against cheroot_rs and against cheroot, prints both counts, and fails when
/// a test fails on cheroot_rs or fewer pass than on cheroot once the listed ones are counted.
pub(crate) fn run(venv: &Venv) -> Result<(), String> {
    let reports = crate::workspace::root().join(REPORTS);
    std::fs::create_dir_all(&reports)
        .map_err(|e| format!("cannot create {}: {e}", reports.display()))?;
    let mut summary = Vec::new();
    let mut problems = Vec::new();
    for suite in SUITES {
        let ours = pytest(venv, suite, &reports, false)?;
        let oracle = pytest(venv, suite, &reports, true)?;
        summary.push(format!(
            "{}\n  cheroot_rs: {}\n  cheroot:    {}",
            suite.package,
            ours.line("deselected"),
            oracle.line("listed-but-run")
        ));
        // A test that fails on cheroot too is not ours to pass (it is printed above).
        let regressions: Vec<&String> = ours
            .failed_ids
            .iter()
            .filter(|id| !oracle.failed_ids.contains(id))
            .collect();
        if !regressions.is_empty() {
            problems.push(format!(
                "{}: fail on cheroot_rs and not on cheroot: {}",
                suite.package,
                regressions
                    .iter()
                    .map(|id| id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !oracle.failed_ids.is_empty() {
            summary.push(format!(
                "  failing on cheroot as well: {}",
                oracle.failed_ids.join(", ")
            ));
        }
        if ours.passed + ours.deselected < oracle.passed {
            problems.push(format!(
                "{}: {} passed and {} listed on cheroot_rs, {} passed on cheroot",
                suite.package, ours.passed, ours.deselected, oracle.passed
            ));
        }
    }
    println!("\ndrop-in suites:\n{}", summary.join("\n"));
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// One pytest run of `suite` (on cheroot when `oracle`); its counts. A failing run is not an error here: the counts say what failed.
fn pytest(venv: &Venv, suite: &Suite, reports: &Path, oracle: bool) -> Result<Counts, String> {
    let server = if oracle { "cheroot" } else { "cheroot_rs" };
    let report: PathBuf = reports.join(format!("{}-{server}.json", suite.package));
    let _ = std::fs::remove_file(&report);
    let mut cmd = Cmd::new(venv.python())
        .args([
            "-m",
            "pytest",
            "--pyargs",
            suite.package,
            "-q",
            "--no-header",
        ])
        .args(["-p", "no:cacheprovider", "-n", suite.processes, "-rfE"])
        .args(["-W", "ignore::DeprecationWarning"])
        .args(["-p", "cheroot_rs.testing.dropin", "--dropin-report"])
        .args([&report])
        // The suites' files live in the virtualenv, under this repository: start pytest's
        // search for a configuration there, not at the repository's root.
        .args(["--rootdir"])
        .args([reports]);
    for plugin in suite.plugins {
        cmd = cmd.args(["-p", plugin]);
    }
    if oracle {
        cmd = cmd.args(["--dropin-oracle"]);
    }
    // pytest's exit status is 1 when a test failed; the counts carry that.
    let _ = cmd.run();
    Counts::read(&report)
}
