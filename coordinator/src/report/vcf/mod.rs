//! cohort.vcf.gz: the cohort's variants as a bgzipped VCF 4.3 with its tabix index.
//!
//! The input is plain data ([`CohortVcf`]) so the merge's output converts into it without
//! knowing anything about VCF; [`cohort_vcf_bytes`] turns it into the two files' bytes.
//!
//! Choices worth knowing when reading the output:
//! * `GT` is a presence flag, not a diploid genotype: somatic calls at a low allele fraction are
//!   written `0/1` when called, `0/0` when the sample had depth and no call, and `./.` when it had
//!   no depth. `AF` says how much of the sample carries the allele.
//! * Site `FILTER` is `PASS` when the variant's filter list is empty; per-sample filters go to
//!   `FORMAT/FT` (`PASS` when empty, several joined with `;`).
//! * Every filter name used is defined in the header: the names of [`KNOWN_FILTERS`] with their
//!   description, any other name with a generic one.
//! * INFO and FORMAT strings are percent-encoded as VCF 4.3 § 1.2 asks (`;`, `=`, `,`, `%`,
//!   `:` in FORMAT, control characters, and spaces). HGVS strings such as
//!   `c.1607_1608delinsAG` and `p.Leu536Gln` need no encoding and are written as they are.
//! * Floats are VCF Floats (32-bit): p- and q-values below ~1e-45 are written as 0. A
//!   non-finite p- or q-value is written as missing (`.`).
//! * Records are sorted by position, then alternate allele, then reference allele.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use noodles::bgzf;
use noodles::core::Position;
use noodles::csi::binning_index::index::reference_sequence::bin::Chunk;
use noodles::tabix;
use noodles::vcf::{
    self,
    header::record::value::{
        map::{format, info, Contig, Filter, Format, Info},
        Map,
    },
    variant::io::Write as _,
    variant::record_buf::{
        info::field::Value as InfoValue, samples::sample::Value as SampleValue, AlternateBases,
        Filters, Info as InfoFields, Samples,
    },
    variant::RecordBuf,
};

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

/// Filter names this project sets, with the description written to the header. A name not in
/// the list is still allowed and gets [`OTHER_FILTER_DESCRIPTION`].
pub const KNOWN_FILTERS: &[(&str, &str)] = &[
    (
        "low_vaf",
        "Variant allele fraction below the calling minimum",
    ),
    ("low_alt", "Fewer alternate reads than the calling minimum"),
    ("low_depth", "Read depth below the calling minimum"),
    ("strand_bias", "Alternate reads almost all on one strand"),
    ("read_end", "Alternate bases clustered near read ends"),
    (
        "background",
        "Allele also seen at this level in the background panel",
    ),
    (
        "germline_like",
        "Allele fraction near 50% or 100% in every sample, or seen in a normal",
    ),
    (
        "not_significant",
        "Benjamini-Hochberg q-value above the significance threshold",
    ),
    (
        "error_explained",
        "Alternate reads explained by the sequencing error model",
    ),
];

/// INFO fields (all `Number=1`): ID, type and header description.
pub const INFO_FIELDS: &[(&str, info::Type, &str)] = &[
    ("GENE", info::Type::String, "Gene symbol"),
    ("HGVSC", info::Type::String, "HGVS coding DNA change"),
    (
        "HGVSP",
        info::Type::String,
        "HGVS protein change, three-letter amino acids",
    ),
    (
        "PROTEIN",
        info::Type::String,
        "Protein change, one-letter amino acids",
    ),
    (
        "HOTSPOT",
        info::Type::String,
        "Known ESR1 hotspot this variant is",
    ),
    (
        "NCALLED",
        info::Type::Integer,
        "Number of samples with the variant called",
    ),
    (
        "NACQ",
        info::Type::Integer,
        "Number of patients who acquired the variant",
    ),
    (
        "NPAT",
        info::Type::Integer,
        "Number of patients with the variant called",
    ),
];

/// FORMAT fields in column order: ID, number, type and header description.
pub const FORMAT_FIELDS: &[(&str, format::Number, format::Type, &str)] = &[
    (
        "GT",
        format::Number::Count(1),
        format::Type::String,
        "Presence flag, not a diploid genotype: 0/1 called, 0/0 covered and not called, \
         ./. no depth",
    ),
    (
        "AD",
        format::Number::ReferenceAlternateBases,
        format::Type::Integer,
        "Reads supporting the reference and the alternate allele",
    ),
    (
        "DP",
        format::Number::Count(1),
        format::Type::Integer,
        "Read depth",
    ),
    (
        "AF",
        format::Number::AlternateBases,
        format::Type::Float,
        "Alternate allele fraction, AD[alt] / DP",
    ),
    (
        "BP",
        format::Number::Count(1),
        format::Type::Float,
        "P-value of the alternate reads under the background error model",
    ),
    (
        "QV",
        format::Number::Count(1),
        format::Type::Float,
        "Benjamini-Hochberg q-value of BP",
    ),
    (
        "FT",
        format::Number::Count(1),
        format::Type::String,
        "Sample filter: PASS, or the failed filters separated by ;",
    ),
];

/// Header description of a filter name that is not in [`KNOWN_FILTERS`].
pub const OTHER_FILTER_DESCRIPTION: &str = "Filter set upstream; not in the documented list";

/// Why a cohort VCF could not be written.
#[derive(Debug, thiserror::Error)]
pub enum VcfError {
    /// A field of the input breaks the rules documented on it.
    #[error("invalid {field} {value:?}: {reason}")]
    Invalid {
        /// Which field, e.g. `sample name` or `variant 152098788 ref allele`.
        field: String,
        /// The offending value.
        value: String,
        /// The rule it breaks.
        reason: &'static str,
    },
    /// noodles refused to build a header record (should not happen with checked input).
    #[error("cannot build the VCF header: {0}")]
    Header(String),
    /// The tabix index could not be built.
    #[error("cannot index the VCF: {0}")]
    Index(String),
    /// Writing failed (encoding, compression or the file system).
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

fn invalid(field: impl Into<String>, value: impl ToString, reason: &'static str) -> VcfError {
    VcfError::Invalid {
        field: field.into(),
        value: value.to_string(),
        reason,
    }
}

/// Builds `cohort.vcf.gz` (bgzipped VCF) and its tabix index (`.tbi`), in that order.
pub fn cohort_vcf_bytes(v: &CohortVcf) -> Result<(Vec<u8>, Vec<u8>), VcfError> {
    let header = build_header(v)?;
    let mut variants: Vec<&VcfVariant> = v.variants.iter().collect();
    variants.sort_by_cached_key(|v| {
        let upper = |s: &str| s.to_ascii_uppercase();
        (v.pos, upper(&v.alt_allele), upper(&v.ref_allele))
    });
    let records = variants
        .iter()
        .map(|variant| build_record(v, variant))
        .collect::<Result<Vec<_>, _>>()?;

    let max_position = usize::try_from(v.chrom_length)
        .ok()
        .and_then(Position::new)
        .ok_or_else(|| invalid("chromosome length", v.chrom_length, "must be 1 or more"))?;
    let mut indexer = vcf::index::Indexer::builder()
        .set_format(vcf::index::Format::Tabix)
        .set_max_position_hint(max_position)
        .build()
        .map_err(|e| VcfError::Index(format!("{e} (chromosome length {})", v.chrom_length)))?;

    let mut out = bgzf::io::Writer::new(Vec::new());
    let mut line = vcf::io::Writer::new(Vec::new());
    line.write_header(&header)?;
    out.write_all(line.get_ref())?;
    for record in &records {
        line.get_mut().clear();
        line.write_variant_record(&header, record)?;
        let start = out.virtual_position();
        out.write_all(&encode_spaces(line.get_ref()))?;
        let end = out.virtual_position();
        let (first, last) = record_span(record)?;
        indexer
            .add_record(&v.chrom, first, last, Chunk::new(start, end))
            .map_err(|e| VcfError::Index(e.to_string()))?;
    }
    let vcf_gz = out.finish()?;

    let vcf::index::Index::Tabix(index) = indexer.build() else {
        return Err(VcfError::Index(
            "the indexer built a CSI, not a tabix index".into(),
        ));
    };
    let mut tbi = tabix::io::Writer::new(Vec::new());
    tbi.write_index(&index)?;
    let tbi = tbi.into_inner().finish()?;
    Ok((vcf_gz, tbi))
}

/// Writes `path` (the bgzipped VCF) and `path` + `.tbi` (its index).
pub fn write_cohort_vcf(v: &CohortVcf, path: &Path) -> Result<(), VcfError> {
    let (vcf_gz, tbi) = cohort_vcf_bytes(v)?;
    std::fs::write(path, vcf_gz)?;
    let mut tbi_path = PathBuf::from(path).into_os_string();
    tbi_path.push(".tbi");
    std::fs::write(tbi_path, tbi)?;
    Ok(())
}

fn build_header(v: &CohortVcf) -> Result<vcf::Header, VcfError> {
    check_contig_name(&v.chrom)?;
    for (field, value) in [
        ("build", &v.build),
        ("reference URI", &v.reference_uri),
        ("source", &v.source),
    ] {
        check_header_text(field, value)?;
    }
    let length = usize::try_from(v.chrom_length)
        .ok()
        .filter(|&n| n > 0)
        .ok_or_else(|| invalid("chromosome length", v.chrom_length, "must be 1 or more"))?;
    let mut contig = Map::<Contig>::builder().set_length(length);
    if !v.build.is_empty() {
        let assembly = "assembly"
            .parse()
            .map_err(|_| invalid("header tag", "assembly", "is a standard tag"))?;
        contig = contig.insert(assembly, v.build.clone());
    }
    let contig = contig
        .build()
        .map_err(|e| VcfError::Header(format!("contig: {e}")))?;

    let mut builder = vcf::Header::builder()
        .set_file_format(vcf::header::FileFormat::new(4, 3))
        .add_contig(v.chrom.clone(), contig);
    if let Some(date) = &v.file_date {
        check_header_text("file date", date)?;
        builder = add_text(builder, "fileDate", date)?;
    }
    builder = add_text(builder, "source", &v.source)?;
    builder = add_text(builder, "reference", &v.reference_uri)?;

    for &(id, ty, description) in INFO_FIELDS {
        let info = Map::<Info>::new(info::Number::Count(1), ty, description);
        builder = builder.add_info(id, info);
    }

    builder = builder.add_filter("PASS", Map::<Filter>::pass());
    let mut seen = HashSet::new();
    let used = v.variants.iter().flat_map(|variant| {
        variant
            .filters
            .iter()
            .chain(variant.genotypes.iter().flat_map(|g| g.filters.iter()))
    });
    let names = KNOWN_FILTERS.iter().map(|(name, _)| *name);
    for name in names.chain(used.map(String::as_str)) {
        if seen.insert(name) {
            check_filter_name(name)?;
            let description = KNOWN_FILTERS
                .iter()
                .find(|(known, _)| *known == name)
                .map_or(OTHER_FILTER_DESCRIPTION, |(_, d)| *d);
            builder = builder.add_filter(name, Map::<Filter>::new(description));
        }
    }

    for &(id, number, ty, description) in FORMAT_FIELDS {
        builder = builder.add_format(id, Map::<Format>::new(number, ty, description));
    }

    let mut names = HashSet::new();
    for sample in &v.samples {
        if sample.is_empty() || sample.chars().any(|c| c.is_control()) {
            return Err(invalid(
                "sample name",
                sample,
                "must be non-empty text on one line",
            ));
        }
        if !names.insert(sample.as_str()) {
            return Err(invalid("sample name", sample, "appears twice"));
        }
        builder = builder.add_sample_name(sample.clone());
    }
    Ok(builder.build())
}

fn add_text(
    builder: vcf::header::Builder,
    key: &str,
    value: &str,
) -> Result<vcf::header::Builder, VcfError> {
    let key = key
        .parse()
        .map_err(|_| invalid("header key", key, "is not an other-record key"))?;
    builder
        .insert(key, vcf::header::record::Value::from(value))
        .map_err(|e| VcfError::Header(format!("{value:?}: {e}")))
}

fn check_header_text(field: &str, value: &str) -> Result<(), VcfError> {
    if value.chars().any(|c| c.is_control()) {
        return Err(invalid(field, value, "must be on one line"));
    }
    Ok(())
}

/// VCF 4.3 § 1.4.7 contig names: `[0-9A-Za-z!#$%&+./;?@^_|~-][0-9A-Za-z!#$%&*+./:;=?@^_|~-]*`.
fn check_contig_name(name: &str) -> Result<(), VcfError> {
    let ok = |c: char, first: bool| {
        c.is_ascii_alphanumeric() || "!#$%&+./;?@^_|~-".contains(c) || (!first && "*:=".contains(c))
    };
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if ok(c, true) && chars.all(|c| ok(c, false)) => Ok(()),
        _ => Err(invalid(
            "chromosome",
            name,
            "is not a valid VCF contig name",
        )),
    }
}

fn check_filter_name(name: &str) -> Result<(), VcfError> {
    if name.is_empty()
        || name == "PASS"
        || name == "0"
        || name
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || ";,:=%\"<>".contains(c))
    {
        return Err(invalid(
            "filter name",
            name,
            "must be non-empty, not PASS or 0, without whitespace or ;,:=%\"<>",
        ));
    }
    Ok(())
}

fn check_allele(pos: u64, which: &str, allele: &str) -> Result<String, VcfError> {
    if allele.is_empty()
        || !allele
            .bytes()
            .all(|b| b"ACGTN".contains(&b.to_ascii_uppercase()))
    {
        return Err(invalid(
            format!("variant {pos} {which} allele"),
            allele,
            "must be one or more of A, C, G, T, N",
        ));
    }
    Ok(allele.to_ascii_uppercase())
}

fn vcf_integer(field: impl Fn() -> String, n: u32) -> Result<i32, VcfError> {
    i32::try_from(n).map_err(|_| invalid(field(), n, "is larger than a VCF Integer"))
}

fn vcf_float(x: Option<f64>) -> Option<SampleValue> {
    x.filter(|x| x.is_finite())
        .map(|x| SampleValue::Float(x as f32))
}

fn build_record(v: &CohortVcf, variant: &VcfVariant) -> Result<RecordBuf, VcfError> {
    let pos = variant.pos;
    let ref_allele = check_allele(pos, "ref", &variant.ref_allele)?;
    let alt_allele = check_allele(pos, "alt", &variant.alt_allele)?;
    if ref_allele == alt_allele {
        return Err(invalid(
            format!("variant {pos} alt allele"),
            &alt_allele,
            "equals the reference allele",
        ));
    }
    let last = pos.checked_add(ref_allele.len() as u64 - 1);
    if pos == 0 || last.is_none_or(|last| last > v.chrom_length) {
        return Err(invalid(
            "variant position",
            pos,
            "must lie within the chromosome with its whole reference allele",
        ));
    }
    let start = usize::try_from(pos)
        .ok()
        .and_then(Position::new)
        .ok_or_else(|| invalid("variant position", pos, "does not fit in memory"))?;
    if variant.genotypes.len() != v.samples.len() {
        return Err(invalid(
            format!("variant {pos} genotype count"),
            variant.genotypes.len(),
            "must equal the number of samples",
        ));
    }
    for name in &variant.filters {
        check_filter_name(name)?;
    }

    let mut info = InfoFields::default();
    let mut add_string = |key: &str, value: Option<&String>| {
        if let Some(value) = value.filter(|s| !s.is_empty()) {
            info.insert(key.into(), Some(InfoValue::String(value.clone())));
        }
    };
    add_string("GENE", Some(&variant.gene));
    add_string("HGVSC", variant.hgvs_c.as_ref());
    add_string("HGVSP", variant.hgvs_p.as_ref());
    add_string("PROTEIN", variant.protein.as_ref());
    add_string("HOTSPOT", variant.hotspot.as_ref());
    for (key, n) in [
        ("NCALLED", variant.samples_called),
        ("NACQ", variant.patients_acquired),
        ("NPAT", variant.patients_called),
    ] {
        let n = vcf_integer(|| format!("variant {pos} {key}"), n)?;
        info.insert(key.into(), Some(InfoValue::Integer(n)));
    }

    let keys = FORMAT_FIELDS
        .iter()
        .map(|(id, ..)| id.to_string())
        .collect();
    let values = v
        .samples
        .iter()
        .zip(&variant.genotypes)
        .map(|(sample, g)| sample_values(pos, sample, g))
        .collect::<Result<Vec<_>, _>>()?;

    Ok(RecordBuf::builder()
        .set_reference_sequence_name(v.chrom.clone())
        .set_variant_start(start)
        .set_reference_bases(ref_allele)
        .set_alternate_bases(AlternateBases::from(vec![alt_allele]))
        .set_filters(if variant.filters.is_empty() {
            Filters::pass()
        } else {
            variant.filters.iter().cloned().collect()
        })
        .set_info(info)
        .set_samples(Samples::new(keys, values))
        .build())
}

/// One sample's values, in [`FORMAT_FIELDS`] order.
fn sample_values(
    pos: u64,
    sample: &str,
    g: &VcfGenotype,
) -> Result<Vec<Option<SampleValue>>, VcfError> {
    let field = |what: &str| format!("variant {pos} sample {sample} {what}");
    if u64::from(g.ref_depth) + u64::from(g.alt_depth) > u64::from(g.depth) {
        return Err(invalid(
            field("depth"),
            g.depth,
            "is smaller than ref_depth + alt_depth",
        ));
    }
    for name in &g.filters {
        check_filter_name(name)?;
    }
    let gt = match (g.called, g.depth) {
        (true, _) => "0/1",
        (false, 0) => "./.",
        (false, _) => "0/0",
    };
    let gt = gt
        .parse()
        .map_err(|_| invalid(field("genotype"), gt, "does not parse"))?;
    let af = (g.depth > 0).then(|| {
        SampleValue::from(vec![Some(
            (f64::from(g.alt_depth) / f64::from(g.depth)) as f32,
        )])
    });
    let ft = if g.filters.is_empty() {
        "PASS".to_owned()
    } else {
        g.filters.join(";")
    };
    Ok(vec![
        Some(SampleValue::Genotype(gt)),
        Some(SampleValue::from(vec![
            Some(vcf_integer(|| field("ref_depth"), g.ref_depth)?),
            Some(vcf_integer(|| field("alt_depth"), g.alt_depth)?),
        ])),
        Some(SampleValue::Integer(vcf_integer(
            || field("depth"),
            g.depth,
        )?)),
        af,
        vcf_float(g.background_p),
        vcf_float(g.q_value),
        Some(SampleValue::String(ft)),
    ])
}

/// The first and last reference position a record covers, for the index.
fn record_span(record: &RecordBuf) -> Result<(Position, Position), VcfError> {
    let start = record
        .variant_start()
        .ok_or_else(|| VcfError::Index("record without a position".into()))?;
    let len = record.reference_bases().len().max(1);
    let end = start
        .checked_add(len - 1)
        .ok_or_else(|| VcfError::Index("record end overflows".into()))?;
    Ok((start, end))
}

/// noodles percent-encodes INFO and FORMAT strings but leaves spaces, which VCF 4.3 allows but
/// many readers split on. Spaces can only come from those strings (every other field is checked
/// to have none), so encoding them after noodles is exact; encoding before would double the `%`.
fn encode_spaces(line: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(line.len());
    for &b in line {
        if b == b' ' {
            out.extend_from_slice(b"%20");
        } else {
            out.push(b);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn one_sample() -> CohortVcf {
        CohortVcf {
            chrom: "chr6".into(),
            chrom_length: 170_805_979,
            build: "GRCh38".into(),
            reference_uri: "GRCh38.fa".into(),
            source: "esr1-coordinator test".into(),
            file_date: None,
            samples: vec!["S1".into()],
            variants: vec![VcfVariant {
                pos: 152_098_785,
                ref_allele: "tc".into(),
                alt_allele: "AG".into(),
                filters: vec![],
                gene: "ESR1".into(),
                hgvs_c: Some("c.1607_1608delinsAG".into()),
                hgvs_p: Some("p.Leu536Gln".into()),
                protein: Some("L536Q".into()),
                hotspot: Some("near Y537; a=b,c 5%".into()),
                samples_called: 1,
                patients_acquired: 0,
                patients_called: 1,
                genotypes: vec![VcfGenotype {
                    called: true,
                    ref_depth: 90,
                    alt_depth: 10,
                    depth: 100,
                    background_p: Some(f64::NAN),
                    q_value: Some(0.25),
                    filters: vec!["low_vaf".into(), "strand_bias".into()],
                }],
            }],
        }
    }

    fn text(v: &CohortVcf) -> String {
        let (vcf_gz, _) = cohort_vcf_bytes(v).expect("write");
        let mut s = String::new();
        bgzf::io::Reader::new(&vcf_gz[..])
            .read_to_string(&mut s)
            .expect("bgzf");
        s
    }

    #[test]
    fn info_strings_are_percent_encoded_and_hgvs_is_left_alone() {
        let s = text(&one_sample());
        let line = s.lines().last().expect("a record");
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(
            &fields[..7],
            ["chr6", "152098785", ".", "TC", "AG", ".", "PASS"]
        );
        assert_eq!(
            fields[7],
            "GENE=ESR1;HGVSC=c.1607_1608delinsAG;HGVSP=p.Leu536Gln;PROTEIN=L536Q;\
             HOTSPOT=near%20Y537%3B%20a%3Db%2Cc%205%25;NCALLED=1;NACQ=0;NPAT=1"
        );
        assert_eq!(fields[8], "GT:AD:DP:AF:BP:QV:FT");
        assert_eq!(fields[9], "0/1:90,10:100:0.1:.:0.25:low_vaf;strand_bias");
        assert!(!s.contains("fileDate"));
    }

    #[test]
    fn noodles_decodes_the_escapes_back() {
        let v = one_sample();
        let (vcf_gz, _) = cohort_vcf_bytes(&v).expect("write");
        let mut reader = vcf::io::Reader::new(bgzf::io::Reader::new(&vcf_gz[..]));
        let header = reader.read_header().expect("header");
        let record = reader
            .record_bufs(&header)
            .next()
            .expect("one record")
            .expect("parses");
        assert_eq!(
            record.info().get("HOTSPOT"),
            Some(Some(&InfoValue::String("near Y537; a=b,c 5%".into())))
        );
    }

    fn rejects(change: impl FnOnce(&mut CohortVcf), reason: &str) {
        let mut v = one_sample();
        change(&mut v);
        match cohort_vcf_bytes(&v) {
            Err(e) => assert!(e.to_string().contains(reason), "{e}"),
            Ok(_) => panic!("accepted input that should fail with {reason:?}"),
        }
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        fn variant(v: &mut CohortVcf) -> &mut VcfVariant {
            &mut v.variants[0]
        }
        rejects(|v| v.samples.push("S2".into()), "number of samples");
        rejects(|v| v.samples = vec![], "number of samples");
        rejects(
            |v| {
                v.samples.push("S1".into());
                let g = variant(v).genotypes[0].clone();
                variant(v).genotypes.push(g);
            },
            "appears twice",
        );
        rejects(|v| variant(v).alt_allele = "<DEL>".into(), "A, C, G, T, N");
        rejects(|v| variant(v).ref_allele = String::new(), "A, C, G, T, N");
        rejects(
            |v| variant(v).alt_allele = "TC".into(),
            "equals the reference",
        );
        rejects(|v| variant(v).pos = 0, "within the chromosome");
        rejects(|v| variant(v).pos = 170_805_979, "within the chromosome");
        rejects(|v| variant(v).pos = u64::MAX, "within the chromosome");
        rejects(|v| variant(v).filters = vec!["PASS".into()], "not PASS");
        rejects(
            |v| variant(v).filters = vec!["low vaf".into()],
            "whitespace",
        );
        rejects(
            |v| variant(v).genotypes[0].filters = vec!["a;b".into()],
            "whitespace",
        );
        rejects(|v| variant(v).genotypes[0].depth = 99, "smaller than");
        rejects(|v| variant(v).patients_called = u32::MAX, "VCF Integer");
        rejects(|v| v.chrom = "chr 6".into(), "contig name");
        rejects(|v| v.chrom_length = 0, "1 or more");
        rejects(|v| v.chrom_length = (1 << 29) + 1, "cannot index");
        rejects(|v| v.source = "a\nb".into(), "one line");
    }

    #[test]
    fn records_are_sorted_by_position_then_alt() {
        let mut v = one_sample();
        let first = v.variants[0].clone();
        for (pos, ref_allele, alt) in [(152_098_788, "A", "G"), (152_098_788, "A", "C")] {
            v.variants.insert(
                0,
                VcfVariant {
                    pos,
                    ref_allele: ref_allele.into(),
                    alt_allele: alt.into(),
                    ..first.clone()
                },
            );
        }
        let s = text(&v);
        let keys: Vec<(&str, &str)> = s
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                (f[1], f[4])
            })
            .collect();
        assert_eq!(
            keys,
            [("152098785", "AG"), ("152098788", "C"), ("152098788", "G")]
        );
    }
}
