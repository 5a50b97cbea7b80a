//! Thresholds people can read: a split between two training values is moved
//! to the roundest number between them (same training partition), and
//! written so that parsing the text gives back exactly the stored number.

/// Round steps tried from coarse to fine.
const STEPS: [f64; 16] = [
    1e6, 5e5, 1e5, 5e4, 1e4, 5e3, 1e3, 500.0, 100.0, 50.0, 10.0, 5.0, 1.0, 0.5, 0.1, 0.01,
];

/// The roundest threshold `t` with `below ≤ t < above` (so values ≤ `below`
/// stay left and values ≥ `above` stay right), nearest to `split` among the
/// multiples of the coarsest step that fits. Whole features get whole
/// thresholds; money at most cents, else `below` itself.
pub fn snap(below: f64, above: f64, split: f64, whole: bool) -> f64 {
    for &step in STEPS.iter().filter(|&&s| !whole || s >= 1.0) {
        let decimals = decimals_of(step);
        let nearest = (split / step).round();
        // The nearest multiple of `step`, or the ones just inside the interval.
        let candidates = [
            nearest,
            (below / step).ceil(),
            ((above / step).ceil() - 1.0),
        ];
        let mut best: Option<f64> = None;
        for multiple in candidates {
            let t = exact(multiple * step, decimals);
            if below <= t && t < above && best.is_none_or(|b| (t - split).abs() < (b - split).abs())
            {
                best = Some(t);
            }
        }
        if let Some(t) = best {
            return t;
        }
    }
    below
}

fn decimals_of(step: f64) -> usize {
    if step >= 1.0 {
        0
    } else if step >= 0.1 {
        1
    } else {
        2
    }
}

/// `value` rounded to `decimals` as the number its printed form parses to.
fn exact(value: f64, decimals: usize) -> f64 {
    format!("{value:.decimals$}").parse().unwrap_or(value)
}

/// Whole number with thousands separators: 12000 → "12,000".
pub fn whole(value: f64) -> String {
    group(&format!("{value:.0}"))
}

/// Money with thousands separators: whole amounts without decimals, cents
/// with two, anything finer in full (so the text is still exact).
pub fn money(value: f64) -> String {
    let text = if value.fract() == 0.0 {
        format!("{value:.0}")
    } else if exact(value, 2) == value {
        format!("{value:.2}")
    } else {
        format!("{value}")
    };
    format!("£{}", group(&text))
}

fn group(text: &str) -> String {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (int_part, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let mut out = String::from(sign);
    for (i, digit) in int_part.chars().enumerate() {
        if i > 0 && (int_part.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    if let Some(frac) = frac {
        out.push('.');
        out.push_str(frac);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snaps_to_the_roundest_number_between_the_neighbours() {
        assert_eq!(snap(28.0, 35.0, 31.5, true), 30.0);
        assert_eq!(snap(30.0, 31.0, 30.5, true), 30.0);
        assert_eq!(snap(12.0, 400.0, 206.0, true), 200.0);
        assert_eq!(snap(4.0, 5.0, 4.5, true), 4.0);
        assert_eq!(snap(999.7, 1000.4, 1000.05, false), 1000.0);
        assert_eq!(snap(12.331, 12.349, 12.345, false), 12.34);
        // Neighbours less than a cent apart: the lower one itself.
        assert_eq!(snap(1.001, 1.002, 1.0015, false), 1.001);
        assert_eq!(snap(-7.0, -2.0, -4.5, true), -5.0);
    }

    #[test]
    fn formats_exactly() {
        assert_eq!(whole(12000.0), "12,000");
        assert_eq!(money(1234.5), "£1,234.50");
        assert_eq!(money(1_000_000.0), "£1,000,000");
        assert_eq!(money(1.001), "£1.001");
        assert_eq!(money(-1234.0), "£-1,234");
        for v in [0.1 + 0.2, 12.34, 1e-3, 98765.43] {
            let text = money(v).replace(['£', ','], "");
            assert_eq!(text.parse::<f64>().unwrap(), v, "{v}");
        }
    }
}
