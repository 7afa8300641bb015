//! Where a small region's records start inside a large BAM index chunk, found by bisection
//! over BGZF blocks instead of decompressing the chunk from its start.
//!
//! A BAI's finest resolution is a 16-kb window: a query for a 10-bp hotspot on a 20,000×
//! sample starts at the first record of its window, tens of MB before the records it needs.
//! In a coordinate-sorted BAM, records lie in file order by start, so the start can be found by
//! probing: read one BGZF block at a byte offset ([`probe`]), find the first record that
//! starts in it (a record boundary is recognised by its fields: sizes that fit, reference ids
//! and positions in range, a NUL-terminated printable name, the bin its position and CIGAR
//! give, and a next record that passes the same checks), read its position, and halve the
//! interval. The records skipped are those that start before the chosen record and lie in the
//! region's finest-level bin (records that cross a 16-kb window boundary lie in coarser bins,
//! whose chunks are read whole: [`bisected_chunks`]); they cannot reach the region when their
//! start lies further before it than the longest alignment span seen in the probed blocks
//! ([`Bisection::margin`]). A rare alignment wholly inside the region's window, longer than
//! every one the probes saw and starting further before the region than that, is the one
//! record this can miss.

use crate::blocks::{header_block_size, inflate_block};
use crate::source::AlignmentSource;
#[cfg(doc)]
use crate::source::CrossingIndex;
use crate::sparse::MAX_BLOCK;
use crate::storage::{pinned_version, Storage, StorageError};
use noodles::bgzf::VirtualPosition;
use noodles::csi::binning_index::index::reference_sequence::bin::Chunk;
use noodles::csi::binning_index::merge_chunks;

/// Bytes fetched per probe: a BGZF block's start is found in them, and the block (BAM blocks
/// compress 64 KiB of records to ~20–30 KiB) usually ends in them; fetched again whole when
/// not.
const PROBE_BYTES: u64 = 40_960;

/// Bisection stops when the interval is this small: one more probe costs about what it saves.
const STOP_GAP: u64 = 2 * PROBE_BYTES;

/// Slack added to the longest span seen: positions are compared with some room to spare.
const MARGIN_SLACK: u64 = 32;

/// Largest BAM record a probe accepts as a boundary (a real one can be larger; it is then
/// simply not chosen as a probe position).
const MAX_RECORD: u32 = 1 << 20;

/// The first record starting in a probed block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Probe {
    /// Where the record starts.
    pub at: VirtualPosition,
    /// Its reference sequence id (`None` for an unplaced record).
    pub rid: Option<usize>,
    /// Its 1-based alignment start (0 when unplaced).
    pub pos: u64,
    /// The longest reference span of the block's records from this one on.
    pub longest_span: u64,
}

/// A BAM in storage as probes read it: pinned to the version whose index was read.
#[derive(Clone, Copy)]
pub struct BamFile<'a> {
    /// Where it is read.
    pub storage: &'a dyn Storage,
    /// The file.
    pub uri: &'a str,
    /// Its size.
    pub size: u64,
    /// The version reads must match (`If-Match` on S3), if known.
    pub version: Option<&'a str>,
    /// Reference sequences in its header.
    pub references: usize,
}

impl<'a> BamFile<'a> {
    /// An opened alignment file, read through `storage`.
    pub fn of(storage: &'a dyn Storage, source: &'a AlignmentSource) -> Self {
        Self {
            storage,
            uri: &source.uri,
            size: source.size,
            version: pinned_version(&source.stamps.alignments),
            references: source.header.reference_sequences().len(),
        }
    }

    fn read(&self, range: std::ops::Range<u64>) -> Result<Vec<u8>, StorageError> {
        self.storage.get_range_if(self.uri, range, self.version)
    }
}

/// What a bisection found and what it cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bisection {
    /// Where to start reading: a record start before which no record reaches the region.
    pub start: VirtualPosition,
    /// The margin used: the longest span seen plus slack.
    pub margin: u64,
    /// Bytes fetched by the probes.
    pub bytes: u64,
    /// Requests made by the probes.
    pub requests: u64,
}

/// Finds where to start reading records of `rid` that may overlap 1-based `region_start`, in
/// the compressed interval `[first.compressed(), end)` of `file`, where `first` is a known
/// record start (the index chunk's). Falls back to `first` whenever a probe cannot tell.
pub fn bisect_start(
    file: BamFile<'_>,
    (first, end): (VirtualPosition, u64),
    (rid, region_start): (usize, u64),
) -> Result<Bisection, StorageError> {
    let (mut lo, mut hi) = (first.compressed(), end.min(file.size));
    let mut accepted: Vec<Probe> = Vec::new();
    let (mut bytes, mut requests) = (0, 0);
    let mut longest = 0;
    while hi > lo && hi - lo > STOP_GAP {
        let mid = lo + (hi - lo) / 2;
        let found = probe(file, mid, hi)?;
        bytes += found.bytes;
        requests += found.requests;
        let Some(p) = found.probe else {
            hi = mid;
            continue;
        };
        longest = longest.max(p.longest_span);
        let before = match p.rid {
            Some(r) => r < rid || (r == rid && p.pos + longest + MARGIN_SLACK < region_start),
            None => false,
        };
        if before && p.at.compressed() < hi {
            lo = p.at.compressed();
            accepted.push(p);
        } else {
            hi = mid;
        }
    }
    let margin = longest + MARGIN_SLACK;
    // Spans seen later may be longer than those an earlier probe was judged with.
    let start = accepted
        .iter()
        .rev()
        .find(|p| p.rid.is_some_and(|r| r < rid) || p.pos + margin < region_start)
        .map_or(first, |p| p.at);
    Ok(Bisection {
        start,
        margin,
        bytes,
        requests,
    })
}

/// The chunks a bisected query reads, merged and in file order: the index `chunks` from the
/// bisected `start` on, and before it the chunks of the coarser bins (`crossing`, from
/// [`CrossingIndex::crossing_chunks`]), read whole. The records skipped are then only those of
/// the region's finest-level bin (a 16-kb window) that start before `start`: records that
/// start and end inside the window, which reach the region only when longer than the margin.
pub fn bisected_chunks(
    chunks: &[(VirtualPosition, VirtualPosition)],
    crossing: &[Chunk],
    start: VirtualPosition,
) -> Vec<(VirtualPosition, VirtualPosition)> {
    let wanted: Vec<Chunk> = chunks
        .iter()
        .filter(|(_, end)| *end > start)
        .map(|&(s, e)| Chunk::new(s.max(start), e))
        .chain(crossing.iter().copied())
        .collect();
    merge_chunks(&wanted)
        .into_iter()
        .map(|c| (c.start(), c.end()))
        .collect()
}

/// A probe's result and its cost.
pub struct Probed {
    /// The record found, if any.
    pub probe: Option<Probe>,
    /// Bytes fetched.
    pub bytes: u64,
    /// Requests made.
    pub requests: u64,
}

/// Reads the first BGZF block that starts at or after byte `offset` and before `limit`, and
/// the first record that starts in it.
pub fn probe(file: BamFile<'_>, offset: u64, limit: u64) -> Result<Probed, StorageError> {
    let (size, references) = (file.size, file.references);
    let mut probed = Probed {
        probe: None,
        bytes: 0,
        requests: 0,
    };
    let end = (offset + PROBE_BYTES).min(size);
    if end <= offset {
        return Ok(probed);
    }
    let mut bytes = file.read(offset..end)?;
    probed.bytes += bytes.len() as u64;
    probed.requests += 1;
    let Some((at, block_size)) = find_block(&bytes, limit.saturating_sub(offset)) else {
        return Ok(probed);
    };
    let block_start = offset + at as u64;
    let block = if at + block_size <= bytes.len() {
        &bytes[at..at + block_size]
    } else {
        // The block runs past what was fetched: fetch it whole.
        bytes = file.read(block_start..(block_start + block_size as u64).min(size))?;
        probed.bytes += bytes.len() as u64;
        probed.requests += 1;
        &bytes[..block_size.min(bytes.len())]
    };
    probed.probe = inflate(block).and_then(|data| first_record(&data, references, block_start));
    Ok(probed)
}

/// The first BGZF block header in `bytes` starting before `limit`: its offset and size.
fn find_block(bytes: &[u8], limit: u64) -> Option<(usize, usize)> {
    let last = bytes.len().min(limit as usize);
    (0..last).find_map(|i| {
        let header = bytes.get(i..)?.first_chunk()?;
        header_block_size(header).map(|size| (i, size))
    })
}

/// A whole BGZF block's data, or `None` when it does not decompress (CRC included).
fn inflate(block: &[u8]) -> Option<Vec<u8>> {
    if block.len() as u64 > MAX_BLOCK {
        return None;
    }
    let mut data = Vec::with_capacity(65_536);
    inflate_block(block, &mut libdeflater::Decompressor::new(), &mut data).ok()?;
    Some(data)
}

/// The first record boundary in a block's data, with the longest span of the records that
/// follow it in the block.
fn first_record(data: &[u8], references: usize, block_offset: u64) -> Option<Probe> {
    let first = (0..data.len()).find(|&o| {
        record_at(data, o, references).is_some_and(|(size, ..)| {
            let next = o + size;
            next + 36 > data.len() || record_at(data, next, references).is_some()
        })
    })?;
    let (_, rid, pos, _) = record_at(data, first, references)?;
    let mut longest = 0;
    let mut o = first;
    while let Some((size, _, _, span)) = record_at(data, o, references) {
        longest = longest.max(span);
        o += size;
    }
    let within = u16::try_from(first).ok()?;
    Some(Probe {
        at: VirtualPosition::try_from((block_offset, within)).ok()?,
        rid,
        pos,
        longest_span: longest,
    })
}

fn le_u16(d: &[u8], o: usize) -> u16 {
    u16::from_le_bytes([d[o], d[o + 1]])
}

fn le_i32(d: &[u8], o: usize) -> i32 {
    i32::from_le_bytes([d[o], d[o + 1], d[o + 2], d[o + 3]])
}

/// Whether a whole BAM record starts at `o`: its size (with the length field), reference id,
/// 1-based start (0 unplaced) and reference span.
fn record_at(d: &[u8], o: usize, references: usize) -> Option<(usize, Option<usize>, u64, u64)> {
    let fixed = d.get(o..o + 36)?;
    let block_size = u32::try_from(le_i32(fixed, 0)).ok()?;
    if !(32..=MAX_RECORD).contains(&block_size) {
        return None;
    }
    let in_range = |id: i32| id == -1 || (id >= 0 && (id as usize) < references);
    let (rid, pos) = (le_i32(fixed, 4), le_i32(fixed, 8));
    let (name_len, bin, cigar_ops) = (
        usize::from(fixed[12]),
        le_u16(fixed, 14),
        usize::from(le_u16(fixed, 16)),
    );
    let seq_len = usize::try_from(le_i32(fixed, 20)).ok()?;
    if !in_range(rid) || !in_range(le_i32(fixed, 24)) || pos < -1 || le_i32(fixed, 28) < -1 {
        return None;
    }
    if (rid == -1) != (pos == -1) || name_len == 0 {
        return None;
    }
    let needed = 32 + name_len + 4 * cigar_ops + seq_len.div_ceil(2) + seq_len;
    if needed > block_size as usize {
        return None;
    }
    let name = d.get(o + 36..o + 36 + name_len)?;
    let (last, text) = name.split_last()?;
    if *last != 0 || !text.iter().all(|b| (b'!'..=b'~').contains(b) && *b != b'@') {
        return None;
    }
    let cigar = d.get(o + 36 + name_len..o + 36 + name_len + 4 * cigar_ops)?;
    let span: u64 = cigar
        .chunks_exact(4)
        .map(|op| {
            let v = u32::from_le_bytes([op[0], op[1], op[2], op[3]]);
            // M, D, N, =, X consume the reference.
            if matches!(v & 0xf, 0 | 2 | 3 | 7 | 8) {
                u64::from(v >> 4)
            } else {
                0
            }
        })
        .sum();
    if cigar.chunks_exact(4).any(|op| op[0] & 0xf > 8) {
        return None;
    }
    if pos >= 0 {
        let beg = pos as u64;
        let end = if span == 0 { beg + 1 } else { beg + span };
        if bin != reg2bin(beg, end) && bin != 4680 {
            return None;
        }
    }
    let rid = usize::try_from(rid).ok();
    let pos = if pos >= 0 { pos as u64 + 1 } else { 0 };
    Some((block_size as usize + 4, rid, pos, span))
}

/// The BAI bin of the 0-based half-open interval `[beg, end)` (SAM/BAM format § 5.3).
fn reg2bin(beg: u64, end: u64) -> u16 {
    let end = end - 1;
    for (shift, offset) in [(14, 4681), (17, 585), (20, 73), (23, 9), (26, 1)] {
        if beg >> shift == end >> shift {
            return (offset + (beg >> shift)) as u16;
        }
    }
    0
}

#[cfg(test)]
mod tests;
