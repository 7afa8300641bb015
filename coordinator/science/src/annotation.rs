//! `--annotation` GTF/GFF3 input: the exons of NM_000125 / ENST00000206249 on chromosome 6,
//! the build they belong to, and filling the built-in ESR1 model's missing exon coordinates.
//!
//! Plain text and BGZF-compressed files are read (noodles gtf/gff/bgzf). A plain gzip file is
//! refused with a message saying how to recompress it with `bgzip`.

use std::{
    fs::File,
    io::{self, BufRead, BufReader},
    path::{Path, PathBuf},
};

use noodles::{bgzf, gff, gtf};

use crate::esr1::{Build, Esr1Model};

/// Transcript ids (without version) that are NM_000125.4 or its Ensembl equivalent.
pub const TRANSCRIPT_IDS: [&str; 2] = ["NM_000125", "ENST00000206249"];

/// One exon of the transcript as the annotation places it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnotatedExon {
    /// Exon number, 1-based, in transcript order (genomic order: ESR1 is on the plus strand).
    pub number: u32,
    /// First genomic position (1-based).
    pub start: u64,
    /// Last genomic position (1-based, inclusive).
    pub end: u64,
    /// Line of the annotation file that holds this exon.
    pub line: usize,
}

impl AnnotatedExon {
    /// Exon length in bases.
    pub fn len(&self) -> u64 {
        self.end - self.start + 1
    }

    /// Whether the exon is empty (never, for a parsed exon: end >= start is checked).
    pub fn is_empty(&self) -> bool {
        self.end < self.start
    }
}

/// The transcript's exons read from an annotation file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnotatedExons {
    /// The file they were read from.
    pub path: PathBuf,
    /// The transcript id as written (`NM_000125.4`, `ENST00000206249.8`).
    pub transcript: String,
    /// The chromosome name as written (`chr6`, `6`, `NC_000006.12`).
    pub chromosome: String,
    /// The build the exon coordinates belong to (decided from the verified exon 5).
    pub build: Build,
    /// Exons in transcript order.
    pub exons: Vec<AnnotatedExon>,
}

/// Why an annotation could not be used.
#[derive(Debug, thiserror::Error)]
pub enum AnnotationError {
    /// The file could not be opened or read.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The annotation file.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// The file is not a GTF/GFF3 this reader handles (extension, compression).
    #[error("{}: {message}", .path.display())]
    Format {
        /// The annotation file.
        path: PathBuf,
        /// What was expected.
        message: String,
    },
    /// A line could not be parsed.
    #[error("{}:{line}: {field}: {message}", .path.display())]
    Parse {
        /// The annotation file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// The field (column or attribute) that failed.
        field: &'static str,
        /// What was found and what was expected.
        message: String,
    },
    /// The file holds no usable exons of the transcript.
    #[error("{}: {message}", .path.display())]
    NoTranscript {
        /// The annotation file.
        path: PathBuf,
        /// What was searched for and what was found.
        message: String,
    },
    /// The exons match neither GRCh38 nor GRCh37.
    #[error("{}: {message}", .path.display())]
    WrongBuild {
        /// The annotation file.
        path: PathBuf,
        /// The coordinates found and the verified ones.
        message: String,
    },
    /// The transcript as a whole does not fit the built-in model (exon count, total length).
    #[error("{}: {message}", .path.display())]
    Inconsistent {
        /// The annotation file.
        path: PathBuf,
        /// What the annotation says and what the model knows.
        message: String,
    },
    /// An exon of the annotation contradicts the built-in model.
    #[error("{}:{line}: exon {exon}: {message}", .path.display())]
    Contradiction {
        /// The annotation file.
        path: PathBuf,
        /// Line of the contradicting exon.
        line: usize,
        /// Exon number.
        exon: u32,
        /// What the annotation says and what the model knows.
        message: String,
    },
}

/// Annotation file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnnotationFormat {
    /// GTF (GENCODE, Ensembl, UCSC): `transcript_id "…";` attributes.
    Gtf,
    /// GFF3 (RefSeq, Ensembl, GENCODE): `Parent=` / `transcript_id=` attributes.
    Gff3,
}

/// An exon line of a candidate transcript, format-independent.
#[derive(Debug)]
struct ExonLine {
    line: usize,
    chromosome: String,
    transcript: String,
    start: u64,
    end: u64,
    reverse: bool,
    exon_number: Option<u32>,
}

/// Reads the exons of NM_000125 (any version) or ENST00000206249 (any version) on chromosome 6
/// (`chr6`, `6` or `NC_000006.*`) from a GTF (`.gtf`) or GFF3 (`.gff3`, `.gff`) file, plain or
/// BGZF-compressed (`.gz`, `.bgz`), and decides the build from the verified exon 5.
pub fn load_annotation(path: &Path) -> Result<AnnotatedExons, AnnotationError> {
    let format = AnnotationFormat::from_path(path)?;
    read_annotation(open(path)?, format, path)
}

/// Reads the transcript's exons from decompressed GTF/GFF3 text; `source` names the input in
/// errors and in the result.
pub fn read_annotation<R: BufRead>(
    reader: R,
    format: AnnotationFormat,
    source: &Path,
) -> Result<AnnotatedExons, AnnotationError> {
    let lines = match format {
        AnnotationFormat::Gtf => read_gtf(source, reader)?,
        AnnotationFormat::Gff3 => read_gff3(source, reader)?,
    };
    select(source, lines)
}

impl AnnotationFormat {
    /// The format a file name says (`.gtf`, `.gff3`, `.gff`, each optionally `.gz`/`.bgz`).
    pub fn from_path(path: &Path) -> Result<Self, AnnotationError> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let base = name
            .strip_suffix(".gz")
            .or_else(|| name.strip_suffix(".bgz"))
            .unwrap_or(&name);
        if base.ends_with(".gtf") {
            Ok(AnnotationFormat::Gtf)
        } else if base.ends_with(".gff3") || base.ends_with(".gff") {
            Ok(AnnotationFormat::Gff3)
        } else {
            Err(AnnotationError::Format {
                path: path.to_owned(),
                message: "expected a file name ending in .gtf, .gff3 or .gff (optionally .gz)"
                    .to_owned(),
            })
        }
    }
}

/// Opens a plain or BGZF file; plain gzip is refused (no general gzip decoder is linked).
fn open(path: &Path) -> Result<Box<dyn BufRead>, AnnotationError> {
    let io_err = |source| AnnotationError::Io {
        path: path.to_owned(),
        source,
    };
    let mut inner = BufReader::new(File::open(path).map_err(io_err)?);
    let head = inner.fill_buf().map_err(io_err)?;
    if head.starts_with(&[0x1f, 0x8b]) {
        // BGZF: a gzip member with FEXTRA whose first subfield is "BC".
        let bgzf = head.len() >= 14 && head[3] & 0x04 != 0 && head[12] == b'B' && head[13] == b'C';
        if !bgzf {
            return Err(AnnotationError::Format {
                path: path.to_owned(),
                message: "plain gzip is not supported; expected plain text or BGZF \
                          (recompress with `zcat FILE | bgzip > FILE.gz`)"
                    .to_owned(),
            });
        }
        return Ok(Box::new(bgzf::io::Reader::new(inner)));
    }
    Ok(Box::new(inner))
}

fn parse_err(path: &Path, line: usize, field: &'static str, e: impl ToString) -> AnnotationError {
    AnnotationError::Parse {
        path: path.to_owned(),
        line,
        field,
        message: e.to_string(),
    }
}

/// Whether a sequence name is chromosome 6 (UCSC, Ensembl or RefSeq accession).
fn is_chr6(name: &str) -> bool {
    name == "chr6" || name == "6" || name.starts_with("NC_000006.") || name == "NC_000006"
}

/// The id without a `rna-` / `transcript:` prefix and without a version, when it is one of ours.
fn our_transcript(id: &str) -> bool {
    let id = id
        .strip_prefix("rna-")
        .or_else(|| id.strip_prefix("transcript:"))
        .unwrap_or(id);
    let stem = id.split('.').next().unwrap_or(id);
    TRANSCRIPT_IDS.contains(&stem)
}

/// Start, end and strand columns as the noodles GTF and GFF records return them.
type Columns = (
    io::Result<noodles::core::Position>,
    io::Result<noodles::core::Position>,
    io::Result<gff::feature::record::Strand>,
);

impl ExonLine {
    /// Parses the columns of an exon line of our transcript.
    fn new(
        path: &Path,
        line: usize,
        chromosome: String,
        transcript: String,
        (start, end, strand): Columns,
        exon_number: Option<String>,
    ) -> Result<Self, AnnotationError> {
        let position = |field, p: io::Result<noodles::core::Position>| {
            p.map(|p| usize::from(p) as u64).map_err(|e| {
                parse_err(
                    path,
                    line,
                    field,
                    format!("expected a 1-based position: {e}"),
                )
            })
        };
        let exon_number = exon_number
            .map(|v| {
                v.trim().parse().map_err(|_| {
                    parse_err(
                        path,
                        line,
                        "exon_number",
                        format!("expected a positive integer, found {v:?}"),
                    )
                })
            })
            .transpose()?;
        Ok(Self {
            line,
            start: position("start", start)?,
            end: position("end", end)?,
            reverse: matches!(
                strand.map_err(|e| parse_err(path, line, "strand", e))?,
                gff::feature::record::Strand::Reverse
            ),
            exon_number,
            chromosome,
            transcript,
        })
    }
}

fn read_gtf<R: BufRead>(path: &Path, reader: R) -> Result<Vec<ExonLine>, AnnotationError> {
    let mut reader = gtf::io::Reader::new(reader);
    let mut line = gtf::Line::default();
    let mut out = Vec::new();
    let mut n = 0;
    loop {
        n += 1;
        match reader.read_line(&mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => return Err(parse_err(path, n, "line", e)),
        }
        let Some(record) = line.as_record() else {
            continue;
        };
        let record = record.map_err(|e| parse_err(path, n, "record", e))?;
        let chromosome = record.reference_sequence_name().to_string();
        if record.ty() != "exon" || !is_chr6(&chromosome) {
            continue;
        }
        let attributes = record
            .attributes()
            .map_err(|e| parse_err(path, n, "attributes", e))?;
        let get = |key: &[u8]| -> Option<String> {
            attributes
                .get(key)
                .and_then(Result::ok)
                .and_then(|v| v.iter().next().map(|s| s.to_string()))
        };
        let Some(transcript) = get(b"transcript_id").filter(|t| our_transcript(t)) else {
            continue;
        };
        out.push(ExonLine::new(
            path,
            n,
            chromosome,
            transcript,
            (record.start(), record.end(), record.strand()),
            get(b"exon_number"),
        )?);
    }
    Ok(out)
}

fn read_gff3<R: BufRead>(path: &Path, reader: R) -> Result<Vec<ExonLine>, AnnotationError> {
    let mut reader = gff::io::Reader::new(reader);
    let mut line = gff::Line::default();
    let mut out = Vec::new();
    let mut n = 0;
    loop {
        n += 1;
        match reader.read_line(&mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => return Err(parse_err(path, n, "line", e)),
        }
        if let Some(d) = line.as_directive() {
            // Sequences follow; they are not features.
            if d.key() == "FASTA" {
                break;
            }
            continue;
        }
        let Some(record) = line.as_record() else {
            continue;
        };
        let record = record.map_err(|e| parse_err(path, n, "record", e))?;
        let chromosome = record.reference_sequence_name().to_string();
        if *record.ty() != "exon" || !is_chr6(&chromosome) {
            continue;
        }
        let attributes = record.attributes();
        let values = |key: &[u8]| -> Vec<String> {
            match attributes.get(key) {
                Some(Ok(gff::record::attributes::field::Value::String(s))) => {
                    vec![s.to_string()]
                }
                Some(Ok(gff::record::attributes::field::Value::Array(a))) => {
                    a.iter().map(|s| s.to_string()).collect()
                }
                _ => Vec::new(),
            }
        };
        // RefSeq: Parent=rna-NM_000125.4;transcript_id=NM_000125.4. Ensembl:
        // Parent=transcript:ENST00000206249. GENCODE: Parent=ENST00000206249.8.
        let Some(transcript) = values(b"transcript_id")
            .into_iter()
            .chain(values(b"Parent"))
            .find(|t| our_transcript(t))
        else {
            continue;
        };
        let transcript = transcript
            .strip_prefix("rna-")
            .or_else(|| transcript.strip_prefix("transcript:"))
            .unwrap_or(&transcript)
            .to_owned();
        out.push(ExonLine::new(
            path,
            n,
            chromosome,
            transcript,
            (record.start(), record.end(), record.strand()),
            values(b"exon_number").into_iter().next(),
        )?);
    }
    Ok(out)
}

/// Keeps the first transcript found, orders its exons and decides the build.
fn select(path: &Path, lines: Vec<ExonLine>) -> Result<AnnotatedExons, AnnotationError> {
    let Some(first) = lines.first() else {
        return Err(AnnotationError::NoTranscript {
            path: path.to_owned(),
            message: format!(
                "no exon of transcript {} or {} (any version) on chromosome 6 \
                 (chr6, 6 or NC_000006.*); expected feature type \"exon\" with \
                 transcript_id or Parent naming the transcript",
                TRANSCRIPT_IDS[0], TRANSCRIPT_IDS[1]
            ),
        });
    };
    let transcript = first.transcript.clone();
    let chromosome = first.chromosome.clone();
    let mut mine: Vec<ExonLine> = lines
        .into_iter()
        .filter(|l| l.transcript == transcript && l.chromosome == chromosome)
        .collect();
    mine.sort_by_key(|l| l.start);
    for l in &mine {
        if l.reverse {
            return Err(parse_err(
                path,
                l.line,
                "strand",
                format!("{transcript} exon on the minus strand; ESR1 is on the plus strand"),
            ));
        }
        if l.end < l.start {
            return Err(parse_err(
                path,
                l.line,
                "end",
                format!("end {} before start {}", l.end, l.start),
            ));
        }
    }
    let mut exons = Vec::with_capacity(mine.len());
    for (i, l) in mine.iter().enumerate() {
        let number = i as u32 + 1;
        if let Some(given) = l.exon_number.filter(|&g| g != number) {
            return Err(parse_err(
                path,
                l.line,
                "exon_number",
                format!(
                    "{transcript} exon at {}-{} is exon {number} in genomic order, \
                     the file says {given}",
                    l.start, l.end
                ),
            ));
        }
        if let Some(prev) = exons.last().map(|e: &AnnotatedExon| e.end) {
            if l.start <= prev {
                return Err(parse_err(
                    path,
                    l.line,
                    "start",
                    format!(
                        "{transcript} exon at {}-{} overlaps the previous exon",
                        l.start, l.end
                    ),
                ));
            }
        }
        exons.push(AnnotatedExon {
            number,
            start: l.start,
            end: l.end,
            line: l.line,
        });
    }
    let build = decide_build(path, &transcript, &chromosome, &exons)?;
    Ok(AnnotatedExons {
        path: path.to_owned(),
        transcript,
        chromosome,
        build,
        exons,
    })
}

/// The build whose verified exon 5 the annotation contains.
fn decide_build(
    path: &Path,
    transcript: &str,
    chromosome: &str,
    exons: &[AnnotatedExon],
) -> Result<Build, AnnotationError> {
    let model = Esr1Model::builtin();
    let verified = |build: Build| {
        model
            .exons
            .iter()
            .find(|e| e.number == 5)
            .and_then(|e| e.span(build))
    };
    let found = [Build::Grch38, Build::Grch37].into_iter().find(|&b| {
        verified(b).is_some_and(|(s, e)| exons.iter().any(|x| x.start == s && x.end == e))
    });
    let show = |b: Build| {
        verified(b)
            .map(|(s, e)| format!("{b} chr6:{s}-{e}"))
            .unwrap_or_else(|| format!("{b} (unknown)"))
    };
    let Some(build) = found else {
        let fifth = exons
            .get(4)
            .map(|e| format!("{}-{} (line {})", e.start, e.end, e.line))
            .unwrap_or_else(|| format!("absent ({} exons)", exons.len()));
        return Err(AnnotationError::WrongBuild {
            path: path.to_owned(),
            message: format!(
                "{transcript} on {chromosome}: no exon matches the verified exon 5 ({} or {}); \
                 exon 5 in the file is {fifth}. Expected a GRCh38 or GRCh37 annotation",
                show(Build::Grch38),
                show(Build::Grch37)
            ),
        });
    };
    // RefSeq accessions carry the build: NC_000006.12 is GRCh38, NC_000006.11 GRCh37.
    let accession_build = match chromosome {
        "NC_000006.12" => Some(Build::Grch38),
        "NC_000006.11" => Some(Build::Grch37),
        _ => None,
    };
    if let Some(b) = accession_build.filter(|&b| b != build) {
        return Err(AnnotationError::WrongBuild {
            path: path.to_owned(),
            message: format!(
                "{chromosome} is {b} but the exons of {transcript} match {}",
                show(build)
            ),
        });
    }
    Ok(build)
}

mod apply;

#[cfg(test)]
mod tests;
