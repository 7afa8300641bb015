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
use std::collections::hash_map::Entry;
use std::collections::{BinaryHeap, HashMap};
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

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

/// Buckets of the ring of waiting reads by mate start ([`MateBuffer`]): a power of two above
/// the distance from a read's start to its mate's that overlapping mates have.
const RING: u64 = 1024;
/// No slot (an end of a bucket's list).
const NONE: u32 = u32::MAX;

/// Hashes a key that is already a keyed hash (a name's, [`MateBuffer`]'s seeded foldhash) to
/// itself, so that a lookup by name hashes the name once, not its hash again.
#[derive(Debug, Default, Clone, Copy)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `u64` keys are hashed ([`Self::write_u64`]); any other input still mixes in.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// One waiting read and its name; a slot and its buffers are reused by later reads.
#[derive(Debug)]
struct Slot {
    /// The name's keyed hash ([`MateBuffer::hash`]), kept so that neither giving the read up
    /// nor [`MateBuffer::prepare`] hashes its name again.
    hash: u64,
    name: Vec<u8>,
    read: PendingRead,
    /// Next slot whose name has the same hash.
    next: Option<usize>,
    /// Insertion number while waiting; `None` once taken (a heap entry is then stale).
    ticket: Option<u64>,
    /// In the ring: the slots before and after it in its mate start's bucket ([`NONE`] at
    /// the ends); `false` when it waits in the heap instead.
    in_ring: bool,
    prev_in_bucket: u32,
    next_in_bucket: u32,
}

impl Default for Slot {
    fn default() -> Self {
        Self {
            hash: 0,
            name: Vec::new(),
            read: PendingRead::default(),
            next: None,
            ticket: None,
            in_ring: false,
            prev_in_bucket: NONE,
            next_in_bucket: NONE,
        }
    }
}

/// Reads waiting for their mates, by name and by where the mate starts.
///
/// Nothing is allocated per read once the buffer has grown to the number of reads that wait
/// at once (about the reads within one insert size): slots, their names and their buffers
/// are reused. Names are found by a keyed hash (foldhash, seeded at random per buffer;
/// collisions chained and compared in full), so crafted names cannot make lookups quadratic.
///
/// Reads are given up in order of mate start, then of arrival. A read whose mate starts
/// within [`RING`] positions of the earliest one that may still wait goes to a ring of
/// buckets by mate start (each a list of slots in arrival order, left in constant time when
/// the mate arrives); any other (a mate far ahead, as after a long deletion or skip, or one
/// already passed) to a binary heap. Giving up takes the earlier of the two heads.
#[derive(Debug, Default)]
pub struct MateBuffer {
    slots: Vec<Slot>,
    free: Vec<usize>,
    /// The first slot of each name hash's chain (keyed by the hash itself: [`Prehashed`]).
    by_name: HashMap<u64, usize, BuildHasherDefault<Prehashed>>,
    /// Per bucket (mate start modulo [`RING`]): its first and last slot, [`NONE`] when empty.
    buckets: Vec<[u32; 2]>,
    /// The ring holds mate starts in `[ring_base, ring_base + RING)`; none below waits in it.
    ring_base: u64,
    /// Reads in the ring.
    ring_len: usize,
    /// (mate start, ticket, slot) of the reads outside the ring.
    far: BinaryHeap<Reverse<(u64, u64, usize)>>,
    tickets: u64,
    hasher: RandomState,
    /// What [`Self::prepare`] loaded, kept so that its loads are not left out.
    prepared: u8,
    /// Tests only: every name hashes alike, so that names are told apart on their chains.
    #[cfg(test)]
    colliding: bool,
}

impl MateBuffer {
    /// A buffer in which every name has the same hash (tests of the chains).
    #[cfg(test)]
    pub(crate) fn colliding() -> Self {
        Self {
            colliding: true,
            ..Self::default()
        }
    }

    /// A name's keyed hash.
    fn hash(&self, name: &[u8]) -> u64 {
        #[cfg(test)]
        if self.colliding {
            return 7;
        }
        self.hasher.hash_one(name)
    }

    /// Holds a read (`reverse`, `f1r2`, `mate_start`) until its mate (same name) arrives. Its
    /// decoded buffers are swapped in: `decoded` gets the buffers of a read that left, to be
    /// decoded into again.
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
        let hash = self.hash(name);
        let ticket = self.tickets;
        self.tickets += 1;
        let next = self.by_name.insert(hash, i);
        let slot = &mut self.slots[i];
        slot.hash = hash;
        slot.name.clear();
        slot.name.extend_from_slice(name);
        slot.read.reverse = reverse;
        slot.read.f1r2 = f1r2;
        slot.read.mate_start = mate_start;
        std::mem::swap(&mut slot.read.read, decoded);
        slot.next = next;
        slot.ticket = Some(ticket);
        let in_window = self.in_ring_window(mate_start);
        match u32::try_from(i) {
            Ok(link) if in_window && link != NONE => self.ring_push(link, mate_start),
            _ => {
                self.slots[i].in_ring = false;
                self.far.push(Reverse((mate_start, ticket, i)));
            }
        }
    }

    /// Whether a read whose mate starts at `mate_start` waits in the ring (its window is
    /// `[ring_base, ring_base + RING)`), not in the heap of reads far ahead.
    fn in_ring_window(&self, mate_start: u64) -> bool {
        mate_start
            .checked_sub(self.ring_base)
            .is_some_and(|d| d < RING)
    }

    /// Appends slot `i` to the bucket of `mate_start` (inside the ring's window).
    fn ring_push(&mut self, i: u32, mate_start: u64) {
        if self.buckets.is_empty() {
            self.buckets = vec![[NONE; 2]; RING as usize];
        }
        let bucket = &mut self.buckets[(mate_start % RING) as usize];
        let tail = bucket[1];
        bucket[1] = i;
        if tail == NONE {
            bucket[0] = i;
        } else {
            self.slots[tail as usize].next_in_bucket = i;
        }
        let slot = &mut self.slots[i as usize];
        (slot.in_ring, slot.prev_in_bucket, slot.next_in_bucket) = (true, tail, NONE);
        self.ring_len += 1;
    }

    /// Takes slot `i` out of its bucket of the ring.
    fn ring_remove(&mut self, i: usize) {
        let slot = &mut self.slots[i];
        let (prev, next) = (slot.prev_in_bucket, slot.next_in_bucket);
        (slot.in_ring, slot.prev_in_bucket, slot.next_in_bucket) = (false, NONE, NONE);
        let bucket = (slot.read.mate_start % RING) as usize;
        match prev {
            NONE => self.buckets[bucket][0] = next,
            p => self.slots[p as usize].next_in_bucket = next,
        }
        match next {
            NONE => self.buckets[bucket][1] = prev,
            n => self.slots[n as usize].prev_in_bucket = prev,
        }
        self.ring_len -= 1;
    }

    /// The waiting mate of a read named `name` (the latest one of that name), if any: a slot
    /// to [`Self::read`] and then [`Self::release`].
    pub fn take(&mut self, name: &[u8]) -> Option<usize> {
        let hash = self.hash(name);
        self.detach(hash, |_, slot| slot.name == name)
    }

    /// Takes the first slot `wanted` accepts out of the chain of name hash `hash` (one
    /// lookup of the hash: the slot nearly always heads its chain, which holds only names
    /// whose hashes collide) and out of the ring, and marks it taken.
    fn detach(&mut self, hash: u64, wanted: impl Fn(usize, &Slot) -> bool) -> Option<usize> {
        let Entry::Occupied(mut head) = self.by_name.entry(hash) else {
            return None;
        };
        let first = *head.get();
        let found = if wanted(first, &self.slots[first]) {
            match self.slots[first].next.take() {
                Some(next) => *head.get_mut() = next,
                None => {
                    head.remove();
                }
            }
            first
        } else {
            let mut prev = first;
            loop {
                let i = self.slots[prev].next?;
                if wanted(i, &self.slots[i]) {
                    self.slots[prev].next = self.slots[i].next.take();
                    break i;
                }
                prev = i;
            }
        };
        if self.slots[found].in_ring {
            self.ring_remove(found);
        }
        self.slots[found].ticket = None;
        Some(found)
    }

    /// Brings into the cache what taking the reads whose mates start at `mate_start` reads,
    /// and returns how many wait in the ring for it. Records come in coordinate order, so
    /// those reads are taken while the records starting at `mate_start` are counted, each
    /// right after its mate is decoded: one by one, every take would wait on memory (at
    /// 20,000×, a few thousand reads wait, over a megabyte, and the lookups of their names,
    /// their slots and their bases fall out of the nearer caches between the read's arrival
    /// and its mate's). Called when the records reach `mate_start`, this loads a byte of
    /// each of their cache lines — the name's hash entry, the slot, the name, bases and
    /// qualities — in one loop whose loads do not wait on one another. Reads waiting outside
    /// the ring (mates far ahead) are left alone.
    pub fn prepare(&mut self, mate_start: u64) -> usize {
        if self.ring_len == 0 || !self.in_ring_window(mate_start) {
            return 0;
        }
        let (mut i, mut reads, mut loaded) =
            (self.buckets[(mate_start % RING) as usize][0], 0, 0u8);
        while i != NONE {
            let slot = &self.slots[i as usize];
            let entry = self.by_name.get(&slot.hash).copied().unwrap_or_default();
            loaded ^= entry as u8 ^ slot.ticket.unwrap_or_default() as u8;
            let read = &slot.read.read;
            for bytes in [&slot.name[..], read.sequence(), read.qualities()] {
                loaded ^= cache_lines(bytes);
            }
            reads += 1;
            i = slot.next_in_bucket;
        }
        self.prepared ^= loaded;
        reads
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
    /// read's stale heap entry may also answer yes).
    pub fn waits_before(&mut self, start: u64) -> bool {
        self.ring_head(start).is_some()
            || self
                .far
                .peek()
                .is_some_and(|&Reverse((mate_start, _, _))| mate_start < start)
    }

    /// The first read of the ring, (mate start, ticket, slot), if its mate start is before
    /// `start`: the ring's base moves past empty buckets up to `start` on the way.
    fn ring_head(&mut self, start: u64) -> Option<(u64, u64, usize)> {
        if self.ring_len == 0 {
            self.ring_base = self.ring_base.max(start);
            return None;
        }
        while self.ring_base < start {
            let head = self.buckets[(self.ring_base % RING) as usize][0];
            if head != NONE {
                let ticket = self.slots[head as usize].ticket?;
                return Some((self.ring_base, ticket, head as usize));
            }
            self.ring_base += 1;
        }
        None
    }

    /// The next waiting read whose mate should have started before `start` (the mate was
    /// filtered or lies outside the query), in order of that mate start and then of arrival:
    /// it counts alone.
    pub fn take_before(&mut self, start: u64) -> Option<usize> {
        loop {
            let ring = self.ring_head(start);
            let far = self
                .far
                .peek()
                .map(|&Reverse(entry)| entry)
                .filter(|&(mate_start, _, _)| mate_start < start);
            let (from_far, (_, ticket, i)) = match (ring, far) {
                (Some(r), Some(f)) if f < r => (true, f),
                (Some(r), _) => (false, r),
                (None, Some(f)) => (true, f),
                (None, None) => return None,
            };
            if from_far {
                self.far.pop();
                if self.slots[i].ticket != Some(ticket) {
                    continue; // taken by its mate: a stale entry
                }
            }
            return self.detach(self.slots[i].hash, |j, _| j == i);
        }
    }
}

/// One byte of each 64-byte cache line `bytes` lies in, combined.
fn cache_lines(bytes: &[u8]) -> u8 {
    bytes
        .iter()
        .step_by(64)
        .chain(bytes.last())
        .fold(0, |loaded, &b| loaded ^ b)
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
