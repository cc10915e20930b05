//! Project automation. `cargo xtask codegen [--check] [--spec PATH]` regenerates
//! `crates/apivideo-api/src/generated.rs` from the OpenAPI description.

mod client;
mod codegen;
mod facts;
mod list_params;
mod models;
mod naming;
mod operations;
mod patch;
mod spec;
mod transform;

use std::path::PathBuf;
use std::process::ExitCode;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

const USAGE: &str = "\
usage: cargo xtask codegen [--check] [--spec PATH]
       cargo xtask spec-diff OTHER [--spec PATH]

  codegen           regenerate crates/apivideo-api/src/generated.rs from openapi/apivideo.yaml
    --check         regenerate in memory and fail if the checked-in file differs
    --spec PATH     read another copy of the spec (for example a newer one from api.video)
  spec-diff OTHER   list the differences in facts (paths, parameters, bodies, responses,
                    schemas, enums, security, servers, webhooks) between our spec and OTHER,
                    ignoring prose, examples and generator hints; fails if there are any";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<ExitCode> {
    let Some((command, rest)) = args.split_first() else {
        println!("{USAGE}");
        return Ok(ExitCode::FAILURE);
    };
    match command.as_str() {
        "codegen" => codegen_command(rest),
        "spec-diff" => spec_diff_command(rest),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => Err(format!("unknown command `{other}`\n{USAGE}").into()),
    }
}

fn spec_diff_command(args: &[String]) -> Result<ExitCode> {
    let root = codegen::workspace_root();
    let mut ours = root.join(codegen::SPEC);
    let mut other: Option<PathBuf> = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--spec" => ours = iter.next().ok_or("--spec needs a path")?.into(),
            path if other.is_none() && !path.starts_with("--") => other = Some(path.into()),
            unknown => return Err(format!("unexpected argument `{unknown}`\n{USAGE}").into()),
        }
    }
    let other = other.ok_or_else(|| format!("spec-diff needs the other spec\n{USAGE}"))?;
    let differences = facts::differences(&spec::load(&ours)?.doc, &spec::load(&other)?.doc);
    for difference in &differences {
        println!("{difference}");
    }
    println!("{} difference(s) in facts", differences.len());
    Ok(if differences.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn codegen_command(args: &[String]) -> Result<ExitCode> {
    let root = codegen::workspace_root();
    let mut check = false;
    let mut spec: Option<PathBuf> = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--spec" => spec = Some(iter.next().ok_or("--spec needs a path")?.into()),
            other => return Err(format!("unknown option `{other}`\n{USAGE}").into()),
        }
    }
    let (spec_path, display) = match spec {
        None => (root.join(codegen::SPEC), codegen::SPEC.to_owned()),
        Some(path) => {
            let absolute = std::path::absolute(&path)?;
            let display = absolute
                .strip_prefix(&root)
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| {
                    path.file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default()
                });
            (absolute, display)
        }
    };
    let (text, report) = codegen::generate(&spec_path, &display)?;
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    let output = root.join(codegen::OUTPUT);
    if check {
        let current = std::fs::read_to_string(&output).unwrap_or_default();
        return Ok(match codegen::staleness(&current, &text) {
            None => {
                println!("{} is up to date with {display}", codegen::OUTPUT);
                ExitCode::SUCCESS
            }
            Some(summary) => {
                eprintln!("{summary}");
                ExitCode::FAILURE
            }
        });
    }
    std::fs::write(&output, &text)?;
    println!(
        "wrote {} ({} lines) from {display}",
        codegen::OUTPUT,
        report.lines
    );
    for applied in &report.applied {
        let reason = transform::ALL
            .iter()
            .find(|t| t.name == applied.name)
            .map_or("", |t| t.reason);
        println!(
            "  {} ({} change(s)): {reason}",
            applied.name,
            applied.changes.len()
        );
        for change in &applied.changes {
            println!("    {change}");
        }
    }
    for patch in &report.patches {
        println!("  patch {} ({} change(s))", patch.name, patch.count);
    }
    Ok(ExitCode::SUCCESS)
}
