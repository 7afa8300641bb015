//! HGVS c. and p. names of VCF-style ESR1 variants against NM_000125.4 (varnomen rules:
//! 3′ shifting, dup before ins, three-letter amino acids, `fsTer`/`extTer` counts).
//!
//! Variants are given as a VCF writes them (1-based position, plus-strand alleles, indels
//! anchored on the preceding base and left-aligned). Exonic changes are placed on the mRNA and
//! shifted 3′ within their exon (a genome-derived change cannot be shifted over an exon/intron
//! border without the intron's sequence, which the model does not hold). Intronic positions are
//! named from the nearest placed exon boundary.

use crate::esr1::{translate, Build, Esr1Model, CDS_MRNA_END, CDS_MRNA_START};

/// How far into an intron a position may lie when the exon on the other side of that intron is
/// not placed: without the neighbour's coordinates the intron's length is unknown, so only
/// positions this close to the placed boundary are surely intronic (human introns are longer
/// than twice this).
pub const UNPLACED_NEIGHBOUR_WINDOW: u64 = 20;

/// HGVS names of one variant on NM_000125.4.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hgvs {
    /// Coding DNA change (`c.1610A>C`, `c.1600_1602del`, `c.1553+1G>A`, `c.*10G>A`).
    pub c: String,
    /// Predicted protein change (`p.Tyr537Ser`, `p.Leu536SerfsTer71`, `p.?` at canonical splice
    /// sites); `None` where the protein is not affected as far as the model can tell (UTR,
    /// deep intronic).
    pub p: Option<String>,
}

/// An exon whose genomic and mRNA coordinates are both known.
#[derive(Debug, Clone, Copy)]
struct PlacedExon {
    number: u32,
    g_start: u64,
    g_end: u64,
    m_start: u64,
    m_end: u64,
}

/// Where a genomic position falls on the transcript.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TxPos {
    /// In a placed exon: mRNA position and exon index in the placed list.
    Exonic { m: u64, exon: usize },
    /// In an intron: the mRNA position of the nearest placed boundary and the signed distance.
    Intronic { anchor: u64, offset: i64 },
}

impl Esr1Model {
    /// Exons placed in a build, in exon order, with mRNA ends derived from their genomic length.
    fn placed_list(&self, build: Build) -> Vec<PlacedExon> {
        let mut v: Vec<PlacedExon> = self
            .placed_exons(build)
            .filter_map(|(e, g_start, m_start)| {
                let (_, g_end) = e.span(build)?;
                (g_end >= g_start).then_some(PlacedExon {
                    number: e.number,
                    g_start,
                    g_end,
                    m_start,
                    m_end: m_start + (g_end - g_start),
                })
            })
            .collect();
        v.sort_by_key(|e| e.number);
        v
    }

    /// HGVS c. and p. names of a VCF-style variant; `None` when it cannot be placed on the
    /// transcript (outside placed exons and their flanking introns), when it cannot be named
    /// without intron sequence the model lacks (insertions and unequal delins outside one exon,
    /// deletions whose 3′ shift would run over unknown intron bases), when an allele is not
    /// plain ACGT, or when REF does not match the model's mRNA.
    pub fn hgvs(&self, build: Build, pos: u64, ref_allele: &str, alt: &str) -> Option<Hgvs> {
        let placed = self.placed_list(build);
        let r = bases(ref_allele)?;
        let a = bases(alt)?;
        if r.is_empty() || a.is_empty() || r == a || pos == 0 {
            return None;
        }
        // Every REF base that lies in a placed exon must match the mRNA.
        for (i, &b) in r.iter().enumerate() {
            if let Some(TxPos::Exonic { m, .. }) = locate(&placed, pos + i as u64) {
                if *self.mrna.get(m as usize - 1)? != b {
                    return None;
                }
            }
        }
        let (start, del, ins) = trim(pos, &r, &a);
        if del.is_empty() {
            // Pure insertion between start-1 and start: both must be in the same exon.
            let before = locate(&placed, start.checked_sub(1)?)?;
            let after = locate(&placed, start)?;
            match (before, after) {
                (TxPos::Exonic { exon: e1, .. }, TxPos::Exonic { m, exon: e2 }) if e1 == e2 => {
                    self.exonic(&placed[e2], m, 0, ins)
                }
                _ => None,
            }
        } else {
            let end = start + del.len() as u64 - 1;
            let first = locate(&placed, start)?;
            let last = locate(&placed, end)?;
            match (first, last) {
                (TxPos::Exonic { m, exon: e1 }, TxPos::Exonic { exon: e2, .. }) if e1 == e2 => {
                    self.exonic(&placed[e1], m, del.len(), ins)
                }
                (TxPos::Intronic { .. }, TxPos::Intronic { .. }) if del.len() == ins.len() => {
                    intronic(&placed, start, del, ins)
                }
                _ if ins.is_empty() => self.splice_region_deletion(&placed, pos, &r, start, end),
                _ => None,
            }
        }
    }

    /// Names a deletion that is intronic or crosses an exon/intron border, shifted 3′ on the
    /// genome. The bases it is shifted over must be known (exonic, or inside REF); when the
    /// 3′-most position cannot be decided the result is `None`, never a guess.
    fn splice_region_deletion(
        &self,
        placed: &[PlacedExon],
        pos: u64,
        r: &[u8],
        mut start: u64,
        mut end: u64,
    ) -> Option<Hgvs> {
        let base = |g: u64| -> Option<u8> {
            match locate(placed, g) {
                Some(TxPos::Exonic { m, .. }) => self.mrna.get(m as usize - 1).copied(),
                _ => g
                    .checked_sub(pos)
                    .and_then(|i| r.get(usize::try_from(i).ok()?).copied()),
            }
        };
        while base(start)? == base(end + 1)? {
            start += 1;
            end += 1;
        }
        let mut names = Vec::new();
        let mut splice_site = false;
        let (mut exonic, mut intronic) = (false, false);
        for g in start..=end {
            let name = match locate(placed, g)? {
                TxPos::Exonic { m, .. } => {
                    exonic = true;
                    c_number(m)
                }
                TxPos::Intronic { anchor, offset } => {
                    intronic = true;
                    splice_site |= offset.unsigned_abs() <= 2;
                    format!("{}{:+}", c_number(anchor), offset)
                }
            };
            if g == start || g == end {
                names.push(name);
            }
        }
        if !intronic {
            // Shifted wholly into an exon: name it there (with its protein change).
            let (exon, m) = match locate(placed, start)? {
                TxPos::Exonic { m, exon } => (exon, m),
                TxPos::Intronic { .. } => return None,
            };
            return self.exonic(&placed[exon], m, (end - start + 1) as usize, &[]);
        }
        Some(Hgvs {
            c: format!("c.{}del", names.join("_")),
            p: (splice_site || exonic).then(|| "p.?".to_owned()),
        })
    }

    /// Names an exonic change: `del_len` mRNA bases from `m` replaced by `ins` (an insertion
    /// goes before `m`).
    fn exonic(&self, exon: &PlacedExon, m: u64, del_len: usize, ins: &[u8]) -> Option<Hgvs> {
        let mrna = &self.mrna;
        let at = |p: u64| mrna.get(p as usize - 1).copied();
        let dl = del_len as u64;
        let c = if del_len == 1 && ins.len() == 1 {
            format!("c.{}{}>{}", c_number(m), at(m)? as char, ins[0] as char)
        } else if ins.is_empty() {
            // 3′ rule: shift right while the base after the deletion equals its first base.
            let mut s = m;
            while s + dl <= exon.m_end && at(s)? == at(s + dl)? {
                s += 1;
            }
            format!("c.{}del", c_range(s, s + dl - 1))
        } else if del_len == 0 {
            let mut s = ins.to_vec();
            let mut p = m;
            while p <= exon.m_end && at(p)? == s[0] {
                s.rotate_left(1);
                p += 1;
            }
            let k = s.len() as u64;
            let dup = p > k
                && p - k >= exon.m_start
                && mrna.get((p - k) as usize - 1..(p - 1) as usize) == Some(&s[..]);
            if dup {
                format!("c.{}dup", c_range(p - k, p - 1))
            } else if p > exon.m_end {
                // After the exon's last base: the right flank is the intron.
                let n = c_number(p - 1);
                format!("c.{n}_{n}+1ins{}", String::from_utf8_lossy(&s))
            } else {
                format!(
                    "c.{}_{}ins{}",
                    c_number(p - 1),
                    c_number(p),
                    String::from_utf8_lossy(&s)
                )
            }
        } else {
            format!(
                "c.{}delins{}",
                c_range(m, m + dl - 1),
                String::from_utf8_lossy(ins)
            )
        };
        let mut mutated = Vec::with_capacity(mrna.len() + ins.len());
        mutated.extend_from_slice(mrna.get(..m as usize - 1)?);
        mutated.extend_from_slice(ins);
        mutated.extend_from_slice(mrna.get((m + dl) as usize - 1..)?);
        Some(Hgvs {
            c,
            p: protein(mrna, &mutated),
        })
    }
}

/// Upper-case ACGT bases of an allele; `None` for anything else (`N`, `*`, symbolic alleles).
fn bases(allele: &str) -> Option<Vec<u8>> {
    allele
        .bytes()
        .map(|b| {
            let u = b.to_ascii_uppercase();
            matches!(u, b'A' | b'C' | b'G' | b'T').then_some(u)
        })
        .collect()
}

/// Removes the common suffix, then the common prefix: (first changed position, deleted bases,
/// inserted bases).
fn trim<'a>(pos: u64, r: &'a [u8], a: &'a [u8]) -> (u64, &'a [u8], &'a [u8]) {
    let suffix = r
        .iter()
        .rev()
        .zip(a.iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
        .min(r.len().min(a.len()));
    let (r, a) = (&r[..r.len() - suffix], &a[..a.len() - suffix]);
    let prefix = r.iter().zip(a).take_while(|(x, y)| x == y).count();
    (pos + prefix as u64, &r[prefix..], &a[prefix..])
}

/// Places a genomic position on the transcript.
fn locate(placed: &[PlacedExon], g: u64) -> Option<TxPos> {
    if let Some(i) = placed
        .iter()
        .position(|e| (e.g_start..=e.g_end).contains(&g))
    {
        let e = &placed[i];
        return Some(TxPos::Exonic {
            m: e.m_start + (g - e.g_start),
            exon: i,
        });
    }
    // The placed exon just before g and the one just after it (plus strand: exon order is
    // genomic order).
    let before = placed
        .iter()
        .filter(|e| e.g_end < g)
        .max_by_key(|e| e.g_end);
    let after = placed
        .iter()
        .filter(|e| e.g_start > g)
        .min_by_key(|e| e.g_start);
    let plus = before.and_then(|b| {
        let d = g - b.g_end;
        let neighbour_placed = after.is_some_and(|a| a.number == b.number + 1);
        let in_intron = neighbour_placed || (after.is_some() && d <= UNPLACED_NEIGHBOUR_WINDOW);
        in_intron.then_some((b.m_end, d))
    });
    let minus = after.and_then(|a| {
        let d = a.g_start - g;
        let neighbour_placed = before.is_some_and(|b| b.number + 1 == a.number);
        let in_intron = neighbour_placed || (before.is_some() && d <= UNPLACED_NEIGHBOUR_WINDOW);
        in_intron.then_some((a.m_start, d))
    });
    // The nearer boundary wins; in the exact middle of an intron, "+" (varnomen).
    match (plus, minus) {
        (Some((m, d)), Some((_, e))) if d <= e => Some(TxPos::Intronic {
            anchor: m,
            offset: d as i64,
        }),
        (_, Some((m, e))) => Some(TxPos::Intronic {
            anchor: m,
            offset: -(e as i64),
        }),
        (Some((m, d)), None) => Some(TxPos::Intronic {
            anchor: m,
            offset: d as i64,
        }),
        (None, None) => None,
    }
}

/// Names an intronic substitution or same-length delins.
fn intronic(placed: &[PlacedExon], start: u64, del: &[u8], ins: &[u8]) -> Option<Hgvs> {
    let mut names = Vec::with_capacity(del.len());
    let mut splice_site = false;
    for i in 0..del.len() as u64 {
        match locate(placed, start + i)? {
            TxPos::Intronic { anchor, offset } => {
                splice_site |= offset.unsigned_abs() <= 2;
                names.push(format!("{}{:+}", c_number(anchor), offset));
            }
            TxPos::Exonic { .. } => return None,
        }
    }
    let first = names.first()?;
    let c = if del.len() == 1 {
        format!("c.{first}{}>{}", del[0] as char, ins[0] as char)
    } else {
        format!(
            "c.{first}_{}delins{}",
            names.last()?,
            String::from_utf8_lossy(ins)
        )
    };
    Some(Hgvs {
        c,
        p: splice_site.then(|| "p.?".to_owned()),
    })
}

/// The c. number of an mRNA position: `-N` in the 5′ UTR, `N` in the CDS, `*N` in the 3′ UTR.
fn c_number(m: u64) -> String {
    if m < CDS_MRNA_START {
        format!("-{}", CDS_MRNA_START - m)
    } else if m <= CDS_MRNA_END {
        (m - CDS_MRNA_START + 1).to_string()
    } else {
        format!("*{}", m - CDS_MRNA_END)
    }
}

/// `N` or `N_M` in c. numbering.
fn c_range(first: u64, last: u64) -> String {
    if first == last {
        c_number(first)
    } else {
        format!("{}_{}", c_number(first), c_number(last))
    }
}

/// Three-letter amino acid code of a one-letter code (`Ter` for the stop).
pub fn three_letter(aa: char) -> &'static str {
    match aa {
        'A' => "Ala",
        'R' => "Arg",
        'N' => "Asn",
        'D' => "Asp",
        'C' => "Cys",
        'Q' => "Gln",
        'E' => "Glu",
        'G' => "Gly",
        'H' => "His",
        'I' => "Ile",
        'L' => "Leu",
        'K' => "Lys",
        'M' => "Met",
        'F' => "Phe",
        'P' => "Pro",
        'S' => "Ser",
        'T' => "Thr",
        'W' => "Trp",
        'Y' => "Tyr",
        'V' => "Val",
        '*' => "Ter",
        _ => "Xaa",
    }
}

fn three(aas: &[char]) -> String {
    aas.iter().map(|&c| three_letter(c)).collect()
}

/// `Xxx#` for the residue at 0-based index `i`.
fn residue(p: &[char], i: usize) -> String {
    format!("{}{}", three_letter(p[i]), i + 1)
}

/// `Xxx#` or `Xxx#_Yyy#` for residues `first..=last` (0-based).
fn residue_range(p: &[char], first: usize, last: usize) -> String {
    if first == last {
        residue(p, first)
    } else {
        format!("{}_{}", residue(p, first), residue(p, last))
    }
}

/// Codons of `seq` from 0-based `from`, translated; stops after the first stop codon when
/// `to_stop`, otherwise after `max` codons. Returns the residues and whether a stop was read.
fn translate_from(seq: &[u8], from: usize, max: usize, to_stop: bool) -> (Vec<char>, bool) {
    let mut out = Vec::new();
    for codon in seq
        .get(from..)
        .unwrap_or_default()
        .chunks_exact(3)
        .take(max)
    {
        let aa = translate(codon);
        out.push(aa);
        if to_stop && aa == '*' {
            return (out, true);
        }
    }
    let stopped = out.contains(&'*');
    (out, stopped)
}

/// Lengths of the longest common prefix of `a` and `b` and of the longest common suffix that
/// does not overlap it.
fn common_ends<T: PartialEq>(a: &[T], b: &[T]) -> (usize, usize) {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let room = a.len().min(b.len()) - prefix;
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
        .min(room);
    (prefix, suffix)
}

/// Predicted protein change of a mutated mRNA; `None` when the change lies in a UTR.
fn protein(reference: &[u8], mutated: &[u8]) -> Option<String> {
    let cds_start = CDS_MRNA_START as usize;
    let cds_end = CDS_MRNA_END as usize;
    let (prefix, suffix) = common_ends(reference, mutated);
    // Changed region in reference mRNA positions: a..=b (b = a - 1 for an insertion).
    let a = prefix + 1;
    let b = reference.len() - suffix;
    if b < cds_start || a > cds_end {
        return None;
    }
    if a <= cds_start + 2 {
        return Some("p.Met1?".to_owned());
    }
    let ref_len = cds_end - cds_start + 1;
    let (p, _) = translate_from(reference, cds_start - 1, ref_len / 3, false);
    let delta = mutated.len() as i64 - reference.len() as i64;
    let ter = |stop: Option<usize>, first: usize| match stop {
        Some(s) => format!("Ter{}", s - first + 1),
        None => "Ter?".to_owned(),
    };
    let extension = |q: &[char], stopped: bool, i: usize| {
        let stop = stopped.then(|| q.len() - 1);
        format!(
            "p.{}{}ext{}",
            residue(&p, i),
            three_letter(q[i]),
            ter(stop, i)
        )
    };
    if delta.rem_euclid(3) != 0 {
        let (q, stopped) = translate_from(mutated, cds_start - 1, usize::MAX, true);
        let i = p.iter().zip(&q).take_while(|(x, y)| x == y).count();
        if i >= q.len() || i >= p.len() {
            return Some("p.?".to_owned());
        }
        if p[i] == '*' {
            return Some(extension(&q, stopped, i));
        }
        if q[i] == '*' {
            return Some(format!("p.{}Ter", residue(&p, i)));
        }
        let stop = stopped.then(|| q.len() - 1);
        return Some(format!(
            "p.{}{}fs{}",
            residue(&p, i),
            three_letter(q[i]),
            ter(stop, i)
        ));
    }
    // In frame: compare the reference protein with the mutated CDS read to its new length.
    let new_len = (ref_len as i64 + delta) as usize;
    let (q, _) = translate_from(mutated, cds_start - 1, new_len / 3, false);
    let Some(first_stop) = q.iter().position(|&c| c == '*') else {
        // The stop codon is gone: read on into the 3′ UTR.
        let (q, stopped) = translate_from(mutated, cds_start - 1, usize::MAX, true);
        let i = p.iter().zip(&q).take_while(|(x, y)| x == y).count();
        return Some(if i < p.len() && p[i] == '*' && i < q.len() {
            extension(&q, stopped, i)
        } else {
            "p.?".to_owned()
        });
    };
    if p == q {
        let first = (a - cds_start) / 3;
        let last = (b.max(a) - cds_start) / 3;
        return Some(format!(
            "p.{}=",
            residue_range(&p, first, last.min(p.len() - 1))
        ));
    }
    let (i, j) = common_ends(&p, &q);
    let (ref_seg, alt_seg): (&[char], &[char]) = if first_stop + 1 < q.len() {
        // A premature stop: residues after it are not described.
        let alt = q.get(i..=first_stop).unwrap_or_default();
        (
            p.get(i..(i + alt.len()).min(p.len())).unwrap_or_default(),
            alt,
        )
    } else {
        (&p[i..p.len() - j], &q[i..q.len() - j])
    };
    Some(match (ref_seg.len(), alt_seg.len()) {
        (0, 0) => "p.=".to_owned(),
        (0, k) => {
            if i >= k && p[i - k..i] == *alt_seg {
                format!("p.{}dup", residue_range(&p, i - k, i - 1))
            } else if i == 0 || i >= p.len() {
                "p.?".to_owned()
            } else {
                format!("p.{}ins{}", residue_range(&p, i - 1, i), three(alt_seg))
            }
        }
        (n, 0) => format!("p.{}del", residue_range(&p, i, i + n - 1)),
        (1, 1) => format!("p.{}{}", residue(&p, i), three(alt_seg)),
        (n, _) => format!(
            "p.{}delins{}",
            residue_range(&p, i, i + n - 1),
            three(alt_seg)
        ),
    })
}

#[cfg(test)]
mod tests;
