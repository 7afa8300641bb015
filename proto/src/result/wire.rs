//! A site's wire format: one JSON array, no field names, so that a result (hundreds to
//! thousands of sites) is about 40 % smaller and is read about a fifth faster than with
//! named fields (criterion: `cargo bench -p esr1-worker --bench counting -- result_codec`).
//!
//! `[pos, ref_base, forward, reverse, expected_errors, near_read_end, f1r2]`, each count an
//! array `[a, c, g, t, del]`, then — only at the few sites that have any — an object with
//! the site's `indels`, `mnvs`, `in_mnv` and `in_mnv_reverse` (each left out when empty):
//!
//! ```json
//! [152094234,"A",[318,0,1,0,0],[90,0,0,0,0],0.0813,[33,0,0,0,0],[197,0,1,0,0]]
//! [152098791,"A",[500,0,0,0,0],[480,0,0,0,0],0.2,[40,0,0,0,0],[490,0,0,0,0],{"indels":[{"allele":"-2","forward":1,"reverse":0}]}]
//! ```

use super::{AlleleCount, BaseCounts, MnvCount, SiteCounts};
use serde::de::{self, SeqAccess, Visitor};
use serde::ser::SerializeTuple;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The fields a site rarely has, as the array's optional last element (borrowed to write).
#[derive(Serialize)]
struct RareRef<'a> {
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    indels: &'a [AlleleCount],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    mnvs: &'a [MnvCount],
    #[serde(skip_serializing_if = "BaseCounts::is_zero")]
    in_mnv: BaseCounts,
    #[serde(skip_serializing_if = "BaseCounts::is_zero")]
    in_mnv_reverse: BaseCounts,
}

impl RareRef<'_> {
    fn is_empty(&self) -> bool {
        self.indels.is_empty()
            && self.mnvs.is_empty()
            && self.in_mnv.is_zero()
            && self.in_mnv_reverse.is_zero()
    }
}

/// The same fields, read back (any may be missing).
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Rare {
    #[serde(default)]
    indels: Vec<AlleleCount>,
    #[serde(default)]
    mnvs: Vec<MnvCount>,
    #[serde(default)]
    in_mnv: BaseCounts,
    #[serde(default)]
    in_mnv_reverse: BaseCounts,
}

/// Elements always present.
const FIXED: usize = 7;

impl Serialize for SiteCounts {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let rare = RareRef {
            indels: &self.indels,
            mnvs: &self.mnvs,
            in_mnv: self.in_mnv,
            in_mnv_reverse: self.in_mnv_reverse,
        };
        let len = if rare.is_empty() { FIXED } else { FIXED + 1 };
        let mut t = serializer.serialize_tuple(len)?;
        t.serialize_element(&self.pos)?;
        t.serialize_element(&self.ref_base)?;
        t.serialize_element(&self.forward)?;
        t.serialize_element(&self.reverse)?;
        t.serialize_element(&self.expected_errors)?;
        t.serialize_element(&self.near_read_end)?;
        t.serialize_element(&self.f1r2)?;
        if !rare.is_empty() {
            t.serialize_element(&rare)?;
        }
        t.end()
    }
}

impl<'de> Deserialize<'de> for SiteCounts {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_seq(SiteVisitor)
    }
}

struct SiteVisitor;

impl<'de> Visitor<'de> for SiteVisitor {
    type Value = SiteCounts;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(
            "a site: [pos, ref_base, forward, reverse, expected_errors, near_read_end, f1r2] \
             and optionally an object of indels, mnvs, in_mnv, in_mnv_reverse",
        )
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<SiteCounts, A::Error> {
        let pos = required(&mut seq, 0)?;
        let ref_base = required(&mut seq, 1)?;
        let forward = required(&mut seq, 2)?;
        let reverse = required(&mut seq, 3)?;
        let expected_errors = required(&mut seq, 4)?;
        let near_read_end = required(&mut seq, 5)?;
        let f1r2 = required(&mut seq, 6)?;
        let rare: Rare = seq.next_element()?.unwrap_or_default();
        Ok(SiteCounts {
            pos,
            ref_base,
            forward,
            reverse,
            indels: rare.indels,
            expected_errors,
            mnvs: rare.mnvs,
            in_mnv: rare.in_mnv,
            in_mnv_reverse: rare.in_mnv_reverse,
            near_read_end,
            f1r2,
        })
    }
}

/// The element at `index` of a site, which must be there.
fn required<'de, A: SeqAccess<'de>, T: Deserialize<'de>>(
    seq: &mut A,
    index: usize,
) -> Result<T, A::Error> {
    seq.next_element()?
        .ok_or_else(|| de::Error::invalid_length(index, &SiteVisitor))
}
