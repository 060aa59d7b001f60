//! `archc import --from FORMAT INPUT -o DIR`: reads another tool's model, writes `.arch` files into
//! DIR (never over existing files) and prints what was imported and what was kept as comments.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use super::report::CliError;
use crate::diagnostics::codes;
use crate::import::{self, ImportError, Imported, Source};

#[derive(clap::Args)]
pub struct ImportArgs {
    /// The format of INPUT.
    #[arg(long = "from", value_enum)]
    pub from: ImportFormat,
    /// The model to import: a Structurizr `.dsl` workspace, a LikeC4 `.c4` file, a CALM
    /// architecture `.json`, or a Threagile `.yaml`.
    pub input: PathBuf,
    /// The folder to write the `.arch` files into (created if missing).
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: PathBuf,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    /// Structurizr DSL workspace (`!include` followed).
    Structurizr,
    /// LikeC4 model (specification, model).
    Likec4,
    /// FINOS CALM architecture JSON.
    Calm,
    /// Threagile model YAML.
    Threagile,
}

impl From<ImportFormat> for Source {
    fn from(f: ImportFormat) -> Source {
        match f {
            ImportFormat::Structurizr => Source::Structurizr,
            ImportFormat::Likec4 => Source::Likec4,
            ImportFormat::Calm => Source::Calm,
            ImportFormat::Threagile => Source::Threagile,
        }
    }
}

/// Reads an included file (or every `.dsl` file of an included folder) relative to `base`.
fn read_include(base: &Path, path: &str) -> Result<String, String> {
    if path.starts_with("http://") || path.starts_with("https://") {
        return Err("URLs are not fetched".to_string());
    }
    let full = base.join(path);
    if full.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&full)
            .map_err(|e| e.to_string())?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "dsl"))
            .collect();
        files.sort();
        let mut text = String::new();
        for f in files {
            text.push_str(&std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?);
            text.push('\n');
        }
        return Ok(text);
    }
    std::fs::read_to_string(&full).map_err(|e| e.to_string())
}

/// Runs the importer of a format on an input file, with includes read relative to it.
pub fn import_file(source: Source, input: &Path) -> Result<Imported, ImportError> {
    let shown = input.display().to_string();
    let text = std::fs::read_to_string(input)
        .map_err(|e| ImportError::new(&shown, None, format!("cannot read `{shown}`: {e}")))?;
    let base = input.parent().map(Path::to_path_buf).unwrap_or_default();
    match source {
        Source::Structurizr => import::structurizr::import(&shown, &text, &mut |p| read_include(&base, p)),
        Source::Likec4 => import::likec4::import(&shown, &text),
        Source::Calm => import::calm::import(&shown, &text),
        Source::Threagile => import::threagile::import(&shown, &text),
    }
}

pub fn run(args: ImportArgs) -> i32 {
    let source: Source = args.from.into();
    let imported = match import_file(source, &args.input) {
        Ok(i) => i,
        Err(e) => {
            let at = e.line.map(|l| format!(":{l}")).unwrap_or_default();
            let mut report = CliError::new(codes::INVALID_IMPORT_INPUT, format!("{}{at}: {}", e.file, e.message));
            report = report.with_help(match &e.help {
                Some(h) => h.clone(),
                None => "check that the path names a readable model in the `--from` format".to_string(),
            });
            report.eprint();
            return super::EXIT_ERROR;
        }
    };
    let existing: Vec<String> = imported
        .files
        .iter()
        .map(|(name, _)| args.output.join(name))
        .filter(|p| p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if !existing.is_empty() {
        CliError::new(codes::UNREADABLE_PATH, format!("not imported: {} already exist", existing.join(", ")))
            .with_help("import into an empty folder")
            .eprint();
        return super::EXIT_ERROR;
    }
    if let Err(e) = std::fs::create_dir_all(&args.output) {
        CliError::new(codes::UNREADABLE_PATH, format!("cannot create `{}`: {e}", args.output.display()))
            .with_help("check that the parent folder exists and is writable")
            .eprint();
        return super::EXIT_ERROR;
    }
    for (name, text) in &imported.files {
        let path = args.output.join(name);
        if let Err(e) = std::fs::write(&path, text) {
            CliError::new(codes::UNREADABLE_PATH, format!("cannot write `{}`: {e}", path.display()))
                .with_help("check that the folder is writable")
                .eprint();
            return super::EXIT_ERROR;
        }
    }
    // A closed pipe (`| head`) is not an error: the files are written.
    let names: Vec<&str> = imported.files.iter().map(|(n, _)| n.as_str()).collect();
    let shown = args.output.display();
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{}", import::summary_line(source, &imported));
    let _ = writeln!(stdout, "wrote {} to `{shown}`; next: `archc check {shown}`", names.join(", "));
    super::EXIT_CLEAN
}
