//! Tests of the cohort background on hand-built cohorts with known truth: real subclones in
//! other patients' baselines must not inflate an allele's background, and a systematic
//! artefact present in every sample must stay in it.

use super::*;
use esr1_proto::{BaseCounts, GenomicRegion, ReferenceBlock, RegionQc, RegionResult};

/// D538G (c.1613A>G) in GRCh38.
const D538G: u64 = 152_098_791;
/// Y537S (c.1610A>C) in GRCh38.
const Y537S: u64 = 152_098_788;
const START: u64 = 152_098_700;
const END: u64 = 152_098_900;
/// Per-fragment rate of one specific wrong base at a clean position.
const ERROR_RATE: f64 = 5e-4;

/// A small deterministic generator (SplitMix64), independent of the product's code.
struct Rng(u64);

impl Rng {
    fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Poisson draw (Knuth's product of uniforms; fine for the small means used here).
    fn poisson(&mut self, lambda: f64) -> u32 {
        let limit = (-lambda).exp();
        let mut k = 0;
        let mut p = self.uniform();
        while p > limit {
            k += 1;
            p *= self.uniform();
        }
        k
    }

    fn depth(&mut self) -> u32 {
        2000 + (self.uniform() * 2000.0) as u32
    }
}

/// The reported positions and their reference bases: twelve clean positions (sequencing
/// error only), Y537 and D538.
fn reference() -> BTreeMap<u64, u8> {
    let mut r: BTreeMap<u64, u8> = (1..=12u64)
        .map(|j| (START + 5 * j, b"ACGT"[(j % 4) as usize]))
        .collect();
    r.insert(Y537S, b'A');
    r.insert(D538G, b'A');
    r
}

/// One sample's truth: depth everywhere, and alt fragments per (position, alt base).
struct Truth {
    patient: String,
    name: String,
    day: i64,
    depth: u32,
    alts: BTreeMap<(u64, u8), u32>,
}

impl Truth {
    /// A cfDNA sample with sequencing errors at every reported position and alt base.
    fn errors(rng: &mut Rng, patient: &str, name: &str, day: i64, depth: u32) -> Self {
        let mut alts = BTreeMap::new();
        for (&pos, &r) in &reference() {
            for a in *b"ACGT" {
                if a != r {
                    alts.insert((pos, a), rng.poisson(f64::from(depth) * ERROR_RATE));
                }
            }
        }
        Self {
            patient: patient.into(),
            name: name.into(),
            day,
            depth,
            alts,
        }
    }

    fn set(mut self, pos: u64, alt: u8, count: u32) -> Self {
        self.alts.insert((pos, alt), count);
        self
    }

    /// The worker's output: every position with alt fragments reported with its counts (split
    /// evenly between strands), a candidate for every alt seen, reference blocks elsewhere.
    fn data(&self) -> SampleData {
        let region = GenomicRegion {
            contig: "chr6".into(),
            start: START,
            end: END,
        };
        let mut result = RegionResult::new(&format!("job-{}", self.name), &self.name, region);
        let mut last = START;
        for (&pos, &r) in &reference() {
            // Fragments per base, in A, C, G, T order.
            let mut counts = [0u32; 4];
            let index = |b: u8| b"ACGT".iter().position(|&x| x == b).unwrap_or(0);
            for a in *b"ACGT" {
                let k = self.alts.get(&(pos, a)).copied().unwrap_or(0);
                if k > 0 {
                    counts[index(a)] += k;
                    result.calls.push(SampleCall {
                        pos,
                        ref_allele: char::from(r).to_string(),
                        alt_allele: char::from(a).to_string(),
                        alt_forward: k / 2,
                        alt_reverse: k - k / 2,
                        depth: self.depth,
                        vaf: f64::from(k) / f64::from(self.depth),
                        error_p: 0.0,
                        filters: Vec::new(),
                    });
                }
            }
            let seen: u32 = counts.iter().sum();
            counts[index(r)] += self.depth - seen;
            let strand = |f: fn(u32) -> u32| BaseCounts {
                a: f(counts[0]),
                c: f(counts[1]),
                g: f(counts[2]),
                t: f(counts[3]),
                ..BaseCounts::default()
            };
            let forward = strand(|c| c / 2);
            let reverse = strand(|c| c - c / 2);
            result.sites.push(SiteCounts {
                pos,
                ref_base: char::from(r),
                forward,
                reverse,
                ..SiteCounts::default()
            });
            if pos > last {
                result.blocks.push(self.block(last, pos - 1));
            }
            last = pos + 1;
        }
        result.blocks.push(self.block(last, END));
        SampleData {
            sample: SampleRef {
                patient: self.patient.clone(),
                sample: self.name.clone(),
                day: self.day,
                material: Material::Cfdna,
                therapy: "AI".into(),
                alignments: format!("{}.bam", self.name),
                index: None,
            },
            results: vec![result],
            qc: RegionQc::default(),
        }
    }

    fn block(&self, start: u64, end: u64) -> ReferenceBlock {
        ReferenceBlock {
            start,
            end,
            min_depth: self.depth,
            max_alt: 0,
        }
    }
}

/// Twenty patients with a baseline and a later cfDNA sample, errors only.
fn error_only_patients(rng: &mut Rng) -> Vec<Truth> {
    let mut out = Vec::new();
    for p in 1..=20 {
        let patient = format!("B{p:02}");
        let (d0, d1) = (rng.depth(), rng.depth());
        out.push(Truth::errors(
            rng,
            &patient,
            &format!("{patient}-0"),
            -7,
            d0,
        ));
        out.push(Truth::errors(
            rng,
            &patient,
            &format!("{patient}-1"),
            180,
            d1,
        ));
    }
    out
}

fn recall_cohort(truth: &[Truth]) -> (Vec<SampleData>, CohortCalls) {
    let data: Vec<SampleData> = truth.iter().map(Truth::data).collect();
    let refs: Vec<&SampleData> = data.iter().collect();
    let cohort = recall(
        &refs,
        &Esr1Model::builtin(),
        Build::Grch38,
        &CallingParams::default(),
    );
    (data, cohort)
}

/// The re-called candidate of `sample` for (`pos`, `alt`).
fn call_of<'a>(
    data: &[SampleData],
    cohort: &'a CohortCalls,
    sample: &str,
    pos: u64,
    alt: &str,
) -> &'a RecalledCall {
    cohort
        .calls
        .iter()
        .find(|c| {
            data[c.sample].sample.sample == sample && c.call.pos == pos && c.call.alt_allele == alt
        })
        .unwrap_or_else(|| panic!("no candidate {sample} {pos} {alt}"))
}

/// Detected calls outside the truth's real variants.
fn false_positives(data: &[SampleData], cohort: &CohortCalls, real: &[(&str, u64)]) -> Vec<String> {
    cohort
        .calls
        .iter()
        .filter(|c| c.detected())
        .map(|c| (data[c.sample].sample.sample.as_str(), c))
        .filter(|(s, c)| !real.contains(&(*s, c.call.pos)))
        .map(|(s, c)| format!("{s} {}{}", c.call.pos, c.call.alt_allele))
        .collect()
}

#[test]
fn real_subclones_in_other_baselines_do_not_inflate_the_background() {
    let mut rng = Rng(538);
    let mut truth = error_only_patients(&mut rng);
    // D538G truly present at 1 % in two other patients' baselines (26/2,600 and 34/3,400).
    truth.push(Truth::errors(&mut rng, "S1", "S1-0", 0, 2600).set(D538G, b'G', 26));
    truth.push(Truth::errors(&mut rng, "S2", "S2-0", -3, 3400).set(D538G, b'G', 34));
    // A third patient acquires it: 11 of 2,600 fragments (0.42 %) in later cfDNA.
    let d0 = rng.depth();
    truth.push(Truth::errors(&mut rng, "T", "T-0", -1, d0));
    truth.push(Truth::errors(&mut rng, "T", "T-1", 200, 2600).set(D538G, b'G', 11));
    let (data, cohort) = recall_cohort(&truth);

    let target = call_of(&data, &cohort, "T-1", D538G, "G");
    assert!(
        target.filters.is_empty(),
        "0.42 % D538G lost: {} p={} q={} background mean {} ρ {}",
        target.filter_label(),
        target.background_p,
        target.q_value,
        target.background.dist.mean,
        target.background.dist.rho
    );
    // The subclones are real and called themselves.
    for s in ["S1-0", "S2-0"] {
        let c = call_of(&data, &cohort, s, D538G, "G");
        assert!(c.detected(), "{s}: {}", c.filter_label());
    }
    // The two subclones, and nothing else, were left out of the background.
    let key: AlleleKey = (D538G, "A".into(), "G".into());
    assert_eq!(cohort.background_outliers_of(&key), 2);
    assert_eq!(cohort.background_outliers, 2);
    // Nothing else is called.
    let real = [("T-1", D538G), ("S1-0", D538G), ("S2-0", D538G)];
    let fp = false_positives(&data, &cohort, &real);
    assert!(fp.is_empty(), "false positives: {fp:?}");
}

#[test]
fn a_systematic_artefact_in_every_sample_stays_background() {
    let mut rng = Rng(537);
    let mut truth = error_only_patients(&mut rng);
    let d0 = rng.depth();
    truth.push(Truth::errors(&mut rng, "T", "T-0", -1, d0));
    // A true Y537S at 1.3 % in one later sample, on top of the artefact.
    truth.push(Truth::errors(&mut rng, "T", "T-1", 150, 3000).set(Y537S, b'C', 39));
    // Y537S A>C at a rate between 0.2 and 0.4 % in every sample (T-1 included).
    for t in &mut truth {
        let rate = 0.002 + 0.002 * rng.uniform();
        let k = rng.poisson(f64::from(t.depth) * rate);
        *t.alts.entry((Y537S, b'C')).or_default() += k;
    }
    let (data, cohort) = recall_cohort(&truth);

    let artefact_calls = cohort
        .calls
        .iter()
        .filter(|c| c.call.pos == Y537S && c.call.alt_allele == "C")
        .count();
    assert_eq!(
        artefact_calls,
        truth.len(),
        "every sample carries the artefact"
    );
    // The artefact is the allele's background, not a variant of any baseline.
    let key: AlleleKey = (Y537S, "A".into(), "C".into());
    assert_eq!(cohort.background_outliers_of(&key), 0);
    let fp = false_positives(&data, &cohort, &[("T-1", Y537S)]);
    assert!(fp.is_empty(), "artefact or errors called: {fp:?}");
    let real = call_of(&data, &cohort, "T-1", Y537S, "C");
    assert!(real.filters.is_empty(), "{}", real.filter_label());
}
