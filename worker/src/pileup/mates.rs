//! Mates of one fragment counted once: a read whose mate may overlap it waits in a
//! [`MateBuffer`] (as its decoded sequence, qualities and CIGAR: a sixth of the size of its
//! events, so that the thousand reads waiting at cfDNA depths stay in cache) until the mate
//! arrives, then [`merge_pair`] (or, for reads without indels, [`super::direct`]) keeps each
//! position once — the
//! better-quality base where the mates agree, nothing where they disagree (a discordant base
//! is not evidence). A read whose mate never comes is counted alone.

use super::read::ReadBuffers;
use super::types::{FragmentSink, ReadEvent};
use foldhash::fast::RandomState;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::hash::BuildHasher;

/// A read waiting for its mate: its strand, where it and its mate start, and the read as
/// decoded ([`ReadBuffers`]); it is counted from those (or from its events, made then) when
/// it is merged or given up.
#[derive(Debug, Default)]
pub struct PendingRead {
    /// Strand of the read.
    pub reverse: bool,
    /// Orientation of its fragment (F1R2).
    pub f1r2: bool,
    /// Where its mate starts.
    pub mate_start: u64,
    /// Its sequence, qualities and CIGAR.
    pub read: ReadBuffers,
}

/// One waiting read and its name; a slot and its buffers are reused by later reads.
#[derive(Debug, Default)]
struct Slot {
    name: Vec<u8>,
    read: PendingRead,
    /// Next slot whose name has the same hash.
    next: Option<usize>,
    /// Insertion number while waiting; `None` once taken (its heap entry is then stale).
    ticket: Option<u64>,
}

/// Reads waiting for their mates, by name and by where the mate starts.
///
/// Nothing is allocated per read once the buffer has grown to the number of reads that wait
/// at once (about the reads within one insert size): slots, their names and their buffers
/// are reused. Names are found by a keyed hash (foldhash, seeded at random per buffer;
/// collisions chained and compared in full), so crafted names cannot make lookups quadratic.
#[derive(Debug, Default)]
pub struct MateBuffer {
    slots: Vec<Slot>,
    free: Vec<usize>,
    by_name: HashMap<u64, usize, RandomState>,
    /// (mate start, ticket, slot): the waiting reads in the order they are given up on.
    by_mate_start: BinaryHeap<Reverse<(u64, u64, usize)>>,
    tickets: u64,
    hasher: RandomState,
}

impl MateBuffer {
    /// Holds a read (`reverse`, `f1r2`, `mate_start`) until its mate (same name) arrives. Its decoded buffers are swapped in: `decoded` gets the buffers of a read
    /// that left, to be decoded into again.
    pub fn insert(
        &mut self,
        name: &[u8],
        (reverse, f1r2, mate_start): (bool, bool, u64),
        decoded: &mut ReadBuffers,
    ) {
        let i = self.free.pop().unwrap_or_else(|| {
            self.slots.push(Slot::default());
            self.slots.len() - 1
        });
        let hash = self.hasher.hash_one(name);
        let ticket = self.tickets;
        self.tickets += 1;
        let next = self.by_name.insert(hash, i);
        self.by_mate_start.push(Reverse((mate_start, ticket, i)));
        let slot = &mut self.slots[i];
        slot.name.clear();
        slot.name.extend_from_slice(name);
        slot.read.reverse = reverse;
        slot.read.f1r2 = f1r2;
        slot.read.mate_start = mate_start;
        std::mem::swap(&mut slot.read.read, decoded);
        slot.next = next;
        slot.ticket = Some(ticket);
    }

    /// The waiting mate of a read named `name` (the latest one of that name), if any: a slot
    /// to [`Self::read`] and then [`Self::release`].
    pub fn take(&mut self, name: &[u8]) -> Option<usize> {
        let hash = self.hasher.hash_one(name);
        let mut cur = self.by_name.get(&hash).copied();
        while let Some(i) = cur {
            if self.slots[i].name == name {
                self.unlink(hash, i);
                return Some(i);
            }
            cur = self.slots[i].next;
        }
        None
    }

    /// Removes waiting slot `i` from its name's chain and marks it taken.
    fn unlink(&mut self, hash: u64, i: usize) {
        let next = self.slots[i].next.take();
        self.slots[i].ticket = None;
        let mut cur = self.by_name.get(&hash).copied();
        if cur == Some(i) {
            match next {
                Some(n) => self.by_name.insert(hash, n),
                None => self.by_name.remove(&hash),
            };
            return;
        }
        while let Some(p) = cur {
            if self.slots[p].next == Some(i) {
                self.slots[p].next = next;
                return;
            }
            cur = self.slots[p].next;
        }
    }

    /// The name of the read in a slot.
    pub fn name(&self, slot: usize) -> &[u8] {
        &self.slots[slot].name
    }

    /// The read in a slot from [`Self::take`] or [`Self::take_before`].
    pub fn read(&self, slot: usize) -> &PendingRead {
        &self.slots[slot].read
    }

    /// Gives a slot back for reuse.
    pub fn release(&mut self, slot: usize) {
        self.free.push(slot);
    }

    /// Whether a read may wait whose mate should have started before `start` (a taken
    /// read's stale entry may also answer yes).
    pub fn waits_before(&self, start: u64) -> bool {
        self.by_mate_start
            .peek()
            .is_some_and(|&Reverse((mate_start, _, _))| mate_start < start)
    }

    /// The next waiting read whose mate should have started before `start` (the mate was
    /// filtered or lies outside the query), in order of that mate start and then of arrival:
    /// it counts alone.
    pub fn take_before(&mut self, start: u64) -> Option<usize> {
        while let Some(&Reverse((mate_start, ticket, i))) = self.by_mate_start.peek() {
            if mate_start >= start {
                return None;
            }
            self.by_mate_start.pop();
            if self.slots[i].ticket == Some(ticket) {
                let hash = self.hasher.hash_one(&self.slots[i].name);
                self.unlink(hash, i);
                return Some(i);
            }
        }
        None
    }
}

/// Merges a fragment from its two mates into `f`: each position once; discordant positions
/// not at all. Positions where they disagree are counted in `discordant`. Both reads'
/// events are in position order, one per position, so one pass over the two gives the
/// fragment's bases in position order.
pub fn merge_pair(
    (first_reverse, first): (bool, &[ReadEvent]),
    second_reverse: bool,
    second: &[ReadEvent],
    discordant: &mut u64,
    f: &mut impl FragmentSink,
) {
    let (a, b) = (first, second);
    let (mut i, mut j) = (0, 0);
    loop {
        match (a.get(i), b.get(j)) {
            (Some(e), Some(other)) if e.pos() == other.pos() => {
                merge_position(e, first_reverse, other, second_reverse, discordant, f);
                i += 1;
                j += 1;
            }
            (Some(e), Some(other)) if e.pos() > other.pos() => {
                // Only the second mate covers this position.
                f.event(other, second_reverse);
                j += 1;
            }
            (Some(e), _) => {
                // Only the first mate covers this position.
                f.event(e, first_reverse);
                i += 1;
            }
            (None, Some(other)) => {
                f.event(other, second_reverse);
                j += 1;
            }
            (None, None) => break,
        }
    }
}

/// One position both mates cover: the better base where they agree, nothing where they
/// disagree; an indel anchored here only when both carry it.
fn merge_position(
    e: &ReadEvent,
    first_reverse: bool,
    other: &ReadEvent,
    second_reverse: bool,
    discordant: &mut u64,
    f: &mut impl FragmentSink,
) {
    // The mate whose base is kept here also gives an indel anchored here its strand, so
    // that an indel both mates carry is counted on either strand as often as a base is
    // (always the first mate's strand would make every such indel look strand-biased).
    let mut indel_reverse = first_reverse;
    match (&e.observation(), &other.observation()) {
        (Some(a), Some(b)) => {
            if a.same_call(b) {
                // Which mate is better is a coin toss per position: selected, not branched
                // on, so that the processor does not mispredict it half the time.
                let second_better = b.quality() > a.quality();
                let (kept, kept_reverse) = if second_better {
                    (other, second_reverse)
                } else {
                    (e, first_reverse)
                };
                f.base(kept, kept_reverse);
                indel_reverse = kept_reverse;
            } else {
                *discordant += 1;
            }
        }
        (Some(_), None) => f.base(e, first_reverse),
        (None, Some(_)) => {
            f.base(other, second_reverse);
            indel_reverse = second_reverse;
        }
        (None, None) => {}
    }
    match (&e.indel(), &other.indel()) {
        (Some(a), Some(b)) if a == b => f.indel(e.pos(), indel_reverse, *a),
        (None, None) => {}
        // One mate shows an indel the other does not, at a position both cover.
        _ => *discordant += 1,
    }
}
