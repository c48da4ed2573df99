//! Progress of a long import: a bar with rate and ETA on a terminal (indicatif), plain
//! periodic lines otherwise (logs, CI), nothing in tests.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// How often the plain mode prints a line.
const PLAIN_EVERY: Duration = Duration::from_secs(5);

pub struct Progress {
    mode: Mode,
    label: String,
    total: Option<u64>,
    done: u64,
    started: Instant,
    last_line: Instant,
}

enum Mode {
    Bar(ProgressBar),
    Lines,
    Quiet,
}

impl Progress {
    /// A bar when stderr is a terminal, periodic lines otherwise.
    pub fn auto() -> Self {
        Self::with_mode(if std::io::stderr().is_terminal() {
            Mode::Bar(ProgressBar::hidden())
        } else {
            Mode::Lines
        })
    }

    pub fn quiet() -> Self {
        Self::with_mode(Mode::Quiet)
    }

    fn with_mode(mode: Mode) -> Self {
        let now = Instant::now();
        Self {
            mode,
            label: String::new(),
            total: None,
            done: 0,
            started: now,
            last_line: now,
        }
    }

    /// Starts counting a new phase (`customers`, `addresses`), of `total` rows when known.
    pub fn phase(&mut self, label: &str, total: Option<u64>) {
        self.finish();
        self.label = label.to_owned();
        self.total = total;
        self.done = 0;
        self.started = Instant::now();
        self.last_line = self.started;
        if let Mode::Bar(_) = self.mode {
            let bar = match total {
                Some(t) => ProgressBar::new(t).with_style(
                    ProgressStyle::with_template(
                        "{msg:>9} [{bar:40}] {pos}/{len} {per_sec} ETA {eta}",
                    )
                    .expect("a valid template")
                    .progress_chars("=> "),
                ),
                None => ProgressBar::new_spinner().with_style(
                    ProgressStyle::with_template("{msg:>9} {spinner} {pos} {per_sec}")
                        .expect("a valid template"),
                ),
            };
            bar.set_message(label.to_owned());
            self.mode = Mode::Bar(bar);
        }
    }

    pub fn inc(&mut self, n: u64) {
        self.done += n;
        match &self.mode {
            Mode::Bar(bar) => bar.inc(n),
            Mode::Lines if self.last_line.elapsed() >= PLAIN_EVERY => {
                self.last_line = Instant::now();
                eprintln!("{}", self.line());
            }
            Mode::Lines | Mode::Quiet => {}
        }
    }

    fn line(&self) -> String {
        let secs = self.started.elapsed().as_secs_f64().max(1e-9);
        let rate = self.done as f64 / secs;
        match self.total {
            Some(t) => format!("{}: {}/{} ({rate:.0}/s)", self.label, self.done, t),
            None => format!("{}: {} ({rate:.0}/s)", self.label, self.done),
        }
    }

    /// Ends the current phase (a last line in plain mode).
    pub fn finish(&mut self) {
        if self.label.is_empty() {
            return;
        }
        match &self.mode {
            Mode::Bar(bar) => bar.finish(),
            Mode::Lines => eprintln!("{} done", self.line()),
            Mode::Quiet => {}
        }
        self.label.clear();
    }
}
