//! Mates of one fragment counted once: a read whose mate may overlap it waits in a
//! [`MateBuffer`] until the mate arrives, then [`merge_pair`] keeps each position once — the
//! better-quality base where the mates agree, nothing where they disagree (a discordant base
//! is not evidence). A read whose mate never comes is counted alone.

use super::types::{Fragment, ReadEvent};
use std::collections::{BTreeMap, HashMap};

/// A read's events with its strand, waiting for its mate.
#[derive(Debug)]
pub struct PendingRead {
    /// Strand of the read.
    pub reverse: bool,
    /// Orientation of its fragment (F1R2).
    pub f1r2: bool,
    /// Its events inside the region.
    pub events: Vec<ReadEvent>,
    /// Where its mate starts.
    pub mate_start: u64,
}

/// Reads waiting for their mates, by name and by where the mate starts.
#[derive(Debug, Default)]
pub struct MateBuffer {
    pending: HashMap<Vec<u8>, PendingRead>,
    by_mate_start: BTreeMap<u64, Vec<Vec<u8>>>,
}

impl MateBuffer {
    /// Holds a read until its mate (same name) arrives.
    pub fn insert(&mut self, name: Vec<u8>, read: PendingRead) {
        self.by_mate_start
            .entry(read.mate_start)
            .or_default()
            .push(name.clone());
        self.pending.insert(name, read);
    }

    /// The waiting mate of a read named `name`, if any.
    pub fn take(&mut self, name: &[u8]) -> Option<PendingRead> {
        let mate = self.pending.remove(name)?;
        if let Some(names) = self.by_mate_start.get_mut(&mate.mate_start) {
            names.retain(|n| n != name);
            if names.is_empty() {
                self.by_mate_start.remove(&mate.mate_start);
            }
        }
        Some(mate)
    }

    /// Every waiting read whose mate should have started before `start` (the mate was
    /// filtered or lies outside the query), in order of that mate start: they count alone.
    pub fn drain_before(&mut self, start: u64) -> Vec<PendingRead> {
        let mut alone = Vec::new();
        while let Some((&mate_start, _)) = self.by_mate_start.first_key_value() {
            if mate_start >= start {
                break;
            }
            let names = self.by_mate_start.remove(&mate_start).unwrap_or_default();
            alone.extend(names.iter().filter_map(|n| self.pending.remove(n)));
        }
        alone
    }
}

/// Merges a fragment from its two mates into `f` (cleared first): each position once;
/// discordant positions not at all. Positions where they disagree are counted in
/// `discordant`. Both reads' events are in position order, one per position, so one pass
/// over the two gives the fragment's bases in position order.
pub fn merge_pair(
    first: &PendingRead,
    second_reverse: bool,
    second: &[ReadEvent],
    discordant: &mut u64,
    f: &mut Fragment,
) {
    f.clear(first.f1r2);
    let (a, b) = (&first.events, second);
    let (mut i, mut j) = (0, 0);
    loop {
        match (a.get(i), b.get(j)) {
            (Some(e), Some(other)) if e.pos == other.pos => {
                merge_position(e, first.reverse, other, second_reverse, discordant, f);
                i += 1;
                j += 1;
            }
            (Some(e), Some(other)) if e.pos > other.pos => {
                // Only the second mate covers this position.
                f.push_event(other, second_reverse);
                j += 1;
            }
            (Some(e), _) => {
                // Only the first mate covers this position.
                f.push_event(e, first.reverse);
                i += 1;
            }
            (None, Some(other)) => {
                f.push_event(other, second_reverse);
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
    f: &mut Fragment,
) {
    // The mate whose base is kept here also gives an indel anchored here its strand, so
    // that an indel both mates carry is counted on either strand as often as a base is
    // (always the first mate's strand would make every such indel look strand-biased).
    let mut indel_reverse = first_reverse;
    match (&e.observation, &other.observation) {
        (Some(a), Some(b)) => {
            if a.same_call(b) {
                if b.quality() > a.quality() {
                    f.push_base(other, second_reverse);
                    indel_reverse = second_reverse;
                } else {
                    f.push_base(e, first_reverse);
                }
            } else {
                *discordant += 1;
            }
        }
        (Some(_), None) => f.push_base(e, first_reverse),
        (None, Some(_)) => {
            f.push_base(other, second_reverse);
            indel_reverse = second_reverse;
        }
        (None, None) => {}
    }
    match (&e.indel, &other.indel) {
        (Some(a), Some(b)) if a == b => f.indels.push((e.pos, indel_reverse, *a)),
        (None, None) => {}
        // One mate shows an indel the other does not, at a position both cover.
        _ => *discordant += 1,
    }
}
