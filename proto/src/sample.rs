//! A sample of the cohort as the workers need to know it.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What was sequenced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Material {
    /// A tumour biopsy.
    Tumor,
    /// Plasma cell-free DNA.
    Cfdna,
    /// A matched normal (blood, saliva): germline only.
    Normal,
}

impl Material {
    /// The samplesheet spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tumor => "tumor",
            Self::Cfdna => "cfdna",
            Self::Normal => "normal",
        }
    }
}

impl fmt::Display for Material {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Material {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "tumor" | "tumour" => Ok(Self::Tumor),
            "cfdna" | "plasma" => Ok(Self::Cfdna),
            "normal" | "germline" => Ok(Self::Normal),
            other => Err(format!(
                "unknown material '{other}', expected one of tumor, cfdna, normal"
            )),
        }
    }
}

/// One sequenced sample of one patient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleRef {
    /// Patient identifier.
    pub patient: String,
    /// Sample identifier, unique in the cohort.
    pub sample: String,
    /// Days relative to therapy start (baseline ≤ 0).
    pub day: i64,
    /// What was sequenced.
    pub material: Material,
    /// Therapy arm label (`AI`, `tamoxifen` …).
    pub therapy: String,
    /// Where the BAM/CRAM lives (absolute path or `s3://` URI).
    pub alignments: String,
    /// Where its index lives; `None` means "next to the alignments".
    pub index: Option<String>,
}
