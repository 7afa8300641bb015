//! The cohort samplesheet: CSV with a header, one line per sequenced sample.
//!
//! Required columns `patient,sample,day,material,therapy,alignments`; optional `index`.
//! Read with the `csv` crate: a UTF-8 BOM (Excel), CRLF line ends, quoted fields with commas
//! or line breaks are accepted; `#` lines and blank lines are skipped. A record's line is the
//! line where it starts. Ids (patient, sample, therapy) may hold no tab or line break.
//! Structural errors (missing column, duplicate sample, unknown material, a day that is not an
//! integer) stop the run and are all reported at once, each naming its line and column.
//! A missing alignment or index file only fails that sample: it is reported with its line and
//! column and the rest of the cohort runs.

use esr1_proto::{Material, SampleRef};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

/// Columns that must be present.
pub const REQUIRED_COLUMNS: [&str; 6] = [
    "patient",
    "sample",
    "day",
    "material",
    "therapy",
    "alignments",
];

/// One problem found in the samplesheet, located precisely.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetProblem {
    /// 1-based line number in the file (the header is line 1).
    pub line: usize,
    /// Column name, when the problem is in one field.
    pub column: Option<String>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for SheetProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(c) => write!(f, "line {}, column '{c}': {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// The samplesheet could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetError {
    /// The file.
    pub path: PathBuf,
    /// Every problem found.
    pub problems: Vec<SheetProblem>,
}

impl fmt::Display for SheetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "samplesheet {} is invalid:", self.path.display())?;
        for p in &self.problems {
            write!(f, "\n  {}: {p}", self.path.display())?;
        }
        Ok(())
    }
}

impl std::error::Error for SheetError {}

/// A sample line of the samplesheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetSample {
    /// The sample, with paths resolved against the samplesheet's directory.
    pub sample: SampleRef,
    /// Its line in the file.
    pub line: usize,
    /// Why this sample cannot run (missing file …), located; `None` when it looks fine.
    pub problem: Option<SheetProblem>,
}

/// A parsed samplesheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Samplesheet {
    /// Where it was read from.
    pub path: PathBuf,
    /// Samples in file order.
    pub samples: Vec<SheetSample>,
    /// Notes that do not stop anything (patients without a baseline …).
    pub warnings: Vec<String>,
}

/// The records of a samplesheet after comments and blank lines: (line where the record
/// starts, trimmed fields). Quoted fields may hold commas and line breaks; a UTF-8 BOM and
/// CRLF line ends are accepted.
/// Problems that end the reading are returned beside the records read before them.
fn records(text: &str) -> (Vec<(usize, Vec<String>)>, Vec<SheetProblem>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // The reader counts a CRLF's line only once the next record starts: plain LF keeps every
    // record on the line where it starts.
    let text = text.replace("\r\n", "\n");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    let mut last_start = None;
    let mut record = csv::StringRecord::new();
    loop {
        let start = reader.position().clone();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let problem = SheetProblem {
                    line: start.line() as usize,
                    column: None,
                    message: e.to_string(),
                };
                return (out, vec![problem]);
            }
        }
        let pos = record.position().unwrap_or(&start);
        // Blank lines and comment lines indented by spaces.
        if record.iter().all(str::is_empty) || record.get(0).is_some_and(|f| f.starts_with('#')) {
            continue;
        }
        last_start = Some(pos.byte() as usize);
        out.push((
            pos.line() as usize,
            record.iter().map(str::to_owned).collect(),
        ));
    }
    // A quote left open swallows the rest of the file into the last record.
    let rest = last_start.and_then(|b| text.get(b..)).unwrap_or_default();
    if rest.matches('"').count() % 2 == 1 {
        if let Some((line, _)) = out.pop() {
            let problem = SheetProblem {
                line,
                column: None,
                message: "unterminated quoted field".into(),
            };
            return (out, vec![problem]);
        }
    }
    (out, Vec::new())
}

/// Id columns: they land in TSV and VCF columns, so they may hold no tab or line break.
const ID_COLUMNS: [&str; 3] = ["patient", "sample", "therapy"];

fn is_remote(uri: &str) -> bool {
    uri.contains("://")
}

/// A local path made absolute against the samplesheet's directory, with `.` and `..`
/// resolved lexically (job messages with `..` components are refused by workers).
fn resolve(base: &Path, value: &str) -> String {
    if is_remote(value) {
        return value.to_owned();
    }
    let mut out = std::path::PathBuf::new();
    for c in base.join(value).components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out.to_string_lossy().into_owned()
}

impl Samplesheet {
    /// Reads and validates a samplesheet file.
    pub fn read(path: &Path) -> Result<Self, SheetError> {
        let text = std::fs::read_to_string(path).map_err(|e| SheetError {
            path: path.to_owned(),
            problems: vec![SheetProblem {
                line: 0,
                column: None,
                message: format!("cannot read the file: {e}"),
            }],
        })?;
        // Absolute paths, so workers in other processes (or machines sharing the filesystem)
        // find the files whatever their working directory.
        let parent = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let base = std::fs::canonicalize(parent).unwrap_or_else(|_| parent.to_owned());
        Self::parse(path, &base, &text)
    }

    /// Parses samplesheet text; relative paths are resolved against `base`.
    pub fn parse(path: &Path, base: &Path, text: &str) -> Result<Self, SheetError> {
        let err = |problems: Vec<SheetProblem>| SheetError {
            path: path.to_owned(),
            problems,
        };
        let (rows, unreadable) = records(text);
        let mut problems = Vec::new();
        let mut rows = rows.into_iter();
        let Some((header_line, header)) = rows.next() else {
            if !unreadable.is_empty() {
                return Err(err(unreadable));
            }
            return Err(err(vec![SheetProblem {
                line: 1,
                column: None,
                message: format!(
                    "the file is empty; expected a header with columns {}",
                    REQUIRED_COLUMNS.join(",")
                ),
            }]));
        };
        let columns: Vec<String> = header.iter().map(|c| c.to_ascii_lowercase()).collect();
        let col: HashMap<&str, usize> = columns
            .iter()
            .enumerate()
            .map(|(i, c)| (c.as_str(), i))
            .collect();
        let missing: Vec<&str> = REQUIRED_COLUMNS
            .iter()
            .copied()
            .filter(|c| !col.contains_key(c))
            .collect();
        if !missing.is_empty() {
            return Err(err(vec![SheetProblem {
                line: header_line,
                column: None,
                message: format!(
                    "missing required column(s) {}; the header must contain {} (and optionally index)",
                    missing.join(", "),
                    REQUIRED_COLUMNS.join(",")
                ),
            }]));
        }

        let mut samples: Vec<SheetSample> = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (line, fields) in rows {
            if fields.len() != columns.len() {
                problems.push(SheetProblem {
                    line,
                    column: None,
                    message: format!(
                        "expected {} fields as in the header, found {}",
                        columns.len(),
                        fields.len()
                    ),
                });
                continue;
            }
            let get = |name: &str| col.get(name).map(|&i| fields[i].as_str()).unwrap_or("");
            let mut bad = |column: &str, message: String| {
                problems.push(SheetProblem {
                    line,
                    column: Some(column.to_owned()),
                    message,
                });
            };
            for c in ["patient", "sample", "therapy", "alignments"] {
                if get(c).is_empty() {
                    bad(c, "empty; a value is required".into());
                }
            }
            for c in ID_COLUMNS {
                if get(c).contains(['\t', '\n', '\r']) {
                    bad(
                        c,
                        format!(
                            "'{}' contains a tab or line break; ids go into TSV and VCF columns",
                            get(c).escape_debug()
                        ),
                    );
                }
            }
            let day = match get("day").parse::<i64>() {
                Ok(d) => Some(d),
                Err(_) => {
                    bad("day", format!("'{}' is not an integer number of days relative to therapy start (baseline ≤ 0)", get("day")));
                    None
                }
            };
            let material = match get("material").parse::<Material>() {
                Ok(m) => Some(m),
                Err(e) => {
                    bad("material", e);
                    None
                }
            };
            let sample_id = get("sample").to_owned();
            if !sample_id.is_empty() {
                if let Some(first) = seen.get(&sample_id) {
                    bad(
                        "sample",
                        format!("duplicate sample id '{sample_id}' (first on line {first})"),
                    );
                    continue;
                }
                seen.insert(sample_id.clone(), line);
            }
            let (Some(day), Some(material)) = (day, material) else {
                continue;
            };
            if get("patient").is_empty()
                || sample_id.is_empty()
                || get("alignments").is_empty()
                || get("therapy").is_empty()
            {
                continue;
            }
            let alignments = resolve(base, get("alignments"));
            let index = Some(get("index"))
                .filter(|s| !s.is_empty())
                .map(|s| resolve(base, s));
            let mut problem = None;
            if !is_remote(&alignments) && !Path::new(&alignments).is_file() {
                problem = Some(SheetProblem {
                    line,
                    column: Some("alignments".into()),
                    message: format!("file {alignments} not found"),
                });
            } else if let Some(ix) = index
                .as_deref()
                .filter(|ix| !is_remote(ix) && !Path::new(ix).is_file())
            {
                problem = Some(SheetProblem {
                    line,
                    column: Some("index".into()),
                    message: format!("file {ix} not found"),
                });
            }
            samples.push(SheetSample {
                sample: SampleRef {
                    patient: get("patient").to_owned(),
                    sample: sample_id,
                    day,
                    material,
                    therapy: get("therapy").to_owned(),
                    alignments,
                    index,
                },
                line,
                problem,
            });
        }
        // A record that cannot be read ends the file: its problem comes last, as its line.
        problems.extend(unreadable);
        if samples.is_empty() && problems.is_empty() {
            problems.push(SheetProblem {
                line: header_line,
                column: None,
                message: "no samples after the header".into(),
            });
        }
        if !problems.is_empty() {
            return Err(err(problems));
        }
        let mut warnings = Vec::new();
        let mut by_patient: BTreeMap<&str, (bool, bool, Vec<&str>)> = BTreeMap::new();
        for s in &samples {
            let e = by_patient.entry(&s.sample.patient).or_default();
            if s.sample.material != Material::Normal {
                if s.sample.day <= 0 {
                    e.0 = true;
                } else {
                    e.1 = true;
                }
            }
            if !e.2.contains(&s.sample.therapy.as_str()) {
                e.2.push(&s.sample.therapy);
            }
        }
        for (patient, (baseline, later, therapies)) in &by_patient {
            if !baseline {
                warnings.push(format!("patient {patient} has no baseline sample (day ≤ 0): not evaluable for acquisition"));
            }
            if !later {
                warnings.push(format!("patient {patient} has no sample after therapy start (day > 0): not evaluable for acquisition"));
            }
            if therapies.len() > 1 {
                warnings.push(format!(
                    "patient {patient} has several therapy labels ({}): the first is used",
                    therapies.join(", ")
                ));
            }
        }
        warnings.extend(samples.iter().filter_map(|s| problem_warning(path, s)));
        Ok(Self {
            path: path.to_owned(),
            samples,
            warnings,
        })
    }

    /// The warnings that are not about one sample's problem (patients without a baseline,
    /// several therapy labels): for `check`, whose table lists the problems.
    pub fn notes(&self) -> Vec<String> {
        let problems: Vec<String> = self
            .samples
            .iter()
            .filter_map(|s| problem_warning(&self.path, s))
            .collect();
        self.warnings
            .iter()
            .filter(|w| !problems.contains(w))
            .cloned()
            .collect()
    }

    /// Forgets the problem of sample `id` and its warning: `report` reads no alignment file,
    /// so a file missing now does not matter for a sample whose results the run stored.
    pub fn forget_problem(&mut self, id: &str) {
        let path = self.path.clone();
        for s in self.samples.iter_mut().filter(|s| s.sample.sample == id) {
            if let Some(w) = problem_warning(&path, s) {
                self.warnings.retain(|x| *x != w);
            }
            s.problem = None;
        }
    }
}

/// The warning about a sample line with a problem, if it has one.
fn problem_warning(path: &Path, s: &SheetSample) -> Option<String> {
    s.problem.as_ref().map(|p| {
        format!(
            "{}: {p}: sample {} will be reported as failed",
            path.display(),
            s.sample.sample
        )
    })
}

#[cfg(test)]
mod tests;
