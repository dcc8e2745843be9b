//! Statistics over seeds: a metric's mean, standard deviation and Student-t confidence interval,
//! one-sided bounds for SLO checks, and the paired difference of two variants run on the same
//! seeds.
//!
//! Runs of one point on seeds 1..N are independent replications, so a metric's mean over them
//! has a Student-t interval with N − 1 degrees of freedom. Two variants run on the same seeds see
//! the same random draws where they share parts (common random numbers, docs/determinism.md), so
//! their per-seed differences vary far less than either metric: the paired interval of the
//! difference is the one to read. The t quantile is computed, not tabled: the regularized
//! incomplete beta function by its continued fraction, inverted by bisection, on `libm` so the
//! numbers are the same natively and in the browser.

use serde::{Deserialize, Serialize};

/// A metric over the seeds of one point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Seeds with a value (a run whose metric is missing, such as a latency with no request, is
    /// left out).
    pub n: u32,
    pub mean: f64,
    /// Sample standard deviation (n − 1); 0 for one seed.
    pub sd: f64,
    /// The two-sided confidence interval of the mean at `confidence`; for one seed, the mean.
    pub lo: f64,
    pub hi: f64,
}

impl Estimate {
    /// The estimate of `values` with a two-sided interval at `confidence` (0.95).
    pub fn of(values: &[f64], confidence: f64) -> Option<Estimate> {
        let n = values.len();
        if n == 0 {
            return None;
        }
        let mean = values.iter().sum::<f64>() / n as f64;
        let sd = if n > 1 {
            libm::sqrt(values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1) as f64)
        } else {
            0.0
        };
        let half = if n > 1 {
            t_quantile(0.5 + confidence / 2.0, (n - 1) as f64) * sd / libm::sqrt(n as f64)
        } else {
            0.0
        };
        Some(Estimate {
            n: n as u32,
            mean,
            sd,
            lo: mean - half,
            hi: mean + half,
        })
    }

    /// Half the interval's width.
    pub fn half_width(&self) -> f64 {
        (self.hi - self.lo) / 2.0
    }

    /// Whether the interval is wider than `relative` of the mean either way (±10 % at 0.1): too
    /// wide to act on. A mean of 0 with any spread is wide; one seed says nothing of spread.
    pub fn is_wide(&self, relative: f64) -> bool {
        self.n > 1 && self.half_width() > relative * self.mean.abs()
    }

    /// About how many seeds would bring the interval to ±`relative` of the mean, from the
    /// spread seen so far: the half-width falls as 1/√n (the t quantile's own fall is left
    /// out, so this errs high for few seeds). None when the mean is 0 or there is one seed.
    pub fn seeds_for(&self, relative: f64) -> Option<u32> {
        let target = relative * self.mean.abs();
        if self.n < 2 || target <= 0.0 {
            return None;
        }
        let ratio = self.half_width() / target;
        Some(
            ((self.n as f64) * ratio * ratio)
                .ceil()
                .clamp(self.n as f64, 1e6) as u32,
        )
    }

    /// The one-sided bound at `confidence`: the value the mean is below (`upper`) or above with
    /// that confidence. An SLO "p99 < 200" holds with 95 % confidence when the upper bound at
    /// 0.95 is below 200.
    pub fn bound(&self, confidence: f64, upper: bool) -> f64 {
        if self.n < 2 {
            return self.mean;
        }
        let half =
            t_quantile(confidence, (self.n - 1) as f64) * self.sd / libm::sqrt(self.n as f64);
        if upper {
            self.mean + half
        } else {
            self.mean - half
        }
    }
}

/// What the paired difference of B − A says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The interval of B − A lies above zero.
    Higher,
    /// The interval of B − A lies below zero.
    Lower,
    /// The interval holds zero.
    NoSignificantDifference,
}

/// The paired difference B − A over the seeds both have, and the unpaired interval for contrast.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Paired {
    pub difference: Estimate,
    pub verdict: Verdict,
    /// The half-width of the interval had the runs not been paired (Welch), to show what common
    /// random numbers bought.
    pub unpaired_half_width: f64,
}

/// B − A of `(a, b)` values per seed, at `confidence`.
pub fn paired(pairs: &[(f64, f64)], confidence: f64) -> Option<Paired> {
    let diffs: Vec<f64> = pairs.iter().map(|(a, b)| b - a).collect();
    let difference = Estimate::of(&diffs, confidence)?;
    let verdict = if difference.n > 1 && difference.lo > 0.0 {
        Verdict::Higher
    } else if difference.n > 1 && difference.hi < 0.0 {
        Verdict::Lower
    } else {
        Verdict::NoSignificantDifference
    };
    let a: Vec<f64> = pairs.iter().map(|p| p.0).collect();
    let b: Vec<f64> = pairs.iter().map(|p| p.1).collect();
    let (ea, eb) = (Estimate::of(&a, confidence)?, Estimate::of(&b, confidence)?);
    let unpaired_half_width = welch_half_width(&ea, &eb, confidence);
    Some(Paired {
        difference,
        verdict,
        unpaired_half_width,
    })
}

/// The half-width of Welch's interval for the difference of two independent means.
fn welch_half_width(a: &Estimate, b: &Estimate, confidence: f64) -> f64 {
    if a.n < 2 || b.n < 2 {
        return 0.0;
    }
    let (va, vb) = (a.sd * a.sd / a.n as f64, b.sd * b.sd / b.n as f64);
    let se = libm::sqrt(va + vb);
    if se == 0.0 {
        return 0.0;
    }
    let df = (va + vb) * (va + vb) / (va * va / (a.n - 1) as f64 + vb * vb / (b.n - 1) as f64);
    t_quantile(0.5 + confidence / 2.0, df) * se
}

/// The `p` quantile of Student's t with `df` degrees of freedom (p in (0, 1)).
pub fn t_quantile(p: f64, df: f64) -> f64 {
    if p == 0.5 {
        return 0.0;
    }
    if p < 0.5 {
        return -t_quantile(1.0 - p, df);
    }
    // Bisection on the CDF: monotone, and 200 halvings of [0, 1e4] reach the last bit.
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    while t_cdf(hi, df) < p && hi < 1e12 {
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid == lo || mid == hi {
            break;
        }
        if t_cdf(mid, df) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// Student's t CDF at `t` with `df` degrees of freedom.
pub fn t_cdf(t: f64, df: f64) -> f64 {
    let x = df / (df + t * t);
    let tail = 0.5 * incomplete_beta(df / 2.0, 0.5, x);
    if t >= 0.0 {
        1.0 - tail
    } else {
        tail
    }
}

/// The regularized incomplete beta function I_x(a, b), by Lentz's continued fraction.
fn incomplete_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = libm::lgamma(a + b) - libm::lgamma(a) - libm::lgamma(b)
        + a * libm::log(x)
        + b * libm::log(1.0 - x);
    let front = libm::exp(ln_front);
    // The fraction converges fast for x below the mean; use the symmetry above it.
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_fraction(a, b, x) / a
    } else {
        1.0 - front * beta_fraction(b, a, 1.0 - x) / b
    }
}

fn beta_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..300 {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        d = if d.abs() < TINY { TINY } else { d };
        c = 1.0 + aa / c;
        c = if c.abs() < TINY { TINY } else { c };
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        d = if d.abs() < TINY { TINY } else { d };
        c = 1.0 + aa / c;
        c = if c.abs() < TINY { TINY } else { c };
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

#[cfg(test)]
mod tests {

    #[test]
    fn wide_intervals_and_the_seeds_they_need() {
        // 3 seeds, mean 2327.8, half-width 2193.4: about 3 × (2193.4 / 232.78)² = 267 seeds.
        let e = Estimate {
            n: 3,
            mean: 2327.8,
            sd: 0.0,
            lo: 2327.8 - 2193.4,
            hi: 2327.8 + 2193.4,
        };
        assert!(e.is_wide(0.1));
        assert_eq!(e.seeds_for(0.1), Some(267));
        // Narrow already: no more seeds than it has.
        let narrow = Estimate::of(&[100.0, 101.0, 99.0, 100.0], 0.95).expect("estimate");
        assert!(!narrow.is_wide(0.1));
        assert_eq!(narrow.seeds_for(0.1), Some(4));
        assert_eq!(
            Estimate::of(&[5.0], 0.95).expect("one").seeds_for(0.1),
            None
        );
        assert!(!Estimate::of(&[0.0, 0.0], 0.95).expect("zeros").is_wide(0.1));
    }

    use super::*;

    #[test]
    fn t_quantiles_match_the_tables() {
        // Two-sided 95 % (p = 0.975) and one-sided 95 % (p = 0.95), from standard tables.
        for (df, q975, q95) in [
            (1.0, 12.706_204_736, 6.313_751_515),
            (2.0, 4.302_652_730, 2.919_985_580),
            (4.0, 2.776_445_105, 2.131_846_786),
            (9.0, 2.262_157_163, 1.833_112_933),
            (19.0, 2.093_024_054, 1.729_132_812),
            (30.0, 2.042_272_456, 1.697_260_887),
            (1000.0, 1.962_339_081, 1.646_379_234),
        ] {
            assert!(
                (t_quantile(0.975, df) - q975).abs() < 1e-6,
                "df {df}: {}",
                t_quantile(0.975, df)
            );
            assert!(
                (t_quantile(0.95, df) - q95).abs() < 1e-6,
                "df {df}: {}",
                t_quantile(0.95, df)
            );
            assert!((t_quantile(0.025, df) + q975).abs() < 1e-6);
        }
    }

    #[test]
    fn an_estimate_of_known_data() {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample sd sqrt(32/7); 95 % half-width t(7) sd/sqrt(8).
        let v = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        let e = Estimate::of(&v, 0.95).unwrap();
        assert_eq!(e.n, 8);
        assert!((e.mean - 5.0).abs() < 1e-12);
        let sd = (32.0_f64 / 7.0).sqrt();
        assert!((e.sd - sd).abs() < 1e-12);
        let half = 2.364_624_252 * sd / 8.0_f64.sqrt();
        assert!((e.hi - (5.0 + half)).abs() < 1e-6, "{e:?}");
        assert!((e.lo - (5.0 - half)).abs() < 1e-6, "{e:?}");
        // One-sided upper bound at 95 %: t(7, 0.95) = 1.894578605.
        let up = 5.0 + 1.894_578_605 * sd / 8.0_f64.sqrt();
        assert!((e.bound(0.95, true) - up).abs() < 1e-6);
        assert_eq!(Estimate::of(&[], 0.95), None);
        let one = Estimate::of(&[3.0], 0.95).unwrap();
        assert_eq!((one.lo, one.hi, one.sd), (3.0, 3.0, 0.0));
    }

    #[test]
    fn pairing_removes_the_shared_noise() {
        // B is A plus 1 with a little noise of its own; A varies a lot between seeds.
        let pairs: Vec<(f64, f64)> = (0..20)
            .map(|i| {
                let a = 100.0 + 30.0 * ((i * 7 % 11) as f64 - 5.0);
                (a, a + 1.0 + 0.1 * ((i % 3) as f64 - 1.0))
            })
            .collect();
        let p = paired(&pairs, 0.95).unwrap();
        assert_eq!(p.verdict, Verdict::Higher, "{p:?}");
        let half = (p.difference.hi - p.difference.lo) / 2.0;
        assert!(
            half < p.unpaired_half_width / 10.0,
            "{half} vs {}",
            p.unpaired_half_width
        );
        // The same values on both sides: no difference.
        let same: Vec<(f64, f64)> = pairs.iter().map(|&(a, _)| (a, a)).collect();
        assert_eq!(
            paired(&same, 0.95).unwrap().verdict,
            Verdict::NoSignificantDifference
        );
    }
}
