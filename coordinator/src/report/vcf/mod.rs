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
//!
//! Files: [`model`] (the input), [`fields`] (header definitions), [`check`] (errors and input
//! rules), `header` and `record` (noodles values), `write` (bgzip and tabix).

pub mod check;
pub mod fields;
mod header;
pub mod model;
mod record;
mod write;

#[cfg(test)]
mod tests;

pub use check::VcfError;
pub use fields::{FORMAT_FIELDS, INFO_FIELDS, KNOWN_FILTERS, OTHER_FILTER_DESCRIPTION};
pub use model::{CohortVcf, VcfGenotype, VcfVariant};
pub use write::{cohort_vcf_bytes, write_cohort_vcf};
