//! A synthetic ESR1 cohort with known truth: reference, indexed BAMs, samplesheet and truth
//! tables (calls, per-patient statuses, cohort frequencies), deterministic for a given seed.
//!
//! The default scenario has fixed roles for the first seven patients (acquired D538G,
//! polyclonal Y537S + E380Q, pre-existing Y537N, a too-shallow baseline, a tamoxifen Y537C and
//! two patients without somatic mutations) and random patients after them; the accuracy
//! scenario ([`Scenario::Accuracy`]) spreads single low-VAF hotspot mutations evenly over a
//! list of allele fractions. Optional position-specific artefacts ([`artefacts`]) add the
//! recurrent errors a cohort background model has to remove.

pub mod accuracy;
pub mod artefacts;
pub mod reads;
pub mod reference;
pub mod rng;

use artefacts::ArtefactSite;
use esr1_proto::Material;
use esr1_science::cohort::{cohort_frequencies, FrequencyRow, PatientOutcome, VariantStatus};
use esr1_science::esr1::{Build, Esr1Model, CDS_MRNA_END, CDS_MRNA_START};
use reads::{SampleAllele, SampleReads};
use reference::{RefWindow, CONTIG};
use rng::Rng;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Baseline fragment depth below which a later-only mutation is indeterminate.
pub const MIN_BASELINE_DEPTH: u32 = 100;
/// Fragment depth of tumour samples before scaling.
pub const TUMOR_DEPTH: f64 = 700.0;
/// Fragment depth of cfDNA samples before scaling.
pub const CFDNA_DEPTH: f64 = 3000.0;
/// The (unscaled) baseline depth of P04.
pub const SHALLOW_BASELINE_DEPTH: u32 = 15;
/// Padding on each side of the exon 5, 7 and 8 capture targets.
pub const TARGET_PADDING: u64 = 60;

/// What to simulate and where.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulateOptions {
    /// Output directory (created if missing).
    pub out: PathBuf,
    /// Number of patients (roles: at least 7; accuracy: at least one per VAF).
    pub patients: usize,
    /// Seed of every random draw.
    pub seed: u64,
    /// Multiplies every depth (except P04's deliberately shallow baseline).
    pub depth_scale: f64,
    /// BAM (+ BAI) or CRAM (+ CRAI) alignment files.
    pub format: AlignmentFormat,
    /// Position-specific artefacts in every sample (and a deamination-like C>T / G>A
    /// background), written to `truth_artefacts.tsv`; off by default.
    pub artefacts: bool,
    /// Which patients and samples to simulate.
    pub scenario: Scenario,
}

/// Which cohort to simulate.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Scenario {
    /// Seven fixed-role patients (tumour T0, T1 and cfDNA C1 each), then random ones.
    #[default]
    Roles,
    /// Per patient a baseline cfDNA sample (`C0`) without somatic mutations and a later one
    /// (`C1`) at the same depth; every fifth patient also a normal (`N`). Later samples carry
    /// one hotspot mutation each, with the same number of mutations at every VAF in `vafs`;
    /// the other patients (about one in six) carry none.
    Accuracy {
        /// Fragment depth of every sample (before `depth_scale`).
        cfdna_depth: u32,
        /// The allele fractions of the later samples' mutations.
        vafs: Vec<f64>,
    },
}

/// The allele fractions of the default accuracy scenario.
pub const ACCURACY_VAFS: [f64; 6] = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05];
/// The cfDNA fragment depth of the default accuracy scenario.
pub const ACCURACY_DEPTH: u32 = 4000;

impl Scenario {
    /// The accuracy scenario with the default depth and allele fractions.
    pub fn accuracy() -> Self {
        Self::Accuracy {
            cfdna_depth: ACCURACY_DEPTH,
            vafs: ACCURACY_VAFS.to_vec(),
        }
    }
}

/// The alignment file format written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AlignmentFormat {
    /// BAM with a BAI index.
    #[default]
    Bam,
    /// CRAM 3 (reference-based, against the simulated reference) with a CRAI index.
    Cram,
}

impl std::str::FromStr for AlignmentFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "bam" => Ok(Self::Bam),
            "cram" => Ok(Self::Cram),
            other => Err(format!("unknown format '{other}', expected bam or cram")),
        }
    }
}

impl SimulateOptions {
    /// Default options writing to `out`: 12 patients, seed 1, full depth.
    pub fn new(out: impl Into<PathBuf>) -> Self {
        Self {
            out: out.into(),
            patients: 12,
            seed: 1,
            depth_scale: 1.0,
            format: AlignmentFormat::Bam,
            artefacts: false,
            scenario: Scenario::Roles,
        }
    }
}

impl Default for SimulateOptions {
    fn default() -> Self {
        Self::new("simulated-cohort")
    }
}

/// Why a simulation failed.
#[derive(Debug, thiserror::Error)]
pub enum SimulateError {
    /// Reading or writing a file failed.
    #[error("I/O error on {}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// The options are out of range.
    #[error("invalid simulation options: {0}")]
    Options(String),
    /// The built-in model does not support the simulation (a build defect).
    #[error("ESR1 model: {0}")]
    Model(String),
    /// Building a BAM index failed.
    #[error("indexing {}: {message}", path.display())]
    Index {
        /// The BAM being indexed.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

/// Maps an I/O error to [`SimulateError::Io`] naming `path` (allocates only on error).
pub(crate) fn io_error(path: &Path) -> impl FnOnce(io::Error) -> SimulateError + '_ {
    move |source| SimulateError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Somatic or germline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VariantKind {
    /// Tumour-specific.
    Somatic,
    /// Inherited (present at 50 % or 100 % in every sample).
    Germline,
}

impl VariantKind {
    /// The spelling in `truth_calls.tsv`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Somatic => "somatic",
            Self::Germline => "germline",
        }
    }
}

/// One simulated sample.
#[derive(Debug, Clone, PartialEq)]
pub struct TruthSample {
    /// Sample id (`P01_T0`, `P01_T1`, `P01_C1`).
    pub sample: String,
    /// Days relative to therapy start.
    pub day: i64,
    /// Tumour or cfDNA.
    pub material: Material,
    /// Target fragment depth.
    pub depth: u32,
    /// The BAM, relative to the output directory.
    pub alignments: PathBuf,
    /// The BAI, relative to the output directory.
    pub index: PathBuf,
}

/// One true variant of one patient, with its allele fraction in each sample.
#[derive(Debug, Clone, PartialEq)]
pub struct TruthVariant {
    /// GRCh38 position on chr6.
    pub pos: u64,
    /// Reference base.
    pub ref_base: char,
    /// Alternate base.
    pub alt_base: char,
    /// Protein change when in the CDS (`Y537S`, `S57=`).
    pub protein: Option<String>,
    /// Hotspot name, for somatic hotspot mutations.
    pub hotspot: Option<String>,
    /// Somatic or germline.
    pub kind: VariantKind,
    /// True patient-level status.
    pub status: VariantStatus,
    /// Allele fraction in the patient's samples, in [`TruthPatient::samples`] order.
    pub vaf: Vec<f64>,
}

impl TruthVariant {
    /// The name used in cohort outcomes: hotspot name, else protein change.
    pub fn name(&self) -> Option<String> {
        self.hotspot.clone().or_else(|| self.protein.clone())
    }
}

/// One simulated patient with samples and true variants.
#[derive(Debug, Clone, PartialEq)]
pub struct TruthPatient {
    /// Patient id (`P01` …).
    pub patient: String,
    /// Therapy arm (`AI` or `tamoxifen`).
    pub therapy: String,
    /// Baseline tumour, progression tumour, progression cfDNA.
    pub samples: Vec<TruthSample>,
    /// True variants sorted by position.
    pub variants: Vec<TruthVariant>,
}

impl TruthPatient {
    /// The patient as the frequency table sees it.
    pub fn outcome(&self) -> PatientOutcome {
        PatientOutcome {
            patient: self.patient.clone(),
            therapy: self.therapy.clone(),
            has_baseline_and_later: true,
            variants: self.variants.iter().map(|v| (v.name(), v.status)).collect(),
        }
    }

    /// The variant at a position, if any.
    pub fn variant_at(&self, pos: u64) -> Option<&TruthVariant> {
        self.variants.iter().find(|v| v.pos == pos)
    }
}

/// The files and truth of a simulated cohort.
#[derive(Debug, Clone)]
pub struct SimulatedCohort {
    /// `samplesheet.csv` (paths relative to it).
    pub samplesheet: PathBuf,
    /// `reference/chr6_esr1.fa.gz` (with `.fai` and `.gzi`).
    pub reference: PathBuf,
    /// `truth_calls.tsv`.
    pub truth_calls: PathBuf,
    /// `truth_patients.tsv`.
    pub truth_patients: PathBuf,
    /// `truth_frequencies.tsv`.
    pub truth_frequencies: PathBuf,
    /// The truth frequency rows (as in `truth_frequencies.tsv`).
    pub frequencies: Vec<FrequencyRow>,
    /// Patients with samples and true variants.
    pub patients: Vec<TruthPatient>,
    /// Capture targets (1-based inclusive, chr6).
    pub targets: Vec<(u64, u64)>,
    /// Per-sample read counts, in samplesheet order.
    pub bam_stats: Vec<(String, reads::BamStats)>,
    /// The artefact sites (empty unless artefacts are on).
    pub artefacts: Vec<ArtefactSite>,
    /// `truth_artefacts.tsv`, when artefacts are on.
    pub truth_artefacts: Option<PathBuf>,
}

fn model_error(msg: impl Into<String>) -> SimulateError {
    SimulateError::Model(msg.into())
}

fn genomic(model: &Esr1Model, mrna_pos: u64) -> Result<u64, SimulateError> {
    model
        .mrna_to_genomic(Build::Grch38, mrna_pos)
        .ok_or_else(|| model_error(format!("mRNA position {mrna_pos} is not placed on GRCh38")))
}

fn exon_span(model: &Esr1Model, number: u32) -> Result<(u64, u64), SimulateError> {
    model
        .exons
        .iter()
        .find(|e| e.number == number)
        .and_then(|e| e.span(Build::Grch38))
        .ok_or_else(|| model_error(format!("exon {number} is not placed on GRCh38")))
}

/// The capture targets (1-based inclusive, chr6, sorted): ~300 bp of exon 1's CDS, and the
/// CDS parts of exons 5, 7 and 8 (exon 8 up to the stop codon) with 60 bp padding.
pub fn capture_targets(model: &Esr1Model) -> Result<Vec<(u64, u64)>, SimulateError> {
    let exon1 = (
        genomic(model, CDS_MRNA_START + 120)?,
        genomic(model, CDS_MRNA_START + 419)?,
    );
    let (e5s, e5e) = exon_span(model, 5)?;
    let (e7s, e7e) = exon_span(model, 7)?;
    let (e8s, _) = exon_span(model, 8)?;
    let stop = genomic(model, CDS_MRNA_END)?;
    Ok(vec![
        exon1,
        (e5s - TARGET_PADDING, e5e + TARGET_PADDING),
        (e7s - TARGET_PADDING, e7e + TARGET_PADDING),
        (e8s - TARGET_PADDING, stop + TARGET_PADDING),
    ])
}

/// A germline SNP site.
#[derive(Debug, Clone, PartialEq)]
struct GermlineSite {
    pos: u64,
    ref_base: u8,
    alt_base: u8,
    protein: Option<String>,
}

fn transition(b: u8) -> u8 {
    match b {
        b'A' => b'G',
        b'G' => b'A',
        b'C' => b'T',
        _ => b'C',
    }
}

/// The fixed germline SNP sites: eight positions inside the targets, none at a hotspot
/// position or in a hotspot codon. Coding sites sit at third codon positions with a
/// synonymous alternate (as most common exonic ESR1 SNPs are); the rest are intronic or 3' UTR.
fn germline_sites(
    model: &Esr1Model,
    window: &RefWindow,
) -> Result<Vec<GermlineSite>, SimulateError> {
    let (e5s, _) = exon_span(model, 5)?;
    let (_, e7e) = exon_span(model, 7)?;
    let positions = [
        genomic(model, 402)?,
        genomic(model, 561)?,
        e5s - 25,
        genomic(model, 1422)?,
        genomic(model, 1704)?,
        e7e + 30,
        genomic(model, 1902)?,
        genomic(model, CDS_MRNA_END + 25)?,
    ];
    let protein = |pos: u64, r: u8, a: u8| {
        model.protein_change(
            Build::Grch38,
            pos,
            &char::from(r).to_string(),
            &char::from(a).to_string(),
        )
    };
    Ok(positions
        .iter()
        .map(|&pos| {
            let ref_base = window.base(pos);
            let candidates = [transition(ref_base)]
                .into_iter()
                .chain(b"ACGT".iter().copied().filter(|&b| b != ref_base));
            let mut alt_base = transition(ref_base);
            for c in candidates {
                if protein(pos, ref_base, c).is_some_and(|p| p.ends_with('=')) {
                    alt_base = c;
                    break;
                }
            }
            GermlineSite {
                pos,
                ref_base,
                alt_base,
                protein: protein(pos, ref_base, alt_base),
            }
        })
        .collect())
}

/// One fixed-role patient: therapy and somatic (hotspot, T0, T1, C1 allele fractions).
struct Role {
    therapy: &'static str,
    somatic: &'static [(&'static str, f64, f64, f64)],
}

const ARM_AI: &str = "AI";
const ARM_TAMOXIFEN: &str = "tamoxifen";

const FIXED_ROLES: [Role; 7] = [
    Role {
        therapy: ARM_AI,
        somatic: &[("D538G", 0.0, 0.25, 0.03)],
    },
    Role {
        therapy: ARM_AI,
        somatic: &[("Y537S", 0.0, 0.20, 0.02), ("E380Q", 0.0, 0.10, 0.015)],
    },
    Role {
        therapy: ARM_AI,
        somatic: &[("Y537N", 0.08, 0.30, 0.04)],
    },
    Role {
        therapy: ARM_AI,
        somatic: &[("L536H", 0.0, 0.12, 0.01)],
    },
    Role {
        therapy: ARM_TAMOXIFEN,
        somatic: &[("Y537C", 0.0, 0.15, 0.008)],
    },
    Role {
        therapy: ARM_AI,
        somatic: &[],
    },
    Role {
        therapy: ARM_TAMOXIFEN,
        somatic: &[],
    },
];

/// A VAF rounded to 4 decimals, so the truth file states exactly what was simulated.
fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn scaled_depth(depth: f64, scale: f64) -> u32 {
    ((depth * scale).round() as u32).max(1)
}

fn validate(opts: &SimulateOptions) -> Result<(), SimulateError> {
    if let Scenario::Accuracy { cfdna_depth, vafs } = &opts.scenario {
        accuracy::validate(opts.patients, *cfdna_depth, vafs)?;
    } else if opts.patients < FIXED_ROLES.len() {
        return Err(SimulateError::Options(format!(
            "at least {} patients are needed for the fixed roles, got {}",
            FIXED_ROLES.len(),
            opts.patients
        )));
    }
    if opts.patients > 999 {
        return Err(SimulateError::Options(format!(
            "at most 999 patients, got {}",
            opts.patients
        )));
    }
    if !(opts.depth_scale.is_finite() && opts.depth_scale > 0.0 && opts.depth_scale <= 100.0) {
        return Err(SimulateError::Options(format!(
            "depth_scale must be in (0, 100], got {}",
            opts.depth_scale
        )));
    }
    Ok(())
}

/// The per-seed streams: the reference window and the scenario use their own.
fn reference_window(model: &Esr1Model, seed: u64) -> Result<RefWindow, SimulateError> {
    reference::build_window(model, &mut Rng::derive(seed, "reference"))
}

/// Builds the scenario (patients, samples, variants and statuses) without writing anything.
pub fn scenario(opts: &SimulateOptions) -> Result<Vec<TruthPatient>, SimulateError> {
    validate(opts)?;
    let model = Esr1Model::builtin();
    let window = reference_window(&model, opts.seed)?;
    build_scenario(opts, &model, &window)
}

/// The scenario `opts` asks for.
fn build_scenario(
    opts: &SimulateOptions,
    model: &Esr1Model,
    window: &RefWindow,
) -> Result<Vec<TruthPatient>, SimulateError> {
    match &opts.scenario {
        Scenario::Roles => build_roles(opts, model, window),
        Scenario::Accuracy { cfdna_depth, vafs } => accuracy::build(
            opts,
            scaled_depth(f64::from(*cfdna_depth), opts.depth_scale),
            vafs,
            model,
            &germline_sites(model, window)?,
        ),
    }
}

/// `n` distinct heterozygous germline sites of `n_sites`.
fn choose_sites(rng: &mut Rng, n: usize, n_sites: usize, taken: &[usize]) -> Vec<usize> {
    let mut chosen: Vec<usize> = Vec::new();
    while chosen.len() < n.min(n_sites.saturating_sub(taken.len())) {
        let k = rng.index(n_sites);
        if !chosen.contains(&k) && !taken.contains(&k) {
            chosen.push(k);
        }
    }
    chosen
}

/// A germline SNP at `vaf` in all `n_samples` samples.
fn germline_variant(site: &GermlineSite, vaf: f64, n_samples: usize) -> TruthVariant {
    TruthVariant {
        pos: site.pos,
        ref_base: char::from(site.ref_base),
        alt_base: char::from(site.alt_base),
        protein: site.protein.clone(),
        hotspot: None,
        kind: VariantKind::Germline,
        status: VariantStatus::Germline,
        vaf: vec![vaf; n_samples],
    }
}

/// A somatic hotspot mutation with its status and per-sample allele fractions.
fn hotspot_variant(
    model: &Esr1Model,
    h: usize,
    status: VariantStatus,
    vaf: Vec<f64>,
) -> Result<TruthVariant, SimulateError> {
    let hs = model
        .hotspots
        .get(h)
        .ok_or_else(|| model_error(format!("no hotspot number {h}")))?;
    let pos = hs.grch38_pos;
    Ok(TruthVariant {
        pos,
        ref_base: hs.ref_base,
        alt_base: hs.alt_base,
        protein: model.protein_change(
            Build::Grch38,
            pos,
            &hs.ref_base.to_string(),
            &hs.alt_base.to_string(),
        ),
        hotspot: Some(hs.name.clone()),
        kind: VariantKind::Somatic,
        status,
        vaf,
    })
}

/// A sample with its file names.
fn truth_sample(
    format: AlignmentFormat,
    id: String,
    day: i64,
    material: Material,
    depth: u32,
) -> TruthSample {
    let (ext, ix) = match format {
        AlignmentFormat::Bam => ("bam", "bam.bai"),
        AlignmentFormat::Cram => ("cram", "cram.crai"),
    };
    TruthSample {
        alignments: PathBuf::from(format!("bams/{id}.{ext}")),
        index: PathBuf::from(format!("bams/{id}.{ix}")),
        sample: id,
        day,
        material,
        depth,
    }
}

fn build_roles(
    opts: &SimulateOptions,
    model: &Esr1Model,
    window: &RefWindow,
) -> Result<Vec<TruthPatient>, SimulateError> {
    let sites = germline_sites(model, window)?;
    let mut rng = Rng::derive(opts.seed, "scenario");
    let mut patients = Vec::with_capacity(opts.patients);
    for i in 0..opts.patients {
        let patient = format!("P{:02}", i + 1);
        let day_t0 = rng.range_i64(-30, 0);
        let day_t1 = rng.range_i64(180, 720);
        let day_c1 = day_t1 + rng.range_i64(-7, 7);

        // Germline: 1–2 heterozygous SNPs; P06 also one homozygous SNP.
        let n_het = 1 + rng.index(2);
        let chosen = choose_sites(&mut rng, n_het, sites.len(), &[]);
        let hom = if i == 5 {
            choose_sites(&mut rng, 1, sites.len(), &chosen)
                .first()
                .copied()
        } else {
            None
        };

        // Somatic: fixed roles, then random patients.
        let (therapy, somatic): (String, Vec<(usize, [f64; 3])>) = if let Some(role) =
            FIXED_ROLES.get(i)
        {
            let mut v = Vec::new();
            for &(name, t0, t1, c1) in role.somatic {
                let h = model
                    .hotspots
                    .iter()
                    .position(|h| h.name == name)
                    .ok_or_else(|| model_error(format!("hotspot {name} is not in the model")))?;
                v.push((h, [t0, t1, c1]));
            }
            (role.therapy.to_owned(), v)
        } else {
            let ai = rng.chance(2.0 / 3.0);
            let p_acquire = if ai { 0.45 } else { 0.12 };
            let mut v: Vec<(usize, [f64; 3])> = Vec::new();
            if rng.chance(p_acquire) {
                let n = if rng.chance(0.3) { 2 } else { 1 };
                while v.len() < n {
                    let h = rng.index(model.hotspots.len());
                    let pos = model.hotspots[h].grch38_pos;
                    if v.iter().any(|(o, _)| model.hotspots[*o].grch38_pos == pos) {
                        continue;
                    }
                    let t1 = round4(rng.uniform(0.05, 0.40));
                    let c1 = round4(rng.uniform(0.005, 0.05));
                    v.push((h, [0.0, t1, c1]));
                }
            }
            let arm = if ai { ARM_AI } else { ARM_TAMOXIFEN };
            (arm.to_owned(), v)
        };

        let t0_depth = if i == 3 {
            SHALLOW_BASELINE_DEPTH
        } else {
            scaled_depth(TUMOR_DEPTH, opts.depth_scale)
        };
        let sample = |suffix: &str, day: i64, material: Material, depth: u32| {
            truth_sample(
                opts.format,
                format!("{patient}_{suffix}"),
                day,
                material,
                depth,
            )
        };
        let samples = vec![
            sample("T0", day_t0, Material::Tumor, t0_depth),
            sample(
                "T1",
                day_t1,
                Material::Tumor,
                scaled_depth(TUMOR_DEPTH, opts.depth_scale),
            ),
            sample(
                "C1",
                day_c1,
                Material::Cfdna,
                scaled_depth(CFDNA_DEPTH, opts.depth_scale),
            ),
        ];

        let mut variants = Vec::new();
        for (h, vaf) in somatic {
            let status = if vaf[0] > 0.0 {
                VariantStatus::PreExisting
            } else {
                later_status(t0_depth)
            };
            variants.push(hotspot_variant(model, h, status, vaf.to_vec())?);
        }
        let germline = chosen
            .iter()
            .map(|&k| (k, 0.5))
            .chain(hom.map(|k| (k, 1.0)));
        for (k, vaf) in germline {
            variants.push(germline_variant(&sites[k], vaf, samples.len()));
        }
        variants.sort_by_key(|v| v.pos);
        patients.push(TruthPatient {
            patient,
            therapy,
            samples,
            variants,
        });
    }
    Ok(patients)
}

/// The status of a mutation absent from a baseline of `baseline_depth` and present later.
fn later_status(baseline_depth: u32) -> VariantStatus {
    if baseline_depth >= MIN_BASELINE_DEPTH {
        VariantStatus::Acquired
    } else {
        VariantStatus::Indeterminate
    }
}

fn write_text(path: &Path, text: &str) -> Result<(), SimulateError> {
    std::fs::write(path, text).map_err(io_error(path))
}

fn samplesheet_text(patients: &[TruthPatient]) -> String {
    let mut s = String::from("patient,sample,day,material,therapy,alignments,index\n");
    for p in patients {
        for smp in &p.samples {
            s.push_str(&format!(
                "{},{},{},{},{},{},{}\n",
                p.patient,
                smp.sample,
                smp.day,
                smp.material.as_str(),
                p.therapy,
                smp.alignments.display(),
                smp.index.display()
            ));
        }
    }
    s
}

fn truth_calls_text(patients: &[TruthPatient]) -> String {
    let mut s = String::from("sample\tpatient\tchrom\tpos\tref\talt\tprotein\tvaf\tdepth\tkind\n");
    for p in patients {
        for (j, smp) in p.samples.iter().enumerate() {
            for v in &p.variants {
                let vaf = v.vaf.get(j).copied().unwrap_or(0.0);
                if vaf <= 0.0 {
                    continue;
                }
                s.push_str(&format!(
                    "{}\t{}\t{CONTIG}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
                    smp.sample,
                    p.patient,
                    v.pos,
                    v.ref_base,
                    v.alt_base,
                    v.protein.as_deref().unwrap_or(""),
                    vaf,
                    smp.depth,
                    v.kind.as_str()
                ));
            }
        }
    }
    s
}

fn truth_patients_text(patients: &[TruthPatient]) -> String {
    let mut s = String::from("patient\ttherapy\tchrom\tpos\tref\talt\tprotein\tstatus\n");
    for p in patients {
        for v in &p.variants {
            s.push_str(&format!(
                "{}\t{}\t{CONTIG}\t{}\t{}\t{}\t{}\t{}\n",
                p.patient,
                p.therapy,
                v.pos,
                v.ref_base,
                v.alt_base,
                v.protein.as_deref().unwrap_or(""),
                v.status.as_str()
            ));
        }
    }
    s
}

/// The truth frequency table: all hotspot names of the model, in table order.
pub fn truth_frequencies(model: &Esr1Model, patients: &[TruthPatient]) -> Vec<FrequencyRow> {
    let outcomes: Vec<PatientOutcome> = patients.iter().map(TruthPatient::outcome).collect();
    let names: Vec<String> = model.hotspots.iter().map(|h| h.name.clone()).collect();
    cohort_frequencies(&outcomes, &names)
}

/// Simulates the cohort into `opts.out`.
pub fn simulate(opts: &SimulateOptions) -> Result<SimulatedCohort, SimulateError> {
    validate(opts)?;
    let model = Esr1Model::builtin();
    let window = reference_window(&model, opts.seed)?;
    let patients = build_scenario(opts, &model, &window)?;
    let targets = capture_targets(&model)?;
    let artefact_sites = if opts.artefacts {
        artefacts::artefact_sites(&model, &window)?
    } else {
        Vec::new()
    };
    let deamination = if opts.artefacts {
        reads::DEAMINATION_RATE
    } else {
        0.0
    };

    let out = &opts.out;
    let ref_dir = out.join("reference");
    let bam_dir = out.join("bams");
    for dir in [out, &ref_dir, &bam_dir] {
        std::fs::create_dir_all(dir).map_err(io_error(dir))?;
    }
    let ref_files = reference::write_reference(&ref_dir, &window)?;

    // CRAM needs the whole contig as its reference (noodles addresses it by position).
    let cram_reference =
        (opts.format == AlignmentFormat::Cram).then(|| reads::full_contig_repository(&window));

    // BAMs: one job per sample, each with its own random stream, run on a few threads.
    let jobs: Vec<(&TruthPatient, &TruthSample, usize)> = patients
        .iter()
        .flat_map(|p| p.samples.iter().enumerate().map(move |(j, s)| (p, s, j)))
        .collect();
    let results: Mutex<Vec<Option<Result<reads::BamStats, SimulateError>>>> =
        Mutex::new((0..jobs.len()).map(|_| None).collect());
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 4);
    let rates: Vec<(String, Vec<f64>)> = jobs
        .iter()
        .map(|(_, smp, _)| {
            let r = artefacts::sample_rates(opts.seed, &smp.sample, &artefact_sites);
            (smp.sample.clone(), r)
        })
        .collect();
    let run_job = |k: usize| {
        let (p, smp, j) = jobs[k];
        let (artefact_alleles, read_artefacts) =
            artefacts::sample_artefacts(&artefact_sites, &rates[k].1);
        let alleles = p
            .variants
            .iter()
            .filter_map(|v| {
                let vaf = v.vaf.get(j).copied().unwrap_or(0.0);
                (vaf > 0.0).then_some(SampleAllele {
                    pos: v.pos,
                    alt: v.alt_base as u8,
                    vaf,
                })
            })
            .chain(artefact_alleles)
            .collect();
        let spec = SampleReads {
            sample: &smp.sample,
            material: smp.material,
            depth: smp.depth,
            alleles,
            targets: &targets,
            artefacts: read_artefacts,
            deamination,
            // Accuracy cohorts are large; the default cohort keeps its files byte for byte.
            fast_compression: matches!(opts.scenario, Scenario::Accuracy { .. }),
        };
        let mut rng = Rng::derive(opts.seed, &format!("reads:{}", smp.sample));
        match &cram_reference {
            None => reads::write_sample_bam(
                &spec,
                &window,
                &mut rng,
                &out.join(&smp.alignments),
                &out.join(&smp.index),
            ),
            Some(repository) => {
                let bam = out.join(format!("bams/.{}.tmp.bam", smp.sample));
                let bai = out.join(format!("bams/.{}.tmp.bam.bai", smp.sample));
                let stats = reads::write_sample_bam(&spec, &window, &mut rng, &bam, &bai)?;
                reads::bam_to_cram(
                    &bam,
                    &out.join(&smp.alignments),
                    &out.join(&smp.index),
                    repository,
                )?;
                let _ = std::fs::remove_file(&bam);
                let _ = std::fs::remove_file(&bai);
                Ok(stats)
            }
        }
    };
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                if k >= jobs.len() {
                    break;
                }
                let r = run_job(k);
                if let Ok(mut slots) = results.lock() {
                    slots[k] = Some(r);
                }
            });
        }
    });
    let slots = results
        .into_inner()
        .map_err(|_| model_error("a BAM-writing thread panicked"))?;
    let mut bam_stats = Vec::with_capacity(jobs.len());
    for ((_, smp, _), slot) in jobs.iter().zip(slots) {
        let stats =
            slot.ok_or_else(|| model_error(format!("{} was not simulated", smp.sample)))??;
        bam_stats.push((smp.sample.clone(), stats));
    }

    let samplesheet = out.join("samplesheet.csv");
    write_text(&samplesheet, &samplesheet_text(&patients))?;
    let truth_calls = out.join("truth_calls.tsv");
    write_text(&truth_calls, &truth_calls_text(&patients))?;
    let truth_patients = out.join("truth_patients.tsv");
    write_text(&truth_patients, &truth_patients_text(&patients))?;
    let frequencies = truth_frequencies(&model, &patients);
    let mut ftext = String::from(FrequencyRow::HEADER);
    ftext.push('\n');
    for row in &frequencies {
        ftext.push_str(&row.to_tsv());
        ftext.push('\n');
    }
    let truth_frequencies = out.join("truth_frequencies.tsv");
    write_text(&truth_frequencies, &ftext)?;
    let truth_artefacts = if opts.artefacts {
        let path = out.join("truth_artefacts.tsv");
        write_text(&path, &artefacts::truth_artefacts_text(&artefact_sites))?;
        let rates_path = out.join("truth_artefact_rates.tsv");
        write_text(
            &rates_path,
            &artefacts::truth_rates_text(&artefact_sites, &rates),
        )?;
        Some(path)
    } else {
        None
    };

    Ok(SimulatedCohort {
        samplesheet,
        reference: ref_files.fasta,
        truth_calls,
        truth_patients,
        truth_frequencies,
        frequencies,
        patients,
        targets,
        bam_stats,
        artefacts: artefact_sites,
        truth_artefacts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use noodles::bam;
    use noodles::core::Region;
    use noodles::sam::alignment::record::cigar::op::Kind;
    use noodles::sam::alignment::RecordBuf;
    use std::collections::BTreeMap;

    fn small(out: &Path, seed: u64, depth_scale: f64) -> SimulatedCohort {
        simulate(&SimulateOptions {
            format: AlignmentFormat::Bam,
            out: out.to_path_buf(),
            patients: 7,
            seed,
            depth_scale,
            artefacts: false,
            scenario: Scenario::Roles,
        })
        .expect("simulate")
    }

    fn bytes(p: &Path) -> Vec<u8> {
        std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    /// Every file under `dir`, relative, sorted.
    fn files(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).expect("read_dir") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    out.push(path.strip_prefix(dir).expect("prefix").to_path_buf());
                }
            }
        }
        out.sort();
        out
    }

    /// The read base aligned to `pos`, if the record covers it with an aligned base.
    fn base_at(record: &RecordBuf, pos: u64) -> Option<u8> {
        let j = query_at(record, pos)?;
        record.sequence().as_ref().get(j).copied()
    }

    /// The read (query) index aligned to `pos`, if the record covers it with an aligned base.
    fn query_at(record: &RecordBuf, pos: u64) -> Option<usize> {
        let start = record.alignment_start()?.get() as u64;
        reads::query_index(record.cigar().as_ref(), start, pos)
    }

    #[test]
    fn simulate_is_deterministic_per_seed() {
        let a = tempfile::tempdir().expect("tempdir");
        let b = tempfile::tempdir().expect("tempdir");
        let c = tempfile::tempdir().expect("tempdir");
        let ca = small(a.path(), 1, 0.1);
        small(b.path(), 1, 0.1);
        small(c.path(), 2, 0.1);
        let listed = files(a.path());
        assert_eq!(listed, files(b.path()));
        assert_eq!(listed.len(), 3 + 4 + 7 * 3 * 2, "{listed:?}");
        for f in &listed {
            assert!(
                bytes(&a.path().join(f)) == bytes(&b.path().join(f)),
                "{} differs",
                f.display()
            );
        }
        // Every sample's BAM and BAI exist where the samplesheet says.
        let sheet = std::fs::read_to_string(&ca.samplesheet).expect("samplesheet");
        let mut lines = sheet.lines();
        assert_eq!(
            lines.next(),
            Some("patient,sample,day,material,therapy,alignments,index")
        );
        for line in lines {
            let f: Vec<&str> = line.split(',').collect();
            assert_eq!(f.len(), 7);
            assert!(
                a.path().join(f[5]).is_file() && a.path().join(f[6]).is_file(),
                "{line}"
            );
            assert!(f[5].starts_with("bams/") && f[6].ends_with(".bam.bai"));
        }
        // Another seed gives other reads and other days.
        let bam = Path::new("bams/P01_T1.bam");
        assert_ne!(bytes(&a.path().join(bam)), bytes(&c.path().join(bam)));
        assert_ne!(
            bytes(&a.path().join("samplesheet.csv")),
            bytes(&c.path().join("samplesheet.csv"))
        );
    }

    #[test]
    fn simulate_bam_carries_d538g_at_its_vaf() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cohort = small(dir.path(), 1, 0.1);
        let bam_path = dir.path().join("bams/P01_T1.bam");

        // The on-the-fly BAI is the one noodles builds from the file.
        let built = bam::fs::index(&bam_path).expect("index");
        let written = bam::bai::fs::read(dir.path().join("bams/P01_T1.bam.bai")).expect("bai");
        let bam::Index::Bai(built) = built else {
            panic!("expected a BAI");
        };
        assert!(
            written == built,
            "the written BAI differs from noodles' own"
        );

        let mut reader = bam::io::indexed_reader::Builder::default()
            .build_from_path(&bam_path)
            .expect("indexed reader");
        let header = reader.read_header().expect("header");
        let text = format!("{header:?}");
        assert!(
            text.contains("coordinate") && text.contains("P01_T1"),
            "{text}"
        );
        let pos = 152_098_791;
        let region: Region = format!("chr6:{pos}-{pos}").parse().expect("region");
        let mut by_name: BTreeMap<String, u8> = BTreeMap::new();
        let mut seen = 0;
        for result in reader.query(&header, &region).expect("query").records() {
            let record = RecordBuf::try_from_alignment_record(&header, &result.expect("record"))
                .expect("convert");
            seen += 1;
            let mapq = record.mapping_quality().map_or(255, |m| m.get());
            if record.flags().is_duplicate() || mapq < 20 {
                continue;
            }
            if let Some(b) = base_at(&record, pos) {
                let name = record.name().map(|n| n.to_string()).unwrap_or_default();
                by_name.entry(name).or_insert(b);
            }
        }
        let n = by_name.len() as f64;
        let alt = by_name.values().filter(|&&b| b == b'G').count() as f64;
        let f = alt / n;
        let sd = (0.25 * 0.75 / n).sqrt();
        assert!(
            n >= 40.0,
            "only {n} fragments (of {seen} records) over D538"
        );
        assert!(
            (f - 0.25).abs() < 4.0 * sd + 0.03,
            "D538G fraction {f} over {n}"
        );

        // Duplicates and low-MAPQ reads exist, mates are paired, records are sorted.
        let mut reader = bam::io::reader::Builder
            .build_from_path(&bam_path)
            .expect("reader");
        let header = reader.read_header().expect("header");
        let (mut dups, mut low, mut total, mut clipped, mut indel) = (0u64, 0u64, 0u64, 0u64, 0u64);
        let mut last = 0;
        let mut mates: BTreeMap<String, u32> = BTreeMap::new();
        for result in reader.record_bufs(&header) {
            let r = result.expect("record");
            total += 1;
            let start = r.alignment_start().expect("start").get();
            assert!(start >= last, "unsorted");
            last = start;
            assert!(r.flags().is_properly_segmented() && r.template_length() != 0);
            assert_eq!(r.sequence().len(), r.quality_scores().len());
            dups += u64::from(r.flags().is_duplicate());
            low += u64::from(r.mapping_quality().is_some_and(|m| m.get() <= 10));
            let kinds: Vec<Kind> = r.cigar().as_ref().iter().map(|op| op.kind()).collect();
            clipped += u64::from(kinds.contains(&Kind::SoftClip));
            indel += u64::from(kinds.contains(&Kind::Insertion) || kinds.contains(&Kind::Deletion));
            *mates
                .entry(r.name().map(|n| n.to_string()).unwrap_or_default())
                .or_default() += 1;
        }
        assert!(dups > 0 && low > 0 && clipped > 0, "{dups} {low} {clipped}");
        assert!(mates.values().all(|&c| c == 2));
        let stats = cohort
            .bam_stats
            .iter()
            .find(|(s, _)| s == "P01_T1")
            .map(|(_, s)| *s)
            .expect("stats");
        assert_eq!(stats.records, total);
        assert!(indel <= total / 50, "{indel} indel reads of {total}");
    }

    #[test]
    fn simulate_truth_matches_the_scenario() {
        let model = Esr1Model::builtin();
        let full = scenario(&SimulateOptions::new("unused")).expect("scenario");
        assert_eq!(full.len(), 12);
        let status = |ps: &[TruthPatient], p: usize, name: &str| {
            ps[p]
                .variants
                .iter()
                .find(|v| v.hotspot.as_deref() == Some(name))
                .map(|v| v.status)
        };
        assert_eq!(status(&full, 0, "D538G"), Some(VariantStatus::Acquired));
        assert_eq!(status(&full, 2, "Y537N"), Some(VariantStatus::PreExisting));
        assert_eq!(
            status(&full, 3, "L536H"),
            Some(VariantStatus::Indeterminate)
        );
        assert_eq!(full[3].samples[0].depth, SHALLOW_BASELINE_DEPTH);
        let p02: Vec<&TruthVariant> = full[1]
            .variants
            .iter()
            .filter(|v| v.status == VariantStatus::Acquired)
            .collect();
        assert_eq!(p02.len(), 2);
        assert!(full[5].variants.iter().any(|v| v.vaf == vec![1.0; 3]));
        assert_eq!(
            (full[4].therapy.as_str(), full[6].therapy.as_str()),
            ("tamoxifen", "tamoxifen")
        );
        // Reference bases, targets and germline sites agree with the model.
        let window = reference_window(&model, 1).expect("window");
        let targets = capture_targets(&model).expect("targets");
        let total: u64 = targets.iter().map(|(s, e)| e - s + 1).sum();
        assert!(total <= 2_500, "{total} bp of targets");
        let hotspot_codons: Vec<u64> = model
            .hotspots
            .iter()
            .filter_map(|h| model.codon_of(Build::Grch38, h.grch38_pos).map(|c| c.0))
            .collect();
        for p in &full {
            assert!(p.samples[0].day <= 0 && p.samples[1].day >= 180);
            assert!(p.samples[2].day.abs_diff(p.samples[1].day) <= 7);
            let mut positions: Vec<u64> = p.variants.iter().map(|v| v.pos).collect();
            positions.dedup();
            assert_eq!(
                positions.len(),
                p.variants.len(),
                "{}: two variants at one position",
                p.patient
            );
            for v in &p.variants {
                assert_eq!(
                    window.base(v.pos),
                    v.ref_base as u8,
                    "{} {}",
                    p.patient,
                    v.pos
                );
                assert!(targets.iter().any(|(s, e)| (s..=e).contains(&&v.pos)));
                if v.kind == VariantKind::Germline {
                    assert!(model.hotspots.iter().all(|h| h.grch38_pos != v.pos));
                    if let Some((codon, _)) = model.codon_of(Build::Grch38, v.pos) {
                        assert!(!hotspot_codons.contains(&codon));
                        let protein = v.protein.as_deref().unwrap_or_default();
                        assert!(protein.ends_with('='), "{} {protein}", v.pos);
                    }
                } else {
                    assert_eq!(v.protein, v.hotspot);
                }
            }
        }
        // A baseline below 100× cannot rule out a later mutation.
        let shallow = scenario(&SimulateOptions {
            format: AlignmentFormat::Bam,
            depth_scale: 0.1,
            ..SimulateOptions::new("unused")
        })
        .expect("scenario");
        assert_eq!(
            status(&shallow, 0, "D538G"),
            Some(VariantStatus::Indeterminate)
        );

        // Files at a depth where baselines are powered (140×).
        let dir = tempfile::tempdir().expect("tempdir");
        let cohort = small(dir.path(), 1, 0.2);
        let freq = std::fs::read_to_string(&cohort.truth_frequencies).expect("frequencies");
        let mut lines = freq.lines();
        assert_eq!(lines.next(), Some(FrequencyRow::HEADER));
        let rows: Vec<&str> = lines.collect();
        // Cohort, arm and hotspot rows (other groups, such as polyclonality, may follow).
        let core = rows
            .iter()
            .filter(|r| {
                let group = r.split('\t').next().unwrap_or_default();
                group == "cohort" || group.starts_with("arm:") || group.starts_with("hotspot:")
            })
            .count();
        assert_eq!(core, 1 + 2 + model.hotspots.len());
        let counts = |group: &str| {
            let f: Vec<&str> = rows
                .iter()
                .find(|r| r.split('\t').next() == Some(group))
                .unwrap_or_else(|| panic!("no {group} row"))
                .split('\t')
                .collect();
            (f[1].to_owned(), f[2].to_owned())
        };
        // P04 is not evaluable (indeterminate only); P01, P02, P05 acquired.
        assert_eq!(counts("cohort"), ("6".into(), "3".into()));
        assert_eq!(counts("arm:AI"), ("4".into(), "2".into()));
        assert_eq!(counts("arm:tamoxifen"), ("2".into(), "1".into()));
        for (h, k) in [
            ("D538G", "1"),
            ("Y537S", "1"),
            ("E380Q", "1"),
            ("Y537C", "1"),
            ("Y537N", "0"),
            ("L536H", "0"),
        ] {
            assert_eq!(counts(&format!("hotspot:{h}")).1, k, "{h}");
        }
        let tsv: Vec<String> = cohort
            .frequencies
            .iter()
            .map(FrequencyRow::to_tsv)
            .collect();
        assert_eq!(rows, tsv);

        let patients = std::fs::read_to_string(&cohort.truth_patients).expect("patients");
        assert!(patients.contains("P04\tAI\tchr6\t152098785\tT\tA\tL536H\tindeterminate\n"));
        assert!(patients.contains("P03\tAI\tchr6\t152098787\tT\tA\tY537N\tpre-existing\n"));
        assert!(patients.contains("P02\tAI\tchr6\t152011697\tG\tC\tE380Q\tacquired\n"));
        assert!(patients.contains("P02\tAI\tchr6\t152098788\tA\tC\tY537S\tacquired\n"));
        let calls = std::fs::read_to_string(&cohort.truth_calls).expect("calls");
        assert!(calls.contains("P01_T1\tP01\tchr6\t152098791\tA\tG\tD538G\t0.25\t140\tsomatic\n"));
        assert!(calls.contains("P03_T0\tP03\tchr6\t152098787\tT\tA\tY537N\t0.08\t140\tsomatic\n"));
        assert!(!calls.contains("P01_T0\tP01\tchr6\t152098791"));
        assert!(calls.contains("\tgermline\n"));
    }

    /// Alt and total counts of an artefact over eligible reads (not duplicates, MAPQ ≥ 20,
    /// base quality ≥ 30), and the alt and total counts over forward reads.
    #[derive(Debug, Default, Clone, Copy)]
    struct ArtefactCounts {
        alt: u64,
        total: u64,
        forward_alt: u64,
        forward_total: u64,
    }

    fn count_artefacts(bam_path: &Path, sites: &[ArtefactSite], counts: &mut [ArtefactCounts]) {
        let mut reader = bam::io::reader::Builder
            .build_from_path(bam_path)
            .expect("reader");
        let header = reader.read_header().expect("header");
        for result in reader.record_bufs(&header) {
            let r = result.expect("record");
            let mapq = r.mapping_quality().map_or(255, |m| m.get());
            if r.flags().is_duplicate() || mapq < 20 {
                continue;
            }
            let reverse = r.flags().is_reverse_complemented();
            let n = r.sequence().len();
            for (site, c) in sites.iter().zip(counts.iter_mut()) {
                let Some(j) = query_at(&r, site.pos) else {
                    continue;
                };
                if r.quality_scores().as_ref().get(j).copied().unwrap_or(0) < 30 {
                    continue;
                }
                let alt = r.sequence().as_ref().get(j) == Some(&site.alt_base);
                if !reverse {
                    c.forward_total += 1;
                    c.forward_alt += u64::from(alt);
                }
                let near_end = j.min(n - 1 - j) < reads::READ_END_BASES;
                let strand_ok = site.strand == artefacts::ArtefactStrand::Both || reverse;
                if strand_ok && (!site.read_end || near_end) {
                    c.total += 1;
                    c.alt += u64::from(alt);
                }
            }
        }
    }

    fn accuracy_options(
        out: &Path,
        patients: usize,
        depth: u32,
        artefacts: bool,
    ) -> SimulateOptions {
        SimulateOptions {
            patients,
            artefacts,
            scenario: Scenario::Accuracy {
                cfdna_depth: depth,
                vafs: vec![0.001, 0.0025, 0.005, 0.01, 0.02, 0.05],
            },
            ..SimulateOptions::new(out)
        }
    }

    #[test]
    fn simulate_artefacts_recur_at_their_rates_on_their_strands() {
        let model = Esr1Model::builtin();
        let dir = tempfile::tempdir().expect("tempdir");
        let cohort = simulate(&accuracy_options(dir.path(), 12, 3000, true)).expect("simulate");
        let sites = &cohort.artefacts;
        assert!((6..=10).contains(&sites.len()), "{sites:?}");
        assert!(sites
            .iter()
            .any(|s| s.strand == artefacts::ArtefactStrand::Reverse));
        assert!(sites.iter().any(|s| s.read_end));
        let window = reference_window(&model, 1).expect("window");
        let germline = germline_sites(&model, &window).expect("germline");
        for s in sites {
            let rate = s.mean_rate();
            assert!((0.001..=0.008).contains(&rate), "{s:?}");
            assert!((200..=1000).contains(&s.concentration), "{s:?}");
            assert_ne!(s.ref_base, s.alt_base);
            assert_eq!(window.base(s.pos), s.ref_base);
            assert!(cohort
                .targets
                .iter()
                .any(|(a, b)| (a..=b).contains(&&s.pos)));
            assert!(model.hotspots.iter().all(|h| h.grch38_pos != s.pos));
            assert!(germline.iter().all(|g| g.pos != s.pos));
        }
        let truth = std::fs::read_to_string(cohort.truth_artefacts.as_ref().expect("path"))
            .expect("truth_artefacts");
        let mut lines = truth.lines();
        assert_eq!(
            lines.next(),
            Some("chrom\tpos\tref\talt\tmean_rate\tstrand\tread_end\tconcentration")
        );
        assert_eq!(lines.count(), sites.len());
        let calls = std::fs::read_to_string(&cohort.truth_calls).expect("calls");
        for s in sites {
            assert!(
                !calls.contains(&format!("\tchr6\t{}\t", s.pos)),
                "{}",
                s.pos
            );
        }

        let mut counts = vec![ArtefactCounts::default(); sites.len()];
        let mut samples = 0;
        for p in &cohort.patients {
            for smp in &p.samples {
                count_artefacts(&dir.path().join(&smp.alignments), sites, &mut counts);
                samples += 1;
            }
        }
        assert_eq!(samples, 12 * 2 + 2);
        for (s, c) in sites.iter().zip(&counts) {
            let f = c.alt as f64 / c.total as f64;
            let rate = s.mean_rate();
            assert!(
                f > rate / 1.5 && f < rate * 1.5,
                "{s:?}: alt fraction {f} ({c:?}) vs mean rate {rate}"
            );
            if s.strand == artefacts::ArtefactStrand::Reverse {
                let fwd = c.forward_alt as f64 / c.forward_total as f64;
                // Forward reads show only the background (errors, deamination-like G>A / C>T).
                assert!(fwd < rate / 5.0, "{s:?}: forward fraction {fwd} ({c:?})");
            }
        }

        // Without artefacts the same cohort has no recurrent alt at those sites.
        let plain = tempfile::tempdir().expect("tempdir");
        let off = simulate(&accuracy_options(plain.path(), 6, 300, false)).expect("simulate");
        assert!(off.artefacts.is_empty() && off.truth_artefacts.is_none());
        assert!(!plain.path().join("truth_artefacts.tsv").exists());
    }

    #[test]
    fn simulate_accuracy_scenario_spreads_mutations_over_vaf_bins() {
        let opts = accuracy_options(Path::new("unused"), 30, 4000, false);
        let patients = scenario(&opts).expect("scenario");
        assert_eq!(patients.len(), 30);
        let mut per_vaf: BTreeMap<String, usize> = BTreeMap::new();
        let mut negatives = 0;
        for (i, p) in patients.iter().enumerate() {
            let n_samples = if i % 5 == 4 { 3 } else { 2 };
            assert_eq!(p.samples.len(), n_samples, "{}", p.patient);
            assert_eq!(p.therapy, if i % 2 == 0 { "AI" } else { "tamoxifen" });
            let (c0, c1) = (&p.samples[0], &p.samples[1]);
            assert!((-30..=0).contains(&c0.day) && (90..=400).contains(&c1.day));
            assert!(c0.material == Material::Cfdna && c1.material == Material::Cfdna);
            assert!(c0.depth == 4000 && c1.depth == 4000);
            if n_samples == 3 {
                assert_eq!(p.samples[2].material, Material::Normal);
            }
            let somatic: Vec<&TruthVariant> = p
                .variants
                .iter()
                .filter(|v| v.kind == VariantKind::Somatic)
                .collect();
            assert!(somatic.len() <= 1);
            for v in &somatic {
                assert_eq!(v.status, VariantStatus::Acquired);
                assert!(v.hotspot.is_some());
                assert_eq!(v.vaf[0], 0.0, "{}: somatic in the baseline", p.patient);
                assert!(
                    v.vaf.iter().skip(2).all(|&x| x == 0.0),
                    "somatic in a normal"
                );
                *per_vaf.entry(v.vaf[1].to_string()).or_default() += 1;
            }
            negatives += usize::from(somatic.is_empty());
            assert!(p.variants.iter().any(|v| v.kind == VariantKind::Germline));
        }
        let want: BTreeMap<String, usize> = ["0.001", "0.0025", "0.005", "0.01", "0.02", "0.05"]
            .iter()
            .map(|v| (v.to_string(), 4))
            .collect();
        assert_eq!(per_vaf, want);
        assert_eq!(negatives, 6);
        // Several hotspots are used.
        let names: std::collections::BTreeSet<String> = patients
            .iter()
            .flat_map(|p| p.variants.iter().filter_map(|v| v.hotspot.clone()))
            .collect();
        assert!(names.len() >= 10, "{names:?}");
        assert!(scenario(&accuracy_options(Path::new("unused"), 3, 4000, false)).is_err());
    }
}
