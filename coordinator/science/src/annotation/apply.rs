//! Filling the built-in ESR1 model's exon coordinates and mRNA boundaries from an annotation,
//! after checking the annotation against the verified exons and the mRNA.

use super::{AnnotatedExon, AnnotatedExons, AnnotationError};
use crate::esr1::{Build, Esr1Model};

impl Esr1Model {
    /// The model with genomic coordinates (in the annotation's build) and mRNA boundaries of
    /// every exon taken from an annotation, after checking that exon lengths sum to the mRNA
    /// length and that known mRNA boundaries and verified coordinates agree.
    pub fn with_annotation(mut self, annotated: &AnnotatedExons) -> Result<Self, AnnotationError> {
        let path = &annotated.path;
        let lines = match (annotated.exons.first(), annotated.exons.last()) {
            (Some(f), Some(l)) => format!(" (lines {}-{})", f.line, l.line),
            _ => String::new(),
        };
        let whole = |message: String| AnnotationError::Inconsistent {
            path: path.clone(),
            message,
        };
        if annotated.exons.len() != self.exons.len() {
            return Err(whole(format!(
                "{}{lines} has {} exons, NM_000125.4 has {}",
                annotated.transcript,
                annotated.exons.len(),
                self.exons.len()
            )));
        }
        let total: u64 = annotated.exons.iter().map(AnnotatedExon::len).sum();
        if total != self.mrna.len() as u64 {
            return Err(whole(format!(
                "{}{lines}: exon lengths sum to {total} bp, the NM_000125.4 mRNA is {} bp",
                annotated.transcript,
                self.mrna.len()
            )));
        }
        let build = annotated.build;
        let mut m_start = 1;
        for (a, e) in annotated.exons.iter().zip(self.exons.iter_mut()) {
            let m_end = m_start + a.len() - 1;
            let wrong = |message: String| AnnotationError::Contradiction {
                path: path.clone(),
                line: a.line,
                exon: e.number,
                message,
            };
            for (what, known, ours) in
                [("start", e.mrna_start, m_start), ("end", e.mrna_end, m_end)]
            {
                if let Some(k) = known.filter(|&k| k != ours) {
                    return Err(wrong(format!(
                        "{}-{} puts the exon's mRNA {what} at {ours}, NM_000125.4 has {k}",
                        a.start, a.end
                    )));
                }
            }
            if let Some((s, t)) = e.span(build).filter(|&span| span != (a.start, a.end)) {
                return Err(wrong(format!(
                    "annotated at {build} {}-{}, verified at {s}-{t}",
                    a.start, a.end
                )));
            }
            e.mrna_start = Some(m_start);
            e.mrna_end = Some(m_end);
            let span = Some((a.start, a.end));
            match build {
                Build::Grch38 => e.grch38 = span,
                Build::Grch37 => e.grch37 = span,
            }
            m_start = m_end + 1;
        }
        Ok(self)
    }
}
