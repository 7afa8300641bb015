//! Region results: exact counts where there is evidence, reference blocks elsewhere, calls, QC.

use crate::job::GenomicRegion;
use crate::version::{Versioned, SCHEMA_VERSION};
use serde::{Deserialize, Serialize};

/// Fragment counts of one strand at one position. Each fragment (read pair) counts once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaseCounts {
    /// Fragments reading A.
    pub a: u32,
    /// Fragments reading C.
    pub c: u32,
    /// Fragments reading G.
    pub g: u32,
    /// Fragments reading T.
    pub t: u32,
    /// Fragments with a deletion spanning this position.
    pub del: u32,
}

impl BaseCounts {
    /// Count for a base letter (`A`, `C`, `G`, `T`, upper or lower case); 0 for anything else.
    pub fn base(&self, base: u8) -> u32 {
        match base.to_ascii_uppercase() {
            b'A' => self.a,
            b'C' => self.c,
            b'G' => self.g,
            b'T' => self.t,
            _ => 0,
        }
    }

    /// Adds one fragment reading `base` (`A`/`C`/`G`/`T`); other letters are ignored.
    pub fn add_base(&mut self, base: u8) {
        match base.to_ascii_uppercase() {
            b'A' => self.a += 1,
            b'C' => self.c += 1,
            b'G' => self.g += 1,
            b'T' => self.t += 1,
            _ => {}
        }
    }

    /// All fragments covering the position (bases and spanning deletions).
    pub fn total(&self) -> u32 {
        self.a + self.c + self.g + self.t + self.del
    }
}

/// An indel allele anchored at a position, VCF style (the anchor is the base before it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlleleCount {
    /// `+SEQ` for an insertion of SEQ after the anchor, `-N` for a deletion of N bases after it.
    pub allele: String,
    /// Fragments on the forward strand.
    pub forward: u32,
    /// Fragments on the reverse strand.
    pub reverse: u32,
}

impl AlleleCount {
    /// Fragments on both strands.
    pub fn total(&self) -> u32 {
        self.forward + self.reverse
    }
}

/// Exact strand-aware counts at one reported position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteCounts {
    /// 1-based position.
    pub pos: u64,
    /// Reference base (upper case; `N` where the reference has none).
    pub ref_base: char,
    /// Forward-strand fragments.
    pub forward: BaseCounts,
    /// Reverse-strand fragments.
    pub reverse: BaseCounts,
    /// Insertions after and deletions starting after this position.
    pub indels: Vec<AlleleCount>,
    /// Expected number of fragments showing one specific wrong base by sequencing error alone:
    /// the sum over the bases here of their error probability 10^(-Q/10) / 3.
    pub expected_errors: f64,
}

impl SiteCounts {
    /// Fragments covering the position.
    pub fn depth(&self) -> u32 {
        self.forward.total() + self.reverse.total()
    }

    /// Fragments reading `base` on both strands.
    pub fn base_total(&self, base: u8) -> u32 {
        self.forward.base(base) + self.reverse.base(base)
    }
}

/// A run of consecutive positions without reportable alt evidence (the gVCF model).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferenceBlock {
    /// First position, 1-based.
    pub start: u64,
    /// Last position, 1-based inclusive.
    pub end: u64,
    /// Smallest depth in the block.
    pub min_depth: u32,
    /// Upper bound of alt fragments at any position of the block (below the reporting
    /// threshold, so 0 with the default threshold of one fragment).
    pub max_alt: u32,
}

/// One candidate variant of one sample, with the per-sample test and its verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleCall {
    /// VCF position (for indels, the anchor base).
    pub pos: u64,
    /// VCF REF.
    pub ref_allele: String,
    /// VCF ALT.
    pub alt_allele: String,
    /// Alt fragments, forward strand.
    pub alt_forward: u32,
    /// Alt fragments, reverse strand.
    pub alt_reverse: u32,
    /// Fragments covering the position.
    pub depth: u32,
    /// Alt fragments / depth.
    pub vaf: f64,
    /// P-value of the alt count under sequencing error alone (quality-aware).
    pub error_p: f64,
    /// Empty when the call passes; otherwise the names of the failed filters.
    pub filters: Vec<String>,
}

impl SampleCall {
    /// Alt fragments on both strands.
    pub fn alt_reads(&self) -> u32 {
        self.alt_forward + self.alt_reverse
    }

    /// Whether every filter passed.
    pub fn is_pass(&self) -> bool {
        self.filters.is_empty()
    }

    /// `PASS` or the filters joined by `;`, as in a VCF FILTER column.
    pub fn filter_label(&self) -> String {
        if self.filters.is_empty() {
            "PASS".to_owned()
        } else {
            self.filters.join(";")
        }
    }
}

/// Why reads were not counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterCounts {
    /// Unmapped reads.
    pub unmapped: u64,
    /// Secondary alignments.
    pub secondary: u64,
    /// Supplementary alignments.
    pub supplementary: u64,
    /// Reads failing platform QC.
    pub qc_fail: u64,
    /// PCR or optical duplicates.
    pub duplicate: u64,
    /// Mapping quality below the minimum.
    pub low_mapq: u64,
}

impl FilterCounts {
    /// Adds another set of counts to this one.
    pub fn add(&mut self, other: &Self) {
        self.unmapped += other.unmapped;
        self.secondary += other.secondary;
        self.supplementary += other.supplementary;
        self.qc_fail += other.qc_fail;
        self.duplicate += other.duplicate;
        self.low_mapq += other.low_mapq;
    }

    /// All filtered reads.
    pub fn total(&self) -> u64 {
        self.unmapped
            + self.secondary
            + self.supplementary
            + self.qc_fail
            + self.duplicate
            + self.low_mapq
    }
}

/// Quality-control counters of one job.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionQc {
    /// Reads whose alignment starts in the region (each read is seen by exactly one job).
    pub reads_seen: u64,
    /// Of those, reads filtered out, by reason.
    pub filtered: FilterCounts,
    /// Bases below the minimum base quality (not counted).
    pub low_base_quality: u64,
    /// Positions where the two mates of a fragment disagreed (not evidence).
    pub discordant_mate_bases: u64,
    /// Bytes of the alignment slice read from storage for this job (the per-sample header and
    /// index, fetched once per worker, are not included).
    pub bytes_fetched: u64,
    /// Ranged read requests made for the slice.
    pub requests: u64,
    /// The minimal compressed span of the region's index chunks, in bytes.
    pub chunk_span_bytes: u64,
}

/// What a worker produces for one job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionResult {
    /// Always [`SCHEMA_VERSION`] when written by this build.
    pub schema_version: u32,
    /// The job this is the result of.
    pub job_id: String,
    /// The sample.
    pub sample: String,
    /// The region counted.
    pub region: GenomicRegion,
    /// Exact counts at sites with alt evidence and at every requested site.
    pub sites: Vec<SiteCounts>,
    /// Reference blocks covering every other position of the region.
    pub blocks: Vec<ReferenceBlock>,
    /// Candidate variants with their per-sample test.
    pub calls: Vec<SampleCall>,
    /// Counters.
    pub qc: RegionQc,
}

impl RegionResult {
    /// An empty result for a job, of this schema version.
    pub fn new(job_id: &str, sample: &str, region: GenomicRegion) -> Self {
        Self {
            schema_version: SCHEMA_VERSION,
            job_id: job_id.to_owned(),
            sample: sample.to_owned(),
            region,
            sites: Vec::new(),
            blocks: Vec::new(),
            calls: Vec::new(),
            qc: RegionQc::default(),
        }
    }

    /// Depth at a position of the region: exact at a reported site, the block minimum
    /// elsewhere, `None` outside the region.
    pub fn depth_at(&self, pos: u64) -> Option<u32> {
        if let Ok(i) = self.sites.binary_search_by_key(&pos, |s| s.pos) {
            return Some(self.sites[i].depth());
        }
        let i = self.blocks.partition_point(|b| b.end < pos);
        self.blocks
            .get(i)
            .filter(|b| b.start <= pos)
            .map(|b| b.min_depth)
    }
}

impl Versioned for RegionResult {
    const KIND: &'static str = "region result";
    fn schema_version(&self) -> u32 {
        self.schema_version
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{decode, encode, DecodeError, EventKind, JobEvent, RegionJob};

    fn region() -> GenomicRegion {
        GenomicRegion {
            contig: "chr6".into(),
            start: 100,
            end: 200,
        }
    }

    fn job() -> RegionJob {
        RegionJob::new(
            &crate::RunContext {
                run_id: "run1".into(),
                reference: "/ref.fa.gz".into(),
                params: crate::CallingParams::default(),
                model_version: "m1".into(),
                output: "/out".into(),
            },
            crate::SampleRef {
                patient: "P1".into(),
                sample: "S1".into(),
                day: -3,
                material: crate::Material::Cfdna,
                therapy: "AI".into(),
                alignments: "/data/S1.bam".into(),
                index: None,
            },
            region(),
            vec![150],
        )
    }

    #[test]
    fn result_round_trips_through_json() {
        let mut r = RegionResult::new("j", "S1", region());
        r.sites.push(SiteCounts {
            pos: 150,
            ref_base: 'A',
            forward: BaseCounts {
                a: 10,
                c: 2,
                ..Default::default()
            },
            reverse: BaseCounts::default(),
            indels: vec![AlleleCount {
                allele: "+TT".into(),
                forward: 1,
                reverse: 2,
            }],
            expected_errors: 0.01,
        });
        r.blocks.push(ReferenceBlock {
            start: 100,
            end: 149,
            min_depth: 7,
            max_alt: 0,
        });
        r.qc.filtered.duplicate = 4;
        let back: RegionResult = decode(&encode(&r)).unwrap();
        assert_eq!(back, r);
        assert_eq!(back.depth_at(150), Some(12));
        assert_eq!(back.depth_at(120), Some(7));
        assert_eq!(back.depth_at(180), None);
    }

    #[test]
    fn job_and_event_round_trip_and_job_id_is_content_derived() {
        let j = job();
        let back: RegionJob = decode(&encode(&j)).unwrap();
        assert_eq!(back, j);
        let mut other = job();
        other.run_id = "another-run".into();
        other.output = "/elsewhere".into();
        other.job_id = other.content_id();
        assert_eq!(other.job_id, j.job_id, "run id is not part of the content");
        let mut moved = job();
        moved.region.end = 201;
        assert_ne!(moved.content_id(), j.job_id);

        let e = JobEvent::new(
            "run1",
            &j.job_id,
            "S1",
            EventKind::Failed {
                reason: "corrupt".into(),
            },
            "w1",
        );
        let back: JobEvent = decode(&encode(&e)).unwrap();
        assert_eq!(back, e);
    }

    #[test]
    fn unknown_schema_version_is_rejected_with_a_clear_error() {
        let mut v: serde_json::Value = serde_json::from_slice(&encode(&job())).unwrap();
        v["schema_version"] = serde_json::json!(99);
        let err = decode::<RegionJob>(v.to_string().as_bytes()).unwrap_err();
        assert_eq!(
            err,
            DecodeError::UnsupportedVersion {
                kind: "region job",
                found: Some(99),
                supported: 1
            }
        );
        assert!(err.to_string().contains("schema_version 99"));
        let err = decode::<RegionJob>(b"{\"job_id\":\"x\"}").unwrap_err();
        assert!(err.to_string().contains("no schema_version"), "{err}");
        let err = decode::<RegionJob>(b"not json").unwrap_err();
        assert!(matches!(err, DecodeError::Malformed { .. }));
    }
}
