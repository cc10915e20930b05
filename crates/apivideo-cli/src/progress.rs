//! Upload progress on stderr: one bar per active file plus an overall bar (bytes, rate,
//! ETA) when stderr is a terminal; otherwise one plain line per event. Colors follow the
//! terminal and `NO_COLOR`.

use std::io::IsTerminal as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::output;

/// Where progress goes.
#[derive(Debug, Clone)]
pub struct Reporter {
    bars: Option<Bars>,
    /// Bytes of every file confirmed or sent so far.
    done: Arc<AtomicU64>,
}

#[derive(Debug, Clone)]
struct Bars {
    multi: MultiProgress,
    overall: ProgressBar,
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

impl Reporter {
    /// A reporter for `total` bytes of which `already` were confirmed by earlier runs:
    /// bars when stderr is a terminal, plain lines otherwise.
    pub fn new(total: u64, already: u64) -> Self {
        Self::with_bars(std::io::stderr().is_terminal(), total, already)
    }

    fn with_bars(bars: bool, total: u64, already: u64) -> Self {
        let bars = bars.then(|| {
            // Bars are drawn on stderr: their colors follow stderr (and NO_COLOR).
            console::set_colors_enabled(console::colors_enabled_stderr());
            let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
            let overall = multi.add(ProgressBar::new(total));
            overall.set_style(style(
                "{prefix:.bold} [{bar:32.green/white}] {binary_bytes}/{binary_total_bytes} \
                 {binary_bytes_per_sec} ETA {eta} {msg}",
            ));
            overall.set_prefix("total");
            overall.set_position(already);
            overall.reset_eta();
            Bars { multi, overall }
        });
        Self {
            bars,
            done: Arc::new(AtomicU64::new(already)),
        }
    }

    /// Whether bars are drawn.
    pub fn has_bars(&self) -> bool {
        self.bars.is_some()
    }

    /// A line on stderr (above the bars when there are some).
    pub fn note(&self, text: &str) {
        match &self.bars {
            Some(bars) => {
                let _ = bars.multi.println(text);
            }
            None => eprintln!("{text}"),
        }
    }

    /// Runs `f` (which writes on stdout) with the bars out of the way, so that a terminal
    /// showing both keeps them apart.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.bars {
            Some(bars) => bars.multi.suspend(f),
            None => f(),
        }
    }

    /// The overall bar's message (files done so far).
    pub fn set_message(&self, text: String) {
        if let Some(bars) = &self.bars {
            bars.overall.set_message(text);
        }
    }

    /// Progress of one file of `size` bytes, `already` of them confirmed before.
    pub fn file(&self, name: &str, size: u64, already: u64) -> FileProgress {
        let bar = self.bars.as_ref().map(|bars| {
            let bar = bars
                .multi
                .insert_before(&bars.overall, ProgressBar::new(size));
            bar.set_style(style(
                "{prefix} [{bar:32.cyan/blue}] {binary_bytes}/{binary_total_bytes} \
                 {binary_bytes_per_sec}",
            ));
            bar.set_prefix(shorten(name, 32));
            bar.set_position(already);
            bar.reset_eta();
            bar
        });
        FileProgress {
            reporter: self.clone(),
            bar,
            name: name.to_owned(),
            size,
            already,
            sent: AtomicU64::new(0),
        }
    }

    /// Removes the bars.
    pub fn finish(&self) {
        if let Some(bars) = &self.bars {
            bars.overall.finish_and_clear();
            let _ = bars.multi.clear();
        }
    }

    fn add(&self, delta: i64) {
        let total = if delta >= 0 {
            self.done.fetch_add(delta as u64, Ordering::Relaxed) + delta as u64
        } else {
            self.done.fetch_sub(delta.unsigned_abs(), Ordering::Relaxed) - delta.unsigned_abs()
        };
        if let Some(bars) = &self.bars {
            bars.overall.set_position(total);
        }
    }
}

/// One file's progress, fed by the upload's callbacks.
#[derive(Debug)]
pub struct FileProgress {
    reporter: Reporter,
    bar: Option<ProgressBar>,
    name: String,
    size: u64,
    already: u64,
    /// Bytes sent in this run, as last reported.
    sent: AtomicU64,
}

impl FileProgress {
    /// `bytes_sent` bytes went out in this run (a retried chunk counts from zero again).
    pub fn sent(&self, bytes_sent: u64) {
        let before = self.sent.swap(bytes_sent, Ordering::Relaxed);
        self.reporter.add(bytes_sent as i64 - before as i64);
        if let Some(bar) = &self.bar {
            bar.set_position(self.already + bytes_sent);
        }
    }

    /// Chunk `index` of `count` was confirmed; `confirmed` bytes are now on the server.
    pub fn confirmed(&self, index: u32, count: u32, confirmed: u64) {
        if self.bar.is_none() {
            self.reporter.note(&format!(
                "{}: chunk {}/{count} confirmed ({} of {})",
                self.name,
                index + 1,
                output::size(confirmed),
                output::size(self.size)
            ));
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
            if let Some(bars) = &self.reporter.bars {
                bars.multi.remove(bar);
            }
        }
    }
}

/// `name`, cut in the middle to `max` characters.
fn shorten(name: &str, max: usize) -> String {
    let chars: Vec<char> = name.chars().collect();
    if chars.len() <= max {
        return format!("{name:<max$}");
    }
    let keep = max.saturating_sub(1) / 2;
    let head: String = chars[..keep].iter().collect();
    let tail: String = chars[chars.len() - (max - 1 - keep)..].iter().collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_are_cut_in_the_middle_short_ones_padded() {
        assert_eq!(shorten("a.mp4", 8), "a.mp4   ");
        let cut = shorten("a-very-long-recording-name.mp4", 12);
        assert_eq!(cut.chars().count(), 12);
        assert!(cut.starts_with("a-ver") && cut.ends_with(".mp4"), "{cut}");
    }

    #[test]
    fn the_overall_count_follows_retries_down_and_up() {
        let reporter = Reporter::with_bars(false, 100, 10);
        let file = reporter.file("a.mp4", 90, 0);
        file.sent(40);
        assert_eq!(reporter.done.load(Ordering::Relaxed), 50);
        file.sent(20); // a chunk failed and is sent again
        assert_eq!(reporter.done.load(Ordering::Relaxed), 30);
        file.sent(90);
        assert_eq!(reporter.done.load(Ordering::Relaxed), 100);
    }
}
