//! The header definitions of `cohort.vcf.gz`: filters, INFO and FORMAT fields.

use noodles::vcf::header::record::value::map::{format, info};

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
    (
        "orientation",
        "Alternate fragments almost all in one read orientation (F1R2 or F2R1): strand damage",
    ),
    ("read_end", "Alternate bases clustered near read ends"),
    (
        "near_indel",
        "Mismatch next to an indel of the patient, seen near read ends: the indel misaligned",
    ),
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
