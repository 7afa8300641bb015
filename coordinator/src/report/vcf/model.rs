//! The plain data a cohort VCF is written from: the file, its variants, and each variant's
//! evidence per sample. Nothing here knows the VCF syntax.

/// One cohort VCF: a single chromosome, its samples, and the variants called in any of them.
#[derive(Debug, Clone, PartialEq)]
pub struct CohortVcf {
    /// Chromosome name as in the reference, e.g. `chr6`. Every variant is on it.
    pub chrom: String,
    /// Chromosome length in bases (`##contig=<length=…>`); must be at most 2^29 for tabix.
    pub chrom_length: u64,
    /// Genome build, written as the contig's `assembly`, e.g. `GRCh38`.
    pub build: String,
    /// Where the reference FASTA lives (`##reference=`), e.g. `s3://refs/GRCh38.fa`.
    pub reference_uri: String,
    /// The program that wrote the file (`##source=`), e.g. `esr1-coordinator 0.1.0`.
    pub source: String,
    /// `##fileDate=` as `YYYYMMDD`; `None` leaves the line out (keeps the output reproducible).
    pub file_date: Option<String>,
    /// Sample column names, in column order. Unique, non-empty, no tabs or line breaks.
    pub samples: Vec<String>,
    /// The variants, in any order (they are sorted when written).
    pub variants: Vec<VcfVariant>,
}

/// One variant site with one alternate allele, and its evidence in every sample.
#[derive(Debug, Clone, PartialEq)]
pub struct VcfVariant {
    /// 1-based position of the first reference base (VCF `POS`).
    pub pos: u64,
    /// Reference allele, `A`/`C`/`G`/`T`/`N` (either case; written upper case). Indels carry the
    /// preceding base as VCF asks: a deletion is `TCA` → `T`, an insertion `T` → `TGG`.
    pub ref_allele: String,
    /// Alternate allele, same alphabet; must differ from the reference allele.
    pub alt_allele: String,
    /// Site-level filter names that failed (`FILTER`); empty means `PASS`. Names must not be
    /// `PASS` or `0` nor contain whitespace, `;`, `,`, `:`, `=`, `%`, `"`, `<` or `>`.
    pub filters: Vec<String>,
    /// Gene symbol (`INFO/GENE`), e.g. `ESR1`; empty leaves it out.
    pub gene: String,
    /// HGVS coding change (`INFO/HGVSC`), e.g. `c.1610A>C`.
    pub hgvs_c: Option<String>,
    /// HGVS protein change, three-letter codes (`INFO/HGVSP`), e.g. `p.Tyr537Ser`.
    pub hgvs_p: Option<String>,
    /// Protein change, one-letter codes (`INFO/PROTEIN`), e.g. `Y537S`.
    pub protein: Option<String>,
    /// Name of the known hotspot this variant is (`INFO/HOTSPOT`), e.g. `Y537S`.
    pub hotspot: Option<String>,
    /// Number of samples in which the variant was called (`INFO/NCALLED`).
    pub samples_called: u32,
    /// Number of patients in which the variant was acquired (`INFO/NACQ`).
    pub patients_acquired: u32,
    /// Number of patients with the variant called in at least one sample (`INFO/NPAT`).
    pub patients_called: u32,
    /// One per entry of [`CohortVcf::samples`], in the same order.
    pub genotypes: Vec<VcfGenotype>,
}

/// The evidence for one variant in one sample.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct VcfGenotype {
    /// Whether the variant was called in this sample (`GT` `0/1`; otherwise `0/0`, or `./.`
    /// without depth).
    pub called: bool,
    /// Reads supporting the reference allele (`AD`, first value).
    pub ref_depth: u32,
    /// Reads supporting the alternate allele (`AD`, second value).
    pub alt_depth: u32,
    /// All reads at the position (`DP`), at least `ref_depth + alt_depth`; `AF` is
    /// `alt_depth / depth`, missing when this is 0.
    pub depth: u32,
    /// P-value of the alternate reads under the background error model (`BP`).
    pub background_p: Option<f64>,
    /// Benjamini–Hochberg q-value of `background_p` (`QV`).
    pub q_value: Option<f64>,
    /// Sample-level filter names that failed (`FT`); empty means `PASS`. Same rules as
    /// [`VcfVariant::filters`].
    pub filters: Vec<String>,
}
