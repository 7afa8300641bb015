//! Tests of samplesheet parsing: located errors, CSV dialects (BOM, CRLF, quoting), ids.

use super::*;

fn parse(text: &str) -> Result<Samplesheet, SheetError> {
    Samplesheet::parse(Path::new("sheet.csv"), Path::new("/nonexistent"), text)
}

/// (line, column) of every problem, in order.
fn located(e: &SheetError) -> Vec<(usize, Option<&str>)> {
    e.problems
        .iter()
        .map(|p| (p.line, p.column.as_deref()))
        .collect()
}

const HEADER: &str = "patient,sample,day,material,therapy,alignments,index\n";

#[test]
fn a_good_sheet_parses_with_relative_paths_resolved() {
    let s = parse(&format!("{HEADER}P1,S1,-3,tumor,AI,bams/s1.bam,\nP1,S2,200,cfDNA,AI,s3://b/s2.bam,s3://b/s2.bam.bai\n")).unwrap();
    assert_eq!(s.samples.len(), 2);
    assert_eq!(s.samples[0].sample.alignments, "/nonexistent/bams/s1.bam");
    assert_eq!(s.samples[0].sample.index, None);
    assert_eq!(s.samples[1].sample.material, Material::Cfdna);
    assert_eq!(s.samples[1].sample.alignments, "s3://b/s2.bam");
    // The local file is missing: the sample is kept, with a located problem.
    let p = s.samples[0]
        .problem
        .as_ref()
        .expect("missing file is reported");
    assert_eq!((p.line, p.column.as_deref()), (2, Some("alignments")));
    assert!(s.samples[1].problem.is_none());
}

#[test]
fn a_forgotten_problem_takes_its_warning_with_it() {
    let mut s = parse(&format!(
        "{HEADER}P1,S1,-3,tumor,AI,s1.bam,\nP1,S2,200,tumor,AI,s2.bam,\n"
    ))
    .unwrap();
    let reported = |s: &Samplesheet, id: &str| {
        s.warnings
            .iter()
            .any(|w| w.ends_with(&format!("sample {id} will be reported as failed")))
    };
    assert!(reported(&s, "S1") && reported(&s, "S2"), "{:?}", s.warnings);
    assert_eq!(s.notes().len(), s.warnings.len() - 2, "{:?}", s.notes());
    s.forget_problem("S1");
    assert!(s.samples[0].problem.is_none());
    assert!(
        !reported(&s, "S1") && reported(&s, "S2"),
        "{:?}",
        s.warnings
    );
    assert!(s.samples[1].problem.is_some());
}

#[test]
fn errors_name_line_and_column_and_are_all_reported() {
    let text = format!(
        "{HEADER}P1,S1,-3,tumor,AI,a.bam,\nP1,S1,10,tumor,AI,b.bam,\nP2,S3,x,tumor,AI,c.bam,\nP2,S4,5,blood,AI,d.bam,\n"
    );
    let e = parse(&text).unwrap_err();
    let found = located(&e);
    assert_eq!(
        found,
        vec![(3, Some("sample")), (4, Some("day")), (5, Some("material"))]
    );
    let msg = e.to_string();
    assert!(
        msg.contains("line 3, column 'sample': duplicate sample id 'S1' (first on line 2)"),
        "{msg}"
    );
    assert!(
        msg.contains("line 5, column 'material': unknown material 'blood'"),
        "{msg}"
    );
    assert!(
        msg.contains("expected one of tumor, cfdna, normal"),
        "{msg}"
    );
}

#[test]
fn missing_columns_and_ragged_lines_are_reported() {
    let e = parse("patient,sample,day,material\nP1,S1,0,tumor\n").unwrap_err();
    assert_eq!(e.problems[0].line, 1);
    assert!(
        e.problems[0].message.contains("therapy, alignments"),
        "{}",
        e.problems[0].message
    );
    let e = parse(&format!("{HEADER}P1,S1,0,tumor\n")).unwrap_err();
    assert!(e.problems[0].message.contains("expected 7 fields"), "{e}");
}

#[test]
fn patients_without_a_baseline_are_allowed_but_reported() {
    let s = parse(&format!("{HEADER}P1,S1,100,tumor,AI,s3://b/a.bam,\n\"P2\",\"S2\",0,tumor,AI,s3://b/b.bam,\nP2,S3,30,cfdna,AI,s3://b/c.bam,\n")).unwrap();
    assert_eq!(s.samples.len(), 3);
    assert_eq!(s.samples[1].sample.patient, "P2");
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains("patient P1 has no baseline")),
        "{:?}",
        s.warnings
    );
    assert!(
        !s.warnings.iter().any(|w| w.contains("patient P2")),
        "{:?}",
        s.warnings
    );
}

#[test]
fn excel_bom_and_crlf_line_ends_are_accepted() {
    let text = "\u{feff}patient,sample,day,material,therapy,alignments,index\r\nP1,S1,-3,tumor,AI,s3://b/a.bam,\r\nP1,S2,200,cfDNA,AI,s3://b/b.bam,\r\n";
    let s = parse(text).unwrap();
    assert_eq!(s.samples.len(), 2);
    assert_eq!(s.samples[0].sample.patient, "P1");
    assert_eq!(s.samples[1].sample.alignments, "s3://b/b.bam");
    assert_eq!((s.samples[0].line, s.samples[1].line), (2, 3));
    assert!(s.samples[1].sample.index.is_none());
}

#[test]
fn quoted_fields_hold_commas_and_line_breaks_and_lines_count_from_where_a_record_starts() {
    let text = format!(
        "# a comment\n\n{HEADER}P1,S1,-3,tumor,\"AI, then CDK4/6i\",\"s3://b/a,1.bam\",\nP1,S2,200,cfdna,\"AI, then CDK4/6i\",\"s3://b/multi\nline.bam\",\n  # indented comment\nP1,S3,x,tumor,AI,s3://b/c.bam,\n"
    );
    let e = parse(&text).unwrap_err();
    // S3 starts on line 8: the quoted line break on line 5 counts.
    let found = located(&e);
    assert_eq!(found, vec![(8, Some("day"))], "{e}");
    let s = parse(&text.replace(",x,", ",30,")).unwrap();
    assert_eq!(s.samples.len(), 3);
    assert_eq!(s.samples[0].sample.therapy, "AI, then CDK4/6i");
    assert_eq!(s.samples[0].sample.alignments, "s3://b/a,1.bam");
    assert_eq!(s.samples[1].sample.alignments, "s3://b/multi\nline.bam");
    let lines: Vec<usize> = s.samples.iter().map(|x| x.line).collect();
    assert_eq!(lines, vec![4, 5, 8]);
}

#[test]
fn an_unterminated_quote_is_reported_on_the_line_it_opens() {
    let text = format!("{HEADER}P1,S1,-3,tumor,AI,s3://b/a.bam,\nP1,S2,x,tumor,AI,\"s3://b/b.bam,\nP1,S3,5,tumor,AI,s3://b/c.bam,\n");
    let e = parse(&text).unwrap_err();
    assert_eq!(e.problems.len(), 1, "{e}");
    assert_eq!(e.problems[0].line, 3);
    assert_eq!(e.problems[0].message, "unterminated quoted field");
}

#[test]
fn ids_with_a_tab_or_line_break_are_refused_with_line_and_column() {
    let text = format!(
        "{HEADER}\"P\t1\",S1,-3,tumor,AI,s3://b/a.bam,\nP1,\"S\n2\",200,cfdna,AI,s3://b/b.bam,\nP1,S3,200,cfdna,\"A\r\nI\",s3://b/c.bam,\n"
    );
    let e = parse(&text).unwrap_err();
    let found = located(&e);
    assert_eq!(
        found,
        vec![
            (2, Some("patient")),
            (3, Some("sample")),
            (5, Some("therapy"))
        ],
        "{e}"
    );
    let msg = e.to_string();
    assert!(
        msg.contains("line 2, column 'patient': 'P\\t1' contains a tab or line break"),
        "{msg}"
    );
}

#[test]
fn parent_components_of_local_paths_are_resolved_so_workers_accept_the_jobs() {
    let s = parse(&format!(
        "{HEADER}P1,S1,-3,tumor,AI,../bams/./s1.bam,/data/x/../s1.bam.bai\n"
    ))
    .unwrap();
    assert_eq!(s.samples[0].sample.alignments, "/bams/s1.bam");
    assert_eq!(
        s.samples[0].sample.index.as_deref(),
        Some("/data/s1.bam.bai")
    );
}
