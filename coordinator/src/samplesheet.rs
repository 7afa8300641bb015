//! The cohort samplesheet: CSV with a header, one line per sequenced sample.
//!
//! Required columns `patient,sample,day,material,therapy,alignments`; optional `index`.
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

/// Splits one CSV line into fields (RFC 4180 quoting; no embedded newlines).
fn split_csv(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    cur.push('"');
                    chars.next();
                }
                '"' => quoted = false,
                _ => cur.push(c),
            }
        } else {
            match c {
                '"' if at_start => quoted = true,
                ',' => {
                    fields.push(std::mem::take(&mut cur));
                    at_start = true;
                    continue;
                }
                _ => cur.push(c),
            }
        }
        at_start = false;
    }
    if quoted {
        return Err("unterminated quoted field".into());
    }
    fields.push(cur);
    Ok(fields.into_iter().map(|f| f.trim().to_owned()).collect())
}

fn is_remote(uri: &str) -> bool {
    uri.contains("://")
}

fn resolve(base: &Path, value: &str) -> String {
    if is_remote(value) || Path::new(value).is_absolute() {
        value.to_owned()
    } else {
        base.join(value).to_string_lossy().into_owned()
    }
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
        let mut problems = Vec::new();
        let err = |problems: Vec<SheetProblem>| SheetError {
            path: path.to_owned(),
            problems,
        };
        let mut lines = text
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
            .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
        let Some((header_line, header)) = lines.next() else {
            return Err(err(vec![SheetProblem {
                line: 1,
                column: None,
                message: format!(
                    "the file is empty; expected a header with columns {}",
                    REQUIRED_COLUMNS.join(",")
                ),
            }]));
        };
        let columns: Vec<String> = match split_csv(header) {
            Ok(c) => c.into_iter().map(|c| c.to_ascii_lowercase()).collect(),
            Err(e) => {
                return Err(err(vec![SheetProblem {
                    line: header_line,
                    column: None,
                    message: e,
                }]))
            }
        };
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
        for (line, text) in lines {
            let fields = match split_csv(text) {
                Ok(f) => f,
                Err(e) => {
                    problems.push(SheetProblem {
                        line,
                        column: None,
                        message: e,
                    });
                    continue;
                }
            };
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
        for s in &samples {
            if let Some(p) = &s.problem {
                warnings.push(format!(
                    "{}: {p}: sample {} will be reported as failed",
                    path.display(),
                    s.sample.sample
                ));
            }
        }
        Ok(Self {
            path: path.to_owned(),
            samples,
            warnings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Samplesheet, SheetError> {
        Samplesheet::parse(Path::new("sheet.csv"), Path::new("/nonexistent"), text)
    }

    const HEADER: &str = "patient,sample,day,material,therapy,alignments,index\n";

    #[test]
    fn a_good_sheet_parses_with_relative_paths_resolved() {
        let s = parse(&format!("{HEADER}P1,S1,-3,tumor,AI,bams/s1.bam,\nP1,S2,200,cfDNA,AI,s3://b/s2.bam,s3://b/s2.bam.bai\n")).unwrap();
        assert_eq!(s.samples.len(), 2);
        assert_eq!(s.samples[0].sample.alignments, "/nonexistent/bams/s1.bam");
        assert_eq!(s.samples[0].sample.index, None);
        assert_eq!(s.samples[1].sample.material, Material::Cfdna);
        assert_eq!(s.samples[1].sample.alignments, "s3://b/s2.bam");
        // The local file is missing: the sample is kept, with a located problem.
        let p = s.samples[0]
            .problem
            .as_ref()
            .expect("missing file is reported");
        assert_eq!((p.line, p.column.as_deref()), (2, Some("alignments")));
        assert!(s.samples[1].problem.is_none());
    }

    #[test]
    fn errors_name_line_and_column_and_are_all_reported() {
        let text = format!(
            "{HEADER}P1,S1,-3,tumor,AI,a.bam,\nP1,S1,10,tumor,AI,b.bam,\nP2,S3,x,tumor,AI,c.bam,\nP2,S4,5,blood,AI,d.bam,\n"
        );
        let e = parse(&text).unwrap_err();
        let found: Vec<(usize, Option<&str>)> = e
            .problems
            .iter()
            .map(|p| (p.line, p.column.as_deref()))
            .collect();
        assert_eq!(
            found,
            vec![(3, Some("sample")), (4, Some("day")), (5, Some("material"))]
        );
        let msg = e.to_string();
        assert!(
            msg.contains("line 3, column 'sample': duplicate sample id 'S1' (first on line 2)"),
            "{msg}"
        );
        assert!(
            msg.contains("line 5, column 'material': unknown material 'blood'"),
            "{msg}"
        );
        assert!(
            msg.contains("expected one of tumor, cfdna, normal"),
            "{msg}"
        );
    }

    #[test]
    fn missing_columns_and_ragged_lines_are_reported() {
        let e = parse("patient,sample,day,material\nP1,S1,0,tumor\n").unwrap_err();
        assert_eq!(e.problems[0].line, 1);
        assert!(
            e.problems[0].message.contains("therapy, alignments"),
            "{}",
            e.problems[0].message
        );
        let e = parse(&format!("{HEADER}P1,S1,0,tumor\n")).unwrap_err();
        assert!(e.problems[0].message.contains("expected 7 fields"), "{e}");
    }

    #[test]
    fn patients_without_a_baseline_are_allowed_but_reported() {
        let s = parse(&format!("{HEADER}P1,S1,100,tumor,AI,s3://b/a.bam,\n\"P2\",\"S2\",0,tumor,AI,s3://b/b.bam,\nP2,S3,30,cfdna,AI,s3://b/c.bam,\n")).unwrap();
        assert_eq!(s.samples.len(), 3);
        assert_eq!(s.samples[1].sample.patient, "P2");
        assert!(
            s.warnings
                .iter()
                .any(|w| w.contains("patient P1 has no baseline")),
            "{:?}",
            s.warnings
        );
        assert!(
            !s.warnings.iter().any(|w| w.contains("patient P2")),
            "{:?}",
            s.warnings
        );
    }
}
