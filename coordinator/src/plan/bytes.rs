//! Jobs of about the same compressed size: a sample's ESR1 span is cut where its index says
//! the bytes add up to the target, not every so many base pairs.
//!
//! A BAI or CSI places the records of every 16-kb window: the offset of the window's first
//! record (its chunks' earliest start), so a window holds about the bytes up to the next
//! window's first record. Windows are gathered until they reach the target; a window alone
//! larger than the target (a deep cfDNA sample's exons) is cut inside by probing its blocks
//! ([`esr1_worker::bisect::probe`]: the position of the first record of the block at a
//! byte offset), into jobs no narrower than [`MIN_JOB_SPAN`]. A CRAM's containers are gathered the same way. The jobs tile the whole span,
//! so hotspots with no reads still get their (zero) depth; stretches without data join the
//! job before them, and no job spans only such a stretch unless the sample has no data there
//! at all (then it has one job over the span).

use esr1_proto::{grid_line, GenomicRegion};
use esr1_worker::bisect::{probe, BamFile};
use esr1_worker::source::{AlignmentSource, SourceIndex};
use esr1_worker::storage::Storage;
use noodles::core::{region::Interval, Position};

/// Default compressed bytes per job, and the largest target [`cohort_target`] picks.
pub const DEFAULT_JOB_BYTES: u64 = 8 << 20;

/// Smallest target [`cohort_target`] picks: below it a job's fixed costs (its sample's
/// header and index, a queue round trip, a result file) weigh as much as its data.
pub const AUTO_MIN_JOB_BYTES: u64 = 256 << 10;

/// Smallest target accepted (below it jobs would be all overhead).
pub const MIN_JOB_BYTES: u64 = 64 << 10;

/// Narrowest job a window is cut into, in base pairs. Each job also reads the records that
/// start up to one alignment span before it (they may reach into it), so a job only a few
/// read lengths wide decodes many records twice: at 2,000 bp and cfDNA reads that is about a
/// tenth more, while a 20,000x sample's exons 7-8 still give several jobs.
pub const MIN_JOB_SPAN: u64 = 2_000;

/// A BAI's window: 2^14 bp.
const WINDOW_SHIFT: u64 = 14;

/// One planned job: its region and the compressed bytes the index gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SizedRegion {
    /// The region.
    pub region: GenomicRegion,
    /// Estimated compressed bytes of its records.
    pub bytes: u64,
}

/// A stretch of the span with data: its first position and its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    start: u64,
    bytes: u64,
}

/// What planning needs of one sample, taken from its index while it is open (a few dozen
/// numbers, so a cohort's samples need not all stay open until the cohort's job target is
/// known): where its data lies over the span, and where to probe inside a heavy window.
#[derive(Debug, Clone)]
pub struct SampleLayout {
    /// BAM/CSI: the 16-kb windows with data ([`windows`]); CRAM: its containers' pieces.
    layout: Layout,
    uri: String,
    size: u64,
    version: Option<String>,
    references: usize,
}

#[derive(Debug, Clone)]
enum Layout {
    Windows(Vec<(u64, u64, u64, u64)>),
    Pieces(Vec<Piece>),
}

impl SampleLayout {
    /// The layout of `contig:start-end` of `source`, read through `storage` (no block is
    /// read here).
    pub fn of(
        storage: &dyn Storage,
        source: &AlignmentSource,
        contig: &str,
        (start, end): (u64, u64),
    ) -> Self {
        let rid = source
            .header
            .reference_sequences()
            .get_index_of(contig.as_bytes());
        let layout = match (rid, &source.index) {
            (None, _) => Layout::Pieces(Vec::new()),
            (Some(rid), SourceIndex::Binning(index)) => {
                Layout::Windows(windows(index.as_ref(), rid, (start, end)))
            }
            (Some(rid), SourceIndex::Crai(index)) => {
                Layout::Pieces(containers(index, rid, (start, end), source.size))
            }
        };
        // The file as probes read it (`BamFile::of`), kept without borrowing the source.
        let file = BamFile::of(storage, source);
        Self {
            layout,
            uri: file.uri.to_owned(),
            size: file.size,
            version: file.version.map(str::to_owned),
            references: file.references,
        }
    }

    /// Compressed bytes of the span as the index gives them: what its jobs share out.
    pub fn bytes(&self) -> u64 {
        match &self.layout {
            Layout::Windows(windows) => windows.iter().map(|&(_, _, from, to)| to - from).sum(),
            Layout::Pieces(pieces) => pieces.iter().map(|p| p.bytes).sum(),
        }
    }

    /// Cuts `contig:start-end` (the span the layout was taken of) into regions of about
    /// `target` compressed bytes, probing heavy windows through `storage`.
    pub fn plan(
        &self,
        storage: &dyn Storage,
        contig: &str,
        span: (u64, u64),
        target: u64,
    ) -> Vec<SizedRegion> {
        let target = target.max(MIN_JOB_BYTES);
        match &self.layout {
            Layout::Windows(windows) => {
                let file = BamFile {
                    storage,
                    uri: &self.uri,
                    size: self.size,
                    version: self.version.as_deref(),
                    references: self.references,
                };
                group(contig, span, &split_heavy(file, windows, target), target)
            }
            Layout::Pieces(pieces) => group(contig, span, pieces, target),
        }
    }
}

/// How much larger than the median job the largest may be planned ([`cohort_target`]); the
/// jobs come out within half a piece of their planned size, so this leaves room under 2.
pub const BALANCE: f64 = 1.75;

/// The job target for a cohort whose samples hold `sizes` compressed bytes over ESR1 (those
/// without data left out): the largest power of two within
/// [`AUTO_MIN_JOB_BYTES`]..=[`DEFAULT_JOB_BYTES`] whose jobs keep the largest within
/// [`BALANCE`] times the median one — the fewest jobs that still share out evenly, since
/// every job costs a queue round trip, its sample's header and index and a result file
/// whatever its size. A sample up to the target is one job; a larger one (plasma at
/// thousands-fold depth beside shallow biopsies) is cut into as many jobs of equal size as
/// the target requires, so a deep sample is shared by several workers. When no target
/// balances (samples of wildly different sizes), twice the median sample rounded down to a
/// power of two. The power of two keeps the target, and so the jobs and the results a rerun
/// can reuse, unchanged when a few samples join the cohort.
pub fn cohort_target(sizes: &[u64]) -> u64 {
    let mut sizes: Vec<u64> = sizes.iter().copied().filter(|&b| b > 0).collect();
    if sizes.is_empty() {
        return DEFAULT_JOB_BYTES;
    }
    let candidates = std::iter::successors(Some(DEFAULT_JOB_BYTES), |t| Some(t / 2))
        .take_while(|&t| t >= AUTO_MIN_JOB_BYTES);
    for target in candidates {
        if planned_balance(&sizes, target) <= BALANCE {
            return target;
        }
    }
    let middle = sizes.len() / 2;
    let median = *sizes.select_nth_unstable(middle).1;
    let twice = median.saturating_mul(2).max(1);
    (1u64 << twice.ilog2()).clamp(AUTO_MIN_JOB_BYTES, DEFAULT_JOB_BYTES)
}

/// The largest job over the median job (the mean of the middle two for an even count) when
/// samples of `sizes` bytes are each cut into `ceil(size / target)` equal jobs.
fn planned_balance(sizes: &[u64], target: u64) -> f64 {
    let mut jobs: Vec<(u64, u64)> = sizes
        .iter()
        .map(|&s| {
            let k = s.div_ceil(target).max(1);
            (s / k, k)
        })
        .collect();
    jobs.sort_unstable();
    let count: u64 = jobs.iter().map(|&(_, k)| k).sum();
    // The job sizes at 0-based ranks `rank`, walking the sorted (size, copies) runs.
    let at = |rank: u64| {
        let mut seen = 0;
        for &(size, k) in &jobs {
            seen += k;
            if rank < seen {
                return size;
            }
        }
        jobs.last().map_or(0, |&(size, _)| size)
    };
    let median = if count % 2 == 1 {
        at(count / 2) as f64
    } else {
        (at(count / 2 - 1) as f64 + at(count / 2) as f64) / 2.0
    };
    let largest = jobs.last().map_or(0, |&(size, _)| size) as f64;
    if median > 0.0 {
        largest / median
    } else {
        f64::INFINITY
    }
}

/// The 16-kb windows of the span that hold data: (first position, last position, offset of
/// the first record, offset where the next window's records begin).
fn windows(
    index: &(dyn noodles::csi::BinningIndex + Send + Sync),
    rid: usize,
    (start, end): (u64, u64),
) -> Vec<(u64, u64, u64, u64)> {
    let mut found: Vec<(u64, u64, u64, u64)> = Vec::new();
    let (first, last) = ((start - 1) >> WINDOW_SHIFT, (end - 1) >> WINDOW_SHIFT);
    for w in first..=last {
        let ws = start.max((w << WINDOW_SHIFT) + 1);
        let we = end.min((w + 1) << WINDOW_SHIFT);
        let (Ok(s), Ok(e)) = (
            Position::try_from(ws as usize),
            Position::try_from(we as usize),
        ) else {
            continue;
        };
        let chunks = index.query(rid, Interval::from(s..=e)).unwrap_or_default();
        let first_record = chunks.iter().map(|c| c.start().compressed()).min();
        let data_end = chunks.iter().map(|c| c.end().compressed()).max();
        if let (Some(from), Some(to)) = (first_record, data_end) {
            found.push((ws, we, from, to));
        }
    }
    // A window's bytes run to the next window's first record (the last one's to its end).
    let mut out = Vec::with_capacity(found.len());
    for i in 0..found.len() {
        let (ws, we, from, to) = found[i];
        let next = found.get(i + 1).map_or(to, |n| n.2.max(from));
        out.push((ws, we, from, next.max(from)));
    }
    out
}

/// Pieces of the windows: one per window, or several for a window above the target, cut at
/// the positions of records found by probing its bytes at even intervals.
fn split_heavy(file: BamFile<'_>, windows: &[(u64, u64, u64, u64)], target: u64) -> Vec<Piece> {
    let mut pieces = Vec::new();
    for &(ws, we, from, to) in windows {
        let bytes = to - from;
        let jobs = bytes.div_ceil(target);
        if jobs <= 1 || we + 1 - ws < 2 * MIN_JOB_SPAN {
            pieces.push(Piece { start: ws, bytes });
            continue;
        }
        // Probe k - 1 even byte offsets, PROBES_PER_JOB stretches per job wanted: (first
        // position, compressed offset of its first record) of each stretch between them.
        // Jobs are then gathered from several stretches each and come out about equal; a
        // single cut could fall within the minimum span of the window's start (or find no
        // record) and leave the whole window one job.
        let k = (jobs * PROBES_PER_JOB).min(MAX_PROBES);
        let mut cuts = vec![(ws, from)];
        for j in 1..k {
            let offset = from + bytes * j / k;
            let Ok(found) = probe(file, offset, to) else {
                continue;
            };
            let Some(p) = found.probe else { continue };
            let (last, _) = cuts.last().copied().unwrap_or((ws, from));
            if p.rid.is_some() && p.pos > last && p.pos <= we {
                cuts.push((p.pos, p.at.compressed().clamp(from, to)));
            }
        }
        let stretches: Vec<Piece> = cuts
            .iter()
            .zip(cuts.iter().skip(1).map(|&(_, at)| at).chain([to]))
            .map(|(&(start, at), end)| Piece {
                start,
                bytes: end.saturating_sub(at),
            })
            .collect();
        pieces.extend(balanced(&stretches, we, target));
    }
    pieces
}

/// Most probes into one window.
const MAX_PROBES: u64 = 64;

/// Stretches probed per job a heavy window is cut into.
const PROBES_PER_JOB: u64 = 4;

/// Gathers a window's probed stretches (in position order; the window ends at `we`) into
/// pieces of about the same bytes, none narrower than [`MIN_JOB_SPAN`]: as many as the
/// target allows, but no more than the data's span (estimated from the probed positions,
/// which lie at even byte offsets) holds pieces of the minimum width.
fn balanced(stretches: &[Piece], we: u64, target: u64) -> Vec<Piece> {
    let total: u64 = stretches.iter().map(|p| p.bytes).sum();
    let n = stretches.len() as u64;
    let span = match stretches {
        [_, first, .., last] if n >= 3 => (last.start - first.start) * n / (n - 2),
        _ => we + 1 - stretches.first().map_or(we, |p| p.start),
    };
    let jobs = (span / MIN_JOB_SPAN).clamp(1, total.div_ceil(target).max(1));
    let per_job = total.div_ceil(jobs);
    let mut out: Vec<Piece> = Vec::new();
    for p in stretches {
        match out.last_mut() {
            Some(cur) if cur.bytes < per_job || p.start < cur.start + MIN_JOB_SPAN => {
                cur.bytes += p.bytes;
            }
            _ => out.push(*p),
        }
    }
    // The last piece too must be wide and large enough, or it joins the one before.
    if out.len() >= 2 {
        let last = out[out.len() - 1];
        if we + 1 - last.start < MIN_JOB_SPAN || last.bytes * 2 < per_job {
            out.pop();
            if let Some(prev) = out.last_mut() {
                prev.bytes += last.bytes;
            }
        }
    }
    out
}

/// CRAM: one piece per container of the span (bytes to the next container).
fn containers(
    index: &noodles::cram::crai::Index,
    rid: usize,
    (start, end): (u64, u64),
    size: u64,
) -> Vec<Piece> {
    let mut offsets: Vec<u64> = index.iter().map(|r| r.offset()).collect();
    offsets.sort_unstable();
    offsets.dedup();
    let mut pieces: Vec<Piece> = index
        .iter()
        .filter(|r| r.reference_sequence_id() == Some(rid))
        .filter_map(|r| {
            let s = r.alignment_start().map(|p| usize::from(p) as u64)?;
            let e = s + r.alignment_span() as u64;
            (s <= end && e > start).then(|| {
                let i = offsets.partition_point(|&o| o <= r.offset());
                let next = offsets.get(i).copied().unwrap_or(size).min(size);
                Piece {
                    start: s.max(start),
                    bytes: next.saturating_sub(r.offset()),
                }
            })
        })
        .collect();
    pieces.sort_by_key(|p| p.start);
    pieces
}

/// Gathers pieces into regions tiling `start..=end`, as many as `target` requires and each
/// about the same size (a sample of 2.2 targets is three jobs of 0.73, not two full ones and
/// a sliver): a region ends before the piece whose middle lies past its share of the bytes.
/// Cuts fall only on [`esr1_proto::BLOCK_GRID`] lines (a piece's start is moved back to the
/// line before it; a piece whose line is not past the region's start stays in it).
fn group(
    contig: &str,
    (start, end): (u64, u64),
    pieces: &[Piece],
    target: u64,
) -> Vec<SizedRegion> {
    let mut out: Vec<SizedRegion> = Vec::new();
    let region = |s: u64, e: u64| GenomicRegion {
        contig: contig.to_owned(),
        start: s,
        end: e,
    };
    let mut current = SizedRegion {
        region: region(start, end),
        bytes: 0,
    };
    let total: u128 = pieces.iter().map(|p| u128::from(p.bytes)).sum();
    let jobs = total.div_ceil(u128::from(target.max(1))).max(1);
    let mut before = 0u128;
    for p in pieces {
        let cut = grid_line(p.start);
        // The piece's middle past the end of this region's share (job n ends at n/jobs of
        // the total), in doubled units to stay in integers.
        let past = (2 * before + u128::from(p.bytes)) * jobs > 2 * total * (out.len() as u128 + 1);
        before += u128::from(p.bytes);
        if current.bytes > 0 && past && cut > current.region.start {
            let mut done = current.clone();
            done.region.end = cut - 1;
            out.push(done);
            current = SizedRegion {
                region: region(cut, end),
                bytes: 0,
            };
        }
        current.bytes += p.bytes;
    }
    out.push(current);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use esr1_proto::BLOCK_GRID;

    fn piece(start: u64, bytes: u64) -> Piece {
        Piece { start, bytes }
    }

    #[test]
    fn pieces_gather_to_the_target_and_the_regions_tile_the_span_cut_on_the_grid() {
        let pieces = [
            piece(1_100, 3),
            piece(2_100, 3),
            piece(3_100, 3),
            piece(5_000, 10),
            piece(9_000, 1),
            // Its grid line is the last region's start: it stays in that region.
            piece(9_100, 6),
        ];
        let regions = group("chr6", (1, 10_000), &pieces, 6);
        let spans: Vec<(u64, u64, u64)> = regions
            .iter()
            .map(|r| (r.region.start, r.region.end, r.bytes))
            .collect();
        assert_eq!(
            spans,
            vec![
                (1, 3_072, 6),
                (3_073, 4_096, 3),
                (4_097, 8_192, 10),
                (8_193, 10_000, 7)
            ]
        );
        // Every cut is a grid line, so each job starts its blocks where one job over the
        // whole span would.
        assert!(regions[1..]
            .iter()
            .all(|r| (r.region.start - 1) % BLOCK_GRID == 0));
    }

    #[test]
    fn a_cohort_target_is_the_largest_that_keeps_its_jobs_balanced() {
        // Biopsies of ~130 KB and plasma of ~750 KB: 512 KiB cuts each plasma sample in two
        // (376 KB), the largest job 1.47 times the median one; at 1 MiB the plasma would be
        // one job each, 5.6 times the median biopsy.
        let mut sizes = vec![0, 0];
        for _ in 0..100 {
            sizes.extend([131_000, 135_000, 753_000]);
        }
        assert_eq!(cohort_target(&sizes), 512 << 10);
        assert!(planned_balance(&sizes[2..], 512 << 10) <= BALANCE);
        assert!(planned_balance(&sizes[2..], 1 << 20) > BALANCE);
        // A few more samples do not move it (the jobs, and so the reusable results, stay).
        sizes.extend([300_000; 10]);
        assert_eq!(cohort_target(&sizes), 512 << 10);
        // Samples of one size, tiny or deep: the default (deep ones cut into equal jobs);
        // none: the default.
        assert_eq!(cohort_target(&[80 << 20, 90 << 20]), DEFAULT_JOB_BYTES);
        assert_eq!(cohort_target(&[3_000, 5_000]), DEFAULT_JOB_BYTES);
        assert_eq!(cohort_target(&[1_500_000]), DEFAULT_JOB_BYTES);
        assert_eq!(cohort_target(&[0, 0]), DEFAULT_JOB_BYTES);
        assert_eq!(cohort_target(&[]), DEFAULT_JOB_BYTES);
        // No target balances one sample a hundred times the others (it stays one job even at
        // the floor): twice the median, at the floor.
        assert_eq!(
            cohort_target(&[1_000, 1_000, 1_000, 1_000, 1_000, 100_000]),
            AUTO_MIN_JOB_BYTES
        );
    }

    #[test]
    fn a_sample_over_the_target_is_cut_into_equal_jobs_not_full_ones_and_a_sliver() {
        // 22 pieces of 1 byte, target 10: three jobs of 7-8 bytes (greedy filling would
        // give 10, 10 and 2).
        let pieces: Vec<Piece> = (0..22).map(|i| piece(1 + i * BLOCK_GRID, 1)).collect();
        let regions = group("chr6", (1, 22 * BLOCK_GRID), &pieces, 10);
        let bytes: Vec<u64> = regions.iter().map(|r| r.bytes).collect();
        assert_eq!(bytes, vec![7, 8, 7], "{regions:?}");
        assert!(regions
            .windows(2)
            .all(|w| w[0].region.end + 1 == w[1].region.start));
        assert_eq!(regions.last().map(|r| r.region.end), Some(22 * BLOCK_GRID));
    }

    #[test]
    fn a_span_without_data_is_one_job() {
        let regions = group("6", (10, 20), &[], 6);
        assert_eq!(regions.len(), 1);
        assert_eq!((regions[0].region.start, regions[0].region.end), (10, 20));
        assert_eq!(regions[0].bytes, 0);
    }
}
