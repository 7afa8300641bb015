//! Bisection on a synthetic coordinate-sorted BAM written with noodles: probes find real
//! record boundaries in file order, and reading from the bisected start gives every record
//! an indexed query gives, from far fewer bytes.

use super::*;
use crate::storage::LocalStorage;
use noodles::bam;
use noodles::core::{Position, Region};
use noodles::sam::alignment::io::Write as _;
use noodles::sam::alignment::record::cigar::{op::Kind, Op};
use noodles::sam::alignment::record::{Flags, MappingQuality};
use noodles::sam::alignment::record_buf::{QualityScores, Sequence};
use noodles::sam::alignment::Record as _;
use noodles::sam::alignment::RecordBuf;
use noodles::sam::header::record::value::map::header::{sort_order::COORDINATE, tag::SORT_ORDER};
use noodles::sam::header::record::value::map::Header as HeaderMap;
use noodles::sam::header::record::value::{map::ReferenceSequence, Map};
use noodles::sam::{self};
use std::num::NonZeroUsize;
use std::path::Path;

/// Reads of 100 bp (one in 97 with a 400-bp deletion) every 2 bp over chr2:1-100,000, after
/// 2,000 on chr1: about 50,000 records, hundreds of BGZF blocks.
fn write_bam(dir: &Path) -> (String, sam::Header) {
    write_bam_with(dir, |i| i.is_multiple_of(97).then_some(400))
}

/// The BAM of [`write_bam`], with the `i`th read's deletion (of chr1 and chr2 alike) given
/// by `deletion`.
fn write_bam_with(dir: &Path, deletion: impl Fn(usize) -> Option<usize>) -> (String, sam::Header) {
    let length = NonZeroUsize::new(1_000_000).unwrap_or(NonZeroUsize::MIN);
    let hd = Map::<HeaderMap>::builder()
        .insert(SORT_ORDER, COORDINATE)
        .build()
        .expect("@HD");
    let header = sam::Header::builder()
        .set_header(hd)
        .add_reference_sequence("chr1", Map::<ReferenceSequence>::new(length))
        .add_reference_sequence("chr2", Map::<ReferenceSequence>::new(length))
        .build();
    let path = dir.join("s.bam");
    let file = std::fs::File::create(&path).expect("create");
    let mut writer = bam::io::Writer::new(file);
    writer.write_header(&header).expect("header");
    let mut add = |rid: usize, start: usize, i: usize| {
        let cigar: Vec<Op> = match deletion(i) {
            Some(len) => vec![
                Op::new(Kind::Match, 50),
                Op::new(Kind::Deletion, len),
                Op::new(Kind::Match, 50),
            ],
            None => vec![Op::new(Kind::Match, 100)],
        };
        let record = RecordBuf::builder()
            .set_name(format!("r{rid}_{i}"))
            .set_flags(Flags::empty())
            .set_reference_sequence_id(rid)
            .set_alignment_start(Position::try_from(start).expect("position"))
            .set_mapping_quality(MappingQuality::new(60).expect("mapq"))
            .set_cigar(cigar.into_iter().collect())
            .set_sequence(Sequence::from(vec![b'A'; 100]))
            .set_quality_scores(QualityScores::from(vec![30; 100]))
            .build();
        writer
            .write_alignment_record(&header, &record)
            .expect("record");
    };
    for i in 0..2_000 {
        add(0, 1 + i * 7, i);
    }
    for i in 0..50_000 {
        add(1, 1 + i * 2, i);
    }
    writer.try_finish().expect("finish");
    let bam::Index::Bai(index) = bam::fs::index(&path).expect("index") else {
        panic!("a BAI for a short contig");
    };
    bam::bai::fs::write(dir.join("s.bam.bai"), &index).expect("bai");
    (path.to_string_lossy().into_owned(), header)
}

/// Names of the records overlapping `chr2:start-end`, read from `from` on (stopping past the
/// region), or by noodles' indexed query when `from` is `None`.
fn names(
    uri: &str,
    header: &sam::Header,
    from: Option<VirtualPosition>,
    start: usize,
    end: usize,
) -> (Vec<String>, u64) {
    let index = bam::bai::fs::read(format!("{uri}.bai")).expect("bai");
    let mut reader = bam::io::Reader::new(std::fs::File::open(uri).expect("open"));
    let region = Region::new(
        "chr2",
        Position::try_from(start).expect("start")..=Position::try_from(end).expect("end"),
    );
    let name = |r: &bam::Record| {
        String::from_utf8_lossy(r.name().map(|n| n.as_ref()).unwrap_or_default()).into_owned()
    };
    match from {
        None => (
            reader
                .query(header, &index, &region)
                .expect("query")
                .records()
                .map(|r| name(&r.expect("record")))
                .collect(),
            0,
        ),
        Some(at) => {
            reader.get_mut().seek(at).expect("seek");
            let mut out = Vec::new();
            let mut first = None;
            let mut record = bam::Record::default();
            loop {
                let at = reader.get_ref().virtual_position();
                if reader.read_record(&mut record).expect("read") == 0 {
                    break;
                }
                let id = record.reference_sequence_id().transpose().expect("id");
                let s = record
                    .alignment_start()
                    .transpose()
                    .expect("start")
                    .map_or(0, usize::from);
                if id == Some(1) && s > end {
                    break;
                }
                let e = record
                    .alignment_end()
                    .transpose()
                    .expect("end")
                    .map_or(0, usize::from);
                if id == Some(1) && s <= end && e >= start {
                    first.get_or_insert(at.compressed());
                    out.push(name(&record));
                }
            }
            (out, first.unwrap_or(0))
        }
    }
}

/// The test BAM as probes read it (2 reference sequences, any version).
fn file(uri: &str, size: u64) -> BamFile<'_> {
    BamFile {
        storage: &LocalStorage,
        uri,
        size,
        version: None,
        references: 2,
    }
}

#[test]
fn probes_find_record_boundaries_in_file_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (uri, _) = write_bam(dir.path());
    let size = std::fs::metadata(&uri).expect("size").len();
    let mut last = (0, 0);
    let mut found = 0;
    for k in 1..40 {
        let offset = size * k / 40;
        let probed = probe(file(&uri, size), offset, size).expect("probe");
        let Some(p) = probed.probe else { continue };
        found += 1;
        assert!(p.at.compressed() >= offset);
        let key = (p.rid.expect("placed"), p.pos);
        assert!(key >= last, "probe at {offset}: {key:?} after {last:?}");
        last = key;
        // The boundary is real: a reader seeking there reads that record.
        let mut reader = bam::io::Reader::new(std::fs::File::open(&uri).expect("open"));
        reader.get_mut().seek(p.at).expect("seek");
        let mut record = bam::Record::default();
        reader
            .read_record(&mut record)
            .expect("a record starts there");
        let start = record
            .alignment_start()
            .transpose()
            .expect("start")
            .map_or(0, usize::from);
        assert_eq!(start as u64, p.pos);
        assert!(p.longest_span >= 100);
    }
    assert!(found >= 30, "most probes land in a block: {found}");
}

#[test]
fn reading_from_the_bisected_start_gives_the_indexed_querys_records() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (uri, header) = write_bam(dir.path());
    let size = std::fs::metadata(&uri).expect("size").len();
    let index = bam::bai::fs::read(format!("{uri}.bai")).expect("bai");
    for (start, end) in [
        (50_000, 50_009),
        (80_120, 80_130),
        (30, 40),
        (99_990, 100_200),
        (12_345, 20_000),
    ] {
        let chunks = noodles::csi::BinningIndex::query(
            &index,
            1,
            noodles::core::region::Interval::from(
                Position::try_from(start).expect("s")..=Position::try_from(end).expect("e"),
            ),
        )
        .expect("query");
        let chunk_start = chunks.iter().map(|c| c.start()).min().expect("chunks");
        let chunk_end = chunks
            .iter()
            .map(|c| c.end().compressed())
            .max()
            .expect("chunks");
        let found = bisect_start(
            file(&uri, size),
            (chunk_start, chunk_end),
            (1, start as u64),
        )
        .expect("bisect");
        let (expected, _) = names(&uri, &header, None, start, end);
        assert!(!expected.is_empty());
        let (read, first_block) = names(&uri, &header, Some(found.start), start, end);
        assert_eq!(read, expected, "{start}-{end}");
        assert!(
            found.margin > 500,
            "the 500-bp deletions were seen: {}",
            found.margin
        );
        if start > 1_000 {
            assert!(
                first_block - found.start.compressed() <= 2 * STOP_GAP,
                "{start}-{end}: reading starts at {:?}, the region's records at {first_block}, \
                 the chunk at {chunk_start:?}",
                found.start
            );
        }
    }
}

/// Names of the records overlapping `chr2:start-end` read through `chunks` of the BAM.
fn names_in_chunks(
    uri: &str,
    chunks: &[(VirtualPosition, VirtualPosition)],
    start: usize,
    end: usize,
) -> Vec<String> {
    let mut bgzf = noodles::bgzf::io::Reader::new(std::fs::File::open(uri).expect("open"));
    let chunks = chunks.iter().map(|&(s, e)| Chunk::new(s, e)).collect();
    let mut reader = bam::io::Reader::from(noodles::csi::io::Query::new(&mut bgzf, chunks));
    let mut record = bam::Record::default();
    let mut out = Vec::new();
    while reader.read_record(&mut record).expect("read") != 0 {
        let id = record.reference_sequence_id().transpose().expect("id");
        let pos = |p: Option<std::io::Result<Position>>| p.transpose().expect("pos");
        let (s, e) = (pos(record.alignment_start()), pos(record.alignment_end()));
        let (s, e) = (s.map_or(0, usize::from), e.map_or(0, usize::from));
        if id == Some(1) && s <= end && e >= start {
            out.push(
                String::from_utf8_lossy(record.name().map(|n| n.as_ref()).unwrap_or_default())
                    .into_owned(),
            );
        }
    }
    out
}

/// A long alignment that starts windows before a bisected region and reaches into it lies in
/// a coarser bin: its chunk is read whole beside the bisected start, so the record is counted
/// though no probe saw a span that long.
#[test]
fn a_long_alignment_from_an_earlier_window_is_read_beside_the_bisected_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    // chr2's 20,750th read starts at 41,501 (window 2) and, with a 19,100-bp deletion, ends
    // at 60,700 (window 3); every other read spans 100 bp.
    let (uri, header) = write_bam_with(dir.path(), |i| (i == 20_750).then_some(19_100));
    let size = std::fs::metadata(&uri).expect("size").len();
    let index = bam::bai::fs::read(format!("{uri}.bai")).expect("bai");
    let (start, end) = (60_500, 60_510);
    let chunks: Vec<_> = noodles::csi::BinningIndex::query(
        &index,
        1,
        noodles::core::region::Interval::from(
            Position::try_from(start).expect("s")..=Position::try_from(end).expect("e"),
        ),
    )
    .expect("query")
    .iter()
    .map(|c| (c.start(), c.end()))
    .collect();
    let last = chunks
        .iter()
        .map(|c| c.1.compressed())
        .max()
        .expect("chunks");
    let found =
        bisect_start(file(&uri, size), (chunks[0].0, last), (1, start as u64)).expect("bisect");
    assert!(
        found.margin < 1_000,
        "no probe saw the long read: {}",
        found.margin
    );
    let (expected, _) = names(&uri, &header, None, start, end);
    assert!(expected.iter().any(|n| n == "r1_20750"), "{expected:?}");
    // From the bisected start alone, the long read is skipped ...
    let (from_start, _) = names(&uri, &header, Some(found.start), start, end);
    assert!(!from_start.iter().any(|n| n == "r1_20750"));
    // ... and with the coarser bins' chunks, every record of the indexed query is read.
    let crossing =
        crate::source::CrossingIndex::crossing_chunks(&index, 1, start as u64, end as u64);
    assert!(!crossing.is_empty());
    let read = names_in_chunks(
        &uri,
        &bisected_chunks(&chunks, &crossing, found.start),
        start,
        end,
    );
    assert_eq!(read, expected);
}
