//! Cohorts whose reads the project does not make: `art_illumina` (Illumina HiSeq 2500 error
//! profiles) simulates reads from haplotypes carrying the design's variants
//! ([`design`]), `bwa mem` aligns them, samtools marks duplicates, sorts and indexes — all
//! from Debian's packages (`art-nextgen-simulation-tools`, `bwa`, `samtools`). The
//! independent check of the calling model: its read errors, qualities and alignments
//! (indels near read ends as mismatches, soft clips) are not the project's own.
//!
//! Beside the variants, the reads carry what real runs do: 15 % (plasma) or 10 % (tissue)
//! PCR duplicates, a PCR jackpot (one molecule with an error copied 30 times) in every fourth
//! sample, a noisier run (qualities shifted down, ~3× the errors) for every third sample, and
//! a strand-specific error on the Y537C hotspot allele in every sample's reverse reads.
//! Formalin damage lies on one strand of each damaged molecule, so only the read pairs of
//! one orientation carry it (F1R2 for C>T, F2R1 for G>A), as in real FFPE libraries.
//!
//! A cohort is designed in GRCh38 and written on its [`Assembly`]: `chr6` of GRCh38, or
//! `6` of GRCh37 (every position moved by [`crate::reference::GRCH37_OFFSET`]).

pub mod design;
mod reads;
pub mod score;

use crate::error::{io_error, SimulateError};
use crate::reference::{self, Assembly, RefWindow};
use crate::scenario::reference_window;
use crate::sites::capture_targets;
use crate::tables::{samplesheet_line, SAMPLESHEET_HEADER};
use design::{design, strand_artefact_allele, ArtDepths, ArtPatient, ArtSample};
use esr1_science::esr1::Esr1Model;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What to simulate.
#[derive(Debug, Clone)]
pub struct ArtOptions {
    /// Output directory (created).
    pub out: PathBuf,
    /// Patients (≥ 2).
    pub patients: usize,
    /// Seed of the design, the reference and every program's random stream.
    pub seed: u64,
    /// Unique fragment depths.
    pub depths: ArtDepths,
    /// The chromosome the cohort is written on (designed in GRCh38, then moved).
    pub assembly: Assembly,
}

impl ArtOptions {
    /// `patients` patients at 3,000 unique plasma fragments and 400 tissue fragments.
    pub fn new(out: impl Into<PathBuf>, patients: usize, seed: u64) -> Self {
        Self {
            out: out.into(),
            patients,
            seed,
            depths: ArtDepths {
                cfdna: 3000,
                tumour: 400,
            },
            assembly: Assembly::GRCH38,
        }
    }
}

/// A simulated cohort: its files and design.
#[derive(Debug, Clone)]
pub struct ArtCohort {
    /// `samplesheet.csv`.
    pub samplesheet: PathBuf,
    /// The reference FASTA (BGZF, with `.fai` and `.gzi`).
    pub reference: PathBuf,
    /// `truth.tsv`: every patient × variant with its status and per-sample fractions.
    pub truth: PathBuf,
    /// The design, at positions of the cohort's assembly.
    pub patients: Vec<ArtPatient>,
    /// The allele with the strand-specific artefact `(pos, ref, alt)`, on the assembly.
    pub strand_artefact: (u64, u8, u8),
    /// `(sample, position)` of each PCR jackpot's error.
    pub jackpots: Vec<(String, u64)>,
}

/// The programs this needs, with the Debian package that provides each.
const TOOLS: [(&str, &str); 3] = [
    ("art_illumina", "art-nextgen-simulation-tools"),
    ("bwa", "bwa"),
    ("samtools", "samtools"),
];

/// Fails with the install step when a program is missing.
pub fn require_tools() -> Result<(), SimulateError> {
    for (program, package) in TOOLS {
        let found = std::env::var_os("PATH")
            .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(program).is_file()));
        if !found {
            return Err(SimulateError::Tool {
                program: program.into(),
                message: format!(
                    "not found on PATH; install Debian's package: apt-get install {package}"
                ),
            });
        }
    }
    Ok(())
}

/// Runs a program, failing with its stderr.
pub(crate) fn run(cmd: &mut Command) -> Result<(), SimulateError> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let out = cmd.output().map_err(|e| SimulateError::Tool {
        program: program.clone(),
        message: format!("could not start: {e}"),
    })?;
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let tail: Vec<&str> = stderr.lines().rev().take(5).collect();
    Err(SimulateError::Tool {
        program,
        message: format!(
            "exited with {}: {}",
            out.status,
            tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
        ),
    })
}

/// Writes the window as a one-record FASTA (`win`) and indexes it for bwa.
fn window_reference(window: &RefWindow, dir: &Path) -> Result<PathBuf, SimulateError> {
    let path = dir.join("window.fa");
    let mut text = String::from(">win\n");
    let seq: Vec<u8> = (window.start()..=window.end())
        .map(|p| window.base(p))
        .collect();
    for line in seq.chunks(60) {
        text.push_str(&String::from_utf8_lossy(line));
        text.push('\n');
    }
    std::fs::write(&path, text).map_err(io_error(&path))?;
    run(Command::new("bwa").arg("index").arg(&path))?;
    Ok(path)
}

/// Simulates the cohort into `opts.out`: `reference/`, `bams/`, `samplesheet.csv`,
/// `truth.tsv` (intermediate files under `work/` are removed).
pub fn simulate_art(opts: &ArtOptions) -> Result<ArtCohort, SimulateError> {
    require_tools()?;
    if opts.patients < 2 {
        return Err(SimulateError::Options("at least 2 patients".into()));
    }
    let model = Esr1Model::builtin();
    let window = reference_window(&model, opts.seed)?;
    let targets = capture_targets(&model)?;
    let mut patients = design(
        &model,
        &window,
        &targets,
        opts.patients,
        opts.depths,
        opts.seed,
    )?;
    let strand_artefact = strand_artefact_allele(&model)?;
    let assembly = opts.assembly;
    let (ref_dir, bam_dir, work) = (
        opts.out.join("reference"),
        opts.out.join("bams"),
        opts.out.join("work"),
    );
    for d in [&opts.out, &ref_dir, &bam_dir, &work] {
        std::fs::create_dir_all(d).map_err(io_error(d))?;
    }
    let ref_files = reference::write_reference_on(&ref_dir, &window.lifted(&assembly), &assembly)?;
    let bwa_ref = window_reference(&window, &work)?;
    let mut sheet = String::from(SAMPLESHEET_HEADER);
    let mut jackpots = Vec::new();
    for (i, p) in patients.iter().enumerate() {
        for (j, s) in p.samples.iter().enumerate() {
            let seed = opts
                .seed
                .wrapping_mul(1000)
                .wrapping_add((i * 10 + j) as u64);
            let spec = reads::SampleSpec {
                patient: p,
                sample: s,
                window: &window,
                targets: &targets,
                bwa_ref: &bwa_ref,
                work: &work,
                strand_artefact,
                assembly,
                seed,
            };
            let bam = bam_dir.join(format!("{}.bam", s.sample));
            if let Some(pos) = reads::sample_bam(&spec, &bam)? {
                jackpots.push((s.sample.clone(), pos));
            }
            let rel = PathBuf::from(format!("bams/{}.bam", s.sample));
            sheet.push_str(&samplesheet_line(
                &p.patient,
                &p.therapy,
                (&s.sample, s.day, s.material),
                &rel,
                &rel.with_extension("bam.bai"),
            ));
        }
    }
    // The design on the cohort's assembly, for the truth table and the scorer.
    for v in patients.iter_mut().flat_map(|p| p.variants.iter_mut()) {
        v.pos = assembly.lift(v.pos);
    }
    let samplesheet = opts.out.join("samplesheet.csv");
    std::fs::write(&samplesheet, sheet).map_err(io_error(&samplesheet))?;
    let truth = opts.out.join("truth.tsv");
    std::fs::write(&truth, truth_text(&patients, &assembly)).map_err(io_error(&truth))?;
    std::fs::remove_dir_all(&work).map_err(io_error(&work))?;
    Ok(ArtCohort {
        samplesheet,
        reference: ref_files.fasta,
        truth,
        patients,
        strand_artefact: (
            assembly.lift(strand_artefact.0),
            strand_artefact.1,
            strand_artefact.2,
        ),
        jackpots,
    })
}

/// `truth.tsv`: patient, pos, ref, alt, label, kind, status, then `sample:vaf` pairs.
fn truth_text(patients: &[ArtPatient], assembly: &Assembly) -> String {
    let mut s = String::from("patient\tchrom\tpos\tref\talt\tlabel\tkind\tstatus\tvafs\n");
    for p in patients {
        for (k, v) in p.variants.iter().enumerate() {
            let vafs: Vec<String> = p
                .samples
                .iter()
                .map(|smp: &ArtSample| format!("{}:{}", smp.sample, smp.vafs[k]))
                .collect();
            s.push_str(&format!(
                "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
                p.patient,
                assembly.contig,
                v.pos,
                v.ref_allele,
                v.alt_allele,
                v.label,
                v.kind.as_str(),
                v.status.map_or("none", |s| s.as_str()),
                vafs.join(",")
            ));
        }
    }
    s
}

/// The header line of the whole chromosome the reads are shifted onto.
pub(crate) fn contig_header(assembly: &Assembly) -> String {
    format!("@SQ\tSN:{}\tLN:{}", assembly.contig, assembly.len)
}
