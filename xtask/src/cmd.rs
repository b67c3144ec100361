//! Running an external command: echo it, run it, and turn a failure into a message.

use std::ffi::OsString;
use std::process::{Command, Stdio};

/// A command to run from the workspace root, echoed before it starts.
#[derive(Debug)]
pub(crate) struct Cmd {
    program: OsString,
    args: Vec<OsString>,
    envs: Vec<(OsString, OsString)>,
}

impl Cmd {
    /// A command running `program`.
    pub(crate) fn new(program: impl Into<OsString>) -> Self {
        Self {
            program: program.into(),
            args: Vec::new(),
            envs: Vec::new(),
        }
    }

    /// `cargo`, the same one that runs xtask (cargo sets `$CARGO` for the programs it runs).
    pub(crate) fn cargo() -> Self {
        Self::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
    }

    /// Appends arguments.
    pub(crate) fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Sets an environment variable for the child.
    pub(crate) fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.envs.push((key.into(), value.into()));
        self
    }

    fn describe(&self) -> String {
        let mut text = String::new();
        for (key, value) in &self.envs {
            text.push_str(&format!(
                "{}={} ",
                key.to_string_lossy(),
                value.to_string_lossy()
            ));
        }
        // Show `cargo` rather than the full path in $CARGO.
        let program = std::path::Path::new(&self.program)
            .file_name()
            .map_or_else(|| self.program.to_string_lossy(), |n| n.to_string_lossy());
        text.push_str(&program);
        for arg in &self.args {
            text.push(' ');
            text.push_str(&arg.to_string_lossy());
        }
        text
    }

    fn command(&self) -> Command {
        let mut command = Command::new(&self.program);
        command.args(&self.args);
        for (key, value) in &self.envs {
            command.env(key, value);
        }
        command
    }

    /// Runs the command with inherited stdio; an error names it and its exit status.
    pub(crate) fn run(&self) -> Result<(), String> {
        let description = self.describe();
        println!("$ {description}");
        let status = self
            .command()
            .status()
            .map_err(|e| format!("cannot start `{description}`: {e}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("`{description}` failed ({status})"))
        }
    }

    /// Runs the command quietly and returns its stdout; stderr is shown only on failure.
    pub(crate) fn read(&self) -> Result<String, String> {
        let description = self.describe();
        let output = self
            .command()
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot start `{description}`: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "`{description}` failed ({}):\n{}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        String::from_utf8(output.stdout).map_err(|_| format!("`{description}` printed non-UTF-8"))
    }

    /// Whether the command starts and exits successfully, with all output discarded.
    pub(crate) fn succeeds(&self) -> bool {
        self.command()
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }
}
