//! One VCF record per variant: alleles, INFO, site filter, and the FORMAT values of every
//! sample.

use crate::report::vcf::check::{check_allele, check_filter_name, invalid, vcf_integer, VcfError};
use crate::report::vcf::fields::FORMAT_FIELDS;
use crate::report::vcf::model::{CohortVcf, VcfGenotype, VcfVariant};
use noodles::core::Position;
use noodles::vcf::variant::record_buf::{
    info::field::Value as InfoValue, samples::sample::Value as SampleValue, AlternateBases,
    Filters, Info as InfoFields, Samples,
};
use noodles::vcf::variant::RecordBuf;

pub fn vcf_float(x: Option<f64>) -> Option<SampleValue> {
    x.filter(|x| x.is_finite())
        .map(|x| SampleValue::Float(x as f32))
}

pub fn build_record(v: &CohortVcf, variant: &VcfVariant) -> Result<RecordBuf, VcfError> {
    let pos = variant.pos;
    let ref_allele = check_allele(pos, "ref", &variant.ref_allele)?;
    let alt_allele = check_allele(pos, "alt", &variant.alt_allele)?;
    if ref_allele == alt_allele {
        return Err(invalid(
            format!("variant {pos} alt allele"),
            &alt_allele,
            "equals the reference allele",
        ));
    }
    let last = pos.checked_add(ref_allele.len() as u64 - 1);
    if pos == 0 || last.is_none_or(|last| last > v.chrom_length) {
        return Err(invalid(
            "variant position",
            pos,
            "must lie within the chromosome with its whole reference allele",
        ));
    }
    let start = usize::try_from(pos)
        .ok()
        .and_then(Position::new)
        .ok_or_else(|| invalid("variant position", pos, "does not fit in memory"))?;
    if variant.genotypes.len() != v.samples.len() {
        return Err(invalid(
            format!("variant {pos} genotype count"),
            variant.genotypes.len(),
            "must equal the number of samples",
        ));
    }
    for name in &variant.filters {
        check_filter_name(name)?;
    }

    let mut info = InfoFields::default();
    let mut add_string = |key: &str, value: Option<&String>| {
        if let Some(value) = value.filter(|s| !s.is_empty()) {
            info.insert(key.into(), Some(InfoValue::String(value.clone())));
        }
    };
    add_string("GENE", Some(&variant.gene));
    add_string("HGVSC", variant.hgvs_c.as_ref());
    add_string("HGVSP", variant.hgvs_p.as_ref());
    add_string("PROTEIN", variant.protein.as_ref());
    add_string("HOTSPOT", variant.hotspot.as_ref());
    for (key, n) in [
        ("NCALLED", variant.samples_called),
        ("NACQ", variant.patients_acquired),
        ("NPAT", variant.patients_called),
    ] {
        let n = vcf_integer(|| format!("variant {pos} {key}"), n)?;
        info.insert(key.into(), Some(InfoValue::Integer(n)));
    }

    let keys = FORMAT_FIELDS
        .iter()
        .map(|(id, ..)| id.to_string())
        .collect();
    let values = v
        .samples
        .iter()
        .zip(&variant.genotypes)
        .map(|(sample, g)| sample_values(pos, sample, g))
        .collect::<Result<Vec<_>, _>>()?;

    Ok(RecordBuf::builder()
        .set_reference_sequence_name(v.chrom.clone())
        .set_variant_start(start)
        .set_reference_bases(ref_allele)
        .set_alternate_bases(AlternateBases::from(vec![alt_allele]))
        .set_filters(if variant.filters.is_empty() {
            Filters::pass()
        } else {
            variant.filters.iter().cloned().collect()
        })
        .set_info(info)
        .set_samples(Samples::new(keys, values))
        .build())
}

/// One sample's values, in [`FORMAT_FIELDS`] order.
fn sample_values(
    pos: u64,
    sample: &str,
    g: &VcfGenotype,
) -> Result<Vec<Option<SampleValue>>, VcfError> {
    let field = |what: &str| format!("variant {pos} sample {sample} {what}");
    if u64::from(g.ref_depth) + u64::from(g.alt_depth) > u64::from(g.depth) {
        return Err(invalid(
            field("depth"),
            g.depth,
            "is smaller than ref_depth + alt_depth",
        ));
    }
    for name in &g.filters {
        check_filter_name(name)?;
    }
    let gt = match (g.called, g.depth) {
        (true, _) => "0/1",
        (false, 0) => "./.",
        (false, _) => "0/0",
    };
    let gt = gt
        .parse()
        .map_err(|_| invalid(field("genotype"), gt, "does not parse"))?;
    let af = (g.depth > 0).then(|| {
        SampleValue::from(vec![Some(
            (f64::from(g.alt_depth) / f64::from(g.depth)) as f32,
        )])
    });
    let ft = if g.filters.is_empty() {
        "PASS".to_owned()
    } else {
        g.filters.join(";")
    };
    Ok(vec![
        Some(SampleValue::Genotype(gt)),
        Some(SampleValue::from(vec![
            Some(vcf_integer(|| field("ref_depth"), g.ref_depth)?),
            Some(vcf_integer(|| field("alt_depth"), g.alt_depth)?),
        ])),
        Some(SampleValue::Integer(vcf_integer(
            || field("depth"),
            g.depth,
        )?)),
        af,
        vcf_float(g.background_p),
        vcf_float(g.q_value),
        Some(SampleValue::String(ft)),
    ])
}

/// The first and last reference position a record covers, for the index.
pub fn record_span(record: &RecordBuf) -> Result<(Position, Position), VcfError> {
    let start = record
        .variant_start()
        .ok_or_else(|| VcfError::Index("record without a position".into()))?;
    let len = record.reference_bases().len().max(1);
    let end = start
        .checked_add(len - 1)
        .ok_or_else(|| VcfError::Index("record end overflows".into()))?;
    Ok((start, end))
}
