//! The typed report model: one row type per TSV line and the [`CohortReport`] that every
//! writer (TSV, JSON, HTML, VCF) renders. The merge builds it; nothing here knows a format.

use crate::manifest::RunTimes;
use crate::report::format::serialize_f;
use crate::report::vcf::model::VcfVariant;
use esr1_proto::{CallingParams, FileStamp, Material, RegionQc};
use esr1_science::cohort::{FrequencyRow, PatientOutcome, VariantStatus};
use esr1_science::consequence::{Consequence, CountRule};
use esr1_science::deamination::TransitionRates;
use esr1_science::esr1::Build;
use esr1_science::recall::filter;
use serde::Serialize;

/// One line of `calls.tsv` (field names are the columns; numbers as [`crate::report::format::fmt_f`]).
#[derive(Debug, Clone, Serialize)]
pub struct CallRow {
    /// Sample id.
    pub sample: String,
    /// Patient id.
    pub patient: String,
    /// Days from therapy start.
    pub day: i64,
    /// tumor, cfdna or normal.
    pub material: Material,
    /// Chromosome (the reference's name).
    pub chrom: String,
    /// VCF position.
    pub pos: u64,
    /// VCF REF.
    #[serde(rename = "ref")]
    pub ref_allele: String,
    /// VCF ALT.
    #[serde(rename = "alt")]
    pub alt_allele: String,
    /// Protein change (`Y537S`), empty outside the CDS.
    pub protein: String,
    /// Hotspot name when the variant is a known hotspot.
    pub hotspot: String,
    /// HGVS coding change against NM_000125.4 (empty when it cannot be placed).
    pub hgvs_c: String,
    /// HGVS protein change (empty outside the coding sequence).
    pub hgvs_p: String,
    /// Alt fragments.
    pub alt_reads: u32,
    /// Alt fragments on the forward strand.
    pub alt_forward: u32,
    /// Alt fragments on the reverse strand.
    pub alt_reverse: u32,
    /// Fragments covering the position.
    pub depth: u32,
    /// Allele fraction.
    #[serde(serialize_with = "serialize_f")]
    pub vaf: f64,
    /// P-value against sequencing error (base qualities).
    #[serde(serialize_with = "serialize_f")]
    pub error_p: f64,
    /// Mean of the allele's cohort background (leave-patient-out).
    #[serde(serialize_with = "serialize_f")]
    pub background_mean: f64,
    /// P-value against the cohort background.
    #[serde(serialize_with = "serialize_f")]
    pub background_p: f64,
    /// Benjamini–Hochberg q-value (hotspot or other family).
    #[serde(serialize_with = "serialize_f")]
    pub q_value: f64,
    /// PASS or the failed filters.
    pub filter: String,
}

impl CallRow {
    /// The columns of `calls.tsv`: the serde names of the fields, in order.
    pub const COLUMNS: [&'static str; 22] = [
        "sample",
        "patient",
        "day",
        "material",
        "chrom",
        "pos",
        "ref",
        "alt",
        "protein",
        "hotspot",
        "hgvs_c",
        "hgvs_p",
        "alt_reads",
        "alt_forward",
        "alt_reverse",
        "depth",
        "vaf",
        "error_p",
        "background_mean",
        "background_p",
        "q_value",
        "filter",
    ];

    /// Whether the call counts as detected: it passed every filter but, at most,
    /// `germline_like` (whether that is inherited is decided per patient).
    pub fn is_detected(&self) -> bool {
        self.filter == "PASS" || self.filter.split(';').all(|f| f == filter::GERMLINE_LIKE)
    }
}

/// One line of `patients.tsv` (field names are the columns).
#[derive(Debug, Clone, Serialize)]
pub struct PatientRow {
    /// Patient id.
    pub patient: String,
    /// Therapy arm.
    pub therapy: String,
    /// Chromosome.
    pub chrom: String,
    /// VCF position.
    pub pos: u64,
    /// VCF REF.
    #[serde(rename = "ref")]
    pub ref_allele: String,
    /// VCF ALT.
    #[serde(rename = "alt")]
    pub alt_allele: String,
    /// Protein change.
    pub protein: String,
    /// Hotspot name, if any.
    pub hotspot: String,
    /// HGVS coding change.
    pub hgvs_c: String,
    /// HGVS protein change.
    pub hgvs_p: String,
    /// Consequence on NM_000125.4 (`missense`, `synonymous`, `splice_site`, `utr3` …).
    pub consequence: Consequence,
    /// Whether the run's count rule (`--count`) counts the variant: only counted acquired
    /// variants make the patient acquired in the headline.
    pub counted: bool,
    /// acquired, pre-existing, germline or indeterminate.
    pub status: VariantStatus,
    /// Largest baseline depth at the position (0 without a usable baseline).
    pub baseline_depth: u32,
    /// Power of the best baseline to detect the variant at its largest later VAF.
    #[serde(serialize_with = "serialize_f")]
    pub baseline_power: f64,
    /// Day of the first sample where it was called.
    pub first_detected_day: i64,
    /// Days from the last baseline sample to the first detection (`None` without a
    /// baseline).
    pub days_from_baseline: Option<i64>,
    /// Largest VAF among samples after therapy start (0 when none).
    #[serde(serialize_with = "serialize_f")]
    pub max_later_vaf: f64,
    /// `day:sample:alt/depth` for every passed sample of the patient, by day.
    pub trajectory: String,
}

impl PatientRow {
    /// The columns of `patients.tsv`: the serde names of the fields, in order.
    pub const COLUMNS: [&'static str; 19] = [
        "patient",
        "therapy",
        "chrom",
        "pos",
        "ref",
        "alt",
        "protein",
        "hotspot",
        "hgvs_c",
        "hgvs_p",
        "consequence",
        "counted",
        "status",
        "baseline_depth",
        "baseline_power",
        "first_detected_day",
        "days_from_baseline",
        "max_later_vaf",
        "trajectory",
    ];

    /// A short name for pictures: the hotspot, else the protein change, else the HGVS coding
    /// change, else `chrom:posREF>ALT`.
    pub fn name(&self) -> String {
        [&self.hotspot, &self.protein, &self.hgvs_c]
            .into_iter()
            .find(|s| !s.is_empty())
            .cloned()
            .unwrap_or_else(|| {
                format!(
                    "{}:{}{}>{}",
                    self.chrom, self.pos, self.ref_allele, self.alt_allele
                )
            })
    }
}

/// One line of `qc.tsv` (flattened into its columns by the TSV writer, with one depth column
/// per hotspot position).
#[derive(Debug, Clone)]
pub struct QcRow {
    /// Sample id.
    pub sample: String,
    /// Patient id.
    pub patient: String,
    /// Material.
    pub material: Material,
    /// Day.
    pub day: i64,
    /// ok, failed, low_coverage or identity_mismatch.
    pub status: SampleStatus,
    /// Why it failed, or the hotspot depth found when low (empty when ok).
    pub reason: String,
    /// Summed counters (zeros when failed).
    pub qc: RegionQc,
    /// Jobs whose results were merged (0 when failed).
    pub jobs: usize,
    /// Depth at each distinct hotspot position, in position order.
    pub hotspot_depths: Vec<u32>,
    /// Low-fraction C>T/G>A and T>C/A>G rates (formalin damage shows in the first; zeros
    /// when failed).
    pub transitions: TransitionRates,
}

/// A sample's status in `qc.tsv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleStatus {
    /// Its jobs ran and it is deep enough at the hotspots: its data are used.
    Ok,
    /// The planner refused it, or one of its jobs failed or never reported.
    Failed,
    /// Its jobs ran but it is too shallow at the hotspots to detect anything there
    /// ([`esr1_science::coverage`]): its data are not used and it makes no patient evaluable.
    LowCoverage,
    /// Its germline genotype disagrees with its patient's other samples
    /// ([`esr1_science::identity`]): a swap or a mislabel, not used.
    IdentityMismatch,
}

impl SampleStatus {
    /// The spelling in `qc.tsv` and the report.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Failed => "failed",
            Self::LowCoverage => "low_coverage",
            Self::IdentityMismatch => "identity_mismatch",
        }
    }
}

impl QcRow {
    /// Column names of [`QcRow::counters`] in `qc.tsv`.
    pub const COUNTERS: [&'static str; 9] = [
        "reads_seen",
        "filtered_unmapped",
        "filtered_secondary",
        "filtered_supplementary",
        "filtered_qc_fail",
        "filtered_duplicate",
        "filtered_low_mapq",
        "low_base_quality_bases",
        "discordant_mate_bases",
    ];

    /// Reads seen, reads filtered by reason, and bases not counted, in [`Self::COUNTERS`]
    /// order.
    pub fn counters(&self) -> [u64; 9] {
        let f = &self.qc.filtered;
        [
            self.qc.reads_seen,
            f.unmapped,
            f.secondary,
            f.supplementary,
            f.qc_fail,
            f.duplicate,
            f.low_mapq,
            self.qc.low_base_quality,
            self.qc.discordant_mate_bases,
        ]
    }
}

/// Everything the reports are written from.
#[derive(Debug, Clone)]
pub struct CohortReport {
    /// Build of the run.
    pub build: Build,
    /// Chromosome name.
    pub chrom: String,
    /// Which acquired variants the headline counts (`--count`).
    pub count: CountRule,
    /// The filters and thresholds every job and the re-calling used.
    pub params: CallingParams,
    /// Every input file the jobs read, as stamped when planned (size and version: the
    /// modification time or ETag), in plan order without repeats.
    pub inputs: Vec<FileStamp>,
    /// When the run started and its jobs ended (as stored with the run).
    pub times: RunTimes,
    /// `(position, names)` of hotspot columns in `qc.tsv`.
    pub hotspot_columns: Vec<(u64, String)>,
    /// calls.tsv.
    pub calls: Vec<CallRow>,
    /// patients.tsv.
    pub patients: Vec<PatientRow>,
    /// Per-patient outcome.
    pub outcomes: Vec<PatientOutcome>,
    /// frequencies.tsv.
    pub frequencies: Vec<FrequencyRow>,
    /// qc.tsv.
    pub qc: Vec<QcRow>,
    /// Jobs done / failed.
    pub jobs_done: usize,
    /// Jobs that failed.
    pub jobs_failed: usize,
    /// How the cohort background test was run.
    pub background: BackgroundSummary,
    /// Sample columns of `cohort.vcf.gz` (samples that passed QC, by patient and day).
    pub vcf_samples: Vec<String>,
    /// Every allele detected in at least one sample, with its evidence in every sample.
    pub vcf_variants: Vec<VcfVariant>,
}

/// The cohort background test in numbers, for `summary.json`.
#[derive(Debug, Clone, Serialize)]
pub struct BackgroundSummary {
    /// Tests in the hotspot family.
    pub tests_hotspot: usize,
    /// Tests in the other family.
    pub tests_other: usize,
    /// Per-test p-value threshold reached in the hotspot family.
    pub alpha_hotspot: f64,
    /// Per-test p-value threshold reached in the other family.
    pub alpha_other: f64,
    /// Prior overdispersion estimated from the cohort.
    pub prior_rho: f64,
    /// Samples informing the background (baselines and normals that passed QC).
    pub background_samples: usize,
}

#[cfg(test)]
mod tests {
    use crate::report::fixtures::{call_row, patient_row};
    use esr1_science::cohort::VariantStatus;

    #[test]
    fn a_call_is_detected_when_only_germline_like_filters_it() {
        assert!(call_row("S", "P", "PASS").is_detected());
        assert!(call_row("S", "P", "germline_like").is_detected());
        assert!(!call_row("S", "P", "germline_like;low_vaf").is_detected());
        assert!(!call_row("S", "P", "background").is_detected());
    }

    #[test]
    fn a_patient_variant_is_named_by_hotspot_protein_hgvs_or_position() {
        let mut p = patient_row("P1", VariantStatus::Acquired, "");
        assert_eq!(p.name(), "D538G");
        p.hotspot.clear();
        p.protein = "D538V".into();
        assert_eq!(p.name(), "D538V");
        p.protein.clear();
        assert_eq!(p.name(), "c.1613A>G");
        p.hgvs_c.clear();
        assert_eq!(p.name(), "chr6:152098791A>G");
    }
}
