//! Reads without indels counted straight from their buffers give exactly what counting
//! through their events gives: random fragments (single reads and overlapping mates, clips,
//! indels now and then, mismatches and `N`s, qualities below the minimum and unknown, reads
//! at and across the region's ends) counted both ways.

use super::util::{count_with, counter, header, REPEATS};
use crate::pileup::read::ReadBuffers;
use esr1_proto::{ReferenceBlock, RegionQc, SiteCounts};
use noodles::core::Position;
use noodles::sam::alignment::record::cigar::{op::Kind, Op};
use noodles::sam::alignment::record::{Flags, MappingQuality};
use noodles::sam::alignment::RecordBuf;
use proptest::prelude::*;

/// One read as generated: start, CIGAR, bases and qualities, strand.
#[derive(Debug, Clone)]
struct Spec {
    start: usize,
    cigar: Vec<Op>,
    bases: Vec<u8>,
    qualities: Vec<u8>,
}

/// A read starting at `start` over the repeats reference (positions 101..150, read as `A`
/// outside it): `shape` picks its CIGAR (mostly clips around one run, sometimes an
/// insertion or a deletion), `changes` swaps some bases for others or `N`.
fn spec(start: usize, len: usize, shape: u8, changes: &[(usize, u8)], qualities: &[u8]) -> Spec {
    let (lead, trail) = (usize::from(shape % 3), usize::from(shape / 3 % 3));
    let aligned = len.max(lead + trail + 4) - lead - trail;
    let mut cigar = Vec::new();
    if lead > 0 {
        cigar.push(Op::new(Kind::SoftClip, lead));
    }
    let half = aligned / 2;
    match shape / 9 % 4 {
        1 => {
            cigar.push(Op::new(Kind::Match, half));
            cigar.push(Op::new(Kind::Insertion, 2));
            cigar.push(Op::new(Kind::Match, aligned - half - 2));
        }
        2 => {
            cigar.push(Op::new(Kind::Match, half));
            cigar.push(Op::new(Kind::Deletion, 2));
            cigar.push(Op::new(Kind::Match, aligned - half));
        }
        _ => cigar.push(Op::new(Kind::Match, aligned)),
    }
    if trail > 0 {
        cigar.push(Op::new(Kind::SoftClip, trail));
    }
    let reference = |pos: usize| REPEATS.get(pos.wrapping_sub(101)).copied().unwrap_or(b'A');
    let total = lead + aligned + trail;
    let mut bases: Vec<u8> = (0..total)
        .map(|i| reference(start + i.saturating_sub(lead)))
        .collect();
    for &(i, b) in changes {
        let i = i % total;
        bases[i] = b"ACGTN"[usize::from(b % 5)];
    }
    let qualities = (0..total).map(|i| qualities[i % qualities.len()]).collect();
    Spec {
        start,
        cigar,
        bases,
        qualities,
    }
}

fn record(name: &str, flags: u16, read: &Spec, mate_start: Option<usize>) -> RecordBuf {
    let mut b = RecordBuf::builder()
        .set_name(name)
        .set_flags(Flags::from(flags))
        .set_reference_sequence_id(0)
        .set_alignment_start(Position::new(read.start).unwrap_or(Position::MIN))
        .set_cigar(read.cigar.iter().copied().collect())
        .set_sequence(read.bases.clone().into())
        .set_quality_scores(read.qualities.clone().into());
    if let Some(m) = MappingQuality::new(60) {
        b = b.set_mapping_quality(m);
    }
    if let Some(ms) = mate_start {
        b = b
            .set_mate_reference_sequence_id(0)
            .set_mate_alignment_start(Position::new(ms).unwrap_or(Position::MIN));
    }
    b.build()
}

type Counts = (Vec<SiteCounts>, Vec<ReferenceBlock>, RegionQc);

fn count(records: &[RecordBuf], direct: bool) -> Counts {
    let c = counter(REPEATS, vec![]);
    count_with(if direct { c } else { c.through_events() }, records)
}

/// A fragment: one read, or two mates (the second starting `offset` after the first).
type FragmentSpec = (
    usize,
    usize,
    u8,
    Option<(usize, usize, u8)>,
    Vec<(usize, u8)>,
    Vec<u8>,
);

fn fragment() -> impl Strategy<Value = FragmentSpec> {
    (
        85usize..160,
        8usize..40,
        0u8..36,
        proptest::option::weighted(0.7, (0usize..30, 8usize..40, 0u8..36)),
        proptest::collection::vec((0usize..60, 0u8..5), 0..4),
        proptest::collection::vec(
            prop_oneof![Just(30u8), Just(35), Just(40), Just(10), Just(255), 0u8..94],
            1..12,
        ),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn direct_counting_equals_counting_through_events(
        fragments in proptest::collection::vec(fragment(), 1..30)
    ) {
        let mut records = Vec::new();
        for (n, (start, len, shape, mate, changes, qualities)) in fragments.iter().enumerate() {
            let name = format!("f{n}");
            let first = spec(*start, *len, *shape, changes, qualities);
            match mate {
                None => records.push(record(&name, if shape % 2 == 0 { 0 } else { 0x10 }, &first, None)),
                Some((offset, mate_len, mate_shape)) => {
                    let mate_start = start + offset;
                    let second = spec(mate_start, *mate_len, *mate_shape, &changes[..changes.len() / 2], qualities);
                    records.push(record(&name, 0x1 | 0x2 | 0x20 | 0x40, &first, Some(mate_start)));
                    records.push(record(&name, 0x1 | 0x2 | 0x10 | 0x80, &second, Some(*start)));
                }
            }
        }
        records.sort_by_key(|r| r.alignment_start().map_or(0, usize::from));
        let direct = count(&records, true);
        let through_events = count(&records, false);
        prop_assert_eq!(&direct, &through_events);
    }
}

/// The comparison above has teeth only if reads do take the direct way: those whose CIGAR is
/// one run of aligned bases between clips.
#[test]
fn reads_with_one_aligned_run_are_counted_directly() {
    let mut buffers = ReadBuffers::default();
    // CIGAR, and the run's start and length (none: counted through events).
    type Case<'a> = (&'a [Op], Option<(u64, usize)>);
    let cases: [Case<'_>; 5] = [
        (&[Op::new(Kind::Match, 10)], Some((120, 10))),
        (
            &[
                Op::new(Kind::HardClip, 3),
                Op::new(Kind::SoftClip, 2),
                Op::new(Kind::Match, 4),
                Op::new(Kind::SequenceMismatch, 1),
                Op::new(Kind::SoftClip, 3),
            ],
            Some((120, 5)),
        ),
        (
            &[
                Op::new(Kind::Match, 4),
                Op::new(Kind::Insertion, 1),
                Op::new(Kind::Match, 5),
            ],
            None,
        ),
        (
            &[
                Op::new(Kind::Match, 4),
                Op::new(Kind::Deletion, 1),
                Op::new(Kind::Match, 6),
            ],
            None,
        ),
        (
            &[
                Op::new(Kind::Match, 4),
                Op::new(Kind::SoftClip, 1),
                Op::new(Kind::Match, 5),
            ],
            None,
        ),
    ];
    for (cigar, expected) in cases {
        let read = Spec {
            start: 120,
            cigar: cigar.to_vec(),
            bases: b"ACGTACGTACGT".to_vec(),
            qualities: (0..12).collect(),
        };
        buffers
            .decode(&record("r", 0, &read, None))
            .unwrap_or_else(|e| panic!("{e}"));
        let run = buffers.aligned_run();
        assert_eq!(
            run.map(|(start, bases, _)| (start, bases.len())),
            expected,
            "{cigar:?}"
        );
        if let Some((_, bases, qualities)) = run {
            // The run starts after the soft clip.
            let first = usize::from(cigar.len() > 1) * 2;
            assert_eq!(bases, &read.bases[first..first + bases.len()]);
            assert_eq!(qualities, &read.qualities[first..first + bases.len()]);
        }
    }
}

/// BAM's 4-bit sequences (every code, odd and even lengths) decode to the letters noodles
/// gives: the counter reads them from the packed bytes through its own table.
#[test]
fn four_bit_sequences_decode_to_noodles_letters() {
    use noodles::bam;
    use noodles::sam::alignment::io::Write as _;
    let h = header();
    for len in [1usize, 2, 15, 16, 151] {
        let read = Spec {
            start: 120,
            cigar: vec![Op::new(Kind::Match, len)],
            bases: (0..len).map(|i| b"=ACMGRSVTWYHKDBN"[i % 16]).collect(),
            qualities: vec![30; len],
        };
        let mut writer = bam::io::Writer::from(Vec::new());
        writer
            .write_alignment_record(&h, &record("r", 0, &read, None))
            .unwrap_or_else(|e| panic!("{e}"));
        let bytes = writer.into_inner();
        let mut reader = bam::io::Reader::from(&bytes[..]);
        let mut packed = bam::Record::default();
        reader
            .read_record(&mut packed)
            .unwrap_or_else(|e| panic!("{e}"));
        let noodles: Vec<u8> = packed.sequence().iter().collect();
        assert_eq!(noodles, read.bases, "the record holds the bases");
        let mut buffers = ReadBuffers::default();
        buffers.decode(&packed).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(buffers.sequence(), &read.bases[..], "length {len}");
    }
}

#[test]
fn a_base_no_letter_names_matches_no_unknown_reference_base() {
    // Where the reference is unknown (`N`, or any letter other than A, C, G, T), nothing a
    // read says is a reference match, even a byte equal to the reference's internal "no
    // match" key (0, which no decoder gives but a crafted record can carry): such a base
    // counts nowhere and adds no expected error.
    let mut reference = REPEATS.to_vec();
    reference[9] = b'N'; // position 110
    reference[19] = b'R'; // position 120
    let mut bases = REPEATS[..30].to_vec();
    bases[9] = 0;
    bases[19] = 0;
    let read = RecordBuf::builder()
        .set_name("r")
        .set_flags(Flags::empty())
        .set_reference_sequence_id(0)
        .set_alignment_start(Position::new(101).unwrap_or(Position::MIN))
        .set_cigar([Op::new(Kind::Match, 30)].into_iter().collect())
        .set_sequence(bases.into())
        .set_quality_scores(vec![30; 30].into())
        .set_mapping_quality(MappingQuality::new(60).unwrap_or(MappingQuality::MIN))
        .build();
    for direct in [true, false] {
        let mut c = counter(&reference, vec![110, 111, 120]);
        if !direct {
            c = c.through_events();
        }
        let (sites, _, qc) = count_with(c, std::slice::from_ref(&read));
        let at = |pos| sites.iter().find(|s| s.pos == pos);
        for pos in [110, 120] {
            let site = at(pos).unwrap_or_else(|| panic!("site {pos} requested"));
            assert_eq!(site.depth(), 0, "{pos}, direct {direct}");
            assert_eq!(site.expected_errors, 0.0, "{pos}, direct {direct}");
        }
        // The base next to them is an ordinary match.
        let next = at(111).unwrap_or_else(|| panic!("site 111 requested"));
        assert_eq!((next.depth(), next.expected_errors > 0.0), (1, true));
        assert_eq!(qc.low_base_quality, 0);
    }
}

/// The matches a stretch adds at once and the corrections its positions make settle into the
/// [`crate::pileup::matches::Matches`] of each position, lanes apart; positions not reached are
/// left zero and a stretch that ended before them does not run on past them.
#[test]
fn match_tallies_settle_into_each_positions_lanes() {
    use crate::pileup::matches::{bulk_lanes, MatchTally};
    let mut tally = MatchTally::zeroed(10);
    // Two stretches: 2..6 of an F1R2 fragment, 4..10 of another.
    for (from, to, f1r2) in [(2, 6, true), (4, 10, false)] {
        tally.bulk[from] = tally.bulk[from].wrapping_add(bulk_lanes(f1r2));
        tally.bulk[to] = tally.bulk[to].wrapping_sub(bulk_lanes(f1r2));
    }
    // Position 3 keeps no match (taken back), 4 has a match near a read's end and 5 two
    // reverse-strand matches.
    tally.corrections[3][0] = tally.corrections[3][0].wrapping_sub(bulk_lanes(true));
    tally.corrections[4][1] += 1;
    tally.reverse[5] = 2;
    let lanes = |forward: u64, reverse: u64, f1r2: u64, near: u64| {
        [forward | reverse << 32, f1r2 | near << 32]
    };
    tally.settle(std::slice::from_ref(&(0..10)));
    let matches = &tally.corrections;
    let want = [
        lanes(0, 0, 0, 0),
        lanes(0, 0, 0, 0),
        lanes(1, 0, 1, 0),
        lanes(0, 0, 0, 0),
        lanes(2, 0, 1, 1),
        lanes(0, 2, 1, 0),
        lanes(1, 0, 0, 0),
        lanes(1, 0, 0, 0),
        lanes(1, 0, 0, 0),
        lanes(1, 0, 0, 0),
    ];
    assert_eq!(matches[..], want);
    // Positions 6 and 7 not reached: left zero, and what runs on resumes from 8 at zero (no
    // stretch may cover an unreached position).
    let mut apart = MatchTally::zeroed(10);
    apart.bulk[2] = bulk_lanes(false);
    apart.bulk[6] = 0u64.wrapping_sub(bulk_lanes(false));
    apart.bulk[8] = bulk_lanes(false);
    apart.settle(&[0..6, 8..10]);
    let matches = &apart.corrections;
    assert_eq!(matches[5], lanes(1, 0, 0, 0));
    assert_eq!(matches[6..8], [[0; 2]; 2]);
    assert_eq!(matches[8], lanes(1, 0, 0, 0));
}
