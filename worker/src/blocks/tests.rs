//! The libdeflate block reader against noodles' own BGZF reader: the same bytes, the same
//! virtual positions, the same seeks; and errors, not panics, on damaged blocks.

use super::*;
use noodles::bgzf::io::{Read as _, Seek as _};
use proptest::prelude::*;
use std::io::{Cursor, Write};

/// A BGZF stream (noodles' writer, end-of-file marker included) of `data`, written in pieces
/// of `piece` bytes with a block flushed after each, so blocks of many sizes occur.
fn bgzf_of(data: &[u8], piece: usize) -> Vec<u8> {
    let mut writer = bgzf::io::Writer::new(Vec::new());
    for chunk in data.chunks(piece.max(1)) {
        writer.write_all(chunk).expect("write");
        writer.flush().expect("flush");
    }
    writer.finish().expect("finish")
}

/// Pseudo-random bytes that still compress (runs and repeats, as records have).
fn payload(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if i % 7 < 3 {
                b"ACGT"[(x % 4) as usize]
            } else {
                (x % 251) as u8
            }
        })
        .collect()
}

/// Reads `reader` in `reads` pieces with `read_exact`, noting the virtual position before
/// each: (bytes, positions), stopping at the end or the first error.
fn walk<R: bgzf::io::BufRead>(reader: &mut R, reads: &[usize]) -> (Vec<u8>, Vec<VirtualPosition>) {
    let (mut bytes, mut positions) = (Vec::new(), Vec::new());
    for &n in reads.iter().cycle().take(10_000) {
        positions.push(reader.virtual_position());
        let mut buf = vec![0; n];
        if reader.read_exact(&mut buf).is_err() {
            break;
        }
        bytes.extend_from_slice(&buf);
    }
    (bytes, positions)
}

#[test]
fn reads_what_noodles_reads_at_the_same_virtual_positions() {
    let data = payload(400_000, 7);
    for piece in [1_000, 65_280, 100_000, 400_000] {
        let stream = bgzf_of(&data, piece);
        let reads = [4, 300, 17, 70_000, 1];
        let ours = walk(&mut BlockReader::new(Cursor::new(&stream)), &reads);
        let theirs = walk(&mut bgzf::io::Reader::new(Cursor::new(&stream)), &reads);
        assert_eq!(ours.0.len(), theirs.0.len(), "piece {piece}");
        assert!(ours.0 == theirs.0, "piece {piece}: the bytes differ");
        assert_eq!(
            ours.1, theirs.1,
            "piece {piece}: the virtual positions differ"
        );
        assert_eq!(&ours.0[..], &data[..ours.0.len()]);

        // Seeking to each position noted gives what noodles gives there.
        let mut ours_r = BlockReader::new(Cursor::new(&stream));
        let mut theirs_r = bgzf::io::Reader::new(Cursor::new(&stream));
        for &vp in ours.1.iter().step_by(3) {
            ours_r.seek_to_virtual_position(vp).expect("seek ours");
            theirs_r.seek_to_virtual_position(vp).expect("seek noodles");
            let (mut a, mut b) = (vec![0; 2_000], vec![0; 2_000]);
            let (ra, rb) = (ours_r.read_exact(&mut a), theirs_r.read_exact(&mut b));
            assert_eq!(ra.is_ok(), rb.is_ok(), "at {vp:?}");
            if ra.is_ok() {
                assert!(a == b, "at {vp:?}");
            }
            assert_eq!(ours_r.virtual_position(), theirs_r.virtual_position());
        }
    }
}

#[test]
fn the_end_of_the_stream_reads_as_noodles_reads_it() {
    let stream = bgzf_of(b"ACGT", 4);
    let mut r = BlockReader::new(Cursor::new(&stream));
    let mut all = Vec::new();
    r.read_to_end(&mut all).expect("read");
    assert_eq!(all, b"ACGT");
    assert!(r.fill_buf().expect("at the end").is_empty());
    let mut n = bgzf::io::Reader::new(Cursor::new(&stream));
    n.read_to_end(&mut Vec::new()).expect("read");
    assert_eq!(r.virtual_position(), n.virtual_position());
}

#[test]
fn a_seek_past_its_block_is_an_error() {
    let stream = bgzf_of(&payload(1_000, 3), 1_000);
    let mut r = BlockReader::new(Cursor::new(&stream));
    let past = VirtualPosition::try_from((0, 2_000)).expect("position");
    let e = r
        .seek_to_virtual_position(past)
        .expect_err("past the block");
    assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
}

#[test]
fn damaged_blocks_are_refused_with_a_reason() {
    let stream = bgzf_of(&payload(50_000, 11), 50_000);
    let read_all = |bytes: &[u8]| {
        let mut out = Vec::new();
        BlockReader::new(Cursor::new(bytes)).read_to_end(&mut out)
    };
    assert_eq!(read_all(&stream).expect("intact"), 50_000);

    let mut header = stream.clone();
    header[12] = b'X';
    let e = read_all(&header).expect_err("bad header");
    assert!(e.to_string().contains("BGZF header"), "{e}");

    // A byte of the deflated data, then of the stored CRC32: one or the other check fails.
    let mut data = stream.clone();
    data[100] ^= 0x40;
    assert_eq!(
        read_all(&data).expect_err("bad data").kind(),
        io::ErrorKind::InvalidData
    );
    let size = usize::from(u16::from_le_bytes([stream[16], stream[17]])) + 1;
    let mut crc = stream.clone();
    crc[size - 8] ^= 1;
    let e = read_all(&crc).expect_err("bad crc");
    assert!(e.to_string().contains("CRC32"), "{e}");

    let mut isize = stream.clone();
    isize[size - 2] = 0x10;
    let e = read_all(&isize).expect_err("bad size");
    assert!(e.to_string().contains("uncompressed bytes"), "{e}");

    let e = read_all(&stream[..size - 3]).expect_err("truncated");
    assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Any damage: an error or the bytes noodles reads, never other bytes and never a panic.
    #[test]
    fn damaged_streams_never_read_other_bytes_than_noodles(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 1..4),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut stream = bgzf_of(&payload(30_000, 5), 9_000);
        for (at, mask) in flips {
            let i = at.index(stream.len());
            stream[i] ^= mask;
        }
        if truncate {
            let n = cut.index(stream.len());
            stream.truncate(n);
        }
        let mut ours = Vec::new();
        let ours_ok = BlockReader::new(Cursor::new(&stream)).read_to_end(&mut ours).is_ok();
        let mut theirs = Vec::new();
        let theirs_ok = bgzf::io::Reader::new(Cursor::new(&stream)).read_to_end(&mut theirs).is_ok();
        if ours_ok && theirs_ok {
            prop_assert!(ours == theirs);
        }
        // Whatever was read before an error is a prefix of what noodles reads.
        let n = ours.len().min(theirs.len());
        prop_assert!(ours[..n] == theirs[..n]);
    }
}
