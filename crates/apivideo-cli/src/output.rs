//! Writing results: stdout lines that survive a closed pipe, JSON lines, human sizes,
//! rates and durations, and aligned tables.

use std::io::Write as _;
use std::time::Duration;

/// Writes one line on stdout. A closed stdout (`| head`) ends the output quietly.
pub fn line(text: &str) {
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "{text}")
        .and_then(|()| stdout.flush())
        .is_err()
    {
        // Nobody reads any more: stop as `head` expects, without a panic.
        std::process::exit(0);
    }
}

/// Writes `value` as one JSON line on stdout.
pub fn json_line(value: &impl serde::Serialize) {
    match serde_json::to_string(value) {
        Ok(text) => line(&text),
        Err(e) => eprintln!("apivideo: cannot write JSON: {e}"),
    }
}

/// `12.0 MiB`, `512 B`.
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// `1.2 s`, `3 min 04 s`.
pub fn duration(elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    if secs < 60.0 {
        format!("{secs:.1} s")
    } else {
        let whole = elapsed.as_secs();
        format!("{} min {:02} s", whole / 60, whole % 60)
    }
}

/// `30.5 MiB/s`, or `-` when nothing was measured.
pub fn rate(bytes: u64, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    if bytes == 0 || secs <= 0.0 {
        return "-".to_owned();
    }
    format!("{}/s", size((bytes as f64 / secs) as u64))
}

/// Rows aligned in columns, two spaces apart; the last column is not padded.
pub fn table(rows: &[Vec<String>]) -> Vec<String> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    rows.iter()
        .map(|row| {
            let mut text = String::new();
            for (c, cell) in row.iter().enumerate() {
                if c + 1 == row.len() {
                    text.push_str(cell);
                } else {
                    text.push_str(cell);
                    let pad = widths[c] - cell.chars().count() + 2;
                    text.extend(std::iter::repeat_n(' ', pad));
                }
            }
            text
        })
        .collect()
}

/// `arg` quoted for a POSIX shell when it needs to be.
pub fn shell_quote(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@%+".contains(c));
    if plain {
        arg.to_owned()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_rates_and_durations_read_well() {
        assert_eq!(size(512), "512 B");
        assert_eq!(size(12 * 1024 * 1024), "12.0 MiB");
        assert_eq!(size(3 << 30), "3.0 GiB");
        assert_eq!(rate(30 << 20, Duration::from_secs(2)), "15.0 MiB/s");
        assert_eq!(rate(0, Duration::from_secs(2)), "-");
        assert_eq!(duration(Duration::from_millis(1234)), "1.2 s");
        assert_eq!(duration(Duration::from_secs(184)), "3 min 04 s");
    }

    #[test]
    fn tables_align_every_column_but_the_last() {
        let rows = vec![
            vec!["FILE".into(), "SIZE".into(), "STATUS".into()],
            vec!["long-name.mp4".into(), "1 B".into(), "done".into()],
        ];
        assert_eq!(
            table(&rows),
            ["FILE           SIZE  STATUS", "long-name.mp4  1 B   done"]
        );
    }

    #[test]
    fn shell_quoting_only_when_needed() {
        assert_eq!(shell_quote("a/b.mp4"), "a/b.mp4");
        assert_eq!(shell_quote("my talk.mp4"), "'my talk.mp4'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
    }
}
