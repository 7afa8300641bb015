//! Planning: detect each sample's genome build and contig naming, then split the ESR1 span of
//! every sample into region jobs.

use crate::samplesheet::Samplesheet;
use esr1_proto::{CallingParams, GenomicRegion, RegionJob, RunContext, SampleRef};
use esr1_science::esr1::{Build, Esr1Model};
use esr1_worker::contig::contig_aliases;
use esr1_worker::source::open_source;
use esr1_worker::storage::Storage;
use noodles::fasta;

/// Version of the counting model; part of every job id.
pub const MODEL_VERSION: &str = concat!("esr1-count-2-", env!("CARGO_PKG_VERSION"));

/// Default region size in base pairs.
pub const DEFAULT_REGION_SIZE: u64 = 100_000;

/// How to plan.
#[derive(Debug, Clone)]
pub struct PlanOptions {
    /// Region size in base pairs.
    pub region_size: u64,
    /// Filters and thresholds passed to every job.
    pub params: CallingParams,
    /// A GTF/GFF3 whose ESR1 transcript places exons the built-in model lacks.
    pub annotation: Option<std::path::PathBuf>,
}

impl Default for PlanOptions {
    fn default() -> Self {
        Self {
            region_size: DEFAULT_REGION_SIZE,
            params: CallingParams::default(),
            annotation: None,
        }
    }
}

/// A sample that will run, with its jobs.
#[derive(Debug, Clone)]
pub struct PlannedSample {
    /// The sample.
    pub sample: SampleRef,
    /// Its jobs, in region order.
    pub jobs: Vec<RegionJob>,
}

/// A sample that cannot run, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedSample {
    /// The sample.
    pub sample: SampleRef,
    /// Why, for the user.
    pub reason: String,
}

/// The whole run's work.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Run identifier.
    pub run_id: String,
    /// Genome build of the reference (every sample must match).
    pub build: Build,
    /// The reference's name for chromosome 6 (used in every output).
    pub chrom: String,
    /// Reference FASTA path.
    pub reference: String,
    /// Samples with jobs.
    pub samples: Vec<PlannedSample>,
    /// Samples refused before any job ran.
    pub failed: Vec<FailedSample>,
}

impl Plan {
    /// All jobs of the run.
    pub fn jobs(&self) -> impl Iterator<Item = &RegionJob> {
        self.samples.iter().flat_map(|s| s.jobs.iter())
    }
}

/// Finds chromosome 6 among named contigs with lengths: (name, build).
pub fn find_chr6<'a>(
    contigs: impl Iterator<Item = (&'a str, u64)>,
) -> Result<(String, Build), String> {
    let aliases = contig_aliases("chr6");
    let mut names = Vec::new();
    for (name, len) in contigs {
        if aliases.iter().any(|a| a == name) {
            return Build::from_chr6_length(len)
                .map(|b| (name.to_owned(), b))
                .ok_or_else(|| {
                    format!(
                    "contig {name} has length {len}, which is neither GRCh38 ({}) nor GRCh37 ({})",
                    esr1_science::esr1::CHR6_LEN_GRCH38,
                    esr1_science::esr1::CHR6_LEN_GRCH37
                )
                });
        }
        if names.len() < 5 {
            names.push(name.to_owned());
        }
    }
    Err(format!(
        "no chromosome 6 contig (looked for {}; first contigs: {})",
        aliases.join(", "),
        names.join(", ")
    ))
}

/// Build and chromosome-6 name of a reference FASTA (path or URI), from its `.fai`.
pub fn reference_build(storage: &dyn Storage, reference: &str) -> Result<(String, Build), String> {
    let fai = format!("{reference}.fai");
    let bytes = storage.get(&fai).map_err(|e| {
        format!(
            "cannot read the index of reference {reference}: {e} (create it with samtools faidx)"
        )
    })?;
    let index = fasta::fai::io::Reader::new(std::io::Cursor::new(bytes))
        .read_index()
        .map_err(|e| format!("{fai} is not a valid FASTA index: {e}"))?;
    let records: Vec<(String, u64)> = index
        .as_ref()
        .iter()
        .map(|r| (String::from_utf8_lossy(r.name()).into_owned(), r.length()))
        .collect();
    find_chr6(records.iter().map(|(n, l)| (n.as_str(), *l)))
        .map_err(|e| format!("reference {reference}: {e}"))
}

/// Build and chromosome-6 name of a sample, from its BAM header (read through storage, with
/// its index located and checked as the workers will).
pub fn sample_build(storage: &dyn Storage, sample: &SampleRef) -> Result<(String, Build), String> {
    let source =
        open_source(storage, &sample.alignments, sample.index.as_deref()).map_err(|e| e.message)?;
    let contigs: Vec<(String, u64)> = source
        .header
        .reference_sequences()
        .iter()
        .map(|(name, rs)| {
            (
                String::from_utf8_lossy(name).into_owned(),
                usize::from(rs.length()) as u64,
            )
        })
        .collect();
    find_chr6(contigs.iter().map(|(n, l)| (n.as_str(), *l)))
        .map_err(|e| format!("{}: {e}", sample.alignments))
}

/// Tiles `[start, end]` into regions of at most `size` positions.
pub fn tile(contig: &str, start: u64, end: u64, size: u64) -> Vec<GenomicRegion> {
    let size = size.max(1);
    let mut out = Vec::new();
    let mut s = start;
    while s <= end {
        let e = (s + size - 1).min(end);
        out.push(GenomicRegion {
            contig: contig.to_owned(),
            start: s,
            end: e,
        });
        s = e + 1;
    }
    out
}

/// Plans a run: every sample that can be read gets one job per region of the ESR1 span.
/// `output` is the run's output location, where workers write results.
pub fn plan(
    run_id: &str,
    sheet: &Samplesheet,
    reference: &str,
    output: &str,
    options: &PlanOptions,
    storage: &dyn Storage,
) -> Result<Plan, String> {
    let (chrom, build) = reference_build(storage, reference)?;
    let model = Esr1Model::builtin();
    let hotspots = model.hotspot_positions(build);
    let (gene_start, gene_end) = build.gene_span();
    let reference_str = reference.to_owned();
    let context = RunContext {
        run_id: run_id.to_owned(),
        reference: reference_str.clone(),
        params: options.params.clone(),
        model_version: MODEL_VERSION.to_owned(),
        output: output.to_owned(),
    };
    let mut samples = Vec::new();
    let mut failed = Vec::new();
    for s in &sheet.samples {
        if let Some(p) = &s.problem {
            failed.push(FailedSample {
                sample: s.sample.clone(),
                reason: format!("{}: {p}", sheet.path.display()),
            });
            continue;
        }
        let contig = match sample_build(storage, &s.sample) {
            Ok((contig, b)) if b == build => contig,
            Ok((contig, b)) => {
                failed.push(FailedSample {
                    sample: s.sample.clone(),
                    reason: format!(
                        "{} is aligned to {b} ({contig}) but the run's reference is {build}: realign it or run it with a {b} reference",
                        s.sample.alignments
                    ),
                });
                continue;
            }
            Err(reason) => {
                failed.push(FailedSample {
                    sample: s.sample.clone(),
                    reason,
                });
                continue;
            }
        };
        let jobs = tile(&contig, gene_start, gene_end, options.region_size)
            .into_iter()
            .map(|region| {
                let sites: Vec<u64> = hotspots
                    .iter()
                    .copied()
                    .filter(|p| region.contains(*p))
                    .collect();
                RegionJob::new(&context, s.sample.clone(), region, sites)
            })
            .collect();
        samples.push(PlannedSample {
            sample: s.sample.clone(),
            jobs,
        });
    }
    Ok(Plan {
        run_id: run_id.to_owned(),
        build,
        chrom,
        reference: reference_str,
        samples,
        failed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_cover_the_span_exactly_once() {
        let t = tile("chr6", 100, 350, 100);
        let spans: Vec<(u64, u64)> = t.iter().map(|r| (r.start, r.end)).collect();
        assert_eq!(spans, vec![(100, 199), (200, 299), (300, 350)]);
        assert_eq!(tile("chr6", 5, 5, 100).len(), 1);
    }

    #[test]
    fn chr6_is_found_under_any_naming_and_its_length_gives_the_build() {
        let contigs = [("1", 248_956_422u64), ("6", 170_805_979)];
        assert_eq!(
            find_chr6(contigs.into_iter()),
            Ok(("6".into(), Build::Grch38))
        );
        let contigs = [("NC_000006.11", 171_115_067u64)];
        assert_eq!(
            find_chr6(contigs.into_iter()),
            Ok(("NC_000006.11".into(), Build::Grch37))
        );
        let err = find_chr6([("chr6", 1000u64)].into_iter()).unwrap_err();
        assert!(err.contains("neither GRCh38"), "{err}");
        let err = find_chr6([("chr1", 1000u64)].into_iter()).unwrap_err();
        assert!(err.contains("no chromosome 6"), "{err}");
    }
}
