//! `cohort.vcf.gz` and its tabix index: the header and records, bgzipped and indexed.

use crate::report::vcf::check::{invalid, VcfError};
use crate::report::vcf::header::build_header;
use crate::report::vcf::model::{CohortVcf, VcfVariant};
use crate::report::vcf::record::{build_record, record_span};
use esr1_worker::storage::write_atomically;
use noodles::bgzf;
use noodles::core::Position;
use noodles::csi::binning_index::index::reference_sequence::bin::Chunk;
use noodles::tabix;
use noodles::vcf;
use noodles::vcf::variant::io::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

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

/// Writes `path` (the bgzipped VCF) and `path` + `.tbi` (its index), each under a temporary
/// name renamed when whole.
pub fn write_cohort_vcf(v: &CohortVcf, path: &Path) -> Result<(), VcfError> {
    let (vcf_gz, tbi) = cohort_vcf_bytes(v)?;
    write_atomically(path, &vcf_gz)?;
    let mut tbi_path = PathBuf::from(path).into_os_string();
    tbi_path.push(".tbi");
    write_atomically(Path::new(&tbi_path), &tbi)?;
    Ok(())
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
