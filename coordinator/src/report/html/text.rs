//! HTML text helpers: escaping user strings and the cells shared by several tables.

/// Escapes text for HTML element content and attribute values (`& < > " '`).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escaped text, or a dash when empty.
pub fn dash(s: &str) -> String {
    if s.is_empty() {
        "–".into()
    } else {
        esc(s)
    }
}

/// The HGVS cell (c. over p.) and the position cell (`chrom:pos REF>ALT`) of a variant.
pub fn hgvs_and_position(hgvs: [&str; 2], chrom: &str, pos: u64, alleles: [&str; 2]) -> String {
    format!(
        "<td>{}<br>{}</td><td>{}:{pos} {}&gt;{}</td>",
        dash(hgvs[0]),
        dash(hgvs[1]),
        esc(chrom),
        esc(alleles[0]),
        esc(alleles[1])
    )
}
