//! The truth of a simulated cohort: patients, their samples (with file names) and their
//! variants with per-sample allele fractions and patient-level statuses.

use crate::options::AlignmentFormat;
use esr1_proto::Material;
use esr1_science::cohort::{OutcomeVariant, PatientOutcome, VariantStatus};
use esr1_science::esr1::{Build, Esr1Model};
use esr1_science::naming::Annotation;
use std::path::PathBuf;

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
    /// The patient as the frequency table sees it, each variant with its consequence on the
    /// model (GRCh38, as simulated) so the count rule applies to the truth as to a run.
    pub fn outcome(&self, model: &Esr1Model) -> PatientOutcome {
        let variant = |v: &TruthVariant| {
            let (r, a) = (v.ref_base.to_string(), v.alt_base.to_string());
            let effect = Annotation::of(model, Build::Grch38, v.pos, &r, &a).effect;
            OutcomeVariant::new(v.name(), v.status, effect)
        };
        PatientOutcome {
            patient: self.patient.clone(),
            therapy: self.therapy.clone(),
            has_baseline_and_later: true,
            variants: self.variants.iter().map(variant).collect(),
        }
    }

    /// The variant at a position, if any.
    pub fn variant_at(&self, pos: u64) -> Option<&TruthVariant> {
        self.variants.iter().find(|v| v.pos == pos)
    }
}

/// A sample with its file names.
pub(crate) fn truth_sample(
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
