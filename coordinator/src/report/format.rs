//! Number formats shared by the report writers, so a number reads the same in every file.

use serde::Serializer;

/// A number for the reports: 4 decimals, scientific below 0.001.
pub fn fmt_f(x: f64) -> String {
    if x == 0.0 {
        "0".into()
    } else if x.abs() < 1e-3 {
        format!("{x:.3e}")
    } else {
        format!("{x:.4}")
    }
}

/// [`fmt_f`] as a serde `serialize_with` function, for TSV columns.
pub fn serialize_f<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&fmt_f(*x))
}

/// A fraction as a percentage with one decimal (`0.0512` → `5.1`).
pub fn pct(x: f64) -> String {
    format!("{:.1}", x * 100.0)
}

/// A number exactly as `summary.json` writes it (`535.0`, `2.5e-5`; `null` when not finite),
/// so the page shows the file's own numbers.
pub fn json_number(x: f64) -> String {
    serde_json::to_string(&x).unwrap_or_else(|_| "null".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_numbers() {
        assert_eq!(fmt_f(0.0), "0");
        assert_eq!(fmt_f(2.5e-5), "2.500e-5");
        assert_eq!(fmt_f(0.05), "0.0500");
        assert_eq!(fmt_f(-12.0), "-12.0000");
        assert_eq!(pct(0.0512), "5.1");
        assert_eq!(json_number(535.0), "535.0");
        assert_eq!(json_number(535.5), "535.5");
        assert_eq!(json_number(f64::NAN), "null");
    }
}
