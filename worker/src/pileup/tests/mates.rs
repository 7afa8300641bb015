//! The mate buffer: reads found by name, given up on in order of their mates' starts, slots
//! reused; and the packed read event keeping what it was given.

use crate::pileup::mates::MateBuffer;
use crate::pileup::read::ReadBuffers;
use crate::pileup::types::{Observation, ReadEvent};

/// Holds a read; `reverse` tells two reads of one name apart.
fn wait(buffer: &mut MateBuffer, name: &[u8], mate_start: u64, reverse: bool) {
    buffer.insert(
        name,
        (reverse, true, mate_start),
        &mut ReadBuffers::default(),
    );
}

/// The names of the reads given up before `start`, in the order they come out (each slot
/// released).
fn given_up(buffer: &mut MateBuffer, start: u64) -> Vec<String> {
    let mut order = Vec::new();
    while let Some(slot) = buffer.take_before(start) {
        order.push(String::from_utf8_lossy(buffer.name(slot)).into_owned());
        buffer.release(slot);
    }
    order
}

#[test]
fn a_mate_is_found_by_name_once() {
    let mut b = MateBuffer::default();
    wait(&mut b, b"r1", 120, false);
    wait(&mut b, b"r2", 130, false);
    let slot = b.take(b"r2").expect("r2 waits");
    assert_eq!(b.name(slot), b"r2");
    assert_eq!(b.read(slot).mate_start, 130);
    b.release(slot);
    assert_eq!(b.take(b"r2"), None, "taken once");
    assert_eq!(b.take(b"r3"), None);
    assert!(b.take(b"r1").is_some());
}

#[test]
fn reads_are_given_up_in_order_of_their_mate_starts_then_of_arrival() {
    let mut b = MateBuffer::default();
    wait(&mut b, b"late", 300, false);
    wait(&mut b, b"early", 200, false);
    wait(&mut b, b"tie", 200, false);
    wait(&mut b, b"taken", 100, false);
    let taken = b.take(b"taken").expect("waits");
    b.release(taken);
    assert!(b.waits_before(201));
    assert_eq!(
        given_up(&mut b, 201),
        ["early", "tie"],
        "the taken read is not given up again"
    );
    assert!(!b.waits_before(300));
    assert_eq!(b.take_before(300), None);
    let slot = b.take_before(301).expect("late");
    assert_eq!(b.name(slot), b"late");
}

#[test]
fn two_waiting_reads_of_one_name_are_both_kept_the_latest_found_first() {
    let mut b = MateBuffer::default();
    wait(&mut b, b"dup", 500, false);
    wait(&mut b, b"dup", 400, true);
    let slot = b.take(b"dup").expect("the latest");
    assert!(b.read(slot).reverse);
    b.release(slot);
    // The earlier one is still there, by name and by its mate start.
    let slot = b.take_before(501).expect("the earlier one");
    assert!(!b.read(slot).reverse);
    assert_eq!(b.read(slot).mate_start, 500);
    b.release(slot);
    assert_eq!(b.take(b"dup"), None);
}

#[test]
fn names_whose_hashes_collide_are_told_apart_wherever_they_wait_on_the_chain() {
    let mut b = MateBuffer::colliding();
    for (name, mate_start) in [(&b"a"[..], 100), (b"b", 110), (b"c", 120), (b"d", 130)] {
        wait(&mut b, name, mate_start, false);
    }
    // The chain is d, c, b, a: taken from its middle, its head and its tail.
    for name in [&b"b"[..], b"d", b"a"] {
        let slot = b.take(name).expect("waits");
        assert_eq!(b.name(slot), name);
        b.release(slot);
        assert_eq!(b.take(name), None, "taken once");
    }
    assert_eq!(
        b.take(b"e"),
        None,
        "a name not waiting is not found on the chain"
    );
    assert_eq!(given_up(&mut b, 1_000), ["c"]);
    assert_eq!(b.take(b"c"), None);
}

#[test]
fn released_slots_are_reused_without_growing() {
    let mut b = MateBuffer::default();
    for round in 0..1_000u64 {
        wait(&mut b, format!("r{round}").as_bytes(), round + 10, false);
        let slot = b.take(format!("r{round}").as_bytes()).expect("waits");
        assert_eq!(
            slot, 0,
            "one slot serves every read when one waits at a time"
        );
        b.release(slot);
    }
}

#[test]
fn a_packed_event_keeps_what_it_was_given() {
    let base = ReadEvent::base(152_098_788, b'G', Some(37), true);
    assert_eq!(base.pos(), 152_098_788);
    assert_eq!(
        base.observation(),
        Some(Observation::Base {
            base: b'G',
            quality: 37
        })
    );
    assert_eq!(base.read_base(), b'G');
    assert!(base.near_end());
    assert_eq!(base.indel(), None);
    let low = ReadEvent::base(5, b'T', None, false);
    assert_eq!(
        low.observation(),
        None,
        "below the minimum quality: no observation"
    );
    assert_eq!(low.read_base(), b'T', "but the read's base is kept");
    let mut deleted = ReadEvent::deleted(6);
    assert_eq!(deleted.observation(), Some(Observation::Deleted));
    assert_eq!(deleted.read_base(), 0);
    deleted.set_indel(Some(7));
    assert_eq!(deleted.indel(), Some(7));
    deleted.set_indel(None);
    assert_eq!(deleted.indel(), None);
    assert_eq!(std::mem::size_of::<ReadEvent>(), 12);
    assert_eq!(base.moved_to(9).pos(), 9);
}

#[test]
fn reads_near_and_far_ahead_are_given_up_in_one_order() {
    // Mate starts within the ring's window and beyond it (a mate after a long deletion),
    // and one already passed, arriving interleaved: given up by mate start, then arrival,
    // wherever each waits.
    let mut b = MateBuffer::default();
    wait(&mut b, b"far-a", 5_000, false);
    wait(&mut b, b"near-a", 300, false);
    wait(&mut b, b"far-b", 5_000, false);
    wait(&mut b, b"near-b", 300, false);
    wait(&mut b, b"taken", 300, false);
    let taken = b.take(b"taken").expect("waits");
    b.release(taken);
    assert_eq!(given_up(&mut b, 4_500), ["near-a", "near-b"]);
    // Reads come up to 4,500: mate start 5,000 is now near. A later read of that mate start
    // waits in the ring, after the two that wait far; one whose mate start lies behind
    // comes out first.
    wait(&mut b, b"ring-tie", 5_000, false);
    wait(&mut b, b"ring-early", 4_999, false);
    wait(&mut b, b"behind", 10, false);
    assert!(b.waits_before(11));
    assert_eq!(
        given_up(&mut b, u64::MAX),
        ["behind", "ring-early", "far-a", "far-b", "ring-tie"]
    );
    assert!(!b.waits_before(u64::MAX));
    assert_eq!(b.take(b"far-a"), None, "given up once");
}

#[test]
fn preparing_a_position_loads_the_reads_whose_mates_start_there_and_no_others() {
    let mut b = MateBuffer::default();
    wait(&mut b, b"a", 130, false);
    wait(&mut b, b"b", 131, false);
    wait(&mut b, b"c", 130, true);
    // A mate far ahead waits outside the ring.
    wait(&mut b, b"far", 130 + 5_000, false);
    assert_eq!(b.prepare(130), 2);
    assert_eq!(b.prepare(131), 1);
    assert_eq!(b.prepare(132), 0);
    assert_eq!(b.prepare(130 + 5_000), 0, "outside the ring");
    let slot = b.take(b"a").expect("a waits");
    b.release(slot);
    assert_eq!(b.prepare(130), 1, "a taken read is not prepared again");
    // Preparing changes nothing that is found.
    assert!(b.take(b"c").is_some_and(|slot| b.read(slot).reverse));
    assert!(b.take(b"far").is_some());
}
