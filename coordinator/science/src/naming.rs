//! How a variant is named in every output: protein change, hotspot and HGVS names on
//! NM_000125.4, its consequence, and the name used in cohort groups.

use crate::consequence::{residue, Consequence, Effect};
use crate::esr1::{Build, Esr1Model};

/// How a variant is named in every output.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Annotation {
    /// Short protein change (`Y537S`, `L536Q`, `V422del`); empty outside the CDS.
    pub protein: String,
    /// Known hotspot name, if it is one.
    pub hotspot: String,
    /// HGVS coding change against NM_000125.4.
    pub hgvs_c: String,
    /// HGVS protein change.
    pub hgvs_p: String,
    /// Consequence, hotspot and residue: what the cohort count rule reads.
    pub effect: Effect,
}

impl Annotation {
    /// Names a VCF-style variant with the model.
    pub fn of(model: &Esr1Model, build: Build, pos: u64, r: &str, a: &str) -> Self {
        let hgvs = model.hgvs(build, pos, r, a);
        let hgvs_p = hgvs.as_ref().and_then(|h| h.p.clone()).unwrap_or_default();
        let protein = model
            .protein_change(build, pos, r, a)
            .or_else(|| short_protein(&hgvs_p))
            .unwrap_or_default();
        let hotspot = model
            .hotspot_at(build, pos, a)
            .filter(|_| r.len() == 1)
            .map(|h| h.name.clone())
            .unwrap_or_default();
        let effect = Effect {
            consequence: Consequence::from_hgvs(hgvs.as_ref(), r.len() == a.len()),
            hotspot: !hotspot.is_empty(),
            residue: residue(hgvs.as_ref()),
        };
        Self {
            protein,
            hotspot,
            hgvs_c: hgvs.map(|h| h.c).unwrap_or_default(),
            hgvs_p,
            effect,
        }
    }

    /// The name used in cohort groups: hotspot, else protein change, else `chrom:posREF>ALT`.
    pub fn name(&self, chrom: &str, pos: u64, r: &str, a: &str) -> String {
        if !self.hotspot.is_empty() {
            self.hotspot.clone()
        } else if !self.protein.is_empty() {
            self.protein.clone()
        } else {
            format!("{chrom}:{pos}{r}>{a}")
        }
    }
}

/// One-letter form of an HGVS protein change (`p.Val422del` → `V422del`,
/// `p.Leu536SerfsTer71` → `L536Sfs*71`); `None` for `p.?`, `p.=` or nothing.
pub fn short_protein(hgvs_p: &str) -> Option<String> {
    let body = hgvs_p
        .strip_prefix("p.")?
        .trim_matches(|c| c == '(' || c == ')');
    if body.is_empty() || body.starts_with('?') || body.starts_with('=') {
        return None;
    }
    let codes: Vec<(char, &str)> = "ARNDCQEGHILKMFPSTWYV*"
        .chars()
        .map(|c| (c, crate::hgvs::three_letter(c)))
        .collect();
    let mut out = String::new();
    let mut rest = body;
    while !rest.is_empty() {
        if let Some((one, three)) = codes.iter().find(|(_, t)| rest.starts_with(t)) {
            out.push(*one);
            rest = &rest[three.len()..];
        } else {
            let ch = rest.chars().next()?;
            out.push(ch);
            rest = &rest[ch.len_utf8()..];
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protein_changes_are_shortened_from_hgvs() {
        assert_eq!(short_protein("p.Val422del").as_deref(), Some("V422del"));
        assert_eq!(
            short_protein("p.Leu536SerfsTer71").as_deref(),
            Some("L536Sfs*71")
        );
        assert_eq!(
            short_protein("p.Glu380_Leu381insGly").as_deref(),
            Some("E380_L381insG")
        );
        assert_eq!(short_protein("p.?"), None);
        assert_eq!(short_protein(""), None);
        // The annotation of a hotspot carries every name.
        let m = Esr1Model::builtin();
        let a = Annotation::of(&m, Build::Grch38, 152_011_697, "G", "C");
        assert_eq!(
            (
                a.protein.as_str(),
                a.hotspot.as_str(),
                a.hgvs_c.as_str(),
                a.hgvs_p.as_str()
            ),
            ("E380Q", "E380Q", "c.1138G>C", "p.Glu380Gln")
        );
    }
}
