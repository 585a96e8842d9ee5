//! The Amazon EKS control plane price per support period (`upgradePolicy.supportType`), per
//! cluster-hour in USD: `data/eks-support-pricing.csv` (<https://aws.amazon.com/eks/pricing/>,
//! sources and dates in its header and `data/SOURCES.md`).

use std::sync::OnceLock;

use super::csv;

/// The table, as written.
const TABLE: &str = include_str!("../../../data/eks-support-pricing.csv");

/// Hours in the month the prices are quoted for (AWS pricing pages count 730 hours).
pub const HOURS_PER_MONTH: f64 = 730.0;

/// The price per cluster-hour, USD: `(standard, extended)`.
pub fn per_cluster_hour() -> (f64, f64) {
    static PRICES: OnceLock<(f64, f64)> = OnceLock::new();
    *PRICES.get_or_init(|| {
        let rows = csv::rows(TABLE);
        let price = |support: &str| {
            rows.iter()
                .find(|r| r.get("support").map(String::as_str) == Some(support))
                .and_then(|r| r.get("usd_per_cluster_hour"))
                .and_then(|p| p.parse().ok())
                .unwrap_or(f64::NAN)
        };
        (price("standard"), price("extended"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_and_extended_rates() {
        // https://aws.amazon.com/eks/pricing/ as quoted in data/eks-support-pricing.csv:
        // $0.10 per cluster-hour standard, $0.60 extended.
        assert_eq!(per_cluster_hour(), (0.10, 0.60));
    }
}
