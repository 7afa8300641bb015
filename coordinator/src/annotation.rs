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

impl Esr1Model {
    /// The model with genomic coordinates (in the annotation's build) and mRNA boundaries of
    /// every exon taken from an annotation, after checking that exon lengths sum to the mRNA
    /// length and that known mRNA boundaries and verified coordinates agree.
    pub fn with_annotation(mut self, annotated: &AnnotatedExons) -> Result<Self, AnnotationError> {
        let path = &annotated.path;
        let lines = match (annotated.exons.first(), annotated.exons.last()) {
            (Some(f), Some(l)) => format!(" (lines {}-{})", f.line, l.line),
            _ => String::new(),
        };
        let whole = |message: String| AnnotationError::Inconsistent {
            path: path.clone(),
            message,
        };
        if annotated.exons.len() != self.exons.len() {
            return Err(whole(format!(
                "{}{lines} has {} exons, NM_000125.4 has {}",
                annotated.transcript,
                annotated.exons.len(),
                self.exons.len()
            )));
        }
        let total: u64 = annotated.exons.iter().map(AnnotatedExon::len).sum();
        if total != self.mrna.len() as u64 {
            return Err(whole(format!(
                "{}{lines}: exon lengths sum to {total} bp, the NM_000125.4 mRNA is {} bp",
                annotated.transcript,
                self.mrna.len()
            )));
        }
        let build = annotated.build;
        let mut m_start = 1;
        for (a, e) in annotated.exons.iter().zip(self.exons.iter_mut()) {
            let m_end = m_start + a.len() - 1;
            let wrong = |message: String| AnnotationError::Contradiction {
                path: path.clone(),
                line: a.line,
                exon: e.number,
                message,
            };
            for (what, known, ours) in
                [("start", e.mrna_start, m_start), ("end", e.mrna_end, m_end)]
            {
                if let Some(k) = known.filter(|&k| k != ours) {
                    return Err(wrong(format!(
                        "{}-{} puts the exon's mRNA {what} at {ours}, NM_000125.4 has {k}",
                        a.start, a.end
                    )));
                }
            }
            if let Some((s, t)) = e.span(build).filter(|&span| span != (a.start, a.end)) {
                return Err(wrong(format!(
                    "annotated at {build} {}-{}, verified at {s}-{t}",
                    a.start, a.end
                )));
            }
            e.mrna_start = Some(m_start);
            e.mrna_end = Some(m_end);
            let span = Some((a.start, a.end));
            match build {
                Build::Grch38 => e.grch38 = span,
                Build::Grch37 => e.grch37 = span,
            }
            m_start = m_end + 1;
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    /// The fixtures' GRCh38 exons. Exons 1, 5, 7 and 8 are the verified ones; exons 2, 3, 4 and
    /// 6 are SYNTHETIC (invented coordinates between the verified exons), sized so that exon 2
    /// starts at mRNA 684, exon 4 ends at 1327 (192 + 117 + 335 = 644 bp) and exon 6 covers
    /// mRNA 1467..1600 (134 bp). GRCh37 = GRCh38 + 321,135.
    const SYNTHETIC_GRCH38: [(u64, u64); 8] = [
        (151_807_682, 151_808_364),
        (151_900_001, 151_900_192),
        (151_950_001, 151_950_117),
        (152_000_001, 152_000_335),
        (152_011_656, 152_011_794),
        (152_050_001, 152_050_134),
        (152_094_385, 152_094_568),
        (152_098_732, 152_103_274),
    ];

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/annotation")
            .join(name)
    }

    /// A GTF of the given exons of ENST00000206249.8 on chr6.
    fn gtf(exons: &[(u64, u64)]) -> String {
        let mut s = String::from("#!synthetic exons, see SYNTHETIC_GRCH38\n");
        for (i, (a, b)) in exons.iter().enumerate() {
            s.push_str(&format!(
                "chr6\tt\texon\t{a}\t{b}\t.\t+\t.\tgene_id \"g\"; \
                 transcript_id \"ENST00000206249.8\"; exon_number \"{}\";\n",
                i + 1
            ));
        }
        s
    }

    fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write test file");
        path
    }

    fn annotated(path: &Path) -> Esr1Model {
        let a = load_annotation(path).unwrap_or_else(|e| panic!("{e}"));
        Esr1Model::builtin()
            .with_annotation(&a)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn gtf_fixture_is_grch38_and_fills_every_exon() {
        let path = fixture("esr1_synthetic_grch38.gtf");
        let a = load_annotation(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.build, Build::Grch38);
        assert_eq!(a.transcript, "ENST00000206249.8");
        assert_eq!(a.chromosome, "chr6");
        let spans: Vec<(u64, u64)> = a.exons.iter().map(|e| (e.start, e.end)).collect();
        assert_eq!(spans, SYNTHETIC_GRCH38);
        // Line 1 is the comment, 2 gene, 3 transcript, 4 an exon of another transcript.
        assert_eq!(a.exons[0].line, 5);
        let m = Esr1Model::builtin()
            .with_annotation(&a)
            .unwrap_or_else(|e| panic!("{e}"));
        let ex6 = &m.exons[5];
        assert_eq!((ex6.mrna_start, ex6.mrna_end), (Some(1467), Some(1600)));
        assert_eq!(ex6.grch38, Some((152_050_001, 152_050_134)));
        assert_eq!(m.exons[1].mrna_end, Some(875));
        assert_eq!(m.exons[2].mrna_start, Some(876));
        assert_eq!(m.placed_exons(Build::Grch38).count(), 8);
        // GRCh37 is untouched by a GRCh38 annotation.
        assert_eq!(m.placed_exons(Build::Grch37).count(), 4);
    }

    #[test]
    fn a_variant_in_exon_6_is_named_after_loading() {
        // Exon 6 = c.1236..c.1369 at synthetic GRCh38 152,050,001..152,050,134.
        // NM_000125.4 c.1255..c.1270: GAG GGC ATG GTG GAG A = E419 G420 M421 V422 E423.
        // Deleting V422's GTG (c.1264_1266) left-aligns over "TGG" to the anchor c.1261 A
        // (VCF: ATGG>A at 152,050,001 + 25); the 3' rule shifts it to TGG at c.1265_1267;
        // ATG GAG remains: p.Val422del.
        let m = annotated(&fixture("esr1_synthetic_grch38.gtf"));
        let h = m.hgvs(Build::Grch38, 152_050_026, "ATGG", "A");
        assert_eq!(h.as_ref().map(|h| h.c.as_str()), Some("c.1265_1267del"));
        assert_eq!(h.and_then(|h| h.p).as_deref(), Some("p.Val422del"));
        // c.1264G>A: GTG -> ATG.
        let h = m.hgvs(Build::Grch38, 152_050_001 + 28, "G", "A");
        assert_eq!(h.as_ref().map(|h| h.c.as_str()), Some("c.1264G>A"));
        assert_eq!(h.and_then(|h| h.p).as_deref(), Some("p.Val422Met"));
        // Introns 5 and 6 are now bounded on both sides.
        let h = m.hgvs(Build::Grch38, 152_050_000, "A", "G");
        assert_eq!(h.as_ref().map(|h| h.c.as_str()), Some("c.1236-1A>G"));
        assert_eq!(h.and_then(|h| h.p).as_deref(), Some("p.?"));
        let h = m.hgvs(Build::Grch38, 152_030_000, "A", "G");
        assert_eq!(h.map(|h| h.c).as_deref(), Some("c.1235+18206A>G"));
        // Without the annotation exon 6 is not placed.
        assert_eq!(
            Esr1Model::builtin().hgvs(Build::Grch38, 152_050_026, "ATGG", "A"),
            None
        );
    }

    #[test]
    fn refseq_gff3_fixture_is_grch37() {
        let m = annotated(&fixture("esr1_synthetic_grch37.gff3"));
        assert_eq!(m.exons[5].grch37, Some((152_371_136, 152_371_269)));
        let h = m.hgvs(Build::Grch37, 152_050_026 + 321_135, "ATGG", "A");
        assert_eq!(h.map(|h| h.c).as_deref(), Some("c.1265_1267del"));
    }

    #[test]
    fn ensembl_gff3_is_read_from_memory() {
        // Ensembl style: chromosome "6", Parent=transcript:ENST00000206249 without version.
        let mut text = String::from("##gff-version 3\n");
        for (i, (a, b)) in SYNTHETIC_GRCH38.iter().enumerate() {
            text.push_str(&format!(
                "6\tensembl\texon\t{a}\t{b}\t.\t+\t.\t\
                 Parent=transcript:ENST00000206249;Name=E{i};rank={}\n",
                i + 1
            ));
        }
        let a = read_annotation(
            text.as_bytes(),
            AnnotationFormat::Gff3,
            Path::new("memory.gff3"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (a.transcript.as_str(), a.chromosome.as_str(), a.build),
            ("ENST00000206249", "6", Build::Grch38)
        );
        assert_eq!(a.exons.len(), 8);
        assert_eq!(a.exons[7].line, 9);
    }

    #[test]
    fn bgzf_is_read_and_plain_gzip_is_refused_with_advice() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.gtf.gz");
        let mut w = bgzf::io::Writer::new(File::create(&path).expect("create"));
        w.write_all(gtf(&SYNTHETIC_GRCH38).as_bytes())
            .expect("write");
        w.finish().expect("finish");
        assert_eq!(
            load_annotation(&path).map(|a| a.build).ok(),
            Some(Build::Grch38)
        );
        // A gzip header without the BGZF "BC" extra field.
        let plain = dir.path().join("b.gtf.gz");
        std::fs::write(&plain, [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0]).expect("write");
        let e = load_annotation(&plain).expect_err("plain gzip").to_string();
        assert!(e.contains("b.gtf.gz") && e.contains("bgzip"), "{e}");
    }

    #[test]
    fn wrong_build_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        // Every exon moved by 1,000 bp: exon 5 matches neither build.
        let moved: Vec<(u64, u64)> = SYNTHETIC_GRCH38
            .iter()
            .map(|&(a, b)| (a + 1000, b + 1000))
            .collect();
        let path = write(&dir, "moved.gtf", &gtf(&moved));
        let e = load_annotation(&path).expect_err("wrong build").to_string();
        assert!(e.contains("moved.gtf"), "{e}");
        assert!(
            e.contains("exon 5") && e.contains("152012656-152012794"),
            "{e}"
        );
        assert!(e.contains("GRCh38 chr6:152011656-152011794"), "{e}");
        assert!(e.contains("GRCh37 chr6:152332791-152332929"), "{e}");
        // GRCh38 exons on the GRCh37 RefSeq accession.
        let refseq = gtf(&SYNTHETIC_GRCH38).replace("chr6\t", "NC_000006.11\t");
        let path = write(&dir, "mixed.gtf", &refseq);
        let e = load_annotation(&path).expect_err("mixed build").to_string();
        assert!(e.contains("NC_000006.11 is GRCh37"), "{e}");
    }

    #[test]
    fn contradictions_name_the_exon() {
        let dir = tempfile::tempdir().expect("temp dir");
        // Exon 7 three bases longer than verified (and exon 6 three shorter to keep 6327).
        let mut ex = SYNTHETIC_GRCH38;
        ex[5].1 -= 3;
        ex[6].1 += 3;
        let path = write(&dir, "exon7.gtf", &gtf(&ex));
        let a = load_annotation(&path).unwrap_or_else(|e| panic!("{e}"));
        let e = Esr1Model::builtin()
            .with_annotation(&a)
            .expect_err("exon 6 ends early")
            .to_string();
        // Exon 6 (line 7: line 1 is a comment) is checked first: it ends at mRNA 1597.
        assert!(e.contains("exon7.gtf:7: exon 6"), "{e}");
        assert!(e.contains("mRNA end at 1597") && e.contains("1600"), "{e}");
        // Exon 7 moved 3 bp downstream: lengths and mRNA boundaries hold, the verified
        // coordinates do not.
        let mut ex = SYNTHETIC_GRCH38;
        ex[6] = (ex[6].0 + 3, ex[6].1 + 3);
        let path = write(&dir, "shifted.gtf", &gtf(&ex));
        let a = load_annotation(&path).unwrap_or_else(|e| panic!("{e}"));
        let e = Esr1Model::builtin()
            .with_annotation(&a)
            .expect_err("exon 7 moved")
            .to_string();
        assert!(e.contains("shifted.gtf:8: exon 7"), "{e}");
        assert!(
            e.contains("GRCh38 152094388-152094571, verified at 152094385-152094568"),
            "{e}"
        );
        // Exon 8 missing.
        let path = write(&dir, "seven.gtf", &gtf(&SYNTHETIC_GRCH38[..7]));
        let a = load_annotation(&path).unwrap_or_else(|e| panic!("{e}"));
        let e = Esr1Model::builtin()
            .with_annotation(&a)
            .expect_err("seven exons")
            .to_string();
        assert!(
            e.contains("seven.gtf: ENST00000206249.8 (lines 2-8) has 7 exons"),
            "{e}"
        );
        // Lengths not summing to the mRNA.
        let mut ex = SYNTHETIC_GRCH38;
        ex[1].1 += 1;
        let path = write(&dir, "long.gtf", &gtf(&ex));
        let a = load_annotation(&path).unwrap_or_else(|e| panic!("{e}"));
        let e = Esr1Model::builtin()
            .with_annotation(&a)
            .expect_err("too long")
            .to_string();
        assert!(e.contains("sum to 6328") && e.contains("6327"), "{e}");
    }

    #[test]
    fn a_file_without_the_transcript_is_a_clear_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let other = gtf(&SYNTHETIC_GRCH38).replace("ENST00000206249.8", "ENST00000999999.1");
        let path = write(&dir, "other.gtf", &other);
        let e = load_annotation(&path)
            .expect_err("no transcript")
            .to_string();
        assert!(e.contains("other.gtf") && e.contains("NM_000125"), "{e}");
        assert!(e.contains("ENST00000206249"), "{e}");
        let path = write(&dir, "x.bed", "chr6\t1\t2\n");
        let e = load_annotation(&path).expect_err("extension").to_string();
        assert!(e.contains(".gtf, .gff3 or .gff"), "{e}");
        let bad = gtf(&SYNTHETIC_GRCH38).replace("\t151807682\t", "\tabc\t");
        let path = write(&dir, "bad.gtf", &bad);
        let e = load_annotation(&path).expect_err("bad start").to_string();
        assert!(e.contains("bad.gtf:2: start"), "{e}");
    }
}
