//! The design of a cohort whose reads `art_illumina` makes: who carries what, at which
//! allele fraction in which sample, and what each patient's status truly is.
//!
//! Every patient has a baseline tumour biopsy and a baseline plasma sample before therapy
//! and two serial plasma samples after it; every third patient also a later tumour biopsy
//! fixed in formalin (deamination C>T/G>A at 1–3 % at positions of its own, on one strand of
//! each damaged molecule: see `reads.rs`). Patients take
//! roles in turn: an acquired hotspot at a low fraction (D538G, the cohort's most recurrent,
//! also pre-existing in two other patients' baselines at ~1 %), a pre-existing D538G, an
//! acquired in-frame deletion (L536del), an acquired MNV (L536Q), an acquired Y537C on the
//! allele that carries a strand-specific artefact in every sample, an acquired E380Q, and
//! none. Every sample carries the patient's germline SNPs.

use crate::error::SimulateError;
use crate::reference::RefWindow;
use crate::rng::Rng;
use crate::sites::{germline_sites, GermlineSite};
use esr1_proto::Material;
use esr1_science::cohort::VariantStatus;
use esr1_science::esr1::{Build, Esr1Model};

/// Allele fractions of the acquired low-fraction hotspots, in turn (first later plasma;
/// the second has twice as much).
pub const LOW_VAFS: [f64; 6] = [0.003, 0.004, 0.006, 0.01, 0.02, 0.04];
/// Reverse-strand reads showing the systematic artefact on the Y537C allele, per read.
pub const STRAND_ARTEFACT_RATE: f64 = 0.003;

/// What a variant is, for scoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArtKind {
    /// Inherited: every sample, 50 % or 100 %.
    Germline,
    /// A real somatic mutation.
    Somatic,
    /// Formalin deamination in one biopsy: not a mutation.
    Ffpe,
}

impl ArtKind {
    /// The spelling in the truth table.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Germline => "germline",
            Self::Somatic => "somatic",
            Self::Ffpe => "ffpe",
        }
    }
}

/// One variant of one patient, VCF style (`pos` is the first REF base).
#[derive(Debug, Clone, PartialEq)]
pub struct ArtVariant {
    /// GRCh38 position on chr6 of the first REF base.
    pub pos: u64,
    /// REF.
    pub ref_allele: String,
    /// ALT (same length for SNVs and MNVs; an in-frame deletion keeps the anchor base).
    pub alt_allele: String,
    /// `D538G`, `L536del`, `L536Q`, `germline`, `ffpe`.
    pub label: String,
    /// Germline, somatic or FFPE.
    pub kind: ArtKind,
    /// Homozygous (germline only).
    pub homozygous: bool,
    /// The patient's true status for it (`None` for an FFPE artefact: no status at all).
    pub status: Option<VariantStatus>,
}

/// One sample of the design.
#[derive(Debug, Clone, PartialEq)]
pub struct ArtSample {
    /// Sample id.
    pub sample: String,
    /// Days from therapy start.
    pub day: i64,
    /// Material.
    pub material: Material,
    /// Unique fragment depth over the targets.
    pub depth: u32,
    /// A noisier sequencing run (qualities shifted down by 5: ~3× the errors).
    pub noisy: bool,
    /// One molecule with a PCR error copied many times.
    pub jackpot: bool,
    /// Allele fraction of each of the patient's variants (index into its variants).
    pub vafs: Vec<f64>,
}

/// One patient of the design.
#[derive(Debug, Clone, PartialEq)]
pub struct ArtPatient {
    /// Patient id.
    pub patient: String,
    /// Therapy arm.
    pub therapy: String,
    /// Its variants.
    pub variants: Vec<ArtVariant>,
    /// Its samples, by day.
    pub samples: Vec<ArtSample>,
}

/// Depths of the design.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ArtDepths {
    /// Unique fragments of plasma samples.
    pub cfdna: u32,
    /// Unique fragments of tumour biopsies.
    pub tumour: u32,
}

fn snv(
    pos: u64,
    r: u8,
    a: u8,
    label: &str,
    kind: ArtKind,
    status: Option<VariantStatus>,
) -> ArtVariant {
    ArtVariant {
        pos,
        ref_allele: char::from(r).to_string(),
        alt_allele: char::from(a).to_string(),
        label: label.to_owned(),
        kind,
        homozygous: false,
        status,
    }
}

fn hotspot(model: &Esr1Model, name: &str) -> Result<(u64, u8, u8), SimulateError> {
    let h = model
        .hotspots
        .iter()
        .find(|h| h.name == name)
        .ok_or_else(|| SimulateError::Model(format!("no hotspot {name}")))?;
    Ok((h.pos(Build::Grch38), h.ref_base as u8, h.alt_base as u8))
}

/// The Y537C allele: the hotspot allele that carries the strand-specific artefact.
pub fn strand_artefact_allele(model: &Esr1Model) -> Result<(u64, u8, u8), SimulateError> {
    hotspot(model, "Y537C")
}

/// The design of `patients` patients.
pub fn design(
    model: &Esr1Model,
    window: &RefWindow,
    targets: &[(u64, u64)],
    patients: usize,
    depths: ArtDepths,
    seed: u64,
) -> Result<Vec<ArtPatient>, SimulateError> {
    let mut rng = Rng::derive(seed, "art-design");
    let sites: Vec<GermlineSite> = germline_sites(model, window)?;
    let acquired = Some(VariantStatus::Acquired);
    let pre = Some(VariantStatus::PreExisting);
    let (d538_pos, d538_r, d538_a) = hotspot(model, "D538G")?;
    let (l536_pos, l536_r, _) = hotspot(model, "L536H")?;
    let mut out = Vec::with_capacity(patients);
    let mut sample_no = 0usize;
    let mut low = 0usize;
    for i in 0..patients {
        let patient = format!("A{:02}", i + 1);
        let mut variants = Vec::new();
        // Germline: one or two heterozygous SNPs; every fifth patient one homozygous.
        let n_het = 1 + rng.below(2) as usize;
        let mut chosen: Vec<usize> = Vec::new();
        while chosen.len() < n_het.min(sites.len()) {
            let k = rng.index(sites.len());
            if !chosen.contains(&k) {
                chosen.push(k);
            }
        }
        for (j, &k) in chosen.iter().enumerate() {
            let s = &sites[k];
            let mut v = snv(
                s.pos,
                s.ref_base,
                s.alt_base,
                "germline",
                ArtKind::Germline,
                Some(VariantStatus::Germline),
            );
            v.homozygous = i % 5 == 4 && j == 0;
            variants.push(v);
        }
        let germline = variants.len();
        // Somatic role: (variant, fractions at T0, C0, C1, C2).
        let mut next_low = || {
            let v = LOW_VAFS[low % LOW_VAFS.len()];
            low += 1;
            v
        };
        let role = i % 8;
        let somatic: Option<(ArtVariant, [f64; 4])> = match role {
            0 | 5 => {
                let v = next_low();
                Some((
                    snv(
                        d538_pos,
                        d538_r,
                        d538_a,
                        "D538G",
                        ArtKind::Somatic,
                        acquired,
                    ),
                    [0.0, 0.0, v, 2.0 * v],
                ))
            }
            1 => Some((
                snv(d538_pos, d538_r, d538_a, "D538G", ArtKind::Somatic, pre),
                [0.012, 0.008, 0.015, 0.02],
            )),
            2 => {
                let (p, r, a) = strand_artefact_allele(model)?;
                Some((
                    snv(p, r, a, "Y537C", ArtKind::Somatic, acquired),
                    [0.0, 0.0, 0.01, 0.015],
                ))
            }
            3 => {
                // c.1606_1608del (the whole L536 codon), anchored on the base before it.
                let start = l536_pos - 1;
                let anchor = start - 1;
                let refs: String = (anchor..start + 3)
                    .map(|p| char::from(window.base(p)))
                    .collect();
                Some((
                    ArtVariant {
                        pos: anchor,
                        alt_allele: refs[..1].to_owned(),
                        ref_allele: refs,
                        label: "L536del".into(),
                        kind: ArtKind::Somatic,
                        homozygous: false,
                        status: acquired,
                    },
                    [0.0, 0.0, 0.02, 0.03],
                ))
            }
            4 => {
                // CTC>CAG: c.1607_1608delinsAG, p.Leu536Gln.
                let second = window.base(l536_pos + 1);
                Some((
                    ArtVariant {
                        pos: l536_pos,
                        ref_allele: format!("{}{}", char::from(l536_r), char::from(second)),
                        alt_allele: "AG".into(),
                        label: "L536Q".into(),
                        kind: ArtKind::Somatic,
                        homozygous: false,
                        status: acquired,
                    },
                    [0.0, 0.0, 0.015, 0.03],
                ))
            }
            6 => {
                let (p, r, a) = hotspot(model, "E380Q")?;
                let v = next_low();
                Some((
                    snv(p, r, a, "E380Q", ArtKind::Somatic, acquired),
                    [0.0, 0.0, v, 2.0 * v],
                ))
            }
            _ => None,
        };
        let biopsy = i % 3 == 0;
        let mut samples = vec![
            (
                format!("{patient}_T0"),
                -14,
                Material::Tumor,
                depths.tumour,
                0usize,
            ),
            (
                format!("{patient}_C0"),
                -7,
                Material::Cfdna,
                depths.cfdna,
                1,
            ),
            (
                format!("{patient}_C1"),
                90,
                Material::Cfdna,
                depths.cfdna,
                2,
            ),
            (
                format!("{patient}_C2"),
                180,
                Material::Cfdna,
                depths.cfdna,
                3,
            ),
        ];
        if biopsy {
            samples.push((
                format!("{patient}_T1"),
                200,
                Material::Tumor,
                depths.tumour,
                3,
            ));
        }
        if let Some((v, _)) = &somatic {
            variants.push(v.clone());
        }
        // Formalin deamination in the later biopsy: four C>T/G>A at 1–3 %, off every variant.
        let mut ffpe = Vec::new();
        if biopsy {
            while ffpe.len() < 4 {
                let t = targets[rng.index(targets.len())];
                let pos = rng.range_u64(t.0 + 20, t.1 - 20);
                let r = window.base(pos);
                let a = match r {
                    b'C' => b'T',
                    b'G' => b'A',
                    _ => continue,
                };
                if variants.iter().any(|v| v.pos.abs_diff(pos) < 5)
                    || ffpe.iter().any(|(p, _)| *p == pos)
                {
                    continue;
                }
                ffpe.push((pos, a));
                variants.push(snv(pos, r, a, "ffpe", ArtKind::Ffpe, None));
            }
        }
        let samples = samples
            .into_iter()
            .map(|(sample, day, material, depth, slot)| {
                let later_biopsy = material == Material::Tumor && day > 0;
                let vafs = variants
                    .iter()
                    .enumerate()
                    .map(|(k, v)| match v.kind {
                        ArtKind::Germline if v.homozygous => 1.0,
                        ArtKind::Germline => 0.5,
                        ArtKind::Ffpe if later_biopsy => 0.01 + 0.005 * (k - germline) as f64,
                        ArtKind::Ffpe => 0.0,
                        ArtKind::Somatic => somatic.as_ref().map_or(0.0, |(_, f)| f[slot]),
                    })
                    .collect();
                sample_no += 1;
                ArtSample {
                    sample,
                    day,
                    material,
                    depth,
                    noisy: sample_no.is_multiple_of(3),
                    jackpot: sample_no.is_multiple_of(4),
                    vafs,
                }
            })
            .collect();
        out.push(ArtPatient {
            patient,
            therapy: if i % 2 == 0 { "AI" } else { "tamoxifen" }.into(),
            variants,
            samples,
        });
    }
    Ok(out)
}
