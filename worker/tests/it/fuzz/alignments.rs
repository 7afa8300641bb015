//! Fuzz targets: the slice reader (header, index, slice planning, ranged fetch, BGZF/CRAM
//! decoding, record decoding, pileup) run as a worker runs a job, on a real small BAM and
//! CRAM whose bytes are mutated — raw bytes of the file and of its index, and, for the BAM,
//! the decompressed bytes of one BGZF block re-compressed with the index's offsets moved to
//! match, so the mutations reach the record decoder and the counter instead of stopping at
//! the block checksum. Every case must end in a result or an error, never a panic.

use super::storage::MemoryStorage;
use super::{cases, mutate, mutations, Mutation};
use esr1_proto::{CallingParams, GenomicRegion, Material, RegionJob, RunContext, SampleRef};
use esr1_simulate::{simulate, AlignmentFormat, SimulateOptions};
use esr1_worker::{run_job, Caches};
use noodles::bgzf;
use noodles::cram::crai;
use proptest::prelude::*;
use std::io::{Read, Write};
use std::sync::OnceLock;

/// The seed files: one sample as BAM + BAI and the reference, and as CRAM + CRAI (simulated
/// on first use: each test runs in a process of its own under nextest).
pub(super) struct Seeds {
    bam: Vec<u8>,
    bai: Vec<u8>,
    pub(super) reference: [Vec<u8>; 3],
    cram: OnceLock<[Vec<u8>; 2]>,
    csi: OnceLock<Vec<u8>>,
}

/// The files of sample P01_C1 of the seed cohort in `format`, and its reference's path.
fn simulate_seed(format: AlignmentFormat, dir: &std::path::Path) -> std::path::PathBuf {
    simulate(&SimulateOptions {
        format,
        out: dir.to_path_buf(),
        patients: 7,
        seed: 11,
        depth_scale: 0.05,
        ..SimulateOptions::default()
    })
    .unwrap_or_else(|e| panic!("{e}"))
    .reference
}

fn read(p: &std::path::Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

impl Seeds {
    /// The CRAM and its CRAI (same reads and reference as the BAM).
    fn cram(&self) -> &[Vec<u8>; 2] {
        self.cram.get_or_init(|| {
            let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
            simulate_seed(AlignmentFormat::Cram, dir.path());
            let bams = dir.path().join("bams");
            [
                read(&bams.join("P01_C1.cram")),
                read(&bams.join("P01_C1.cram.crai")),
            ]
        })
    }
}

impl Seeds {
    /// A CSI of the seed BAM, made by `samtools index -c`.
    fn csi(&self) -> &[u8] {
        self.csi.get_or_init(|| {
            let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
            let bam = dir.path().join("s.bam");
            std::fs::write(&bam, &self.bam).unwrap_or_else(|e| panic!("{e}"));
            let status = std::process::Command::new("samtools")
                .args(["index", "-c"])
                .arg(&bam)
                .status()
                .unwrap_or_else(|e| panic!("samtools (Debian package samtools): {e}"));
            assert!(status.success(), "samtools index -c failed");
            read(&dir.path().join("s.bam.csi"))
        })
    }
}

pub(super) fn seeds() -> &'static Seeds {
    static SEEDS: OnceLock<Seeds> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let fa = simulate_seed(AlignmentFormat::Bam, dir.path());
        let side = |ext: &str| {
            let mut p = fa.clone().into_os_string();
            p.push(ext);
            read(std::path::Path::new(&p))
        };
        let bams = dir.path().join("bams");
        Seeds {
            bam: read(&bams.join("P01_C1.bam")),
            bai: read(&bams.join("P01_C1.bam.bai")),
            reference: [read(&fa), side(".fai"), side(".gzi")],
            cram: OnceLock::new(),
            csi: OnceLock::new(),
        }
    })
}

/// Names of the seed BAM beside a CSI (and no BAI).
const CSI: (&str, &str) = ("mem/s.bam", "mem/s.bam.csi");

/// Regions of the seed's hotspot window (reads) and one past its reads (no chunks).
const REGIONS: [(u64, u64); 3] = [
    (152_098_700, 152_099_100),
    (152_011_600, 152_011_800),
    (1_000_000, 1_000_400),
];

/// Runs one job over the given alignment file and index bytes, with the seed reference. Ok
/// or Err are both fine for a mutated file; a panic fails the property with its minimal input.
fn run(
    cram: bool,
    file: Vec<u8>,
    index: Vec<u8>,
    region: (u64, u64),
) -> Result<esr1_proto::RegionResult, esr1_worker::JobError> {
    if cram {
        run_as(("mem/s.cram", "mem/s.cram.crai"), file, index, region)
    } else {
        run_as(("mem/s.bam", "mem/s.bam.bai"), file, index, region)
    }
}

/// [`run`] with the alignment file and its index stored under these names.
fn run_as(
    (name, ix): (&str, &str),
    file: Vec<u8>,
    index: Vec<u8>,
    region: (u64, u64),
) -> Result<esr1_proto::RegionResult, esr1_worker::JobError> {
    let s = seeds();
    let storage = MemoryStorage::default();
    storage.insert(name, file);
    storage.insert(ix, index);
    storage.insert("mem/ref.fa.gz", s.reference[0].clone());
    storage.insert("mem/ref.fa.gz.fai", s.reference[1].clone());
    storage.insert("mem/ref.fa.gz.gzi", s.reference[2].clone());
    let job = RegionJob::new(
        &RunContext {
            run_id: "fuzz".into(),
            reference: "mem/ref.fa.gz".into(),
            params: CallingParams::default(),
            model_version: "m".into(),
            output: "mem/out".into(),
        },
        SampleRef {
            patient: "P01".into(),
            sample: "P01_C1".into(),
            day: 10,
            material: Material::Cfdna,
            therapy: "AI".into(),
            alignments: name.into(),
            index: None,
        },
        GenomicRegion {
            contig: "chr6".into(),
            start: region.0,
            end: region.1,
        },
        vec![152_098_788, 152_098_791],
    );
    run_job(&job, &storage, &Caches::default())
}

/// The BGZF blocks of a file: (compressed offset, compressed bytes).
fn blocks(file: &[u8]) -> Vec<(u64, &[u8])> {
    let mut out = Vec::new();
    let mut at = 0usize;
    while at + 18 <= file.len() {
        let bsize = u16::from_le_bytes([file[at + 16], file[at + 17]]) as usize + 1;
        let end = (at + bsize).min(file.len());
        out.push((at as u64, &file[at..end]));
        at = end;
    }
    out
}

fn inflate(block: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    bgzf::io::Reader::new(block)
        .read_to_end(&mut out)
        .unwrap_or_else(|e| panic!("seed block: {e}"));
    out
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut w = bgzf::io::Writer::new(Vec::new());
    w.write_all(data).unwrap_or_else(|e| panic!("{e}"));
    let mut v = w.finish().unwrap_or_else(|e| panic!("{e}"));
    v.truncate(v.len().saturating_sub(28)); // the writer's own end-of-file marker
    v
}

/// Rewrites every virtual position of a BAI (`f(n, v)`, `n` counting them in file order);
/// `None` when the bytes are not a BAI.
fn map_bai(bai: &[u8], mut f: impl FnMut(usize, u64) -> u64) -> Option<Vec<u8>> {
    let mut out = bai.to_vec();
    let mut at = 4usize;
    let mut n = 0usize;
    let i32_at = |b: &[u8], at: usize| -> Option<usize> {
        let v = i32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?);
        usize::try_from(v).ok()
    };
    let mut map_at = |out: &mut Vec<u8>, at: usize| -> Option<()> {
        let v = u64::from_le_bytes(out.get(at..at + 8)?.try_into().ok()?);
        out.get_mut(at..at + 8)?
            .copy_from_slice(&f(n, v).to_le_bytes());
        n += 1;
        Some(())
    };
    (bai.get(..4)? == b"BAI\x01").then_some(())?;
    let n_ref = i32_at(bai, at)?;
    at += 4;
    for _ in 0..n_ref {
        let n_bin = i32_at(bai, at)?;
        at += 4;
        for _ in 0..n_bin {
            let bin = u32::from_le_bytes(bai.get(at..at + 4)?.try_into().ok()?);
            let n_chunk = i32_at(bai, at + 4)?;
            at += 8;
            for c in 0..n_chunk {
                // The metadata pseudo-bin's second "chunk" holds counts, not positions.
                if !(bin == 37_450 && c == 1) {
                    map_at(&mut out, at)?;
                    map_at(&mut out, at + 8)?;
                }
                at += 16;
            }
        }
        let n_intv = i32_at(bai, at)?;
        at += 4;
        for _ in 0..n_intv {
            map_at(&mut out, at)?;
            at += 8;
        }
    }
    Some(out)
}

/// The seed BAM with one block's decompressed bytes mutated and re-compressed, and the seed
/// BAI with its offsets moved to the new block starts.
fn mutate_block(block_choice: usize, edits: &[Mutation]) -> (Vec<u8>, Vec<u8>) {
    let s = seeds();
    let old = blocks(&s.bam);
    // The last block is the end-of-file marker: no data to mutate.
    let target = block_choice % (old.len().saturating_sub(1).max(1));
    let mut bam = Vec::with_capacity(s.bam.len());
    let mut starts = std::collections::HashMap::new();
    for (i, (offset, bytes)) in old.iter().enumerate() {
        starts.insert(*offset, bam.len() as u64);
        if i == target {
            bam.extend(deflate(&mutate(&inflate(bytes), edits)));
        } else {
            bam.extend_from_slice(bytes);
        }
    }
    starts.insert(s.bam.len() as u64, bam.len() as u64);
    let bai = map_bai(&s.bai, |_, v| {
        let (c, u) = (v >> 16, v & 0xffff);
        starts.get(&c).map_or(v, |nc| (nc << 16) | u)
    })
    .unwrap_or_else(|| s.bai.clone());
    (bam, bai)
}

/// The seed CRAI with its records' fields replaced by arbitrary values.
fn mutate_crai(edits: &[(usize, usize, u64)]) -> Vec<u8> {
    let s = seeds();
    let mut index = crai::io::Reader::new(&s.cram()[1][..])
        .read_index()
        .unwrap_or_else(|e| panic!("seed crai: {e}"));
    let n = index.len().max(1);
    for &(record, field, value) in edits {
        let Some(r) = index.get(record % n).cloned() else {
            continue;
        };
        let (mut id, mut start, mut span, mut off, mut landmark, mut len) = (
            r.reference_sequence_id(),
            r.alignment_start(),
            r.alignment_span(),
            r.offset(),
            r.landmark(),
            r.slice_length(),
        );
        let small = usize::try_from(value % (1 << 40)).unwrap_or(0);
        match field % 6 {
            0 => id = (value % 3 != 0).then_some(small % 4),
            1 => start = noodles::core::Position::new(small),
            2 => span = small,
            3 => off = value,
            4 => landmark = value,
            _ => len = value,
        }
        index[record % n] = crai::Record::new(id, start, span, off, landmark, len);
    }
    let mut w = crai::io::Writer::new(Vec::new());
    w.write_index(&index).unwrap_or_else(|e| panic!("{e}"));
    w.finish().unwrap_or_else(|e| panic!("{e}"))
}

proptest! {
    #![proptest_config(cases(300))]

    #[test]
    fn bam_blocks_mutated_inside_the_compression_give_an_error_never_a_panic(
        block in prop_oneof![Just(0usize), any::<usize>()],
        edits in mutations(8),
        region in 0usize..2,
    ) {
        let (bam, bai) = mutate_block(block, &edits);
        let _ = run(false, bam, bai, REGIONS[region]);
    }

    #[test]
    fn bam_and_bai_bytes_mutated_give_an_error_never_a_panic(
        which in 0u8..3,
        edits in mutations(6),
        region in 0usize..3,
    ) {
        let s = seeds();
        let (bam, bai) = match which {
            0 => (mutate(&s.bam, &edits), s.bai.clone()),
            1 => (s.bam.clone(), mutate(&s.bai, &edits)),
            _ => (s.bam.clone(), mutate(&s.bai[..], &edits[..1])),
        };
        let _ = run(false, bam, bai, REGIONS[region]);
    }

    #[test]
    fn bai_offsets_pointing_anywhere_give_an_error_never_a_panic(
        edits in prop::collection::vec((0usize..64, any::<u64>()), 1..4),
        region in 0usize..3,
    ) {
        let s = seeds();
        let bai = map_bai(&s.bai, |n, v| {
            edits.iter().find(|(k, _)| *k == n).map_or(v, |(_, nv)| *nv)
        })
        .unwrap_or_else(|| s.bai.clone());
        let _ = run(false, s.bam.clone(), bai, REGIONS[region]);
    }

    #[test]
    fn cram_and_crai_mutated_give_an_error_never_a_panic(
        which in 0u8..3,
        edits in mutations(6),
        fields in prop::collection::vec((any::<usize>(), any::<usize>(), any::<u64>()), 1..4),
        region in 0usize..3,
    ) {
        let s = seeds();
        let (cram, crai) = match which {
            0 => (mutate(&s.cram()[0], &edits), s.cram()[1].clone()),
            1 => (s.cram()[0].clone(), mutate(&s.cram()[1], &edits)),
            _ => (s.cram()[0].clone(), mutate_crai(&fields)),
        };
        let _ = run(true, cram, crai, REGIONS[region]);
    }

    #[test]
    fn csi_bytes_mutated_give_an_error_never_a_panic(
        inside in any::<bool>(),
        edits in mutations(6),
        region in 0usize..3,
    ) {
        let csi = seeds().csi();
        // Raw bytes (mostly stopped by the BGZF checksums), or the inflated index mutated and
        // compressed again, so the mutations reach the counts and offsets.
        let mutated = if inside {
            let mut w = bgzf::io::Writer::new(Vec::new());
            w.write_all(&mutate(&inflate(csi), &edits)).unwrap_or_else(|e| panic!("{e}"));
            w.finish().unwrap_or_else(|e| panic!("{e}"))
        } else {
            mutate(csi, &edits)
        };
        let _ = run_as(CSI, seeds().bam.clone(), mutated, REGIONS[region]);
    }

    #[test]
    fn arbitrary_bytes_as_alignment_file_or_index_give_an_error_never_a_panic(
        cram in any::<bool>(),
        file in prop::collection::vec(any::<u8>(), 0..256),
        as_index in any::<bool>(),
    ) {
        let s = seeds();
        let (f, i) = match (cram, as_index) {
            (false, false) => (file, s.bai.clone()),
            (false, true) => (s.bam.clone(), file),
            (true, false) => (file, s.cram()[1].clone()),
            (true, true) => (s.cram()[0].clone(), file),
        };
        let _ = run(cram, f, i, REGIONS[0]);
    }
}

#[test]
fn the_seeds_count_reads_so_mutations_start_from_a_working_file() {
    // Guards the harness: if the seed job failed, every mutated case would "pass" trivially.
    let s = seeds();
    assert_eq!(
        blocks(&s.bam).iter().map(|(_, b)| b.len()).sum::<usize>(),
        s.bam.len()
    );
    let (bam, bai) = mutate_block(0, &[]);
    assert_eq!(map_bai(&s.bai, |_, v| v).as_deref(), Some(&s.bai[..]));
    for (cram, file, index) in [
        (false, s.bam.clone(), s.bai.clone()),
        (false, bam, bai),
        (true, s.cram()[0].clone(), mutate_crai(&[])),
    ] {
        let reads = run(cram, file, index, REGIONS[0]).map(|r| r.qc.reads_seen);
        assert!(
            matches!(reads, Ok(n) if n > 0),
            "cram={cram}: the seed job counted no reads: {reads:?}"
        );
    }
    let with_csi = run_as(CSI, s.bam.clone(), s.csi().to_vec(), REGIONS[0]);
    let with_bai = run(false, s.bam.clone(), s.bai.clone(), REGIONS[0]);
    assert_eq!(
        with_csi.map(|r| r.qc.reads_seen).ok(),
        with_bai.map(|r| r.qc.reads_seen).ok(),
        "the seed BAM counts the same reads through its CSI"
    );
}

/// Found by `bai_offsets_pointing_anywhere…` (minimal input: the third virtual position of
/// the BAI set to 11033772032, a chunk now ending before it starts): the slice planner
/// subtracted with overflow (a panic: the worker's job crashed instead of failing).
#[test]
fn regression_a_bai_chunk_ending_before_it_starts_fails_the_job_naming_it() {
    let s = seeds();
    let bai = map_bai(&s.bai, |n, v| if n == 2 { 11_033_772_032 } else { v })
        .unwrap_or_else(|| panic!("seed bai"));
    let e = run(false, s.bam.clone(), bai, REGIONS[1]).unwrap_err();
    assert!(e.message.contains("before it starts"), "{e}");
}

/// An index pointing past the end of the file (a truncated BAM, or another file's index)
/// fails the job with what to do; before, chunks past the end were dropped and their records
/// silently missing.
#[test]
fn a_bai_chunk_past_the_end_of_the_file_fails_the_job_naming_it() {
    let s = seeds();
    let past = s.bam.len() as u64 + 1_000;
    let bai =
        map_bai(&s.bai, |_, v| (past << 16) | (v & 0xffff)).unwrap_or_else(|| panic!("seed bai"));
    let e = run(false, s.bam.clone(), bai, REGIONS[0]).unwrap_err();
    assert!(e.message.contains(&format!("points to byte {past}")), "{e}");
}

/// Found by `cram_and_crai_mutated…`: a CRAI container offset past the end of the file made
/// the container planner subtract with overflow.
#[test]
fn regression_a_crai_offset_past_the_end_of_the_file_fails_the_job_naming_it() {
    let s = seeds();
    let past = s.cram()[0].len() as u64 + 1_000;
    let crai = mutate_crai(&(0..64).map(|r| (r, 3, past)).collect::<Vec<_>>());
    let e = run(true, s.cram()[0].clone(), crai, REGIONS[0]).unwrap_err();
    assert!(e.message.contains(&format!("points to byte {past}")), "{e}");
}

/// A BGZF block whose data no longer match its CRC32 (a bit flipped on disk or in transit,
/// the deflate stream still valid) fails the job as a corrupt BAM instead of counting
/// altered reads.
#[test]
fn a_bgzf_block_with_a_bad_crc_fails_the_job_as_corrupt() {
    let s = seeds();
    let mut bam = s.bam.clone();
    // Every data block after the header's: the region's records are in one of them.
    for (offset, block) in blocks(&s.bam).into_iter().skip(1) {
        if block.len() > 28 {
            let crc = offset as usize + block.len() - 8;
            bam[crc] ^= 0x01;
        }
    }
    let e = run(false, bam, s.bai.clone(), REGIONS[0]).unwrap_err();
    assert_eq!(e.kind, esr1_worker::FailureKind::Permanent, "{e}");
    assert!(e.message.contains("corrupt BAM"), "{e}");
}

/// Found by a longer session (`ESR1_FUZZ_CASES=2000`) of `bam_and_bai_bytes_mutated…`: a BAI
/// bin id beyond the last bin of its depth made noodles' query index past a table (a panic
/// inside the dependency); the index is now refused when it is read.
#[test]
fn regression_a_bai_bin_beyond_the_last_bin_is_refused_not_a_panic() {
    let s = seeds();
    // The first bin of every reference sequence becomes bin 40000 (the last is 37449).
    let mut bai = s.bai.clone();
    let int = |b: &[u8], at: usize| {
        u32::from_le_bytes(b[at..at + 4].try_into().unwrap_or_default()) as usize
    };
    let mut at = 8;
    for _ in 0..int(&s.bai, 4) {
        let n_bin = int(&s.bai, at);
        at += 4;
        for b in 0..n_bin {
            if b == 0 {
                bai[at..at + 4].copy_from_slice(&40_000u32.to_le_bytes());
            }
            at += 8 + 16 * int(&s.bai, at + 4);
        }
        at += 4 + 8 * int(&s.bai, at);
    }
    for region in REGIONS {
        let e = run(false, s.bam.clone(), bai.clone(), region).unwrap_err();
        assert!(e.message.contains("beyond the last bin"), "{e}");
    }
}
