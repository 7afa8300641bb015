//! Region results: exact counts where there is evidence, reference blocks elsewhere, calls, QC.

use crate::job::GenomicRegion;
use crate::version::{Versioned, SCHEMA_VERSION};
use serde::{Deserialize, Serialize};

/// Fragment counts of one strand at one position. Each fragment (read pair) counts once.
/// Stored as the array `[a, c, g, t, del]` (a result holds thousands of them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "[u32; 5]", into = "[u32; 5]")]
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

impl From<[u32; 5]> for BaseCounts {
    fn from([a, c, g, t, del]: [u32; 5]) -> Self {
        Self { a, c, g, t, del }
    }
}

impl From<BaseCounts> for [u32; 5] {
    fn from(b: BaseCounts) -> Self {
        [b.a, b.c, b.g, b.t, b.del]
    }
}

impl BaseCounts {
    /// No fragment at all (what a result leaves out).
    pub fn is_zero(&self) -> bool {
        *self == Self::default()
    }

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

/// A multi-nucleotide variant seen in phase: one fragment (its mates merged) differs from the
/// reference at two or more positions within a span of at most three bases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MnvCount {
    /// Reference bases over the span (upper case), e.g. `TC` or `CTC`.
    pub ref_allele: String,
    /// The fragment's bases over the same span; an unchanged middle base is kept
    /// (`CTC` → `ATG`). Same length as `ref_allele`; first and last bases differ from it.
    pub alt_allele: String,
    /// Fragments whose first changed base was counted on the forward strand.
    pub forward: u32,
    /// Fragments whose first changed base was counted on the reverse strand.
    pub reverse: u32,
}

impl MnvCount {
    /// Fragments on both strands.
    pub fn total(&self) -> u32 {
        self.forward + self.reverse
    }
}

/// Exact strand-aware counts at one reported position. Stored as an array (see [`wire`]).
#[derive(Debug, Clone, Default, PartialEq)]
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
    /// Multi-nucleotide variants starting at this position (see [`MnvCount`]), sorted by
    /// alt allele. Every changed position of an MNV is itself a reported site.
    pub mnvs: Vec<MnvCount>,
    /// Of the fragments in `forward` + `reverse`, those whose base here is part of an MNV
    /// recorded at this or an earlier site (every position of its span, an unchanged middle
    /// base included; `del` is always 0). `alt − in_mnv` fragments carry the SNV alone: see
    /// [`SiteCounts::snv_only_support`].
    pub in_mnv: BaseCounts,
    /// The reverse-strand part of `in_mnv` (counted on the strand the base was counted on).
    pub in_mnv_reverse: BaseCounts,
    /// Of the fragments in `forward` + `reverse`, those whose base here lies within
    /// `READ_END_WINDOW` (10) aligned bases of either end of the read it was taken from, soft
    /// clips excluded (for overlapping mates, the mate whose base was counted). `del` is
    /// always 0. An alt seen only near read ends is a classic artefact.
    pub near_read_end: BaseCounts,
    /// Of the fragments in `forward` + `reverse`, those in F1R2 orientation: the first read of
    /// the pair on the forward strand (its mate reverse), or an unpaired read forward. The
    /// rest are F2R1. Damage on one strand of the original molecule (formalin deamination,
    /// oxidation) shows in one orientation only; a real mutation shows in both.
    pub f1r2: BaseCounts,
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

    /// Fragments reading `base` in (F1R2, F2R1) orientation.
    pub fn orientations(&self, base: u8) -> (u32, u32) {
        let f1r2 = self.f1r2.base(base);
        (f1r2, self.base_total(base).saturating_sub(f1r2))
    }

    /// Fragments (forward, reverse) supporting one VCF allele anchored at this site:
    ///
    /// * SNV (`REF` and `ALT` one base): fragments reading `ALT` here, all of them (raw;
    ///   fragments carrying it inside an MNV included — see [`Self::snv_only_support`]);
    /// * insertion (`REF` one base, `ALT` = `REF` + SEQ): the `+SEQ` allele;
    /// * deletion (`ALT` one base, `REF` = `ALT` + N bases): the `-N` allele (the deleted
    ///   bases themselves are not checked: the site does not hold the following reference);
    /// * MNV (`REF` and `ALT` of equal length > 1): the [`MnvCount`] with exactly these alleles.
    ///
    /// Letters are compared case-insensitively. The first base of `REF` must be this site's
    /// reference base, and anything else (complex alleles, `N`, empty) has no support: (0, 0).
    pub fn allele_support(&self, ref_allele: &str, alt: &str) -> (u32, u32) {
        AlleleQuery::new(ref_allele, alt).support(
            self.ref_base,
            |b| (self.forward.base(b), self.reverse.base(b)),
            &self.indels,
            &self.mnvs,
        )
    }

    /// Fragments (forward, reverse) reading `alt` here outside any MNV: the SNV alone
    /// (`alt − in_mnv` on each strand).
    pub fn snv_only_support(&self, alt: u8) -> (u32, u32) {
        let in_mnv_reverse = self.in_mnv_reverse.base(alt);
        let in_mnv_forward = self.in_mnv.base(alt).saturating_sub(in_mnv_reverse);
        (
            self.forward.base(alt).saturating_sub(in_mnv_forward),
            self.reverse.base(alt).saturating_sub(in_mnv_reverse),
        )
    }
}

/// One VCF allele, read once to be looked up at many sites (see
/// [`SiteCounts::allele_support`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlleleQuery {
    /// The first base of `REF` (upper case): a site of another reference base supports nothing.
    ref_first: Option<u8>,
    kind: AlleleKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum AlleleKind {
    /// An SNV to this base (upper case).
    Snv(u8),
    /// An insertion or deletion, as [`AlleleCount::allele`] spells it (`+SEQ`, `-N`).
    Indel(String),
    /// An MNV: `REF` and `ALT` (upper case).
    Mnv(String, String),
    /// Nothing a site can support (complex alleles, `N`, empty).
    Unsupported,
}

impl AlleleQuery {
    /// `REF`/`ALT` (letters in any case).
    pub fn new(ref_allele: &str, alt: &str) -> Self {
        let (r, a) = (ref_allele.to_ascii_uppercase(), alt.to_ascii_uppercase());
        let (rb, ab) = (r.as_bytes(), a.as_bytes());
        let kind = match (rb.len(), ab.len()) {
            (_, 0) => AlleleKind::Unsupported,
            (1, 1) if rb != ab => AlleleKind::Snv(ab[0]),
            (1, n) if n > 1 && ab[0] == rb[0] => AlleleKind::Indel(format!("+{}", &a[1..])),
            (n, 1) if n > 1 && ab[0] == rb[0] => AlleleKind::Indel(format!("-{}", n - 1)),
            (n, m) if n == m && n > 1 => AlleleKind::Mnv(r.clone(), a.clone()),
            _ => AlleleKind::Unsupported,
        };
        Self {
            ref_first: rb.first().copied(),
            kind,
        }
    }

    /// Fragments (forward, reverse) supporting it at a site of reference base `ref_base`,
    /// given the site's per-base fragments (forward, reverse) and its indel and MNV alleles.
    pub fn support(
        &self,
        ref_base: char,
        base: impl Fn(u8) -> (u32, u32),
        indels: &[AlleleCount],
        mnvs: &[MnvCount],
    ) -> (u32, u32) {
        if self.ref_first != Some(ref_base.to_ascii_uppercase() as u8) {
            return (0, 0);
        }
        match &self.kind {
            AlleleKind::Snv(b) => base(*b),
            AlleleKind::Indel(allele) => indels
                .iter()
                .find(|c| &c.allele == allele)
                .map_or((0, 0), |c| (c.forward, c.reverse)),
            AlleleKind::Mnv(r, a) => mnvs
                .iter()
                .find(|c| {
                    c.ref_allele.eq_ignore_ascii_case(r) && c.alt_allele.eq_ignore_ascii_case(a)
                })
                .map_or((0, 0), |c| (c.forward, c.reverse)),
            AlleleKind::Unsupported => (0, 0),
        }
    }
}

/// Reference blocks with depth never run across a line of this grid: a position `p` with
/// `(p - 1) % BLOCK_GRID == 0` (1, 1025, 2049 …; every BAI/CSI window starts on one) always
/// starts one. The planner cuts samples into jobs only on its lines, so a sample's blocks,
/// like its counts, are the same however it is cut (a depth-0 block may be in parts, each
/// of depth 0).
pub const BLOCK_GRID: u64 = 1024;

/// The [`BLOCK_GRID`] line at or before `pos` (1-based): where a block must start, and where
/// the planner may cut a sample.
pub fn grid_line(pos: u64) -> u64 {
    pos.saturating_sub(1) / BLOCK_GRID * BLOCK_GRID + 1
}

/// A run of consecutive positions without reportable alt evidence (the gVCF model), inside
/// one cell of [`BLOCK_GRID`]. Stored as the array `[start, end, min_depth, max_alt]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "(u64, u64, u32, u32)", into = "(u64, u64, u32, u32)")]
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

impl From<(u64, u64, u32, u32)> for ReferenceBlock {
    fn from((start, end, min_depth, max_alt): (u64, u64, u32, u32)) -> Self {
        Self {
            start,
            end,
            min_depth,
            max_alt,
        }
    }
}

impl From<ReferenceBlock> for (u64, u64, u32, u32) {
    fn from(b: ReferenceBlock) -> Self {
        (b.start, b.end, b.min_depth, b.max_alt)
    }
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

impl RegionQc {
    /// Adds another job's counters to these.
    pub fn add(&mut self, q: &RegionQc) {
        self.reads_seen += q.reads_seen;
        self.filtered.add(&q.filtered);
        self.low_base_quality += q.low_base_quality;
        self.discordant_mate_bases += q.discordant_mate_bases;
        self.bytes_fetched += q.bytes_fetched;
        self.requests += q.requests;
        self.chunk_span_bytes += q.chunk_span_bytes;
    }
}

/// Depth at `pos` among a region's sites (in position order; `site` gives a site's position
/// and depth) and reference blocks: exact at a site, the block minimum elsewhere, `None` where
/// neither is.
pub fn depth_among<S>(
    sites: &[S],
    site: impl Fn(&S) -> (u64, u32),
    blocks: &[ReferenceBlock],
    pos: u64,
) -> Option<u32> {
    if let Ok(i) = sites.binary_search_by_key(&pos, |s| site(s).0) {
        return Some(site(&sites[i]).1);
    }
    let i = blocks.partition_point(|b| b.end < pos);
    blocks
        .get(i)
        .filter(|b| b.start <= pos)
        .map(|b| b.min_depth)
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
        depth_among(&self.sites, |s| (s.pos, s.depth()), &self.blocks, pos)
    }
}

impl Versioned for RegionResult {
    const KIND: &'static str = "region result";
    fn schema_version(&self) -> u32 {
        self.schema_version
    }
}

#[cfg(test)]
mod tests;
mod wire;
