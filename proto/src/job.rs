//! Region jobs: one sample × one genomic region, with everything a worker needs.

use crate::hash::stable_hash_hex;
use crate::sample::SampleRef;
use crate::version::{Versioned, SCHEMA_VERSION};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A closed, 1-based genomic interval on one contig.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct GenomicRegion {
    /// Contig name as spelled in the sample's header (`chr6`, `6` …).
    pub contig: String,
    /// First position, 1-based inclusive.
    pub start: u64,
    /// Last position, 1-based inclusive.
    pub end: u64,
}

impl GenomicRegion {
    /// Number of positions in the region.
    pub fn len(&self) -> u64 {
        self.end.saturating_sub(self.start) + 1
    }

    /// Whether the region holds no positions (never true for a validated region).
    pub fn is_empty(&self) -> bool {
        self.end < self.start
    }

    /// Whether `pos` lies in the region.
    pub fn contains(&self, pos: u64) -> bool {
        (self.start..=self.end).contains(&pos)
    }
}

impl fmt::Display for GenomicRegion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}-{}", self.contig, self.start, self.end)
    }
}

/// Read filters and calling thresholds; part of a job's identity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallingParams {
    /// Reads with a lower mapping quality are ignored.
    pub min_mapq: u8,
    /// Bases with a lower base quality are ignored.
    pub min_base_quality: u8,
    /// A call needs at least this many alt fragments.
    pub min_alt_reads: u32,
    /// A call needs at least this allele fraction.
    pub min_vaf: f64,
    /// A call needs the quality-aware error test below this p-value.
    pub max_error_p: f64,
    /// A site is reported with full counts when it has at least this many alt fragments.
    pub min_alt_to_report: u32,
    /// Reference blocks break when depth leaves `[min, min × (1 + band)]`.
    pub block_depth_band: f64,
}

impl Default for CallingParams {
    fn default() -> Self {
        Self {
            min_mapq: 20,
            min_base_quality: 20,
            min_alt_reads: 3,
            // Plasma ESR1 testing reaches ~0.1 % (ddPCR). The floor sits below it so that a
            // 0.1 % variant whose observed fraction falls under 0.1 % by sampling is not lost;
            // the cohort background test, not this floor, decides at low fractions.
            min_vaf: 0.0005,
            // Base qualities are a secondary check: the cohort background is the main test.
            max_error_p: 1e-3,
            min_alt_to_report: 1,
            block_depth_band: 0.25,
        }
    }
}

/// What every job of a run shares.
#[derive(Debug, Clone, PartialEq)]
pub struct RunContext {
    /// The run id.
    pub run_id: String,
    /// Reference FASTA.
    pub reference: String,
    /// Filters and thresholds.
    pub params: CallingParams,
    /// Version of the counting model.
    pub model_version: String,
    /// The run's output location.
    pub output: String,
}

/// One input file as the planner saw it: its size and version. A job's id includes these, so
/// a file replaced at the same path gives new jobs, never the old stored results.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct FileStamp {
    /// The file (path or URI).
    pub uri: String,
    /// Size in bytes.
    pub size: u64,
    /// ETag (S3) or modification time in nanoseconds since the epoch (local files); empty
    /// when the store reports neither.
    pub version: String,
    /// Content checksum, with `--verify-inputs` only: `sha256-ends-64k:<hex>` (SHA-256 of an
    /// alignment file's first and last 64 KiB) or `sha256:<hex>` (of a whole index). Absent
    /// from the message (and the job id) when not computed, so jobs without it keep their ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
}

impl FileStamp {
    /// Whether `other` is the same file at the same size and version (checksums aside).
    pub fn same_version(&self, other: &FileStamp) -> bool {
        self.uri == other.uri && self.size == other.size && self.version == other.version
    }
}

impl fmt::Display for FileStamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({} bytes, version {}",
            self.uri, self.size, self.version
        )?;
        match &self.checksum {
            Some(c) => write!(f, ", {c})"),
            None => write!(f, ")"),
        }
    }
}

/// What a job reads, stamped when it was planned; the worker checks the files again before it
/// counts. Empty in jobs of builds that did not stamp their inputs (nothing is checked then).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct JobInputs {
    /// The alignment file.
    pub alignments: Option<FileStamp>,
    /// The index actually used.
    pub index: Option<FileStamp>,
    /// The reference FASTA and its indexes (`.fai`, `.gzi` when present).
    pub reference: Vec<FileStamp>,
}

impl JobInputs {
    /// Every stamped file.
    pub fn files(&self) -> impl Iterator<Item = &FileStamp> {
        self.alignments
            .iter()
            .chain(self.index.iter())
            .chain(self.reference.iter())
    }
}

/// Length of a job id: the hex digest of [`stable_hash_hex`].
pub const JOB_ID_LEN: usize = 32;

/// Whether `id` has the shape of a job id (lowercase hex of [`JOB_ID_LEN`] characters), so it
/// is safe as an object name.
pub fn is_valid_job_id(id: &str) -> bool {
    id.len() == JOB_ID_LEN && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// One unit of work: count one region of one sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionJob {
    /// Always [`SCHEMA_VERSION`] when written by this build.
    pub schema_version: u32,
    /// Stable content-derived id (see [`RegionJob::new`]).
    pub job_id: String,
    /// The run this job belongs to.
    pub run_id: String,
    /// The sample to read.
    pub sample: SampleRef,
    /// The region to count.
    pub region: GenomicRegion,
    /// Reference FASTA (bgzip or plain, with `.fai`) for reference bases.
    pub reference: String,
    /// Positions reported with full counts even without alt evidence (known hotspots).
    pub report_sites: Vec<u64>,
    /// Filters and thresholds.
    pub params: CallingParams,
    /// Version of the counting model, so results of an older model are never mixed in.
    pub model_version: String,
    /// The run's output location: where the worker writes the result object (not part of
    /// the job's identity).
    pub output: String,
    /// Sizes and versions of the files the job reads (part of its identity).
    #[serde(default)]
    pub inputs: JobInputs,
}

impl RegionJob {
    /// Builds a job whose id is a hash of everything that determines its result (not the run
    /// id or output location: the same work in two runs is the same job).
    pub fn new(
        run: &RunContext,
        sample: SampleRef,
        region: GenomicRegion,
        report_sites: Vec<u64>,
    ) -> Self {
        let mut job = Self {
            schema_version: SCHEMA_VERSION,
            job_id: String::new(),
            run_id: run.run_id.clone(),
            sample,
            region,
            reference: run.reference.clone(),
            report_sites,
            params: run.params.clone(),
            model_version: run.model_version.clone(),
            output: run.output.clone(),
            inputs: JobInputs::default(),
        };
        job.job_id = job.content_id();
        job
    }

    /// The job reading `inputs` as stamped (its id changes with them).
    pub fn with_inputs(mut self, inputs: JobInputs) -> Self {
        self.inputs = inputs;
        self.job_id = self.content_id();
        self
    }

    /// The content hash of the job (all fields but `job_id`, `run_id` and `output`), as
    /// [`JOB_ID_LEN`] lowercase hex characters.
    pub fn content_id(&self) -> String {
        let content = serde_json::json!({
            "schema_version": self.schema_version,
            "sample": self.sample,
            "region": self.region,
            "reference": self.reference,
            "report_sites": self.report_sites,
            "params": self.params,
            "model_version": self.model_version,
            "inputs": self.inputs,
        });
        stable_hash_hex(content.to_string().as_bytes())
    }
}

/// Most jobs one [`JobBundle`] holds.
pub const MAX_BUNDLE_JOBS: usize = 64;

/// Several small jobs sent as one message, run one after another by the worker that takes
/// it: the broker then stores, delivers and settles one message for all of them (its work
/// per message, not the counting, bounds a cohort of small samples). Each job keeps its own
/// id, result and event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobBundle {
    /// Always [`SCHEMA_VERSION`] when written by this build.
    pub schema_version: u32,
    /// The jobs, in the order they are run (1 to [`MAX_BUNDLE_JOBS`]).
    pub jobs: Vec<RegionJob>,
}

impl JobBundle {
    /// A bundle of `jobs`, of this schema version.
    pub fn new(jobs: Vec<RegionJob>) -> Self {
        Self {
            schema_version: SCHEMA_VERSION,
            jobs,
        }
    }
}

/// The message that carries `jobs`: the job itself when there is one, else a [`JobBundle`]
/// of them (encoded from borrowed jobs: nothing is cloned).
pub fn encode_jobs(jobs: &[&RegionJob]) -> Vec<u8> {
    /// [`JobBundle`]'s shape over borrowed jobs.
    #[derive(Serialize)]
    struct Borrowed<'a> {
        schema_version: u32,
        jobs: &'a [&'a RegionJob],
    }
    // Serialising these plain structs cannot fail: no maps with non-string keys, no I/O.
    match jobs {
        [job] => serde_json::to_vec(job),
        _ => serde_json::to_vec(&Borrowed {
            schema_version: SCHEMA_VERSION,
            jobs,
        }),
    }
    .unwrap_or_default()
}

impl Versioned for JobBundle {
    const KIND: &'static str = "job bundle";
    fn schema_version(&self) -> u32 {
        self.schema_version
    }
}

impl Versioned for RegionJob {
    const KIND: &'static str = "region job";
    fn schema_version(&self) -> u32 {
        self.schema_version
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::Material;

    fn job() -> RegionJob {
        RegionJob::new(
            &RunContext {
                run_id: "r".into(),
                reference: "/ref.fa".into(),
                params: CallingParams::default(),
                model_version: "m".into(),
                output: "/out".into(),
            },
            SampleRef {
                patient: "P".into(),
                sample: "S".into(),
                day: 0,
                material: Material::Tumor,
                therapy: "AI".into(),
                alignments: "/s.bam".into(),
                index: None,
            },
            GenomicRegion {
                contig: "chr6".into(),
                start: 1,
                end: 10,
            },
            vec![],
        )
    }

    #[test]
    fn a_changed_input_file_changes_the_job_id() {
        let stamp = |version: &str| FileStamp {
            uri: "/s.bam".into(),
            size: 10,
            version: version.into(),
            checksum: None,
        };
        let a = job().with_inputs(JobInputs {
            alignments: Some(stamp("1")),
            ..JobInputs::default()
        });
        let b = job().with_inputs(JobInputs {
            alignments: Some(stamp("2")),
            ..JobInputs::default()
        });
        assert_ne!(a.job_id, b.job_id);
        assert_ne!(a.job_id, job().job_id);
        assert!(is_valid_job_id(&a.job_id), "{}", a.job_id);
        assert_eq!(a.job_id, a.content_id());
        // A content checksum is part of the identity; its absence leaves the id as it was.
        let with_checksum = |c: &str| {
            job().with_inputs(JobInputs {
                alignments: Some(FileStamp {
                    checksum: Some(c.into()),
                    ..stamp("1")
                }),
                ..JobInputs::default()
            })
        };
        assert_ne!(with_checksum("sha256:aa").job_id, a.job_id);
        assert_ne!(
            with_checksum("sha256:aa").job_id,
            with_checksum("sha256:bb").job_id
        );
        let text = serde_json::to_string(&a).unwrap_or_default();
        assert!(!text.contains("checksum"), "{text}");
        assert!(stamp("1").same_version(&FileStamp {
            checksum: Some("sha256:aa".into()),
            ..stamp("1")
        }));
    }

    #[test]
    fn only_lowercase_hex_digests_of_the_right_length_are_job_ids() {
        assert!(!is_valid_job_id("../../../x"));
        assert!(!is_valid_job_id(&"A".repeat(JOB_ID_LEN)));
        assert!(!is_valid_job_id(&"a".repeat(JOB_ID_LEN - 1)));
        assert!(!is_valid_job_id(""));
        assert!(is_valid_job_id(&"0f".repeat(JOB_ID_LEN / 2)));
    }

    #[test]
    fn a_job_without_inputs_still_decodes() {
        let mut v = serde_json::to_value(job()).unwrap_or_default();
        if let Some(o) = v.as_object_mut() {
            o.remove("inputs");
        }
        let back: RegionJob = serde_json::from_value(v).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, job());
    }
}
