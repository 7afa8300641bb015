//! Planning: detect each sample's genome build and contig naming, then split the ESR1 span of
//! every sample into region jobs of about the same compressed size ([`bytes`]).

use crate::samplesheet::Samplesheet;
use esr1_proto::{
    CallingParams, FileStamp, GenomicRegion, JobInputs, RegionJob, RunContext, SampleRef,
};
use esr1_science::esr1::{Build, Esr1Model, CHR6_LEN_GRCH37, CHR6_LEN_GRCH38};
use esr1_worker::contig::contig_aliases;
use esr1_worker::source::{AlignmentSource, Located, SourceCache};
use esr1_worker::storage::{Storage, StorageError};
use noodles::fasta;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Version of the counting model; part of every job id (defined beside the counting core).
pub use esr1_worker::MODEL_VERSION;

pub mod bundle;
pub mod bytes;

pub use bytes::{AUTO_MIN_JOB_BYTES, DEFAULT_JOB_BYTES, MIN_JOB_BYTES};

/// Compressed bytes per job ([`bytes`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobBytes {
    /// From the cohort's samples ([`bytes::cohort_target`]): the default.
    Auto,
    /// Every sample one job, however large: what `Auto` gives a single in-process worker
    /// ([`PlanOptions::for_workers`]), since cutting a sample only lets several workers share
    /// it, and each cut decodes the records that cross it twice.
    Whole,
    /// This many.
    Fixed(u64),
}

impl std::str::FromStr for JobBytes {
    type Err = String;

    /// `auto`, `whole`, or a number of bytes of at least [`MIN_JOB_BYTES`].
    fn from_str(s: &str) -> Result<Self, String> {
        if s.eq_ignore_ascii_case("auto") {
            return Ok(Self::Auto);
        }
        if s.eq_ignore_ascii_case("whole") {
            return Ok(Self::Whole);
        }
        match s.parse::<u64>() {
            Ok(n) if n >= MIN_JOB_BYTES => Ok(Self::Fixed(n)),
            Ok(n) => Err(format!(
                "{n} is below the smallest job, {MIN_JOB_BYTES} bytes"
            )),
            Err(_) => Err(format!(
                "expected auto, whole or a number of bytes, not {s:?}"
            )),
        }
    }
}

/// How to plan.
#[derive(Debug, Clone)]
pub struct PlanOptions {
    /// Compressed bytes per job ([`bytes`]): the default way to cut a sample into jobs.
    pub job_bytes: JobBytes,
    /// Fixed region size in base pairs instead (every sample tiled alike, whatever its data).
    pub region_size: Option<u64>,
    /// Filters and thresholds passed to every job.
    pub params: CallingParams,
    /// A GTF/GFF3 whose ESR1 transcript places exons the built-in model lacks.
    pub annotation: Option<std::path::PathBuf>,
    /// `--verify-inputs`: stamp every alignment file and index with a content checksum too
    /// (part of the job ids; workers compare it before counting).
    pub verify_inputs: bool,
}

impl PlanOptions {
    /// These options for a run on `workers` in-process workers: with one, `auto` becomes
    /// [`JobBytes::Whole`] (no other worker could share a cut sample; each cut would only
    /// decode the records across it twice). With several, or with worker daemons (whose
    /// number the plan cannot know), they are kept.
    pub fn for_workers(&self, workers: usize) -> Self {
        let mut options = self.clone();
        if workers == 1 && options.job_bytes == JobBytes::Auto {
            options.job_bytes = JobBytes::Whole;
        }
        options
    }
}

impl Default for PlanOptions {
    fn default() -> Self {
        Self {
            job_bytes: JobBytes::Auto,
            region_size: None,
            params: CallingParams::default(),
            annotation: None,
            verify_inputs: false,
        }
    }
}

/// A sample that will run, with its jobs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedSample {
    /// The sample.
    pub sample: SampleRef,
    /// Its jobs, in region order.
    pub jobs: Vec<RegionJob>,
    /// Compressed bytes of each job as its index estimates them (empty when planned by base
    /// pairs).
    #[serde(default)]
    pub job_bytes: Vec<u64>,
}

/// A sample that cannot run, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedSample {
    /// The sample.
    pub sample: SampleRef,
    /// Why, for the user.
    pub reason: String,
}

/// The whole run's work (stored in the run's manifest, so `report` can rebuild the reports
/// without opening any alignment file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Compressed bytes per job the samples were cut into (`None` when tiled by base pairs).
    #[serde(default)]
    pub job_target: Option<u64>,
}

impl Plan {
    /// All jobs of the run.
    pub fn jobs(&self) -> impl Iterator<Item = &RegionJob> {
        self.samples.iter().flat_map(|s| s.jobs.iter())
    }

    /// Puts `jobs` (of this plan) in the order they are best handed out: largest first by
    /// the compressed bytes the index gives them, plan order among equals (and for jobs
    /// planned by base pairs, whose bytes are unknown). Workers that take the deep plasma
    /// samples' jobs first end the run on small ones, so none waits long on the last: the
    /// longest-first rule for sharing jobs among workers.
    pub fn largest_first(&self, jobs: &mut [RegionJob]) {
        let bytes = self.job_bytes();
        jobs.sort_by_key(|j| std::cmp::Reverse(bytes.get(j.job_id.as_str()).copied().unwrap_or(0)));
    }

    /// How `jobs` (of this plan, in the order they are handed out) are grouped into broker
    /// messages ([`bundle::bundle_sizes`]): the number of jobs in each, in order. One job a
    /// message when the plan tiled by base pairs (job sizes unknown).
    pub fn bundles(&self, jobs: &[RegionJob]) -> Vec<usize> {
        let Some(target) = self.job_target else {
            return vec![1; jobs.len()];
        };
        let bytes = self.job_bytes();
        let sizes: Vec<u64> = jobs
            .iter()
            .map(|j| bytes.get(j.job_id.as_str()).copied().unwrap_or(0))
            .collect();
        bundle::bundle_sizes(&sizes, target)
    }

    /// Compressed bytes of each job planned by bytes, by job id.
    fn job_bytes(&self) -> HashMap<&str, u64> {
        self.samples
            .iter()
            .flat_map(|s| s.jobs.iter().zip(&s.job_bytes))
            .map(|(job, &b)| (job.job_id.as_str(), b))
            .collect()
    }
}

/// Chromosome 6 cannot be found among a header's or index's contigs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContigError {
    /// A chromosome-6 name with a length of neither build.
    #[error("contig {name} has length {len}, which is neither GRCh38 ({grch38}) nor GRCh37 ({grch37})", grch38 = CHR6_LEN_GRCH38, grch37 = CHR6_LEN_GRCH37)]
    UnknownLength {
        /// The contig.
        name: String,
        /// Its length.
        len: u64,
    },
    /// No contig has a chromosome-6 name.
    #[error("no chromosome 6 contig (looked for {}; first contigs: {})", .looked_for.join(", "), .first.join(", "))]
    NotFound {
        /// The names tried.
        looked_for: Vec<String>,
        /// The first few contigs present.
        first: Vec<String>,
    },
}

/// Why a run or one of its samples cannot be planned. Messages are complete (each names its
/// cause), so no `source()` is set: printing the chain would repeat it.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The reference's `.fai` cannot be read: the run cannot start.
    #[error(
        "cannot read the index of reference {reference}: {error} (create it with samtools faidx)"
    )]
    ReferenceIndexUnreadable {
        /// The reference FASTA.
        reference: String,
        /// The storage failure.
        error: StorageError,
    },
    /// The reference's `.fai` does not parse: the run cannot start.
    #[error("{fai} is not a valid FASTA index: {error}")]
    ReferenceIndexInvalid {
        /// The index.
        fai: String,
        /// The parser's error.
        error: std::io::Error,
    },
    /// The reference has no usable chromosome 6: the run cannot start.
    #[error("reference {reference}: {error}")]
    ReferenceContig {
        /// The reference FASTA.
        reference: String,
        /// What is wrong with its contigs.
        error: ContigError,
    },
    /// A sample's alignment file or index cannot be opened (that sample fails).
    #[error("{message}")]
    SampleUnreadable {
        /// The alignment file.
        alignments: String,
        /// The reader's message, naming the file.
        message: String,
    },
    /// A sample's header has no usable chromosome 6 (that sample fails).
    #[error("{alignments}: {error}")]
    SampleContig {
        /// The alignment file.
        alignments: String,
        /// What is wrong with its contigs.
        error: ContigError,
    },
    /// A sample is aligned to another build than the reference (that sample fails).
    #[error("{alignments} is aligned to {sample_build} ({contig}) but the run's reference is {run_build}: realign it or run it with a {sample_build} reference")]
    SampleBuild {
        /// The alignment file.
        alignments: String,
        /// The sample's build.
        sample_build: Build,
        /// The sample's chromosome-6 name.
        contig: String,
        /// The reference's build.
        run_build: Build,
    },
}

/// Finds chromosome 6 among named contigs with lengths: (name, build).
pub fn find_chr6<'a>(
    contigs: impl Iterator<Item = (&'a str, u64)>,
) -> Result<(String, Build), ContigError> {
    let aliases = contig_aliases("chr6");
    let mut names = Vec::new();
    for (name, len) in contigs {
        if aliases.iter().any(|a| a == name) {
            return Build::from_chr6_length(len)
                .map(|b| (name.to_owned(), b))
                .ok_or_else(|| ContigError::UnknownLength {
                    name: name.to_owned(),
                    len,
                });
        }
        if names.len() < 5 {
            names.push(name.to_owned());
        }
    }
    Err(ContigError::NotFound {
        looked_for: aliases,
        first: names,
    })
}

/// Build and chromosome-6 name of a reference FASTA (path or URI), from its `.fai`.
pub fn reference_build(
    storage: &dyn Storage,
    reference: &str,
) -> Result<(String, Build), PlanError> {
    let fai = format!("{reference}.fai");
    let bytes = storage
        .get(&fai)
        .map_err(|error| PlanError::ReferenceIndexUnreadable {
            reference: reference.to_owned(),
            error,
        })?;
    let index = fasta::fai::io::Reader::new(std::io::Cursor::new(bytes))
        .read_index()
        .map_err(|error| PlanError::ReferenceIndexInvalid { fai, error })?;
    let records: Vec<(String, u64)> = index
        .as_ref()
        .iter()
        .map(|r| (String::from_utf8_lossy(r.name()).into_owned(), r.length()))
        .collect();
    find_chr6(records.iter().map(|(n, l)| (n.as_str(), *l))).map_err(|error| {
        PlanError::ReferenceContig {
            reference: reference.to_owned(),
            error,
        }
    })
}

/// Stamps (size and version) of the reference FASTA and its `.fai` and `.gzi`, those that can
/// be read now: a job's identity, so results are not reused once one of them is replaced.
/// A file that cannot be read is left out (the jobs report it when they need it).
pub fn reference_stamps(storage: &dyn Storage, reference: &str) -> Vec<FileStamp> {
    [
        reference.to_owned(),
        format!("{reference}.fai"),
        format!("{reference}.gzi"),
    ]
    .into_iter()
    .filter_map(|uri| storage.head(&uri).ok().map(|m| m.stamp(&uri)))
    .collect()
}

/// Build and chromosome-6 name of a sample, from its BAM header (read through storage, with
/// its index located and checked as the workers will), and the opened file (its stamps,
/// header and index).
pub fn sample_build(
    storage: &dyn Storage,
    sources: &SourceCache,
    sample: &SampleRef,
) -> Result<(String, Build, std::sync::Arc<AlignmentSource>), PlanError> {
    let source = sources
        .get(storage, &sample.alignments, sample.index.as_deref())
        .map_err(|e| PlanError::SampleUnreadable {
            alignments: sample.alignments.clone(),
            message: e.message,
        })?;
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
    let (contig, build) =
        find_chr6(contigs.iter().map(|(n, l)| (n.as_str(), *l))).map_err(|error| {
            PlanError::SampleContig {
                alignments: sample.alignments.clone(),
                error,
            }
        })?;
    Ok((contig, build, source))
}

/// The stamps of an opened sample's alignment file and index, with their content checksums
/// when `verify` (`--verify-inputs`: one more ranged read, of the file's last 64 KiB).
pub fn input_stamps(
    storage: &dyn Storage,
    source: &AlignmentSource,
    verify: bool,
) -> Result<Located, PlanError> {
    let mut stamps = source.stamps.clone();
    if verify {
        let ends = source
            .ends_checksum(storage)
            .map_err(|e| PlanError::SampleUnreadable {
                alignments: source.uri.clone(),
                message: e.message,
            })?;
        stamps.alignments.checksum = Some(ends);
        stamps.index.checksum = Some(source.index_checksum.clone());
    }
    Ok(stamps)
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

/// [`tile`]'s regions with every cut moved back to the [`esr1_proto::BLOCK_GRID`] line before
/// it (a region left without positions of its own joins the one before), so that the
/// sample's reference blocks are those one job over the whole span makes.
pub fn tile_on_grid(contig: &str, start: u64, end: u64, size: u64) -> Vec<GenomicRegion> {
    let mut out: Vec<GenomicRegion> = Vec::new();
    for r in tile(contig, start, end, size) {
        let cut = esr1_proto::grid_line(r.start);
        match out.last_mut() {
            Some(prev) if cut > prev.start => {
                prev.end = cut - 1;
                out.push(GenomicRegion { start: cut, ..r });
            }
            Some(prev) => prev.end = r.end,
            None => out.push(r),
        }
    }
    out
}

/// Samples whose files are opened and checked at once while planning.
const PLAN_THREADS: usize = 8;

/// `f(0)`, …, `f(n - 1)` computed on up to `threads` scoped threads, each taking the next
/// index in turn, returned in index order. A panic in `f` is passed on once every thread has
/// stopped.
fn in_order<R: Send>(n: usize, threads: usize, f: impl Fn(usize) -> R + Sync) -> Vec<R> {
    let threads = threads.clamp(1, n.max(1));
    if threads == 1 {
        return (0..n).map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut mine = Vec::new();
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            if k >= n {
                return mine;
            }
            mine.push((k, f(k)));
        }
    };
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
        let mut done = Vec::with_capacity(n);
        for handle in handles {
            match handle.join() {
                Ok(mine) => done.extend(mine),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        done
    });
    done.sort_unstable_by_key(|&(k, _)| k);
    done.into_iter().map(|(_, r)| r).collect()
}

/// Plans a run: every sample that can be read gets one job per region of the ESR1 span.
/// `output` is the run's output location, where workers write results. Headers and indexes
/// opened to check each sample stay in `sources`, so in-process workers sharing it do not
/// fetch them again.
pub fn plan(
    run_id: &str,
    sheet: &Samplesheet,
    reference: &str,
    output: &str,
    options: &PlanOptions,
    storage: &dyn Storage,
    sources: &SourceCache,
) -> Result<Plan, PlanError> {
    let (chrom, build) = reference_build(storage, reference)?;
    let model = Esr1Model::builtin();
    let hotspots = model.hotspot_positions(build);
    let (gene_start, gene_end) = build.gene_span();
    let reference_str = reference.to_owned();
    let reference_files = reference_stamps(storage, reference);
    let context = RunContext {
        run_id: run_id.to_owned(),
        reference: reference_str.clone(),
        params: options.params.clone(),
        model_version: MODEL_VERSION.to_owned(),
        output: output.to_owned(),
    };
    // Each sample's header and index are read and checked on a few threads at once (on
    // object storage, each is a few requests whose latency would otherwise add up over a
    // cohort); the outcomes are taken in samplesheet order.
    let checks = in_order(sheet.samples.len(), PLAN_THREADS, |k| {
        let s = &sheet.samples[k];
        if let Some(p) = &s.problem {
            return Err(format!("{}: {p}", sheet.path.display()));
        }
        let checked = sample_build(storage, sources, &s.sample).and_then(|(contig, b, source)| {
            if b == build {
                let stamps = input_stamps(storage, &source, options.verify_inputs)?;
                Ok((contig, stamps, source))
            } else {
                Err(PlanError::SampleBuild {
                    alignments: s.sample.alignments.clone(),
                    sample_build: b,
                    contig,
                    run_build: build,
                })
            }
        });
        // The sample's source (header and index) is let go here, back to `sources` alone
        // (which keeps a few): only its layout waits for the cohort's target.
        checked
            .map(|(contig, stamps, source)| {
                let layout =
                    bytes::SampleLayout::of(storage, &source, &contig, (gene_start, gene_end));
                (contig, stamps, layout)
            })
            .map_err(|e| e.to_string())
    });
    let mut checked_samples = Vec::new();
    let mut failed = Vec::new();
    for (s, check) in sheet.samples.iter().zip(checks) {
        match check {
            Ok((contig, stamps, layout)) => checked_samples.push((s, contig, stamps, layout)),
            Err(reason) => failed.push(FailedSample {
                sample: s.sample.clone(),
                reason,
            }),
        }
    }
    let sizes = || checked_samples.iter().map(|(.., l)| l.bytes());
    let job_target = match (options.region_size, options.job_bytes) {
        (Some(_), _) => None,
        (None, JobBytes::Fixed(target)) => Some(target),
        // The largest sample's bytes: every sample fits one job.
        (None, JobBytes::Whole) => Some(sizes().max().unwrap_or(0).max(MIN_JOB_BYTES)),
        (None, JobBytes::Auto) => Some(bytes::cohort_target(&sizes().collect::<Vec<_>>())),
    };
    let mut samples = Vec::new();
    for (s, contig, stamps, layout) in checked_samples {
        let regions: Vec<(GenomicRegion, Option<u64>)> = match options.region_size {
            Some(size) => tile_on_grid(&contig, gene_start, gene_end, size)
                .into_iter()
                .map(|r| (r, None))
                .collect(),
            None => layout
                .plan(
                    storage,
                    &contig,
                    (gene_start, gene_end),
                    job_target.unwrap_or(DEFAULT_JOB_BYTES),
                )
                .into_iter()
                .map(|r| (r.region, Some(r.bytes)))
                .collect(),
        };
        let job_bytes: Vec<u64> = regions.iter().filter_map(|(_, b)| *b).collect();
        let jobs = regions
            .into_iter()
            .map(|(region, _)| {
                let sites: Vec<u64> = hotspots
                    .iter()
                    .copied()
                    .filter(|p| region.contains(*p))
                    .collect();
                RegionJob::new(&context, s.sample.clone(), region, sites).with_inputs(JobInputs {
                    alignments: Some(stamps.alignments.clone()),
                    index: Some(stamps.index.clone()),
                    reference: reference_files.clone(),
                })
            })
            .collect();
        samples.push(PlannedSample {
            sample: s.sample.clone(),
            jobs,
            job_bytes,
        });
    }
    Ok(Plan {
        run_id: run_id.to_owned(),
        build,
        chrom,
        reference: reference_str,
        samples,
        failed,
        job_target,
    })
}

#[cfg(test)]
mod tests;
