//! One sample's reads: haplotype sequences over the capture targets, `art_illumina` on each
//! at its share of the depth, duplicates and a jackpot added, `bwa mem` onto the ESR1 window,
//! coordinates moved onto chr6 (with the strand-specific artefact put into reverse reads),
//! then `samtools fixmate | sort | markdup` and `samtools index`.

use super::contig_header;
use super::design::{ArtKind, ArtPatient, ArtSample, STRAND_ARTEFACT_RATE};
use super::run;
use crate::error::{io_error, SimulateError};
use crate::reference::{Assembly, RefWindow};
use crate::rng::Rng;
use esr1_proto::Material;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Reference bases on each side of a target that reads may come from.
const FLANK: u64 = 300;
/// Copies of the jackpot molecule.
const JACKPOT_COPIES: usize = 30;

/// Everything one sample needs.
pub(super) struct SampleSpec<'a> {
    pub patient: &'a ArtPatient,
    pub sample: &'a ArtSample,
    pub window: &'a RefWindow,
    pub targets: &'a [(u64, u64)],
    pub bwa_ref: &'a Path,
    pub work: &'a Path,
    /// In GRCh38, as the design.
    pub strand_artefact: (u64, u8, u8),
    pub assembly: Assembly,
    pub seed: u64,
}

/// Read length, mean and sd of fragment length, duplicate rate of a material.
fn library(material: Material) -> (u32, u32, u32, f64) {
    match material {
        Material::Cfdna => (150, 167, 10, 0.15),
        Material::Tumor | Material::Normal => (150, 300, 50, 0.10),
    }
}

/// The sequence of every target (± [`FLANK`]) with `variants` applied (`(pos, ref, alt)`).
fn haplotype(window: &RefWindow, targets: &[(u64, u64)], variants: &[(u64, &str, &str)]) -> String {
    let mut fasta = String::new();
    for (t, &(start, end)) in targets.iter().enumerate() {
        let (from, to) = (start - FLANK, end + FLANK);
        let mut seq = Vec::new();
        let mut pos = from;
        while pos <= to {
            match variants.iter().find(|v| v.0 == pos) {
                Some((_, r, a)) => {
                    seq.extend_from_slice(a.as_bytes());
                    pos += r.len() as u64;
                }
                None => {
                    seq.push(window.base(pos));
                    pos += 1;
                }
            }
        }
        let _ = writeln!(fasta, ">t{t}\n{}", String::from_utf8_lossy(&seq));
    }
    fasta
}

/// One haplotype of a sample.
struct Haplotype {
    /// FASTA text of every target.
    fasta: String,
    /// Fraction of the sample's fragments.
    fraction: f64,
    /// `Some(f1r2)` for formalin damage: it lies on one strand of each damaged molecule, so
    /// only its pairs in one orientation show it — F1R2 (first read forward) for C>T at a
    /// reference C, F2R1 for G>A (the C of the other strand).
    orientation: Option<bool>,
}

/// Every haplotype of the sample: the germline haplotype carrying the heterozygous SNPs, the
/// other germline haplotype, and one copy of the latter per somatic variant or artefact at
/// its fraction.
fn haplotypes(spec: &SampleSpec) -> Vec<Haplotype> {
    let p = spec.patient;
    let vs = |pred: &dyn Fn(usize) -> bool| -> Vec<(u64, &str, &str)> {
        (0..p.variants.len())
            .filter(|&k| pred(k))
            .map(|k| {
                let v = &p.variants[k];
                (v.pos, v.ref_allele.as_str(), v.alt_allele.as_str())
            })
            .collect()
    };
    let germline = |k: usize| p.variants[k].kind == ArtKind::Germline;
    let hom = |k: usize| germline(k) && p.variants[k].homozygous;
    let hap =
        |variants: &[(u64, &str, &str)], fraction: f64, orientation: Option<bool>| Haplotype {
            fasta: haplotype(spec.window, spec.targets, variants),
            fraction,
            orientation,
        };
    let mut out = vec![hap(&vs(&germline), 0.5, None)];
    let mut other = 0.5;
    for k in 0..p.variants.len() {
        let f = spec.sample.vafs[k];
        if germline(k) || f <= 0.0 {
            continue;
        }
        let v = &p.variants[k];
        let orientation = (v.kind == ArtKind::Ffpe).then(|| v.ref_allele == "C");
        out.push(hap(&vs(&|j| hom(j) || j == k), f, orientation));
        other -= f;
    }
    out.push(hap(&vs(&hom), other.max(0.0), None));
    out
}

/// The names of the pairs in an ART alignment file (`*1.aln`) whose first read is on the
/// forward strand (`f1r2`) or on the reverse strand.
fn pairs_in_orientation(aln: &Path, f1r2: bool) -> Result<HashSet<String>, SimulateError> {
    let text = std::fs::read_to_string(aln).map_err(io_error(aln))?;
    let strand = if f1r2 { "+" } else { "-" };
    Ok(text
        .lines()
        .filter_map(|l| l.strip_prefix('>'))
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f.len() == 4 && f[3] == strand).then(|| f[1].trim_end_matches("/1").to_owned())
        })
        .collect())
}

/// Reads one FASTQ record (4 lines); `None` at the end.
fn fastq_record(r: &mut impl BufRead) -> Result<Option<[String; 4]>, std::io::Error> {
    let mut rec: [String; 4] = Default::default();
    for (i, line) in rec.iter_mut().enumerate() {
        if r.read_line(line)? == 0 {
            return if i == 0 {
                Ok(None)
            } else {
                Err(std::io::Error::other("truncated FASTQ record"))
            };
        }
    }
    Ok(Some(rec))
}

/// Simulates the reads of every haplotype and merges them into `r1`/`r2`, adding duplicates
/// and, for a jackpot sample, one pair with an error copied [`JACKPOT_COPIES`] times.
/// Returns the jackpot pair's name.
fn reads(
    spec: &SampleSpec,
    rng: &mut Rng,
    r1: &Path,
    r2: &Path,
) -> Result<Option<String>, SimulateError> {
    let (len, mean, sd, dup_rate) = library(spec.sample.material);
    let name = &spec.sample.sample;
    let mut w1 = BufWriter::new(std::fs::File::create(r1).map_err(io_error(r1))?);
    let mut w2 = BufWriter::new(std::fs::File::create(r2).map_err(io_error(r2))?);
    let mut jackpot = None;
    for (h, haplo) in haplotypes(spec).into_iter().enumerate() {
        if haplo.fraction <= 0.0 {
            continue;
        }
        let hap = spec.work.join(format!("{name}_h{h}.fa"));
        std::fs::write(&hap, &haplo.fasta).map_err(io_error(&hap))?;
        let prefix = spec.work.join(format!("{name}_h{h}_"));
        // Fold of read coverage giving `depth × fraction` fragments over each position (twice
        // that for damage, of which only one orientation's pairs are kept).
        let strands = if haplo.orientation.is_some() {
            2.0
        } else {
            1.0
        };
        let fcov = f64::from(spec.sample.depth) * haplo.fraction * strands * 2.0 * f64::from(len)
            / f64::from(mean);
        let mut art = Command::new("art_illumina");
        art.args(["-ss", "HS25", "-p", "-q"])
            .args([
                "-l",
                &len.to_string(),
                "-m",
                &mean.to_string(),
                "-s",
                &sd.to_string(),
            ])
            .args([
                "-f",
                &format!("{fcov:.4}"),
                "-rs",
                &(spec.seed + h as u64).to_string(),
            ])
            .args(["-d", &format!("{name}h{h}")])
            .arg("-i")
            .arg(&hap)
            .arg("-o")
            .arg(&prefix);
        if haplo.orientation.is_none() {
            art.arg("-na");
        }
        if spec.sample.noisy {
            art.args(["-qs", "-5", "-qs2", "-5"]);
        }
        run(&mut art)?;
        let keep = match haplo.orientation {
            Some(f1r2) => Some(pairs_in_orientation(
                &PathBuf::from(format!("{}1.aln", prefix.display())),
                f1r2,
            )?),
            None => None,
        };
        let open = |suffix: &str| -> Result<BufReader<std::fs::File>, SimulateError> {
            let p = PathBuf::from(format!("{}{suffix}", prefix.display()));
            Ok(BufReader::new(
                std::fs::File::open(&p).map_err(io_error(&p))?,
            ))
        };
        let (mut f1, mut f2) = (open("1.fq")?, open("2.fq")?);
        let mut n = 0u64;
        loop {
            let io = |e| io_error(r1)(e);
            let (Some(a), Some(b)) = (
                fastq_record(&mut f1).map_err(io)?,
                fastq_record(&mut f2).map_err(io)?,
            ) else {
                break;
            };
            let pair = a[0]
                .trim_start_matches('@')
                .trim_end()
                .trim_end_matches("/1");
            if keep.as_ref().is_some_and(|k| !k.contains(pair)) {
                continue;
            }
            n += 1;
            let copies = if spec.sample.jackpot && jackpot.is_none() && h == 0 && n == 50 {
                jackpot = Some(
                    a[0].trim_start_matches('@')
                        .trim_end()
                        .trim_end_matches("/1")
                        .to_owned(),
                );
                JACKPOT_COPIES
            } else if rng.chance(dup_rate) {
                2
            } else {
                1
            };
            for c in 0..copies {
                let (mut a, b) = (a.clone(), b.clone());
                if copies == JACKPOT_COPIES {
                    // The PCR error: base 60 of read 1 changed in every copy.
                    let mut seq = a[1].clone().into_bytes();
                    seq[60] = match seq[60] {
                        b'A' => b'C',
                        b'C' => b'G',
                        b'G' => b'T',
                        _ => b'A',
                    };
                    a[1] = String::from_utf8_lossy(&seq).into_owned();
                }
                let rename = |l: &str, mate: &str| {
                    let base = l.trim_end().trim_end_matches(mate);
                    if c == 0 {
                        format!("{base}\n")
                    } else {
                        format!("{base}_d{c}\n")
                    }
                };
                let w = |w: &mut BufWriter<std::fs::File>, rec: &[String; 4], mate: &str| {
                    w.write_all(rename(&rec[0], mate).as_bytes())?;
                    w.write_all(rec[1].as_bytes())?;
                    w.write_all(b"+\n")?;
                    w.write_all(rec[3].as_bytes())
                };
                w(&mut w1, &a, "/1").map_err(io_error(r1))?;
                w(&mut w2, &b, "/2").map_err(io_error(r2))?;
            }
        }
    }
    w1.flush().map_err(io_error(r1))?;
    w2.flush().map_err(io_error(r2))?;
    Ok(jackpot)
}

/// The read offset of reference position `pos` in an alignment at `start` with `cigar`.
fn read_offset(start: u64, cigar: &str, pos: u64) -> Option<usize> {
    let (mut r, mut q) = (start, 0usize);
    let mut num = 0u64;
    for c in cigar.bytes() {
        if c.is_ascii_digit() {
            num = num * 10 + u64::from(c - b'0');
            continue;
        }
        let n = std::mem::take(&mut num);
        match c {
            b'M' | b'=' | b'X' => {
                if (r..r + n).contains(&pos) {
                    return Some(q + (pos - r) as usize);
                }
                r += n;
                q += n as usize;
            }
            b'I' | b'S' => q += n as usize,
            b'D' | b'N' => {
                if (r..r + n).contains(&pos) {
                    return None;
                }
                r += n;
            }
            _ => {}
        }
    }
    None
}

/// Moves a SAM stream from the window onto the assembly's chromosome (`offset` added to
/// every position), drops the `SA`/`XA` tags (window coordinates) and puts the
/// strand-specific artefact (at its position on the assembly) into reverse reads.
fn shift_sam(
    input: &Path,
    output: &Path,
    (assembly, offset): (&Assembly, u64),
    artefact: (u64, u8, u8),
    rng: &mut Rng,
) -> Result<(), SimulateError> {
    let r = BufReader::new(std::fs::File::open(input).map_err(io_error(input))?);
    let mut w = BufWriter::new(std::fs::File::create(output).map_err(io_error(output))?);
    for line in r.lines() {
        let line = line.map_err(io_error(input))?;
        let out = if line.starts_with("@SQ") {
            contig_header(assembly)
        } else if line.starts_with('@') {
            line
        } else {
            let mut f: Vec<String> = line.split('\t').map(str::to_owned).collect();
            if f.len() < 11 {
                continue;
            }
            let shift = |v: &str| {
                v.parse::<u64>().map_or(v.to_owned(), |p| {
                    if p > 0 {
                        (p + offset).to_string()
                    } else {
                        "0".into()
                    }
                })
            };
            if f[2] == "win" {
                f[2] = assembly.contig.into();
            }
            if f[6] == "win" {
                f[6] = assembly.contig.into();
            }
            f[3] = shift(&f[3]);
            f[7] = shift(&f[7]);
            let flags: u16 = f[1].parse().unwrap_or(0);
            if flags & 0x10 != 0 && flags & 0x4 == 0 {
                let start: u64 = f[3].parse().unwrap_or(0);
                if let Some(q) = read_offset(start, &f[5], artefact.0) {
                    let mut seq = f[9].clone().into_bytes();
                    if seq.get(q) == Some(&artefact.1) && rng.chance(STRAND_ARTEFACT_RATE) {
                        seq[q] = artefact.2;
                        f[9] = String::from_utf8_lossy(&seq).into_owned();
                    }
                }
            }
            f.retain(|t| !t.starts_with("SA:Z:") && !t.starts_with("XA:Z:"));
            f.join("\t")
        };
        writeln!(w, "{out}").map_err(io_error(output))?;
    }
    w.flush().map_err(io_error(output))
}

/// Makes the sample's BAM (and `.bai`) at `bam`; returns the jackpot error's position.
pub(super) fn sample_bam(spec: &SampleSpec, bam: &Path) -> Result<Option<u64>, SimulateError> {
    let name = &spec.sample.sample;
    let mut rng = Rng::derive(spec.seed, "art-sample");
    let (r1, r2) = (
        spec.work.join(format!("{name}_1.fq")),
        spec.work.join(format!("{name}_2.fq")),
    );
    let jackpot = reads(spec, &mut rng, &r1, &r2)?;
    let raw = spec.work.join(format!("{name}.raw.sam"));
    let file = std::fs::File::create(&raw).map_err(io_error(&raw))?;
    let status = Command::new("bwa")
        .args(["mem", "-t", "2", "-v", "1", "-R"])
        .arg(format!("@RG\\tID:{name}\\tSM:{name}"))
        .arg(spec.bwa_ref)
        .arg(&r1)
        .arg(&r2)
        .stdout(Stdio::from(file))
        .stderr(Stdio::null())
        .status()
        .map_err(|e| SimulateError::Tool {
            program: "bwa".into(),
            message: e.to_string(),
        })?;
    if !status.success() {
        return Err(SimulateError::Tool {
            program: "bwa".into(),
            message: format!("mem exited with {status}"),
        });
    }
    let shifted = spec.work.join(format!("{name}.sam"));
    let (pos, r, a) = spec.strand_artefact;
    shift_sam(
        &raw,
        &shifted,
        (&spec.assembly, spec.assembly.lift(spec.window.start() - 1)),
        (spec.assembly.lift(pos), r, a),
        &mut rng,
    )?;
    let tmp = spec.work.join(format!("{name}.sorttmp"));
    let script = format!(
        "samtools fixmate -m -u '{sam}' - | samtools sort -u -T '{tmp}' - | samtools markdup -u - - | samtools view -b -o '{bam}' - && samtools index '{bam}'",
        sam = shifted.display(),
        tmp = tmp.display(),
        bam = bam.display()
    );
    run(Command::new("bash").args(["-c", &format!("set -o pipefail; {script}")]))?;
    for f in [&r1, &r2, &raw, &shifted] {
        let _ = std::fs::remove_file(f);
    }
    // The jackpot's error position: where read 1 of the first copy aligned, plus 60.
    Ok(jackpot.and_then(|j| jackpot_position(bam, &j)))
}

/// Where base 60 of read 1 of the pair named `name` lies on the reference.
fn jackpot_position(bam: &Path, name: &str) -> Option<u64> {
    let out = Command::new("samtools")
        .arg("view")
        .arg(bam)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        let flags: u16 = f.get(1)?.parse().ok()?;
        if f[0] == name && flags & 0x40 != 0 && flags & 0x4 == 0 {
            let start: u64 = f[3].parse().ok()?;
            // Walk the CIGAR from the read's 5' end (base 60 of the stored or reversed read).
            let len = f[9].len();
            let q = if flags & 0x10 != 0 { len - 1 - 60 } else { 60 };
            return (start..start + 2 * len as u64)
                .find(|&p| read_offset(start, f[5], p) == Some(q));
        }
    }
    None
}
