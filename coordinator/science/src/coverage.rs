//! Coverage as evidence: whether a sample has enough fragments at the ESR1 hotspot positions
//! to detect anything there. A sample that does not (a header-only BAM, a failed capture)
//! carries no information on acquisition and must not make its patient evaluable.
//!
//! The rule: the **median fragment depth over the distinct hotspot positions** must be at
//! least [`MIN_HOTSPOT_MEDIAN_DEPTH`] (= [`MIN_DEPTH`], 10). Below [`MIN_DEPTH`] fragments the
//! re-caller tests no candidate at a position (`low_depth`) and counts none of its hotspot
//! tests, so a sample below it at most hotspots cannot have a hotspot call at all. The median,
//! not the minimum, so that one position a panel does not reach (e.g. E380 in exon 5 on an
//! LBD-only panel) does not discard an otherwise deep sample; the per-variant baseline power
//! in [`crate::classify`] still decides, above this floor, whether a baseline was deep
//! enough for each variant.

use crate::recall::MIN_DEPTH;
use crate::sample::SampleData;

/// Smallest median fragment depth at the hotspot positions for a sample to count.
pub const MIN_HOTSPOT_MEDIAN_DEPTH: u32 = MIN_DEPTH;

/// A sample's fragment depth at the hotspot positions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HotspotCoverage {
    /// Median depth over the positions (the mean of the middle two for an even count).
    pub median_depth: f64,
    /// Distinct hotspot positions looked at.
    pub positions: usize,
}

impl HotspotCoverage {
    /// The coverage of the given depths, one per hotspot position.
    pub fn of_depths(depths: &[u32]) -> Self {
        let mut d = depths.to_vec();
        d.sort_unstable();
        let n = d.len();
        let median_depth = match n {
            0 => 0.0,
            _ if n % 2 == 1 => f64::from(d[n / 2]),
            _ => (f64::from(d[n / 2 - 1]) + f64::from(d[n / 2])) / 2.0,
        };
        Self {
            median_depth,
            positions: n,
        }
    }

    /// The coverage of a sample at `positions` (no data at a position is depth 0).
    pub fn of_sample(sample: &SampleData, positions: &[u64]) -> Self {
        let depths: Vec<u32> = positions
            .iter()
            .map(|&p| sample.depth_at(p).unwrap_or(0))
            .collect();
        Self::of_depths(&depths)
    }

    /// Too shallow to detect a variant at the hotspots. Without hotspot positions there is
    /// nothing to judge, and nothing is low.
    pub fn is_low(&self) -> bool {
        self.positions > 0 && self.median_depth < f64::from(MIN_HOTSPOT_MEDIAN_DEPTH)
    }

    /// The depth found, for `qc.tsv`'s `reason` and the run's warnings: `median depth 0 at
    /// the 14 hotspot positions, need ≥ 10`.
    pub fn describe(&self) -> String {
        let median = if self.median_depth.fract() == 0.0 {
            format!("{}", self.median_depth)
        } else {
            format!("{:.1}", self.median_depth)
        };
        format!(
            "median depth {median} at the {} hotspot positions, need ≥ {MIN_HOTSPOT_MEDIAN_DEPTH}",
            self.positions
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_holds_at_the_threshold() {
        // Median exactly at the minimum counts; one fragment less does not.
        let at = HotspotCoverage::of_depths(&[0, 10, 10, 500, 900]);
        assert_eq!(at.median_depth, 10.0);
        assert!(!at.is_low(), "{at:?}");
        let below = HotspotCoverage::of_depths(&[0, 9, 9, 500, 900]);
        assert!(below.is_low(), "{below:?}");
        // An even count takes the mean of the middle two: 9.5 is below 10.
        let even = HotspotCoverage::of_depths(&[0, 9, 10, 2000]);
        assert_eq!(even.median_depth, 9.5);
        assert!(even.is_low());
        assert_eq!(
            even.describe(),
            "median depth 9.5 at the 4 hotspot positions, need ≥ 10"
        );
        assert!(!HotspotCoverage::of_depths(&[0, 10, 10, 2000]).is_low());
    }

    #[test]
    fn one_unreached_hotspot_does_not_discard_a_deep_sample_but_no_reads_do() {
        let mut depths = vec![1500; 13];
        depths.push(0);
        assert!(!HotspotCoverage::of_depths(&depths).is_low());
        let none = HotspotCoverage::of_depths(&[0; 14]);
        assert!(none.is_low());
        assert_eq!(
            none.describe(),
            "median depth 0 at the 14 hotspot positions, need ≥ 10"
        );
        // No hotspot positions: nothing to judge.
        assert!(!HotspotCoverage::of_depths(&[]).is_low());
    }
}
